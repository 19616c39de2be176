#!/bin/sh
# Integration tests of bin/cxlscope-bandwidth on this machine's node 0:
# help, bad input (one line, documented exit codes), a real 1- and 2-thread
# run of every kernel with validation, thread scaling with its saturation
# point, --assign, --optimize, the LLC note, and Ctrl-C.
. "$(dirname "$0")/lib.sh"
B=$BIN/cxlscope-bandwidth
J=$TESTBIN/jsonq
node0=$(ls -d /sys/devices/system/node/node[0-9]* | head -1 | sed 's/.*node//')
ncpu0=$(awk -F, '{ n = 0; for (i = 1; i <= NF; i++) { k = split($i, r, "-"); n += k > 1 ? r[2] - r[1] + 1 : 1 } print n }' \
    /sys/devices/system/node/node$node0/cpulist)
QUICK="--repeat 5 --min-samples 3 --time-budget 0.3 --size 16M"

# --- help, version
if $B --help | grep -q 'write-allocate' && $B --help | grep -q 'Exit status' &&
    $B --help | grep -q -- '--optimize'; then
    ok "--help explains counting (write-allocate), options and exit codes"
else notok "--help explains counting (write-allocate), options and exit codes"; fi
if $B --version | grep -qE '^cxlscope-bandwidth [0-9]+\.[0-9]+'; then ok "--version"; else notok "--version"; fi

# --- bad input
expect_exit "unknown kind" 2 "unknown kind 'scale'" $B --kind scale
expect_exit "unknown access" 2 "unknown access 'zigzag'" $B --access zigzag
expect_exit "unknown ISA" 2 "unknown ISA 'avx'" $B --isa avx
# a kind or access named more than its table holds: each measured once
if $B --mem-node $node0 --threads 1 --size 8M --repeat 3 --min-samples 3 --time-budget 0.1 \
    --kind read,read,read,read,read,read,read,read,read,copy,read --access seq,seq,seq \
    --output $TMP/rep --quiet 2>$TMP/err &&
    [ "$(csv_col $TMP/rep/bandwidth.csv kind | tr '\n' ' ')" = "read copy " ]; then
    ok "repeated --kind/--access items measured once, in the order given"
else notok "repeated --kind/--access items measured once" "$(cat $TMP/err)" "$(cat $TMP/rep/bandwidth.csv 2>/dev/null)"; fi
expect_exit "--threads 0" 2 "--threads '0'" $B --threads 0
expect_exit "--threads 3:1" 2 "LO:HI" $B --threads 3:1
expect_exit "more threads than CPUs" 2 "has $ncpu0 CPUs.*--oversubscribe" $B --mem-node $node0 --threads $((ncpu0 + 1))
expect_exit "--assign to a node that does not exist" 2 "node 99 does not exist" $B --assign 99:1
expect_exit "--assign with 0 threads" 2 "threads for node 0" $B --assign 0:0
expect_exit "--assign naming a node twice" 2 "named twice" $B --assign 0:1,0:1
expect_exit "--assign beyond the CPUs" 2 "--oversubscribe" $B --assign $node0:$((ncpu0 + 1))
expect_exit "--assign with --optimize" 2 "do not go together" $B --assign 0:1 --optimize
expect_exit "a size too small for the threads" 2 "too small" $B --mem-node $node0 --threads 1 --size 1K
expect_exit "a size the node cannot hold" 1 "cannot hold" $B --mem-node $node0 --size 1T
for isa in avx512 avx2; do
    if ! grep -qw "$( [ $isa = avx512 ] && echo avx512f || echo avx2)" /proc/cpuinfo; then
        expect_exit "--isa $isa on a CPU without it skips (77)" 77 "this CPU has no $isa" $B --isa $isa
    else
        skip "--isa $isa on a CPU without it skips (77)" "this CPU has $isa"
    fi
done

# --- every kernel, 1 and 2 threads (or 1 on a one-CPU node), validated
T="1:2"
[ "$ncpu0" -lt 2 ] && T=1
OUT=$TMP/run
if $B --mem-node $node0 --kind read,write,write-nt,copy,triad,3:1,2:1,1:1 --threads $T $QUICK \
    --output $OUT --quiet 2>$TMP/err; then
    ok "all eight kinds run and validate with --threads $T"
else notok "all eight kinds run and validate with --threads $T" "$(cat $TMP/err)"; fi
f=$OUT/bandwidth.csv
want=$((8 * ($(echo $T | tr : ' ' | awk '{ print NF == 2 ? $2 - $1 + 1 : 1 }'))))
rows=$(($(wc -l <$f) - 1))
if [ "$rows" -eq "$want" ] && [ ! -e $f.partial ]; then ok "$rows rows, one per kind and thread count"
else notok "$rows rows, one per kind and thread count (want $want)" "$(cat $f)"; fi
bad=$(awk -F, -v n=$node0 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { if ($c["mem_node"] != n || $c["mem_class"] != "LDRAM" || $c["on_node_pct"] != 100.0 ||
          !($c["median_gbps"] > 0) || $c["samples_kept"] < 3 || $c["mode"] != "single")
          print "row " NR - 1 ": " $0
      d = $c["bytes_allocated"] - 16777216; if (d < 0) d = -d
      if (d > 16777216 * 0.01) print "row " NR - 1 ": allocated " $c["bytes_allocated"] " not within 1 % of 16M" }' $f)
if [ -z "$bad" ]; then ok "node, class, placement, GB/s, samples and memory used (within 1 % of --size) right"
else notok "node, class, placement, GB/s, samples and memory used right" "$bad"; fi
# bytes_per_pass = the kernel's loads + stores: read 1x, copy 2x, triad 3x, 3:1 4x the array
pp=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["threads"] == 1 {
    printf "%s=%s ", $c["kind"], $c["bytes_per_pass"] / ($c["bytes_allocated"] / ($c["kind"] == "read" || $c["kind"] ~ /write/ || $c["kind"] == "1:1" ? 1 : $c["kind"] == "copy" ? 2 : $c["kind"] == "3:1" ? 4 : 3)) }' $f)
if [ "$pp" = "read=1 write=1 write-nt=1 copy=2 triad=3 3:1=4 2:1=3 1:1=2 " ]; then
    ok "bytes_per_pass counts each kernel's loads and stores per array element ($pp)"
else notok "bytes_per_pass counts each kernel's loads and stores" "$pp"; fi
if [ "$T" = "1:2" ]; then
    tg=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["threads"] == 2 { print $c["thread_gbps"] "," $c["cpus"] }' $f | head -1)
    case "$tg" in *+*,*+*) ok "two threads: per-thread GB/s and both CPUs reported ($tg)" ;;
    *) notok "two threads: per-thread GB/s and both CPUs reported" "$tg" ;; esac
    if [ "$(wc -l <$OUT/saturation.csv)" -eq 9 ] &&
        awk -F, 'NR > 1 && !($8 == 1 || $8 == 2) { exit 1 }' $OUT/saturation.csv; then
        ok "saturation.csv: one saturation point per kind"
    else notok "saturation.csv: one saturation point per kind" "$(cat $OUT/saturation.csv)"; fi
else
    skip "two threads: per-thread GB/s" "node $node0 has one CPU"
    skip "saturation.csv: one saturation point per kind" "node $node0 has one CPU"
fi
if [ "$($J $OUT/meta.json tests bandwidth complete)" = true ] &&
    $J $OUT/meta.json tests bandwidth notes | grep -q 'less than 4x the last-level cache'; then
    ok "meta.json complete, and notes that 16M is under 4x the LLC"
else notok "meta.json complete, and notes the small size" "$(cat $OUT/meta.json | head -50)"; fi

# --- random access orders
if $B --mem-node $node0 --kind copy --access random-line,random-block --threads 1 $QUICK --quiet \
    --output $TMP/rnd 2>$TMP/err && [ "$(csv_col $TMP/rnd/bandwidth.csv access | tr '\n' ' ')" = "random-line random-block " ]; then
    ok "random-line and random-block orders run and validate"
else notok "random-line and random-block orders run and validate" "$(cat $TMP/err)"; fi

# --- every ISA this CPU has
for isa in sse2 avx2 avx512; do
    if $B --isa $isa --mem-node $node0 --kind triad --threads 1 $QUICK --quiet 2>/dev/null >$TMP/isa; then
        ok "--isa $isa runs and validates"
    elif [ $? -eq 77 ]; then skip "--isa $isa runs and validates" "this CPU has no $isa"
    else notok "--isa $isa runs and validates"; fi
done

# --- --assign: rows per node and the total
if $B --assign $node0:1 --kind read $QUICK --output $TMP/as --quiet 2>$TMP/err &&
    [ "$(csv_col $TMP/as/bandwidth.csv mode | sort -u)" = assign ] &&
    [ "$(csv_col $TMP/as/bandwidth.csv assignment | sort -u)" = "$node0:1" ] &&
    [ "$(($(wc -l <$TMP/as/bandwidth.csv) - 1))" -eq 2 ]; then
    ok "--assign $node0:1 writes the node's row and the total"
else notok "--assign writes the node's row and the total" "$(cat $TMP/err $TMP/as/bandwidth.csv)"; fi

# --- --optimize: scaling, then measured candidates, best first
if $B --optimize --mem-node $node0 --kind read $QUICK --output $TMP/opt --quiet 2>$TMP/err &&
    [ "$(head -1 $TMP/opt/optimize.csv)" = "rank,kind,access,assignment,total_gbps" ] &&
    [ "$(wc -l <$TMP/opt/optimize.csv)" -ge 2 ] &&
    awk -F, 'NR > 2 && $5 > prev { exit 1 } NR > 1 { prev = $5 }' $TMP/opt/optimize.csv &&
    grep -q "optimize" $TMP/err; then
    ok "--optimize ranks measured assignments, best first"
else notok "--optimize ranks measured assignments" "$(cat $TMP/err $TMP/opt/optimize.csv)"; fi
# two kinds: each kind's ranking in optimize.csv (the file was once replaced
# by the last kind's), ranks 1.. per kind, best first within a kind
if $B --optimize --mem-node $node0 --kind read,copy $QUICK --output $TMP/opt2 --quiet 2>$TMP/err &&
    [ "$(awk -F, 'NR > 1 && $2 == "read" && $1 == 1' $TMP/opt2/optimize.csv | wc -l)" -eq 1 ] &&
    [ "$(awk -F, 'NR > 1 && $2 == "copy" && $1 == 1' $TMP/opt2/optimize.csv | wc -l)" -eq 1 ] &&
    awk -F, 'NR > 1 && $1 > 1 && ($2 != k || $5 > prev) { exit 1 } NR > 1 { k = $2; prev = $5 }' $TMP/opt2/optimize.csv; then
    ok "--optimize --kind read,copy: both kinds ranked in optimize.csv"
else notok "--optimize --kind read,copy: both kinds ranked in optimize.csv" "$(cat $TMP/err $TMP/opt2/optimize.csv)"; fi

# --- Ctrl-C: rows kept, meta.json incomplete, exit 130
OUT2=$TMP/int
$B --mem-node $node0 --kind read,copy,triad,write,write-nt,3:1 --threads 1 --size 16M \
    --repeat 1000 --min-samples 1000 --time-budget 60 --output $OUT2 --quiet 2>$TMP/err2 &
pid=$!
i=0
while [ $i -lt 100 ] && [ "$(cat $OUT2/bandwidth.csv.partial 2>/dev/null | wc -l)" -lt 1 ]; do
    sleep 0.1
    i=$((i + 1))
done
sleep 0.5
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 130 ] && [ -e $OUT2/bandwidth.csv ] && [ ! -e $OUT2/bandwidth.csv.partial ] &&
    [ "$($J $OUT2/meta.json tests bandwidth complete)" = false ] && grep -q interrupted $TMP/err2; then
    ok "Ctrl-C: exit 130, CSV kept, meta.json says incomplete"
else notok "Ctrl-C: exit 130, CSV kept, meta.json incomplete" "rc=$rc" "$(cat $TMP/err2)" "$(ls $OUT2)"; fi

# --- labels follow the CPUs that run (fake tree: CPU 0 on node 0, CPU 1 on node 1)
FT=$TMP/two-sockets
if fake_two_sockets $FT; then
    out=$(CXLSCOPE_SYSFS_ROOT=$FT $B --cpu-node 0-1 --assign 0:2 --kind read $QUICK --quiet \
        --output $TMP/bw-assign2 2>$TMP/err)
    got=$(csv_col $TMP/bw-assign2/bandwidth.csv mem_class | sort -u | tr '\n' ' ')
    if [ "$got" = "LDRAM/RDRAM " ]; then
        ok "--cpu-node 0-1 --assign 0:2: node 0 seen from CPUs on nodes 0 and 1 is LDRAM/RDRAM"
    else notok "--cpu-node 0-1 --assign 0:2: node 0 seen from CPUs on nodes 0 and 1 is LDRAM/RDRAM" \
        "classes: $got" "$(cat $TMP/err)"; fi
    CXLSCOPE_SYSFS_ROOT=$FT $B --cpu-node 1 --mem-node 0 --threads 1 --kind read $QUICK --quiet \
        --output $TMP/bw-n1 2>$TMP/err
    got=$(csv_col $TMP/bw-n1/bandwidth.csv mem_class | sort -u | tr '\n' ' ')
    if [ "$got" = "RDRAM " ]; then ok "--cpu-node 1 --mem-node 0: RDRAM"
    else notok "--cpu-node 1 --mem-node 0: RDRAM" "classes: $got" "$(cat $TMP/err)"; fi
else
    skip "--cpu-node 0-1 --assign 0:2: node 0 seen from CPUs on nodes 0 and 1 is LDRAM/RDRAM" "needs CPUs 0 and 1"
    skip "--cpu-node 1 --mem-node 0: RDRAM" "needs CPUs 0 and 1"
fi

# --- --assign beyond the measurement's thread table is a usage error, not an overflow
expect_exit "--assign with more than 1024 threads in all" 2 "at most 1024" $B --assign 0:1100 --oversubscribe
