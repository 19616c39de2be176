#!/bin/sh
# bench/compare-distribution.sh — how the per-access distribution
# (cxlscope-latency --distribution N: after a point's samples, as many again
# timed in blocks of N loads) agrees with the point's median: at each size,
# the sample median without and with --distribution (measured the same way
# in both: their ratio is the machine's noise, a control) and the blocks'
# p50 against the undistributed median (the block timing's own error: the
# timer's cost subtracted per block), in alternating rounds on one node.
#
# Usage: bench/compare-distribution.sh [ROUNDS] [N] [SIZES]
#   ROUNDS default 3, N (loads per block) default 16, SIZES a comma list
#   (default 16K,256K,8M,1G: L1, L2, near an LLC, DRAM).
# Prints each round, then per size the medians over the rounds and the two
# ratios; "p50 within 5 %: yes/no" is about p50/median. Exit 0 when every
# size is within 5 %, 1 when not, 2 on a setup problem. Timings: compare
# only within one run (the machine's noise is in every figure).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3} n=${2:-16} sizes=${3:-16K,256K,8M,1G}
node=$(ls -d /sys/devices/system/node/node[0-9]* | head -1 | sed 's/.*node//')
make -s -C "$top" all >&2 || exit 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# col FILE NAME: NAME's value in row 1 of a CSV
col() { awk -F, -v w="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == w) c = i; next } { print $c; exit }' "$1"; }
med() { printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# one SIZE ARGS...: a latency run, the CSV in $work/last
one() {
    size=$1
    shift
    rm -rf "$work/last"
    "$top/bin/cxlscope-latency" --cpu-node "$node" --mem-node "$node" --size "$size" --loads 2000000 \
        --repeat 11 --no-counters --quiet --output "$work/last" "$@" 2>/dev/null || exit 2
}

fail=0
for size in $(echo "$sizes" | tr , ' '); do
    plain="" dist="" p50=""
    for r in $(seq "$rounds"); do
        one "$size"
        a=$(col "$work/last/latency.csv" median_ns)
        one "$size" --distribution "$n"
        b=$(col "$work/last/latency.csv" median_ns) c=$(col "$work/last/latency.csv" dist_p50_ns)
        echo "$size round $r: median $a ns; with --distribution $n: median $b ns, p50 $c ns"
        plain="$plain $a" dist="$dist $b" p50="$p50 $c"
    done
    awk -v s="$size" -v n="$n" -v a="$(med "$plain")" -v b="$(med "$dist")" -v c="$(med "$p50")" 'BEGIN {
        r = c / a; d = r > 1 ? r - 1 : 1 - r
        printf "%s: median %.2f ns, with --distribution %d %.2f ns (ratio %.3f), p50 %.2f ns (p50/median %.3f); p50 within 5 %%: %s\n",
            s, a, n, b, b / a, c, r, d <= 0.05 ? "yes" : "no"
        exit d <= 0.05 ? 0 : 1 }' || fail=1
done
exit $fail
