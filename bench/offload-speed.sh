#!/bin/sh
# bench/offload-speed.sh — how fast cxlscope-offload answers a sweep: the
# committed multi-node fixture (SYNTHETIC figures) calibrated, then 4
# configurations x 3 models x 3 batch settings, both modes (60 rows: training takes the numeric batches only), with
# output files written. Reported: the whole process's wall time (start,
# calibration read, every row, meta.json), median of N runs. The target is
# under 1 s.
#
# Usage: bench/offload-speed.sh [ROUNDS]   (default 11; the median is reported)
# Exit 0 when the median is under 1 s, 1 when not, 2 on a setup problem.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
rounds=${1:-11}
make -s -C "$top" all >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
"$top/bin/cxlscope-calibrate" "$top/tests/fixtures/report/multi-node" --output "$work/cal.json" --quiet ||
    exit 2
: >"$work/t"
for r in $(seq "$rounds"); do
    rm -rf "$work/out"
    timed "$work/t" "$top/bin/cxlscope-offload" --calibration "$work/cal.json" \
        --model bert-340m,gpt2-4b,llama-3.1-70b --configs ldram,ldram+rdram,ldram+cxl,all \
        --batch 1,8,max --tflops 100 --quiet \
        --assume h2d_gbps=16,d2h_gbps=16,copy_latency_ns=300 --output "$work/out" || exit 2
done
rows=$(($(wc -l <"$work/out/offload.csv") - 1))
sort -g "$work/t" | awk -v n="$rounds" -v rows="$rows" '{ u[NR] = $1 }
    END { m = int((n + 1) / 2)
          printf "4 configurations x 3 models x 3 batches (%d rows): %.4f s whole process (median of %d; min %.4f, max %.4f) — target < 1 s: %s\n",
              rows, u[m], n, u[1], u[n], (u[m] < 1 ? "yes" : "no")
          exit !(u[m] < 1) }'
