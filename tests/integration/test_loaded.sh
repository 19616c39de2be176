#!/bin/sh
# Integration tests of bin/cxlscope-loaded on this machine's node 0: help,
# bad input (one line, documented exit codes), every traffic kind under load
# and validated, the curve's shape (the load is real, delays cut it),
# --delay-unit cycles, and Ctrl-C. The ends against cxlscope-latency and
# cxlscope-bandwidth: bench/loaded-ends.sh.
. "$(dirname "$0")/lib.sh"
L=$BIN/cxlscope-loaded
J=$TESTBIN/jsonq
node0=$(ls -d /sys/devices/system/node/node[0-9]* | head -1 | sed 's/.*node//')
cpus0=$(cat /sys/devices/system/node/node$node0/cpulist)
ncpu0=$(awk -F, '{ n = 0; for (i = 1; i <= NF; i++) { k = split($i, r, "-"); n += k > 1 ? r[2] - r[1] + 1 : 1 } print n }' \
    /sys/devices/system/node/node$node0/cpulist)
first=$(echo "$cpus0" | sed 's/[-,].*//')
QUICK="--repeat 5 --min-samples 3 --time-budget 0.3 --loads 100000 --size 32M --traffic-size 16M"

# row_val FILE DELAY COLUMN: COLUMN of the row whose delay is DELAY
row_val() {
    awk -F, -v d="$2" -v want="$3" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["delay"] == d { print $c[want]; exit }' "$1"
}

# --- help, version
if $L --help | grep -q 'injection delay' && $L --help | grep -q 'Exit status' &&
    $L --help | grep -q -- '--traffic-node' && $L --help | grep -q 'write-allocate'; then
    ok "--help explains the method, options, columns and exit codes"
else notok "--help explains the method, options, columns and exit codes"; fi
if $L --version | grep -qE '^cxlscope-loaded [0-9]+\.[0-9]+'; then ok "--version"; else notok "--version"; fi

# --- bad input
expect_exit "unknown kind" 2 "unknown kind 'scale'" $L --kind scale
expect_exit "delays not increasing" 2 "must increase: 100 after 200" $L --delays 0,200,100
expect_exit "a delay that is not a number" 2 "--delays 'soon'" $L --delays 0,soon
expect_exit "unknown delay unit" 2 "neither ns nor cycles" $L --delay-unit furlongs
expect_exit "cycles without a list of delays" 2 "needs --delays" $L --delay-unit cycles
expect_exit "a burst that is not whole lines" 2 "not a multiple of 64" $L --burst 100
expect_exit "--distribution 0" 2 "distribution: 0 is out of range" $L --distribution 0
expect_exit "--stride 96" 2 "stride 96: must be a power of two from 64 to 4096" $L --stride 96
expect_exit "a chase buffer with fewer than two --stride elements" 2 "fewer than two elements" \
    $L --mem-node $node0 --stride 4096 --size 4K
expect_exit "a memory node that does not exist" 2 "--mem-node" $L --mem-node 99
expect_exit "a traffic node that does not exist" 2 "--traffic-node" $L --mem-node $node0 --traffic-node 99
expect_exit "--load-threads with --load-cpus" 2 "do not go together" $L --load-threads 1 --load-cpus 0
expect_exit "a load CPU that is the chase's" 2 "is the chase's CPU" $L --chase-cpu $first --load-cpus $first
expect_exit "more load threads than CPUs" 2 "has only $((ncpu0 - 1)) CPUs besides the chase" \
    $L --mem-node $node0 --load-threads $ncpu0
expect_exit "a chase buffer the node cannot hold" 1 "cannot hold" $L --mem-node $node0 --size 1T
if command -v taskset >/dev/null; then
    expect_exit "no CPU left for load threads" 2 "no CPU left for load threads" \
        taskset -c "$first" $L --mem-node $node0
else skip "no CPU left for load threads" "no taskset"; fi
if ! grep -qw avx512f /proc/cpuinfo; then
    expect_exit "--isa avx512 on a CPU without it skips (77)" 77 "does not have it" $L --isa avx512
else skip "--isa avx512 on a CPU without it skips (77)" "this CPU has avx512"; fi

if [ "$ncpu0" -lt 2 ]; then
    skip "the measurements on node $node0" "node $node0 has one CPU: no CPU left for a load thread"
    exit 0
fi

# --- every kind under load, validated; one row per delay plus the idle row
OUT=$TMP/kinds
if $L --mem-node $node0 --kind read,write,write-nt,copy,triad,3:1,2:1,1:1 --delays 0,5000 $QUICK \
    --output $OUT --quiet 2>$TMP/err; then
    ok "all eight kinds load, stop and validate"
else notok "all eight kinds load, stop and validate" "$(cat $TMP/err)"; fi
f=$OUT/loaded.csv
rows=$(($(wc -l <$f) - 1))
if [ "$rows" -eq 24 ] && [ ! -e $f.partial ] &&
    [ "$($J $OUT/meta.json tests loaded complete)" = true ]; then
    ok "24 rows (8 kinds x delays 0, 5000, idle), meta.json complete"
else notok "24 rows, meta.json complete" "$(cat $f)"; fi
# Traffic: every chase sample kept saw each load thread finish a burst, so a
# loaded row moved at least load_threads x burst_bytes per sample of
# --loads 64 B loads: the floor below, from the row's chase_gbps (both
# rounded as printed). It holds however busy the machine is.
bad=$(awk -F, -v n=$node0 -v nl=$((ncpu0 - 1)) -v loads=100000 '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { idle = $c["delay"] == "idle"
      floor = nl * $c["burst_bytes"] * ($c["chase_gbps"] - 0.0005) / (loads * 64)
      if ($c["mem_node"] != n || $c["traffic_node"] != n || $c["mem_class"] != "LDRAM" ||
          $c["traffic_class"] != "LDRAM" || $c["on_node_pct"] != 100.0 ||
          $c["traffic_on_node_pct"] != 100.0 || !($c["latency_ns"] > 0) ||
          !($c["chase_gbps"] > 0) || $c["samples_kept"] < 3 || $c["chase_bytes"] != 33554432 ||
          $c["load_threads"] != (idle ? 0 : nl) ||
          (idle && $c["traffic_gbps"] != "") ||
          (!idle && ($c["traffic_gbps"] !~ /^[0-9]+\.[0-9]+$/ || $c["traffic_gbps"] + 0.00005 < floor)))
          print "row " NR - 1 ": " $0 }' $f || echo "awk failed on $f")
if [ -z "$bad" ]; then
    ok "nodes, classes, placement, thread counts, latency and traffic (a burst per sample at least) filled in"
else
    notok "nodes, classes, placement, thread counts, latency and traffic (a burst per sample at least) filled in" "$bad"
fi

# --- the curve: load real at delay 0, cut by a long delay
OUT=$TMP/curve
if $L --mem-node $node0 --kind read --delays 0,1000,80000 $QUICK --traffic-size 64M --output $OUT \
    --quiet 2>$TMP/err; then
    t0=$(row_val $OUT/loaded.csv 0 traffic_gbps) t80=$(row_val $OUT/loaded.csv 80000 traffic_gbps)
    idle=$(row_val $OUT/loaded.csv idle total_gbps)
    if awk -v a="$t0" -v i="$idle" 'BEGIN { exit !(a >= 5 * i) }'; then
        ok "delay 0 moves many times the idle end's traffic ($t0 vs $idle GB/s)"
    else notok "delay 0 moves many times the idle end's traffic" "$(cat $OUT/loaded.csv)"; fi
    if awk -v a="$t0" -v b="$t80" 'BEGIN { exit !(b * 10 < a) }'; then
        ok "an 80 us delay cuts the traffic tenfold at least ($t80 vs $t0 GB/s)"
    else notok "an 80 us delay cuts the traffic tenfold at least" "$(cat $OUT/loaded.csv)"; fi
else
    notok "the curve runs" "$(cat $TMP/err)"
fi

# --- a sample during which a load thread finished no burst is taken again:
# with a 100 ms delay and samples of 1024 loads (well under a millisecond),
# most samples see no burst; every kept one saw one (the floor as above),
# and the run says how many were taken again, on stderr and in meta.json
OUT=$TMP/retake
if $L --mem-node $node0 --delays 100000000 --load-threads 1 --loads 1024 --repeat 3 --min-samples 3 \
    --time-budget 0.1 --size 32M --traffic-size 16M --output $OUT --quiet 2>$TMP/err; then
    t=$(row_val $OUT/loaded.csv 100000000 traffic_gbps) cg=$(row_val $OUT/loaded.csv 100000000 chase_gbps)
    n=$(sed -n 's/.*note: \([0-9]*\) chase samples taken again.*/\1/p' $TMP/err)
    if [ "${n:-0}" -gt 0 ] && grep -q "$n chase samples taken again" $OUT/meta.json &&
        awk -v t="$t" -v cg="$cg" 'BEGIN { exit !(t + 0.00005 >= 4096 * (cg - 0.0005) / (1024 * 64)) }'; then
        ok "a 100 ms delay: $n samples without a burst taken again, the kept ones moved $t GB/s"
    else notok "a 100 ms delay: samples without a burst taken again and said" "n=$n t=$t cg=$cg" "$(cat $TMP/err)"; fi
else notok "a 100 ms delay runs" "$(cat $TMP/err)"; fi

# --- --stride: the chase's spacing, in every row
if $L --mem-node $node0 --delays 0 --stride 512 $QUICK --output $TMP/st --quiet 2>$TMP/err &&
    [ "$(csv_col $TMP/st/loaded.csv stride_bytes | sort -u)" = 512 ]; then
    ok "--stride 512: every row says stride_bytes 512"
else notok "--stride 512: every row says stride_bytes 512" "$(cat $TMP/err $TMP/st/loaded.csv)"; fi

# --- --distribution: the chase's blocks of the samples kept, per delay
D=$TMP/dist
if $L --mem-node $node0 --delays 0,5000 --distribution 16 $QUICK --output $D --quiet 2>$TMP/err; then
    got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { n = $c["samples_kept"] + $c["samples_dropped"]
          ok = $c["dist_block_loads"] == 16 && $c["dist_blocks"] == n * 6250 &&
               $c["dist_p50_ns"] <= $c["dist_p99_ns"] && $c["dist_p99_ns"] <= $c["dist_max_ns"]
          print $c["delay"] ":" $c["dist_blocks"] (ok ? "" : ":bad") }' $D/loaded.csv | sort | tr '\n' ' ')
    sums=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { s[$c["delay"]] += $c["count"] } END { for (k in s) print k ":" s[k] }' $D/loaded_dist.csv |
        sort | tr '\n' ' ')
    case "$got" in *bad* | "") notok "--distribution 16: every kept sample's blocks per delay" "$got" ;;
    *) if [ "$got" = "$sums" ]; then ok "--distribution 16: the kept samples' blocks per delay ($got), loaded_dist.csv adds up"
       else notok "loaded_dist.csv adds up to dist_blocks" "rows: $got" "histogram: $sums"; fi ;;
    esac
else notok "--distribution 16 runs" "$(cat $TMP/err)"; fi

# --- delays in TSC cycles: delay_ns converted with the measured TSC rate
if $L --mem-node $node0 --delays 0,3000 --delay-unit cycles $QUICK --output $TMP/cyc --quiet \
    2>$TMP/err; then
    u=$(row_val $TMP/cyc/loaded.csv 3000 delay_unit) dns=$(row_val $TMP/cyc/loaded.csv 3000 delay_ns)
    ghz=$($J $TMP/cyc/meta.json timer ticks_per_ns 2>/dev/null)
    if [ "$u" = cycles ] && awk -v d="$dns" -v g="$ghz" 'BEGIN { exit !(g > 0 && d > 0 && (d * g - 3000)^2 < 100) }'; then
        ok "--delay-unit cycles: 3000 cycles = $dns ns at $ghz GHz"
    else notok "--delay-unit cycles converts with the TSC rate" "unit=$u delay_ns=$dns ghz=$ghz"; fi
elif [ $? -eq 2 ] && grep -q 'no invariant TSC' $TMP/err; then
    skip "--delay-unit cycles" "no invariant TSC here"
else notok "--delay-unit cycles" "$(cat $TMP/err)"; fi

# The two ends against cxlscope-latency and cxlscope-bandwidth are a timing
# comparison, so a benchmark and not a test: bench/loaded-ends.sh (side by
# side, alternated rounds, ratios). On a shared CI host one load thread's
# delay-0 traffic varied 24..36 GB/s between runs, so no bound is asserted here.

# --- Ctrl-C: rows kept, meta.json incomplete, exit 130
OUT2=$TMP/int
interrupt_after_rows $OUT2/loaded.csv 3 200 $L --mem-node $node0 --kind read $QUICK --output $OUT2 --quiet
if [ $rc -eq 130 ] && [ "$rows" -ge 2 ] && [ "$rows" -lt 16 ] && [ ! -e $OUT2/loaded.csv.partial ] &&
    [ "$($J $OUT2/meta.json tests loaded complete)" = false ] && grep -q interrupted $TMP/err2; then
    ok "Ctrl-C: exit 130, the $rows finished rows kept, meta.json says incomplete"
else notok "Ctrl-C: exit 130, rows kept, meta.json incomplete" "rc=$rc rows=$rows" "$(cat $TMP/err2)" "$(ls $OUT2)"; fi

# --- labels follow the CPUs that run (fake tree: CPU 0 on node 0, CPU 1 on node 1)
FT=$TMP/two-sockets
if fake_two_sockets $FT; then
    CXLSCOPE_SYSFS_ROOT=$FT $L --chase-cpu 1 --load-cpus 0 --mem-node 0 --delays 0 $QUICK --quiet \
        --output $TMP/lo-c1 2>$TMP/err
    got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { print $c["cpu_node"] "/" $c["chase_cpu"] "/" $c["mem_class"] "/" $c["traffic_class"] }' \
        $TMP/lo-c1/loaded.csv 2>/dev/null | sort -u | tr '\n' ' ')
    if [ "$got" = "1/1/RDRAM/LDRAM " ]; then
        ok "--chase-cpu 1 (node 1) alone: cpu_node 1, memory node 0 RDRAM from the chase, LDRAM from the load CPU"
    else notok "--chase-cpu 1 (node 1) alone: cpu_node 1, memory node 0 RDRAM from the chase, LDRAM from the load CPU" \
        "rows: $got" "$(cat $TMP/err)"; fi
    expect_exit "--cpu-node 0 --chase-cpu 1 (node 1): exit 2 naming node 1" 2 \
        "CPU 1 is on node 1, not on CPU node 0" env CXLSCOPE_SYSFS_ROOT=$FT $L --cpu-node 0 --chase-cpu 1 --load-cpus 0 --mem-node 0
    expect_exit "--matrix --chase-cpu: exit 2" 2 "--matrix measures from every CPU node" \
        env CXLSCOPE_SYSFS_ROOT=$FT $L --matrix --chase-cpu 1 --load-cpus 0
else
    skip "--chase-cpu 1 (node 1) alone: cpu_node 1, memory node 0 RDRAM from the chase, LDRAM from the load CPU" "needs CPUs 0 and 1"
    skip "--cpu-node 0 --chase-cpu 1 (node 1): exit 2 naming node 1" "needs CPUs 0 and 1"
    skip "--matrix --chase-cpu: exit 2" "needs CPUs 0 and 1"
fi
