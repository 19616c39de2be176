# headline/gpucopy.awk — run-all's one-line summary of a gpucopy step:
# pinned h2d / d2h GB/s at the largest size per memory node (first GPU),
# and the median 64 B h2d latency per node. Reads gpu_copy.csv and
# gpu_copy_latency.csv of the step.
BEGIN { FS = "," }
FNR == 1 { delete c; for (i = 1; i <= NF; i++) c[$i] = i; lat = FILENAME ~ /gpu_copy_latency\.csv$/
           bw = FILENAME ~ /gpu_copy\.csv$/; next }
(bw || lat) && gpu == "" { gpu = $c["gpu"] }
(bw || lat) && $c["gpu"] != gpu { next }
bw && $c["host_mem"] == "pinned" && ($c["direction"] == "h2d" || $c["direction"] == "d2h") {
    k = $c["mem_node"]
    if (!(k in cls)) { order[++n] = k; cls[k] = $c["mem_class"] }
    if ($c["size_bytes"] + 0 >= size[k, $c["direction"]]) {
        size[k, $c["direction"]] = $c["size_bytes"] + 0; rate[k, $c["direction"]] = $c["median_gbps"] }
}
lat && $c["host_mem"] == "pinned" && $c["direction"] == "h2d" { us[$c["mem_node"]] = $c["median_ns"] / 1000 }
END {
    if (!n) { print "no pinned h2d/d2h rows"; exit }
    printf "GPU %s pinned h2d/d2h at the largest size:", gpu
    for (i = 1; i <= n; i++) { k = order[i]
        printf "%s node %s %s %s/%s GB/s%s", (i > 1 ? ";" : ""), k, cls[k], rate[k, "h2d"], rate[k, "d2h"],
            ((k in us) ? sprintf(", 64 B h2d %.2f us", us[k]) : "") }
    print ""
}
