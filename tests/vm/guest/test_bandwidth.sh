#!/bin/sh
# cxlscope-bandwidth on a kernel with several nodes: tiny sizes against
# every node from every CPU node, several nodes at once, and the errors for
# CPU-less or absent nodes. Emulated timings are not asserted; validation of
# every kernel's result (in the binary) and the node/class columns are.
. /tests/lib.sh
B=cxlscope-bandwidth
FAST="--threads 1 --size 512K --repeat 3 --min-samples 3 --time-budget 0.2"

d=/tmp/bw-matrix
# shellcheck disable=SC2086
$B --matrix --mem-node all --kind read,copy $FAST --output $d --quiet 2>/tmp/bw.err
rc=$?
check $rc "bandwidth: --matrix read,copy over nodes $mem exits 0 (kernels validated)"
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/bw.err
f=$d/bandwidth.csv
rows=$(csv_rows "$f" 2>/dev/null)
[ "$rows" = $((2 * ncpu * nmem)) ]
check $? "bandwidth: $rows rows for 2 kinds x $ncpu CPU nodes x $nmem memory nodes"
bad=$(bad_rows "$f" cpus median_gbps | tr '\n' ' ')
[ -z "$bad" ]
check $? "bandwidth: every row's cpus, mem_class (per CPU node), on_node_pct right${bad:+:$bad}"

# Every memory node at once, one thread each (CPUs of both CPU nodes, oversubscribed).
as=$(echo "$mem" | tr , '\n' | sed 's/$/:1/' | tr '\n' , | sed 's/,$//')
d=/tmp/bw-assign
# shellcheck disable=SC2086
$B --cpu-node all --assign "$as" --oversubscribe --kind read --size 512K --repeat 3 \
    --min-samples 3 --time-budget 0.2 --output $d --quiet 2>/tmp/bw.err
rc=$?
f=$d/bandwidth.csv
want_total="$(echo "$mem" | tr , +)"
got_total=$(awk -F, 'END { print $3 }' "$f" 2>/dev/null)
[ $rc -eq 0 ] && [ "$(csv_rows "$f")" = $((nmem + 1)) ] && [ "$got_total" = "$want_total" ]
check $? "bandwidth: --assign $as: a row per node and the total over $got_total (exit $rc)"
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/bw.err

for n in $(echo "$VM_NODES" | tr , ' '); do
    in_list "$n" "$VM_CPUNODES" && continue
    # shellcheck disable=SC2086
    $B --cpu-node "$n" $FAST 2>/tmp/bw.err
    rc=$?
    msg=$(head -1 /tmp/bw.err)
    [ $rc -eq 2 ] && echo "$msg" | grep -q "node $n has no CPUs"
    check $? "bandwidth: --cpu-node $n (CPU-less) is refused with exit 2: $msg"
done
hole=$(awk -v l="$VM_NODES" 'BEGIN { n = split(l, a, ","); for (i = 0; ; i++) { f = 0
    for (j = 1; j <= n; j++) if (a[j] == i) f = 1; if (!f) { print i; exit } } }')
$B --assign "$hole:1" 2>/tmp/bw.err
rc=$?
msg=$(head -1 /tmp/bw.err)
[ $rc -eq 2 ] && echo "$msg" | grep -q "node $hole does not exist"
check $? "bandwidth: --assign $hole:1 (no such node) is refused with exit 2: $msg"
# shellcheck disable=SC2086
$B --cpu-node 0 --mem-node 0 --threads 2 --size 512K 2>/tmp/bw.err
rc=$?
msg=$(head -1 /tmp/bw.err)
[ $rc -eq 2 ] && echo "$msg" | grep -q oversubscribe
check $? "bandwidth: 2 threads on a 1-CPU node need --oversubscribe (exit 2): $msg"

# --- --assign classes come from the CPUs each group runs on: with one CPU per
# node, node 1's thread runs on CPU node 0's CPU and node 0's on node 1's.
d=/tmp/bw-assign-labels
$B --cpu-node 0-1 --assign 1:1,0:1 --kind read --size 512K --repeat 3 --min-samples 3 \
    --time-budget 0.2 --output $d --quiet 2>/tmp/bw.err
rc=$?
got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { print $c["mem_node"] ":" $c["mem_class"] ":" $c["cpus"] }' $d/bandwidth.csv 2>/dev/null | tr '\n' ' ')
c0=$(cut -d, -f1 /sys/devices/system/node/node0/cpulist | cut -d- -f1)
c1=$(cut -d, -f1 /sys/devices/system/node/node1/cpulist | cut -d- -f1)
[ $rc -eq 0 ] && [ "$got" = "1:RDRAM:$c0 0:RDRAM:$c1 1+0:RDRAM+RDRAM: " ]
check $? "bandwidth: --cpu-node 0-1 --assign 1:1,0:1: each node's class seen from its thread's CPU (exit $rc: $got)"
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/bw.err
