#!/bin/sh
# cxlscope-latency on a kernel with several nodes: tiny sizes against every
# node from every CPU node; the CSV's node and class columns must be right.
# Timings under emulation are meaningless and not asserted.
. /tests/lib.sh
L=cxlscope-latency
FAST="--size 64K --loads 3200 --repeat 3 --min-samples 3 --time-budget 0.2 --no-counters --quiet"
mem=$(mem_nodes)
nmem=$(echo "$mem" | awk -F, '{print NF}')
ncpu=$(echo "$VM_CPUNODES" | awk -F, '{print NF}')

# --- the matrix: every CPU node x every memory node
d=/tmp/lat-matrix
# shellcheck disable=SC2086
$L --matrix --mem-node all $FAST --output $d 2>/tmp/lat.err
rc=$?
check $rc "latency: --matrix over nodes $mem exits 0"
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/lat.err
f=$d/latency.csv
if [ -f "$f" ] && [ ! -e "$f.partial" ]; then ok "latency: $f written, no .partial left"
else notok "latency: $f written, no .partial left"; fi
rows=$(csv_rows "$f" 2>/dev/null)
[ "$rows" = $((ncpu * nmem)) ]
check $? "latency: $rows rows for $ncpu CPU nodes x $nmem memory nodes"
bad=$(bad_rows "$f" cpu median_ns | tr '\n' ' ')
[ -z "$bad" ]
check $? "latency: every row's cpu, mem_class (per CPU node) and on_node_pct right${bad:+:$bad}"
pairs=$(awk -F, 'NR > 1 { print $1 "/" $3 }' "$f" | sort -u | tr '\n' ' ')
want_pairs=$(for c in $(echo "$VM_CPUNODES" | tr , ' '); do for m in $(echo "$mem" | tr , ' '); do
    echo "$c/$m"; done; done | sort -u | tr '\n' ' ')
[ "$pairs" = "$want_pairs" ]
check $? "latency: (cpu_node/mem_node) pairs are $pairs"
[ "$(jsonq $d/meta.json tests latency complete 2>/dev/null)" = true ]
check $? "latency: meta.json parses and says complete"
[ "$(jsonq $d/meta.json nodes '#' 2>/dev/null)" = "$(echo "$VM_NODES" | awk -F, '{print NF}')" ]
check $? "latency: meta.json lists the $(echo "$VM_NODES" | awk -F, '{print NF}') nodes"
# The HMAT values the guest shape declares, as meta.json records them.
for e in $(echo "$VM_HMAT" | tr , ' '); do
    tgt=${e%%@*} rest=${e#*@}
    lat=$(echo "$rest" | cut -d: -f2) bw=$(echo "$rest" | cut -d: -f3)
    i=$(echo "$VM_NODES" | awk -F, -v n="$tgt" '{ for (i = 1; i <= NF; i++) if ($i == n) print i - 1 }')
    got="$(jsonq $d/meta.json nodes "$i" hmat 0 read_latency_ns 2>/dev/null) $(jsonq $d/meta.json nodes "$i" hmat 0 read_bandwidth_mbps 2>/dev/null)"
    [ "$got" = "$lat $bw" ]
    check $? "latency: meta.json has node $tgt's HMAT access0: '$got' (expected '$lat $bw')"
done
if [ -n "$VM_CXL" ]; then
    i=$(echo "$VM_NODES" | awk -F, -v n="$VM_CXL" '{ for (i = 1; i <= NF; i++) if ($i == n) print i - 1 }')
    [ "$(jsonq $d/meta.json nodes "$i" id)" = "$VM_CXL" ] && [ "$(jsonq $d/meta.json nodes "$i" cxl)" = true ]
    check $? "latency: meta.json marks node $VM_CXL as CXL ($(jsonq $d/meta.json nodes "$i" cxl_evidence))"
fi

# --- one buffer interleaved over every memory node
d=/tmp/lat-il
# shellcheck disable=SC2086
$L --cpu-node 0 --mem-node all --policy interleave $FAST --output $d 2>/tmp/lat.err
rc=$?
want_nodes=$(echo "$mem" | tr , +)
want_class=$(for m in $(echo "$mem" | tr , ' '); do class_of "$m" 0; done | tr '\n' + | sed 's/+$//')
got="$(csv_get $d/latency.csv 1 mem_node) $(csv_get $d/latency.csv 1 mem_class)"
on=$(csv_get $d/latency.csv 1 on_node_pct)
[ $rc -eq 0 ] && [ "$got" = "$want_nodes $want_class" ] && awk -v v="$on" 'BEGIN { exit !(v == 100) }'
check $? "latency: --policy interleave row says '$got' on_node_pct $on (expected '$want_nodes $want_class' 100)"

# --- --stride and --distribution against every memory node: the spacing in
# every row, every block of every sample counted (3200 loads in blocks of
# 16: 200 per sample), the histogram adding up per node
d=/tmp/lat-dist
# shellcheck disable=SC2086
$L --cpu-node 0 --mem-node all --stride 256 --distribution 16 $FAST --output $d 2>/tmp/lat.err
rc=$?
bad=$(bad_rows "$d/latency.csv" cpu median_ns | tr '\n' ' ')
got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { n = $c["samples_kept"] + $c["samples_dropped"]
      ok = $c["stride_bytes"] == 256 && $c["dist_block_loads"] == 16 && $c["dist_blocks"] == n * 200 &&
           $c["dist_p50_ns"] <= $c["dist_p99_ns"] && $c["dist_p99_ns"] <= $c["dist_max_ns"]
      print $c["mem_node"] ":" $c["dist_blocks"] (ok ? "" : ":bad") }' $d/latency.csv 2>/dev/null | tr '\n' ' ')
sums=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { s[$c["mem_node"]] += $c["count"]; if (!(($c["mem_node"]) in seen)) { seen[$c["mem_node"]] = 1; o[++n] = $c["mem_node"] } }
    END { for (i = 1; i <= n; i++) printf "%s:%d ", o[i], s[o[i]] }' $d/latency_dist.csv 2>/dev/null)
[ $rc -eq 0 ] && [ -z "$bad" ] && [ "$(csv_rows $d/latency.csv)" = "$nmem" ] && [ "$got" = "$sums" ]
check $? "latency: --stride 256 --distribution 16 on every node: spacing, classes, placement, every block counted, histograms adding up (exit $rc: $got${bad:+; $bad})"
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/lat.err

# --- --prefetchers off here: the guest says why it cannot (the emulated
# CPU or the kernel's msr driver), or does it and restores
# shellcheck disable=SC2086
$L --cpu-node 0 --mem-node 0 --prefetchers off $FAST --output /tmp/lat-pf 2>/tmp/lat.err
rc=$?
if [ $rc -eq 77 ]; then
    [ "$(wc -l </tmp/lat.err)" = 1 ] && grep -q 'skipped: --prefetchers off: ' /tmp/lat.err && [ ! -e /tmp/lat-pf/meta.json ]
    check $? "latency: --prefetchers off in the guest: exit 77, why in one line: $(sed 's/.*--prefetchers off: //' /tmp/lat.err)"
else
    st=$(csv_get /tmp/lat-pf/latency.csv 1 prefetchers)
    [ $rc -eq 0 ] && [ "$st" = off ]
    check $? "latency: --prefetchers off in the guest works: exit $rc, rows say $st"
fi

# --- class names select the right node
if [ -n "$VM_CXL" ]; then
    # shellcheck disable=SC2086
    $L --cpu-node 1 --mem-node cxl $FAST --output /tmp/lat-cxl 2>/tmp/lat.err
    rc=$?
    got="$(csv_get /tmp/lat-cxl/latency.csv 1 mem_node) $(csv_get /tmp/lat-cxl/latency.csv 1 mem_class)"
    [ $rc -eq 0 ] && [ "$got" = "$VM_CXL CXL" ]
    check $? "latency: --mem-node cxl measures node $VM_CXL as CXL (got '$got', exit $rc)"
else
    # shellcheck disable=SC2086
    $L --cpu-node 0 --mem-node cxl $FAST 2>/tmp/lat.err
    rc=$?
    [ $rc -eq 77 ] && grep -qi cxl /tmp/lat.err
    check $? "latency: --mem-node cxl without a CXL node is skipped (exit $rc: $(head -1 /tmp/lat.err))"
fi
# shellcheck disable=SC2086
$L --cpu-node 0 --mem-node rdram $FAST --output /tmp/lat-rd 2>/tmp/lat.err
got="$(csv_get /tmp/lat-rd/latency.csv 1 mem_node) $(csv_get /tmp/lat-rd/latency.csv 1 mem_class)"
[ "$got" = "1 RDRAM" ]
check $? "latency: --mem-node rdram from CPU node 0 measures node 1 (got '$got')"

# --- bad placement is a clear error
for n in $(echo "$VM_NODES" | tr , ' '); do
    in_list "$n" "$VM_CPUNODES" && continue
    # shellcheck disable=SC2086
    $L --cpu-node "$n" --mem-node 0 $FAST 2>/tmp/lat.err
    rc=$?
    msg=$(head -1 /tmp/lat.err)
    [ $rc -eq 2 ] && echo "$msg" | grep -q "$n" && echo "$msg" | grep -qi cpu
    check $? "latency: --cpu-node $n (CPU-less) is refused with exit 2 and a message naming it: $msg"
done
# A node ID that is not online (the hole left by an unused CXL window, or past the end).
hole=$(awk -v l="$VM_NODES" 'BEGIN { n = split(l, a, ","); for (i = 0; ; i++) { f = 0
    for (j = 1; j <= n; j++) if (a[j] == i) f = 1; if (!f) { print i; exit } } }')
# shellcheck disable=SC2086
$L --mem-node "$hole" $FAST 2>/tmp/lat.err
rc=$?
msg=$(head -1 /tmp/lat.err)
[ $rc -eq 2 ] && echo "$msg" | grep -q "$hole"
check $? "latency: --mem-node $hole (no such node) is refused with exit 2: $msg"

# --- per-target prechecks: 2 MiB pages reserved on node 1 only
HP=/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages
if [ -w "$HP" ] && echo 4 >"$HP" && [ "$(cat $HP)" -ge 2 ]; then
    d=/tmp/lat-pertarget
    # shellcheck disable=SC2086
    $L --cpu-node 0 --mem-node 0,1 --page-size 2m,4k --size 2M --loads 3200 --repeat 3 \
        --min-samples 3 --time-budget 0.2 --no-counters --quiet --output $d 2>/tmp/lat.err
    rc=$?
    got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { print $c["mem_node"] ":" $c["page_size_req"] }' $d/latency.csv 2>/dev/null | tr '\n' ' ')
    [ $rc -eq 0 ] && [ "$got" = "0:4k 1:2m 1:4k " ] &&
        grep -q "skipped CPU node 0 (CPU [0-9]*), memory node 0, 2m pages: node 0 has 0 free 2m" /tmp/lat.err &&
        [ "$(jsonq $d/meta.json tests latency skipped '#')" = 1 ]
    check $? "latency: huge pages on node 1 only: node 0's 2m target named and skipped, the other 3 measured (exit $rc: $got)"
    [ $rc -eq 0 ] || sed 's/^/# /' /tmp/lat.err
    echo 0 >"$HP"
else
    skip "latency: huge pages on node 1 only: node 0's 2m target named and skipped" "cannot reserve 2 MiB pages on node 1"
fi

# --- CXL memory that is offline is named, with how to online it
if [ -n "$VM_CXL" ]; then
    blocks=$(ls -d /sys/devices/system/node/node"$VM_CXL"/memory[0-9]* 2>/dev/null)
    off=""
    for b in $blocks; do echo offline >"$b/state" 2>/dev/null && off="$off $b"; done
    if [ -n "$off" ] && [ "$(awk '/MemTotal/ { print $4 }' /sys/devices/system/node/node"$VM_CXL"/meminfo)" = 0 ]; then
        # shellcheck disable=SC2086
        $L --cpu-node 0 --mem-node cxl $FAST 2>/tmp/lat.err
        rc=$?
        msg=$(head -1 /tmp/lat.err)
        [ $rc -eq 77 ] && echo "$msg" | grep -q "node $VM_CXL is CXL memory (dax[0-9.]*, region[0-9]*) with no online memory: online it with .daxctl online-memory dax"
        check $? "latency: --mem-node cxl with the CXL memory offline names it and how to online it (exit $rc): $msg"
        # shellcheck disable=SC2086
        $L --cpu-node 0 --mem-node all $FAST 2>/tmp/lat.err >/dev/null
        rc=$?
        [ $rc -eq 0 ] && grep -q "note: left out of --mem-node all: node $VM_CXL is CXL memory" /tmp/lat.err
        check $? "latency: --mem-node all notes the offline CXL node (exit $rc: $(grep "left out" /tmp/lat.err))"
    else
        skip "latency: --mem-node cxl with the CXL memory offline names it" "could not offline node $VM_CXL's memory blocks"
    fi
    for b in $off; do echo online_movable >"$b/state" 2>/dev/null || echo online >"$b/state" 2>/dev/null; done
fi
