# plot/bymachine.awk — plot/report --compare's "Headline by machine" table,
# as HTML. Files, in this order:
#   RUNS   plot/report's runs.tsv: INDEX<TAB>NAME<TAB>DIR, a line per run
#   CELLS  a line per run, in the same order: MISSING<TAB>STATUS, the text of
#          a cell the run has no number for ("not measured", or "not
#          measured (STATE)") and its status (as in the Machines table)
#   HL     headline.csv (with a leading run column when there are several)
# Prints the table: a column per run, a first row "status", then a row per
# metric and class of HL (metrics, and each one's classes, in the order first
# seen), labelled "metric, class (unit)". Every string is HTML-escaped.

BEGIN { FS = "," }

FNR == 1 { f++ }

f == 1 { split($0, t, "\t"); rn[++n] = t[2]; next }
f == 2 { split($0, t, "\t"); miss[++nc] = t[1]; st[nc] = t[2]; next }
FNR == 1 { multi = $0 ~ /^run,/; next }

{
    line = $0; r = rn[1]
    if (multi && substr(line, 1, 1) == "\"") {
        # a quoted run name: "" is a quote
        s = substr(line, 2); r = ""
        while ((i = index(s, "\"")) > 0) {
            r = r substr(s, 1, i - 1); s = substr(s, i + 1)
            if (substr(s, 1, 1) == "\"") { r = r "\""; s = substr(s, 2) } else break
        }
        line = substr(s, 2)
    } else if (multi) { i = index(line, ","); r = substr(line, 1, i - 1); line = substr(line, i + 1) }
    split(line, v, ",")
    k = v[1] SUBSEP v[2]
    if (!(v[1] in mseen)) { mseen[v[1]] = 1; met[++nm] = v[1] }
    if (!(k in seen)) { seen[k] = 1; key[v[1], ++nk[v[1]]] = k; label[k] = v[1] ", " v[2] " (" v[4] ")" }
    val[r, k] = v[3]; has[r, k] = 1
}

END {
    printf "<table><tr><th>metric, class (unit)</th>"
    for (j = 1; j <= n; j++) printf "<th>%s</th>", e(rn[j])
    print "</tr>"
    printf "<tr><th>status</th>"
    for (j = 1; j <= n; j++) printf "<td>%s</td>", e(st[j])
    print "</tr>"
    for (m = 1; m <= nm; m++) for (c = 1; c <= nk[met[m]]; c++) {
        k = key[met[m], c]
        printf "<tr><th>%s</th>", e(label[k])
        for (j = 1; j <= n; j++)
            if ((rn[j], k) in has) printf "<td class=\"num\">%s</td>", e(val[rn[j], k])
            else printf "<td>%s</td>", e(miss[j])
        print "</tr>"
    }
    print "</table>"
}

function e(s) {
    gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s); gsub(/\047/, "\\&#39;", s)
    return s
}
