# headline/offload.awk — run-all's one-line summary of an offload step: for
# the first model, per configuration, inference tokens/s at the largest
# batch that fits and the training step at the first batch; absent
# configurations named. Reads offload.csv.
BEGIN { FS = "," }
FILENAME !~ /offload\.csv$/ { next }
FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
m == "" { m = $c["model"]; a = $c["assumed"] }
$c["model"] != m { next }
!($c["config"] in seen) { seen[$c["config"]] = 1; order[++n] = $c["config"] }
$c["status"] == "absent" { absent[$c["config"]] = 1; next }
$c["mode"] == "inference" && $c["batch_asked"] == "max" {
    inf[$c["config"]] = ($c["status"] == "ok" ? sprintf("%.1f tok/s at batch %s", $c["tokens_per_s"], $c["batch"]) : "inference: no fit")
}
$c["mode"] == "training" && !($c["config"] in tr) {
    tr[$c["config"]] = ($c["status"] == "ok" ? sprintf("training step %.3f s", $c["step_s"]) : "training: no fit")
}
END {
    if (n == 0) { print "no rows"; exit }
    for (i = 1; i <= n; i++) {
        k = order[i]
        s = absent[k] ? "absent" : ((k in inf ? inf[k] : "") ((k in inf) && (k in tr) ? ", " : "") (k in tr ? tr[k] : ""))
        out = out (i > 1 ? "; " : "") k ": " s
    }
    printf "%s: %s\n", m, out
}
