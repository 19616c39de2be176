# lib.sh — TAP helpers for the shell integration tests (sourced).
# Each check prints "ok - NAME", "not ok - NAME" (with the evidence after it
# as "# " lines) or "ok - NAME # SKIP reason".
: "${BIN:?BIN must name the directory of the binaries}"
: "${TESTBIN:?TESTBIN must name the directory of the test helpers}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok() { echo "ok - $1"; }
notok() {
    echo "not ok - $1"
    shift
    for l in "$@"; do printf '%s\n' "$l" | sed 's/^/#   /'; done
}
skip() { echo "ok - $1 # SKIP $2"; }
# release_only NAME: a test of the harness, which runs the release binaries
# next to it whatever BIN is: in the ASan pass one skip line, and exit 0
release_only() {
    case $BIN in *asan*) skip "$1" "the harness runs the release binaries next to it; tested in the release pass"; exit 0 ;; esac
}

# expect_exit NAME CODE PATTERN CMD...: CMD exits CODE and its stderr is one
# line matching the extended regex PATTERN.
expect_exit() {
    name=$1 code=$2 pat=$3
    shift 3
    "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    lines=$(wc -l <"$TMP/err")
    if [ "$rc" -eq "$code" ] && [ "$lines" -eq 1 ] && grep -qE -e "$pat" "$TMP/err"; then
        ok "$name"
    else
        notok "$name" "command: $*" "exit $rc (want $code), stderr ($lines lines):" \
            "$(head -5 "$TMP/err")"
    fi
}

# csv_col FILE NAME: print column NAME of every data row (no quoted fields).
csv_col() {
    awk -F, -v want="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == want) c = i; next }
                          c { print $c }' "$1"
}

# interrupt_after_rows CSV N TRIES CMD...: run CMD in the background (stderr
# to $TMP/err2), wait until CSV.partial has N lines, send SIGINT (or $SIG,
# e.g. SIG=TERM) and wait.
# Sets rc (CMD's exit status) and rows (data rows in the final CSV). The wait
# is for the rows, not for a time: it ends early only when CMD has exited
# (then rc is its own status and the check fails on it) or after the safety
# net of 600 s (TRIES is kept for the callers; it no longer bounds the wait,
# which on a slow build would send the signal before the rows exist). A CMD
# still running 60 s after the signal is killed (rc 137): a hang guard, so a
# check of Ctrl-C fails instead of blocking the suite.
interrupt_after_rows() {
    csv=$1 want=$2
    shift 3
    "$@" 2>"$TMP/err2" &
    pid=$!
    i=0
    while [ $i -lt 6000 ] && kill -0 $pid 2>/dev/null &&
        [ "$(cat "$csv.partial" 2>/dev/null | wc -l)" -lt "$want" ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -"${SIG:-INT}" $pid 2>/dev/null
    i=0
    while [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -KILL $pid 2>/dev/null
    wait $pid
    rc=$?
    rows=$(($(wc -l <"$csv" 2>/dev/null || echo 1) - 1))
}

# fake_two_sockets DIR: a fake sysfs tree (CXLSCOPE_SYSFS_ROOT=DIR) where
# this machine's CPU 0 is node 0 and CPU 1 node 1, both with memory; only
# node 0 is real, so a test allocates on node 0 alone. For labels: which
# node a CPU is on decides the classes. Returns 1 when CPU 1 is not ours.
fake_two_sockets() {
    [ -d /sys/devices/system/cpu/cpu1 ] && taskset -c 1 true 2>/dev/null || return 1
    for n in 0 1; do
        mkdir -p "$1/devices/system/node/node$n"
        echo $n >"$1/devices/system/node/node$n/cpulist"
        printf 'Node %s MemTotal: 4194304 kB\nNode %s MemFree: 4000000 kB\n' $n $n \
            >"$1/devices/system/node/node$n/meminfo"
    done
    echo 0-1 >"$1/devices/system/node/online"
    echo "10 21" >"$1/devices/system/node/node0/distance"
    echo "21 10" >"$1/devices/system/node/node1/distance"
}
