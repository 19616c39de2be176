#!/bin/sh
# bench/compare-chase.sh — cxlscope-latency against an independent minimal
# pointer chase (bench/minichase.c), side by side, same size and page size,
# both on the same node (minichase under numactl, cxlscope-latency through
# --cpu-node/--mem-node).
#
# Usage: bench/compare-chase.sh [SIZE_MIB] [PAGES] [ROUNDS]
#   One point: a random cycle over SIZE_MIB (default 1024) in 64 B lines.
#   PAGES 2m (hugetlb; reserved for the run when root, else falls back to
#   thp), thp or 4k; ROUNDS default 3 (alternating runs: minichase, then
#   cxlscope-latency, then minichase, ...).
# Prints each run, the medians, their ratio, and "within 10 %: yes/no".
#
# Usage: bench/compare-chase.sh --matrix [ROUNDS] [PAGES]
#   The 8 points of the issue: 64 KiB, 8 MiB, 1 GiB and 1 GiB with 256 KiB
#   TLB locality, each with the cycle's elements 64 B and 256 B apart
#   (minichase SPACING and LOCALITY_KIB; cxlscope-latency --stride and
#   --tlb-locality). ROUNDS (default 3) alternating rounds per point, PAGES as
#   above (default 2m). Per point: each run, both medians, the ratio of the
#   medians (cxlscope-latency / minichase) and "within 10 %: yes/no"; then a
#   summary, one line per point. Needs a cxlscope-latency with --stride.
#
# Exit 0 when every point is within 10 %, 1 when one is not, 2 on a setup
# problem (bad arguments, build, hugetlb reservation, a run that failed).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
usage() {
    awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2
    exit 2
}
fail() {
    echo "compare-chase: $*" >&2
    exit 2
}
posint() {
    case $1 in '' | *[!0-9]* | 0*) usage ;; esac
}

# The matrix: SIZE_KIB:SPACING:LOCALITY_KIB:LOADS per point; LOADS so that
# a run takes ~0.2-1 s where the size fits a cache, 4M (as the single mode)
# at 1 GiB.
points="64:64:0:20000000 64:256:0:20000000
        8192:64:0:4000000 8192:256:0:4000000
        1048576:64:0:4000000 1048576:256:0:4000000
        1048576:64:256:4000000 1048576:256:256:4000000"
total=$(echo "$points" | wc -w)

if [ "${1:-}" = --matrix ]; then
    mode=matrix
    rounds=${2:-3} pages=${3:-2m}
    [ $# -le 3 ] || usage
else
    mode=single
    size=${1:-1024} pages=${2:-2m} rounds=${3:-3}
    [ $# -le 3 ] || usage
    posint "$size"
fi
posint "$rounds"
case $pages in 2m | thp | 4k) ;; *) usage ;; esac

for d in /sys/devices/system/node/node[0-9]*; do node=${d##*node} && break; done
[ -d "/sys/devices/system/node/node$node" ] || fail "no NUMA node in /sys/devices/system/node"
pool=/sys/devices/system/node/node$node/hugepages/hugepages-2048kB/nr_hugepages
if [ "$pages" = 2m ] && [ "$(id -u)" -ne 0 ]; then
    echo "not root: using thp instead of 2m hugetlb pages" >&2
    pages=thp
fi
make -s -C "$top" all >&2 || fail "make failed"
lat=$top/bin/cxlscope-latency
if [ "$mode" = matrix ]; then
    "$lat" --help 2>/dev/null | grep -q -- --stride ||
        fail "$lat has no --stride option (rebuild it from a tree that has)"
fi

work="" prev=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    if [ -n "$prev" ]; then
        echo "$prev" >"$pool" || true
        prev=""
    fi
    [ -z "$work" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
work=$(mktemp -d)
cc -O2 -o "$work/minichase" "$top/bench/minichase.c" || fail "cannot build minichase"

# minichase uses MAP_HUGETLB from the pool as is: reserve for it here (the
# largest point plus a few pages; cxlscope-latency uses the same pool).
if [ "$pages" = 2m ]; then
    if [ "$mode" = matrix ]; then
        maxkib=0
        for p in $points; do [ "${p%%:*}" -le "$maxkib" ] || maxkib=${p%%:*}; done
    else
        maxkib=$((size * 1024))
    fi
    need=$(((maxkib + 2047) / 2048 + 8))
    prev=$(cat "$pool")
    if [ "$prev" -lt "$need" ]; then
        echo "$need" >"$pool" || fail "cannot raise $pool to $need"
        [ "$(cat "$pool")" -ge "$need" ] ||
            fail "node $node gave only $(cat "$pool") of $need 2 MiB hugetlb pages"
    fi
fi

# csvcol FILE COLUMN: COLUMN of FILE's first data row, found by its name.
csvcol() {
    awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i }
                       NR == 2 && k { print $k }' "$1"
}
# shellcheck disable=SC2086 # $1: a list of numbers, split on purpose
med() { printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# point KIB SPACING LOCALITY_KIB LOADS: ROUNDS alternating rounds of one
# point; sets m1 (minichase median), m2 (cxlscope-latency median).
# SPACING 0: the single mode (minichase's 3-argument form, no --stride).
point() {
    kib=$1 sp=$2 loc=$3 loads=$4
    margs="" largs=""
    if [ "$sp" -ne 0 ]; then
        margs="$sp $loc"
        largs="--stride $sp"
        [ "$loc" -eq 0 ] || largs="$largs --tlb-locality ${loc}K"
    fi
    theirs="" ours=""
    for r in $(seq "$rounds"); do
        # shellcheck disable=SC2086 # margs/largs: words on purpose
        a=$(numactl --cpunodebind="$node" --membind="$node" \
            "$work/minichase" "${kib}k" "$pages" "$loads" $margs) ||
            fail "minichase ${kib}k $pages $loads $margs failed"
        out=$work/p$npoint-r$r
        # shellcheck disable=SC2086
        "$lat" --cpu-node "$node" --mem-node "$node" --size "${kib}K" --page-size "$pages" \
            --loads "$loads" --repeat 11 --no-counters --quiet --output "$out" $largs \
            2>"$work/err" || { cat "$work/err" >&2; fail "cxlscope-latency failed"; }
        b=$(csvcol "$out/latency.csv" median_ns)
        used=$(csvcol "$out/latency.csv" page_size_used)
        [ -n "$b" ] || fail "no median_ns in $out/latency.csv"
        echo "round $r: minichase $a ns   cxlscope-latency $b ns (page_size_used=$used)"
        theirs="$theirs $a" ours="$ours $b"
    done
    m1=$(med "$theirs") m2=$(med "$ours")
}

# verdict LABEL: the point's line and "within 10 %"; appends the summary
# line to $work/summary; returns 1 when not within 10 %.
verdict() {
    awk -v a="$m1" -v b="$m2" -v l="$1" -v s="$work/summary" 'BEGIN {
        r = b / a; d = r > 1 ? r - 1 : 1 - r; ok = d <= 0.10 ? "yes" : "no"
        printf "%s: minichase %.2f ns, cxlscope-latency %.2f ns, ratio %.3f\n", l, a, b, r
        printf "within 10 %%: %s\n", ok
        printf "%-44s %10.2f %10.2f %7.3f  %s\n", l, a, b, r, ok >> s
        exit ok == "yes" ? 0 : 1 }'
}

npoint=0
if [ "$mode" = single ]; then
    npoint=1
    point $((size * 1024)) 0 0 4000000
    if verdict "size $size MiB, $pages pages, random cycle"; then exit 0; fi
    exit 1
fi

echo "node $node, $pages pages, rounds per point: $rounds (ratio = cxlscope-latency / minichase)"
bad=0
for p in $points; do
    IFS=: read -r kib sp loc loads <<EOF
$p
EOF
    npoint=$((npoint + 1))
    if [ "$kib" -ge 1048576 ]; then
        sz="$((kib / 1048576)) GiB"
    elif [ "$kib" -ge 1024 ]; then
        sz="$((kib / 1024)) MiB"
    else
        sz="$kib KiB"
    fi
    if [ "$loc" -eq 0 ]; then tl=none; else tl="$loc KiB"; fi
    label="$sz, spacing $sp B, TLB locality $tl"
    echo "== point $npoint/$total: $label, $loads loads per run"
    point "$kib" "$sp" "$loc" "$loads"
    verdict "$label" || bad=$((bad + 1))
done
echo
echo "summary ($pages pages, node $node, rounds per point: $rounds):"
printf "%-44s %10s %10s %7s  %s\n" point minichase cxlscope ratio "within 10 %"
cat "$work/summary"
if [ "$bad" -eq 0 ]; then
    echo "all $total points within 10 %: yes"
    exit 0
fi
echo "all $total points within 10 %: no ($bad not)"
exit 1
