# headline/tiering.awk — run-all's one-line summary of a tiering step: per
# mode, placement and workload, the rate over the last quarter, when 90 % of
# the hot sample was on the fast tier, and the pages promoted. Reads the
# step's CSVs; uses tiering_summary.csv.
BEGIN { FS = "," }
FILENAME !~ /tiering_summary\.csv$/ { next }
FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
{
    t = $c["t_hot90_s"] == "" ? "never" : $c["t_hot90_s"] "s"
    p = $c["promotions"] == "" ? "absent" : $c["promotions"]
    line = line sprintf("%s%s/%s/%s %.4g %s/s, hot 90%% %s, promoted %s", (n++ ? "; " : ""),
        $c["mode"], $c["placement"], $c["workload"], $c["rate_last_quarter"], $c["work_unit"], t, p)
}
END { print (n ? line : "no rows") }
