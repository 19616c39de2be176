# headline/loaded.awk — run-all's one-line summary of a loaded step: per
# (memory node, traffic node), idle latency and the latency and traffic at
# the heaviest load (delay 0, or the smallest delay measured).
BEGIN { FS = "," }
FILENAME !~ /loaded\.csv$/ { next }
FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
{
    p = $c["mem_node"] "<-" $c["traffic_node"] " " $c["kind"]
    if (!(p in seen)) { seen[p] = 1; order[++k] = p; cl[p] = $c["mem_class"] "<-" $c["traffic_class"] }
    if ($c["delay"] == "idle") idle[p] = $c["latency_ns"]
    else if (!(p in load) || $c["delay"] + 0 < d[p]) {
        d[p] = $c["delay"] + 0; load[p] = $c["latency_ns"]; bw[p] = $c["traffic_gbps"]
    }
}
END {
    if (!k) { print "no rows"; exit }
    printf "latency idle -> loaded:"
    for (i = 1; i <= k; i++) { p = order[i]
        printf "%s node %s (%s) %s -> %s ns at %s GB/s", (i > 1 ? "," : ""), p, cl[p],
            (p in idle) ? idle[p] : "?", (p in load) ? load[p] : "?", (p in bw) ? bw[p] : "?" }
    print ""
}
