#!/usr/bin/env bash
# scripts/run-latency.sh — the main job for now (make run): an idle-latency
# sweep over every memory node, from the node of the CPU we start on, into
# results/<host>-<UTC timestamp>/ (latency.csv, meta.json, latency.log).
#
# Environment: SWEEP (default 4K:1G), PAGES (default 4k), PATTERNS (default
# random), RESULTS (default results/ in the source tree).
# Exit status: that of cxlscope-latency (0, 1, 2, 77, 130).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
results=${RESULTS:-$top/results}
dir="$results/$(hostname -s)-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dir"
echo "cxlscope: latency sweep ${SWEEP:-4K:1G} (${PATTERNS:-random}, ${PAGES:-4k} pages) over every memory node"
echo "cxlscope: results in $dir"
rc=0
"$top/bin/cxlscope-latency" --mem-node all --sweep "${SWEEP:-4K:1G}" \
    --page-size "${PAGES:-4k}" --pattern "${PATTERNS:-random}" \
    --format table --output "$dir" 2>&1 | tee "$dir/latency.log" || rc=$?
echo "cxlscope: exit $rc; $(($(wc -l <"$dir/latency.csv") - 1)) points in $dir/latency.csv"
exit "$rc"
