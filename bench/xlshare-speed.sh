#!/bin/sh
# bench/xlshare-speed.sh — how long cxlscope-xlshare takes, as a whole process
# (start to exit: the model and its CPU-offloading baseline, the outputs
# written), for 10,000 inferences of the Llama 3.1 405B shape (128 entries)
# on 8 GPUs sharing one pool. Two commands: the default cache (512 MiB per
# GPU: every layer fetched every inference) and --cache 40G (a few layers
# stay). Target: each command's median under 0.5 s.
#
# Usage: bench/xlshare-speed.sh [ROUNDS]   (default 5; medians reported)
#   BASELINE=FILE  another cxlscope-xlshare (e.g. one built from an older
#                  commit) timed too, the two alternating within each round
#                  so that a shared machine's drift hits both alike
# Exit 0 when both medians of bin/cxlscope-xlshare are under 0.5 s, 1 when
# not, 2 on a setup problem.
#
# On the development VM (2 vCPUs, shared), 2026-12-07, `BASELINE=<the build
# of commit fcc1538> bench/xlshare-speed.sh 9`: default cache 1.492 s before
# (every GPU simulated) -> 0.298 s (one GPU simulated for the 8); --cache 40G
# 1.146 s -> 0.227 s.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
rounds=${1:-5}
make -s -C "$top" all >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
"$top/bin/cxlscope-calibrate" "$top/tests/fixtures/results/vm-small" --output "$work/cal.json" --quiet ||
    exit 2
[ -z "${BASELINE:-}" ] || [ -x "$BASELINE" ] || { echo "BASELINE=$BASELINE: not an executable" >&2; exit 2; }

# once BIN CACHE TAG: one whole run, its wall time appended to $work/t.TAG.CACHE
once() {
    timed "$work/t.$3.${2:-default}" "$1" --calibration "$work/cal.json" --model llama-3.1-405b \
        --tflops 989 ${2:+--cache "$2"} --gpus 8 --inferences 10000 --quiet \
        --assume h2d_gbps=64,gpu_copy_latency_ns=300,hbm_gbps=3350,ldram_h2d_gbps=16,ldram_copy_latency_ns=300 \
        --output "$work/out" || exit 2
}
for r in $(seq "$rounds"); do
    for cache in "" 40G; do
        if [ -n "${BASELINE:-}" ] && [ $((r % 2)) -eq 0 ]; then
            once "$BASELINE" "$cache" baseline
        fi
        once "$top/bin/cxlscope-xlshare" "$cache" this
        if [ -n "${BASELINE:-}" ] && [ $((r % 2)) -eq 1 ]; then
            once "$BASELINE" "$cache" baseline
        fi
    done
done
status=0
for cache in default 40G; do
    label="--cache $cache"
    [ "$cache" = default ] && label="default cache (512M)"
    m=$(median "$work/t.this.$cache")
    line=$(awk -v m="$m" -v n="$rounds" -v l="$label" 'BEGIN {
        printf "%s: whole run %.3f s (median of %d) - target < 0.5 s: %s", l, m, n, (m < 0.5 ? "yes" : "no") }')
    if [ -n "${BASELINE:-}" ]; then
        line="$line; BASELINE $(median "$work/t.baseline.$cache" | awk '{ printf "%.3f s", $1 }')"
    fi
    echo "$line"
    awk -v m="$m" 'BEGIN { exit !(m < 0.5) }' || status=1
done
exit $status
