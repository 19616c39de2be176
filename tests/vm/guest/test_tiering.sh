#!/bin/sh
# cxlscope-tiering on the CXL guests, whose CXL node is in a lower memory
# tier: promotion brings hot pages from the CXL node to node 0, demotion
# counts under a full fast tier, interleaved pages take far fewer NUMA hint
# faults than first-touch ones, the modes the kernel has run, and every
# setting is back afterwards. Timings under TCG mean nothing: only movements
# and counters are asserted, durations kept short.
. /tests/lib.sh
B=cxlscope-tiering
if [ -z "$VM_CXL" ]; then
    # No CXL node: the farthest memory node from node 0 stands in as the
    # slow tier (named); the tests below need a lower memory tier.
    far=$(awk '{ b = 0; for (i = 1; i <= NF; i++) if ($i > $(b + 1)) b = i - 1; print b }' \
        /sys/devices/system/node/node0/distance)
    cxlscope-tiering --cpu-node 0 --threads 1 --quiet --placement cxl --size 8M --duration 1 \
        --output /tmp/tier-far 2>/tmp/tier.err
    rc=$?
    [ $rc -eq 0 ] && grep -q "no CXL node: node $far (CPULESS, the farthest) stands in" /tmp/tier.err &&
        [ "$(awk -F, 'NR == 2 { print $9 ":" $8 }' /tmp/tier-far/tiering.csv)" = "far$far:$far" ]
    check $? "tiering: without a CXL node, node $far stands in as the slow tier (named; slow_tag far$far)"
    [ $rc -eq 0 ] || sed 's/^/# /' /tmp/tier.err
    skip "tiering: promotion, demotion, hint faults" "no CXL node in this guest (they need a lower memory tier)"
    exit 0
fi
cxl=${VM_CXL%%,*}
mount -t debugfs none /sys/kernel/debug 2>/dev/null
NB=/proc/sys/kernel/numa_balancing DEM=/sys/kernel/mm/numa/demotion_enabled
SD=/sys/kernel/debug/sched/numa_balancing/scan_delay_ms
before="$(cat $NB) $(cat $DEM) $(cat $SD 2>/dev/null)"
# Short scans so a few seconds hold several passes.
FAST="--cpu-node 0 --threads 1 --interval 1 --scan-delay 100 --scan-period-min 100 --quiet"

# sum FILE COLUMN [FIELD=VALUE]: the column's sum over the rows (that match)
sum() {
    awk -F, -v col="$2" -v sel="${3:-}" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
            split(sel, s, "="); next }
        sel == "" || $c[s[1]] == s[2] { t += $c[col] } END { printf "%d\n", t }' "$1"
}
# get FILE COLUMN FIELD=VALUE: the column in the first row that matches
get() {
    awk -F, -v col="$2" -v sel="$3" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
            split(sel, s, "="); next } $c[s[1]] == s[2] { print $c[col]; exit }' "$1"
}
settings_back() {
    now="$(cat $NB) $(cat $DEM) $(cat $SD 2>/dev/null)"
    [ "$now" = "$before" ]
    check $? "tiering: $1: numa_balancing, demotion_enabled, scan_delay_ms back to '$before' (now '$now')"
}

# --- promotion: every page starts on the CXL node, the hot ones must come up
d=/tmp/tier-promo
echo "tiering: promotion run" >&2
t0=$(now)
$B $FAST --set-kernel --modes tiering --placement cxl --workload hotset --size 16M \
    --fast-capacity 48M --hot-threshold 10000 --duration 10 --output $d 2>/tmp/tier.err
rc=$?
echo "# tiering: promotion run took $(since $t0) s"
check $rc "tiering: --modes tiering --placement cxl --fast-capacity 48M exits 0"
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/tier.err
# The timeline, for the README (selected columns).
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
    { print "# timeline: " $c["interval"] "," $c["t_s"] "," $c["work_per_s"] "," $c["hot_fast_pct"] "," \
        $c["cold_fast_pct"] "," $c["numa_hint_faults"] "," $c["pgpromote_candidate"] "," \
        $c["pgpromote_success"] "," $c["numa_pages_migrated"] }' $d/tiering.csv
s=$d/tiering_summary.csv
promo=$(get $s promotions placement=cxl) h0=$(get $s hot_fast_pct_start placement=cxl)
h1=$(get $s hot_fast_pct_end placement=cxl)
[ "${promo:-0}" -gt 0 ] && [ "$(sum $d/tiering.csv pgpromote_success)" -eq "$promo" ]
check $? "tiering: pgpromote_success grows ($promo pages promoted; the rows add up to the summary)"
awk -v a="$h0" -v b="$h1" 'BEGIN { exit !(a <= 10 && b >= a + 50) }'
check $? "tiering: the hot sample starts on the CXL node ($h0 % on node 0) and rises to $h1 %"
grep -q "fast tier: node 0 limited to 48" $d/meta.json
check $? "tiering: meta.json notes the fast-tier filler"
[ "$(get $s checked placement=cxl)" = ok ]
check $? "tiering: every increment of the hotset is in place after the page moves"
settings_back "after the promotion run"

# --- demotion: the fast tier full, demotion on. (The guest's root is ramfs,
# boot.sh: with a tmpfs root, demotion moved program text to the CXL node
# and QEMU's TCG broke running code from that emulated memory.)
d=/tmp/tier-demote
echo "tiering: demotion run" >&2
$B $FAST --set-kernel --modes tiering --demotion on --placement first-touch --size 64M \
    --fast-capacity 32M --duration 6 --output $d 2>/tmp/tier.err
rc=$?
check $rc "tiering: --demotion on with a full fast tier exits 0"
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/tier.err
dem=$(get $d/tiering_summary.csv demotions placement=first-touch)
[ "${dem:-0}" -gt 0 ]
check $? "tiering: demotions are counted with the fast tier full ($dem pages)"
[ "$(get $d/tiering.csv demotion interval=1)" = on ]
check $? "tiering: the rows say demotion on"
settings_back "after the demotion run"

# --- interleave against first-touch under NUMA balancing: hint faults
d=/tmp/tier-hint
echo "tiering: hint-fault run" >&2
$B $FAST --set-kernel --modes autonuma --placement first-touch,interleave --size 16M \
    --duration 6 --output $d 2>/tmp/tier.err
rc=$?
check $rc "tiering: --modes autonuma --placement first-touch,interleave exits 0"
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/tier.err
ft=$(get $d/tiering_summary.csv hint_faults placement=first-touch)
il=$(get $d/tiering_summary.csv hint_faults placement=interleave)
echo "# tiering: hint faults first-touch $ft, interleave $il"
[ "${ft:-0}" -gt 100 ] && [ $((${il:-0} * 10)) -lt "$ft" ]
check $? "tiering: interleaved pages take under a tenth of first-touch's hint faults ($il vs $ft)"
settings_back "after the hint-fault run"

# --- OLI's plan and a table workload: the counting run, the plan, every
# iteration's checksum
d=/tmp/tier-oli
echo "tiering: oli run" >&2
$B --cpu-node 0 --threads 1 --quiet --placement oli,first-touch --workload cg --size 8M --duration 2 \
    --output $d 2>/tmp/tier.err
rc=$?
check $rc "tiering: --placement oli,first-touch --workload cg (current mode) exits 0"
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/tier.err
[ "$(get $d/tiering_summary.csv checked placement=oli)" = ok ] &&
    [ "$(get $d/tiering_summary.csv work_unit placement=oli)" = iterations ] &&
    grep -q 'cg: hot objects .*OLI interleaves:' $d/meta.json
check $? "tiering: cg under oli: iterations checked, hot objects and OLI's plan in meta.json"

# --- every mode this kernel has, one short run each; counters by name
# (first-touch: the pages on node 0. Both QEMU 10 crashes seen in full guest
# runs under a busy host came during or right after this run when it used
# --placement cxl; the modes and counters need no CXL pages.)
d=/tmp/tier-modes
echo "tiering: four modes" >&2
$B $FAST --set-kernel --placement first-touch --size 8M --duration 2 --output $d 2>/tmp/tier.err
rc=$?
check $rc "tiering: all four modes (kernel $(uname -r)) exit 0"
ran=$(awk -F, 'NR > 1 { print $1 }' $d/tiering_summary.csv | tr '\n' ' ')
[ "$ran" = "none autonuma tiering both " ]
check $? "tiering: the modes run in order: $ran"
if grep -q '^pgdemote_khugepaged ' /proc/vmstat; then
    [ -n "$(get $d/tiering.csv pgdemote_khugepaged interval=1)" ]
    check $? "tiering: pgdemote_khugepaged (this kernel has it) has values"
else
    [ -z "$(get $d/tiering.csv pgdemote_khugepaged interval=1)" ] &&
        grep -q 'lacks (their columns are empty): .*pgdemote_khugepaged' $d/meta.json
    check $? "tiering: pgdemote_khugepaged (this kernel lacks it) is empty and named in meta.json"
fi
settings_back "after the four modes"
