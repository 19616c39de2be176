#!/bin/sh
# bench/loaded-ends.sh — the two ends of cxlscope-loaded's curve against the
# tools that measure them alone, side by side on node 0:
#   idle end (no load threads)  vs cxlscope-latency   (same chase size, 4k pages)
#   delay 0 (full load)         vs cxlscope-bandwidth (same kind, threads, size)
# Rounds alternate the three tools; prints the first round's curve, each
# round's figures, the medians and the ratios.
#
# Usage: bench/loaded-ends.sh [ROUNDS] [KIND]     (default 3, read)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3} kind=${2:-read}
make -s -C "$top" all >&2
bin=$top/bin
node=$(ls -d /sys/devices/system/node/node[0-9]* | head -1 | sed 's/.*node//')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -F, -v d="$2" -v want="$3" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    d == "" || $c["delay"] == d { print $c[want]; exit }' "$1"; }

for r in $(seq "$rounds"); do
    "$bin/cxlscope-loaded" --mem-node "$node" --kind "$kind" --output "$work/lo$r" --quiet
    f=$work/lo$r/loaded.csv
    size=$(col "$f" idle chase_bytes) tsize=$(col "$f" 0 traffic_bytes) nl=$(col "$f" 0 load_threads)
    "$bin/cxlscope-latency" --mem-node "$node" --size "$size" --no-counters --output "$work/la$r" --quiet
    "$bin/cxlscope-bandwidth" --mem-node "$node" --kind "$kind" --threads "$nl" --size "$tsize" \
        --output "$work/bw$r" --quiet
    col "$f" idle latency_ns >>"$work/li"
    col "$work/la$r/latency.csv" "" median_ns >>"$work/ll"
    col "$f" 0 traffic_gbps >>"$work/bl"
    col "$work/bw$r/bandwidth.csv" "" median_gbps >>"$work/bb"
    [ "$r" -gt 1 ] || {
        echo "curve (round 1): delay_ns, traffic GB/s, total GB/s, latency ns [CI]"
        awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
            { printf "  %8s %8s %8s %9s [%s, %s]\n", $c["delay"], $c["traffic_gbps"], $c["total_gbps"],
              $c["latency_ns"], $c["ci95_lo_ns"], $c["ci95_hi_ns"] }' "$f"
        echo "chase $size B, traffic $tsize B, $nl load thread(s), kind $kind"
    }
done
li=$(median <"$work/li") ll=$(median <"$work/ll") bl=$(median <"$work/bl") bb=$(median <"$work/bb")
echo "idle latency, ns:   loaded $(tr '\n' ' ' <"$work/li")| latency   $(tr '\n' ' ' <"$work/ll")"
echo "full-load GB/s:     loaded $(tr '\n' ' ' <"$work/bl")| bandwidth $(tr '\n' ' ' <"$work/bb")"
awk -v a="$li" -v b="$ll" -v c="$bl" -v d="$bb" 'BEGIN {
    printf "idle end / cxlscope-latency:   %.2f / %.2f ns = %.3f\n", a, b, a / b
    printf "delay 0 / cxlscope-bandwidth:  %.2f / %.2f GB/s = %.3f\n", c, d, c / d }'
