#!/bin/sh
# Integration tests of bin/cxlscope-offload: a calibration of this suite's
# real one-node run (tests/fixtures/results/vm-small: the configurations
# that need a second node are rows absent with the reason), the committed
# SYNTHETIC multi-node fixture (tests/fixtures/report/multi-node: all four
# configurations; the model's sanity on it), measured workloads from an
# invented interleave.csv in a temporary copy, --scale, --model-csv (a row
# equal to bert-340m gives its rows; every bad input named), and bad input
# (one line, exit 2).
. "$(dirname "$0")/lib.sh"
B=$BIN/cxlscope-offload
FIXDIR=$(cd "$(dirname "$0")/../fixtures" && pwd)
GPU="h2d_gbps=20,d2h_gbps=20,copy_latency_ns=2000"

# col FILE NAME [AWK-CONDITION]: column NAME of the rows (fields have no
# quoted commas: the reasons are written without commas).
col() {
    awk -F, -v want="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
                          '"${3:-1}"' { print $h[want] }' "$1"
}

$BIN/cxlscope-calibrate "$FIXDIR/results/vm-small" --output "$TMP/vm.json" --quiet ||
    { notok "calibrate vm-small"; exit 0; }
$BIN/cxlscope-calibrate "$FIXDIR/report/multi-node" --output "$TMP/mn.json" --quiet &&
    ok "cxlscope-calibrate accepts the multi-node fixture" || { notok "calibrate multi-node"; exit 0; }

# --- help
if $B --help | grep -q 'gpt2-8b' && $B --help | grep -q -- '--scale' && $B --help | grep -q 'serialize' &&
    $B --help | grep -q 'Exit status' && $B --help | grep -q 'tokens_per_s'; then
    ok "--help: models, --scale, the interleave rule, columns, exit codes"
else notok "--help"; fi

# --- bad input: one line, exit 2
expect_exit "no calibration" 2 "--calibration FILE is required" $B --model gpt2-4b --tflops 1
expect_exit "no --tflops" 2 "--tflops R is required" $B --calibration "$TMP/mn.json" --model gpt2-4b
expect_exit "unknown model" 2 "unknown model 'gpt-5'" $B --calibration "$TMP/mn.json" --model gpt-5 --tflops 1
expect_exit "unknown configuration" 2 "--configs dram: not a configuration \\(ldram, ldram\\+rdram, ldram\\+cxl, all\\) nor nodes joined by \\+ \\('dram' is not a node ID\\)" \
    $B --calibration "$TMP/mn.json" --model gpt2-4b --tflops 1 --assume $GPU --configs ldram,dram
expect_exit "a node not in the calibration" 2 "node 3 is not a memory node of the calibration" \
    $B --calibration "$TMP/mn.json" --model gpt2-4b --tflops 1 --assume $GPU --configs 0+3
expect_exit "a negative scale" 2 "--scale cxl_gbps: '-2' is not a positive factor" \
    $B --calibration "$TMP/mn.json" --model gpt2-4b --tflops 1 --assume $GPU --scale cxl_gbps=-2
expect_exit "a scale of a node not in the calibration" 2 "node 9 is not a memory node" \
    $B --calibration "$TMP/mn.json" --model gpt2-4b --tflops 1 --assume $GPU --scale node9_gbps=2
expect_exit "a missing assumption, named with the --assume that gives it" 2 \
    "node 0's h2d_gbps is neither measured nor assumed \\(no gpu_copy.csv.*give --assume h2d_gbps@0=VALUE" \
    $B --calibration "$TMP/vm.json" --model gpt2-4b --tflops 1
expect_exit "a missing value on the second node only" 2 "ldram\\+rdram: node 1's h2d_gbps is neither measured" \
    $B --calibration "$TMP/mn.json" --model gpt2-4b --tflops 1 --configs ldram,ldram+rdram
expect_exit "an assumption out of range" 2 "--assume h2d_gbps: '-1' is not a positive" \
    $B --calibration "$TMP/mn.json" --model gpt2-4b --tflops 1 --assume h2d_gbps=-1
expect_exit "an assumption for a node not there" 2 "node 7 is not a memory node" \
    $B --calibration "$TMP/mn.json" --model gpt2-4b --tflops 1 --assume h2d_gbps@7=3
expect_exit "not a cxlscope calibration" 2 "not a cxlscope calibration" \
    $B --calibration "$FIXDIR/report/multi-node/meta.json" --model gpt2-4b --tflops 1
expect_exit "a bad batch" 2 "--batch: 'big' is not max nor a batch size" \
    $B --calibration "$TMP/mn.json" --model gpt2-4b --tflops 1 --batch big
expect_exit "nothing written before an input error" 2 "node 3" \
    $B --calibration "$TMP/mn.json" --model gpt2-4b --tflops 1 --assume $GPU --configs ldram,0+3 --output "$TMP/never"
[ ! -e "$TMP/never/offload.csv" ] && ok "no offload.csv after an input error" || notok "no output after an error"

# --- this machine's one-node run: absent configurations with the reason
D=$TMP/vm
if $B --calibration "$TMP/vm.json" --model gpt2-4b,bert-340m --tflops 100 --assume $GPU \
    --output "$D" --quiet 2>"$TMP/err"; then
    f=$D/offload.csv
    nabs=$(col "$f" status '$h["status"] == "absent"' | wc -l)
    why=$(col "$f" reason '$h["config"] == "ldram+cxl"' | sort -u)
    okrows=$(col "$f" status '$h["config"] == "ldram" && $h["status"] != "absent"' | wc -l)
    ass=$(col "$f" assumed '$h["config"] == "ldram" && $h["mode"] == "inference"' | sort -u)
    [ "$nabs" -eq 20 ] && [ "$why" = "the calibration has no CXL node" ] && [ "$okrows" -eq 10 ] &&
        [ "$ass" = "h2d_gbps@0=20;d2h_gbps@0=20;copy_latency_ns@0=2000" ] &&
        ok "one node: ldram+rdram and ldram+cxl absent with the reason; ldram rows mark what was assumed" ||
        notok "one-node rows" "absent $nabs, why '$why', ldram rows $okrows, assumed '$ass'"
    jq -e '[.. | .notes? // empty | .[] | select(test("capacity_bytes=.*meta.json"))] | length == 1' "$D/meta.json" >/dev/null &&
        ok "meta.json notes every value's source" || notok "meta.json notes" "$(jq -c '.. | .notes? // empty' "$D/meta.json")"
else notok "one-node run" "$(cat "$TMP/err")"; fi

# --- the multi-node fixture: all four configurations
D=$TMP/mn
$B --calibration "$TMP/mn.json" --model gpt2-4b,bert-340m,llama-3.1-8b --tflops 100 --assume $GPU \
    --output "$D" --quiet 2>"$TMP/err" || notok "multi-node run" "$(cat "$TMP/err")"
f=$D/offload.csv
n=$(col "$f" config '$h["status"] == "ok"' | sort -u | tr '\n' ' ')
[ "$n" = "all ldram ldram+cxl ldram+rdram " ] && ok "multi-node: all four configurations modelled" ||
    notok "four configurations" "$n"
# max_batch of model M, configuration C (inference, batch max)
mb() { col "$1" max_batch '$h["model"] == "'"$2"'" && $h["config"] == "'"$3"'" && $h["batch_asked"] == "max"'; }
tps() { col "$1" tokens_per_s '$h["model"] == "'"$2"'" && $h["config"] == "'"$3"'" && $h["batch_asked"] == "max"'; }
bad=""
for m in gpt2-4b bert-340m llama-3.1-8b; do
    l=$(mb "$f" $m ldram) lr=$(mb "$f" $m ldram+rdram) a=$(mb "$f" $m all)
    awk -v l="$l" -v lr="$lr" -v a="$a" 'BEGIN { exit !(l > 0 && l <= lr && lr <= a) }' || bad="$bad $m: $l $lr $a;"
    awk -v x="$(tps "$f" $m ldram)" -v y="$(tps "$f" $m ldram+rdram)" 'BEGIN { exit !(x <= y) }' ||
        bad="$bad $m tokens/s ldram $(tps "$f" $m ldram) > ldram+rdram $(tps "$f" $m ldram+rdram);"
done
[ -z "$bad" ] && ok "LDRAM-only never beats LDRAM+RDRAM on capacity-bound inference (batch and tokens/s); all holds the most" ||
    notok "capacity sanity" "$bad"
# more capacity never lowers the batch: every configuration, ldram and cxl capacity x 2
$B --calibration "$TMP/mn.json" --model gpt2-4b,bert-340m,llama-3.1-8b --tflops 100 --assume $GPU \
    --scale ldram_capacity=2,cxl_capacity=2 --mode inference --output "$TMP/mn2" --quiet 2>/dev/null
bad=""
for m in gpt2-4b bert-340m llama-3.1-8b; do
    for c in ldram ldram+rdram ldram+cxl all; do
        awk -v x="$(mb "$f" $m $c)" -v y="$(mb "$TMP/mn2/offload.csv" $m $c)" 'BEGIN { exit !(y >= x) }' ||
            bad="$bad $m $c;"
    done
done
[ -z "$bad" ] && ok "more capacity (--scale ldram_capacity=2,cxl_capacity=2) never lowers the batch" ||
    notok "capacity monotonic" "$bad"
# --scale changes only what it names, and every row says so
$B --calibration "$TMP/mn.json" --model bert-340m --tflops 100 --assume $GPU --scale cxl_gbps=2 \
    --output "$TMP/sc" --quiet 2>/dev/null
s1=$(col "$TMP/sc/offload.csv" scaled '$h["config"] == "ldram+cxl"' | sort -u)
s0=$(col "$TMP/sc/offload.csv" scaled '$h["config"] == "ldram" || $h["config"] == "ldram+rdram"' | sort -u)
same=$(for x in "$f" "$TMP/sc/offload.csv"; do
    awk -F, 'NR > 1 && $1 == "bert-340m" && ($3 == "ldram" || $3 == "ldram+rdram")' "$x" | md5sum; done | sort -u | wc -l)
w1=$(col "$TMP/sc/offload.csv" nodes '$h["config"] == "ldram+cxl"' | sort -u)
w0=$(col "$f" nodes '$h["config"] == "ldram+cxl"' | sort -u)
[ "$s1" = "cxl_gbps=2" ] && [ "$s0" = "none" ] && [ "$same" -eq 1 ] && [ "$w1" != "$w0" ] &&
    ok "--scale cxl_gbps=2: ldram+cxl rows marked and reweighted ($w0 -> $w1); the others unchanged" ||
    notok "--scale" "scaled '$s1' / '$s0', unchanged rows $same, weights $w0 -> $w1"
# the link serializes: with equal h2d everywhere interleaving cannot speed the h2d
h0=$(col "$f" h2d_s '$h["model"] == "bert-340m" && $h["config"] == "ldram" && $h["mode"] == "training" && $h["batch"] == 1')
hr=$(col "$f" h2d_s '$h["model"] == "bert-340m" && $h["config"] == "ldram+rdram" && $h["mode"] == "training" && $h["batch"] == 1')
awk -v a="$h0" -v b="$hr" 'BEGIN { exit !(b >= a) }' &&
    ok "interleaving over a slower link node never shortens the h2d ($h0 s -> $hr s)" || notok "link serialized" "$h0 $hr"

# --- --model-csv: a row with bert-340m's shape gives bert-340m's rows
HEAD=name,params,bytes_per_param,layers,hidden,kv_dim
printf '%s\n%s\n%s\n' "$HEAD" "my-bert,340e6,2,24,1024,1024" "tiny,1e6,4,2,64,0" >"$TMP/m.csv"
if $B --calibration "$TMP/mn.json" --model-csv "$TMP/m.csv" --model my-bert,gpt2-4b --tflops 100 \
    --assume $GPU --output "$TMP/mc" --quiet 2>"$TMP/err"; then
    a=$(awk -F, 'NR > 1 && $1 == "my-bert" { sub(/^[^,]*,/, ""); print }' "$TMP/mc/offload.csv" | md5sum)
    b=$(awk -F, 'NR > 1 && $1 == "bert-340m" { sub(/^[^,]*,/, ""); print }' "$f" | md5sum)
    pa=$(awk -F, 'NR > 1 && $1 == "my-bert" { sub(/^[^,]*,/, ""); print }' "$TMP/mc/offload_breakdown.csv" | md5sum)
    pb=$(awk -F, 'NR > 1 && $1 == "bert-340m" { sub(/^[^,]*,/, ""); print }' "$TMP/mn/offload_breakdown.csv" | md5sum)
    n=$(col "$TMP/mc/offload.csv" model '$h["model"] == "my-bert"' | wc -l)
    g=$(col "$TMP/mc/offload.csv" model | sort -u | tr '\n' ' ')
    [ "$a" = "$b" ] && [ "$pa" = "$pb" ] && [ "$n" -gt 0 ] && [ "$g" = "gpt2-4b my-bert " ] &&
        ok "--model-csv: my-bert (bert-340m's shape) gives bert-340m's $n rows and breakdown but the model column; next to a preset" ||
        notok "--model-csv rows" "rows $n, models '$g', same rows: $a / $b, breakdown $pa / $pb"
    jq -e --arg p "$TMP/m.csv" '[.. | .notes? // empty | .[] | select(contains("my-bert: 3.4e+08 parameters; --model-csv " + $p + " line 2: 24 layers"))] | length == 1' \
        "$TMP/mc/meta.json" >/dev/null &&
        ok "meta.json: the CSV model's file and line" || notok "meta.json --model-csv note" "$(jq -c '.. | .notes? // empty' "$TMP/mc/meta.json")"
else notok "--model-csv run" "$(cat "$TMP/err")"; fi
$B --help | grep -q -- '--model-csv FILE' && $B --help | grep -q 'name,params,bytes_per_param,layers,hidden,kv_dim' &&
    ok "--help: --model-csv and its columns" || notok "--help --model-csv"
# bad CSVs: one line naming the file, line and column, exit 2
bad_csv() { # NAME PATTERN CSV-LINES...
    name=$1 pat=$2
    shift 2
    printf '%s\n' "$@" >"$TMP/bad.csv"
    expect_exit "--model-csv: $name" 2 "--model-csv: $TMP/bad.csv: $pat" \
        $B --calibration "$TMP/mn.json" --model-csv "$TMP/bad.csv" --model gpt2-4b --tflops 1 --assume $GPU
}
bad_csv "a missing column" "line 1: no column 'kv_dim'" "name,params,bytes_per_param,layers,hidden" "x,1,2,3,4"
bad_csv "an unknown column" "line 1: column 'note' is not one of" "$HEAD,note" "x,1,2,3,4,5,n"
bad_csv "a non-numeric value" "line 2: column hidden: '4k' is not a number" "$HEAD" "x,1,2,3,4k,5"
bad_csv "params 0" "line 2: column params: '0' is out of range \\(a number > 0 and < 1e15\\)" "$HEAD" "x,0,2,3,4,5"
bad_csv "params 1e15" "line 2: column params: '1e15' is out of range" "$HEAD" "x,1e15,2,3,4,5"
bad_csv "bytes_per_param 16" "line 2: column bytes_per_param: '16' is out of range" "$HEAD" "x,1,16,3,4,5"
bad_csv "layers 0" "line 2: column layers: '0' is out of range \\(an integer 1..10000\\)" "$HEAD" "x,1,2,0,4,5"
bad_csv "a fractional hidden" "line 2: column hidden: '4.5' is out of range" "$HEAD" "x,1,2,3,4.5,5"
bad_csv "kv_dim over 1e6" "line 3: column kv_dim: '2e6' is out of range" "$HEAD" "x,1,2,3,4,5" "y,1,2,3,4,2e6"
bad_csv "a preset's name" "line 2: column name: 'bert-340m' is a preset's name" "$HEAD" "bert-340m,340e6,2,24,1024,1024"
bad_csv "a repeated name" "line 3: column name: 'x' is line 2's name too" "$HEAD" "x,1,2,3,4,5" "x,1,2,3,4,5"
bad_csv "an empty name" "line 2: column name: empty" "$HEAD" ",1,2,3,4,5"
bad_csv "a name with a comma" "line 2: column name: 'a,b' has a comma" "$HEAD" '"a,b",1,2,3,4,5'
bad_csv "a header only" "line 2: no rows" "$HEAD"
expect_exit "--model-csv: a missing file" 2 "--model-csv: $TMP/none.csv: No such file" \
    $B --calibration "$TMP/mn.json" --model-csv "$TMP/none.csv" --model gpt2-4b --tflops 1
expect_exit "--model-csv: an unknown model lists the CSV's names" 2 "unknown model 'mine' \\(models: .*; --model-csv: my-bert, tiny\\)" \
    $B --calibration "$TMP/mn.json" --model-csv "$TMP/m.csv" --model mine --tflops 1

# --- measured workloads: an invented interleave.csv in a temporary copy
W=$TMP/wl
cp -r "$FIXDIR/report/multi-node" "$W"
{ cat "$FIXDIR/headers/interleave.csv"
  echo "adam,bandwidth,ldram,bind,0,-,-,0,4,1000000000,0,0,4k,4k,0.5,0.49,0.51,0.5,0.49,0.51,5,0,1.0,0:1000000000,1000000000,1"
  echo "attention,bandwidth,ldram,bind,0,-,-,0,4,1000000000,0,0,4k,4k,0.25,0.24,0.26,0.25,0.24,0.26,5,0,1.0,0:1000000000,1000000000,1"
} >"$W/interleave.csv"
$BIN/cxlscope-calibrate "$W" --output "$TMP/wl.json" --quiet
$B --calibration "$TMP/wl.json" --model bert-340m --tflops 100 --assume $GPU --batch 1 --output "$TMP/wlo" --quiet 2>/dev/null
g=$TMP/wlo/offload.csv
src=$(col "$g" adam_source '$h["mode"] == "training"' | tr '\n' ' ')
asrc=$(col "$g" attention_source '$h["mode"] == "inference"' | tr '\n' ' ')
adam=$(col "$g" adam_s '$h["mode"] == "training" && $h["config"] == "ldram"')
why=$(col "$g" reason '$h["mode"] == "training" && $h["config"] == "ldram"')
# 0.5 s / 1e9 B x 16 B x 340e6 parameters = 2.72 s
[ "$src" = "measured bandwidth bandwidth bandwidth " ] && [ "$asrc" = "measured bandwidth bandwidth bandwidth " ] &&
    [ "$adam" = "4.760000" ] && [ "$why" = "adam: interleave.csv line 2 (policy bind; nodes 0)" ] &&
    ok "adam and attention from the measured workload where placed (ldram), bandwidth elsewhere, said per row" ||
    notok "measured workloads" "adam_source '$src' attention_source '$asrc' adam $adam why '$why'"

# --- speed: 4 configurations x 3 models x 3 batch settings in under a second
t0=$(date +%s%N)
$B --calibration "$TMP/mn.json" --model gpt2-4b,bert-340m,llama-3.1-70b --tflops 100 --assume $GPU \
    --batch 1,8,max --quiet --output "$TMP/speed" 2>/dev/null
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -lt 1000 ] && ok "a sweep of 4 configurations x 3 models x 3 batches: $ms ms" || notok "speed" "$ms ms"

# --- offload_breakdown.csv: the parts of every row that fits add up to it
g=$TMP/mn/offload_breakdown.csv
bad=$(awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) h[FILENAME, $i] = i; next }
    FILENAME ~ /breakdown/ { k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4; s[k] += $h[FILENAME, "seconds"]; next }
    $h[FILENAME, "status"] == "ok" { k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $h[FILENAME, "batch_asked"]
        want[k] = ($2 == "training" ? $h[FILENAME, "step_s"] : $h[FILENAME, "total_s"]) }
    END { for (k in want) if (!(k in s) || s[k] - want[k] > 2e-6 || want[k] - s[k] > 2e-6) { n++; split(k, p, SUBSEP); printf "%s/%s/%s/%s ", p[1], p[2], p[3], p[4] }
          for (k in s) if (!(k in want)) { n++; printf "extra %s ", k }
          if (!n) printf "" }' "$TMP/mn/offload.csv" "$g")
[ -z "$bad" ] && [ "$(($(wc -l <"$g") - 1))" -gt 0 ] &&
    ok "offload_breakdown.csv: the parts of each row that fits sum to its step or total time" || notok "breakdown sums" "$bad"

# --- run-all's headline of the step
top=$(cd "$(dirname "$0")/../.." && pwd)
h=$(awk -f "$top/scripts/headline/offload.awk" "$TMP/vm/offload.csv")
case $h in
"gpt2-4b: ldram: "*" tok/s at batch "*"ldram+rdram: absent; ldram+cxl: absent; all: "*) ok "headline: $h" ;;
*) notok "headline" "$h" ;;
esac
