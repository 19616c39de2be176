#!/bin/bash
# Integration tests of fleet runs (run-all --slurm, --fleet-status, --resume
# FLEET, the gather job) on a private Slurm started here: munged with its own
# key and socket, slurmctld and two slurmd (node names n1 and n2 on this one
# host, slurmd -N) from a slurm.conf generated in a temporary directory with
# its own state, spool, log directories and ports. As root the Debian
# packages are installed (scripts/deps.sh slurm); without them, or when the
# daemons do not come up, the Slurm tests are skipped with the reason. Every
# daemon started is stopped by its pid at the end, also when a test fails.
#
# Covered: no Slurm client (exit 2), a job that cannot find the suite or
# write FLEET (its first checks, run without Slurm), bad input (no such partition, a host
# not in the partition, options that do not go together, a directory that is
# not a fleet, a fleet already there), then one fleet of n1 and n2 with n2
# drained: n1 done while n2 pends (--fleet-status: pending, exit 75), n2's
# job cancelled (cancelled, exit 1), the gather job's report comparing n1
# with n2's column saying cancelled; --resume with n2's directory blocked
# (n2 failed, the reason named); --resume again: both done, the report, the
# job scripts, each host's run.json (its Slurm node, its cpuset); Slurm not
# answering; a job cancelled while its step runs (the run interrupted).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@" # (tests/run.sh runs sh)
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
R=$top/run-all
release_only "fleet runs"

# --- no Slurm client: a PATH of this machine's commands without Slurm's
mkdir -p "$TMP/noslurm"
for f in /usr/local/bin/* /usr/bin/* /bin/*; do
    case ${f##*/} in sbatch | sinfo | squeue | scontrol | scancel | srun | salloc) continue ;; esac
    [ -e "$TMP/noslurm/${f##*/}" ] || ln -s "$f" "$TMP/noslurm/${f##*/}"
done
expect_exit "--slurm without the Slurm client: exit 2 saying so" 2 "sbatch not found: --slurm needs the Slurm client" \
    env PATH="$TMP/noslurm" "$R" --slurm debug --no-deps
if "$R" --help | grep -q -- '--slurm PARTITION' && "$R" --slurm x --help | grep -q 'filesystem the hosts share' &&
    "$R" --slurm x --help | grep -q -- '--fleet-status FLEET'; then
    ok "--help names the fleet commands; --slurm --help explains them (the shared checkout)"
else notok "--help names the fleet commands; --slurm --help explains them (the shared checkout)"; fi
expect_exit "--fleet-status of a directory that is not a fleet" 2 "is not a fleet directory" "$R" --fleet-status "$TMP"
expect_exit "--fleet-status with another option" 2 "takes no other option" "$R" --fleet-status "$TMP" --wait
expect_exit "--slurm with --resume" 2 "do not go together" "$R" --slurm debug --resume "$TMP"

# --- the job body's first checks, without Slurm: the suite and FLEET must be
# where the job looks (a shared filesystem); as scripts/fleet writes a job
job() { # TOP FLEET: run a host job for h1 as Slurm would (job 77 on node h1)
    { printf 'top=%q fleet=%q host=h1\nrun_args=(--profile smoke)\n' "$1" "$2"
      sed -n '/^# --- job body/,$p' "$top/scripts/fleet-job.sh"; } >"$TMP/job.sh"
    SLURM_JOB_ID=77 SLURMD_NODENAME=h1 bash "$TMP/job.sh" >"$TMP/job.out" 2>&1
}
mkdir -p "$TMP/jf/jobs"
job "$TMP/nowhere" "$TMP/jf"
rc=$?
rec=$(cut -f1-3,5 "$TMP/jf/jobs/h1.state" 2>/dev/null)
if [ $rc -eq 2 ] && [ "$rec" = "$(printf 'failed\t77\t2\tcannot find the suite at %s on %s (the checkout must be on a filesystem the hosts share)' "$TMP/nowhere" "$(hostname)")" ] &&
    grep -q "^run-all: error: cannot find the suite at $TMP/nowhere" "$TMP/job.out"; then
    ok "a job that cannot find the suite fails at once, saying the checkout must be shared (its record: failed)"
else notok "a job that cannot find the suite fails at once, saying the checkout must be shared" "exit $rc" "$rec" "$(cat "$TMP/job.out")"; fi
job "$top" "$TMP/nofleet"
rc=$?
if [ $rc -eq 2 ] && grep -q "^run-all: error: cannot write $TMP/nofleet/jobs on .* (FLEET must be on a filesystem the hosts share)" "$TMP/job.out" &&
    [ ! -e "$TMP/nofleet" ]; then
    ok "a job that cannot write FLEET fails at once, saying FLEET must be shared"
else notok "a job that cannot write FLEET fails at once, saying FLEET must be shared" "exit $rc" "$(cat "$TMP/job.out")"; fi

# --- the private Slurm: every daemon's pid is in a pid file under $S
S=$TMP/slurm
daemon_pids() { cat "$S/munge/munged.pid" "$S"/run/*.pid 2>/dev/null | tr -cs '0-9' ' '; }
stop_slurm() {
    local p i left all
    [ -n "${SLURM_CONF:-}" ] && timeout 20 scancel --full -p debug >/dev/null 2>&1
    all=$(daemon_pids) # (a daemon removes its pid file as it ends)
    for p in $all; do all="$all $(pgrep -P "$p" | tr '\n' ' ')"; done # slurmctld's slurmscriptd
    for p in $all; do kill -TERM "$p" 2>/dev/null; done
    for i in $(seq 50); do
        left=""
        for p in $all; do kill -0 "$p" 2>/dev/null && left=1; done
        [ -n "$left" ] || break
        sleep 0.1
    done
    for p in $all; do kill -KILL "$p" 2>/dev/null; done
    # what killed daemons leave: slurmstepd and the jobs of this test's fleet
    pkill -KILL -f "slurmstepd.*$S" 2>/dev/null
    pkill -KILL -f "$TMP/fleet" 2>/dev/null
}
trap 'stop_slurm; rm -rf "$TMP"' EXIT

skip_all() {
    for t in "bad input under Slurm" "a fleet: one host done, one pending" "a cancelled job" \
        "the gather job's report" "--resume: a failed host" "--resume: both done" \
        "--fleet-status while Slurm does not answer" "a job cancelled while its step runs"; do
        skip "$t" "$1"
    done
    exit 0
}

free_port() { # a TCP port nobody listens on, from $1 up
    local p=$1
    while ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; do p=$((p + 1)); done
    echo "$p"
}

start_slurm() {
    local p0 ctl d n1 n2 p
    if [ "$(id -u)" -eq 0 ]; then "$top/scripts/deps.sh" slurm >"$TMP/deps.log" 2>&1 || return 1; fi
    for c in munged mungekey slurmctld slurmd sbatch; do command -v $c >/dev/null || {
        echo "$c not installed (Debian: slurmctld slurmd slurm-client munge; root installs them)"
        return 1
    }; done
    mkdir -p "$S/munge" "$S/state" "$S/log" "$S/run" "$S/spool/n1" "$S/spool/n2"
    chmod 755 "$TMP" "$S" "$S/munge"
    : >"$S/plugstack.conf"
    mungekey -c -k "$S/munge/munge.key" 2>"$S/log/mungekey.log" || { echo "mungekey failed"; return 1; }
    munged --key-file="$S/munge/munge.key" --socket="$S/munge/munge.socket" --pid-file="$S/munge/munged.pid" \
        --log-file="$S/munge/munged.log" --seed-file="$S/munge/munged.seed" 2>"$S/log/munged.err" ||
        { echo "munged did not start: $(tail -1 "$S/log/munged.err")"; return 1; }
    p0=$((20000 + $$ % 20000))
    ctl=$(free_port "$p0") d=$(free_port $((ctl + 1))) n1=$(free_port $((d + 1))) n2=$(free_port $((n1 + 1)))
    cat >"$S/slurm.conf" <<EOF
ClusterName=cxlscope
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctl
SlurmdPort=$d
AuthType=auth/munge
AuthInfo=socket=$S/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool/%n
SlurmctldPidFile=$S/run/slurmctld.pid
SlurmdPidFile=$S/run/slurmd-%n.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd-%n.log
PlugStackConfig=$S/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MailProg=/bin/true
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=300
NodeName=n1 NodeHostname=localhost NodeAddr=127.0.0.1 Port=$n1 CPUs=1 RealMemory=1000 State=UNKNOWN
NodeName=n2 NodeHostname=localhost NodeAddr=127.0.0.1 Port=$n2 CPUs=1 RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=n1,n2 Default=YES MaxTime=INFINITE State=UP
EOF
    export SLURM_CONF=$S/slurm.conf
    slurmctld -f "$SLURM_CONF" || { echo "slurmctld did not start"; return 1; }
    for p in 1 2 3 4 5 6 7 8 9 10; do [ -s "$S/run/slurmctld.pid" ] && break; sleep 0.5; done
    for n in n1 n2; do
        slurmd -f "$SLURM_CONF" -N $n || { echo "slurmd -N $n did not start"; return 1; }
        for p in 1 2 3 4 5 6 7 8 9 10; do [ -s "$S/run/slurmd-$n.pid" ] && break; sleep 0.5; done
    done
    for p in $(seq 60); do # the nodes up (idle) within 30 s
        [ "$(timeout 10 sinfo -h -N -r -t idle -o %N 2>/dev/null | sort -u | wc -l)" -eq 2 ] && return 0
        sleep 0.5
    done
    echo "the nodes did not come up: $(tail -2 "$S/log/slurmctld.log" | tr '\n' ' ')"
    return 1
}
start_slurm >"$TMP/why" || skip_all "no private Slurm: $(tail -1 "$TMP/why")"

# --- bad input, against the private Slurm
bad=""
chk() { # NAME PATTERN ARGS...: exit 2, one line matching PATTERN
    local name=$1 pat=$2
    shift 2
    "$R" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -qE -e "$pat" "$TMP/err" ||
        bad="$bad${bad:+; }$name: exit $rc, $(head -2 "$TMP/err" | tr '\n' ' ')"
}
chk "no such partition" "no partition 'nope' \\(partitions: debug" --slurm nope --no-deps --out "$TMP/x1"
chk "host not in the partition" "host 'n9' is not in partition 'debug' \\(its nodes: n1 n2" --slurm debug --hosts n1,n9 --no-deps --out "$TMP/x2"
chk "bad profile" "no profile 'nope'" --slurm debug --profile nope --no-deps --out "$TMP/x3"
mkdir -p "$TMP/x4" && echo '{"hosts": {}, "order": []}' >"$TMP/x4/fleet.json"
chk "a fleet there already" "is a fleet already" --slurm debug --no-deps --out "$TMP/x4"
chk "--resume with --hosts" "takes the options the fleet started with" --resume "$TMP/x4" --hosts n1
chk "--hosts without a value" "--hosts needs a value" --slurm debug --hosts
if [ -z "$bad" ] && [ ! -e "$TMP/x1" ] && [ ! -e "$TMP/x2/fleet.json" ] && [ -z "$(squeue -h -t all -o %i)" ]; then
    ok "bad input under Slurm: exit 2, one line each, nothing submitted"
else notok "bad input under Slurm: exit 2, one line each, nothing submitted" "$bad" "$(squeue -h -t all)"; fi

# wait_until DESC CMD...: CMD succeeds within 180 s (a guard against a hang,
# not a measurement: every test below checks states, not times)
wait_until() {
    local d=$1 i
    shift
    for i in $(seq 360); do "$@" && return 0; sleep 0.5; done
    echo "# gave up waiting: $d"
    return 1
}
F=$TMP/fleet
st() { awk -F'\t' -v h="$1" '$1 == h { print $2 }' "$F/status.tsv"; }
reason() { awk -F'\t' -v h="$1" '$1 == h { print $4 }' "$F/status.tsv"; }
state_is() { "$R" --fleet-status "$F" >/dev/null 2>&1; [ "$(st "$1")" = "$2" ]; }
job_of() { jq -r --arg h "$1" '.hosts[$h].jobs[-1]' "$F/fleet.json"; }
job_ended() { ! squeue -h -j "$1" -t PENDING,RUNNING,CONFIGURING,COMPLETING -o %i 2>/dev/null | grep -q .; }

# --- a fleet: n2 drained, so its job pends; n1's runs
scontrol update nodename=n2 state=drain reason=cxlscope-test
"$R" --slurm debug --profile smoke --no-deps --out "$F" >"$TMP/sub" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q 'n1: job [0-9]* submitted' "$TMP/sub" && grep -q 'n2: job [0-9]* submitted' "$TMP/sub" &&
    grep -q 'gather: job' "$TMP/sub" && [ -f "$F/jobs/n1.sh" ] && [ -f "$F/jobs/gather.sh" ] &&
    wait_until "n1 done" state_is n1 done; then
    "$R" --fleet-status "$F" >"$TMP/fs" 2>&1
    rc=$?
    if [ $rc -eq 75 ] && [ "$(st n2)" = pending ] && reason n2 | grep -q 'waiting in the queue (Slurm reason: ' &&
        [ "$(cut -f1,3,5 "$F/jobs/n1.state")" = "$(printf 'done\t3\tsome steps skipped: gpucopy-smoke')" ] &&
        grep -qE '^  n2 +pending' "$TMP/fs" && grep -qE '^  n1 +done' "$TMP/fs" &&
        [ "$(head -1 "$F/status.tsv")" = "$(printf 'host\tstate\tjob\treason\tdir')" ]; then
        ok "a fleet: one host done, one pending (--fleet-status exit 75, status.tsv)"
    else notok "a fleet: one host done, one pending (--fleet-status exit 75, status.tsv)" "exit $rc" "$(cat "$TMP/fs")"; fi
else
    notok "a fleet: one host done, one pending" "exit $rc" "$(cat "$TMP/sub")" "$(cat "$F"/jobs/*.out 2>/dev/null | tail -5)"
fi

# --- n2's job cancelled while it pends; the gather job runs after it
j2=$(job_of n2) g=$(jq -r '.gather_jobs[-1]' "$F/fleet.json")
scancel "$j2"
wait_until "n2's job gone" job_ended "$j2"
"$R" --fleet-status "$F" >"$TMP/fs" 2>&1
rc=$?
if [ $rc -eq 1 ] && [ "$(st n2)" = cancelled ] && [ "$(reason n2)" = "cancelled before it started (scancel)" ]; then
    ok "a cancelled job: --fleet-status says cancelled before it started, exit 1"
else notok "a cancelled job: --fleet-status says cancelled before it started, exit 1" "exit $rc" "$(cat "$TMP/fs")"; fi
if wait_until "the gather job" job_ended "$g" && [ -f "$F/report/index.html" ] &&
    grep -q 'cancelled before it started' "$F/report/index.html" &&
    grep -q '^"n1","done' "$F/report/machines.csv" &&
    grep -q '^"n2","cancelled: cancelled before it started (scancel)"' "$F/report/machines.csv" &&
    grep -q 'idle_latency_ns' "$F/report/headline.csv"; then
    ok "the gather job's report: n1 compared, n2's column says cancelled and why"
else notok "the gather job's report: n1 compared, n2's column says cancelled and why" \
    "$(cat "$F"/jobs/gather-*.out 2>/dev/null | tail -5)" "$(cat "$F/report/machines.csv" 2>/dev/null)"; fi

# --- --resume with n2's results directory blocked by a file: n2 fails
scontrol update nodename=n2 state=resume
echo blocked >"$F/n2"
"$R" --resume "$F" --wait >"$TMP/res" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'n1: done, kept' "$TMP/res" && grep -q 'n2: cancelled (.*): submitted again' "$TMP/res" &&
    [ "$(st n2)" = failed ] && reason n2 | grep -q "$F/n2" && [ "$(jq '.hosts.n2.jobs | length' "$F/fleet.json")" -eq 2 ] &&
    [ "$(jq '.hosts.n1.jobs | length' "$F/fleet.json")" -eq 1 ] && grep -qF "$(reason n2)" "$F/report/index.html"; then
    ok "--resume: a failed host (n2 submitted again, its reason in status.tsv and the report; n1 kept)"
else notok "--resume: a failed host (n2 submitted again, its reason in status.tsv and the report; n1 kept)" "exit $rc" \
    "$(cat "$TMP/res")" "$(cat "$F/status.tsv")"; fi

# --- --resume again, unblocked: both done
rm -f "$F/n2"
"$R" --resume "$F" --wait >"$TMP/res2" 2>&1
rc=$?
"$R" --fleet-status "$F" >"$TMP/fs" 2>&1
frc=$?
okk=1 why=""
[ $rc -eq 0 ] && [ $frc -eq 0 ] || { okk=0; why="exit $rc, --fleet-status exit $frc"; }
for h in n1 n2; do
    [ "$(jq -r .complete "$F/$h/run.json" 2>/dev/null)" = true ] && [ -s "$F/$h/latency.csv" ] &&
        [ "$(jq -r .slurm.node "$F/$h/run.json")" = "$h" ] && [ "$(jq -r .cpus_allowed "$F/$h/run.json")" != null ] &&
        [ "$(jq -r .mems_allowed "$F/$h/run.json")" != null ] || { okk=0; why="$why; $h's run.json"; }
done
grep -q '^#SBATCH --exclusive' "$F/jobs/n2.sh" && grep -q 'srun .*--cpu-bind=none --mem-bind=none' "$F/jobs/n2.sh" ||
    { okk=0; why="$why; the job script"; }
[ "$(grep -c '^"n[12]","done' "$F/report/machines.csv")" -eq 2 ] || { okk=0; why="$why; machines.csv"; }
[ "$(grep -c '^n[12],idle_latency_ns,LDRAM,' "$F/report/headline.csv")" -eq 2 ] || { okk=0; why="$why; headline.csv"; }
if [ $okk = 1 ]; then
    ok "--resume: both done (each host's run.json: complete, its Slurm node and cpuset; the report compares both)"
else notok "--resume: both done" "$why" "$(cat "$TMP/res2")" "$(cat "$F/status.tsv")"; fi

# --- Slurm not answering: the jobs' own records still say done; a resume refuses
echo 'ClusterName=none' >"$TMP/nope.conf"
SLURM_CONF=$TMP/nope.conf timeout 120 "$R" --fleet-status "$F" >"$TMP/fs2" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ "$(st n1)$(st n2)" = donedone ]; then
    ok "--fleet-status while Slurm does not answer: the jobs' records (both done)"
else notok "--fleet-status while Slurm does not answer: the jobs' records (both done)" "exit $rc" "$(cat "$TMP/fs2")"; fi

# --- a job cancelled while its step runs: a profile (a file) with one
# latency step that would run for minutes; scancel once the step runs
F=$TMP/fleet2
printf 'long latency 600 --mem-node all --size 4M --repeat 100000 --min-samples 100000 --time-budget 600\n' >"$TMP/long.profile"
step_runs() { [ "$(jq -r '.steps[0].status' "$F/n1/run.json" 2>/dev/null)" = running ]; }
if "$R" --slurm debug --hosts n1 --profile "$TMP/long.profile" --no-deps --out "$F" >"$TMP/sub2" 2>&1 &&
    wait_until "the long step running" step_runs; then
    j=$(job_of n1)
    scancel "$j"
    wait_until "n1's job gone" job_ended "$j"
    "$R" --fleet-status "$F" >"$TMP/fs3" 2>&1
    rc=$?
    if [ $rc -eq 1 ] && [ "$(st n1)" = cancelled ] && reason n1 | grep -qE 'while running|stopped by a signal' &&
        [ "$(jq -r '.steps[0].status' "$F/n1/run.json")" = interrupted ] && [ "$(jq -r .complete "$F/n1/run.json")" = false ]; then
        ok "a job cancelled while its step runs: cancelled ($(reason n1)), the run interrupted (run.json), exit 1"
    else notok "a job cancelled while its step runs" "exit $rc" "$(cat "$TMP/fs3")" "$(tail -5 "$F"/jobs/n1-*.out)"; fi
else notok "a job cancelled while its step runs: the step never ran" "$(cat "$TMP/sub2")" "$(tail -5 "$F"/jobs/n1-*.out 2>/dev/null)"; fi
