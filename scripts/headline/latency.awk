# headline/latency.awk — run-all's one-line summary of a latency step: per
# memory node, the median at the largest size measured, for the random
# pattern (or the first pattern the step measured), from the first CPU
# node's rows. Reads the step's CSVs; uses latency.csv.
BEGIN { FS = "," }
FILENAME !~ /latency\.csv$/ { next }
FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
cpu == "" { cpu = $c["cpu_node"]; first = $c["pattern"] }
$c["cpu_node"] == cpu && $c["policy"] == "bind" {
    p = $c["pattern"]; n = $c["mem_node"]
    if (!((p, n) in size)) order[p, ++k[p]] = n
    if (!((p, n) in size) || $c["size_bytes"] + 0 >= size[p, n]) {
        size[p, n] = $c["size_bytes"] + 0; ns[p, n] = $c["median_ns"]; cl[p, n] = $c["mem_class"]
    }
}
function iec(b) {
    return b >= 1073741824 ? b / 1073741824 "G" : b >= 1048576 ? b / 1048576 "M" : b / 1024 "K"
}
END {
    p = ("random" in k) ? "random" : first
    if (!k[p]) { print "no rows"; exit }
    printf "idle latency (%s, largest size) from CPU node %s:", p, cpu
    for (i = 1; i <= k[p]; i++) { n = order[p, i]
        printf "%s node %s %s %s ns @%s", (i > 1 ? "," : ""), n, cl[p, n], ns[p, n], iec(size[p, n]) }
    print ""
}
