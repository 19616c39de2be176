#!/bin/sh
# cxlscope-interleave on a kernel with several nodes: every placement of the
# experiment set and of --policy, OLI, --ldram-limit and kernel weights,
# checked page by page (interleave_objects.csv: pages per object and node)
# against what each policy must do. Timings are not asserted.
. /tests/lib.sh
B=cxlscope-interleave
TINY="--cpu-node 0 --size 8M --repeat 1 --min-samples 1 --time-budget 0.1 --threads 1"
# The experiment set's far node: the CXL node, else the farthest from node 0
# (the guests have no ties), and the tag in the placements' names.
if [ -n "$VM_CXL" ]; then far=${VM_CXL%%,*} tag=cxl
else far=$(awk '{ b = 0; for (i = 1; i <= NF; i++) if ($i > $(b + 1)) b = i - 1; print b }' \
    /sys/devices/system/node/node0/distance) tag=far$far; fi

# placed FILE: "workload config object node pages" lines, and per object its
# total pages and placement, for the awk checks below
# check_split FILE CONFIG NODES: objects of CONFIG (those whose placement
# starts with "interleave" when OLI) spread evenly over NODES (+-1 page), the
# others all on node 0
check_split() {
    awk -F, -v cf="$2" -v nodes="$3" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["config"] == cf { k = $c["workload"] "/" $c["object"]; pl[k] = $c["placement"]
            pg[k, $c["node"]] = $c["pages_4k"]; tot[k] += $c["pages_4k"]; seen[$c["node"]] = 1 }
        END { n = split(nodes, want, ",")
            for (k in tot) {
                spread = pl[k] ~ /^interleave/
                for (nd in seen) {
                    in_set = 0; for (i = 1; i <= n; i++) if (want[i] == nd) in_set = 1
                    p = pg[k, nd] + 0
                    if (spread) { e = tot[k] / n; if (in_set ? (p < e - 1 || p > e + 1) : p != 0)
                        printf "%s %s: node %s has %d of %d pages (expected %s);", cf, k, nd, p, tot[k], in_set ? e : 0 }
                    else if (p != (nd == want[1] ? tot[k] : 0))
                        printf "%s %s (%s): node %s has %d of %d pages;", cf, k, pl[k], nd, p, tot[k]
                } } }' "$1"
}

d=/tmp/il-exp
t0=$(now)
$B $TINY --output $d --quiet 2>/tmp/il.err
rc=$?
echo "# interleave: the experiment set took $(since $t0) s"
check $rc "interleave: experiment set (5 workloads x 6 placements) from CPU node 0, far node $far, exits 0"
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/il.err
o=$d/interleave_objects.csv
if [ -z "$VM_CXL" ]; then
    grep -q "note: no CXL node: node $far (CPULESS, the farthest) stands in for CXL; its placements are named $tag-preferred" /tmp/il.err
    check $? "interleave: the CXL stand-in (node $far) is named on stderr: $(grep 'stands in' /tmp/il.err)"
fi
for spec in "ldram-preferred 0" "$tag-preferred $far" "interleave-all $mem" "interleave-ldram-$tag 0,$far" \
    "oli 0,$far"; do
    set -- $spec
    bad=$(check_split $o "$1" "$2")
    [ -z "$bad" ]
    check $? "interleave: $1 pages where the policy puts them (nodes $2)${bad:+: $bad}"
done
# emulated weights 3:1: about three quarters of each larger object on node 0
bad=$(awk -F, -v far="$far" -v tag="$tag" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["config"] == "weighted-ldram-" tag { k = $c["workload"] "/" $c["object"]; p[k, $c["node"]] = $c["pages_4k"]; t[k] += $c["pages_4k"] }
    END { for (k in t) if (t[k] >= 256) { f = p[k, 0] / t[k]; if (f < 0.7 || f > 0.8 || p[k, 0] + p[k, far] != t[k]) printf "%s: %.3f on node 0;", k, f } }' $o)
[ -z "$bad" ]
check $? "interleave: weighted-ldram-$tag (emulated 3:1) puts 70-80 % of each object on node 0, the rest on $far${bad:+: $bad}"
dec=$(awk -F, 'NR > 1 && $7 == "interleave" { printf "%s/%s ", $1, $2 }' $d/oli_plan.csv)
[ "$dec" = "mg/in mg/out cg/colidx cg/vals cg/x xs/table adam/params adam/grads adam/m adam/v adam/params_out adam/m_out adam/v_out attention/K attention/V " ]
check $? "interleave: OLI interleaves $dec"

# --policy over nodes 1 and 2: bind and preferred-many stay on them, interleave spreads
d=/tmp/il-pol
t0=$(now)
$B $TINY --workload cg --policy bind,preferred-many,interleave --mem-node 1,2 --output $d --quiet 2>/tmp/il.err
rc=$?
echo "# interleave: --policy over 1,2 took $(since $t0) s"
check $rc "interleave: --policy bind,preferred-many,interleave over nodes 1,2 exits 0"
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/il.err
bad=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["config"] != "ldram-preferred" && $c["pages_4k"] > 0 && $c["node"] != 1 && $c["node"] != 2 { printf "%s %s on node %s;", $c["config"], $c["object"], $c["node"] }' $d/interleave_objects.csv)
[ -z "$bad" ]
check $? "interleave: bind and preferred-many over 1,2 place nothing elsewhere${bad:+: $bad}"
bad=$(check_split $d/interleave_objects.csv interleave 1,2)
[ -z "$bad" ]
check $? "interleave: interleave over 1,2 splits every object evenly${bad:+: $bad}"

# --ldram-limit: what lands on node 0 is capped, the rest spills (at half
# the size: most of it spills to the far node, CXL memory under emulation)
d=/tmp/il-lim
t0=$(now)
$B $TINY --size 4M --workload mg,xs --ldram-limit 1M --output $d --quiet 2>/tmp/il.err
rc=$?
echo "# interleave: --ldram-limit took $(since $t0) s"
check $rc "interleave: --ldram-limit 1M (--size 4M) exits 0"
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/il.err
bad=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["ldram_bytes"] > 1048576 || $c["ldram_bytes"] == "" || $c["size_bytes"] < 4000000 ||
        ($c["config"] == "ldram-preferred" && $c["ldram_bytes"] + 0 == 0) { printf "%s/%s: %s of %s B on LDRAM;", $c["workload"], $c["config"], $c["ldram_bytes"], $c["size_bytes"] }' $d/interleave.csv)
[ -z "$bad" ] && [ "$(csv_rows $d/interleave.csv)" = 12 ]
check $? "interleave: --ldram-limit 1M: no placement of 4 MiB puts more than 1 MiB on node 0, ldram-preferred some (12 rows)${bad:+: $bad}"

# the kernel's weighted interleave with weights set for the run and given back
W=/sys/kernel/mm/mempolicy/weighted_interleave
d=/tmp/il-wk
if [ -d $W ]; then
    before=$(cat $W/node0)
    $B $TINY --workload xs --policy weighted --mem-node 0,$far --weights 3,1 --set-weights --output $d \
        --quiet 2>/tmp/il.err
    rc=$?
    bad=$(awk -F, -v far="$far" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["config"] == "weighted" { k = $c["object"]; p[k, $c["node"]] = $c["pages_4k"]; t[k] += $c["pages_4k"] }
        END { for (k in t) if (t[k] >= 256) { f = p[k, 0] / t[k]; if (f < 0.7 || f > 0.8 || p[k, 0] + p[k, far] != t[k]) printf "%s: %.3f on node 0;", k, f } }' \
        $d/interleave_objects.csv 2>/dev/null)
    [ $rc -eq 0 ] && [ -z "$bad" ] && [ "$(cat $W/node0)" = "$before" ] &&
        [ "$(csv_get $d/interleave.csv 2 weights_via)" = kernel ]
    check $? "interleave: --set-weights 3,1 (MPOL_WEIGHTED_INTERLEAVE): 70-80 % on node 0, node0 weight back to $before${bad:+: $bad}"
    [ $rc -eq 0 ] || sed 's/^/# /' /tmp/il.err
else
    $B $TINY --workload xs --policy weighted --mem-node 0,$far --weights 3,1 --set-weights --quiet 2>/tmp/il.err
    rc=$?
    [ $rc -eq 77 ] && grep -q 'needs Linux >= 6.9' /tmp/il.err
    check $? "interleave: --set-weights on a kernel without weighted interleave skips (77) and says why"
fi
# The experiment set's table for the log (placement per config, not asserted timings).
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { printf "# interleave table: %s %-21s median %s s, speedup %s, bytes_by_node %s\n", $c["workload"], $c["config"], $c["median_s"], $c["speedup"], $c["bytes_by_node"] }' \
    /tmp/il-exp/interleave.csv
