#!/bin/sh
# Integration tests of bin/cxlscope-calibrate: a committed real results
# directory (tests/fixtures/results/vm-small) turned into calibration.json,
# every value traced back to the CSV row its source names, the GPU values
# absent with run-all's skip reason, the XL-Share emulator's format, and
# rejected input: empty, garbled, truncated, another tool's file, figures
# that are not numbers, nodes or classes of another machine, two machines
# mixed.
. "$(dirname "$0")/lib.sh"
B=$BIN/cxlscope-calibrate
FIX=$(cd "$(dirname "$0")/../fixtures/results/vm-small" && pwd)
command -v jq >/dev/null 2>&1 || { skip "cxlscope-calibrate" "jq missing"; exit 0; }

# --- help, version, usage errors
if $B --help | grep -q -- '--pool-node' && $B --help | grep -q 'Exit status' &&
    $B --help | grep -q 'xlshare'; then ok "--help explains options, formats and exit codes"
else notok "--help"; fi
$B --version | grep -qE '^cxlscope-calibrate [0-9]' && ok "--version" || notok "--version"
expect_exit "no directory" 2 "no results directory" $B
expect_exit "not a results directory" 2 "meta.json: missing" $B "$TMP"
expect_exit "unknown format" 2 "unknown format 'yaml'" $B "$FIX" --format yaml
expect_exit "a pool node that is not a memory node" 2 "--pool-node 9" $B "$FIX" --pool-node 9
expect_exit "a GPU with no rows" 2 "--gpu 0: the results have no gpu_copy.csv" $B "$FIX" --gpu 0
expect_exit "two directories" 2 "unexpected argument" $B "$FIX" "$FIX"

# --- the committed run
$B "$FIX" --output "$TMP/cal.json" 2>"$TMP/err"
rc=$?
C=$TMP/cal.json
if [ $rc -eq 0 ] && jq -e '.schema == "cxlscope-calibration/1"' "$C" >/dev/null &&
    grep -q 'pool node 0 (LDRAM), CPU node 0, 10 values absent' "$TMP/err"; then
    ok "calibration.json written ($(cat "$TMP/err" | sed 's/.*: pool/pool/'))"
else notok "calibration written" "exit $rc" "$(cat "$TMP/err")"; fi
run=$(jq -r '.run.id' "$C")
[ "$run" = "$(jq -r .host "$FIX/meta.json")-$(jq -r .started "$FIX/run.json")" ] &&
    ok "run id from the run: $run" || notok "run id" "$run"

# Every value's source names a file, a line and key columns: the line must
# hold those key values, and the value must be that row's figure.
jq -r '.. | objects | select(has("source") and (.source | has("line"))) |
       [.source.file, (.source.line | tostring), (.source.keys | to_entries | map(.key + "=" + .value) | join(" ")),
        ((.value // .peak_gbps // .median) | tostring)] | @tsv' "$C" >"$TMP/src"
n=0 bad=""
while IFS=$(printf '\t') read -r f line keys val; do
    n=$((n + 1))
    row=$(sed -n "${line}p" "$FIX/$f")
    for kv in $keys; do
        k=${kv%%=*} v=${kv#*=}
        got=$(printf '%s\n%s\n' "$(head -1 "$FIX/$f")" "$row" | csv_col /dev/stdin "$k")
        [ "$got" = "$v" ] || bad="$bad $f:$line $k=$got (want $v);"
    done
    # the figure is one of the row's fields, as written
    printf '%s' "$row" | tr ',' '\n' | awk -v v="$val" '$1 + 0 == v + 0 { f = 1 } END { exit !f }' ||
        bad="$bad $f:$line value $val not in the row;"
done <"$TMP/src"
[ "$n" -ge 3 ] && [ -z "$bad" ] && ok "all $n sourced values trace back to their CSV row (keys and figure)" ||
    notok "sources trace back" "$n values;$bad"

# The offload model's additions: capacity from meta.json; the adam and
# attention workloads absent here (no interleave.csv), and read, per
# placement, from an invented interleave.csv in a temporary copy.
cap=$(jq -r '.nodes["0"].capacity_bytes | "\(.value) \(.source.file) \(.source.key)"' "$C")
want=$(jq -r '.nodes[0].mem_total_bytes' "$FIX/meta.json")
wabs=$(jq -r '[.absent[] | select(.key | startswith("workloads.")) | .key + ": " + .reason] | join("; ")' "$C")
[ "$cap" = "$want meta.json nodes[0].mem_total_bytes" ] &&
    [ "$wabs" = "workloads.adam: no interleave.csv in the results; workloads.attention: no interleave.csv in the results" ] &&
    ok "capacity from meta.json; workloads absent without interleave.csv" || notok "capacity, workloads" "$cap / $want; $wabs"
W=$TMP/wl
cp -r "$FIX" "$W"
{ cat "$FIX/../../headers/interleave.csv"
  echo "adam,bandwidth,ldram,bind,0,-,-,0,4,1000000,0,0,4k,4k,0.002,0.0019,0.0021,0.002,0.0019,0.0021,5,0,1.0,0:1000000,1000000,1"
  echo "mg,bandwidth,ldram,bind,0,-,-,0,4,1000000,0,0,4k,4k,0.5,0.4,0.6,0.5,0.4,0.6,5,0,1.0,0:1000000,1000000,1"
} >"$W/interleave.csv"
$B "$W" --output "$TMP/wl.json" 2>/dev/null
got=$(jq -r '.workloads.adam[0] | "\(.policy) \(.nodes) \(.value) \(.s_per_byte) \(.source.line)"' "$TMP/wl.json" 2>/dev/null)
[ "$got" = "bind 0 0.002 2e-09 2" ] && [ "$(jq '.workloads | has("attention") or has("mg")' "$TMP/wl.json")" = false ] &&
    jq -e '.absent[] | select(.key == "workloads.attention") | .reason | test("no attention rows")' "$TMP/wl.json" >/dev/null &&
    ok "adam seconds per byte per placement from interleave.csv (other workloads left out)" || notok "workloads" "$got"
printf 'workload,policy\nadam,bind\n' >"$W/interleave.csv"
expect_exit "an interleave.csv without its columns" 1 "not a cxlscope interleave.csv" $B "$W" --output "$TMP/wl2.json"

# The idle latency is the random chase at the largest size; the curve is
# loaded.csv's own-traffic rows, ascending bandwidth.
want=$(awk -F, 'NR > 1 && $5 == "bind" && $6 == "random" && $8 > max { max = $8; v = $14 } END { print v }' "$FIX/latency.csv")
got=$(jq -r '.nodes["0"].idle_latency_ns.value' "$C")
[ "$got" = "$want" ] && ok "idle latency = latency.csv's largest random row ($got ns)" || notok "idle latency" "$got vs $want"
np=$(jq '.nodes["0"].loaded_latency.points | length' "$C")
asc=$(jq '[.nodes["0"].loaded_latency.points[].total_gbps] | . == sort' "$C")
[ "$np" -eq $(($(wc -l <"$FIX/loaded.csv") - 1)) ] && [ "$asc" = true ] &&
    ok "loaded-latency curve: all $np points, ascending bandwidth" || notok "loaded curve" "$np points, sorted $asc"
sat=$(jq -r '.nodes["0"].bandwidth.read | "\(.peak_gbps) \(.saturation_threads)"' "$C")
want=$(awk -F, 'NR > 1 && $4 == "read" && $5 == "seq" { print $7, $8 }' "$FIX/saturation.csv")
[ "$sat" = "$want" ] && ok "read peak and saturation threads from saturation.csv ($sat)" || notok "bandwidth" "$sat vs $want"
# Nothing invented: the GPU values are absent, with run-all's reason.
nabs=$(jq '[.absent[] | select(.key | test("gpu")) | select(.reason | test("gpucopy skipped: no usable GPU"))] | length' "$C")
[ "$nabs" -eq 7 ] && [ "$(jq '.nodes["0"] | has("gpu")' "$C")" = false ] && [ "$(jq '.gpu_device' "$C")" = null ] &&
    ok "GPU values absent, each with the skipped step's reason ($nabs)" || notok "GPU values absent" "$(jq -c .absent "$C")"

# The latency tail: the committed run measured no distribution (it predates
# --distribution, and its latency.csv has no dist_ columns): absent, saying
# how to measure it. A run with --distribution gives its largest random
# row's p99, sourced.
jq -e '.absent[] | select(.key == "nodes.0.latency_p99_ns") | .reason | test("--distribution N")' "$C" >/dev/null &&
    [ "$(jq '.nodes["0"] | has("latency_p99_ns")' "$C")" = false ] &&
    ok "no distribution in the run: latency_p99_ns absent, saying how to measure it" ||
    notok "latency_p99_ns absent without a distribution" "$(jq -c .absent "$C")"
node0=$(ls -d /sys/devices/system/node/node[0-9]* | head -1 | sed 's/.*node//')
D=$TMP/tail
if $BIN/cxlscope-latency --mem-node $node0 --sweep 64K:1M:16 --distribution 16 --loads 50000 --repeat 3 \
    --min-samples 3 --no-counters --quiet --output $D 2>/dev/null && $B $D --output $D/c.json 2>/dev/null; then
    want=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["size_bytes"] == 1048576 { print $c["dist_p99_ns"] " " $c["dist_p999_ns"] " " NR }' $D/latency.csv)
    got=$(jq -r ".nodes[\"$node0\"].latency_p99_ns | \"\(.value) \(.p999_ns) \(.source.line)\"" $D/c.json)
    awk -v a="$got" -v b="$want" 'BEGIN { split(a, x, " "); split(b, y, " ")
        exit !(x[1] + 0 == y[1] + 0 && x[2] + 0 == y[2] + 0 && x[3] == y[3]) }' &&
        ok "latency_p99_ns: the largest random row's dist_p99_ns and dist_p999_ns, sourced ($got)" ||
        notok "latency_p99_ns from the row" "got $got" "want $want"
else notok "a latency run with --distribution calibrates" "$(ls $D)"; fi

# --- the XL-Share emulator's format
$B "$FIX" --format xlshare --output - >"$TMP/xl.json" 2>/dev/null
X=$TMP/xl.json
keys=$(jq -r '(.calibration | keys_unsorted | join(",")) + ";" + (.cxllatency_profile | keys_unsorted | join(","))' "$X")
[ "$keys" = "has_cuda,device_name,local_hbm_bandwidth_gbps,local_hbm_latency_ns,host_to_device_gbps,device_to_host_gbps,pcie_like_latency_ns,notes;local_dram_ns,cxl_near_ns,cxl_far_ns,cxl_network_ns,local_bandwidth,cxl_bandwidth,coherence_overhead_ns" ] &&
    ok "xlshare format: both objects with the emulator's key names" || notok "xlshare keys" "$keys"
nulls=$(jq -r '[.calibration, .cxllatency_profile | to_entries[] | select(.value == null) | .key] | join(" ")' "$X")
missing=""
for k in $nulls; do jq -e --arg k "$k" '.calibration.notes | any(startswith($k + ": null"))' "$X" >/dev/null || missing="$missing $k"; done
[ -n "$nulls" ] && [ -z "$missing" ] && ok "every null key is said in notes to have no measurement ($(echo $nulls | wc -w) keys)" ||
    notok "null keys explained" "nulls: $nulls; unexplained: $missing"
[ "$(jq '.cxllatency_profile.local_dram_ns' "$X")" = "$(jq '.nodes["0"].idle_latency_ns.value' "$C")" ] &&
    jq -e '.calibration.has_cuda == false and (.calibration.notes[0] | test("GB = 1e9"))' "$X" >/dev/null &&
    ok "xlshare format: measured values as measured (ns, GB = 1e9), has_cuda false" || notok "xlshare values"

# --- rejected input: one line naming the file and the problem, exit 1
# (exit 2 for a value no measurement can have)
bad() { # NAME PATTERN SETUP [EXIT] (run in a copy of the fixture)
    rm -rf "$TMP/bad" && cp -r "$FIX" "$TMP/bad"
    (cd "$TMP/bad" && eval "$3")
    expect_exit "$1" "${4:-1}" "$2" $B "$TMP/bad" --output "$TMP/bad/c.json"
    [ ! -e "$TMP/bad/c.json" ] || notok "$1: no calibration written" "$(head -c 300 "$TMP/bad/c.json")"
}
# set_cell FILE LINE FIELD VALUE: the setup that puts VALUE in one cell
set_cell() { echo "awk -F, -v OFS=, 'NR == $2 { \$$3 = \"$4\" } { print }' $1 >x && mv x $1"; }
bad "an empty CSV" "latency.csv: empty file" ": >latency.csv"
bad "a truncated row" "loaded.csv: line 3 has [0-9]+ fields, the header [0-9]+" \
    "awk -F, -v OFS=, 'NR == 3 { NF = NF - 2 } { print }' loaded.csv >x && mv x loaded.csv"
bad "another tool's file" "latency.csv: no column 'cpu_node' \\(not a cxlscope latency.csv\\?\\)" \
    "printf 'Inject Delay,Latency,Bandwidth\n00000,180.2,35000\n' >latency.csv"
# gpu_copy*.csv must have every column cxlscope-gpucopy writes (common/columns.c:
# one list for the writer and this reader)
bad "a gpu_copy.csv without one of the writer's columns" \
    "gpu_copy.csv: no column 'median_us' \\(not a cxlscope gpu_copy.csv\\?\\)" \
    "printf 'gpu,gpu_name,gpu_pci,gpu_node,cpu_node,cpu,host_mem,mem_node,mem_class,placement,page_size,direction,size_bytes,copies,samples,kept,median_gbps,ci_lo_gbps,ci_hi_gbps,mean_gbps,min_gbps,max_gbps\n' >gpu_copy.csv"
bad "garbled CSV (an open quote)" "bandwidth.csv: not valid CSV" "printf '\"unterminated,x\n' >>bandwidth.csv"
bad "a figure that is not a number" "latency.csv: line 2: column median_ns: 'fast' is not a number" \
    "awk -F, -v OFS=, 'NR == 2 { \$14 = \"fast\" } { print }' latency.csv >x && mv x latency.csv"
# values no measurement can have: latency > 0 and < 1 s, bandwidth > 0 and
# below the ceiling, counts and node ids integers >= 0
for v in -5 0 1e308 1e9; do
    bad "median_ns $v: not a latency" \
        "latency.csv line 2, column median_ns: $v is not a latency \\(must be > 0 and < 1e9 ns\\)" \
        "$(set_cell latency.csv 2 14 $v)" 2
done
bad "latency_ns 2e9 in loaded.csv: not a latency" "loaded.csv line 3, column latency_ns: 2e9 is not a latency" \
    "$(set_cell loaded.csv 3 25 2e9)" 2
for v in 0 -38.7 100000 1e308; do
    bad "median_gbps $v: not a bandwidth" \
        "bandwidth.csv line 2, column median_gbps: $v is not a bandwidth \\(must be > 0 and < 100000 GB/s\\)" \
        "$(set_cell bandwidth.csv 2 17 $v)" 2
done
bad "peak_gbps 1e6 in saturation.csv: not a bandwidth" "saturation.csv line 3, column peak_gbps: 1e6 is not a bandwidth" \
    "$(set_cell saturation.csv 3 7 1e6)" 2
for v in 1.5 -1 1e300; do
    bad "threads $v: not a count" \
        "bandwidth.csv line 3, column threads: $v is not a count \\(must be an integer >= 0" \
        "$(set_cell bandwidth.csv 3 9 $v)" 2
done
bad "size_bytes -4096: not a count" "latency.csv line 2, column size_bytes: -4096 is not a count" \
    "$(set_cell latency.csv 2 8 -4096)" 2
bad "cpu_node 0.5: not a node" "latency.csv line 2, column cpu_node: 0.5 is not a node \\(must be an integer 0..65535\\)" \
    "$(set_cell latency.csv 2 1 0.5)" 2
bad "a node the machine does not have" "memory node 7, which meta.json's machine does not have" \
    "awk -F, -v OFS=, 'NR == 2 { \$3 = 7 } { print }' latency.csv >x && mv x latency.csv"
bad "a class that does not match meta.json" "node 0 is LDRAM from CPU node 0 in meta.json, the row says CXL" \
    "awk -F, -v OFS=, 'NR == 3 { \$4 = \"CXL\" } { print }' loaded.csv >x && mv x loaded.csv"
bad "two machines mixed" "steps/latency/meta.json: host 'other-host'.*two machines mixed" \
    "jq '.host = \"other-host\"' steps/latency/meta.json >x && mv x steps/latency/meta.json"
bad "meta.json not JSON" "meta.json: not valid JSON" "echo '{' >meta.json"
# A header of 400,000 columns: the repeat is found (by sorting, not pair by
# pair). The bound is a hang guard, not a timing: this takes well under a
# second; checking the pairs one by one took minutes (80 billion compares).
rm -rf "$TMP/bad" && cp -r "$FIX" "$TMP/bad"
awk 'BEGIN { printf "cpu_node"; for (i = 0; i < 400000; i++) printf ",x%d", i; print ",x399999" }' >"$TMP/bad/latency.csv"
expect_exit "a 400,000-column header with a repeated column: named" 1 \
    "latency.csv: column 'x399999' appears twice in the header" timeout -s KILL 60 $B "$TMP/bad"
rm -rf "$TMP/bad" && mkdir "$TMP/bad" && cp "$FIX/meta.json" "$TMP/bad/"
expect_exit "a results directory without any CSV" 2 "none of the result CSVs" $B "$TMP/bad"
