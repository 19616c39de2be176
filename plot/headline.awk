# plot/headline.awk — the headline numbers of one run, as CSV rows
# metric,class,value,unit,source (no header), from its latency.csv,
# saturation.csv, loaded.csv, optimize.csv and gpu_copy.csv (pass those that
# exist). Used by plot/report.
#
# idle_latency_ns      per class in latency.csv: the median, over the class's
#                      rows with policy bind and pattern random that are at
#                      their (cpu_node, mem_node) pair's largest size_bytes,
#                      of median_ns (every row at that size counts).
# latency_p99_ns       per class in latency.csv, as idle_latency_ns over the
# latency_p999_ns      rows that have a distribution (--distribution): the
#                      median of their dist_p99_ns / dist_p999_ns.
# loaded_latency_ns    per class (mem_class) in loaded.csv, "near peak": of
# loaded_peak_gbps     the rows with kind read, load_threads > 0 and
#                      traffic_node equal to mem_node (the traffic on the
#                      chased node itself), per (cpu_node, mem_node) pair the
#                      row with the highest total_gbps (the first in file
#                      order on a tie); then the median over the class's
#                      pairs of those rows' latency_ns, and of their
#                      total_gbps.
# peak_bandwidth_gbps  per class in saturation.csv: of the rows with kind read
# saturation_threads   and access seq, the one with the highest peak_gbps; its
#                      peak_gbps and saturation_threads.
# best_split_gbps      per kind and access of optimize.csv (class KIND/ACCESS,
#                      e.g. read/seq): total_gbps of the rank 1 row (the
#                      highest when several runs left one each).
# gpu_h2d_pinned_gbps  per memory node of gpu_copy.csv (class "CLASS node N",
#                      e.g. "CXL node 4"), first GPU only (the gpu of the
#                      file's first row, as in the figures): of the rows with
#                      direction h2d and host_mem pinned, the median of
#                      median_gbps over the rows at the node's largest
#                      size_bytes.
# rdram_ldram_latency_ratio, rdram_ldram_bandwidth_ratio (class RDRAM),
# cxl_ldram_latency_ratio, cxl_ldram_bandwidth_ratio (class CXL): RDRAM or
#                      CXL over LDRAM of idle_latency_ns and of
#                      peak_bandwidth_gbps, when both classes are there.
# Classes come out in the order LDRAM, RDRAM, CPULESS, CXL, then any other in
# the order met (GPU nodes: by class, then node id; kinds: in the order met);
# values with 2 decimals, threads as integers.

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

# loaded.csv: per pair, the row nearest the peak (highest total_gbps) under
# read traffic on the chased node itself
src == "loaded.csv" && col("kind") == "read" && col("mem_node") != "" && col("traffic_node") == col("mem_node") &&
    isnum(col("load_threads")) && col("load_threads") + 0 > 0 && isnum(col("total_gbps")) && isnum(col("latency_ns")) {
    p = col("cpu_node") SUBSEP col("mem_node")
    if (!(p in lbest)) lpairs[++nlpairs] = p
    if (!(p in lbest) || col("total_gbps") + 0 > lbest[p]) {
        lbest[p] = col("total_gbps") + 0
        llat[p] = col("latency_ns") + 0
        lcls[p] = col("mem_class")
    }
}

# optimize.csv: the rank 1 row per kind/access
src == "optimize.csv" && isnum(col("rank")) && col("rank") + 0 == 1 && isnum(col("total_gbps")) &&
    col("kind") != "" && (col("kind") "/" col("access")) !~ /["]/ {
    k = col("kind") "/" col("access")
    if (!(k in sbest)) splits[++nsplits] = k
    if (!(k in sbest) || col("total_gbps") + 0 > sbest[k]) sbest[k] = col("total_gbps") + 0
}

# gpu_copy.csv: pinned h2d of the first row's GPU, per node at its largest size
src == "gpu_copy.csv" && !gfirst { gfirst = 1; gpu1 = col("gpu") }
src == "gpu_copy.csv" && col("gpu") == gpu1 && col("direction") == "h2d" && col("host_mem") == "pinned" &&
    col("mem_node") ~ /^[0-9]+$/ && isnum(col("size_bytes")) && isnum(col("median_gbps")) {
    n = col("mem_node")
    s = col("size_bytes") + 0
    if (!(n in gbig)) gnodes[++ngnodes] = n
    if (!(n in gbig) || s > gbig[n]) { gbig[n] = s; ngat[n] = 0 }
    if (s == gbig[n]) { gat[n, ++ngat[n]] = col("median_gbps") + 0; gcls[n] = col("mem_class") }
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
    for (i = 1; i <= nlpairs; i++) {
        p = lpairs[i]; k = lcls[p]
        seen(k)
        n = ++nl[k]; llv[k, n] = llat[p]; lgv[k, n] = lbest[p]
    }
    for (i = 1; i <= ngnodes; i++) seen(gcls[gnodes[i]])
    for (i = 1; i <= nclasses; i++) {
        k = classes[i]
        if (nv[k]) { lat[k] = median(vals, k, nv[k]); out("idle_latency_ns", k, lat[k], "ns", "latency.csv") }
    }
    for (i = 1; i <= nclasses; i++)
        if (nt[classes[i]]) out("latency_p99_ns", classes[i], median(t99, classes[i], nt[classes[i]]), "ns", "latency.csv")
    for (i = 1; i <= nclasses; i++)
        if (nt[classes[i]]) out("latency_p999_ns", classes[i], median(t999, classes[i], nt[classes[i]]), "ns", "latency.csv")
    for (i = 1; i <= nclasses; i++)
        if (nl[classes[i]]) out("loaded_latency_ns", classes[i], median(llv, classes[i], nl[classes[i]]), "ns", "loaded.csv")
    for (i = 1; i <= nclasses; i++)
        if (nl[classes[i]]) out("loaded_peak_gbps", classes[i], median(lgv, classes[i], nl[classes[i]]), "GB/s", "loaded.csv")
    for (i = 1; i <= nclasses; i++) {
        k = classes[i]
        if (k in peak) out("peak_bandwidth_gbps", k, peak[k], "GB/s", "saturation.csv")
    }
    for (i = 1; i <= nclasses; i++) {
        k = classes[i]
        if (k in peak) printf "saturation_threads,%s,%d,threads,saturation.csv\n", k, sat[k]
    }
    for (i = 1; i <= nsplits; i++) out("best_split_gbps", splits[i], sbest[splits[i]], "GB/s", "optimize.csv")
    gpu_rows()
    ratio("rdram_ldram_latency_ratio", "RDRAM", lat, "latency.csv")
    ratio("rdram_ldram_bandwidth_ratio", "RDRAM", peak, "saturation.csv")
    ratio("cxl_ldram_latency_ratio", "CXL", lat, "latency.csv")
    ratio("cxl_ldram_bandwidth_ratio", "CXL", peak, "saturation.csv")
}

# gpu_rows: gpu_h2d_pinned_gbps per node, by class, then node id
function gpu_rows(   i, j, t, k, n) {
    for (i = 2; i <= ngnodes; i++) {
        t = gnodes[i]
        for (j = i - 1; j >= 1 && gnodes[j] + 0 > t + 0; j--) gnodes[j + 1] = gnodes[j]
        gnodes[j + 1] = t
    }
    for (k = 1; k <= nclasses; k++)
        for (i = 1; i <= ngnodes; i++) {
            n = gnodes[i]
            if (gcls[n] == classes[k])
                out("gpu_h2d_pinned_gbps", gcls[n] " node " n, median(gat, n, ngat[n]), "GB/s", "gpu_copy.csv")
        }
}
# ratio(M, K, V, S): row M (class K) of V[K] / V["LDRAM"] when both are there
function ratio(m, k, v, s) {
    if ((k in v) && ("LDRAM" in v) && v["LDRAM"] > 0) out(m, k, v[k] / v["LDRAM"], "ratio", s)
}

# col(K): the row's column K, "" when the file has no such column
function col(k) { return (k in c) ? $c[k] : "" }
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
