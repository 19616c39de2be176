#!/bin/sh
# Integration tests of bin/cxlscope-tiering on this machine (the multi-node
# behaviour, promotion and demotion, is in the guest tests,
# tests/vm/guest/test_tiering.sh): help, bad input (one line, exit 2), what
# one memory node cannot do (77), a short run in the kernel's current mode
# (the CSVs well formed, the labels as the kernel says, every counter column
# filled exactly when /proc/vmstat has the counter, the summary adding up),
# the table workloads, a counter the kernel lacks (empty column, noted),
# --set-kernel on a fake procfs tree (each mode set, written back at the
# end and on Ctrl-C) and on the real one, "needs root", and meta.json.
# Short runs: 8M, one thread, 1 s of two 0.5 s intervals.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
B=$BIN/cxlscope-tiering
J=$TESTBIN/jsonq
FIX=$top/tests/fixtures/headers
nmem=$(for n in /sys/devices/system/node/node[0-9]*; do
    awk '/MemTotal/ { if ($4 > 0) print }' $n/meminfo; done | wc -l)
QUICK="--size 8M --threads 1 --duration 1 --interval 0.5 --quiet"
NB=/proc/sys/kernel/numa_balancing
uid=$(id -u)

# mode_of VALUE: the mode a numa_balancing value stands for.
mode_of() {
    case $1 in 0) echo none ;; 1) echo autonuma ;; 2) echo tiering ;; 3) echo both ;; *) echo "?$1" ;; esac
}

# fake_proc DIR: a procfs tree (CXLSCOPE_PROCFS_ROOT=DIR) with a copy of
# /proc/vmstat (static: every delta is 0) and sys/kernel/numa_balancing 0.
fake_proc() {
    mkdir -p "$1/sys/kernel"
    cat /proc/vmstat >"$1/vmstat"
    echo 0 >"$1/sys/kernel/numa_balancing"
}

# --- help, version
h=$($B --help)
if echo "$h" | grep -q 'autonuma (1' && echo "$h" | grep -q 'tiering (2' &&
    echo "$h" | grep -q 'both (3' && echo "$h" | grep -q -- '--set-kernel' &&
    echo "$h" | grep -q '^  first-touch' && echo "$h" | grep -q '^  cxl ' &&
    echo "$h" | grep -q '^  interleave ' && echo "$h" | grep -q '^  oli ' &&
    echo "$h" | grep -q -- '--fast-capacity SIZE'; then
    ok "--help explains the modes, the placements and --fast-capacity"
else notok "--help explains the modes, the placements and --fast-capacity"; fi
if echo "$h" | grep -q '^tiering_summary.csv: mode,' && echo "$h" | grep -q 't_hot90_s' &&
    echo "$h" | grep -q '^  checked ' && echo "$h" | grep -q '^Exit status: 0 done' &&
    echo "$h" | grep -q '130 interrupted'; then
    ok "--help lists tiering_summary.csv's columns and the exit status"
else notok "--help lists tiering_summary.csv's columns and the exit status"; fi
if $B --version | grep -qE '^cxlscope-tiering [0-9]+\.[0-9]+'; then ok "--version"; else notok "--version"; fi

# --- bad input: one line, exit 2 (before anything runs)
expect_exit "unknown mode" 2 "unknown mode 'bogus'" $B --set-kernel --modes bogus $QUICK
expect_exit "--hot-fraction 0" 2 "--hot-fraction: '0' is not a percentage in \(0, 100\]" \
    $B --hot-fraction 0 $QUICK
expect_exit "--hot-fraction 150" 2 "--hot-fraction: '150' is not a percentage" \
    $B --hot-fraction 150 $QUICK
expect_exit "--hot-share 101" 2 "--hot-share: '101' is not a percentage in \[0, 100\]" \
    $B --hot-share 101 $QUICK
expect_exit "--interval 0" 2 "--interval: '0' is not a positive number" $B $QUICK --interval 0
expect_exit "--duration shorter than --interval" 2 "--duration 1 is shorter than --interval 2" \
    $B $QUICK --interval 2
expect_exit "--modes without --set-kernel" 2 "--modes needs --set-kernel" $B --modes autonuma $QUICK
expect_exit "unknown placement" 2 "unknown placement 'bogus'" $B --placement bogus $QUICK
expect_exit "unknown workload" 2 "unknown workload 'bogus'" $B --workload bogus $QUICK
expect_exit "unknown demotion setting" 2 "unknown demotion setting 'bogus'" $B --demotion bogus $QUICK
expect_exit "--fast-capacity under 16M" 2 "--fast-capacity: at least 16M" $B --fast-capacity 1M $QUICK

# --- one memory node: no slower tier
if [ "$nmem" -eq 1 ]; then
    expect_exit "--fast-capacity on one memory node: 77" 77 "--fast-capacity needs a slower tier" \
        $B --fast-capacity 64M --placement first-touch $QUICK
    expect_exit "--placement cxl on one memory node: 77" 77 "placement cxl needs a slower tier" \
        $B --placement cxl $QUICK
else
    skip "--fast-capacity on one memory node: 77" "$nmem memory nodes (the guest tests run it)"
    skip "--placement cxl on one memory node: 77" "$nmem memory nodes (the guest tests run it)"
fi

# --- a short run in the kernel's current mode
D=$TMP/run
if [ -r $NB ]; then nb=$(cat $NB) mode=$(mode_of "$nb"); else nb=absent mode=none; fi
if $B $QUICK --placement first-touch --output $D 2>$TMP/err; then
    ok "a short run in the current mode ($mode) exits 0"
else notok "a short run in the current mode exits 0" "$(cat $TMP/err)"; fi
f=$D/tiering.csv s=$D/tiering_summary.csv
if head -n 1 $f | cmp -s - $FIX/tiering.csv && head -n 1 $s | cmp -s - $FIX/tiering_summary.csv; then
    ok "both headers as committed (tests/fixtures/headers)"
else notok "both headers as committed" "$(head -n 1 $f)" "$(head -n 1 $s)"; fi
bad=$(awk -F, 'NR == 1 { n = NF; next } NF != n { print FILENAME " row " FNR - 1 ": " NF " fields, header " n }' $f)
bad=$bad$(awk -F, 'NR == 1 { n = NF; next } NF != n { print FILENAME " row " FNR - 1 ": " NF " fields, header " n }' $s)
if [ "$(($(wc -l <$f) - 1))" -eq 2 ] && [ "$(($(wc -l <$s) - 1))" -eq 1 ] && [ -z "$bad" ]; then
    ok "2 rows (--duration 1 / --interval 0.5) and 1 summary row, each as wide as its header"
else notok "2 rows and 1 summary row, each as wide as its header" "$(wc -l $f $s)" "$bad"; fi
bad=$(awk -F, -v mode="$mode" -v nb="$nb" -v nmem="$nmem" '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["mode"] != mode { print "row " NR - 1 ": mode " $c["mode"] ", want " mode }
    $c["numa_balancing"] != nb { print "row " NR - 1 ": numa_balancing " $c["numa_balancing"] ", want " nb }
    $c["interval"] != NR - 1 { print "row " NR - 1 ": interval " $c["interval"] }
    !($c["work"] ~ /^[0-9]+$/ && $c["work"] > 0) { print "row " NR - 1 ": work " $c["work"] }
    $c["work_unit"] != "accesses" { print "row " NR - 1 ": work_unit " $c["work_unit"] }
    $c["placement"] != "first-touch" || $c["workload"] != "hotset" { print "row " NR - 1 ": labels" }
    nmem == 1 && $c["hot_fast_pct"] != "100.0" { print "row " NR - 1 ": hot_fast_pct " $c["hot_fast_pct"] }
    nmem == 1 && $c["slow_tag"] != "none" { print "row " NR - 1 ": slow_tag " $c["slow_tag"] }' $f)
if [ -z "$bad" ]; then
    ok "rows: mode $mode and numa_balancing $nb as the kernel says, work > 0 accesses$([ "$nmem" -eq 1 ] && echo ', hot pages 100.0 % on the one node')"
else notok "rows: mode, numa_balancing, work, hot_fast_pct" "$bad"; fi
# counter columns: from numa_pte_updates to the end, filled iff /proc/vmstat has it
bad=""
ncount=0
for col in $(head -n 1 $f | tr , '\n' | sed -n '/^numa_pte_updates$/,$p'); do
    ncount=$((ncount + 1))
    vals=$(csv_col $f $col | tr '\n' ' ')
    if grep -q "^$col " /proc/vmstat; then
        echo "$vals" | grep -qE '^([0-9]+ )+$' || bad="$bad $col(has it, column '$vals')"
    else
        [ "$vals" = "  " ] || bad="$bad $col(lacks it, column '$vals')"
    fi
done
if [ -z "$bad" ] && [ $ncount -eq 15 ]; then
    ok "the 15 counter columns: a number exactly where /proc/vmstat has the counter, else empty"
else notok "counter columns filled exactly where /proc/vmstat has the counter" "$ncount columns:$bad"; fi
sum=$(csv_col $f work | awk '{ s += $1 } END { printf "%d", s }')
if [ "$(csv_col $s checked)" = ok ] && [ "$(csv_col $s work_total)" = "$sum" ] &&
    [ "$(csv_col $s intervals)" = 2 ] && [ "$(csv_col $s mode)" = "$mode" ]; then
    ok "summary: checked ok, 2 intervals, work_total $sum = the sum of the rows' work"
else notok "summary: checked ok, work_total = the rows' sum" "rows' sum $sum" "$(cat $s)"; fi
# --output into a fresh directory: meta.json says what was written
if [ "$($J $D/meta.json tests tiering complete)" = true ] &&
    [ "$($J $D/meta.json tests tiering csv)" = tiering.csv ] &&
    [ "$($J $D/meta.json tests tiering rows)" = 2 ] &&
    $J $D/meta.json tests tiering argv | grep -q -- '--placement' && [ ! -e $f.partial ]; then
    ok "--output into a fresh directory: meta.json's tiering entry complete, csv tiering.csv, 2 rows"
else notok "meta.json's tiering entry" "$(ls $D)" "$($J $D/meta.json tests tiering)"; fi

# --- the table workloads: whole iterations, every checksum checked
D=$TMP/table
if $B $QUICK --placement first-touch --workload mg,cg --output $D 2>$TMP/err &&
    [ "$(awk -F, 'NR > 1 { printf "%s:%s:%s ", $5, $15, $NF }' $D/tiering_summary.csv)" = \
        "mg:iterations:ok cg:iterations:ok " ] &&
    [ "$(csv_col $D/tiering.csv work_unit | sort -u)" = iterations ] &&
    [ "$(csv_col $D/tiering.csv workload | tr '\n' ' ')" = "mg mg cg cg " ]; then
    ok "mg and cg under first-touch: work in iterations, every checksum checked ok"
else notok "mg and cg under first-touch" "$(cat $TMP/err)" "$(cat $D/tiering_summary.csv)"; fi

# --- a counter this kernel lacks: its column empty, meta.json says so
P=$TMP/proc-absent
fake_proc $P
grep -v '^pgdemote_khugepaged ' /proc/vmstat >$P/vmstat
[ -r $NB ] && cat $NB >$P/sys/kernel/numa_balancing
D=$TMP/absent
if CXLSCOPE_PROCFS_ROOT=$P $B $QUICK --placement first-touch --output $D 2>$TMP/err; then
    vals=$(csv_col $D/tiering.csv pgdemote_khugepaged | tr '\n' ' ')
    other=$(csv_col $D/tiering.csv pgmigrate_success | tr '\n' ' ')
    if [ "$vals" = "  " ] && { [ "$other" = "0 0 " ] || ! grep -q '^pgmigrate_success ' $P/vmstat; } &&
        $J $D/meta.json tests tiering notes | grep -q 'vmstat counters this kernel lacks (their columns are empty): [a-z_ ,]*pgdemote_khugepaged' &&
        grep -q 'note: vmstat counters this kernel lacks.*pgdemote_khugepaged' $TMP/err; then
        ok "a counter the kernel lacks (pgdemote_khugepaged): empty in every row, named in meta.json's notes"
    else notok "a counter the kernel lacks: empty, noted" "column: '$vals', pgmigrate_success '$other'" \
        "$($J $D/meta.json tests tiering notes)"; fi
else notok "a run on a procfs tree without pgdemote_khugepaged" "$(cat $TMP/err)"; fi

# --- --set-kernel: each mode set, every value written back
if [ "$uid" != 0 ]; then
    for t in "--set-kernel on a fake procfs tree: modes set, 0 written back" \
        "--set-kernel then Ctrl-C: exit 130, rows kept, 0 written back" \
        "--set-kernel then SIGTERM: exit 130, rows kept, 0 written back" \
        "--set-kernel, then a failure: exit 1, 0 written back" \
        "--set-kernel on the real /proc: numa_balancing written back"; do
        skip "$t" "not root"
    done
else
    P=$TMP/proc-set
    fake_proc $P
    D=$TMP/set
    if CXLSCOPE_PROCFS_ROOT=$P $B --set-kernel --modes autonuma,tiering $QUICK --placement first-touch \
        --output $D 2>$TMP/err &&
        [ "$(awk -F, 'NR > 1 { printf "%s:%s ", $1, $2 }' $D/tiering.csv)" = \
            "autonuma:1 autonuma:1 tiering:2 tiering:2 " ] &&
        [ "$(csv_col $D/tiering_summary.csv checked | tr '\n' ' ')" = "ok ok " ] &&
        [ "$(cat $P/sys/kernel/numa_balancing)" = 0 ]; then
        ok "--set-kernel on a fake procfs tree: autonuma (1) then tiering (2) in the rows, 0 written back"
    else notok "--set-kernel on a fake procfs tree: modes set, 0 written back" \
        "now $(cat $P/sys/kernel/numa_balancing)" "$(cat $TMP/err)" "$(cut -d, -f1-4 $D/tiering.csv)"; fi
    # interrupted while autonuma is set: still written back
    D=$TMP/set-int
    interrupt_after_rows $D/tiering.csv 3 0 env CXLSCOPE_PROCFS_ROOT=$P $B --set-kernel \
        --modes autonuma,tiering --size 8M --threads 1 --duration 30 --interval 0.5 \
        --placement first-touch --output $D --quiet
    if [ $rc -eq 130 ] && [ "$rows" -ge 2 ] && [ "$(cat $P/sys/kernel/numa_balancing)" = 0 ] &&
        [ "$(csv_col $D/tiering.csv numa_balancing | sort -u)" = 1 ] &&
        [ "$($J $D/meta.json tests tiering complete)" = false ]; then
        ok "--set-kernel then Ctrl-C: exit 130, the $rows rows (autonuma, 1) kept, 0 written back"
    else notok "--set-kernel then Ctrl-C: exit 130, rows kept, 0 written back" \
        "rc=$rc rows=$rows now $(cat $P/sys/kernel/numa_balancing)" "$(cat $TMP/err2)"; fi
    # SIGTERM while tiering is set: written back, rows kept
    D=$TMP/set-term
    SIG=TERM
    interrupt_after_rows $D/tiering.csv 3 0 env CXLSCOPE_PROCFS_ROOT=$P $B --set-kernel \
        --modes tiering --size 8M --threads 1 --duration 30 --interval 0.5 \
        --placement first-touch --output $D --quiet
    SIG=INT
    if [ $rc -eq 130 ] && [ "$rows" -ge 2 ] && [ "$(cat $P/sys/kernel/numa_balancing)" = 0 ] &&
        [ "$(csv_col $D/tiering.csv numa_balancing | sort -u)" = 2 ]; then
        ok "--set-kernel then SIGTERM: exit 130, the $rows rows (tiering, 2) kept, 0 written back"
    else notok "--set-kernel then SIGTERM: exit 130, rows kept, 0 written back" \
        "rc=$rc rows=$rows now $(cat $P/sys/kernel/numa_balancing)" "$(cat $TMP/err2)"; fi
    # a failure after the mode was set (the buffer does not fit): written back
    D=$TMP/set-fail
    if CXLSCOPE_PROCFS_ROOT=$P $B --set-kernel --modes autonuma --size 64T --threads 1 \
        --duration 1 --placement first-touch --output $D 2>$TMP/err; then rc=0; else rc=$?; fi
    if [ $rc -eq 1 ] && grep -q 'does not fit' $TMP/err &&
        [ "$(cat $P/sys/kernel/numa_balancing)" = 0 ]; then
        ok "--set-kernel, then a failure (64T does not fit): exit 1, 0 written back"
    else notok "--set-kernel, then a failure: exit 1, 0 written back" \
        "rc=$rc now $(cat $P/sys/kernel/numa_balancing)" "$(cat $TMP/err)"; fi
    # the real /proc
    if [ ! -w $NB ]; then
        skip "--set-kernel on the real /proc: numa_balancing written back" "$NB absent or not writable"
    else
        before=$(cat $NB)
        D=$TMP/set-real
        $B --set-kernel --modes autonuma $QUICK --placement first-touch --output $D 2>$TMP/err
        rc=$?
        if [ $rc -eq 77 ]; then
            skip "--set-kernel on the real /proc: numa_balancing written back" "$(tail -1 $TMP/err)"
        elif [ $rc -eq 0 ] && [ "$(cat $NB)" = "$before" ] &&
            [ "$(csv_col $D/tiering.csv mode | sort -u)" = autonuma ] &&
            [ "$(csv_col $D/tiering.csv numa_balancing | sort -u)" = 1 ]; then
            ok "--set-kernel on the real /proc: autonuma (1) in the rows, $before written back"
        else notok "--set-kernel on the real /proc: numa_balancing written back" \
            "exit $rc, now $(cat $NB), was $before" "$(cat $TMP/err)"; fi
    fi
fi

# --- not root: --set-kernel says so, 77
if [ "$uid" != 0 ]; then
    expect_exit "--set-kernel not root: 77, needs root" 77 "--set-kernel needs root" \
        $B --set-kernel $QUICK
elif setpriv --reuid=65534 --regid=65534 --clear-groups test -x $B 2>/dev/null; then
    expect_exit "--set-kernel not root (setpriv, uid 65534): 77, needs root" 77 "--set-kernel needs root" \
        setpriv --reuid=65534 --regid=65534 --clear-groups $B --set-kernel $QUICK
elif su nobody -s /bin/sh -c "test -x $B" 2>/dev/null; then
    expect_exit "--set-kernel not root (su nobody): 77, needs root" 77 "--set-kernel needs root" \
        su nobody -s /bin/sh -c "$B --set-kernel $QUICK"
else
    skip "--set-kernel not root: 77, needs root" "neither setpriv nor su nobody can run $B"
fi
