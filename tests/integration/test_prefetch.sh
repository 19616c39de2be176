#!/bin/sh
# Integration tests of --prefetchers on|off|keep (common/prefetch.h) in
# cxlscope-latency, cxlscope-loaded and cxlscope-bandwidth: the real path on
# this machine (exit 77 with the reason where the MSRs cannot be written),
# then a fake MSR tree (CXLSCOPE_MSR_ROOT: one plain file per CPU, the MSR
# at its address as offset, as the msr driver lays it out; the CPU named by
# CXLSCOPE_CPU_MODEL): rows say what was read back, and every file holds
# its old value again after the run, after Ctrl-C and after a run that
# fails once the prefetchers were set.
. "$(dirname "$0")/lib.sh"
L=$BIN/cxlscope-latency
LO=$BIN/cxlscope-loaded
B=$BIN/cxlscope-bandwidth
node0=$(ls -d /sys/devices/system/node/node[0-9]* | head -1 | sed 's/.*node//')
ncpus=$(getconf _NPROCESSORS_ONLN)
MSR=$((0x1a4))
QL="--mem-node $node0 --size 64K --loads 100000 --repeat 3 --min-samples 3 --time-budget 0.2 --no-counters"
QLO="--mem-node $node0 --delays 0 --size 32M --traffic-size 16M --loads 100000 --repeat 3 --min-samples 3 --time-budget 0.2"
QB="--mem-node $node0 --threads 1 --size 16M --repeat 3 --min-samples 3 --time-budget 0.2"

# --- bad input, and the real MSRs of this machine
expect_exit "--prefetchers maybe" 2 "unknown mode 'maybe' \(modes: on, off, keep\)" $L --prefetchers maybe
for t in latency loaded bandwidth; do
    case $t in latency) cmd="$L $QL" ;; loaded) cmd="$LO $QLO" ;; bandwidth) cmd="$B $QB" ;; esac
    if [ -w /dev/cpu/0/msr ]; then
        skip "$t --prefetchers off on the real MSRs" "this machine's MSRs are writable: not changed by a test"
        continue
    fi
    # shellcheck disable=SC2086
    $cmd --prefetchers off --output $TMP/real-$t --quiet >/dev/null 2>$TMP/err
    rc=$?
    if [ $rc -eq 77 ] && [ "$(grep -c 'skipped: --prefetchers off: ' $TMP/err)" -eq 1 ] &&
        [ ! -e $TMP/real-$t/meta.json ]; then
        ok "$t --prefetchers off here: exit 77, the reason in one line, nothing written ($(sed 's/.*--prefetchers off: //' $TMP/err | tail -1))"
    else notok "$t --prefetchers off here: exit 77 with the reason" "exit $rc" "$(cat $TMP/err)"; fi
done

# --- a fake MSR tree: an Intel Sapphire Rapids (family 6, model 143: MSR
# 0x1A4, bits 0-3 and 5 turn the prefetchers off)
# msr_put FILE VALUE (< 65536), msr_get FILE
msr_put() {
    printf "$(printf '\\%03o\\%03o\\000\\000\\000\\000\\000\\000' $(($2 & 255)) $((($2 >> 8) & 255)))" |
        dd of="$1" bs=1 seek=$MSR conv=notrunc 2>/dev/null
}
msr_get() { od -A n -t u8 -j $MSR -N 8 "$1" | tr -d ' '; }
# fake_tree VALUE: ROOT/N/msr for every CPU, each holding VALUE
fake_tree() {
    rm -rf $TMP/msr
    i=0
    while [ $i -lt "$ncpus" ]; do
        mkdir -p $TMP/msr/$i && : >$TMP/msr/$i/msr && msr_put $TMP/msr/$i/msr "$1"
        i=$((i + 1))
    done
}
# all_hold VALUE: every CPU's file holds VALUE (prints the ones that do not)
all_hold() {
    bad="" i=0
    while [ $i -lt "$ncpus" ]; do
        v=$(msr_get $TMP/msr/$i/msr)
        [ "$v" = "$1" ] || bad="$bad cpu$i=$v"
        i=$((i + 1))
    done
    [ -z "$bad" ] || echo "$bad"
}
export CXLSCOPE_MSR_ROOT=$TMP/msr CXLSCOPE_CPU_MODEL=intel:6:143
OLD=$((0x100)) # a bit outside the model's mask, which must stay set

for t in latency loaded bandwidth; do
    case $t in latency) cmd="$L $QL" ;; loaded) cmd="$LO $QLO" ;; bandwidth) cmd="$B $QB" ;; esac
    fake_tree $OLD
    D=$TMP/off-$t
    # shellcheck disable=SC2086
    if $cmd --prefetchers off --output $D --quiet 2>$TMP/err; then
        states=$(csv_col $D/$t.csv prefetchers | sort -u | tr '\n' ' ')
        left=$(all_hold $OLD)
        if [ "$states" = "off " ] && [ -z "$left" ] && grep -q 'prefetchers off on the run' $D/meta.json; then
            ok "$t --prefetchers off: every row says off, meta.json says so, every MSR back to its old value"
        else notok "$t --prefetchers off: rows off, MSRs restored" "rows: $states" "not restored:$left"; fi
    else notok "$t --prefetchers off on a fake MSR tree runs" "$(cat $TMP/err)"; fi
done

# keep changes nothing and reads back; on clears the model's bits
fake_tree $((0x2f))
# shellcheck disable=SC2086
if $L $QL --output $TMP/keep --quiet 2>$TMP/err && [ "$(csv_col $TMP/keep/latency.csv prefetchers)" = off ] &&
    [ -z "$(all_hold $((0x2f)))" ]; then
    ok "--prefetchers keep (default): rows say what is there (off), nothing written"
else notok "--prefetchers keep: rows say what is there" "$(csv_col $TMP/keep/latency.csv prefetchers)" "$(all_hold $((0x2f)))"; fi
fake_tree $((0x12f))
# shellcheck disable=SC2086
if $L $QL --prefetchers on --output $TMP/on --quiet 2>$TMP/err && [ "$(csv_col $TMP/on/latency.csv prefetchers)" = on ] &&
    [ -z "$(all_hold $((0x12f)))" ]; then
    ok "--prefetchers on: rows say on, every MSR back to its old value (0x12f)"
else notok "--prefetchers on" "$(csv_col $TMP/on/latency.csv prefetchers)" "$(all_hold $((0x12f)))" "$(cat $TMP/err)"; fi
fake_tree $((0x3))
# shellcheck disable=SC2086
if $L $QL --output $TMP/partial --quiet 2>/dev/null && [ "$(csv_col $TMP/partial/latency.csv prefetchers)" = partial ]; then
    ok "some of the model's prefetchers off: rows say partial"
else notok "some prefetchers off: partial" "$(csv_col $TMP/partial/latency.csv prefetchers)"; fi

# Ctrl-C: the rows kept, the MSRs restored
fake_tree $OLD
# shellcheck disable=SC2086
interrupt_after_rows $TMP/int/latency.csv 2 0 $L --mem-node $node0 --sweep 64K:64M:2 --loads 100000 \
    --repeat 3 --min-samples 3 --time-budget 0.2 --no-counters --prefetchers off --output $TMP/int --quiet
left=$(all_hold $OLD)
if [ $rc -eq 130 ] && [ -z "$left" ] && [ "$(csv_col $TMP/int/latency.csv prefetchers | sort -u)" = off ]; then
    ok "Ctrl-C during --prefetchers off: exit 130, the $rows rows say off, every MSR restored"
else notok "Ctrl-C during --prefetchers off: MSRs restored" "exit $rc" "not restored:$left" "$(cat $TMP/err2)"; fi

# a run that fails after the prefetchers were set (its CSV name is a
# directory: refused when the output opens, after the change)
fake_tree $OLD
mkdir -p $TMP/fail/latency.csv
# shellcheck disable=SC2086
$L $QL --prefetchers off --output $TMP/fail --quiet 2>$TMP/err
rc=$?
left=$(all_hold $OLD)
if [ $rc -eq 2 ] && [ -z "$left" ] && grep -q 'not a regular file' $TMP/err; then
    ok "a run refused after --prefetchers off took effect: exit 2, every MSR restored"
else notok "a failing run restores the MSRs" "exit $rc" "not restored:$left" "$(cat $TMP/err)"; fi

# a CPU model without public control is refused by family and model
fake_tree $OLD
# shellcheck disable=SC2086
CXLSCOPE_CPU_MODEL=amd:23:49 $L $QL --prefetchers off --quiet >/dev/null 2>$TMP/err
rc=$?
if [ $rc -eq 77 ] && grep -q 'AMD family 0x17 model 0x31' $TMP/err && [ -z "$(all_hold $OLD)" ]; then
    ok "an AMD family 17h (Zen 2) CPU: exit 77 naming vendor, family and model, nothing changed"
else notok "an unknown model: exit 77" "exit $rc" "$(cat $TMP/err)"; fi
