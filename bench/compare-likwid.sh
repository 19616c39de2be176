#!/bin/sh
# bench/compare-likwid.sh — cxlscope-bandwidth against likwid-bench (Debian
# package likwid), side by side on node 0 with 1 and 2 threads:
#   read     vs load_avx512        copy     vs copy_avx512
#   triad    vs stream_avx512      write-nt vs store_mem_avx512
# Same total size (all arrays, all threads), same CPUs (the first of node 0),
# AVX-512 on both (falls back to the AVX2 kernels, load_avx / copy_avx /
# stream_avx / store_mem_avx, when the CPU has no AVX-512), runs alternated.
# Both count the kernel's explicit loads and stores (likwid: MByte/s = 1e6 B/s).
#
# Usage: bench/compare-likwid.sh [SIZE_BYTES] [ROUNDS] [THREADS...]
#   SIZE default 1000000000 (1 GB), ROUNDS 5, THREADS "1 2".
# Each round runs both once, back to back (the order alternating), and gives
# one ratio cxlscope/likwid; the verdict is the median of the rounds' ratios,
# so that the drift of a shared machine between rounds cancels. Prints each
# pair's median GB/s on both sides, the median ratio in %, and
# "all >= 95 %: yes/no".
# Exit 0 when every ratio is >= 95 %, 1 when not, 2 on a setup problem.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-1000000000} rounds=${2:-5}
shift $(($# > 2 ? 2 : $#)) || true
threads=${*:-1 2}
command -v likwid-bench >/dev/null || {
    [ "$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq likwid >/dev/null 2>&1
    command -v likwid-bench >/dev/null || { echo "likwid-bench missing: apt-get install likwid" >&2; exit 2; }
}
make -s -C "$top" all >&2
B=$top/bin/cxlscope-bandwidth
node=$(ls -d /sys/devices/system/node/node[0-9]* | head -1 | sed 's/.*node//')
if grep -qw avx512f /proc/cpuinfo; then isa=avx512 sfx=_avx512; else isa=avx2 sfx=_avx; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '%-8s %-18s %7s %12s %12s %8s\n' kind likwid threads "cxs GB/s" "likwid GB/s" ratio
allok=yes
for t in $threads; do
    for pair in "read load" "copy copy" "triad stream" "write-nt store_mem"; do
        set -- $pair
        kind=$1 lk=$2$sfx
        : >"$work/a" && : >"$work/b" && : >"$work/r"
        for r in $(seq "$rounds"); do
            # one round = one run of each, the order alternating between rounds
            for side in $( [ $((r % 2)) -eq 1 ] && echo "l c" || echo "c l"); do
                if [ "$side" = l ]; then
                    likwid-bench -t "$lk" -w "M$node:${size}B:$t" 2>/dev/null |
                        awk '/^MByte\/s:/ { print $2 / 1000 }' >"$work/la"
                else
                    "$B" --cpu-node "$node" --mem-node "$node" --kind "$kind" --threads "$t" \
                        --size "$size" --isa "$isa" --repeat 11 --quiet --output "$work/c" 2>/dev/null
                    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "median_gbps") c = i; next }
                             { print $c }' "$work/c/bandwidth.csv" >"$work/cb"
                fi
            done
            la=$(cat "$work/la") cb=$(cat "$work/cb")
            [ -n "$la" ] && [ -n "$cb" ] || { echo "no figure from one side ($lk / $kind)" >&2; exit 2; }
            echo "$la" >>"$work/a" && echo "$cb" >>"$work/b"
            awk -v a="$la" -v b="$cb" 'BEGIN { print 100 * b / a }' >>"$work/r"
        done
        a=$(median <"$work/a") b=$(median <"$work/b") ratio=$(median <"$work/r")
        ratio=$(awk -v r="$ratio" 'BEGIN { printf "%.1f", r }')
        awk -v r="$ratio" 'BEGIN { exit !(r >= 95) }' || allok=no
        printf '%-8s %-18s %7s %12.2f %12.2f %7s%%\n' "$kind" "$lk" "$t" "$b" "$a" "$ratio"
        echo "#   rounds: likwid $(tr '\n' ' ' <"$work/a")| cxlscope $(tr '\n' ' ' <"$work/b")"
        echo "#   ratios %: $(awk '{ printf "%.1f ", $1 }' "$work/r")"
    done
done
echo "all >= 95 %: $allok"
[ "$allok" = yes ]
