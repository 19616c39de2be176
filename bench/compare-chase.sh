#!/bin/sh
# bench/compare-chase.sh — cxlscope-latency against an independent minimal
# pointer chase (bench/minichase.c), side by side, same size and page size.
#
# Usage: bench/compare-chase.sh [SIZE_MIB] [PAGES] [ROUNDS]
#   SIZE_MIB default 1024; PAGES 2m (hugetlb; reserved for the run when root,
#   else falls back to thp), thp or 4k; ROUNDS default 3 (alternating runs).
# Prints each run, the medians, their ratio, and "within 10 %: yes/no".
# Exit 0 when within 10 %, 1 when not, 2 on a setup problem.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-1024} pages=${2:-2m} rounds=${3:-3}
node=$(ls -d /sys/devices/system/node/node[0-9]* | head -1 | sed 's/.*node//')
pool=/sys/devices/system/node/node$node/hugepages/hugepages-2048kB/nr_hugepages
if [ "$pages" = 2m ] && [ "$(id -u)" -ne 0 ]; then
    echo "not root: using thp instead of 2m hugetlb pages" >&2
    pages=thp
fi
make -s -C "$top" all >&2
work=$(mktemp -d)
prev=""
cleanup() {
    [ -n "$prev" ] && echo "$prev" >"$pool"
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
cc -O2 -o "$work/minichase" "$top/bench/minichase.c"

# minichase uses MAP_HUGETLB from the pool as is: reserve for it here.
if [ "$pages" = 2m ]; then
    prev=$(cat "$pool")
    need=$((size / 2 + 8))
    [ "$prev" -ge "$need" ] || echo "$need" >"$pool"
fi
loads=4000000
ours="" theirs=""
for r in $(seq "$rounds"); do
    a=$(numactl --cpunodebind="$node" --membind="$node" "$work/minichase" "$size" "$pages" "$loads")
    b=$("$top/bin/cxlscope-latency" --mem-node "$node" --size "${size}M" --page-size "$pages" \
        --loads "$loads" --repeat 11 --no-counters --quiet --output "$work/r$r" 2>/dev/null &&
        awk -F, 'NR == 2 { for (i = 1; i <= NF; i++) if (h[i] == "median_ns") print $i }
                 NR == 1 { for (i = 1; i <= NF; i++) h[i] = $i }' "$work/r$r/latency.csv")
    used=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "page_size_used") c = i }
                    NR == 2 { print $c }' "$work/r$r/latency.csv")
    echo "round $r: minichase $a ns   cxlscope-latency $b ns (page_size_used=$used)"
    theirs="$theirs $a" ours="$ours $b"
done
med() { printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
m1=$(med "$theirs") m2=$(med "$ours")
awk -v a="$m1" -v b="$m2" -v s="$size" -v p="$pages" 'BEGIN {
    r = b / a; d = r > 1 ? r - 1 : 1 - r
    printf "size %d MiB, %s pages, random cycle: minichase %.2f ns, cxlscope-latency %.2f ns, ratio %.3f\n", s, p, a, b, r
    printf "within 10 %%: %s\n", d <= 0.10 ? "yes" : "no"
    exit d <= 0.10 ? 0 : 1 }'
