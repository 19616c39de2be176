#!/bin/sh
# tests/fuzz/fuzz.sh FUZZBUILD SECONDS NAME... — run each libFuzzer target
# (FUZZBUILD/tests/fuzz/fuzz_NAME, built by make fuzz) for SECONDS.
#
# It starts from the committed seeds (tests/fuzz/corpus/NAME) and crash
# reproducers (tests/fuzz/crashes/NAME), which it only reads, with the
# target's dictionary (tests/fuzz/NAME.dict: keys, names, edge numbers, so
# mutations reach past the first checks); the inputs it
# learns go to FUZZBUILD/corpus/NAME, a finding (crash-*, leak-*, timeout-*,
# oom-*) to FUZZBUILD/findings/NAME/, the log to FUZZBUILD/logs/NAME.log.
# Prints one line per target (runs, coverage) and, for a finding, the
# report's end and how to minimize it into tests/fuzz/crashes/NAME/.
# Exit 0 when no target found anything, 1 otherwise.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
build=$1 secs=$2
shift 2
status=0
# UBSan's report with its stack (ASan's has one anyway).
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

for name; do
    case $name in
    cli | topology) max=256 ;; # one option's text
    assign) max=1024 ;;        # past its 511-character limit
    csvin | models) max=4096 ;;
    *) max=16384 ;; # JSON: a plan or calibration of a few KiB
    esac
    bin=$build/tests/fuzz/fuzz_$name
    work=$build/corpus/$name found=$build/findings/$name log=$build/logs/$name.log
    mkdir -p "$work" "$found" "$build/logs"
    crashes=tests/fuzz/crashes/$name dict=
    [ -d "$crashes" ] || crashes=
    [ -f "tests/fuzz/$name.dict" ] && dict=-dict=tests/fuzz/$name.dict
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$secs" -max_len="$max" -timeout=10 -print_final_stats=1 $dict \
        -artifact_prefix="$found/" "$work" "tests/fuzz/corpus/$name" $crashes >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/cov \1, ft \2, corpus \3/p')
    if [ "$rc" -eq 0 ]; then
        echo "fuzz $name: ok, ${runs:-?} runs in $secs s, ${cov:-no coverage line} (log: $log)"
        continue
    fi
    status=1
    unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    echo "fuzz $name: FINDING (exit $rc) after ${runs:-?} runs: ${unit:-no test unit written} (log: $log)"
    # the report: from its first line (sanitizer, libFuzzer or FUZZ_CHECK) on
    sed -n '/runtime error\|==[0-9]*==\|fuzz check failed/,$p' "$log" | head -n 60 | sed 's/^/    /'
    known=
    for f in tests/fuzz/crashes/"$name"/*; do
        [ -f "$f" ] && [ -n "$unit" ] && cmp -s "$f" "$unit" && known=$f
    done
    if [ -n "$known" ]; then
        echo "    that is the committed reproducer $known: its bug is not fixed yet"
    elif [ -n "$unit" ]; then
        echo "    minimize: $bin -minimize_crash=1 -runs=100000 -exact_artifact_path=$unit.min $unit"
        echo "    then commit it as tests/fuzz/crashes/$name/WHAT (make test replays it)"
    fi
done
exit $status
