#!/bin/sh
# Integration tests of bin/cxlscope-xlshare: the committed real results
# directory calibrated and replayed (round trip), the seed's own file, values
# neither measured nor assumed refused by name, --assume filling only what
# was not measured, presets and CSV models, outputs that mark what was
# assumed, and closed forms checked through the binary.
. "$(dirname "$0")/lib.sh"
B=$BIN/cxlscope-xlshare
FIX=$(cd "$(dirname "$0")/../fixtures/results/vm-small" && pwd)
SEED=$(cd "$(dirname "$0")/../../replay" && pwd)/xlshare-default.json
GPUV="h2d_gbps=64,gpu_copy_latency_ns=300,hbm_gbps=3350,ldram_h2d_gbps=16,ldram_copy_latency_ns=300"

$BIN/cxlscope-calibrate "$FIX" --output "$TMP/cal.json" --quiet || { notok "calibrate the fixture"; exit 0; }
C=$TMP/cal.json

# --- help and usage errors
if $B --help | grep -q 'llama-3.1-405b' && $B --help | grep -q -- '--assume' && $B --help | grep -q 'Exit status'; then
    ok "--help lists presets, --assume and exit codes"
else notok "--help"; fi
expect_exit "no calibration" 2 "--calibration FILE is required" $B --model xlshare-8m --tflops 1
expect_exit "no model" 2 "--model NAME\\|FILE is required" $B --calibration "$C" --tflops 1
expect_exit "no compute time" 2 "give one of --compute-ns NS or --tflops R" $B --calibration "$C" --model xlshare-8m
expect_exit "unknown preset" 2 "unknown model 'gpt-5' \\(presets: xlshare-8m" $B --calibration "$C" --model gpt-5 --tflops 1 --assume $GPUV
expect_exit "not a calibration" 2 "neither a cxlscope calibration" $B --calibration "$FIX/meta.json" --model xlshare-8m --tflops 1
expect_exit "unknown --assume key" 2 "unknown key 'pcie_gbps'" $B --calibration "$C" --model xlshare-8m --tflops 1 --assume pcie_gbps=3
expect_exit "--assume value not positive" 2 "h2d_gbps=-1 is not a positive number" $B --calibration "$C" --model xlshare-8m --tflops 1 --assume h2d_gbps=-1
expect_exit "a layer to pin that the model lacks" 2 "--pin: model xlshare-8m has no layer 'foo'" \
    $B --calibration "$C" --model xlshare-8m --tflops 1 --assume $GPUV --pin foo

# --- notes only on success, after the results; an error is the one line
expect_exit "an error after the inputs are read: the error alone, no notes before it" 1 "/dev/null/x" \
    $B --calibration "$C" --model xlshare-8m --tflops 67 --assume $GPUV --output /dev/null/x
$B --calibration "$C" --model xlshare-8m --tflops 67 --assume $GPUV --inferences 2 >"$TMP/both" 2>&1
rc=$?
first_note=$(grep -n 'cxlscope-xlshare: note:' "$TMP/both" | head -1 | cut -d: -f1)
last_row=$(grep -n '^xlshare-8m,' "$TMP/both" | tail -1 | cut -d: -f1)
[ $rc -eq 0 ] && [ "$(grep -c 'cxlscope-xlshare: note:' "$TMP/both")" -eq 9 ] && [ -n "$last_row" ] &&
    [ "$first_note" -gt "$last_row" ] && ok "on success the 9 notes come after the results" ||
    notok "notes after the results" "exit $rc" "$(head -12 "$TMP/both")"

# --- nothing silently filled: the first missing value is named with why
expect_exit "a value neither measured nor assumed: named, with the calibration's reason" 2 \
    "h2d_gbps: no value \\(nodes.0.gpu.h2d_pinned_gbps: no gpu_copy.csv in the results \\(run-all step gpucopy skipped: no usable GPU.*give --assume h2d_gbps=VALUE" \
    $B --calibration "$C" --model xlshare-8m --tflops 67
expect_exit "hbm_gbps missing after the rest is assumed" 2 "hbm_gbps: no value" \
    $B --calibration "$C" --model xlshare-8m --tflops 67 --assume h2d_gbps=64,gpu_copy_latency_ns=300

# --- values no measurement can have, in either format: named by their path
jq '.nodes["0"].bandwidth.read.peak_gbps = 1e308' "$C" >"$TMP/cal-big.json"
expect_exit "a calibration bandwidth of 1e308: named, not used" 2 \
    "--calibration: .*cal-big.json: nodes.0.bandwidth.read.peak_gbps: 1e\\+308 is not a bandwidth \\(must be > 0 and < 100000 GB/s\\)" \
    $B --calibration "$TMP/cal-big.json" --model xlshare-8m --tflops 67 --assume $GPUV
jq '.nodes["0"].loaded_latency.points[1].latency_ns = -5' "$C" >"$TMP/cal-neg.json"
expect_exit "a negative latency on the loaded-latency curve: named" 2 \
    "nodes.0.loaded_latency.points\\[1\\].latency_ns: -5 is not a latency \\(must be > 0 and < 1e9 ns\\)" \
    $B --calibration "$TMP/cal-neg.json" --model xlshare-8m --tflops 67 --assume $GPUV
jq '.cxllatency_profile.cxl_near_ns = -300' "$SEED" >"$TMP/seed-neg.json"
expect_exit "the seed's format with a negative latency: named, not taken as missing" 2 \
    "cxllatency_profile.cxl_near_ns: -300 is not a latency" \
    $B --calibration "$TMP/seed-neg.json" --model xlshare-8m --tflops 67 --assume hbm_gbps=3350,ldram_copy_latency_ns=300
expect_exit "--assume beyond the bandwidth ceiling" 2 "--assume hbm_gbps=1e6: 1e6 is not a bandwidth" \
    $B --calibration "$C" --model xlshare-8m --tflops 67 --assume $GPUV --assume hbm_gbps=1e6

# --- the round trip: results -> calibration -> model
$B --calibration "$C" --model xlshare-8m --tflops 67 --assume $GPUV --batch 1,4 --gpus 1,2 \
    --inferences 20 --output "$TMP/x" --quiet 2>"$TMP/err"
rc=$?
X=$TMP/x/xlshare.csv
rows=$(($(wc -l <"$X") - 1))
[ $rc -eq 0 ] && [ "$rows" -eq 4 ] && [ "$(($(wc -l <"$TMP/x/xlshare_compare.csv") - 1))" -eq 12 ] &&
    ok "4 configurations (batch 1,4 x GPUs 1,2), 3 approaches each in xlshare_compare.csv" ||
    notok "configurations" "exit $rc, $rows rows" "$(cat "$TMP/err")"
[ "$(csv_col "$X" assumed | sort -u)" = "h2d_gbps=64;gpu_copy_latency_ns=300;hbm_gbps=3350;ldram_h2d_gbps=16;ldram_copy_latency_ns=300" ] &&
    [ "$(csv_col "$X" run_id | sort -u)" = "$(jq -r .run.id "$C")" ] &&
    ok "every row names the assumed values and the run its measurements come from" ||
    notok "assumed and run_id columns" "$(csv_col "$X" assumed | sort -u)"
notes=$("$TESTBIN/jsonq" "$TMP/x/meta.json" tests xlshare notes)
if echo "$notes" | grep -q "pool_gbps=$(jq '.nodes["0"].bandwidth.read.peak_gbps' "$C"): node 0's peak sequential read bandwidth" &&
    echo "$notes" | grep -q "loaded-latency curve: node 0's loaded-latency curve, 4 points" &&
    echo "$notes" | grep -q "h2d_gbps=64: assumed"; then
    ok "meta.json: each value with its source (measured pool bandwidth and curve, assumed GPU link)"
else notok "meta.json notes" "$notes"; fi
# the model's closed form through the binary: the cache holds the model, so
# a warm inference = replication = sum of max(compute, bytes / HBM)
w=$(awk -F, 'NR > 1 && $2 == 1 && $3 == 1 { print $13, $23 }' "$X")
set -- $w
[ -n "$1" ] && [ "$1" = "$2" ] && ok "cache >= model: warm latency equals replication ($1 ms)" || notok "warm = replication" "$w"
# one GPU offloading xlshare-8m at 16 GB/s: 32,022,528 B / 16 GB/s = 2.001 ms
# of transfer, plus 22 x 300 ns of latency for the layers not overlapped
ow=$(awk -F, 'NR > 1 && $2 == 1 && $3 == 1 { print $26 }' "$X")
awk -v o="$ow" 'BEGIN { exit !(o >= 2.0014 && o <= 2.0014 + 22 * 0.0003 + 0.001) }' &&
    ok "offload baseline: the model's bytes over the assumed 16 GB/s plus at most a latency per layer ($ow ms)" ||
    notok "offload baseline" "$ow"

# --assume fills only what is missing: a measured value wins
$B --calibration "$C" --model xlshare-8m --tflops 67 --assume $GPUV,pool_gbps=1 --quiet --output "$TMP/y" 2>/dev/null
"$TESTBIN/jsonq" "$TMP/y/meta.json" tests xlshare notes | grep -q -- '--assume pool_gbps=1 not used' &&
    ! csv_col "$TMP/y/xlshare.csv" assumed | grep -q pool_gbps &&
    ok "--assume of a measured value is not used, and the notes say so" || notok "--assume does not override"

# --- the seed's own file, through the same model
$B --calibration "$SEED" --model xlshare-8m --tflops 67 --assume hbm_gbps=3350,ldram_copy_latency_ns=300 \
    --quiet --output "$TMP/s" 2>"$TMP/err"
rc=$?
S=$TMP/s/xlshare.csv
if [ $rc -eq 0 ] && [ "$(csv_col "$S" calibration_format)" = xlshare ] &&
    [ "$(csv_col "$S" assumed)" = "hbm_gbps=3350;ldram_copy_latency_ns=300" ] &&
    "$TESTBIN/jsonq" "$TMP/s/meta.json" tests xlshare notes | grep -q 'h2d_gbps=64: cxllatency_profile.cxl_bandwidth'; then
    ok "the seed's file (300 ns, 64 GB/s) runs through the same model; assumed values marked"
else notok "seed file" "exit $rc" "$(cat "$TMP/err")"; fi
expect_exit "the seed's file lacks HBM bandwidth: named" 2 "hbm_gbps: no value \\(.*local_bandwidth is null" \
    $B --calibration "$SEED" --model xlshare-8m --tflops 67

# --- models: presets and a CSV
for m in dense-16x16384-bf16 llama-3.1-8b llama-3.1-70b llama-3.1-405b; do
    $B --calibration "$C" --model $m --tflops 900 --assume $GPUV --cache 40G --inferences 3 --quiet --output "$TMP/m-$m" 2>/dev/null ||
        notok "preset $m runs"
done
n8=$("$TESTBIN/jsonq" "$TMP/m-llama-3.1-8b/meta.json" tests xlshare notes | grep -o 'model llama-3.1-8b: [0-9]* layers, [0-9]* bytes')
n405=$("$TESTBIN/jsonq" "$TMP/m-llama-3.1-405b/meta.json" tests xlshare notes | grep -o 'model llama-3.1-405b: [0-9]* layers, [0-9]* bytes')
nd=$("$TESTBIN/jsonq" "$TMP/m-dense-16x16384-bf16/meta.json" tests xlshare notes | grep -o '16 layers, [0-9]* bytes')
[ "$n8" = "model llama-3.1-8b: 34 layers, 16060522496 bytes" ] && [ "$nd" = "16 layers, 8589934592 bytes" ] &&
    [ "$n405" = "model llama-3.1-405b: 128 layers, 811706777600 bytes" ] &&
    ok "presets: Llama 3.1 8B 16.06 GB (34 entries), 405B 811.7 GB (128), dense 16 x 537 MB" ||
    notok "preset sizes" "$n8" "$n405" "$nd"
printf 'name,bytes,flops\nembed,1000000,0\nmlp,4000000,\nhead,1000000,2000000\n' >"$TMP/model.csv"
$B --calibration "$C" --model "$TMP/model.csv" --compute-ns 1000 --assume $GPUV --cache 0 --workers 0 \
    --inferences 2 --quiet --output "$TMP/csvm" 2>/dev/null
# cache 0, no prefetch: every layer latency + bytes / 64 GB/s + max(compute, bytes / HBM) (latency
# extra from the curve: the GPU's own transfers only, at most 64 GB/s on the curve)
got=$(csv_col "$TMP/csvm/xlshare.csv" warm_median_ms)
want=$(awk 'BEGIN { s = 0; split("1000000 4000000 1000000", b, " ")
    for (i = 1; i <= 3; i++) { h = b[i] / 3350; s += 300 + b[i] / 64 + (1000 > h ? 1000 : h) }
    printf "%.4f", s / 1e6 }')
awk -v g="$got" -v w="$want" 'BEGIN { exit !(g >= w && g <= w + 0.01) }' &&
    ok "a CSV model, cache 0, no prefetch: each layer latency + bytes/bandwidth + compute ($got ms; closed form $want + curve)" ||
    notok "CSV model closed form" "$got vs $want"
printf 'name,bytes\na,100\na,200\n' >"$TMP/dup.csv"
expect_exit "a CSV model naming a layer twice" 2 "layer 'a' named twice" \
    $B --calibration "$C" --model "$TMP/dup.csv" --tflops 1 --assume $GPUV
# model CSV fields parsed strictly, sizes summed with overflow checks
printf 'name,bytes\na," -5"\n' >"$TMP/neg.csv"
expect_exit "a CSV model with bytes ' -5': not a positive integer (was read as 2^64 - 5)" 2 \
    "line 2: bytes ' -5' is not a positive integer" \
    $B --calibration "$C" --model "$TMP/neg.csv" --tflops 1 --assume $GPUV
printf 'name,bytes\na,18446744073709551615\nb,18446744073709551615\n' >"$TMP/wrap.csv"
expect_exit "a CSV model whose bytes overflow 64 bits: named" 2 \
    "line 3: the model's bytes \\(the sum of its layers'\\) overflow 64 bits" \
    $B --calibration "$C" --model "$TMP/wrap.csv" --tflops 1 --assume $GPUV
for v in 2 yes; do
    printf 'name,bytes,single_use\na,100,%s\n' $v >"$TMP/su.csv"
    expect_exit "single_use '$v': not 0 or 1 (was read as 0)" 2 "line 2: single_use '$v' is not 0 or 1" \
        $B --calibration "$C" --model "$TMP/su.csv" --tflops 1 --assume $GPUV
done
# the memory columns are sums and products of sizes: checked, never wrapped
expect_exit "--cache 16777215T --gpus 2: the total memory overflows, named" 2 \
    "mem_total_bytes \\(model bytes \\+ 2 GPUs x cache 16777215T\\) overflows 64 bits" \
    $B --calibration "$C" --model xlshare-8m --tflops 67 --assume $GPUV --cache 16777215T --gpus 2
printf 'name,bytes\na,9223372036854775808\n' >"$TMP/half.csv"
expect_exit "a layer of 2^63 bytes: offloading's double buffer overflows, named" 2 \
    "offload_mem_per_gpu_bytes \\(2 x the largest layer, 9223372036854775808\\) overflows 64 bits" \
    $B --calibration "$C" --model "$TMP/half.csv" --tflops 1 --assume $GPUV --inferences 1
printf 'name,bytes\na,4611686018427387904\n' >"$TMP/quarter.csv"
expect_exit "a 2^62-byte model on 4 GPUs: replication's total overflows, named" 2 \
    "replication_mem_total_bytes \\(4 GPUs x model bytes 4611686018427387904\\) overflows 64 bits" \
    $B --calibration "$C" --model "$TMP/quarter.csv" --tflops 1 --assume $GPUV --gpus 1,4 --inferences 1
expect_exit "405B x 10^6 inferences x 4096 GPUs: the bytes read overflow, named before the run" 2 \
    "the bytes the GPUs read \\(4096 GPUs x 1000000 inferences x model bytes 811706777600\\) overflow 64 bits" \
    $B --calibration "$C" --model llama-3.1-405b --tflops 67 --assume $GPUV --gpus 1,4096 --inferences 1000000
# two layers of 2^61 B, no cache: every prefetch is dropped and fetched
# again, so the bytes fetched (not the bytes read) overflow during the run
printf 'name,bytes\na,2305843009213693952\nb,2305843009213693952\n' >"$TMP/eighth.csv"
expect_exit "bytes fetched overflowing during the run: named, exit 2" 2 "fetched_bytes overflow 64 bits" \
    $B --calibration "$C" --model "$TMP/eighth.csv" --compute-ns 10 --assume $GPUV --cache 0 --workers 1 \
    --lookahead 1 --inferences 3 --quiet
# 250,000 layers: repeated names are found by sorting, not pair by pair
# (that took minutes). The bound is a hang guard, not a timing: this run
# takes about a second.
awk 'BEGIN { print "name,bytes"; for (i = 0; i < 250000; i++) print "l" i ",1000" }' >"$TMP/big.csv"
timeout -s KILL 60 $B --calibration "$C" --model "$TMP/big.csv" --compute-ns 10 --assume $GPUV \
    --inferences 1 --quiet --output "$TMP/big" 2>"$TMP/err"
rc=$?
[ $rc -eq 0 ] && [ "$(($(wc -l <"$TMP/big/xlshare.csv") - 1))" -eq 1 ] &&
    "$TESTBIN/jsonq" "$TMP/big/meta.json" tests xlshare notes | grep -q "250000 layers, 250000000 bytes" &&
    ok "a CSV model of 250,000 layers loads and runs" || notok "250,000 layers" "exit $rc" "$(head -3 "$TMP/err")"
echo "l3,1" >>"$TMP/big.csv"
expect_exit "250,000 layers and a repeated name: the repeat named" 2 "big.csv: line 250002: layer 'l3' named twice" \
    timeout -s KILL 60 $B --calibration "$C" --model "$TMP/big.csv" --compute-ns 10 --assume $GPUV --inferences 1
printf 'name,size\na,100\n' >"$TMP/bad.csv"
expect_exit "a CSV model without a bytes column" 2 "no column 'bytes'" \
    $B --calibration "$C" --model "$TMP/bad.csv" --tflops 1 --assume $GPUV

# --- the same rows as every GPU simulated on its own: the commands of
# tests/fixtures/xlshare/README.md, recorded before one GPU stood for all
XF=$(cd "$(dirname "$0")/../fixtures/xlshare" && pwd)
same_rows() { # NAME ARGS...: the rows of fixture NAME, byte for byte
    name=$1
    shift
    if $B "$@" --quiet --output "$TMP/same-$name" 2>"$TMP/err" &&
        cut -d, -f1-7,9- "$TMP/same-$name/xlshare.csv" | cmp -s - "$XF/$name-xlshare.csv" &&
        cmp -s "$TMP/same-$name/xlshare_compare.csv" "$XF/$name-xlshare_compare.csv"; then
        ok "fixture $name: xlshare.csv and xlshare_compare.csv as recorded, byte for byte"
    else
        notok "fixture $name: rows differ from the recording" "$(cat "$TMP/err")" \
            "$(cut -d, -f1-7,9- "$TMP/same-$name/xlshare.csv" 2>/dev/null | diff - "$XF/$name-xlshare.csv" | head -6)"
    fi
}
same_rows a --calibration "$C" --model llama-3.1-8b --tflops 989 --assume $GPUV \
    --cache 0,1G,12G,20G --gpus 1,3,8 --batch 1,64 --inferences 30
same_rows b --calibration "$SEED" --model xlshare-8m --tflops 67 \
    --assume hbm_gbps=3350,ldram_copy_latency_ns=300 --cache 0,8M,20M --gpus 1,5,16 --batch 1,8 \
    --workers 3 --lookahead 3 --pin embedding --single-use head --inferences 50
same_rows c --calibration "$C" --model llama-3.1-405b --tflops 989 --assume $GPUV \
    --cache 512M,40G --gpus 8 --inferences 100

# --- Ctrl-C stops a simulation in progress: exit 130, the finished rows
# kept. The first configuration (1 GPU) writes its row at once; the second
# (2048 GPUs, a billion layer runs: one GPU simulated for all, its shared
# sums still added GPU by GPU, about 9 s on the development VM) runs on
# unless the simulation itself heeds the signal. interrupt_after_rows waits for the first row, then
# at most 60 s after SIGINT (a hang guard, not a timing; well under 1 s in fact).
awk 'BEGIN { print "name,bytes"; for (i = 0; i < 500; i++) print "l" i ",1000000" }' >"$TMP/long.csv"
interrupt_after_rows "$TMP/int/xlshare.csv" 2 0 $B --calibration "$C" --model "$TMP/long.csv" \
    --compute-ns 1000 --assume $GPUV --cache 0 --gpus 1,2048 --inferences 1000 --quiet \
    --output "$TMP/int"
crows=$(($(cat "$TMP/int/xlshare_compare.csv" 2>/dev/null | wc -l) - 1))
if [ $rc -eq 130 ] && [ $rows -eq 1 ] && [ $crows -eq 3 ] &&
    grep -q "interrupted: 1 rows kept" "$TMP/err2" && [ "$(csv_col "$TMP/int/xlshare.csv" gpus)" = 1 ]; then
    ok "Ctrl-C during a simulation: exit 130, the finished configuration's rows kept"
else notok "Ctrl-C during a simulation" "exit $rc (want 130), $rows rows, $crows compare rows" "$(cat "$TMP/err2")"; fi

# --- the report: the model's table and figure
if command -v gnuplot >/dev/null 2>&1; then
    R=$(cd "$(dirname "$0")/../../plot" && pwd)/report
    "$R" "$TMP/x" --out "$TMP/rep" >/dev/null 2>&1
    if grep -q '<h2>Cache model (XL-Share)</h2>' "$TMP/rep/index.html" &&
        [ "$(grep -c '<td>xlshare-8m</td>' "$TMP/rep/index.html")" -eq 4 ] && [ -s "$TMP/rep/xlshare-latency.png" ] &&
        grep -q 'offload, cxlscope calibration' "$TMP/rep/xlshare-latency.svg"; then
        ok "plot/report: the model's table (4 rows) and its figure (three approaches)"
    else notok "report of the model" "$(ls "$TMP/rep")"; fi
else skip "report of the model" "gnuplot missing"; fi
