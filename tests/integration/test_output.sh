#!/bin/sh
# Integration tests of what every binary writes (common/outfile, output, run):
# 1. the output-file rule: a final or temporary name that is not a regular
#    file is refused (exit 2, one line) and left as it was, for every binary;
# 2. the output directory's lock: a second run on one --output is refused,
#    naming the holder; a stale lock is taken over; the lock file goes away;
# 3. a full disk (a small tmpfs, as root): the CSV keeps whole rows under
#    .partial and meta.json counts exactly those; no room at all: exit 1
#    before measuring;
# 4. comma lists are never cut off: repeats dropped, limits named (exit 2).
. "$(dirname "$0")/lib.sh"
L=$BIN/cxlscope-latency
J=$TESTBIN/jsonq
node0=$(ls -d /sys/devices/system/node/node[0-9]* | head -1 | sed 's/.*node//')
TINY="--mem-node $node0 --sweep 4K:16K:2 --loads 20000 --repeat 3 --min-samples 3 --quiet --no-counters"

# refused NAME KIND-PATTERN PATH CMD...: CMD exits 2 with one line saying PATH
# is not a regular file, and PATH is still what it was (same ls -l type).
refused() {
    name=$1 kind=$2 path=$3
    shift 3
    before=$(ls -ld "$path" | cut -c1)
    timeout 60 "$@" >/dev/null 2>"$TMP/err0"
    rc=$?
    grep -v ': note: ' "$TMP/err0" >"$TMP/err"
    after=$(ls -ld "$path" 2>/dev/null | cut -c1)
    if [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && [ "$before" = "$after" ] &&
        grep -qE "exists and is not a regular file \($kind\); refusing to replace it" "$TMP/err"; then
        ok "$name"
    else notok "$name" "exit $rc, type $before -> $after" "$(cat "$TMP/err")"; fi
}

# --- 1. the output-file rule, binary by binary
D=$TMP/rule
mkdir -p $D
mknod $D/latency.csv c 1 3 2>/dev/null || mkfifo $D/latency.csv
kind=$([ -c $D/latency.csv ] && echo "a character device" || echo "a FIFO")
refused "latency: a device (or FIFO) as latency.csv is refused, exit 2, left alone" "$kind" \
    $D/latency.csv $L $TINY --output $D
[ -e $D/meta.json ] && notok "nothing written before the refusal" "$(ls $D)" ||
    ok "nothing written before the refusal (no meta.json)"
rm -f $D/latency.csv
ln -s $TMP/victim $D/meta.json
refused "a symbolic link as meta.json is refused, not followed" "a symbolic link" $D/meta.json \
    $L $TINY --output $D
[ ! -e $TMP/victim ] && ok "the link's target was not created" || notok "the link's target was not created"
rm -f $D/meta.json
mkfifo $D/latency.csv.partial
refused "a FIFO as latency.csv.partial is refused at once (no hang)" "a FIFO" \
    $D/latency.csv.partial $L $TINY --output $D
rm -f $D/latency.csv.partial
mkdir $D/saturation.csv
refused "bandwidth: a directory as saturation.csv is refused" "a directory" $D/saturation.csv \
    $BIN/cxlscope-bandwidth --mem-node $node0 --size 8M --threads 1 --kind read --repeat 3 \
    --min-samples 3 --time-budget 0.1 --quiet --output $D
rmdir $D/saturation.csv
ln -s /dev/null $D/loaded.csv
refused "loaded: a link to /dev/null as loaded.csv is refused" "a symbolic link" $D/loaded.csv \
    $BIN/cxlscope-loaded --mem-node $node0 --delays 0 --size 4M --traffic-size 8M --loads 20000 \
    --repeat 3 --min-samples 3 --quiet --output $D
rm -f $D/loaded.csv
ln -s $TMP/victim $D/oli-plan-mg.json
refused "interleave: a link as oli-plan-mg.json is refused before measuring" "a symbolic link" \
    $D/oli-plan-mg.json $BIN/cxlscope-interleave --workload mg --size 4M --repeat 3 \
    --min-samples 3 --quiet --output $D
rm -f $D/oli-plan-mg.json
mkfifo $D/cal.json
refused "calibrate: a FIFO as --output FILE is refused before anything is read" "a FIFO" \
    $D/cal.json $BIN/cxlscope-calibrate "$(dirname "$0")/../fixtures/results/vm-small" \
    --output $D/cal.json --quiet
if [ -x $BIN/cxlscope-gpucopy ]; then
    mkfifo $D/gpu_copy_latency.csv
    refused "gpucopy: a FIFO as gpu_copy_latency.csv is refused" "a FIFO" $D/gpu_copy_latency.csv \
        env LD_LIBRARY_PATH=$TESTBIN/fakecuda $BIN/cxlscope-gpucopy --sizes 4K --repeat 3 \
        --min-samples 3 --latency-copies 100 --kind pinned --quiet --output $D
    rm -f $D/gpu_copy_latency.csv
else skip "gpucopy: a FIFO as gpu_copy_latency.csv is refused" "not built (no CUDA toolkit)"; fi
mkdir $D/xlshare_compare.csv
refused "xlshare: a directory as xlshare_compare.csv is refused" "a directory" \
    $D/xlshare_compare.csv $BIN/cxlscope-xlshare --calibration \
    "$(dirname "$0")/../../replay/xlshare-default.json" --model xlshare-8m --tflops 67 \
    --assume h2d_gbps=64,gpu_copy_latency_ns=300,hbm_gbps=3350,ldram_h2d_gbps=16,ldram_copy_latency_ns=300 \
    --inferences 2 --quiet --output $D
rmdir $D/xlshare_compare.csv
echo old >$D/latency.csv
if $L $TINY --output $D 2>/dev/null && [ "$(head -1 $D/latency.csv | cut -d, -f1)" = cpu_node ] &&
    [ ! -e $D/latency.csv.partial ] && [ ! -e $D/meta.json.tmp ] && [ ! -e $D/.cxlscope.lock ]; then
    ok "a regular file is replaced whole; no .partial, .tmp or lock file left"
else notok "a regular file is replaced whole" "$(ls -a $D)"; fi

# --- 2. the lock on an output directory
D=$TMP/lock
mkdir -p $D
# a live holder that is not a cxlscope run: the shell holds the flock
(
    flock -n 9 || exit 1
    echo 4242 >&9
    touch $TMP/held
    while [ ! -e $TMP/release ]; do sleep 0.05; done
) 9>$D/.cxlscope.lock &
holder=$!
i=0
while [ ! -e $TMP/held ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
expect_exit "a second run on one --output is refused, naming the holder's pid" 2 \
    "$D is in use by another run \(pid 4242" $L $TINY --output $D
touch $TMP/release
wait $holder
[ ! -e $D/latency.csv ] && [ ! -e $D/meta.json ] && ok "the refused run wrote nothing" ||
    notok "the refused run wrote nothing" "$(ls -a $D)"
# a stale lock (its holder gone; the file names a pid) is taken over
echo 999999 >$D/.cxlscope.lock
if $L $TINY --output $D 2>$TMP/err && [ "$($J $D/meta.json tests latency complete)" = true ] &&
    [ ! -e $D/.cxlscope.lock ]; then
    ok "a stale lock is taken over, and removed at the end"
else notok "a stale lock is taken over" "$(cat $TMP/err)" "$(ls -a $D)"; fi
# two real writers: the second starts while the first holds the directory
# (the first is long by its sample count, and stopped by Ctrl-C afterwards)
D=$TMP/two
$L --mem-node $node0 --sweep 4K:64M:2 --loads 100000 --repeat 1000 --min-samples 1000 \
    --quiet --output $D 2>$TMP/err1 &
first=$!
i=0
while [ $i -lt 6000 ] && kill -0 $first 2>/dev/null &&
    [ "$(cat $D/latency.csv.partial 2>/dev/null | wc -l)" -lt 2 ]; do
    sleep 0.05
    i=$((i + 1))
done
$L $TINY --output $D >/dev/null 2>$TMP/err
rc2=$?
kill -INT $first
wait $first
rc1=$?
rows=$(($(wc -l <$D/latency.csv) - 1))
if [ $rc2 -eq 2 ] && grep -q "in use by another run (pid $first" $TMP/err && [ $rc1 -eq 130 ] &&
    [ "$rows" -ge 1 ] && [ "$($J $D/meta.json tests latency rows)" = "$rows" ] &&
    [ "$($J $D/meta.json tests latency complete)" = false ]; then
    ok "two writers on one directory: the second refused (exit 2), the first's $rows rows intact and counted"
else notok "two writers on one directory" "second: exit $rc2 $(cat $TMP/err)" \
    "first: exit $rc1, rows $rows, meta rows $($J $D/meta.json tests latency rows)"; fi

# --- 3. a full disk
# free_pages DIR: 4 KiB blocks still free on DIR's filesystem
free_pages() { df -P -B 4096 "$1" | awk 'NR == 2 { print $4 }'; }
if [ "$(id -u)" -ne 0 ]; then
    skip "a full disk keeps whole rows in .partial" "needs root (a tmpfs)"
elif ! mkdir -p $TMP/mnt || ! mount -t tmpfs -o size=1M tmpfs $TMP/mnt 2>/dev/null; then
    skip "a full disk keeps whole rows in .partial" "cannot mount a tmpfs here"
else
    M=$TMP/mnt
    # (a) no room for the 64 KiB kept for meta.json: exit 1 before measuring
    fallocate -l $(($(free_pages $M) * 4096 - 2 * 4096)) $M/ballast
    expect_exit "2 pages free: exit 1 at once, naming the lack of room" 1 \
        "cannot keep 64 KiB for meta.json in $M/a: No space left on device" $L $TINY --output $M/a
    [ ! -e $M/a/latency.csv.partial ] && [ ! -e $M/a/.cxlscope.lock ] &&
        ok "nothing left behind but the empty directory" || notok "nothing left behind" "$(ls -a $M/a)"
    rm -rf $M/ballast $M/a
    # (b) room for the lock's reserve, meta.json and the CSV's first page:
    # the rows fill that page, and the next one cannot be written
    BIG="--mem-node $node0 --sweep 4K:4M:2 --pattern random,seq,stride:128,stride:256 --loads 20000 --repeat 3 --min-samples 3 --quiet --no-counters"
    $L $BIG --output $TMP/dry 2>/dev/null
    mp=$((($(wc -c <$TMP/dry/meta.json) + 4095) / 4096))
    fallocate -l $(($(free_pages $M) * 4096 - (16 + mp + 1) * 4096)) $M/ballast
    $L $BIG --output $M/b >/dev/null 2>$TMP/err
    rc=$?
    P=$M/b/latency.csv.partial
    nf=$(head -1 $P 2>/dev/null | awk -F, '{ print NF }')
    broken=$(awk -F, -v n="$nf" 'NF != n' $P 2>/dev/null | wc -l)
    rows=$(($(wc -l <$P 2>/dev/null || echo 1) - 1))
    if [ $rc -eq 1 ] && [ "$(wc -l <$TMP/err)" -eq 1 ] &&
        grep -q "cannot write $P: No space left on device; $rows whole rows kept in $P" $TMP/err &&
        [ ! -e $M/b/latency.csv ] && [ "$broken" -eq 0 ] && [ "$rows" -gt 0 ] &&
        [ "$rows" -lt "$(($(wc -l <$TMP/dry/latency.csv) - 1))" ] &&
        [ "$(tail -c 1 $P | od -An -c | tr -d ' ')" = '\n' ]; then
        ok "disk full mid-run: exit 1, one line, $rows whole rows kept in latency.csv.partial, no half row"
    else notok "disk full mid-run" "exit $rc: $(cat $TMP/err)" "rows $rows, broken $broken" "$(ls -a $M/b)"; fi
    if [ "$($J $M/b/meta.json tests latency rows)" = "$rows" ] &&
        [ "$($J $M/b/meta.json tests latency complete)" = false ] &&
        [ "$($J $M/b/meta.json tests latency csv)" = latency.csv.partial ]; then
        ok "meta.json after a full disk: incomplete, rows = $rows (the file's), csv = latency.csv.partial"
    else notok "meta.json after a full disk" "$(cat $M/b/meta.json 2>/dev/null | head -40)"; fi
    umount $M
fi

# --- 4. comma lists: never cut off
$L --mem-node $node0 --size 64K --page-size 4k,4k,4k,4k,thp --loads 20000 --repeat 3 \
    --min-samples 3 --no-counters >$TMP/out 2>/dev/null
pages=$(csv_col $TMP/out page_size_req | tr '\n' ' ')
[ "$pages" = "4k thp " ] && ok "--page-size 4k x4,thp: measured 4k once and thp" ||
    notok "--page-size 4k x4,thp: measured 4k once and thp" "page_size column: $pages"
kinds="$(printf 'read,%.0s' $(seq 31))copy,triad"
$BIN/cxlscope-bandwidth --mem-node $node0 --size 8M --threads 1 --kind "$kinds" --repeat 3 \
    --min-samples 3 --time-budget 0.05 >$TMP/out 2>/dev/null
got=$(csv_col $TMP/out kind | tr '\n' ' ')
[ "$got" = "read copy triad " ] && ok "bandwidth --kind 31 x read,copy,triad: read, copy and triad measured" ||
    notok "bandwidth --kind 31 x read,copy,triad" "kind column: $got"
expect_exit "loaded: 65 delays are refused naming the limit" 2 "at most 64 delays" \
    $BIN/cxlscope-loaded --delays "$(seq -s, 0 64)" --mem-node $node0
expect_exit "loaded: a delay over 100 ms is refused naming the bound" 2 \
    "more than the longest delay, 100000000 ns" $BIN/cxlscope-loaded --delays 0,1000000000000 \
    --mem-node $node0
expect_exit "latency: 9 patterns are refused naming the limit" 2 "at most 8 patterns" \
    $L --pattern random,seq,stride:64,stride:128,stride:256,stride:512,stride:1024,stride:2048,stride:4096
