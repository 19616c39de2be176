#!/bin/sh
# cxlscope-loaded on a kernel with several nodes: the chase on node 0's CPU,
# the load thread on node 1's, every memory node paired with every traffic
# node (LDRAM under RDRAM or CXL traffic and the reverse), tiny sizes. The
# wiring is asserted (which node each buffer is on, the classes, the CPUs,
# the load kernels validated in the binary); emulated timings are not.
. /tests/lib.sh
L=cxlscope-loaded
load_cpu=$(cut -d, -f1 /sys/devices/system/node/node1/cpulist | cut -d- -f1)
TINY="--size 1M --traffic-size 256K --burst 1K --loads 32768 --delays 0,2000 --repeat 3 \
--min-samples 3 --time-budget 0.2"

d=/tmp/loaded-pairs
# shellcheck disable=SC2086
$L --cpu-node 0 --load-cpus "$load_cpu" --mem-node all --traffic-node all $TINY --output $d \
    --quiet 2>/tmp/lo.err
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
r=1 bad="" moved=""
while [ "$r" -le "${rows:-0}" ]; do
    tn=$(csv_get "$f" $r traffic_node) tc=$(csv_get "$f" $r traffic_class)
    ton=$(csv_get "$f" $r traffic_on_node_pct) dl=$(csv_get "$f" $r delay)
    lc=$(csv_get "$f" $r load_cpus) tg=$(csv_get "$f" $r traffic_gbps)
    [ "$tc" = "$(class_of "$tn" 0)" ] || bad="$bad row $r: traffic node $tn class $tc;"
    awk -v v="$ton" 'BEGIN { exit !(v == 100) }' || bad="$bad row $r: traffic_on_node_pct $ton;"
    if [ "$dl" = idle ]; then
        [ -z "$lc$tg" ] || bad="$bad row $r: idle with load CPUs '$lc' traffic '$tg';"
    else
        [ "$lc" = "$load_cpu" ] || bad="$bad row $r: load_cpus $lc;"
        # traffic counted: per node pair at least one loaded row shows some
        # (under TCG on a busy host a load vCPU can get no time during a
        # sample, and 0 is then what it really moved)
        case $tg in '' | *[!0-9.]*) bad="$bad row $r: traffic_gbps '$tg';" ;; esac
        awk -v v="$tg" 'BEGIN { exit !(v > 0) }' && moved="$moved $tn:$(csv_get "$f" $r mem_node)"
    fi
    [ "$dl" = idle ] && { case "$moved " in *" $tn:$(csv_get "$f" $r mem_node) "*) ;;
        *) bad="$bad pair traffic $tn -> node $(csv_get "$f" $r mem_node): no traffic in any loaded row;" ;; esac; }
    r=$((r + 1))
done
[ -z "$bad" ]
check $? "loaded: traffic node's class, placement, load CPU and traffic right${bad:+:$bad}"
pairs=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { print $c["mem_class"] ">" $c["traffic_class"] }' "$f" 2>/dev/null | sort -u | tr '\n' ' ')
if [ -n "$VM_CXL" ] && in_list "$VM_CXL" "$mem"; then
    case "$pairs" in *"LDRAM>CXL"*"CXL>LDRAM"* | *"CXL>LDRAM"*"LDRAM>CXL"*)
        ok "loaded: LDRAM under CXL traffic and CXL under LDRAM traffic measured ($pairs)" ;;
    *) notok "loaded: LDRAM under CXL traffic and the reverse ($pairs)" ;; esac
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
