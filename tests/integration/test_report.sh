#!/bin/sh
# Integration tests of plot/report on tests/fixtures/report/: the real
# one-node run, the synthetic multi-node run (see its README.txt) and both
# together. Every figure with data is a valid PNG and SVG, every figure
# without is absent and named in the notes, index.html is self-contained
# (its href/src name only files that exist, no script, no external URL),
# headline.csv matches numbers recomputed here independently (and, for
# loaded.csv, optimize.csv, gpu_copy.csv and the RDRAM ratios, numbers worked
# out by hand) and the page shows them, --compare's tables and machines.csv,
# --compare --status (a fleet's done, failed and cancelled runs; each bad
# status file exits 2 with one line), the tiering figures (a pair per
# placement x workload, a curve per mode, empty samples not drawn, left out
# without samples or without tiering.csv) and the page-migration table ("absent" for a counter the
# kernel lacks, never 0), run.json's skipped/failed steps and "run
# incomplete" appear, strings from the data are escaped, bad input exits 2 with one line, an
# output name that is not a regular file is refused (exit 2) and (when
# chromium is installed) the page renders headless.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
R=$top/plot/report
FX=$top/tests/fixtures/report
ALL="latency-per-node latency-vs-size bandwidth-vs-threads loaded-latency latency-matrix bandwidth-matrix
gpu-copy-bandwidth gpu-copy-bidir gpu-copy-latency interleave-speedup latency-cdf-cpu0 latency-cdf-cpu1
tiering-hot-first-touch-hotset tiering-rate-first-touch-hotset tiering-hot-cxl-hotset tiering-rate-cxl-hotset"

# --- help, bad input
if "$R" --help | grep -q '^Usage: plot/report \[--compare \[--status FILE\]\] DIR' && "$R" --help | grep -q 'report-compare'; then
    ok "--help explains usage and the default OUTDIR"
else notok "--help explains usage and the default OUTDIR"; fi
mkdir -p "$TMP/nocsv" && cp "$FX/one-node/meta.json" "$TMP/nocsv/"
expect_exit "no such directory" 2 "no such directory: $TMP/nope" "$R" "$TMP/nope" --out "$TMP/x"
expect_exit "a directory without any CSV" 2 "no CSV" "$R" "$TMP/nocsv" --out "$TMP/x"
expect_exit "one good and one bad directory" 2 "no such directory" "$R" "$FX/one-node" "$TMP/nope" --out "$TMP/x"
expect_exit "no directory" 2 "no results directory" "$R"
expect_exit "an unknown option" 2 "unknown option '--frobnicate'" "$R" --frobnicate "$FX/one-node"
expect_exit "--out without a value" 2 "--out needs a directory" "$R" "$FX/one-node" --out
expect_exit "--compare without a directory" 2 "--compare needs at least one results directory" "$R" --compare --out "$TMP/x"
if "$R" --help | grep -q -- '--compare  *compare machines side by side' && "$R" --help | grep -q 'machines.csv'; then
    ok "--help explains --compare and machines.csv"
else notok "--help explains --compare and machines.csv"; fi
if [ ! -e "$TMP/x" ]; then ok "bad input writes nothing"; else notok "bad input writes nothing" "$(ls -R "$TMP/x")"; fi

# is_png FILE, is_svg FILE
is_png() { [ "$(od -An -tx1 -N8 "$1" 2>/dev/null | tr -d ' \n')" = 89504e470d0a1a0a ]; }
if command -v xmllint >/dev/null; then
    is_svg() { grep -q '<svg' "$1" && xmllint --noout "$1" 2>/dev/null; }
else
    is_svg() { grep -q '<svg' "$1" && grep -q '</svg>' "$1"; }
fi

# The headline numbers of loaded.csv, optimize.csv and gpu_copy.csv and the
# RDRAM ratios, worked out by hand from the fixtures (metric,class,value).
# one-node (real): its one loaded.csv pair, 0 -> 0 under read traffic on node
# 0; the row with the most total_gbps is delay 0 (20.68 GB/s, 166.24 ns).
HAND_ONE="loaded_latency_ns,LDRAM,166.24
loaded_peak_gbps,LDRAM,20.68"
# multi-node (synthetic, README.txt): loaded.csv's pairs under read traffic
# on the chased node: 0 -> 0 (55.27 GB/s, 240 ns), 1 -> 1 (52.29, 252),
# both LDRAM: medians (240 + 252) / 2 = 246, (55.27 + 52.29) / 2 = 53.78;
# 0 -> 1 RDRAM (36.31, 301.5); 0 -> 4 CXL (23.10, 610; not 0 -> 4 under
# node 0's traffic, 54.19 GB/s); the write rows (58.40 GB/s) do not count.
# optimize.csv's rank 1 rows: read/seq 78.412, copy/seq 60.251.
# gpu_copy.csv, GPU 0, pinned h2d at 4 GiB: node 0 54.996, node 4 29.999
# (GPU 1's 88.888 does not count). RDRAM / LDRAM: idle latency 187.05 /
# 111.50 = 1.678, peak read bandwidth 38.2 / 61.5 = 0.621.
HAND_MULTI="loaded_latency_ns,LDRAM,246.00
loaded_latency_ns,RDRAM,301.50
loaded_latency_ns,CXL,610.00
loaded_peak_gbps,LDRAM,53.78
loaded_peak_gbps,RDRAM,36.31
loaded_peak_gbps,CXL,23.10
best_split_gbps,read/seq,78.41
best_split_gbps,copy/seq,60.25
gpu_h2d_pinned_gbps,LDRAM node 0,55.00
gpu_h2d_pinned_gbps,CXL node 4,30.00
rdram_ldram_latency_ratio,RDRAM,1.68
rdram_ldram_bandwidth_ratio,RDRAM,0.62"

# expected_headline DIR [RUN] [HAND]: metric,class,value rows recomputed from
# DIR's latency.csv and saturation.csv, and HAND's rows as they are (RUN,
# when given, as a first column), sorted
expected_headline() {
    lat=$1/latency.csv sat=$1/saturation.csv
    {
        [ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/H,/'

        if [ -f "$lat" ]; then
            # pass 1: each (cpu, mem) pair's largest size; pass 2: its rows
            awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
                $h["policy"] != "bind" || $h["pattern"] != "random" { next }
                NR == FNR { k = $h["cpu_node"] "/" $h["mem_node"]; if ($h["size_bytes"] + 0 > m[k]) m[k] = $h["size_bytes"] + 0; next }
                $h["size_bytes"] + 0 == m[$h["cpu_node"] "/" $h["mem_node"]] { print $h["mem_class"], $h["median_ns"] }' "$lat" "$lat" |
                sort -k1,1 -k2,2g |
                awk '{ v[$1, ++n[$1]] = $2 }
                     END { for (c in n) { k = n[c]; printf "L %s %.17g\n", c, (k % 2 ? v[c, (k + 1) / 2] : (v[c, k / 2] + v[c, k / 2 + 1]) / 2) } }'
            # the tails: the same over the rows that have a distribution
            for q in p99 p999; do
                awk -F, -v q=dist_${q}_ns 'FNR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
                    $h["policy"] != "bind" || $h["pattern"] != "random" || !(q in h) || $h[q] == "" { next }
                    NR == FNR { k = $h["cpu_node"] "/" $h["mem_node"]; if ($h["size_bytes"] + 0 > m[k]) m[k] = $h["size_bytes"] + 0; next }
                    $h["size_bytes"] + 0 == m[$h["cpu_node"] "/" $h["mem_node"]] { print $h["mem_class"], $h[q] }' "$lat" "$lat" |
                    sort -k1,1 -k2,2g |
                    awk -v q=$q '{ v[$1, ++n[$1]] = $2 }
                         END { for (c in n) { k = n[c]; printf "%s %s %.17g\n", q, c, (k % 2 ? v[c, (k + 1) / 2] : (v[c, k / 2] + v[c, k / 2 + 1]) / 2) } }'
            done
        fi
        if [ -f "$sat" ]; then
            awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
                $h["kind"] == "read" && $h["access"] == "seq" { print $h["mem_class"], $h["peak_gbps"], $h["saturation_threads"] }' "$sat" |
                sort -k1,1 -k2,2gr | awk '!seen[$1]++ { print "B", $0 }'
        fi
    } | awk -v run="${2:-}" '
        $1 == "L" { lat[$2] = $3; out("idle_latency_ns", $2, $3) }
        $1 == "p99" || $1 == "p999" { out("latency_" $1 "_ns", $2, $3) }
        $1 == "B" { bw[$2] = $3; out("peak_bandwidth_gbps", $2, $3); print (run != "" ? run "," : "") "saturation_threads," $2 "," int($4) }
        $1 ~ /^H,/ { print (run != "" ? run "," : "") substr($0, 3) }
        END {
            if (("CXL" in lat) && ("LDRAM" in lat)) out("cxl_ldram_latency_ratio", "CXL", lat["CXL"] / lat["LDRAM"])
            if (("CXL" in bw) && ("LDRAM" in bw)) out("cxl_ldram_bandwidth_ratio", "CXL", bw["CXL"] / bw["LDRAM"])
        }
        function out(m, c, v) { printf "%s%s,%s,%.2f\n", (run != "" ? run "," : ""), m, c, v }' | sort
}

# check_report LABEL OUTDIR "FIGURES WITH DATA" "FIGURES WITHOUT": files,
# notes and links of one report
check_report() {
    label=$1 o=$2 with=$3 without=$4
    bad=""
    for f in $with; do
        is_png "$o/$f.png" || bad="$bad $f.png"
        is_svg "$o/$f.svg" || bad="$bad $f.svg"
        grep -q "<a href=\"$f.svg\">" "$o/index.html" || bad="$bad (no link to $f.svg)"
        grep -q 'src="data:image/png;base64,' "$o/index.html" || bad="$bad (no inline PNG)"
    done
    if [ -z "$bad" ]; then ok "$label: every figure with data is a valid PNG and SVG, inlined and linked"
    else notok "$label: every figure with data is a valid PNG and SVG, inlined and linked" "bad:$bad"; fi
    bad=""
    for f in $without; do
        [ ! -e "$o/$f.png" ] && [ ! -e "$o/$f.svg" ] || bad="$bad $f (file there)"
        grep -q "<li>left out: $f: no .* in [a-z_]*\.csv" "$o/index.html" || bad="$bad $f (not in the notes)"
    done
    if [ -z "$bad" ]; then ok "$label: figures without data are absent and named in the notes"
    else notok "$label: figures without data are absent and named in the notes" "bad:$bad" "$(grep 'left out' "$o/index.html")"; fi
    # every href/src that is not a data: URI names a file next to index.html
    refs=$(grep -oE '(href|src)="[^"]*"' "$o/index.html" | sed -E 's/^(href|src)="//; s/"$//' | grep -v '^data:')
    bad=""
    for r in $refs; do
        case $r in *://* | //* | /*) bad="$bad $r(external)" ;; *) [ -f "$o/$r" ] || bad="$bad $r(missing)" ;; esac
    done
    if grep -qi '<script\|<link\|@import\|url(' "$o/index.html"; then bad="$bad (script, link or CSS url)"; fi
    if [ -z "$bad" ]; then ok "$label: index.html is self-contained and links only files that exist"
    else notok "$label: index.html is self-contained and links only files that exist" "bad:$bad"; fi
}

# check_headline LABEL OUTDIR EXPECTED: headline.csv (metric,class,value
# columns, run first when there are several) against EXPECTED, and the page
check_headline() {
    label=$1 o=$2 exp=$3
    multi=0
    head -1 "$o/headline.csv" | grep -q '^run,' && multi=1
    got=$(awk -F, -v m=$multi 'NR > 1 { print (m ? $1 "," : "") $(1 + m) "," $(2 + m) "," $(3 + m) }' "$o/headline.csv" | sort)
    if [ -n "$exp" ] && [ "$got" = "$exp" ]; then ok "$label: headline.csv matches the numbers recomputed from the CSVs"
    else notok "$label: headline.csv matches the numbers recomputed from the CSVs" "expected:" "$exp" "got:" "$got"; fi
    bad=$(awk -F, -v m=$multi 'NR > 1 { u = $(4 + m); mt = $(1 + m)
        want = mt ~ /_ns$/ ? "ns" : mt ~ /gbps/ ? "GB/s" : mt ~ /threads/ ? "threads" : "ratio"
        src = mt ~ /^loaded_/ ? "loaded.csv" : mt ~ /^best_split/ ? "optimize.csv" : mt ~ /^gpu_/ ? "gpu_copy.csv" : mt ~ /latency/ ? "latency.csv" : "saturation.csv"
        if (u != want || $(5 + m) != src) print }' "$o/headline.csv")
    if [ -z "$bad" ]; then ok "$label: headline units and sources"; else notok "$label: headline units and sources" "$bad"; fi
    bad=""
    while IFS= read -r row; do
        # the page's headline table has the same row: cells in the same order
        cells=$(printf '%s' "$row" | sed 's/,/<\/td><td[^>]*>/g')
        grep -q "<tr><td>$cells</td>" "$o/index.html" || bad="$bad $row"
    done <<EOF
$exp
EOF
    if [ -z "$bad" ]; then ok "$label: the page's headline table shows the same numbers"
    else notok "$label: the page's headline table shows the same numbers" "missing:$bad"; fi
}

# --- the real one-node run
O1=$TMP/one
if "$R" "$FX/one-node" --out "$O1" >"$TMP/out" 2>"$TMP/err"; then ok "one-node: exit 0"
else notok "one-node: exit 0" "$(cat "$TMP/err")"; fi
check_report one-node "$O1" "latency-per-node latency-vs-size bandwidth-vs-threads loaded-latency" \
    "latency-matrix bandwidth-matrix gpu-copy-bandwidth gpu-copy-bidir gpu-copy-latency interleave-speedup latency-cdf tiering-hot tiering-rate"
check_headline one-node "$O1" "$(expected_headline "$FX/one-node" "" "$HAND_ONE")"
if grep -q 'left out: latency-matrix: .*one pair only' "$O1/index.html" &&
    grep -q 'no run.json' "$O1/index.html" && grep -q '<h1>cxlscope report: vm, 2026-11-22' "$O1/index.html"; then
    ok "one-node: title, why the heatmap is left out, no run.json said"
else notok "one-node: title, why the heatmap is left out, no run.json said"; fi
# no_gpu_figure DIR: DIR holds no gpu-* file
no_gpu_figure() { for f in "$1"/gpu-*; do [ ! -e "$f" ] || return 1; done; }
if grep -q '<li>left out: gpu-copy-bandwidth: no .* in gpu_copy.csv (there is no gpu_copy.csv)</li>' "$O1/index.html" &&
    grep -q '<li>left out: gpu-copy-bidir: no .* in gpu_copy.csv (there is no gpu_copy.csv)</li>' "$O1/index.html" &&
    grep -q '<li>left out: gpu-copy-latency: no .* in gpu_copy_latency.csv (there is no gpu_copy_latency.csv)</li>' "$O1/index.html" &&
    no_gpu_figure "$O1"; then
    ok "one-node: no GPU CSV, so the GPU figures are left out and the notes say there is no such CSV"
else notok "one-node: no GPU CSV, so the GPU figures are left out and the notes say there is no such CSV" "$(grep 'left out: gpu' "$O1/index.html")" "$(ls "$O1")"; fi

# no_tiering DIR: DIR holds no tiering-* file
no_tiering() { for f in "$1"/tiering-*; do [ ! -e "$f" ] || return 1; done; }
if grep -q '<li>left out: tiering-hot: no .* in tiering.csv (there is no tiering.csv)</li>' "$O1/index.html" &&
    grep -q '<li>left out: tiering-rate: no .* in tiering.csv (there is no tiering.csv)</li>' "$O1/index.html" &&
    ! grep -q 'Page migration' "$O1/index.html" && no_tiering "$O1" && [ ! -s "$TMP/err" ]; then
    ok "one-node: no tiering CSV, so no tiering figure or table, the notes say there is no tiering.csv, no error"
else notok "one-node: no tiering CSV, so no tiering figure or table, the notes say there is no tiering.csv, no error" \
    "$(grep 'tiering\|Page migration' "$O1/index.html")" "$(ls "$O1")" "$(cat "$TMP/err")"; fi

# --- the synthetic multi-node run
O2=$TMP/multi
if "$R" "$FX/multi-node" --out "$O2" >"$TMP/out" 2>"$TMP/err"; then ok "multi-node: exit 0"
else notok "multi-node: exit 0" "$(cat "$TMP/err")"; fi
check_report multi-node "$O2" "$ALL" ""
check_headline multi-node "$O2" "$(expected_headline "$FX/multi-node" "" "$HAND_MULTI")"
if grep -q 'skipped step loaded-avx512 (loaded): skipped: --isa avx512: this CPU does not have it' "$O2/index.html" &&
    grep -q 'failed step loaded-cxl-write' "$O2/index.html" && grep -q 'profile: quick' "$O2/index.html" &&
    ! grep -q 'run incomplete' "$O2/index.html"; then
    ok "multi-node: skipped and failed steps with their reasons, the profile"
else notok "multi-node: skipped and failed steps with their reasons, the profile" "$(sed -n '/<h2>Notes/,$p' "$O2/index.html")"; fi
if grep -q 'node 4 &lt;cxl&gt; cannot hold 64M &amp; more' "$O2/index.html" &&
    grep -q 'Synthetic CPU &lt;fixture&gt; &amp; co' "$O2/index.html" && ! grep -q '<cxl>\|<fixture>' "$O2/index.html"; then
    ok "multi-node: strings from the data are HTML-escaped"
else notok "multi-node: strings from the data are HTML-escaped"; fi
if grep -q '<td>4</td><td>none</td><td>64 GiB</td><td>22</td><td>dax0.0 (CXL region0) target_node=4</td><td>CXL</td><td>CXL</td>' "$O2/index.html" &&
    grep -q '<th>class from CPU node 1</th>' "$O2/index.html"; then
    ok "multi-node: node table with CPUs, memory, tier, CXL evidence and classes from each CPU node"
else notok "multi-node: node table with CPUs, memory, tier, CXL evidence and classes from each CPU node"; fi
if grep -q 'node 4 (CXL) under read on node 0 (LDRAM)' "$O2/loaded-latency.svg" &&
    grep -q 'node 2 (CPULESS), 4k pages' "$O2/latency-vs-size.svg" && ! grep -q '0+1' "$O2/latency-vs-size.svg" &&
    grep -q '277 ns' "$O2/latency-matrix.svg"; then
    ok "multi-node: series per node, CXL under LDRAM traffic, interleave rows left out, matrix cells"
else notok "multi-node: series per node, CXL under LDRAM traffic, interleave rows left out, matrix cells"; fi
if grep -q '>1.31<' "$O2/interleave-speedup.svg" && grep -q 'weighted-ldram-cxl' "$O2/interleave-speedup.svg" &&
    ! grep -q '>10.00<' "$O2/interleave-speedup.svg"; then
    ok "multi-node: interleave speedups per placement and workload, the --ldram-limit row left out"
else notok "multi-node: interleave speedups per placement, the --ldram-limit row left out"; fi
# latency_dist.csv: a CDF per CPU node, a curve per memory node (node 4 at
# its largest size measured with a distribution, 256M from CPU 1)
if grep -q 'from CPU node 1' "$O2/latency-cdf-cpu1.svg" && grep -q '>node 4 (CXL), 4k pages<' "$O2/latency-cdf-cpu1.svg" &&
    grep -q '>node 0 (LDRAM), 4k pages<' "$O2/latency-cdf-cpu0.svg" &&
    [ "$(grep -c '>node [0-9] ([A-Z]*), 4k pages<' "$O2/latency-cdf-cpu0.svg")" -eq 4 ]; then
    ok "multi-node: a latency CDF per CPU node, one curve per memory node"
else notok "multi-node: a latency CDF per CPU node, one curve per memory node" \
    "$(grep -ohE '>(node|from)[^<>]*<' "$O2"/latency-cdf-cpu*.svg | sort -u | tr '\n' ' ')"; fi
# tiering.csv: a hot and a rate figure per placement (first-touch, cxl) of
# workload hotset, one curve per mode, titled mode / placement / workload
# points_per_curve SVG: the number of points of each curve (its markers
# less the one in the key), space-separated, in plot order
points_per_curve() {
    awk '/<g id="gnuplot_plot_/ { g++ } g { n[g] += gsub(/<use xlink:href=.#gpPt/, "&") }
        END { for (i = 1; i <= g; i++) printf "%s%d", (i > 1 ? " " : ""), n[i] - 1; print "" }' "$1"
}
bad=""
for pl in first-touch cxl; do
    for f in tiering-hot-$pl-hotset tiering-rate-$pl-hotset; do
        for m in none autonuma tiering; do grep -q ">$m / $pl / hotset<" "$O2/$f.svg" || bad="$bad $f:$m"; done
        grep -q "$pl / hotset (CPU node 0, fast node 0, slow node 4: cxl)<" "$O2/$f.svg" || bad="$bad $f:title"
        other='/ cxl /'
        [ $pl = cxl ] && other='first-touch'
        ! grep -q "$other" "$O2/$f.svg" || bad="$bad $f:other-placement"
    done
done
if [ -z "$bad" ] && grep -q '>accesses per second<' "$O2/tiering-rate-cxl-hotset.svg" &&
    grep -q '>hot sample on the fast node (%)<' "$O2/tiering-hot-cxl-hotset.svg"; then
    ok "multi-node: tiering hot and rate figures per placement x workload, a curve per mode titled mode / placement / workload"
else notok "multi-node: tiering hot and rate figures per placement x workload, a curve per mode titled mode / placement / workload" \
    "bad:$bad" "$(grep -ohE '>[^<>]*(hotset|second|%\))[^<>]*<' "$O2"/tiering-*.svg | sort -u | tr '\n' ' ')"; fi
# autonuma/cxl's interval 5 has no sample: 9 points, not a 0; the rate has all 10
got=$(points_per_curve "$O2/tiering-hot-cxl-hotset.svg") got2=$(points_per_curve "$O2/tiering-rate-cxl-hotset.svg")
if [ "$got" = "10 9 10" ] && [ "$got2" = "10 10 10" ]; then
    ok "multi-node: an interval with an empty hot_fast_pct is not drawn in tiering-hot (9 points), but is in tiering-rate"
else notok "multi-node: an interval with an empty hot_fast_pct is not drawn in tiering-hot (9 points), but is in tiering-rate" \
    "hot: $got (want 10 9 10)" "rate: $got2 (want 10 10 10)"; fi
# tiering_summary.csv: the table, a row per mode x placement, empty cells "—"
tt=$(sed -n '/<h2>Page migration (tiering_summary.csv)<\/h2>/,/<\/table>/p' "$O2/index.html")
if [ "$(printf '%s\n' "$tt" | grep -c '^<tr><td>')" -eq 6 ] &&
    printf '%s\n' "$tt" | grep -q '^<tr><td>tiering</td><td>cxl</td><td>hotset</td><td class="num">0 → 95</td><td class="num">8.006</td><td class="num">9220530</td><td class="num">71901966 accesses</td><td class="num">127923</td><td class="num">640</td><td class="num">127923</td><td class="num">185479</td><td class="num">0</td><td>ok</td><td class="num">2</td><td>on</td><td>0, 0 / 4 (cxl)</td><td>—</td><td class="num">4 GiB</td><td class="num">10.007</td><td class="num">10</td></tr>$' &&
    printf '%s\n' "$tt" | grep -q '^<tr><td>autonuma</td><td>cxl</td><td>hotset</td><td class="num">0 → 68</td><td>—</td><td class="num">7584537</td>' &&
    grep -q '<p>This kernel lacks pgdemote_khugepaged (empty in every row of tiering.csv, never counted as 0).</p>' "$O2/index.html"; then
    ok "multi-node: the page-migration table, a row per mode x placement, t_hot90_s never reached and no fast capacity limit as —, the counter the kernel lacks named"
else notok "multi-node: the page-migration table, a row per mode x placement, t_hot90_s never reached and no fast capacity limit as —, the counter the kernel lacks named" "$tt"; fi
# a kernel without the promotion counters (before 5.18 or so): the
# promotions column says absent, never 0; a failed check is marked, escaped
cp -r "$FX/multi-node" "$TMP/oldk"
blank_cols() { # blank_cols FILE COL...: those columns emptied in every data row
    f=$1; shift
    awk -F, -v OFS=, -v cols="$*" 'NR == 1 { n = split(cols, k, " "); for (i = 1; i <= NF; i++) for (j = 1; j <= n; j++) if ($i == k[j]) b[i] = 1; print; next }
        { for (i in b) $i = ""; print }' "$f" >"$f.new" && mv "$f.new" "$f"
}
blank_cols "$TMP/oldk/tiering.csv" pgpromote_success pgpromote_candidate
blank_cols "$TMP/oldk/tiering_summary.csv" promotions
awk -F, -v OFS=, 'NR == 5 { $NF = "FAILED: sum 3 <> 4 & more" } { print }' "$TMP/oldk/tiering_summary.csv" >"$TMP/oldk/s.new" &&
    mv "$TMP/oldk/s.new" "$TMP/oldk/tiering_summary.csv"
if "$R" "$TMP/oldk" --out "$TMP/oldk/r" >/dev/null 2>&1; then
    tt=$(sed -n '/<h2>Page migration/,/<\/table>/p' "$TMP/oldk/r/index.html")
    if [ "$(printf '%s\n' "$tt" | grep -c '^<tr><td>[a-z]*</td><td>[a-z-]*</td><td>hotset</td><td class="num">[0-9]* → [0-9]*</td><td[^>]*>[0-9.—]*</td><td class="num">[0-9]*</td><td class="num">[0-9]* accesses</td><td>absent</td><td class="num">[0-9]*</td>')" -eq 6 ] &&
        printf '%s\n' "$tt" | grep -q '<td class="num">71901966 accesses</td><td>absent</td><td class="num">640</td><td class="num">127923</td>' &&
        printf '%s\n' "$tt" | grep -q '<td class="bad">FAILED: sum 3 &lt;&gt; 4 &amp; more</td><td class="num">0</td>' &&
        ! grep -q '<> 4 &' "$TMP/oldk/r/index.html" &&
        grep -q '<p>This kernel lacks pgpromote_success, pgpromote_candidate, pgdemote_khugepaged (' "$TMP/oldk/r/index.html"; then
        ok "a kernel without pgpromote_*: promotions shown as absent (not 0) in every row, the counters named; a failed check marked and escaped"
    else notok "a kernel without pgpromote_*: promotions shown as absent (not 0) in every row, the counters named; a failed check marked and escaped" "$tt" "$(grep 'lacks' "$TMP/oldk/r/index.html")"; fi
else notok "a kernel without pgpromote_*: the report exits 0"; fi
# tiering.csv without any hot_fast_pct value: tiering-hot left out with the
# note, tiering-rate still drawn; a header-only tiering.csv: both left out
cp -r "$FX/multi-node" "$TMP/nohot"
blank_cols "$TMP/nohot/tiering.csv" hot_fast_pct
if "$R" "$TMP/nohot" --out "$TMP/nohot/r" >/dev/null 2>"$TMP/err" && [ ! -s "$TMP/err" ] &&
    grep -q '<li>left out: tiering-hot-cxl-hotset: no hot_fast_pct values (hot-page samples) for placement cxl, workload hotset in tiering.csv</li>' "$TMP/nohot/r/index.html" &&
    grep -q '<li>left out: tiering-hot-first-touch-hotset: no hot_fast_pct values .* in tiering.csv</li>' "$TMP/nohot/r/index.html" &&
    [ ! -e "$TMP/nohot/r/tiering-hot-cxl-hotset.png" ] && [ ! -e "$TMP/nohot/r/tiering-hot-cxl-hotset.svg" ] &&
    [ ! -e "$TMP/nohot/r/tiering-hot-first-touch-hotset.svg" ] &&
    is_svg "$TMP/nohot/r/tiering-rate-cxl-hotset.svg" && is_png "$TMP/nohot/r/tiering-rate-cxl-hotset.png"; then
    ok "tiering.csv without hot_fast_pct values: tiering-hot left out, named in the notes; tiering-rate drawn"
else notok "tiering.csv without hot_fast_pct values: tiering-hot left out, named in the notes; tiering-rate drawn" \
    "$(cat "$TMP/err")" "$(grep 'left out' "$TMP/nohot/r/index.html")" "$(ls "$TMP/nohot/r")"; fi
head -1 "$FX/multi-node/tiering.csv" >"$TMP/nohot/tiering.csv"
if "$R" "$TMP/nohot" --out "$TMP/nohot/r" >/dev/null 2>"$TMP/err" && [ ! -s "$TMP/err" ] && no_tiering "$TMP/nohot/r" &&
    grep -q '<li>left out: tiering-hot: no hot_fast_pct values (hot-page samples) in tiering.csv</li>' "$TMP/nohot/r/index.html" &&
    grep -q '<li>left out: tiering-rate: no work_per_s values in tiering.csv</li>' "$TMP/nohot/r/index.html"; then
    ok "a tiering.csv of a header only: both tiering figures left out, named in the notes; the earlier report's figures gone"
else notok "a tiering.csv of a header only: both tiering figures left out, named in the notes; the earlier report's figures gone" \
    "$(cat "$TMP/err")" "$(grep 'left out' "$TMP/nohot/r/index.html")" "$(ls "$TMP/nohot/r")"; fi
# gpu_copy.csv: h2d/d2h of pinned, pageable and mallochost memory per node;
# its interleave (0+4), bidir and d2d rows are not in that figure
bw=$O2/gpu-copy-bandwidth.svg
if grep -q '>h2d pinned, node 0 (LDRAM)<' "$bw" && grep -q '>d2h pageable, node 4 (CXL)<' "$bw" &&
    grep -q '>h2d mallochost, node 0 (LDRAM)<' "$bw" && grep -q '(GPU 0)<' "$bw" &&
    [ "$(grep -cE '>(h2d|d2h) (pinned|pageable|mallochost), node [04] \((LDRAM|CXL)\)<' "$bw")" -eq 10 ] &&
    ! grep -q '0+4\|interleave\|bidir\|d2d\|device' "$bw"; then
    ok "multi-node: GPU copy bandwidth per direction, host buffer kind and node; interleave, bidir and d2d rows left out"
else notok "multi-node: GPU copy bandwidth per direction, host buffer kind and node; interleave, bidir and d2d rows left out" \
    "$(grep -oE '>[^<>]*(h2d|d2h|bidir|d2d|0\+4)[^<>]*<' "$bw")"; fi
bd=$O2/gpu-copy-bidir.svg
if grep -q '>bidir-total pinned, node 0 (LDRAM)<' "$bd" && grep -q '>bidir-total pinned, node 4 (CXL)<' "$bd" &&
    grep -q '>d2d device, GPU memory<' "$bd" &&
    ! grep -q 'bidir-h2d\|bidir-d2h\|>h2d \|>d2h \|0+4\|node  (' "$bd"; then
    ok "multi-node: bidirectional total and d2d bandwidth; one-way and interleave rows left out"
else notok "multi-node: bidirectional total and d2d bandwidth; one-way and interleave rows left out" \
    "$(grep -oE '>[^<>]*(h2d|d2h|bidir|d2d|0\+4)[^<>]*<' "$bd")"; fi
gl=$O2/gpu-copy-latency.svg
if grep -q '>5384<' "$gl" && grep -q '>6690<' "$gl" && grep -q '>4448<' "$gl" &&
    grep -q '>node 4 (CXL)<' "$gl" && grep -q '>GPU memory<' "$gl" && grep -q '>d2d device<' "$gl" &&
    ! grep -q '8888\|node 1 (LDRAM)' "$gl"; then
    ok "multi-node: 64 B GPU copy latency per node and direction; the second GPU's row left out"
else notok "multi-node: 64 B GPU copy latency per node and direction; the second GPU's row left out" \
    "$(grep -oE '>[^<>]+<' "$gl" | sort -u | tr '\n' ' ')"; fi
# GPU CSVs without a row the figures keep: left out, never drawn empty
cp -r "$FX/multi-node" "$TMP/gpunone"
awk -F, 'NR == 1 || $7 == "interleave"' "$FX/multi-node/gpu_copy.csv" >"$TMP/gpunone/gpu_copy.csv"
head -1 "$FX/multi-node/gpu_copy_latency.csv" >"$TMP/gpunone/gpu_copy_latency.csv"
if "$R" "$TMP/gpunone" --out "$TMP/gpunone/r" >/dev/null 2>&1 && no_gpu_figure "$TMP/gpunone/r" &&
    grep -q '<li>left out: gpu-copy-bandwidth: no h2d or d2h rows .* in gpu_copy.csv</li>' "$TMP/gpunone/r/index.html" &&
    grep -q '<li>left out: gpu-copy-bidir: no bidir-total or d2d rows in gpu_copy.csv</li>' "$TMP/gpunone/r/index.html" &&
    grep -q '<li>left out: gpu-copy-latency: no .* in gpu_copy_latency.csv</li>' "$TMP/gpunone/r/index.html"; then
    ok "GPU CSVs with only interleave rows, or none, leave the GPU figures out, named in the notes"
else notok "GPU CSVs with only interleave rows, or none, leave the GPU figures out, named in the notes" \
    "$(grep 'left out' "$TMP/gpunone/r/index.html")" "$(ls "$TMP/gpunone/r")"; fi

# an interrupted run says so
cp -r "$FX/multi-node" "$TMP/inc"
jq '.complete = false | .steps[2].status = "interrupted" | .steps[2].reason = "Ctrl-C"' \
    "$FX/multi-node/run.json" >"$TMP/inc/run.json"
if "$R" "$TMP/inc" >/dev/null 2>&1 && grep -q 'run incomplete' "$TMP/inc/report/index.html" &&
    grep -q 'interrupted step loaded-read (loaded): Ctrl-C' "$TMP/inc/report/index.html"; then
    ok "an incomplete run says \"run incomplete\" (default OUTDIR DIR/report)"
else notok "an incomplete run says \"run incomplete\" (default OUTDIR DIR/report)"; fi
# a second report into the same OUTDIR leaves no stale figure
if "$R" "$FX/one-node" --out "$O2" >/dev/null 2>&1 && [ ! -e "$O2/gpu-copy-latency.png" ] &&
    [ ! -e "$O2/latency-matrix.svg" ] && [ -e "$O2/latency-vs-size.png" ] &&
    [ ! -e "$O2/latency-cdf-cpu0.png" ] && [ ! -e "$O2/latency-cdf-cpu1.svg" ] && no_tiering "$O2"; then
    ok "a report over an older one leaves no stale figure"
else notok "a report over an older one leaves no stale figure" "$(ls "$O2")"; fi

# the output-file rule: a name the report writes that is not a regular file
# (a link, not followed; a directory; a FIFO) is refused before anything is
# written, exit 2, and left as it was
# refused LABEL NAME KIND: OUTDIR $TMP/of-LABEL (NAME set up there) is refused
refused() {
    o=$TMP/of-$1 before=$(ls -ld "$TMP/of-$1/$2")
    timeout 60 "$R" "$FX/one-node" --out "$o" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && [ "$(ls -ld "$o/$2")" = "$before" ] &&
        grep -qxF "report: error: $o/$2 exists and is not a regular file ($3); refusing to replace it" "$TMP/err" &&
        [ "$(ls "$o")" = "$2" ]; then
        ok "output-file rule: $2 $3 in OUTDIR: refused (exit 2), left as it was, nothing written"
    else notok "output-file rule: $2 $3 in OUTDIR refused" "exit $rc" "$(cat "$TMP/err")" "$before / $(ls -ld "$o/$2")" "$(ls "$o")"; fi
}
mkdir -p "$TMP/of-link" && echo keep >"$TMP/of-target" && ln -s "$TMP/of-target" "$TMP/of-link/index.html"
refused link index.html "a symbolic link"
if [ "$(cat "$TMP/of-target")" = keep ]; then ok "... and the link's target too"
else notok "output-file rule: the link's target is left as it was" "$(head -3 "$TMP/of-target")"; fi
mkdir -p "$TMP/of-dir/latency-vs-size.png"
refused dir latency-vs-size.png "a directory"
mkdir -p "$TMP/of-fifo" && mkfifo "$TMP/of-fifo/headline.csv"
refused fifo headline.csv "a FIFO"
mkdir -p "$TMP/of-tmp" && ln -s /dev/null "$TMP/of-tmp/index.html.tmp"
refused tmp index.html.tmp "a symbolic link"

# --- both together
O3=$TMP/both
mkdir -p "$TMP/cwd"
if (cd "$TMP/cwd" && "$R" "$FX/one-node" "$FX/multi-node" >"$TMP/out" 2>"$TMP/err") && [ -d "$TMP/cwd/report-compare" ]; then
    mv "$TMP/cwd/report-compare" "$O3"
    ok "two runs: exit 0 (default OUTDIR ./report-compare)"
else notok "two runs: exit 0 (default OUTDIR ./report-compare)" "$(cat "$TMP/err")"; fi
check_report both "$O3" "$ALL" ""
exp=$( (expected_headline "$FX/one-node" one-node "$HAND_ONE"; expected_headline "$FX/multi-node" multi-node "$HAND_MULTI") | sort)
check_headline both "$O3" "$exp"
if grep -q 'one-node: node 0 (LDRAM), 4k pages' "$O3/latency-vs-size.svg" &&
    grep -q 'multi-node: node 4 (CXL), 4k pages' "$O3/latency-vs-size.svg" &&
    grep -q 'one-node: seq' "$O3/latency-per-node.svg" && grep -q 'one-node: cpu node 0' "$O3/latency-matrix.svg" &&
    grep -q '<th>run</th><th>one-node</th><th>multi-node</th>' "$O3/index.html" &&
    grep -q 'multi-node: skipped step loaded-avx512' "$O3/index.html"; then
    ok "two runs: one series per run, titled with the run; summary and notes per run"
else notok "two runs: one series per run, titled with the run; summary and notes per run"; fi
# two runs with GPU data: one series per run in the GPU figures too
cp -r "$FX/multi-node" "$TMP/gpu-a" && cp -r "$FX/multi-node" "$TMP/gpu-b"
if "$R" "$TMP/gpu-a" "$TMP/gpu-b" --out "$TMP/gpu-ab" >/dev/null 2>&1 &&
    grep -q '>gpu-a: h2d pinned, node 4 (CXL)<' "$TMP/gpu-ab/gpu-copy-bandwidth.svg" &&
    grep -q '>gpu-b: h2d pinned, node 4 (CXL)<' "$TMP/gpu-ab/gpu-copy-bandwidth.svg" &&
    grep -q '>gpu-b: d2d device, GPU memory<' "$TMP/gpu-ab/gpu-copy-bidir.svg" &&
    grep -q '>gpu-a: d2h pinned<' "$TMP/gpu-ab/gpu-copy-latency.svg" &&
    grep -q '>gpu-b: d2d device<' "$TMP/gpu-ab/gpu-copy-latency.svg" && ! grep -q '8888' "$TMP/gpu-ab/gpu-copy-latency.svg"; then
    ok "two runs with GPU data: the GPU figures have one series per run, titled with the run"
else notok "two runs with GPU data: the GPU figures have one series per run, titled with the run" \
    "$(grep -ohE '>gpu-[ab]: [^<>]*<' "$TMP"/gpu-ab/gpu-copy-*.svg | sort -u | tr '\n' ' ')"; fi

# two runs with tiering data: one curve per run and mode, one table per run;
# with one-node (no tiering CSVs) beside multi-node: only multi-node's table
th=$TMP/gpu-ab/tiering-hot-cxl-hotset.svg
if grep -q '>gpu-a: tiering / cxl / hotset<' "$th" && grep -q '>gpu-b: none / cxl / hotset<' "$th" &&
    [ "$(points_per_curve "$th")" = "10 9 10 10 9 10" ] &&
    grep -q '>gpu-b: autonuma / first-touch / hotset<' "$TMP/gpu-ab/tiering-rate-first-touch-hotset.svg" &&
    [ "$(sed -n '/<h2>Page migration/,/<h2>Figures/p' "$TMP/gpu-ab/index.html" | grep -c '^<h3>gpu-[ab]</h3>$')" -eq 2 ] &&
    ! grep -q 'one-node' "$O3/tiering-rate-cxl-hotset.svg" &&
    [ "$(sed -n '/<h2>Page migration/,/<h2>Figures/p' "$O3/index.html" | grep -c '^<h3>')" -eq 1 ] &&
    grep -q '^<h3>multi-node</h3>$' "$O3/index.html"; then
    ok "two runs with tiering data: one curve per run and mode, titled with the run; one page-migration table per run that has one"
else notok "two runs with tiering data: one curve per run and mode, titled with the run; one page-migration table per run that has one" \
    "$(grep -ohE '>[^<>]*hotset<' "$th" "$O3/tiering-rate-cxl-hotset.svg" | tr '\n' ' ')" "$(points_per_curve "$th")" \
    "$(grep '<h3>' "$TMP/gpu-ab/index.html" "$O3/index.html")"; fi

# --- --compare: the machine table and the headline by machine
# csv_parse: each line of stdin as "N<TAB>FIELD..." (quotes removed, "" a
# quote), or "bad" when it is not well-formed CSV
csv_parse() {
    awk '{
        s = $0; n = 0; out = ""
        while (1) {
            n++
            if (substr(s, 1, 1) == "\"") {
                s = substr(s, 2); f = ""
                while (1) {
                    i = index(s, "\""); if (!i) { print "bad"; next }
                    f = f substr(s, 1, i - 1); s = substr(s, i + 1)
                    if (substr(s, 1, 1) == "\"") { f = f "\""; s = substr(s, 2) } else break
                }
            } else {
                i = index(s, ","); f = i ? substr(s, 1, i - 1) : s; s = i ? substr(s, i) : ""
                if (f ~ /"/) { print "bad"; next }
            }
            out = out "\t" f
            if (s == "") break
            if (substr(s, 1, 1) != ",") { print "bad"; next }
            s = substr(s, 2)
        }
        print n out
    }'
}
OC=$TMP/cmp
mkdir -p "$TMP/cwd2"
if (cd "$TMP/cwd2" && "$R" --compare "$FX/one-node" "$FX/multi-node" >"$TMP/out" 2>"$TMP/err") && [ -d "$TMP/cwd2/report-compare" ] &&
    [ ! -s "$TMP/err" ]; then
    mv "$TMP/cwd2/report-compare" "$OC"
    ok "--compare: exit 0 (default OUTDIR ./report-compare)"
else notok "--compare: exit 0 (default OUTDIR ./report-compare)" "$(cat "$TMP/err")"; fi
check_report compare "$OC" "$ALL" ""
check_headline compare "$OC" "$exp"
if grep -q 'one-node: node 0 (LDRAM), 4k pages' "$OC/latency-vs-size.svg" &&
    grep -q 'multi-node: node 4 (CXL), 4k pages' "$OC/latency-vs-size.svg" &&
    cmp -s "$OC/headline.csv" "$O3/headline.csv"; then
    ok "--compare: figures with one series per run, headline.csv as without --compare"
else notok "--compare: figures with one series per run, headline.csv as without --compare"; fi
mt=$(sed -n '/<h2>Machines<\/h2>/,/<\/table>/p' "$OC/index.html")
if printf '%s\n' "$mt" | grep -qxF '<tr><th>one-node</th><td>not recorded</td><td>vm</td><td>AMD EPYC</td><td>not recorded</td><td>2</td><td>0: 4.6 GiB</td><td>none</td><td>6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0</td><td>not recorded</td><td>2026-11-22T08:13:58Z</td></tr>' &&
    printf '%s\n' "$mt" | grep -qxF '<tr><th>multi-node</th><td>complete</td><td>synthetic-4node</td><td>Synthetic CPU &lt;fixture&gt; &amp; co</td><td>not recorded</td><td>8</td><td>0: 32 GiB, 1: 32 GiB, 2: 16 GiB, 4 (CXL): 64 GiB</td><td>4</td><td>6.12.0-synthetic #1 SMP PREEMPT_DYNAMIC</td><td>quick</td><td>2026-11-22T08:00:00Z</td></tr>' &&
    [ "$(printf '%s\n' "$mt" | grep -c '^<tr><th>')" -eq 2 ] &&
    [ "$(grep -n '<h2>' "$OC/index.html" | head -3 | cut -d'<' -f2- | tr '\n' ' ')" = "h2>Machines</h2> h2>Headline by machine</h2> h2>Machine</h2> " ]; then
    ok "--compare: a Machines table at the top, a row per run with status (run.json's, else not recorded), host, CPU, CPUs, memory per node, CXL nodes, kernel, profile, date"
else notok "--compare: a Machines table at the top, a row per run with status (run.json's, else not recorded), host, CPU, CPUs, memory per node, CXL nodes, kernel, profile, date" "$mt" \
    "$(grep '<h2>' "$OC/index.html" | head -3)"; fi
ht=$(sed -n '/<h2>Headline by machine<\/h2>/,/<\/table>/p' "$OC/index.html")
# every number of headline.csv is in its run's column, and nothing else
want=$(awk -F, 'NR > 1 { print $2 ", " $3 " (" $5 ")|" $1 "|" $4 }' "$OC/headline.csv" | sort)
got=$(printf '%s\n' "$ht" | awk -F'</t[hd]><t[hd][^>]*>' '
    /<tr><th>metric, class \(unit\)<\/th>/ { sub(/^<tr><th>/, ""); sub(/<\/th><\/tr>$/, ""); n = split($0, run, /<\/th><th>/); next }
    /^<tr><th>status<\/th>/ { next }
    /^<tr><th>/ { sub(/^<tr><th>/, ""); sub(/<\/td><\/tr>$/, ""); for (i = 2; i <= NF; i++) if ($i != "not measured") print $1 "|" run[i] "|" $i }' | sort)
if printf '%s\n' "$ht" | grep -qxF '<table><tr><th>metric, class (unit)</th><th>one-node</th><th>multi-node</th></tr>' &&
    [ "$(printf '%s\n' "$ht" | sed -n 3p)" = '<tr><th>status</th><td>not recorded</td><td>complete</td></tr>' ] &&
    [ -n "$want" ] && [ "$got" = "$want" ] &&
    printf '%s\n' "$ht" | grep -qx '<tr><th>idle_latency_ns, CXL (ns)</th><td>not measured</td><td class="num">[0-9.]*</td></tr>' &&
    printf '%s\n' "$ht" | grep -qx '<tr><th>cxl_ldram_latency_ratio, CXL (ratio)</th><td>not measured</td><td class="num">[0-9.]*</td></tr>' &&
    printf '%s\n' "$ht" | grep -qx '<tr><th>idle_latency_ns, LDRAM (ns)</th><td class="num">168.97</td><td class="num">111.50</td></tr>' &&
    ! printf '%s\n' "$ht" | grep -q '<td[^>]*></td>'; then
    ok "--compare: headline by machine, a status row, a column per run, headline.csv's numbers, \"not measured\" where a run lacks one (CXL on one-node)"
else notok "--compare: headline by machine, a status row, a column per run, headline.csv's numbers, \"not measured\" where a run lacks one (CXL on one-node)" \
    "$ht" "want:" "$want" "got:" "$got"; fi
mc=$(csv_parse <"$OC/machines.csv")
if [ "$(head -1 "$OC/machines.csv")" = "run,status,host,cpu_model,sockets,cpus,memory_per_node,cxl_nodes,kernel,profile,date" ] &&
    [ "$(printf '%s\n' "$mc" | cut -f1 | sort -u)" = 11 ] && [ "$(printf '%s\n' "$mc" | wc -l)" -eq 3 ] &&
    printf '%s\n' "$mc" | grep -qxF "11	one-node	not recorded	vm	AMD EPYC	not recorded	2	0: 4.6 GiB	none	6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0	not recorded	2026-11-22T08:13:58Z" &&
    printf '%s\n' "$mc" | grep -qxF "11	multi-node	complete	synthetic-4node	Synthetic CPU <fixture> & co	not recorded	8	0: 32 GiB, 1: 32 GiB, 2: 16 GiB, 4 (CXL): 64 GiB	4	6.12.0-synthetic #1 SMP PREEMPT_DYNAMIC	quick	2026-11-22T08:00:00Z"; then
    ok "--compare: machines.csv is well-formed CSV (11 fields a row, status after run), a row per run with the table's values unescaped"
else notok "--compare: machines.csv is well-formed CSV (11 fields a row, status after run), a row per run with the table's values unescaped" "$(cat "$OC/machines.csv")" "$mc"; fi
# without --compare: no machine table, no machines.csv
if ! grep -q '<h2>Machines</h2>\|Headline by machine' "$O3/index.html" && [ ! -e "$O3/machines.csv" ] &&
    ! grep -q '<h2>Machines</h2>\|Headline by machine' "$O1/index.html" && [ ! -e "$O1/machines.csv" ]; then
    ok "without --compare (one or several directories): no Machines or Headline by machine table, no machines.csv"
else notok "without --compare (one or several directories): no Machines or Headline by machine table, no machines.csv"; fi
# --compare with one directory: one column
if "$R" --compare "$FX/one-node" --out "$TMP/cmp1" >/dev/null 2>"$TMP/err" &&
    grep -qxF '<table><tr><th>metric, class (unit)</th><th>one-node</th></tr>' "$TMP/cmp1/index.html" &&
    grep -qxF '<tr><th>idle_latency_ns, LDRAM (ns)</th><td class="num">168.97</td></tr>' "$TMP/cmp1/index.html" &&
    [ "$(wc -l <"$TMP/cmp1/machines.csv")" -eq 2 ]; then
    ok "--compare with one directory: one column, one machine"
else notok "--compare with one directory: one column, one machine" "$(cat "$TMP/err")"; fi
# the same OUTDIR again without --compare: the earlier machines.csv goes
# (OUTDIR never keeps another report's table of machines)
if [ -f "$TMP/cmp1/machines.csv" ] && "$R" "$FX/one-node" --out "$TMP/cmp1" >/dev/null 2>"$TMP/err" &&
    [ ! -e "$TMP/cmp1/machines.csv" ] && ! grep -q '<h2>Machines</h2>' "$TMP/cmp1/index.html"; then
    ok "a report without --compare into an OUTDIR of an earlier --compare: its machines.csv removed"
else notok "a report without --compare into an OUTDIR of an earlier --compare: its machines.csv removed" "$(cat "$TMP/err")"; fi
# a hostile host name (and CPU model) is escaped on the page, kept as it is in machines.csv
cp -r "$FX/one-node" "$TMP/evil"
jq '.host = "<script>alert(1)</script> & \"x\",y" | .cpu_model = "<b>bold</b>"' "$FX/one-node/meta.json" >"$TMP/evil/meta.json"
if "$R" --compare "$TMP/evil" "$FX/multi-node" --out "$TMP/cmp-evil" >/dev/null 2>"$TMP/err" &&
    grep -qF '<tr><th>evil</th><td>not recorded</td><td>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;,y</td><td>&lt;b&gt;bold&lt;/b&gt;</td>' "$TMP/cmp-evil/index.html" &&
    ! grep -qi '<script\|<b>' "$TMP/cmp-evil/index.html" &&
    csv_parse <"$TMP/cmp-evil/machines.csv" | grep -qF "11	evil	not recorded	<script>alert(1)</script> & \"x\",y	<b>bold</b>	"; then
    ok "--compare: a host name with <script>, & and quotes is HTML-escaped on the page and quoted in machines.csv"
else notok "--compare: a host name with <script>, & and quotes is HTML-escaped on the page and quoted in machines.csv" \
    "$(cat "$TMP/err")" "$(grep -i 'evil\|script' "$TMP/cmp-evil/index.html" | head -5)" "$(cat "$TMP/cmp-evil/machines.csv")"; fi

# --- --compare --status FILE: a fleet's run states. From $TMP/fleet: the
# multi-node fixture, done (absolute path, reason "-"); failed-run, failed,
# a directory that exists with meta.json but no CSV (relative path, a reason
# with < & "); gone, cancelled, no such directory (named by its host).
mkdir -p "$TMP/fleet/failed-run"
cp "$FX/one-node/meta.json" "$TMP/fleet/failed-run/"
{
    printf 'host\tstate\tjob\treason\tdir\n'
    printf '%s\t%s\t%s\t%s\t%s\n' synthetic-4node "done" 101 - "$FX/multi-node" \
        node-b failed 102 'OOM <killed> & "quoted"' failed-run node-c cancelled 103 '' gone
} >"$TMP/fleet/status.tsv"
OF=$TMP/fleet/out
if (cd "$TMP/fleet" && "$R" --compare --status status.tsv "$FX/multi-node" failed-run gone --out out >"$TMP/out" 2>"$TMP/err") &&
    [ ! -s "$TMP/err" ]; then
    ok "--status: done, failed (no CSV) and cancelled (no directory) runs: exit 0, nothing on stderr"
else notok "--status: done, failed (no CSV) and cancelled (no directory) runs: exit 0, nothing on stderr" "$(cat "$TMP/err")"; fi
check_report fleet "$OF" "$ALL" ""
check_headline fleet "$OF" "$(expected_headline "$FX/multi-node" multi-node "$HAND_MULTI")"
ht=$(sed -n '/<h2>Headline by machine<\/h2>/,/<\/table>/p' "$OF/index.html")
nrows=$(($(wc -l <"$OF/headline.csv") - 1))
if printf '%s\n' "$ht" | sed -n 2p | grep -qxF '<table><tr><th>metric, class (unit)</th><th>multi-node</th><th>failed-run</th><th>node-c</th></tr>' &&
    printf '%s\n' "$ht" | sed -n 3p | grep -qxF '<tr><th>status</th><td>done</td><td>failed: OOM &lt;killed&gt; &amp; &quot;quoted&quot;</td><td>cancelled</td></tr>' &&
    printf '%s\n' "$ht" | grep -qxF '<tr><th>idle_latency_ns, LDRAM (ns)</th><td class="num">111.50</td><td>not measured (failed)</td><td>not measured (cancelled)</td></tr>' &&
    printf '%s\n' "$ht" | grep -qxF '<tr><th>gpu_h2d_pinned_gbps, CXL node 4 (GB/s)</th><td class="num">30.00</td><td>not measured (failed)</td><td>not measured (cancelled)</td></tr>' &&
    [ "$(printf '%s\n' "$ht" | grep -c '^<tr><th>[^<]*</th><td class="num">[0-9.]*</td><td>not measured (failed)</td><td>not measured (cancelled)</td></tr>$')" -eq "$nrows" ] &&
    [ "$nrows" -gt 30 ] && ! grep -q '<killed>\|"quoted"' "$OF/index.html" && ! grep -q '>not measured<' "$OF/index.html"; then
    ok "--status: Headline by machine has a status row (the reason escaped), \"not measured (failed)\" / \"(cancelled)\" in every row those runs lack"
else notok "--status: Headline by machine has a status row (the reason escaped), \"not measured (failed)\" / \"(cancelled)\" in every row those runs lack" \
    "$ht" "$nrows rows in headline.csv"; fi
mt=$(sed -n '/<h2>Machines<\/h2>/,/<\/table>/p' "$OF/index.html")
nr='<td>not recorded</td>'
if printf '%s\n' "$mt" | grep -qF '<tr><th>multi-node</th><td>done</td><td>synthetic-4node</td>' &&
    printf '%s\n' "$mt" | grep -qF '<tr><th>failed-run</th><td>failed: OOM &lt;killed&gt; &amp; &quot;quoted&quot;</td><td>vm</td><td>AMD EPYC</td>' &&
    printf '%s\n' "$mt" | grep -qxF "<tr><th>node-c</th><td>cancelled</td>$nr$nr$nr$nr$nr$nr$nr$nr$nr</tr>"; then
    ok "--status: the Machines table's status column: the state, \": reason\" unless none or \"-\"; the absent run named by its host"
else notok "--status: the Machines table's status column: the state, \": reason\" unless none or \"-\"; the absent run named by its host" "$mt"; fi
mc=$(csv_parse <"$OF/machines.csv")
if [ "$(printf '%s\n' "$mc" | cut -f1 | sort -u)" = 11 ] && [ "$(printf '%s\n' "$mc" | wc -l)" -eq 4 ] &&
    [ "$(printf '%s\n' "$mc" | cut -f2,3 | tr '\t\n' '=;')" = 'run=status;multi-node=done;failed-run=failed: OOM <killed> & "quoted";node-c=cancelled;' ] &&
    printf '%s\n' "$mc" | grep -qxF "11	node-c	cancelled	not recorded	not recorded	not recorded	not recorded	not recorded	not recorded	not recorded	not recorded	not recorded"; then
    ok "--status: machines.csv's status column (11 fields a row, the reason unescaped)"
else notok "--status: machines.csv's status column (11 fields a row, the reason unescaped)" "$(cat "$OF/machines.csv")"; fi
if grep -qxF '<li class="bad">node-c: status (--status): cancelled</li>' "$OF/index.html" &&
    grep -qxF "<li>node-c: no results directory: $TMP/fleet/gone</li>" "$OF/index.html" &&
    grep -qxF '<li class="bad">failed-run: status (--status): failed: OOM &lt;killed&gt; &amp; &quot;quoted&quot;</li>' "$OF/index.html" &&
    grep -qxF '<li>multi-node: status (--status): done</li>' "$OF/index.html"; then
    ok "--status: the notes give each listed run's state, and say when its directory is absent"
else notok "--status: the notes give each listed run's state, and say when its directory is absent" "$(grep '<li' "$OF/index.html" | grep -v 'left out')"; fi
# without --status: run.json's complete, or how many steps are done
cp -r "$FX/multi-node" "$TMP/half"
jq '.complete = false | .steps[2].status = "interrupted"' "$FX/multi-node/run.json" >"$TMP/half/run.json"
if "$R" --compare "$TMP/half" "$FX/multi-node" "$FX/one-node" --out "$TMP/cmp-half" >/dev/null 2>"$TMP/err" &&
    grep -qxF '<tr><th>status</th><td>incomplete (3 of 6 steps done)</td><td>complete</td><td>not recorded</td></tr>' "$TMP/cmp-half/index.html" &&
    csv_parse <"$TMP/cmp-half/machines.csv" | grep -q '^11	half	incomplete (3 of 6 steps done)	synthetic-4node	' &&
    grep -qx '<tr><th>idle_latency_ns, CXL (ns)</th><td class="num">[0-9.]*</td><td class="num">[0-9.]*</td><td>not measured</td></tr>' "$TMP/cmp-half/index.html"; then
    ok "--compare without --status: status from run.json (complete, \"incomplete (N of M steps done)\", \"not recorded\"); plain \"not measured\""
else notok "--compare without --status: status from run.json (complete, \"incomplete (N of M steps done)\", \"not recorded\"); plain \"not measured\"" \
    "$(cat "$TMP/err")" "$(grep '<th>status</th>' "$TMP/cmp-half/index.html")"; fi
# bad input: exit 2, one line naming FILE (and the line), nothing written
S=$TMP/fleet
printf 'host\tstate\tjob\treason\n' >"$S/header.tsv"
printf 'host\tstate\tjob\treason\tdir\nnode-a\tdone\t1\t-\n' >"$S/four.tsv"
printf 'host\tstate\tjob\treason\tdir\nnode-a\tdone\t1\t-\t%s\nnode-x\tfailed\t9\t-\t%s\n' "$FX/multi-node" "$S/other" >"$S/notgiven.tsv"
printf 'host\tstate\tjob\treason\tdir\nnode-a\tdone\t1\t-\t%s\nnode-a\tfailed\t2\t-\t%s\n' "$FX/multi-node" "$FX/multi-node" >"$S/twice.tsv"
printf 'host\tstate\tjob\treason\tdir\nnode-a\t\t1\t-\t%s\n' "$FX/multi-node" >"$S/nostate.tsv"
: >"$S/empty.tsv"
expect_exit "--status without --compare" 2 "^report: --status goes with --compare only" "$R" --status "$S/status.tsv" "$FX/multi-node" --out "$TMP/xs"
expect_exit "--status without a file" 2 "^report: --status needs a file" "$R" --compare "$FX/multi-node" --out "$TMP/xs" --status
expect_exit "--status FILE missing" 2 "^report: --status $S/nope.tsv: no such file, or not readable$" "$R" --compare --status "$S/nope.tsv" "$FX/multi-node" --out "$TMP/xs"
expect_exit "--status FILE with a wrong header" 2 "^report: $S/header.tsv:1: wrong header" "$R" --compare --status "$S/header.tsv" "$FX/multi-node" --out "$TMP/xs"
expect_exit "--status FILE empty" 2 "^report: $S/empty.tsv:1: empty" "$R" --compare --status "$S/empty.tsv" "$FX/multi-node" --out "$TMP/xs"
expect_exit "--status FILE with a line of 4 fields" 2 "^report: $S/four.tsv:2: 4 fields, want 5" "$R" --compare --status "$S/four.tsv" "$FX/multi-node" --out "$TMP/xs"
expect_exit "--status FILE naming a dir that is no DIR argument" 2 "^report: $S/notgiven.tsv:3: dir '$S/other' is not one of the DIR arguments" \
    "$R" --compare --status "$S/notgiven.tsv" "$FX/multi-node" --out "$TMP/xs"
expect_exit "--status FILE listing a dir twice" 2 "^report: $S/twice.tsv:3: dir '.*' is listed twice \(first on line 2\)" \
    "$R" --compare --status "$S/twice.tsv" "$FX/multi-node" --out "$TMP/xs"
expect_exit "--status FILE with an empty state" 2 "^report: $S/nostate.tsv:2: dir '.*' has an empty state" \
    "$R" --compare --status "$S/nostate.tsv" "$FX/multi-node" --out "$TMP/xs"
# a DIR that FILE does not list, or lists as done, must still exist and hold a CSV
# ($S/failed-run is not FILE's "failed-run": matched exactly as given)
printf 'host\tstate\tjob\treason\tdir\nnode-a\tdone\t1\t-\t%s\n' "$FX/multi-node" >"$S/one.tsv"
expect_exit "--status: an absent DIR that FILE does not list is still an error" 2 "no such directory: $S/unlisted" \
    "$R" --compare --status "$S/one.tsv" "$FX/multi-node" "$S/unlisted" --out "$TMP/xs"
expect_exit "--status: a DIR without CSV that FILE does not list is still an error" 2 "$S/failed-run: no CSV in it" \
    "$R" --compare --status "$S/one.tsv" "$FX/multi-node" "$S/failed-run" --out "$TMP/xs"
printf 'host\tstate\tjob\treason\tdir\nnode-d\tdone\t4\t-\t%s\n' "$S/gone" >"$S/donegone.tsv"
expect_exit "--status: a DIR listed as done that does not exist is still an error" 2 "no such directory: $S/gone" \
    "$R" --compare --status "$S/donegone.tsv" "$S/gone" --out "$TMP/xs"
if [ ! -e "$TMP/xs" ]; then ok "--status: bad input writes nothing"; else notok "--status: bad input writes nothing" "$(ls -R "$TMP/xs")"; fi

# --- the script itself
if command -v shellcheck >/dev/null; then
    if shellcheck -s sh "$R" >"$TMP/sc" 2>&1; then ok "plot/report is shellcheck-clean"
    else notok "plot/report is shellcheck-clean" "$(head -20 "$TMP/sc")"; fi
else skip "plot/report is shellcheck-clean" "shellcheck not installed"; fi

# --- the page renders in a browser
if command -v chromium >/dev/null; then
    # render PAGE HEIGHT SHOT DOM: a 1200xHEIGHT screenshot (chromium's log
    # in $TMP/chr) and the parsed DOM; rc its exit status, size the PNG's bytes
    render() {
        $to chromium --headless --no-sandbox --disable-gpu --user-data-dir="$TMP/chromium" \
            --enable-logging=stderr --v=0 --log-level=0 --window-size="1200,$2" \
            --screenshot="$3" "$1" >"$TMP/chr" 2>&1
        rc=$?
        $to chromium --headless --no-sandbox --disable-gpu --user-data-dir="$TMP/chromium" \
            --dump-dom "$1" >"$4" 2>/dev/null
        size=$(wc -c <"$3" 2>/dev/null || echo 0)
    }
    shot=$TMP/shot.png
    to=""
    command -v timeout >/dev/null && to="timeout 60"
    $to chromium --headless --no-sandbox --disable-gpu --user-data-dir="$TMP/chromium" \
        --enable-logging=stderr --v=0 --log-level=0 --window-size=1200,2400 \
        --screenshot="$shot" "file://$O3/index.html" >"$TMP/chr" 2>&1
    rc=$?
    size=$(wc -c <"$shot" 2>/dev/null || echo 0)
    dims=$(od -An -tu1 -j16 -N8 "$shot" 2>/dev/null | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 "x" $5 * 16777216 + $6 * 65536 + $7 * 256 + $8 }')
    if [ "$rc" -eq 0 ] && is_png "$shot" && [ "$size" -gt 50000 ] && [ "$dims" = 1200x2400 ] &&
        ! grep -q 'CONSOLE' "$TMP/chr"; then
        ok "headless chromium renders the two-run report ($size B screenshot, no console message)"
    else notok "headless chromium renders the two-run report" "exit $rc, $size B, $dims" "$(grep -v dbus "$TMP/chr" | tail -5)"; fi
    # the --compare page with a hostile host name: the tables are in the
    # parsed DOM, the host as text (no script element), no console message
    page=file://$TMP/cmp-evil/index.html
    render "$page" 2400 "$TMP/shot3.png" "$TMP/dom3"
    mrows=$(sed -n '/<h2>Machines/,/<\/table>/p' "$TMP/dom3" | grep -c '<tr><th>\(evil\|multi-node\)</th><td>')
    hrows=$(sed -n '/<h2>Headline by machine/,/<\/table>/p' "$TMP/dom3" | grep -c '<tr><th>[a-z_0-9]*, [^<]* ([a-zA-Z/]*)</th><td')
    if [ "$rc" -eq 0 ] && is_png "$TMP/shot3.png" && [ "$size" -gt 50000 ] && ! grep -q 'CONSOLE' "$TMP/chr" &&
        [ "$mrows" -eq 2 ] && [ "$hrows" -eq "$(($(wc -l <"$TMP/cmp-evil/headline.csv") - 1 - $(grep -c '^evil,' "$TMP/cmp-evil/headline.csv")))" ] &&
        grep -qF '<td>&lt;script&gt;alert(1)&lt;/script&gt; &amp; "x",y</td>' "$TMP/dom3" && ! grep -qi '<script' "$TMP/dom3"; then
        ok "headless chromium renders the --compare page ($size B screenshot, $mrows machine rows, $hrows headline rows, the hostile host as text)"
    else notok "headless chromium renders the --compare page" "exit $rc, $size B, $mrows machine rows, $hrows headline rows" \
        "$(grep -v dbus "$TMP/chr" | tail -5)" "$(grep -i 'script' "$TMP/dom3" | head -3)"; fi
    # the --status page: the parsed DOM holds the status row (the reason as
    # text) and "not measured (cancelled)" in every row, no console message
    page=file://$OF/index.html
    render "$page" 2400 "$TMP/shot4.png" "$TMP/dom4"
    canc=$(sed -n '/<h2>Headline by machine/,/<\/table>/p' "$TMP/dom4" | grep -c '<td>not measured (failed)</td><td>not measured (cancelled)</td></tr>')
    if [ "$rc" -eq 0 ] && is_png "$TMP/shot4.png" && [ "$size" -gt 50000 ] && ! grep -q 'CONSOLE' "$TMP/chr" &&
        grep -qF '<tr><th>status</th><td>done</td><td>failed: OOM &lt;killed&gt; &amp; "quoted"</td><td>cancelled</td></tr>' "$TMP/dom4" &&
        grep -qF '<tr><th>node-c</th><td>cancelled</td>' "$TMP/dom4" && [ "$canc" -eq "$nrows" ] && ! grep -q '<killed>' "$TMP/dom4"; then
        ok "headless chromium renders the --status page ($size B screenshot, the status row with the reason as text, $canc rows \"not measured (cancelled)\")"
    else notok "headless chromium renders the --status page" "exit $rc, $size B, $canc of $nrows rows not measured (cancelled)" \
        "$(grep -v dbus "$TMP/chr" | tail -5)" "$(grep '<th>status</th>' "$TMP/dom4")"; fi
    # the tiering parts, in a run that has only them (a short page, all of
    # it in the screenshot): the parsed DOM holds the table and the figures
    mkdir -p "$TMP/tieronly"
    cp "$FX/multi-node/meta.json" "$FX/multi-node/tiering.csv" "$FX/multi-node/tiering_summary.csv" "$TMP/tieronly/"
    "$R" "$TMP/tieronly" >/dev/null 2>&1
    page=file://$TMP/tieronly/report/index.html
    render "$page" 3600 "$TMP/shot2.png" "$TMP/dom"
    rows=$(sed -n '/<h2>Page migration/,/<\/table>/p' "$TMP/dom" | grep -c '<tr><td>')
    imgs=$(grep -c '<img alt="tiering-\(hot\|rate\)-[a-z-]*-hotset" src="data:image/png;base64,' "$TMP/dom")
    if [ "$rc" -eq 0 ] && is_png "$TMP/shot2.png" && [ "$size" -gt 50000 ] && ! grep -q 'CONSOLE' "$TMP/chr" &&
        grep -q '<div class="wide"><table class="small"><tbody><tr><th>mode</th>' "$TMP/dom" && [ "$rows" -eq 6 ] && [ "$imgs" -eq 4 ]; then
        ok "headless chromium renders the page-migration table and the tiering figures ($size B screenshot, 6 rows, 4 figures)"
    else notok "headless chromium renders the page-migration table and the tiering figures" "exit $rc, $size B, $rows rows, $imgs figures" \
        "$(grep -v dbus "$TMP/chr" | tail -5)"; fi
else
    skip "headless chromium renders the two-run report" "chromium not installed"
    skip "headless chromium renders the --compare page" "chromium not installed"
    skip "headless chromium renders the --status page" "chromium not installed"
    skip "headless chromium renders the page-migration table and the tiering figures" "chromium not installed"
fi
