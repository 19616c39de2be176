# headline/xlshare.awk — run-all's one-line summary of an xlshare step: per
# GPU count at the first batch and cache, XL-Share's warm latency against
# replication and CPU offloading, and the hit rate. Reads xlshare.csv.
BEGIN { FS = "," }
FILENAME !~ /xlshare\.csv$/ { next }
FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
b == "" { b = $c["batch"]; k = $c["cache_bytes"]; m = $c["model"]; a = $c["assumed"] }
$c["batch"] == b && $c["cache_bytes"] == k {
    out = out sprintf("%s%s GPU%s: %s ms (replication %s, offload %s), hits %.1f %%", (out == "" ? "" : "; "),
        $c["gpus"], ($c["gpus"] == 1 ? "" : "s"), $c["warm_median_ms"], $c["replication_ms"],
        $c["offload_warm_ms"], 100 * $c["hit_rate_accesses"])
}
END {
    if (out == "") { print "no rows"; exit }
    printf "%s batch %s, warm: %s%s\n", m, b, out, (a == "none" ? "" : "; assumed: " a)
}
