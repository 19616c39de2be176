# plot/select.awk — the data of one figure, picked from one CSV per run, in
# files a gnuplot script reads by column name. Used by plot/report.
#
#   awk -f select.awk -v mode=lines|bars|cells|cdf -v where=CLAUSES -v best=COL
#       -v series=TEMPLATE -v cat=TEMPLATE -v x=COL -v y=COL -v out=PREFIX CSV...
#
# ENVIRON["REPORT_RUNS"] names the runs, one per line, in the order of the
# CSVs; with more than one run every title starts with "RUN: ".
#
# where   space-separated COL=V1,V2 clauses, all of which a row must meet;
#         V may be @first (the value in the file's first data row).
# x, y    rows whose x (lines only) or y is not a number are dropped.
# series  template of a series title: {COL} is replaced by the row's value;
#         rows with the same run and title form one series.
# cat     bars: template of a category (an x tic label); cells: template of
#         a column, while series is the template of a row; lines and cdf:
#         the figure's labels, templates separated by ";", each expanded on
#         the first row kept (the where clauses should make it stand for
#         them all) into vars array L[] (not written when empty).
# best    bars and cells: of the rows that fall in one bar or cell, keep the
#         one with the largest COL (-COL: the smallest); default the first.
#         cdf: of each series' rows, keep those with the largest COL.
#
# Promises, per mode (PREFIX.vars.gp is always written, with n, T[n] and
# `first`, the @first values seen, e.g. "0" or "0/1"; L[] as cat says):
#   lines  PREFIX.I.csv for I = 1..n: the CSV's header and the series' rows
#          sorted by x; vars: array F[n] of these paths.
#   bars   PREFIX.csv "cat,series,value" (cat 0-based, series 1..n); vars:
#          nc and `cats`, a `set xtics (...)` command naming the categories.
#   cells  PREFIX.csv "x,y,value,class" (0-based column and row, class the
#          row's mem_class if there is one); vars: nx, ny and `tics`, the
#          `set xtics (...); set ytics (...)` commands; T[] holds the rows.
#   cdf    histogram rows (a bucket each, y its count, x its upper edge, or
#          bucket_lo_ns where x is empty: the last bucket) turned into a
#          cumulative distribution: PREFIX.I.csv "ns,cdf" per series, sorted
#          by x, cdf the share of the series' count up to that bucket;
#          vars: F[n] as for lines.
# It prints what it produced: the number of series (lines, bars) or cells.
# Nothing is written but the vars file when nothing matched.

BEGIN {
    FS = ","
    nw = split(where, clause, " ")
    for (i = 1; i <= nw; i++) {
        eq = index(clause[i], "=")
        wcol[i] = substr(clause[i], 1, eq - 1)
        wval[i] = substr(clause[i], eq + 1)
    }
    nruns = split(ENVIRON["REPORT_RUNS"], runname, "\n")
    nlab = (mode == "lines" || mode == "cdf") && cat != "" ? split(cat, ltmpl, ";") : 0
    bestcol = best; sign = 1
    if (substr(best, 1, 1) == "-") { bestcol = substr(best, 2); sign = -1 }
    file = 0
}

FNR == 1 {
    file++
    split("", col)
    for (i = 1; i <= NF; i++) col[$i] = i
    header = $0
    firstrow = 1
    next
}

firstrow {
    firstrow = 0
    for (i = 1; i <= nw; i++)
        if (wval[i] == "@first" && (wcol[i] in col)) {
            firstval[i] = $col[wcol[i]]
            if (!((firstval[i]) in firstseen)) { firstseen[firstval[i]] = 1; firsts = firsts (firsts == "" ? "" : "/") firstval[i] }
        }
}

{
    for (i = 1; i <= nw; i++) {
        if (!(wcol[i] in col)) next
        v = $col[wcol[i]]
        if (wval[i] == "@first") { if (v != firstval[i]) next }
        else if (!member(v, wval[i])) next
    }
    if (!(y in col) || !isnum($col[y])) next
    if (mode == "lines" && (!(x in col) || !isnum($col[x]))) next
    if (nlab && !nlabeled) for (i = 1; i <= nlab; i++) lab[++nlabeled] = expand(ltmpl[i])
    if (mode == "cdf") { cdf_row(); next }
    title = expand(series)
    if (nruns > 1) title = runname[file] ": " title
    if (!(title in sidx)) { sidx[title] = ++n; stitle[n] = title; shead[n] = header }
    s = sidx[title]
    if (mode == "lines") {
        k = ++nrows[s]; row[s, k] = $0; xv[s, k] = $col[x] + 0
        next
    }
    c = expand(cat)
    if (!(c in cidx)) { cidx[c] = nc++; cname[cidx[c]] = c }
    g = s SUBSEP cidx[c]
    if (bestcol != "") {
        if (!(bestcol in col) || !isnum($col[bestcol])) next
        b = sign * $col[bestcol]
        if ((g in val) && b <= bv[g]) next
        bv[g] = b
    } else if (g in val) next
    if (!(g in val)) order[++ng] = g
    val[g] = $col[y]
    cls[g] = ("mem_class" in col) ? $col["mem_class"] : ""
}

END {
    vars = out ".vars.gp"
    printf "n = %d\nfirst = %s\n", n, q(firsts) > vars
    if (n) {
        printf "array T[%d] = [", n > vars
        for (s = 1; s <= n; s++) printf "%s%s", (s > 1 ? ", " : ""), q(stitle[s]) > vars
        print "]" > vars
    }
    if (nlabeled) {
        printf "array L[%d] = [", nlabeled > vars
        for (i = 1; i <= nlabeled; i++) printf "%s%s", (i > 1 ? ", " : ""), q(lab[i]) > vars
        print "]" > vars
    }
    if (mode == "cdf") cdf_out()
    if (mode == "lines" || mode == "cdf") {
        if (n) printf "array F[%d] = [", n > vars
        for (s = 1; s <= n; s++) {
            f = out "." s ".csv"
            print shead[s] > f
            sortrows(s)
            for (k = 1; k <= nrows[s]; k++) print row[s, k] > f
            close(f)
            printf "%s%s", (s > 1 ? ", " : ""), q(f) > vars
        }
        if (n) print "]" > vars
        print n
    } else if (mode == "bars") {
        printf "data = %s\nnc = %d\ncats = %s\n", q(out ".csv"), nc, q("set xtics (" tics(cname, nc) ")") > vars
        if (ng) {
            print "cat,series,value" > (out ".csv")
            for (i = 1; i <= ng; i++) {
                split(order[i], p, SUBSEP)
                print p[2] "," p[1] "," val[order[i]] > (out ".csv")
            }
        }
        print n
    } else {
        for (s = 1; s <= n; s++) rname[s - 1] = stitle[s]
        printf "data = %s\nnx = %d\nny = %d\ntics = %s\n", q(out ".csv"), nc, n,
            q("set xtics (" tics(cname, nc) "); set ytics (" tics(rname, n) ")") > vars
        if (ng) {
            print "x,y,value,class" > (out ".csv")
            for (i = 1; i <= ng; i++) {
                split(order[i], p, SUBSEP)
                print p[2] "," (p[1] - 1) "," val[order[i]] "," cls[order[i]] > (out ".csv")
            }
        }
        print ng
    }
    close(vars)
}

# cdf_row(): keep this bucket in its series, with the best column's value
function cdf_row(   xx, b) {
    xx = (x in col) && isnum($col[x]) ? $col[x] : $col["bucket_lo_ns"]
    if (!isnum(xx)) return
    b = (bestcol in col) && isnum($col[bestcol]) ? $col[bestcol] + 0 : 0
    title = expand(series)
    if (nruns > 1) title = runname[file] ": " title
    if (!(title in sidx)) { sidx[title] = ++n; stitle[n] = title; shead[n] = "ns,cdf" }
    s = sidx[title]
    k = ++nb[s]; bx[s, k] = xx + 0; by[s, k] = $col[y] + 0; bb[s, k] = b
    if (!(s in top) || b > top[s]) top[s] = b
}
# cdf_out(): each series' buckets of its best point, as "ns,cdf" rows
function cdf_out(   s, k, tot, cum) {
    for (s = 1; s <= n; s++) {
        tot = 0
        for (k = 1; k <= nb[s]; k++) if (bb[s, k] == top[s]) { tot += by[s, k]; nrows[s]++; xv[s, nrows[s]] = bx[s, k]; cnt[s, nrows[s]] = by[s, k] }
        sortcnt(s)
        cum = 0
        for (k = 1; k <= nrows[s]; k++) { cum += cnt[s, k]; row[s, k] = xv[s, k] "," (tot ? cum / tot : 0) }
    }
}
# sortcnt(S): series S's buckets sorted by x, counts along
function sortcnt(s,   i, j, v, c) {
    for (i = 2; i <= nrows[s]; i++) {
        v = xv[s, i]; c = cnt[s, i]
        for (j = i - 1; j >= 1 && xv[s, j] > v; j--) { xv[s, j + 1] = xv[s, j]; cnt[s, j + 1] = cnt[s, j] }
        xv[s, j + 1] = v; cnt[s, j + 1] = c
    }
}
function member(v, list,   m, a, i) {
    m = split(list, a, ",")
    for (i = 1; i <= m; i++) if (v == a[i]) return 1
    return 0
}
function isnum(v) { return v ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
# expand(T): T with every {COL} replaced by this row's value ("?" if no such column)
function expand(t,   r, a, b, name) {
    r = ""
    while ((a = index(t, "{")) > 0 && (b = index(substr(t, a), "}")) > 0) {
        name = substr(t, a + 1, b - 2)
        r = r substr(t, 1, a - 1) ((name in col) ? $col[name] : "?")
        t = substr(t, a + b)
    }
    return r t
}
# q(S): S as a gnuplot single-quoted string
function q(s) { gsub(/'/, "''", s); return "'" s "'" }
function tics(name, m,   i, r) {
    r = ""
    for (i = 0; i < m; i++) r = r (i ? ", " : "") q(name[i]) " " i
    return r
}
# sortrows(S): insertion sort of series S's rows by x (stable)
function sortrows(s,   i, j, r, v) {
    for (i = 2; i <= nrows[s]; i++) {
        r = row[s, i]; v = xv[s, i]
        for (j = i - 1; j >= 1 && xv[s, j] > v; j--) { row[s, j + 1] = row[s, j]; xv[s, j + 1] = xv[s, j] }
        row[s, j + 1] = r; xv[s, j + 1] = v
    }
}
