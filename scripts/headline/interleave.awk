# headline/interleave.awk — run-all's one-line summary of an interleave
# step: per workload, the fastest placement and OLI's speedup over
# LDRAM-preferred. Reads the step's CSVs; uses interleave.csv.
BEGIN { FS = "," }
FILENAME !~ /interleave\.csv$/ { next }
FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
{
    w = $c["workload"]
    if (!(w in best)) { order[++k] = w; best[w] = 0 }
    if ($c["speedup"] + 0 > best[w]) { best[w] = $c["speedup"] + 0; bestc[w] = $c["config"] }
    if ($c["config"] == "oli") oli[w] = $c["speedup"]
}
END {
    if (!k) { print "no rows"; exit }
    printf "speedup over ldram-preferred:"
    for (i = 1; i <= k; i++) { w = order[i]
        printf "%s %s best %s %.3fx, oli %s", (i > 1 ? ";" : ""), w, bestc[w], best[w],
            ((w in oli) ? oli[w] "x" : "not run") }
    print ""
}
