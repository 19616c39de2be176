# plot/headline.awk — the headline numbers of one run, as CSV rows
# metric,class,value,unit,source (no header), from its latency.csv and
# saturation.csv (pass those that exist). Used by plot/report.
#
# idle_latency_ns      per class in latency.csv: the median, over the class's
#                      rows with policy bind and pattern random that are at
#                      their (cpu_node, mem_node) pair's largest size_bytes,
#                      of median_ns (every row at that size counts).
# peak_bandwidth_gbps  per class in saturation.csv: of the rows with kind read
# saturation_threads   and access seq, the one with the highest peak_gbps; its
#                      peak_gbps and saturation_threads.
# cxl_ldram_latency_ratio, cxl_ldram_bandwidth_ratio (class CXL): CXL over
#                      LDRAM of the two above, when both classes are there.
# latency_p99_ns       per class in latency.csv, as idle_latency_ns over the
# latency_p999_ns      rows that have a distribution (--distribution): the
#                      median of their dist_p99_ns / dist_p999_ns.
# Classes come out in the order LDRAM, RDRAM, CPULESS, CXL, then any other in
# the order met; values with 2 decimals, threads as integers.

BEGIN {
    FS = ","
    nknown = split("LDRAM RDRAM CPULESS CXL", known, " ")
}

FNR == 1 {
    split("", c)
    for (i = 1; i <= NF; i++) c[$i] = i
    src = FILENAME
    sub(/.*\//, "", src)
    next
}

src == "latency.csv" && $c["policy"] == "bind" && $c["pattern"] == "random" && isnum($c["median_ns"]) {
    p = $c["cpu_node"] SUBSEP $c["mem_node"]
    s = $c["size_bytes"] + 0
    if (!(p in big)) pairs[++npairs] = p
    if (!(p in big) || s > big[p]) { big[p] = s; nat[p] = 0 }
    if (s == big[p]) { at[p, ++nat[p]] = $c["median_ns"] + 0; pcls[p] = $c["mem_class"] }
}

src == "latency.csv" && $c["policy"] == "bind" && $c["pattern"] == "random" &&
    ("dist_p99_ns" in c) && isnum($c["dist_p99_ns"]) && isnum($c["dist_p999_ns"]) {
    p = $c["cpu_node"] SUBSEP $c["mem_node"]
    s = $c["size_bytes"] + 0
    if (!(p in dbig)) dpairs[++ndpairs] = p
    if (!(p in dbig) || s > dbig[p]) { dbig[p] = s; ndat[p] = 0 }
    if (s == dbig[p]) {
        n = ++ndat[p]; d99[p, n] = $c["dist_p99_ns"] + 0; d999[p, n] = $c["dist_p999_ns"] + 0
        dcls[p] = $c["mem_class"]
    }
}

src == "saturation.csv" && $c["kind"] == "read" && $c["access"] == "seq" && isnum($c["peak_gbps"]) {
    k = $c["mem_class"]
    seen(k)
    if (!(k in peak) || $c["peak_gbps"] + 0 > peak[k]) {
        peak[k] = $c["peak_gbps"] + 0
        sat[k] = $c["saturation_threads"]
    }
}

END {
    for (i = 1; i <= npairs; i++) {
        p = pairs[i]; k = pcls[p]
        seen(k)
        for (j = 1; j <= nat[p]; j++) vals[k, ++nv[k]] = at[p, j]
    }
    for (i = 1; i <= ndpairs; i++) {
        p = dpairs[i]; k = dcls[p]
        seen(k)
        for (j = 1; j <= ndat[p]; j++) { n = ++nt[k]; t99[k, n] = d99[p, j]; t999[k, n] = d999[p, j] }
    }
    for (i = 1; i <= nclasses; i++) {
        k = classes[i]
        if (nv[k]) { lat[k] = median(vals, k, nv[k]); out("idle_latency_ns", k, lat[k], "ns", "latency.csv") }
    }
    for (i = 1; i <= nclasses; i++)
        if (nt[classes[i]]) out("latency_p99_ns", classes[i], median(t99, classes[i], nt[classes[i]]), "ns", "latency.csv")
    for (i = 1; i <= nclasses; i++)
        if (nt[classes[i]]) out("latency_p999_ns", classes[i], median(t999, classes[i], nt[classes[i]]), "ns", "latency.csv")
    for (i = 1; i <= nclasses; i++) {
        k = classes[i]
        if (k in peak) out("peak_bandwidth_gbps", k, peak[k], "GB/s", "saturation.csv")
    }
    for (i = 1; i <= nclasses; i++) {
        k = classes[i]
        if (k in peak) printf "saturation_threads,%s,%d,threads,saturation.csv\n", k, sat[k]
    }
    if (("CXL" in lat) && ("LDRAM" in lat) && lat["LDRAM"] > 0)
        out("cxl_ldram_latency_ratio", "CXL", lat["CXL"] / lat["LDRAM"], "ratio", "latency.csv")
    if (("CXL" in peak) && ("LDRAM" in peak) && peak["LDRAM"] > 0)
        out("cxl_ldram_bandwidth_ratio", "CXL", peak["CXL"] / peak["LDRAM"], "ratio", "saturation.csv")
}

function isnum(v) { return v ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
function out(m, k, v, u, s) { printf "%s,%s,%.2f,%s,%s\n", m, k, v, u, s }
# seen(K): note class K; classes[] keeps the known ones first, in their order
function seen(k,   i, j) {
    if (k in isclass) return
    isclass[k] = 1
    for (i = 1; i <= nknown && known[i] != k; i++);
    rank[k] = i <= nknown ? i : nknown + (++nother)
    for (j = ++nclasses; j > 1 && rank[classes[j - 1]] > rank[k]; j--) classes[j] = classes[j - 1]
    classes[j] = k
}
# median(V, K, N) of V[K, 1..N]
function median(v, k, n,   i, j, t, a) {
    for (i = 1; i <= n; i++) a[i] = v[k, i]
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
