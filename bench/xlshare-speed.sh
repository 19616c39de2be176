#!/bin/sh
# bench/xlshare-speed.sh — how fast cxlscope-xlshare replays the model: 10,000
# inferences of the Llama 3.1 405B shape (128 entries) on 8 GPUs sharing one
# pool, with a 40 GB cache per GPU (most layers fetched every inference).
# The target is under 1 s for that replay. The binary also replays the
# CPU-offloading baseline (the same 10,000 x 8 inferences), so the figure
# reported is half the run's wall time, next to the whole run's.
#
# Usage: bench/xlshare-speed.sh [ROUNDS]   (default 5; the median is reported)
# Exit 0 when the median replay time is under 1 s, 1 when not, 2 on a setup
# problem.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
make -s -C "$top" all >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
"$top/bin/cxlscope-calibrate" "$top/tests/fixtures/results/vm-small" --output "$work/cal.json" --quiet ||
    exit 2
: >"$work/t"
for r in $(seq "$rounds"); do
    t0=$(date +%s.%N)
    "$top/bin/cxlscope-xlshare" --calibration "$work/cal.json" \
        --model llama-3.1-405b --tflops 989 --cache 40G --gpus 8 --inferences 10000 --quiet \
        --assume h2d_gbps=64,gpu_copy_latency_ns=300,hbm_gbps=3350,ldram_h2d_gbps=16,ldram_copy_latency_ns=300 \
        --output "$work/out" || exit 2
    awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }' >>"$work/t"
done
sort -g "$work/t" | awk -v n="$rounds" '{ u[NR] = $1 }
    END { m = int((n + 1) / 2); printf "whole run (model + offload baseline): %.3f s (median of %d)\n", u[m], n
          printf "one replay, 10,000 inferences x 8 GPUs x 128 layers: %.3f s — target < 1 s: %s\n", u[m] / 2, (u[m] / 2 < 1 ? "yes" : "no")
          exit !(u[m] / 2 < 1) }'
