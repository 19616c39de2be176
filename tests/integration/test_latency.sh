#!/bin/sh
# Integration tests of bin/cxlscope-latency on this machine's node 0:
# help and version, bad input (one-line messages, documented exit codes),
# a small sweep producing a well-formed CSV and meta.json, the L1-sized point
# far below the DRAM-sized point, patterns and page sizes, and Ctrl-C.
. "$(dirname "$0")/lib.sh"
L=$BIN/cxlscope-latency
J=$TESTBIN/jsonq
node0=$(ls -d /sys/devices/system/node/node[0-9]* | head -1 | sed 's/.*node//')
QUICK="--loads 100000 --repeat 9 --time-budget 0.3"

# --- help, version
if $L --help | grep -q -- '--mem-node' && $L --help | grep -q 'Exit status'; then
    ok "--help explains the options and exit codes"
else notok "--help explains the options and exit codes"; fi
if $L --version | grep -qE '^cxlscope-latency [0-9]+\.[0-9]+'; then ok "--version"; else notok "--version"; fi

# --- bad input: one line on stderr, exit 2 (77 for a class with no node)
expect_exit "unknown node lists the nodes" 2 "node 99 does not exist.*$node0" $L --mem-node 99
expect_exit "--size 0" 2 "greater than 0" $L --size 0
expect_exit "--size 1Q" 2 "bad size '1Q'" $L --size 1Q
expect_exit "--sweep 4G:4K" 2 "must not exceed" $L --sweep 4G:4K
expect_exit "--size and --sweep together" 2 "one --size or one --sweep" $L --size 4K --sweep 4K:8K
expect_exit "unknown pattern" 2 "unknown pattern 'zigzag'" $L --pattern zigzag
expect_exit "unknown page size" 2 "page sizes: 4k, thp, 2m, 1g" $L --page-size 8k
expect_exit "unknown format" 2 "formats: csv, table" $L --format xml
expect_exit "unknown option" 2 "unknown or incomplete option" $L --bogus
expect_exit "missing option value" 2 "unknown or incomplete option" $L --size
expect_exit "stray argument" 2 "unexpected argument" $L extra
expect_exit "--min-samples above --repeat" 2 "exceeds --repeat" $L --min-samples 9 --repeat 3
expect_exit "too small a size" 2 "at least 128 bytes" $L --mem-node $node0 --size 64 $QUICK
expect_exit "--distribution 0" 2 "distribution: 0 is out of range" $L --distribution 0
expect_exit "--distribution x" 2 "distribution" $L --distribution x
expect_exit "--stride 96" 2 "stride 96: must be a power of two from 64 to 4096" $L --stride 96
expect_exit "--stride 8K" 2 "must be a power of two from 64 to 4096" $L --stride 8K
expect_exit "--tlb-locality not a multiple of --stride" 2 "not a multiple of --stride 256" \
    $L --stride 256 --tlb-locality 64
expect_exit "a size with fewer than two --stride elements" 2 "fewer than two elements" \
    $L --mem-node $node0 --stride 4096 --size 4K $QUICK
if [ "$(ls -d /sys/devices/system/node/node[0-9]* | wc -l)" -eq 1 ]; then
    expect_exit "a class with no node skips (77)" 77 "no CXL memory node" $L --mem-node cxl
    expect_exit "rdram on a one-node machine skips (77)" 77 "skipped:" $L --mem-node rdram
else
    skip "a class with no node skips (77)" "this machine has several nodes"
    skip "rdram on a one-node machine skips (77)" "this machine has several nodes"
fi
expect_exit "a size the node cannot hold: exit 1, free memory named" 1 \
    "node $node0 cannot hold 1024.0 GiB: it has .* free" $L --mem-node $node0 --size 1T

# A CPU-less node as --cpu-node, on a fake sysfs tree (no memory is touched).
F=$TMP/sysfs/devices/system/node
mkdir -p $F/node0 $F/node2
echo 0,2 >$F/online
echo 0-1 >$F/node0/cpulist
: >$F/node2/cpulist
printf 'Node 0 MemTotal: 1048576 kB\nNode 0 MemFree: 1000000 kB\n' >$F/node0/meminfo
printf 'Node 2 MemTotal: 1048576 kB\nNode 2 MemFree: 1000000 kB\n' >$F/node2/meminfo
echo "10 20" >$F/node0/distance
echo "20 10" >$F/node2/distance
expect_exit "a CPU-less node as --cpu-node is a usage error" 2 "node 2 has no CPUs" \
    env CXLSCOPE_SYSFS_ROOT=$TMP/sysfs $L --cpu-node 2 --size 4K

# Per-target prechecks on that tree (no hugetlb pool anywhere): a target
# that cannot be measured is named and skipped, the others are measured.
PT=$TMP/pertarget
if env CXLSCOPE_SYSFS_ROOT=$TMP/sysfs $L --mem-node 0 --page-size 2m,4k --size 64K $QUICK \
    --output $PT --quiet 2>$TMP/err; then
    pages=$(csv_col $PT/latency.csv page_size_req | sort -u | tr '\n' ' ')
    if [ "$pages" = "4k " ] && grep -q "note: skipped CPU node 0 (CPU [0-9]*), memory node 0, 2m pages: node 0 has no 2m hugetlb pool" $TMP/err &&
        [ "$($J $PT/meta.json tests latency skipped '#')" = 1 ] &&
        [ "$($J $PT/meta.json tests latency complete)" = true ]; then
        ok "--page-size 2m,4k without 2m pages: the 4k points measured, the 2m target named and skipped"
    else notok "--page-size 2m,4k without 2m pages: the 4k points measured, the 2m target named and skipped" \
        "pages: $pages" "$(cat $TMP/err)"; fi
else notok "--page-size 2m,4k without 2m pages: the 4k points measured, the 2m target named and skipped" \
    "exit $?: $(cat $TMP/err)"; fi
env CXLSCOPE_SYSFS_ROOT=$TMP/sysfs $L --mem-node all --page-size 2m --size 64K $QUICK >/dev/null 2>$TMP/err
rc=$?
if [ $rc -eq 1 ] && grep -q "memory node 0, 2m pages: node 0 has no 2m" $TMP/err &&
    grep -q "memory node 2, 2m pages: node 2 has no 2m" $TMP/err && grep -q "none of the 2 targets" $TMP/err; then
    ok "no target left: exit 1, every short target named"
else notok "no target left: exit 1, every short target named" "exit $rc" "$(cat $TMP/err)"; fi

# --- a small sweep on node 0: CSV + meta.json
OUT=$TMP/run
if $L --mem-node $node0 --sweep 4K:128M:32 $QUICK --output $OUT --quiet 2>$TMP/err; then
    ok "small sweep on node $node0 runs"
else notok "small sweep on node $node0 runs" "$(cat $TMP/err)"; fi
CSV=$OUT/latency.csv
if [ -f "$CSV" ] && [ ! -e "$CSV.partial" ]; then ok "latency.csv written, no .partial left"
else notok "latency.csv written, no .partial left" "$(ls -l $OUT)"; fi
hdr=$(head -1 "$CSV")
case "$hdr" in
cpu_node,cpu,mem_node,mem_class,policy,pattern,tlb_locality_bytes,size_bytes,*median_ns,ci95_lo_ns,ci95_hi_ns*samples_kept,samples_dropped*)
    ok "CSV header has the documented columns" ;;
*) notok "CSV header has the documented columns" "$hdr" ;;
esac
nf=$(awk -F, 'NR == 1 { n = NF } NF != n { bad = 1 } END { print bad ? "ragged" : n }' "$CSV")
rows=$(($(wc -l <"$CSV") - 1))
if [ "$nf" != ragged ] && [ "$rows" -eq 4 ]; then ok "CSV has 4 rows of $nf fields"
else notok "CSV has 4 rows of equal field count" "fields: $nf rows: $rows" "$(cat $CSV)"; fi
if [ "$(csv_col $CSV mem_class | sort -u)" = LDRAM ] && [ "$(csv_col $CSV mem_node | sort -u)" = "$node0" ]; then
    ok "node and class columns: node $node0, LDRAM"
else notok "node and class columns" "$(cat $CSV)"; fi
if [ "$(csv_col $CSV size_bytes | tr '\n' ' ')" = "4096 131072 4194304 134217728 " ]; then
    ok "sizes follow the sweep"
else notok "sizes follow the sweep" "$(csv_col $CSV size_bytes)"; fi
bad=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    !($(c["ci95_lo_ns"]) <= $(c["median_ns"]) && $(c["median_ns"]) <= $(c["ci95_hi_ns"]) &&
      $(c["min_ns"]) <= $(c["median_ns"]) && $(c["median_ns"]) <= $(c["max_ns"]) &&
      $(c["median_ns"]) > 0 && $(c["samples_kept"]) >= 1 &&
      $(c["samples_kept"]) + $(c["samples_dropped"]) >= 7 && $(c["on_node_pct"]) == 100) { print }' "$CSV")
if [ -z "$bad" ]; then ok "every row: min <= ci_lo <= median <= ci_hi <= max, >= 7 samples, all pages on node"
else notok "every row is consistent" "$bad"; fi
l1=$(csv_col $CSV median_ns | head -1)
dram=$(csv_col $CSV median_ns | tail -1)
if awk -v a="$l1" -v b="$dram" 'BEGIN { exit !(a * 5 < b) }'; then
    ok "L1-sized point ($l1 ns) is far below the DRAM-sized point ($dram ns)"
else notok "L1-sized point far below DRAM-sized point" "4K: $l1 ns, 128M: $dram ns"; fi
if [ "$($J $OUT/meta.json tool)" = cxlscope ] && [ "$($J $OUT/meta.json tests latency complete)" = true ] &&
    [ "$($J $OUT/meta.json tests latency rows)" = 4 ] && [ "$($J $OUT/meta.json nodes '#')" -ge 1 ]; then
    ok "meta.json parses, names the run complete with 4 rows and the node table"
else notok "meta.json parses and describes the run" "$(head -c 600 $OUT/meta.json)"; fi
if $J $OUT/meta.json timer source >/dev/null && $J $OUT/meta.json tests latency argv >/dev/null; then
    ok "meta.json records the timer and the command line"
else notok "meta.json records the timer and the command line"; fi

# --- patterns and the table format
out=$($L --mem-node $node0 --size 1M --pattern random,seq,random-in-page,stride:256 --tlb-locality 64K $QUICK 2>/dev/null)
pats=$(printf '%s\n' "$out" | awk -F, 'NR > 1 { print $6 ":" $7 }' | tr '\n' ' ')
if [ "$pats" = "random:65536 seq: random-in-page:4096 stride:256: " ]; then
    ok "patterns and their TLB-locality groups are reported per row"
else notok "patterns and their TLB-locality groups are reported per row" "$pats"; fi
# --stride: the random kinds' spacing, every row says its spacing
out=$($L --mem-node $node0 --size 1M --pattern random,seq,random-in-page,stride:512 --stride 256 \
    --tlb-locality 64K $QUICK 2>/dev/null)
sp=$(printf '%s\n' "$out" | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { print $c["pattern"] ":" $c["tlb_locality_bytes"] ":" $c["stride_bytes"] }' | tr '\n' ' ')
if [ "$sp" = "random:65536:256 seq::64 random-in-page:4096:256 stride:512::512 " ]; then
    ok "--stride 256 spaces the random kinds; stride_bytes in every row"
else notok "--stride 256 spaces the random kinds; stride_bytes in every row" "$sp"; fi
# --distribution: as many samples again, timed in blocks of N loads into a
# histogram. What holds whatever the machine's timing: every block of those
# samples counted (loads / N per sample, rounded up), the histogram's counts
# adding up to it, the percentiles in order, the histogram CSV's buckets in
# order and 1 % wide. (How close p50 comes to the median is a benchmark:
# bench/compare-distribution.sh.)
D=$TMP/dist
if $L --mem-node $node0 --sweep 16K:1M:64 --pattern random,seq --distribution 16 --loads 100000 \
    --repeat 5 --min-samples 5 --time-budget 0.3 --output $D --quiet 2>$TMP/err; then
    bad=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { n = $c["samples_kept"] + $c["samples_dropped"]; want = n * int((100000 + 15) / 16)
          if ($c["dist_block_loads"] != 16 || $c["dist_blocks"] != want ||
              !($c["dist_p50_ns"] <= $c["dist_p90_ns"] && $c["dist_p90_ns"] <= $c["dist_p99_ns"] &&
                $c["dist_p99_ns"] <= $c["dist_p999_ns"] && $c["dist_p999_ns"] <= $c["dist_p9999_ns"] &&
                $c["dist_p9999_ns"] <= $c["dist_max_ns"]) || $c["dist_over_1us"] > $c["dist_blocks"])
              print "row " NR - 1 ": " $0 }' $D/latency.csv || echo "awk failed")
    sums=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { k = $c["size_bytes"] "/" $c["pattern"]; s[k] += $c["count"]
          if ($c["count"] < 1 || ($c["bucket_hi_ns"] != "" && !($c["bucket_hi_ns"] > $c["bucket_lo_ns"] &&
              ($c["bucket_lo_ns"] < 1 || $c["bucket_hi_ns"] <= $c["bucket_lo_ns"] * 1.01 + 0.0002))) ||
              (k == prev && $c["bucket_lo_ns"] <= lo)) bad = bad " " NR
          prev = k; lo = $c["bucket_lo_ns"] }
        END { for (k in s) print k ":" s[k]; if (bad != "") print "bad lines" bad }' $D/latency_dist.csv | sort | tr '\n' ' ')
    want=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { print $c["size_bytes"] "/" $c["pattern"] ":" $c["dist_blocks"] }' $D/latency.csv | sort | tr '\n' ' ')
    if [ -z "$bad" ] && [ "$(($(wc -l <$D/latency.csv) - 1))" = 4 ]; then
        ok "--distribution 16: every block counted, percentiles in order"
    else notok "--distribution 16: every block counted, percentiles in order" "$bad"; fi
    if [ "$sums" = "$want" ] && grep -q 'distribution: blocks of 16 loads' $D/meta.json; then
        ok "latency_dist.csv: buckets in order and 1 % wide, counts adding up to dist_blocks per point"
    else notok "latency_dist.csv: buckets and counts" "got: $sums" "want: $want"; fi
else notok "--distribution 16 runs" "$(cat $TMP/err)"; fi
if $L --mem-node $node0 --size 16K $QUICK --output $TMP/nodist --quiet 2>/dev/null &&
    [ ! -e $TMP/nodist/latency_dist.csv ] &&
    [ "$(csv_col $TMP/nodist/latency.csv dist_p50_ns)$(csv_col $TMP/nodist/latency.csv dist_blocks)" = "" ]; then
    ok "without --distribution: the dist_ columns empty, no latency_dist.csv"
else notok "without --distribution: the dist_ columns empty, no latency_dist.csv"; fi
if $L --mem-node $node0 --size 64K $QUICK --format table 2>/dev/null | head -1 | grep -qE '^ +cpu_node +cpu +mem_node'; then
    ok "--format table prints aligned columns"
else notok "--format table prints aligned columns"; fi

# --- page sizes read back from smaps
thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
if [ -n "$thp" ] && [ "$thp" != never ]; then
    used=$($L --mem-node $node0 --size 64M --page-size thp $QUICK 2>/dev/null | awk -F, 'NR == 2 { print $10 }')
    if [ "$used" = thp ]; then ok "--page-size thp: page_size_used says thp"
    else notok "--page-size thp: page_size_used says thp" "got '$used'"; fi
else
    skip "--page-size thp: page_size_used says thp" "transparent huge pages are off here"
fi

# --- Ctrl-C: rows kept, meta.json says incomplete, exit 130
OUT2=$TMP/int
interrupt_after_rows $OUT2/latency.csv 3 100 $L --mem-node $node0 --sweep 4K:64M:2 --loads 100000 \
    --repeat 50 --min-samples 50 --time-budget 60 --output $OUT2 --quiet
if [ $rc -eq 130 ] && [ $rows -ge 2 ] && [ ! -e $OUT2/latency.csv.partial ] &&
    [ "$($J $OUT2/meta.json tests latency complete)" = false ] &&
    grep -q interrupted $TMP/err2; then
    ok "Ctrl-C keeps the $rows finished rows, meta.json says incomplete, exit 130"
else notok "Ctrl-C keeps finished rows" "rc=$rc rows=$rows" "$(cat $TMP/err2)" "$(ls $OUT2)"; fi

# --- --reserve-hugepages gives the pool back, also on Ctrl-C
POOL=/sys/devices/system/node/node$node0/hugepages/hugepages-2048kB/nr_hugepages
if [ "$(id -u)" -ne 0 ]; then
    skip "--reserve-hugepages gives the pool back on exit and on Ctrl-C" "needs root"
elif [ ! -w "$POOL" ]; then
    skip "--reserve-hugepages gives the pool back on exit and on Ctrl-C" "no 2 MiB pool on node $node0"
else
    before=$(cat $POOL)
    used=$($L --mem-node $node0 --size 16M --page-size 2m --reserve-hugepages $QUICK 2>/dev/null |
        awk -F, 'NR == 2 { print $10 }')
    after_run=$(cat $POOL)
    $L --mem-node $node0 --size 64M --page-size 2m --reserve-hugepages --loads 100000 \
        --repeat 1000 --min-samples 1000 --time-budget 60 --quiet 2>/dev/null &
    pid=$!
    i=0 during=$before
    while [ $i -lt 100 ] && [ "$during" = "$before" ]; do
        sleep 0.1
        during=$(cat $POOL)
        i=$((i + 1))
    done
    kill -INT $pid
    wait $pid
    rc=$?
    after_int=$(cat $POOL)
    if [ "$used" = 2m ] && [ "$after_run" = "$before" ] && [ "$during" -gt "$before" ] &&
        [ "$rc" -eq 130 ] && [ "$after_int" = "$before" ]; then
        ok "--reserve-hugepages gives the pool back on exit and on Ctrl-C ($before -> $during -> $after_int)"
    else
        notok "--reserve-hugepages gives the pool back on exit and on Ctrl-C" \
            "page_size_used=$used pool: before=$before after run=$after_run during=$during after ^C=$after_int rc=$rc"
    fi
fi
