#!/bin/sh
# Integration tests of bin/cxlscope-gpucopy. Three parts:
# 1. help and bad input (no GPU needed: parsed before CUDA is asked);
# 2. the real CUDA runtime: without a usable GPU it must exit 77 with one
#    line naming the CUDA error; with one, a small real sweep is checked;
# 3. the binary run against tests/fakecuda (a test double of libcudart put
#    first with LD_LIBRARY_PATH; its "GPU" is host memory and its device
#    name says "fake"): CSV shapes and row counts, placement, the check copy,
#    an error mid-sweep keeping the rows, several devices, Ctrl-C. Its
#    figures are host memcpy times and are never compared with anything.
. "$(dirname "$0")/lib.sh"
B=$BIN/cxlscope-gpucopy
FAKE=$TESTBIN/fakecuda
J=$TESTBIN/jsonq
if [ ! -x "$B" ]; then
    skip "cxlscope-gpucopy" "not built: no CUDA toolkit found (make config)"
    exit 0
fi
node0=$(ls -d /sys/devices/system/node/node[0-9]* | head -1 | sed 's/.*node//')
nmem=$(for n in /sys/devices/system/node/node[0-9]*; do
    awk '/MemTotal/ { if ($4 > 0) print }' $n/meminfo; done | wc -l)
QUICK="--sizes 4K:1M:16 --repeat 5 --min-samples 3 --time-budget 0.1 --latency-copies 500"

# --- help, version, bad input (exit 2 with one line, GPU or not)
if $B --help | grep -q 'cudaHostRegister' && $B --help | grep -q 'Exit status' &&
    $B --help | grep -q 'gpu_copy_latency.csv' && $B --help | grep -q -- '--latency-copies'; then
    ok "--help explains kinds, directions, options, columns and exit codes"
else notok "--help explains kinds, directions, options, columns and exit codes"; fi
if $B --version | grep -qE '^cxlscope-gpucopy [0-9]+\.[0-9]+'; then ok "--version"; else notok "--version"; fi
expect_exit "unknown kind" 2 "unknown kind 'locked'" $B --kind pinned,locked
expect_exit "unknown direction" 2 "unknown direction 'h2h'" $B --direction h2h
expect_exit "size 0" 2 "--sizes" $B --sizes 0
expect_exit "a size over 64G" 2 "64G" $B --sizes 4K:128G
expect_exit "sweep factor 1" 2 "--sizes" $B --sizes 4K:1M:1
expect_exit "unknown mode" 2 "unknown mode 'both'" $B --mode both
expect_exit "bad device list" 2 "--device" $B --device gpu0
expect_exit "zero latency copies" 2 "--latency-copies" $B --latency-copies 0
expect_exit "--matrix does not apply" 2 "does not apply" $B --matrix
expect_exit "stray argument" 2 "unexpected argument" $B 4K
expect_exit "unknown page size" 2 "unknown page size" $B --page-size 3m

# --- the real runtime
$B $QUICK --kind pinned --direction h2d --output "$TMP/real" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 77 ]; then
    if [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -qE 'skipped: no usable GPU: cudaGetDeviceCount: cudaError[A-Za-z]+ \(' "$TMP/err"; then
        ok "no usable GPU: exit 77, one line naming the CUDA error ($(sed 's/.*: \(cudaError[A-Za-z]*\).*/\1/' "$TMP/err"))"
    else notok "no usable GPU: exit 77 with one line naming the CUDA error" "$(cat "$TMP/err")"; fi
    skip "a real GPU sweep" "no usable GPU here: $(sed 's/.*no usable GPU: //' "$TMP/err")"
elif [ $rc -eq 0 ]; then
    rows=$(($(wc -l <"$TMP/real/gpu_copy.csv") - 1))
    if [ "$rows" -ge 2 ] && ! csv_col "$TMP/real/gpu_copy.csv" gpu_name | grep -q fake &&
        [ "$(csv_col "$TMP/real/gpu_copy.csv" median_gbps | awk '$1 <= 0' | wc -l)" -eq 0 ]; then
        ok "a real GPU sweep: $rows rows, $(csv_col "$TMP/real/gpu_copy.csv" gpu_name | head -1)"
    else notok "a real GPU sweep" "$(head -3 "$TMP/real/gpu_copy.csv")"; fi
else
    notok "the real runtime: exit 0 (GPU) or 77 (none)" "exit $rc" "$(head -3 "$TMP/err")"
fi

# --- the test double
if [ ! -f "$FAKE/libcudart.so.13" ]; then
    skip "runs against the CUDA test double" "$FAKE/libcudart.so.13 not built"
    exit 0
fi
F="env LD_LIBRARY_PATH=$FAKE"
D=$TMP/fake
$F $B $QUICK --output "$D" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 0 ] && csv_col "$D/gpu_copy.csv" gpu_name | grep -q 'fake CUDA runtime (tests only)'; then
    ok "the test double stands in for libcudart (LD_LIBRARY_PATH over the binary's RUNPATH)"
else notok "the test double runs" "exit $rc" "$(head -5 "$TMP/err")"; fi

hdr="gpu,gpu_name,gpu_pci,gpu_node,cpu_node,cpu,host_mem,mem_node,mem_class,placement,page_size,direction,size_bytes,copies,samples,kept,median_gbps,ci_lo_gbps,ci_hi_gbps,mean_gbps,min_gbps,max_gbps,median_us"
lhdr="gpu,gpu_name,gpu_pci,gpu_node,cpu_node,cpu,host_mem,mem_node,mem_class,placement,direction,bytes,copies,mean_ns,median_ns,p5_ns,p95_ns,min_ns,max_ns"
if [ "$(head -1 "$D/gpu_copy.csv")" = "$hdr" ] && [ "$(head -1 "$D/gpu_copy_latency.csv")" = "$lhdr" ]; then
    ok "both CSV headers as documented"
else notok "CSV headers" "$(head -1 "$D/gpu_copy.csv")" "$(head -1 "$D/gpu_copy_latency.csv")"; fi
bad=$(awk -F, 'NR > 1 && NF != 23' "$D/gpu_copy.csv" | wc -l)
lbad=$(awk -F, 'NR > 1 && NF != 19' "$D/gpu_copy_latency.csv" | wc -l)
[ "$bad" -eq 0 ] && [ "$lbad" -eq 0 ] && ok "every row has every column" ||
    notok "rows with a wrong column count" "$bad sweep, $lbad latency"

# Buffers: pageable and pinned per memory node, mallochost once, interleave
# and weighted once when there are two nodes or more (weighted only where
# the kernel has it); sizes 4K, 64K, 1M; rows per buffer 3 x (h2d, d2h, 3 bidir).
nbuf=$((2 * nmem + 1))
[ "$nmem" -ge 2 ] && nbuf=$((nbuf + 1 + $(grep -c '^weighted' "$D/meta.json" >/dev/null; awk -F, 'NR > 1 && $7 == "weighted"' "$D/gpu_copy.csv" | head -1 | wc -l)))
want=$((nbuf * 3 * 5 + 3))
rows=$(($(wc -l <"$D/gpu_copy.csv") - 1))
[ "$rows" -eq "$want" ] && ok "sweep rows: $nbuf buffers x 3 sizes x 5 rows + 3 d2d = $rows" ||
    notok "sweep row count" "$rows rows, want $want"
lrows=$(($(wc -l <"$D/gpu_copy_latency.csv") - 1))
[ "$lrows" -eq $((nbuf * 2 + 1)) ] && ok "latency rows: h2d and d2h per buffer + d2d = $lrows" ||
    notok "latency row count" "$lrows rows, want $((nbuf * 2 + 1))"
for k in pageable pinned mallochost device; do
    n=$(awk -F, -v k=$k 'NR > 1 && $7 == k' "$D/gpu_copy.csv" | wc -l)
    [ "$n" -gt 0 ] || notok "rows of kind $k" "none"
done
ok "rows of every kind that applies (pageable, pinned, mallochost, device)"
dirs=$(csv_col "$D/gpu_copy.csv" direction | sort -u | tr '\n' ' ')
[ "$dirs" = "bidir-d2h bidir-h2d bidir-total d2d d2h h2d " ] && ok "directions: $dirs" ||
    notok "directions" "$dirs"

# Placement: every pinned/pageable byte on its node, the whole buffer (1M x 2
# for bidir); the d2d rows name no host memory.
badp=$(awk -F, 'NR > 1 && ($7 == "pinned" || $7 == "pageable") && $10 != $8 ":2097152"' "$D/gpu_copy.csv" | wc -l)
[ "$badp" -eq 0 ] && ok "placement: each node-bound buffer wholly on its node ($(awk -F, 'NR == 2 { print $10 }' "$D/gpu_copy.csv"))" ||
    notok "placement of node-bound buffers" "$(awk -F, 'NR > 1 && $10 != $8 ":2097152"' "$D/gpu_copy.csv" | head -2)"
badd=$(awk -F, 'NR > 1 && $7 == "device" && ($8 != "" || $9 != "GPU" || $10 != "")' "$D/gpu_copy.csv" | wc -l)
[ "$badd" -eq 0 ] && ok "d2d rows: host_mem device, class GPU, no host node" || notok "d2d rows" "$badd bad"
mh=$(awk -F, 'NR > 1 && $7 == "mallochost" { print $8 "|" $10; exit }' "$D/gpu_copy.csv")
case $mh in
[0-9]*"|"[0-9]*:*) ok "mallochost: where the driver's pages landed is reported ($mh)" ;;
*) notok "mallochost placement reported" "$mh" ;;
esac
# Numbers: positive, ordered, bidir-total = the sum of its halves' bytes.
badn=$(awk -F, 'NR > 1 && !($17 > 0 && $18 <= $17 && $17 <= $19 && $21 <= $17 && $17 <= $22 && $23 > 0 && $16 <= $15 && $14 >= 1)' "$D/gpu_copy.csv" | wc -l)
[ "$badn" -eq 0 ] && ok "every rate positive, min <= ci_lo <= median <= ci_hi <= max, kept <= samples" ||
    notok "rates in order" "$(awk -F, 'NR > 1 && !($17 > 0 && $18 <= $17 && $17 <= $19)' "$D/gpu_copy.csv" | head -2)"
lbadn=$(awk -F, 'NR > 1 && !($12 == 64 && $13 == 500 && $17 >= $15 && $15 >= $18 && $16 <= $15 && $18 > 0 && $14 > 0)' "$D/gpu_copy_latency.csv" | wc -l)
[ "$lbadn" -eq 0 ] && ok "latency rows: 64 B, 500 copies, min <= median <= p95, p5 <= median" ||
    notok "latency rows in order" "$(awk -F, 'NR > 1' "$D/gpu_copy_latency.csv" | head -2)"
# gpu_node: sysfs numa_node of the PCI device the runtime names (this test
# double names 0000:10:00.0, absent here: -1), and the host thread's node.
gn=$(csv_col "$D/gpu_copy.csv" gpu_node | sort -u)
cn=$(csv_col "$D/gpu_copy.csv" cpu_node | sort -u)
want_gn=$(cat /sys/bus/pci/devices/0000:10:00.0/numa_node 2>/dev/null || echo -1)
[ "$gn" = "$want_gn" ] && [ "$cn" = "$node0" ] && grep -q 'sysfs gives no NUMA node\|numa_node' "$TMP/err" &&
    ok "gpu_node $gn from sysfs, host thread on node $cn, the fallback said on stderr" ||
    notok "gpu_node / cpu_node" "gpu_node $gn (want $want_gn), cpu_node $cn" "$(cat "$TMP/err")"
[ "$($J "$D/meta.json" tests gpucopy complete)" = true ] && ok "meta.json: gpucopy complete" ||
    notok "meta.json: gpucopy complete" "$($J "$D/meta.json" tests gpucopy)"
$J "$D/meta.json" tests gpucopy notes | grep -q 'CUDA runtime [0-9]' && ok "meta.json notes the CUDA runtime and driver versions" ||
    notok "versions noted in meta.json"
if [ "$nmem" -lt 2 ]; then
    $J "$D/meta.json" tests gpucopy notes | grep -q 'interleave left out: it needs two memory nodes' &&
        ok "one memory node: interleave and weighted left out, and meta.json says so" ||
        notok "interleave left out noted"
fi

# --- modes, devices, CPU node
$F $B $QUICK --mode latency --kind pinned --direction h2d,d2h --output "$TMP/lat" >/dev/null 2>&1
if [ -f "$TMP/lat/gpu_copy_latency.csv" ] && [ ! -e "$TMP/lat/gpu_copy.csv" ] &&
    [ "$(($(wc -l <"$TMP/lat/gpu_copy_latency.csv") - 1))" -eq $((2 * nmem)) ]; then
    ok "--mode latency: only gpu_copy_latency.csv, h2d and d2h per node"
else notok "--mode latency" "$(ls "$TMP/lat")"; fi
out=$($F $B $QUICK --mode sweep --kind pinned --direction d2d --mem-node $node0 --quiet --output "$TMP/d2d" 2>&1)
[ "$(csv_col "$TMP/d2d/gpu_copy.csv" host_mem | sort -u)" = device ] && [ ! -e "$TMP/d2d/gpu_copy_latency.csv" ] &&
    ok "--direction d2d: device rows only, no host buffer measured" || notok "--direction d2d" "$out"
CXS_FAKECUDA_DEVICES=2 $F $B $QUICK --device all --kind pinned --direction h2d --mode sweep --mem-node $node0 --quiet --output "$TMP/two" 2>/dev/null
gpus=$(csv_col "$TMP/two/gpu_copy.csv" gpu | sort -u | tr '\n' ' ')
pcis=$(csv_col "$TMP/two/gpu_copy.csv" gpu_pci | sort -u | wc -l)
[ "$gpus" = "0 1 " ] && [ "$pcis" -eq 2 ] && ok "--device all: each of two devices, its own PCI ID" ||
    notok "--device all" "gpus '$gpus', $pcis PCI IDs"
expect_exit "a device that is not there" 2 "no device 2 \\(this machine has 2" \
    env CXS_FAKECUDA_DEVICES=2 LD_LIBRARY_PATH=$FAKE $B --device 2
expect_exit "no device: exit 77 naming cudaErrorNoDevice" 77 "no usable GPU: cudaGetDeviceCount: cudaErrorNoDevice" \
    env CXS_FAKECUDA_DEVICES=0 LD_LIBRARY_PATH=$FAKE $B
$F $B $QUICK --cpu-node $node0 --kind pinned --direction h2d --mode sweep --quiet --output "$TMP/cpu" 2>"$TMP/err"
[ "$(csv_col "$TMP/cpu/gpu_copy.csv" cpu_node | sort -u)" = "$node0" ] && ! grep -q 'numa_node' "$TMP/err" &&
    ok "--cpu-node: the host thread's node, no fallback note" || notok "--cpu-node" "$(cat "$TMP/err")"
expect_exit "--cpu-node with two nodes or none of them" 2 "--cpu-node" env LD_LIBRARY_PATH=$FAKE $B --cpu-node 99
expect_exit "--mem-node that is not a memory node" 2 "--mem-node" env LD_LIBRARY_PATH=$FAKE $B --mem-node 99
expect_exit "host buffer larger than the node" 1 "host buffer of .*smaller --sizes" \
    env LD_LIBRARY_PATH=$FAKE $B --sizes 64G --kind pinned
expect_exit "device memory too small" 1 "GPU 0 has .* bytes free" \
    env CXS_FAKECUDA_MEM_BYTES=1073741824 LD_LIBRARY_PATH=$FAKE $B --sizes 1G --kind pinned --cpu-node $node0

# --- failures: named, rows kept, exit 1. The failure is injected at a named
# call and sweep point (the first cudaMemcpyAsync of 64 KiB host to device:
# the 64K point's h2d warm-up), never after a count of copies: how many
# copies fit into a time budget depends on the machine and the build.
CXS_FAKECUDA_FAIL_AT=cudaMemcpyAsync:h2d:65536 $F $B $QUICK --kind pinned --mem-node $node0 --quiet --output "$TMP/fail" >/dev/null 2>"$TMP/err"
rc=$?
rows=$(($(wc -l <"$TMP/fail/gpu_copy.csv" 2>/dev/null || echo 1) - 1))
if [ $rc -eq 1 ] && grep -q 'cudaMemcpyAsync: cudaErrorIllegalAddress' "$TMP/err" &&
    grep -qE 'pinned on node [0-9]+ h2d, 64K:' "$TMP/err" && [ "$rows" -eq 1 ] &&
    [ "$($J "$TMP/fail/meta.json" tests gpucopy complete)" = false ]; then
    ok "a CUDA error at a named call and point (h2d 64K): exit 1, named, the one row before it kept, meta.json incomplete"
else notok "a CUDA error mid-sweep" "exit $rc, $rows rows" "$(cat "$TMP/err")"; fi
expect_exit "cudaHostRegister refused: named, exit 1" 1 "pinned on node [0-9]+: cudaHostRegister: cudaErrorNotSupported" \
    env CXS_FAKECUDA_FAIL_REGISTER=1 LD_LIBRARY_PATH=$FAKE $B $QUICK --kind pinned --quiet --cpu-node $node0
expect_exit "a copy that comes back wrong fails the run" 1 "came back different at byte" \
    env CXS_FAKECUDA_CORRUPT_D2H=1 LD_LIBRARY_PATH=$FAKE $B $QUICK --kind pageable --quiet --cpu-node $node0

# --- output without --output, and Ctrl-C
$F $B $QUICK --kind pinned --mem-node $node0 --direction h2d >"$TMP/out" 2>"$TMP/err"
if [ "$(head -1 "$TMP/out")" = "$hdr" ] && grep -q 'latency rows are written with --output' "$TMP/err"; then
    ok "without --output: sweep rows on stdout, and a note where the latency rows went"
else notok "stdout without --output" "$(head -2 "$TMP/out")" "$(cat "$TMP/err")"; fi
interrupt_after_rows "$TMP/int/gpu_copy.csv" 3 300 \
    env LD_LIBRARY_PATH=$FAKE $B --sizes 4K:64M:4 --time-budget 0.5 --kind pinned --quiet --output "$TMP/int"
if [ "$rc" -eq 130 ] && [ "$rows" -ge 2 ] && [ "$($J "$TMP/int/meta.json" tests gpucopy complete)" = false ] &&
    [ ! -e "$TMP/int/gpu_copy.csv.partial" ] && [ -f "$TMP/int/gpu_copy_latency.csv" ]; then
    ok "Ctrl-C: exit 130, $rows rows kept, both CSVs closed, meta.json incomplete"
else notok "Ctrl-C" "exit $rc, $rows rows" "$(cat "$TMP/err2")"; fi

# --- run-all and the report with the test double standing in: the step's
# CSVs merged, its headline, the three figures drawn from them
if [ "$BIN" != "$(cd "$(dirname "$0")/../.." && pwd)/bin" ]; then
    skip "run-all with gpucopy" "run-all uses bin/; tested in the release pass"
elif ! command -v gnuplot >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1; then
    skip "run-all with gpucopy" "gnuplot or jq missing"
else
    R=$(cd "$(dirname "$0")/../.." && pwd)/run-all
    LD_LIBRARY_PATH=$FAKE $R --profile smoke --tests gpucopy --no-deps --out "$TMP/ra" >"$TMP/ra.out" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && [ -s "$TMP/ra/gpu_copy.csv" ] && [ -s "$TMP/ra/gpu_copy_latency.csv" ] &&
        grep -q 'GPU 0 pinned h2d/d2h at the largest size: node' "$TMP/ra.out" &&
        [ -f "$TMP/ra/report/gpu-copy-bandwidth.png" ] && [ -f "$TMP/ra/report/gpu-copy-latency.png" ] &&
        [ -f "$TMP/ra/report/gpu-copy-bidir.png" ]; then
        ok "run-all: gpucopy step done, CSVs merged, headline, three report figures"
    else notok "run-all with gpucopy" "exit $rc" "$(tail -5 "$TMP/ra.out")" "$(ls "$TMP/ra" "$TMP/ra/report" 2>&1)"; fi
fi
