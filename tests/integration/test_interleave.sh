#!/bin/sh
# Integration tests of bin/cxlscope-interleave on this machine: the
# workloads' own self-test, help, bad input (one line, documented exit
# codes), every policy and workload running with exact placement reports,
# the OLI plan written and fed back with --plan, --ldram-limit, the kernel's
# weights set and given back, and Ctrl-C. On one node every placement lands
# on that node and meta.json says so.
. "$(dirname "$0")/lib.sh"
B=$BIN/cxlscope-interleave
J=$TESTBIN/jsonq
nmem=$(for n in /sys/devices/system/node/node[0-9]*; do
    awk '/MemTotal/ { if ($4 > 0) print }' $n/meminfo; done | wc -l)
node0=$(ls -d /sys/devices/system/node/node[0-9]* | head -1 | sed 's/.*node//')
QUICK="--size 16M --repeat 5 --min-samples 3 --time-budget 0.2"

# --- the workloads: checksums equal the references at 1, 2, 3 and 7 threads
# (the fp32 ones bit for bit), counts
if out=$($TESTBIN/wl_selftest 2>&1); then
    ok "workloads: $(echo "$out" | grep -c '^ok') self-test checks (layout, reference, threads, counts)"
else notok "workloads self-test" "$(echo "$out" | grep 'not ok')"; fi

# --- help, version
if $B --help | grep -q 'preferred-many' && $B --help | grep -q 'Exit status' &&
    $B --help | grep -q -- '--ldram-limit' && $B --help | grep -q 'oli_plan.csv'; then
    ok "--help explains placements, options, columns and exit codes"
else notok "--help explains placements, options, columns and exit codes"; fi
help=$($B --help | tr -s " \n" "  ")
missing=$(for w in mg cg xs adam attention; do echo "$help" | grep -q "$w (" || printf '%s ' $w; done)
if [ -z "$missing" ] && echo "$help" | grep -q '16 B a parameter' && echo "$help" | grep -q "fp32 decode"; then
    ok "--help describes every workload (adam's bytes a parameter, attention's fp32)"
else notok "--help describes every workload" "missing: $missing"; fi
if $B --version | grep -qE '^cxlscope-interleave [0-9]+\.[0-9]+'; then ok "--version"; else notok "--version"; fi

# --- bad input
expect_exit "unknown policy" 2 "unknown policy 'spread'" $B --policy spread
expect_exit "unknown workload" 2 "unknown workload 'ft' \(workloads: mg, cg, xs, adam, attention\)$" $B --workload ft
expect_exit "weights that do not match the nodes" 2 "2 weights but --mem-node names 1 node" \
    $B --policy weighted --mem-node $node0 --weights 3,1
expect_exit "a weight of 0" 2 "--weights: 0 is out of range" $B --policy weighted --weights 0
expect_exit "a weight over 255" 2 "--weights: 256 is out of range" $B --policy weighted --weights 256
expect_exit "a size too small for the workloads" 2 "at least 1M" $B --size 16K
expect_exit "more threads than CPUs" 2 "usable CPUs" $B --threads $(($(nproc) + 1)) $QUICK
expect_exit "--mem-node without --policy" 2 "goes with --policy" $B --mem-node $node0
expect_exit "--plan with several workloads" 2 "one --workload" $B --plan /dev/null
expect_exit "OLI threshold not a percentage" 2 "not a percentage" $B --oli-hot 150
expect_exit "a node without memory or absent" 2 "--mem-node" $B --policy bind --mem-node 99
cat >$TMP/bad-plan.json <<'JSON'
{"workload": "cg", "objects": [
 {"name": "colidx", "policy": "bind", "nodes": [0]}, {"name": "vals", "policy": "bind", "nodes": [0]},
 {"name": "x", "policy": "bind", "nodes": [0]}, {"name": "rowptr", "policy": "bind", "nodes": [0]},
 {"name": "y", "policy": "bind", "nodes": [0]}, {"name": "z", "policy": "bind", "nodes": [0]}]}
JSON
expect_exit "a plan naming a missing object" 2 "names object 'z', which cg does not have" \
    $B --workload cg --plan $TMP/bad-plan.json $QUICK
sed 's/"bind", "nodes": \[0\]}]}/"weighted", "nodes": [0], "weights": [0]}]}/' $TMP/bad-plan.json >$TMP/bad2.json
expect_exit "a plan with a weight of 0" 2 "1..255" $B --workload cg --plan $TMP/bad2.json $QUICK

# --- the experiment set: every workload x placement, checksums, placement
OUT=$TMP/exp
if $B $QUICK --output $OUT --quiet 2>$TMP/err; then
    ok "experiment set: every workload under every placement ran and validated"
else notok "experiment set ran" "$(cat $TMP/err)"; fi
f=$OUT/interleave.csv
want=$(for w in mg cg xs adam attention; do
    for p in ldram-preferred cxl-preferred interleave-all interleave-ldram-cxl weighted-ldram-cxl oli; do
        printf '%s:%s ' $w $p; done; done)
got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { printf "%s:%s ", $c["workload"], $c["config"] }' $f)
if [ "$got" = "$want" ]; then ok "30 rows: 5 workloads x 6 placements, baseline first"
else notok "30 rows: 5 workloads x 6 placements" "$got"; fi
bad=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { b[$c["workload"]] = $c["bound"] }
    END { if (b["mg"] != "bandwidth" || b["cg"] != "latency" || b["xs"] != "mixed" ||
              b["adam"] != "latency" || b["attention"] != "bandwidth") for (w in b) print w ": " b[w] }' $f)
if [ -z "$bad" ]; then ok "bound: mg, attention bandwidth; cg, adam latency; xs mixed"
else notok "bound per workload" "$bad"; fi
bad=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    !($c["median_s"] > 0 && $c["speedup"] > 0 && $c["samples_kept"] >= 3) { print "row " NR - 1 ": no timing" }
    $c["config"] == "ldram-preferred" && $c["speedup"] != "1.000" { print "row " NR - 1 ": baseline speedup " $c["speedup"] }' $f)
if [ -z "$bad" ]; then ok "run times, CIs and speedups (the baseline at 1.000)"
else notok "run times and speedups" "$bad"; fi
# pages per object and node add up to the object, and to the run's bytes
bad=$(awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) c[FILENAME, $i] = i; next }
    FILENAME ~ /objects/ { k = $c[FILENAME, "workload"] "/" $c[FILENAME, "config"]
        obj[k "/" $c[FILENAME, "object"]] += $c[FILENAME, "bytes"]; size[k "/" $c[FILENAME, "object"]] = $c[FILENAME, "object_bytes"]
        tot[k] += $c[FILENAME, "bytes"]; if ($c[FILENAME, "pages_4k"] * 4096 != $c[FILENAME, "bytes"]) print "bytes != pages x 4096" }
    FILENAME !~ /objects/ { k = $c[FILENAME, "workload"] "/" $c[FILENAME, "config"]; split($c[FILENAME, "bytes_by_node"], p, /[ :]/)
        s = 0; for (i = 2; i in p; i += 2) s += p[i]; run[k] = s }
    END { for (o in obj) if (obj[o] < size[o] || obj[o] - size[o] >= 4096) print o ": " obj[o] " placed for " size[o]
          for (k in run) if (run[k] != tot[k]) print k ": run " run[k] " vs objects " tot[k] }' $OUT/interleave_objects.csv $f)
if [ -z "$bad" ]; then ok "every object's pages counted per node: they add up to the object and the run"
else notok "pages per object add up" "$bad"; fi
if [ "$nmem" -eq 1 ]; then
    bad=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["node"] != n && $c["pages_4k"] != 0 { print }' \
        n=$node0 $OUT/interleave_objects.csv)
    if [ -z "$bad" ] && $J $OUT/meta.json tests interleave notes | grep -q 'every placement degrades to node'; then
        ok "one memory node: every page on node $node0, and meta.json says the placements degrade"
    else notok "one node: every page on node $node0, noted" "$bad"; fi
else skip "one memory node: every placement degrades" "$nmem memory nodes (the guest tests check placement)"; fi
# the OLI plan: printed, in oli_plan.csv and as JSON; the decisions expected
dec=$(awk -F, 'NR > 1 && $7 == "interleave" { printf "%s/%s ", $1, $2 }' $OUT/oli_plan.csv)
OLI_IL="mg/in mg/out cg/colidx cg/vals cg/x xs/table adam/params adam/grads adam/m adam/v"
OLI_IL="$OLI_IL adam/params_out adam/m_out adam/v_out attention/K attention/V"
if [ "$dec" = "$OLI_IL " ] && grep -q 'OLI plan for cg' $TMP/err &&
    [ -s $OUT/oli-plan-cg.json ]; then
    ok "OLI plan: $dec interleaved, printed and written (oli_plan.csv, oli-plan-*.json)"
else notok "OLI plan" "$dec" "$(grep OLI $TMP/err | head -3)"; fi
# OLI objects: interleaved ones with the interleave placement, the rest preferred
bad=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["config"] == "oli" {
        il = index(" " want " ", " " $c["workload"] "/" $c["object"] " ") > 0
        if (il != ($c["placement"] ~ /^interleave/)) print $c["workload"] "/" $c["object"] ": " $c["placement"] }' \
    want="$OLI_IL" $OUT/interleave_objects.csv)
if [ -z "$bad" ]; then ok "OLI run: hot large objects interleaved, the rest LDRAM-preferred"
else notok "OLI run placements" "$bad"; fi

# --- the plan fed back, and each single policy
if $B --workload cg --plan $OUT/oli-plan-cg.json $QUICK --output $TMP/plan --quiet 2>$TMP/err &&
    [ "$(csv_col $TMP/plan/interleave.csv config | tr '\n' ' ')" = "ldram-preferred plan " ]; then
    ok "--plan: OLI's JSON plan fed back runs the workload under it"
else notok "--plan runs" "$(cat $TMP/err)"; fi
# a plan made for another workload is refused, even where the object names
# would fit (the file says which workload it is for)
sed 's/"workload": "cg"/"workload": "mg"/' $OUT/oli-plan-cg.json >$TMP/other-plan.json
expect_exit "a plan made for another workload is refused" 2 \
    "the plan is for workload 'mg', not 'cg'" $B --workload cg --plan $TMP/other-plan.json $QUICK
if $B --workload xs --policy bind,preferred,preferred-many,interleave,weighted,oli --mem-node $node0 \
    $QUICK --output $TMP/pol --quiet 2>$TMP/err &&
    [ "$(csv_col $TMP/pol/interleave.csv policy | tr '\n' ' ')" = "preferred bind preferred preferred-many interleave weighted oli " ]; then
    ok "--policy: bind, preferred, preferred-many, interleave, weighted, oli each run"
else notok "--policy list" "$(cat $TMP/err)" "$(csv_col $TMP/pol/interleave.csv policy | tr '\n' ' ')"; fi

# --- --ldram-limit: what lands on LDRAM is capped (spill needs a second node)
if [ "$nmem" -gt 1 ]; then
    if $B --workload mg --ldram-limit 4M $QUICK --output $TMP/lim --quiet 2>$TMP/err; then
        over=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["ldram_bytes"] > 4194304 { print $c["config"] ": " $c["ldram_bytes"] }' $TMP/lim/interleave.csv)
        if [ -z "$over" ]; then ok "--ldram-limit 4M: no placement puts more than 4M on LDRAM"
        else notok "--ldram-limit caps LDRAM" "$over"; fi
    else notok "--ldram-limit runs" "$(cat $TMP/err)"; fi
else
    expect_exit "--ldram-limit with nowhere to spill" 1 "no other node to spill to" \
        $B --workload mg --ldram-limit 4M $QUICK
fi

# --- weights through the kernel, given back
W=/sys/kernel/mm/mempolicy/weighted_interleave
if [ "$(id -u)" != 0 ]; then skip "--set-weights" "not root"
elif [ ! -d $W ]; then
    expect_exit "--set-weights on a kernel without weighted interleave" 77 "needs Linux >= 6.9" \
        $B --workload cg --policy weighted --mem-node $node0 --weights 7 --set-weights $QUICK
else
    before=$(cat $W/node$node0)
    if $B --workload cg --policy weighted --mem-node $node0 --weights 7 --set-weights $QUICK \
        --output $TMP/wk --quiet 2>$TMP/err &&
        [ "$(csv_col $TMP/wk/interleave.csv weights_via | tail -1)" = kernel ] &&
        [ "$(cat $W/node$node0)" = "$before" ]; then
        ok "--set-weights: MPOL_WEIGHTED_INTERLEAVE with weight 7, node$node0 back to $before after"
    else notok "--set-weights" "$(cat $TMP/err)" "now $(cat $W/node$node0), was $before"; fi
    # interrupted while the weights are set: still given back
    $B --workload mg,cg,xs --policy weighted,weighted,weighted --mem-node $node0 --weights 9 --set-weights \
        --size 64M --time-budget 5 --repeat 51 --output $TMP/wint --quiet 2>$TMP/err &
    pid=$!
    i=0
    while [ $i -lt 100 ] && [ "$(cat $W/node$node0)" != 9 ]; do sleep 0.1; i=$((i + 1)); done
    set_seen=$(cat $W/node$node0)
    kill -INT $pid
    wait $pid
    rc=$?
    if [ "$set_seen" = 9 ] && [ $rc -eq 130 ] && [ "$(cat $W/node$node0)" = "$before" ]; then
        ok "--set-weights then Ctrl-C: exit 130, node$node0 back to $before"
    else notok "--set-weights then Ctrl-C" "seen $set_seen rc=$rc now $(cat $W/node$node0)" "$(cat $TMP/err)"; fi
fi

# --- per-placement prechecks (fake tree: CPU 1 on node 1, which has 2 MiB
# free): what node 1 cannot hold is skipped and named, the rest measured
FT=$TMP/two-sockets
if fake_two_sockets $FT; then
    printf 'Node 1 MemTotal: 4194304 kB\nNode 1 MemFree: 2048 kB\n' >$FT/devices/system/node/node1/meminfo
    CXLSCOPE_SYSFS_ROOT=$FT $B --cpu-node 0 --workload xs $QUICK --output $TMP/il-short --quiet 2>$TMP/err
    rc=$?
    got=$(csv_col $TMP/il-short/interleave.csv config | tr '\n' ' ')
    named=$(sed -n 's/^cxlscope-interleave: note: skipped xs under \([^:]*\): .*node 1 cannot hold.*/\1/p' $TMP/err | tr '\n' ' ')
    if [ $rc -eq 0 ] && [ "$got" = "ldram-preferred " ] &&
        [ "$named" = "far1-preferred interleave-all interleave-ldram-far1 weighted-ldram-far1 oli " ] &&
        [ "$($J $TMP/il-short/meta.json tests interleave skipped | grep -o 'xs under' | wc -l)" = 5 ] &&
        [ "$(csv_col $TMP/il-short/interleave.csv speedup)" = 1.000 ]; then
        ok "node 1 short: the 5 placements that need it skipped and named (OLI once its plan is known), ldram-preferred measured, exit 0"
    else notok "node 1 short: placements that need it skipped and named, the rest measured" \
        "exit $rc, rows: $got, named: $named" "$(cat $TMP/err)"; fi
    CXLSCOPE_SYSFS_ROOT=$FT $B --cpu-node 0 --workload mg --policy bind --mem-node 0 \
        --ldram-limit 1M $QUICK >/dev/null 2>$TMP/err
    rc=$?
    if [ $rc -eq 1 ] && [ "$(wc -l <$TMP/err)" -eq 3 ] &&
        grep -q "error: mg under ldram-preferred: .*node 1 cannot hold" $TMP/err &&
        grep -q "error: mg under bind: object .*bind cannot spill" $TMP/err &&
        grep -q "error: none of the 2 targets can be measured" $TMP/err; then
        ok "bind past --ldram-limit and a baseline whose spill node 1 cannot hold: nothing left, each named, exit 1"
    else notok "bind past --ldram-limit and a baseline too big: nothing left, each named, exit 1" \
        "exit $rc" "$(cat $TMP/err)"; fi
else
    skip "node 1 short: placements that need it skipped and named" "needs CPUs 0 and 1"
    skip "bind past --ldram-limit and a baseline too big: nothing left, each named, exit 1" "needs CPUs 0 and 1"
fi

# --- Ctrl-C: finished rows kept, meta.json incomplete, exit 130
OUT2=$TMP/int
interrupt_after_rows $OUT2/interleave.csv 3 300 $B --size 64M --time-budget 1 --output $OUT2 --quiet
if [ $rc -eq 130 ] && [ "$rows" -ge 2 ] && [ "$rows" -lt 30 ] && [ ! -e $OUT2/interleave.csv.partial ] &&
    [ -f $OUT2/interleave_objects.csv ] && [ "$($J $OUT2/meta.json tests interleave complete)" = false ]; then
    ok "Ctrl-C: exit 130, the $rows finished rows and their objects kept, meta.json says incomplete"
else notok "Ctrl-C: exit 130, rows kept, meta.json incomplete" "rc=$rc rows=$rows" "$(cat $TMP/err2)" "$(ls $OUT2)"; fi
