#!/bin/sh
# cxlscope-loaded on a kernel with several nodes: the chase on node 0's CPU,
# the load thread on node 1's, every memory node paired with every traffic
# node, tiny sizes. The wiring is asserted (which node each buffer is on,
# the classes: the chase's seen from its CPU, the traffic's from the load
# CPUs, the CPUs, the load kernels validated in the binary); emulated
# timings are not.
. /tests/lib.sh
L=cxlscope-loaded
load_cpu=$(cut -d, -f1 /sys/devices/system/node/node1/cpulist | cut -d- -f1)
chase0=$(cut -d, -f1 /sys/devices/system/node/node0/cpulist | cut -d- -f1)
TINY="--size 1M --traffic-size 256K --burst 1K --loads 32768 --delays 0,2000 --repeat 3 \
--min-samples 3 --time-budget 0.2"

d=/tmp/loaded-pairs
# shellcheck disable=SC2086
$L --cpu-node 0 --load-cpus "$load_cpu" --mem-node all --traffic-node all $TINY --stride 256 \
    --distribution 16 --output $d --quiet 2>/tmp/lo.err
rc=$?
check $rc "loaded: every chase node x every traffic node over $mem, load on CPU $load_cpu, exits 0"
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/lo.err
f=$d/loaded.csv
rows=$(csv_rows "$f" 2>/dev/null)
[ "$rows" = $((3 * nmem * nmem)) ]
check $? "loaded: $rows rows for $nmem x $nmem node pairs x (2 delays + idle)"
bad=$(bad_rows "$f" chase_cpu latency_ns | tr '\n' ' ')
[ -z "$bad" ]
check $? "loaded: chase node's class, chase CPU on node 0, chase placement right${bad:+:$bad}"
r=1 bad=""
while [ "$r" -le "${rows:-0}" ]; do
    tn=$(csv_get "$f" $r traffic_node) tc=$(csv_get "$f" $r traffic_class)
    ton=$(csv_get "$f" $r traffic_on_node_pct) dl=$(csv_get "$f" $r delay)
    lc=$(csv_get "$f" $r load_cpus) tg=$(csv_get "$f" $r traffic_gbps)
    [ "$tc" = "$(class_of "$tn" 1)" ] || bad="$bad row $r: traffic node $tn class $tc (load CPU on node 1);"
    awk -v v="$ton" 'BEGIN { exit !(v == 100) }' || bad="$bad row $r: traffic_on_node_pct $ton;"
    if [ "$dl" = idle ]; then
        [ -z "$lc$tg" ] || bad="$bad row $r: idle with load CPUs '$lc' traffic '$tg';"
    else
        [ "$lc" = "$load_cpu" ] || bad="$bad row $r: load_cpus $lc;"
        # traffic counted: every chase sample kept saw the load thread
        # finish a burst (1K, --burst), so the row moved at least 1024 B per
        # sample of 32768 64 B loads, from its chase_gbps (both rounded as
        # printed); under TCG on a busy host too, where a load vCPU can get
        # no time during a sample (the sample is then taken again)
        cg=$(csv_get "$f" $r chase_gbps)
        case $tg in '' | *[!0-9.]*) bad="$bad row $r: traffic_gbps '$tg';" ;; esac
        awk -v v="$tg" -v cg="$cg" 'BEGIN { exit !(v + 0.00005 >= 1024 * (cg - 0.0005) / (32768 * 64)) }' ||
            bad="$bad row $r: traffic_gbps $tg below a 1K burst per sample (chase_gbps $cg);"
    fi
    r=$((r + 1))
done
[ -z "$bad" ]
check $? "loaded: traffic node's class, placement, load CPU and traffic right${bad:+:$bad}"
# --stride 256 --distribution 16 on every pair: the spacing, and every
# block of the samples kept (32768 loads in blocks of 16: 2048 per sample)
got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { n = $c["samples_kept"] + $c["samples_dropped"]
      if ($c["stride_bytes"] != 256 || $c["dist_block_loads"] != 16 || $c["dist_blocks"] != n * 2048)
          print "row " NR - 1 }' "$f" 2>/dev/null | tr '\n' ' ')
total=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { s += $c["dist_blocks"] } END { print s + 0 }' "$f")
counted=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { s += $c["count"] } END { print s + 0 }' $d/loaded_dist.csv 2>/dev/null)
[ -z "$got" ] && [ "$total" -gt 0 ] && [ "$total" = "$counted" ]
check $? "loaded: --stride 256 --distribution 16 on every pair: spacing and blocks per row, loaded_dist.csv adding up ($counted of $total)${got:+: $got}"
pairs=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { print $c["mem_class"] ">" $c["traffic_class"] }' "$f" 2>/dev/null | sort -u | tr '\n' ' ')
if [ -n "$VM_CXL" ] && in_list "$VM_CXL" "$mem"; then
    case "$pairs" in *"CXL>LDRAM"*"LDRAM>CXL"*)
        ok "loaded: LDRAM under CXL traffic and CXL under node-1 traffic measured ($pairs)" ;;
    *) notok "loaded: LDRAM under CXL traffic and CXL under node-1 traffic ($pairs)" ;; esac
fi

# shellcheck disable=SC2086
$L --cpu-node 0 $TINY 2>/tmp/lo.err
rc=$?
msg=$(head -1 /tmp/lo.err)
[ $rc -eq 2 ] && echo "$msg" | grep -q "no CPU left for load threads"
check $? "loaded: node 0's one CPU runs the chase: no CPU left for load threads (exit 2): $msg"
hole=$(awk -v l="$VM_NODES" 'BEGIN { n = split(l, a, ","); for (i = 0; ; i++) { f = 0
    for (j = 1; j <= n; j++) if (a[j] == i) f = 1; if (!f) { print i; exit } } }')
# shellcheck disable=SC2086
$L --cpu-node 0 --load-cpus "$load_cpu" --mem-node 0 --traffic-node "$hole" $TINY 2>/tmp/lo.err
rc=$?
msg=$(head -1 /tmp/lo.err)
[ $rc -eq 2 ] && echo "$msg" | grep -q -- "--traffic-node"
check $? "loaded: --traffic-node $hole (no such node) refused with exit 2: $msg"

# Labels follow the CPU that really runs: --chase-cpu on node 1 makes the
# rows' CPU node 1 (node 0 is RDRAM from there); the load CPU on node 0 sees
# node 0 as LDRAM; a chase CPU off --cpu-node, or with --matrix, is refused.
d=/tmp/loaded-chase1
# shellcheck disable=SC2086
$L --chase-cpu "$load_cpu" --load-cpus "$chase0" --mem-node 0,1 $TINY --output $d --quiet 2>/tmp/lo.err
rc=$?
got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { print $c["cpu_node"] "/" $c["chase_cpu"] "/" $c["mem_node"] $c["mem_class"] "/" $c["traffic_node"] $c["traffic_class"] }' \
    $d/loaded.csv 2>/dev/null | sort -u | tr '\n' ' ')
[ $rc -eq 0 ] && [ "$got" = "1/$load_cpu/0RDRAM/0LDRAM 1/$load_cpu/1LDRAM/1RDRAM " ]
check $? "loaded: --chase-cpu $load_cpu (node 1) alone: rows of CPU node 1, classes from the CPUs that run (exit $rc: $got)"
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/lo.err
# shellcheck disable=SC2086
$L --cpu-node 0 --chase-cpu "$load_cpu" --load-cpus "$chase0" --mem-node 0,1 $TINY 2>/tmp/lo.err >/dev/null
rc=$?
msg=$(head -1 /tmp/lo.err)
[ $rc -eq 2 ] && echo "$msg" | grep -q "CPU $load_cpu is on node 1, not on CPU node 0"
check $? "loaded: --cpu-node 0 --chase-cpu $load_cpu (node 1) is refused with exit 2 naming node 1: $msg"
# shellcheck disable=SC2086
$L --matrix --chase-cpu "$load_cpu" --load-cpus "$chase0" $TINY 2>/tmp/lo.err >/dev/null
rc=$?
msg=$(head -1 /tmp/lo.err)
[ $rc -eq 2 ] && echo "$msg" | grep -q -- "--matrix"
check $? "loaded: --matrix --chase-cpu is refused with exit 2: $msg"
