#!/bin/sh
# CSV headers are an interface: line 1 of every CSV file every binary writes
# must equal, byte for byte, the committed copy in tests/fixtures/headers/
# (README there: which run writes which file). Each binary runs once with
# the smallest arguments that write all of its CSVs; a difference names the
# first column that differs. A CSV a run writes with no committed copy, or a
# committed copy no run wrote, fails too. gpucopy runs against the CUDA test
# double (tests/fakecuda), so no GPU or driver is needed.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
FIX=$top/tests/fixtures/headers
node0=$(ls -d /sys/devices/system/node/node[0-9]* | head -1 | sed 's/.*node//')
TINY="--repeat 3 --min-samples 3 --quiet"
checked=" "

# not_built NAME: why $BIN/cxlscope-NAME is missing (bin/.benches when the
# Makefile wrote one, else plain "not built").
not_built() {
    r=$(awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$BIN/.benches" 2>/dev/null)
    echo "${r:-not built}"
}

# compare FILE DIR: line 1 of DIR/FILE against $FIX/FILE.
compare() {
    f=$1 got=$2/$1 want=$FIX/$1
    checked="$checked$f "
    if [ ! -f "$want" ]; then
        notok "$f: header as committed" "no committed copy $want"
    elif [ ! -f "$got" ]; then
        notok "$f: header as committed" "the run did not write $got"
    elif head -n 1 "$got" | cmp -s - "$want"; then
        ok "$f: header as committed"
    else
        notok "$f: header as committed" "$(head -n 1 "$got" | awk -F, -v want="$(cat "$want")" '
            function esc(s) { gsub(/\r/, "\\r", s); gsub(/\t/, "\\t", s); return s }
            { n = split(want, w, ","); g = NF
              for (i = 1; i <= (n > g ? n : g); i++)
                  if ($i != w[i]) { printf "column %d: committed \"%s\", written \"%s\"", i, esc(w[i]), esc($i); break }
              if (i > (n > g ? n : g)) printf "same columns, other bytes (line ending, spaces?)"
              printf " (%d columns committed, %d written)\n", n, g }')"
    fi
}

# run NAME DIR CMD...: CMD --output DIR (a hang guard of 60 s); a failure is
# one "not ok" with the first lines of stderr.
run() {
    name=$1 dir=$2
    shift 2
    if timeout 60 "$@" --output "$dir" 2>"$TMP/err"; then
        return 0
    fi
    notok "$name runs" "command: $*" "$(head -5 "$TMP/err")"
    return 1
}

# latency: --no-counters, so the optional PAPI counter columns are absent.
D=$TMP/latency
# --distribution writes latency_dist.csv.
run latency $D $BIN/cxlscope-latency --mem-node $node0 --size 4K --loads 1000 --time-budget 0.01 \
    --no-counters --distribution 16 $TINY && for f in latency latency_dist; do compare $f.csv $D; done
# bandwidth: --optimize writes bandwidth.csv, saturation.csv and optimize.csv.
D=$TMP/bandwidth
run bandwidth $D $BIN/cxlscope-bandwidth --optimize --threads 1 --mem-node $node0 --size 1M \
    --kind read --time-budget 0.01 $TINY && for f in bandwidth saturation optimize; do
    compare $f.csv $D
done
D=$TMP/loaded
run loaded $D $BIN/cxlscope-loaded --mem-node $node0 --delays 0 --size 1M --traffic-size 1M \
    --loads 1000 --distribution 16 $TINY && for f in loaded loaded_dist; do compare $f.csv $D; done
# interleave: one workload, every configuration (oli writes oli_plan.csv).
D=$TMP/interleave
run interleave $D $BIN/cxlscope-interleave --workload mg --size 1M $TINY &&
    for f in interleave interleave_objects oli_plan; do compare $f.csv $D; done
D=$TMP/xlshare
run xlshare $D $BIN/cxlscope-xlshare --calibration "$top/replay/xlshare-default.json" \
    --model xlshare-8m --tflops 67 --inferences 2 --quiet \
    --assume h2d_gbps=64,gpu_copy_latency_ns=300,hbm_gbps=3350,ldram_h2d_gbps=16,ldram_copy_latency_ns=300 &&
    for f in xlshare xlshare_compare; do compare $f.csv $D; done
# offload: the committed multi-node fixture calibrated (GPU figures of the
# nodes without gpu_copy rows assumed).
D=$TMP/offload
$BIN/cxlscope-calibrate "$top/tests/fixtures/report/multi-node" --output "$TMP/mn-cal.json" --quiet &&
    run offload $D $BIN/cxlscope-offload --calibration "$TMP/mn-cal.json" --model bert-110m \
        --tflops 100 --quiet --assume h2d_gbps=20,d2h_gbps=20,copy_latency_ns=2000 &&
    for f in offload offload_breakdown; do compare $f.csv $D; done
# tiering: one short run in the kernel's current mode (both CSVs, any node count).
D=$TMP/tiering
run tiering $D $BIN/cxlscope-tiering --placement first-touch --size 1M --threads 1 \
    --duration 0.1 --interval 0.1 --quiet && for f in tiering tiering_summary; do compare $f.csv $D; done
D=$TMP/gpucopy
if [ ! -x $BIN/cxlscope-gpucopy ]; then
    for f in gpu_copy gpu_copy_latency; do skip "$f.csv: header as committed" "gpucopy $(not_built gpucopy)"; done
    checked="${checked}gpu_copy.csv gpu_copy_latency.csv "
elif [ ! -e $TESTBIN/fakecuda/libcudart.so.13 ]; then
    for f in gpu_copy gpu_copy_latency; do skip "$f.csv: header as committed" "no CUDA test double in $TESTBIN/fakecuda (make tests)"; done
    checked="${checked}gpu_copy.csv gpu_copy_latency.csv "
else
    run gpucopy $D env LD_LIBRARY_PATH=$TESTBIN/fakecuda $BIN/cxlscope-gpucopy --sizes 4K \
        --latency-copies 100 --kind pinned $TINY && for f in gpu_copy gpu_copy_latency; do
        compare $f.csv $D
    done
fi

# Every CSV written has a committed copy, and every committed copy was checked.
extra=$(cd $TMP && ls */*.csv 2>/dev/null | sed 's,.*/,,' | sort -u |
    while read -r f; do case "$checked" in *" $f "*) ;; *) echo "$f" ;; esac; done)
[ -z "$extra" ] && ok "every CSV written has a committed header" ||
    notok "every CSV written has a committed header" "written, not committed or not compared: $extra"
missing=$(cd $FIX && for f in *.csv; do case "$checked" in *" $f "*) ;; *) echo "$f" ;; esac; done)
[ -z "$missing" ] && ok "every committed header is checked" ||
    notok "every committed header is checked" "committed, no run here writes it: $missing"
