#!/bin/sh
# tests/run.sh — run every test suite and print one summary.
#
# Unit tests are cmocka binaries (TAP output); integration tests are shell
# scripts in tests/integration/ that print TAP lines too. A skipped test
# says why ("# SKIP reason") and is counted as skipped, never as passed.
# A suite that crashes or exits non-zero without reporting a failure counts
# as one failure. The fuzz targets (tests/fuzz/) run once over their seeds
# and crash reproducers, through the replay driver the normal build links
# them with (no libFuzzer): one line per target.
#
# Environment: BUILD (default build/release) holds tests/; ASAN_BUILD, when
# set, runs the unit tests and the integration tests against that
# sanitizer build too; UNIT_ONLY=1 skips the integration tests; VM=1 adds
# the multi-node tests in QEMU guests (tests/vm/vm.sh, in the background
# from the start; counted last), VM_ONLY=1 runs only those.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
BUILD=${BUILD:-build/release}
pass=0 fail=0 skip=0
failed_names=""

# begin LABEL: the suite's header line; tally reports the seconds since.
begin() {
    echo "# --- $1"
    t0=$(date +%s)
}

# tally LABEL FILE RC: count the ok / not ok / SKIP lines of one suite.
tally() {
    label=$1 out=$2 rc=$3
    # cmocka writes a skip as "not ok N # SKIP name"; scripts as "ok - name # SKIP why".
    s=$(grep -cE '^(not )?ok.*# ?SKIP' "$out")
    p=$(grep -E '^ok' "$out" | grep -cvE '# ?SKIP')
    f=$(grep -E '^not ok' "$out" | grep -cvE '# ?SKIP')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "not ok - $label exited with status $rc without reporting a failure"
    fi
    pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
    if [ "$f" -gt 0 ]; then
        failed_names="$failed_names $label"
    fi
    echo "# $label: $p passed, $f failed, $s skipped ($(($(date +%s) - t0)) s)"
}

run_unit() {
    dir=$1 tag=$2
    for t in "$dir"/tests/test_*; do
        case "$t" in *.d|*.o) continue ;; esac
        [ -x "$t" ] || continue
        name="$tag$(basename "$t")"
        begin "$name"
        out=$(mktemp)
        CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$out" 2>&1
        rc=$?
        cat "$out"
        tally "$name" "$out" "$rc"
        rm -f "$out"
    done
}

# run_fuzz_corpus DIR TAG: DIR/tests/fuzz/fuzz_NAME over every file of
# tests/fuzz/corpus/NAME and tests/fuzz/crashes/NAME, for each target; on a
# failure the end of its output (the input it ran last, the report).
run_fuzz_corpus() {
    dir=$1 suite="$2fuzz-corpus"
    begin "$suite"
    out=$(mktemp) log=$(mktemp)
    for src in tests/fuzz/fuzz_*.c; do
        t=$(basename "$src" .c)
        t=${t#fuzz_}
        set --
        for f in "tests/fuzz/corpus/$t"/* "tests/fuzz/crashes/$t"/*; do
            [ -f "$f" ] && set -- "$@" "$f"
        done
        if [ ! -x "$dir/tests/fuzz/fuzz_$t" ]; then
            echo "not ok - fuzz-corpus $t: $dir/tests/fuzz/fuzz_$t not built"
        elif [ $# -eq 0 ]; then
            echo "not ok - fuzz-corpus $t: no inputs in tests/fuzz/corpus/$t"
        elif "$dir/tests/fuzz/fuzz_$t" "$@" >"$log" 2>&1; then
            echo "ok - fuzz-corpus $t ($# inputs)"
        else
            echo "not ok - fuzz-corpus $t ($# inputs)"
            tail -n 40 "$log" | sed 's/^/# /'
        fi
    done >"$out"
    cat "$out"
    tally "$suite" "$out" 0
    rm -f "$out" "$log"
}

[ "${VM_ONLY:-0}" = 1 ] && UNIT_ONLY=1

# The guests (VM=1) start first and run alongside the host tests: they
# share nothing with them (their own static build in build/static, their
# own kernels and memory), and under TCG they keep about one core busy
# while the host tests use the other. Their TAP is counted at the end. The
# job has its own process group, so that an interrupted or failed run
# stops QEMU too (setsid: not a group leader here, so it keeps the pid).
vm_pid=""
if [ "${VM:-0}" = 1 ]; then
    vm_out=$(mktemp)
    vm_t0=$(date +%s)
    setsid sh tests/vm/vm.sh >"$vm_out" 2>&1 &
    vm_pid=$!
    trap '[ -n "$vm_pid" ] && kill -TERM -- -"$vm_pid" 2>/dev/null' EXIT
    trap 'exit 130' INT TERM HUP
fi
if [ "${VM_ONLY:-0}" != 1 ]; then
    run_unit "$BUILD" ""
    run_fuzz_corpus "$BUILD" ""
fi
if [ -n "${ASAN_BUILD:-}" ] && [ "${VM_ONLY:-0}" != 1 ]; then
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    run_unit "$ASAN_BUILD" "asan:"
    run_fuzz_corpus "$ASAN_BUILD" "asan:"
fi

# run_integration BINDIR TAG: every tests/integration/test_*.sh against BINDIR.
run_integration() {
    for t in tests/integration/test_*.sh; do
        name="$2$(basename "$t" .sh)"
        begin "$name"
        out=$(mktemp)
        BIN="$1" TESTBIN="$top/$BUILD/tests" sh "$t" >"$out" 2>&1
        rc=$?
        cat "$out"
        tally "$name" "$out" "$rc"
        rm -f "$out"
    done
}

if [ "${UNIT_ONLY:-0}" != 1 ]; then
    run_integration "$top/bin" ""
    # The binaries built with ASan/UBSan go through the same tests.
    [ -n "${ASAN_BUILD:-}" ] && run_integration "$top/$ASAN_BUILD/bin" "asan:"
fi

if [ -n "$vm_pid" ]; then
    echo "# --- vm (started with the host tests)"
    wait "$vm_pid"
    rc=$?
    vm_pid=""
    t0=$vm_t0
    cat "$vm_out"
    tally vm "$vm_out" "$rc"
    rm -f "$vm_out"
fi

echo
[ -n "$failed_names" ] && echo "failed suites:$failed_names"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
