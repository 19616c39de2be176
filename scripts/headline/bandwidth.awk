# headline/bandwidth.awk — run-all's one-line summary of a bandwidth step:
# per memory node, the peak of the first kind with its thread count and the
# saturation point (saturation.csv when there is one, else bandwidth.csv).
BEGIN { FS = "," }
FNR == 1 { for (i = 1; i <= NF; i++) c[FILENAME, $i] = i; next }
FILENAME ~ /saturation\.csv$/ {
    if (kind == "") kind = $c[FILENAME, "kind"]
    if ($c[FILENAME, "kind"] != kind) next
    n = $c[FILENAME, "mem_node"]; sat_seen = 1
    if (!(n in peak)) order[++k] = n
    peak[n] = $c[FILENAME, "peak_gbps"]; pt[n] = $c[FILENAME, "peak_threads"]
    st[n] = $c[FILENAME, "saturation_threads"]; cl[n] = $c[FILENAME, "mem_class"]
    next
}
FILENAME ~ /bandwidth\.csv$/ && $c[FILENAME, "mode"] == "single" {
    if (bkind == "") bkind = $c[FILENAME, "kind"]
    if ($c[FILENAME, "kind"] != bkind) next
    n = $c[FILENAME, "mem_node"]
    if (!(n in bpeak)) border[++bk] = n
    if (!(n in bpeak) || $c[FILENAME, "median_gbps"] + 0 > bpeak[n]) {
        bpeak[n] = $c[FILENAME, "median_gbps"] + 0; bpt[n] = $c[FILENAME, "threads"]; bcl[n] = $c[FILENAME, "mem_class"]
    }
}
END {
    if (sat_seen) {
        printf "peak %s:", kind
        for (i = 1; i <= k; i++) { n = order[i]
            printf "%s node %s %s %.1f GB/s at %s threads (saturated at %s)", (i > 1 ? "," : ""), n, cl[n], peak[n], pt[n], st[n] }
        print ""
    } else if (bk) {
        printf "peak %s:", bkind
        for (i = 1; i <= bk; i++) { n = border[i]
            printf "%s node %s %s %.1f GB/s at %s threads", (i > 1 ? "," : ""), n, bcl[n], bpeak[n], bpt[n] }
        print ""
    } else print "no rows"
}
