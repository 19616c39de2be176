#!/bin/bash
# scripts/fleet-job.sh — the body of a fleet host job. scripts/fleet writes
# FLEET/jobs/HOST.sh as #SBATCH lines, the variables top (the checkout),
# fleet (FLEET), host (HOST) and run_args (run-all's options), then
# everything below "job body". Not run by itself.
#
# The job: checks that it finds the suite and can write FLEET (the checkout
# and FLEET must be on a filesystem the hosts share), then runs run-all
# under srun with all the host's CPUs and without Slurm's CPU or memory
# binding (run-all pins and binds itself), into FLEET/HOST (--resume when a
# run is there). It records its state in FLEET/jobs/HOST.state, one line:
# state<TAB>job<TAB>exit<TAB>time<TAB>reason, state running, done, failed
# or cancelled, "-" for an empty field.
: "${top:?}" "${fleet:?}" "${host:?}"
run_args=("${run_args[@]}")
# --- job body
set -u
state=$fleet/jobs/$host.state
out=$fleet/jobs/$host-${SLURM_JOB_ID:-0}.out
t0=$(date +%s)
put_state() { # STATE EXIT REASON
    local r=${3//[$'\t\n']/ }
    printf '%s\t%s\t%s\t%s\t%s\n' "$1" "${SLURM_JOB_ID:--}" "${2:--}" "$(date -u +%FT%TZ)" "${r:--}" >"$state.tmp" &&
        mv -f "$state.tmp" "$state"
}
job_fail() {
    echo "run-all: error: $1" >&2
    put_state failed 2 "$1"
    exit 2
}
if [ ! -d "$fleet/jobs" ] || [ ! -w "$fleet/jobs" ]; then
    echo "run-all: error: cannot write $fleet/jobs on $(hostname) (FLEET must be on a filesystem the hosts share)" >&2
    exit 2
fi
put_state running "" "started on $(hostname) (Slurm node ${SLURMD_NODENAME:-?})"
[ -x "$top/run-all" ] ||
    job_fail "cannot find the suite at $top on $(hostname) (the checkout must be on a filesystem the hosts share)"
[ "${SLURMD_NODENAME:-$host}" = "$host" ] || job_fail "the job runs on node $SLURMD_NODENAME, not $host"
if [ -f "$fleet/$host/run.json" ]; then
    set -- --resume "$fleet/$host"
else
    set -- --out "$fleet/$host" "${run_args[@]}"
fi
stopped=0
trap 'stopped=1' TERM INT
srun --nodes=1 --ntasks=1 --cpus-per-task="${SLURM_CPUS_ON_NODE:-1}" --cpu-bind=none --mem-bind=none \
    "$top/run-all" "$@" --no-build &
pid=$!
while :; do
    wait "$pid"
    rc=$?
    kill -0 "$pid" 2>/dev/null || break
done
secs=$(($(date +%s) - t0))
if [ "$stopped" = 1 ] || [ "$rc" -eq 130 ] || [ "$rc" -eq 143 ]; then
    put_state cancelled "$rc" "stopped by a signal after ${secs}s (scancel, the time limit or preemption); finished steps kept"
elif [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ]; then
    why=""
    [ "$rc" -eq 0 ] || why="some steps skipped: $(jq -r '[.steps[] | select(.status == "skipped") | .id] | join(", ")' \
        "$fleet/$host/run.json" 2>/dev/null)"
    put_state done "$rc" "$why"
else
    why=$(jq -r '[.steps[] | select(.status == "failed") | "step \(.id) failed: \(.reason // "no reason")"] | join("; ")' \
        "$fleet/$host/run.json" 2>/dev/null)
    # run-all's own error first (srun's "task 0: Exited with exit code 1" comes after it)
    [ -n "$why" ] || why=$(grep -E '^run-all: error: ' "$out" 2>/dev/null | tail -1 | sed -E 's/^[^:]*: error: //')
    [ -n "$why" ] || why=$(grep -E ': error: ' "$out" 2>/dev/null | tail -1 | sed -E 's/^[^:]*: error: //')
    put_state failed "$rc" "${why:-run-all exit $rc without a message (see $out)}"
fi
exit "$rc"
