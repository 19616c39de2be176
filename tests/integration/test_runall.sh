#!/bin/sh
# Integration tests of run-all: usage errors, every profile's steps accepted
# by their binaries, the quick profile end to end with its report, a failing
# and a skipped step, and interrupt-then-resume for real. Then, in a fake tree
# with a step binary the profile controls: step IDs, --plan --resume, failed
# steps' reasons and their retry, a damaged run.json, a full disk (tmpfs, as
# root), the output-file rule, the lock on the run directory and kill -9.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
R=$top/run-all
case $BIN in
*asan*)
    skip "run-all" "the harness runs the release binaries next to it; tested in the release pass"
    exit 0
    ;;
esac
J() { jq -r "$@"; }

# --- usage
if $R --help | grep -q -- '--resume' && $R --help | grep -q 'Exit status'; then ok "--help"
else notok "--help"; fi
expect_exit "unknown option" 2 "unknown option '--bogus'" $R --bogus
expect_exit "unknown profile" 2 "no profile 'nope' \\(profiles: .*quick" $R --profile nope --no-deps
expect_exit "unknown test" 2 "no test 'gpu'" $R --tests gpu --no-deps --out $TMP/x
expect_exit "--resume of a directory that is not a run" 2 "not a run-all directory" $R --resume $TMP
expect_exit "--resume with --out" 2 "do not go together" $R --resume $TMP --out $TMP/y
expect_exit "bad --nodes" 2 "--nodes" $R --nodes '0;rm' --plan

# --- every profile: a plan, and every step's arguments accepted by its binary
for pf in $top/profiles/*.profile; do
    p=$(basename $pf .profile)
    if $R --plan --profile $p >$TMP/plan 2>&1 && grep -q 'steps, estimated' $TMP/plan; then
        bad=""
        while IFS=$(printf '\t') read -r id test _ args; do
            # parsing stops at the first bad option: a trailing bad --format
            # is the one named only if everything before it was accepted
            # shellcheck disable=SC2086
            [ -x "$BIN/cxlscope-$test" ] || continue # gpucopy without a CUDA toolkit
            msg=$($BIN/cxlscope-$test $args --format nope 2>&1 >/dev/null | head -1)
            echo "$msg" | grep -q "format" || bad="$bad $id: $msg;"
        done <<EOT
$(awk '/^[ \t]*(#|$)/ { next } { id = $1; t = $2; $1 = $2 = $3 = ""; sub(/^ +/, ""); gsub(/\{nodes\}/, "all"); gsub(/\{ncpu\}/, "2"); gsub(/\{prefetchers\}/, "keep"); print id "\t" t "\t0\t" $0 }' $pf)
EOT
        if [ -z "$bad" ]; then ok "profile $p: plan printed, every step's arguments accepted"
        else notok "profile $p: every step's arguments accepted" "$bad"; fi
    else notok "profile $p: plan" "$(cat $TMP/plan)"; fi
done

# --- {prefetchers}: off where a tiny --prefetchers off run works, else keep
# with the reason. Here through a fake MSR tree (common/prefetch.h), which
# lets it work; and as this machine has it.
mkdir -p $TMP/msr
i=0
while [ $i -lt "$(getconf _NPROCESSORS_ONLN)" ]; do
    mkdir -p $TMP/msr/$i && head -c 4096 /dev/zero >$TMP/msr/$i/msr
    i=$((i + 1))
done
if CXLSCOPE_MSR_ROOT=$TMP/msr CXLSCOPE_CPU_MODEL=intel:6:143 $R --plan --profile quick >$TMP/pf.out 2>&1 &&
    grep -q 'latency-random .*--prefetchers off' $TMP/pf.out && grep -q 'prefetchers}: --prefetchers off' $TMP/pf.out &&
    [ "$(od -A n -t u8 -j $((0x1a4)) -N 8 $TMP/msr/0/msr | tr -d ' ')" = 0 ]; then
    ok "{prefetchers} where they can be turned off: --prefetchers off in the plan, the probe's change undone"
else notok "{prefetchers} with a fake MSR tree: off" "$(cat $TMP/pf.out)"; fi
$R --plan --profile quick >$TMP/pf.out 2>&1
if grep -q 'latency-random .*--prefetchers off' $TMP/pf.out; then
    grep -q 'prefetchers}: --prefetchers off' $TMP/pf.out &&
        ok "{prefetchers} on this machine: off, and said" || notok "{prefetchers} off but not said" "$(cat $TMP/pf.out)"
elif grep -q 'latency-random .*--prefetchers keep' $TMP/pf.out &&
    grep -q 'prefetchers}: --prefetchers keep (the prefetchers as the machine has them): --prefetchers off: ' $TMP/pf.out; then
    ok "{prefetchers} on this machine: keep, with why ($(grep -o 'keep (the.*' $TMP/pf.out | head -1))"
else notok "{prefetchers} on this machine: keep with the reason" "$(cat $TMP/pf.out)"; fi

# --- the quick profile end to end, from another directory: results only in --out
mkdir -p $TMP/cwd
before=$(cd $top && git status --porcelain 2>/dev/null | md5sum)
OUT=$TMP/quick
(cd $TMP/cwd && $R --profile quick --out $OUT >$TMP/quick.out 2>&1)
rc=$?
after=$(cd $top && git status --porcelain 2>/dev/null | md5sum)
if [ $rc -eq 0 ] || [ $rc -eq 3 ]; then ok "quick profile ends with exit $rc ($(grep summary $TMP/quick.out))"
else notok "quick profile ends with exit 0 or 3" "exit $rc" "$(tail -20 $TMP/quick.out)"; fi
if [ "$(J .complete $OUT/run.json)" = true ] &&
    [ "$(J '[.steps[] | select(.status == "done" or (.status == "skipped" and .reason != null))] | length' $OUT/run.json)" = \
      "$(J '.steps | length' $OUT/run.json)" ]; then
    ok "run.json: complete, every step done (or skipped with a reason)"
else notok "run.json complete" "$(cat $OUT/run.json)"; fi
if J '.notes[]' $OUT/run.json | grep -q '^steps with {prefetchers}: --prefetchers' &&
    grep -q 'steps with {prefetchers}: --prefetchers' $OUT/report/index.html &&
    grep -q 'steps with {prefetchers}' $TMP/quick.out; then
    ok "the {prefetchers} decision in run.json's notes, the summary and the report"
else notok "the {prefetchers} decision said" "$(J .notes $OUT/run.json)"; fi
# the cpuset the run may use, recorded; nothing hidden here, so no warning
if [ "$(J .cpus_allowed $OUT/run.json)" = "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)" ] &&
    [ "$(J .mems_allowed $OUT/run.json)" = "$(sed -n 's/^Mems_allowed_list:[[:space:]]*//p' /proc/self/status)" ] &&
    ! J '.notes[]' $OUT/run.json | grep -q cpuset; then
    ok "run.json records the cpuset (cpus_allowed, mems_allowed); no node hidden, no warning"
else notok "run.json records the cpuset" "$(J '{cpus_allowed, mems_allowed, notes}' $OUT/run.json)"; fi
# a cpuset hiding a memory node (a fake /proc/self/status): warned, naming it
mkdir -p $TMP/cs/self
hm=$(cat /sys/devices/system/node/has_memory 2>/dev/null)
if [ -n "$hm" ]; then
    sed 's/^Mems_allowed_list:.*/Mems_allowed_list:\t999/' /proc/self/status >$TMP/cs/self/status
    CXLSCOPE_PROCFS_ROOT=$TMP/cs $R --plan --profile smoke >$TMP/cs.out 2>&1
    if grep -q "warning: this run's cpuset hides memory node(s) .* (Mems_allowed_list 999; the machine has memory on $hm): they cannot be measured" $TMP/cs.out; then
        ok "a cpuset hiding memory nodes (fake /proc/self/status): a warning naming them"
    else notok "a cpuset hiding memory nodes: a warning naming them" "$(cat $TMP/cs.out)"; fi
else skip "a cpuset hiding memory nodes" "no /sys/devices/system/node/has_memory here"; fi
missing=""
for f in latency.csv latency_dist.csv bandwidth.csv saturation.csv loaded.csv meta.json xlshare.csv \
    steps/calibrate/calibration.json; do
    [ -s $OUT/$f ] || missing="$missing $f"
done
for id in $(J '.steps[].id' $OUT/run.json); do
    [ -s $OUT/logs/$id.log ] || missing="$missing logs/$id.log"
    # a step that measured (wrote a CSV) has its meta.json entry; calibrate
    # writes calibration.json only, and a skipped step nothing
    ls $OUT/steps/$id/*.csv >/dev/null 2>&1 || continue
    [ "$(J --arg id $id '.tests[$id].complete' $OUT/meta.json)" = true ] || missing="$missing meta.json:$id"
done
if [ -z "$missing" ]; then ok "merged CSVs, meta.json with an entry per step that measured, a log per step"
else notok "merged CSVs, meta.json entries, logs" "missing:$missing"; fi
if grep -Eq '\[1/[0-9]+\] .* running — elapsed .*, remaining' $TMP/quick.out &&
    [ "$(J '[.steps[] | select(.status == "done" and (.headline == null))] | length' $OUT/run.json)" = 0 ] &&
    grep -q 'done in .*s: idle latency' $TMP/quick.out; then
    ok "progress: step i of N with elapsed and remaining time, a headline per finished step"
else notok "progress lines and headlines" "$(cat $TMP/quick.out)"; fi
rows=$(awk 'END { print NR - 1 }' $OUT/latency.csv)
srows=$(cat $OUT/steps/*/latency.csv | grep -vc '^cpu_node')
if [ "$rows" -gt 0 ] && [ "$rows" = "$srows" ]; then ok "latency.csv holds every step's $rows rows, one header"
else notok "latency.csv merged" "$rows vs $srows"; fi
if [ -z "$(ls -A $TMP/cwd)" ] && [ "$before" = "$after" ]; then
    ok "nothing written outside the output directory (cwd empty, source tree unchanged)"
else notok "nothing written outside the output directory" "$(ls -A $TMP/cwd)"; fi
if [ -x $top/plot/report ]; then
    if [ -s $OUT/report/index.html ] && grep -q '<h2>Cache model (XL-Share)</h2>' $OUT/report/index.html &&
        [ -s $OUT/report/xlshare-latency.png ]; then
        ok "the report is made: report/index.html, with the cache model's table and figure"
    else notok "the report is made" "$(cat $OUT/logs/report.log 2>/dev/null)"; fi
else skip "the report is made" "plot/report not present"; fi
[ -d $OUT ] && cp -r $OUT $TMP/quick-kept 2>/dev/null

# --- a failing step and a skipped step: recorded, the run goes on
cat >$TMP/fs.profile <<EOP
#: a failing and a skipped step
too-big   latency  1  --mem-node all --size 1T
no-cxl    latency  1  --mem-node cxl --size 1M
fine      latency  1  --mem-node all --size 1M --repeat 5 --min-samples 3 --time-budget 0.2 --loads 20000
EOP
$R --profile $TMP/fs.profile --out $TMP/fs --no-report >$TMP/fs.out 2>&1
rc=$?
if [ $rc -eq 1 ] && [ "$(J '[.steps[].status] | join(" ")' $TMP/fs/run.json)" = "failed skipped done" ] &&
    J '.steps[0].reason' $TMP/fs/run.json | grep -q 'cannot hold' &&
    J '.steps[1].reason' $TMP/fs/run.json | grep -qi 'cxl' && grep -q 'too-big (latency): failed: ' $TMP/fs.out; then
    ok "a failing step is recorded with its reason, a skipped one too, the run goes on, exit 1"
else notok "failing and skipped steps recorded" "exit $rc" "$(cat $TMP/fs.out)"; fi

# --- a step done with some targets skipped (no free 1 GiB pages): exit 3
g1=$(cat /sys/devices/system/node/node*/hugepages/hugepages-1048576kB/free_hugepages 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
if [ "$g1" = 0 ]; then
    cat >$TMP/ts.profile <<EOP
#: a step with a target that cannot be measured
pages     latency  1  --mem-node all --page-size 1g,4k --size 1M --repeat 5 --min-samples 3 --time-budget 0.2 --loads 20000
EOP
    $R --profile $TMP/ts.profile --out $TMP/ts --no-report >$TMP/ts.out 2>&1
    rc=$?
    if [ $rc -eq 3 ] && [ "$(J '.steps[0].status' $TMP/ts/run.json)" = done ] &&
        [ "$(J '.steps[0].skipped_targets' $TMP/ts/run.json)" -ge 1 ] &&
        J '.steps[0].reason' $TMP/ts/run.json | grep -q '1g pages' &&
        grep -q 'pages (latency): done: .* target(s) skipped' $TMP/ts.out &&
        [ "$(csv_col $TMP/ts/latency.csv page_size_req | sort -u)" = 4k ]; then
        ok "a step with a skipped target: done, its 4k rows merged, the target named, exit 3"
    else notok "a step with a skipped target: done, the target named, exit 3" "exit $rc" "$(cat $TMP/ts.out)"; fi
else
    skip "a step with a skipped target: done, the target named, exit 3" "this machine has free 1 GiB pages"
fi

# --- interrupt for real, then resume: finished steps kept, the rest run
cat >$TMP/ir.profile <<EOP
#: interrupt and resume
a-lat   latency   1  --mem-node all --size 2M --repeat 5 --min-samples 3 --time-budget 0.2 --loads 20000
b-long  loaded    20 --mem-node all --delays 0,100,1000,10000 --size 32M --traffic-size 16M --loads 50000 --repeat 200 --min-samples 100 --time-budget 20
c-lat   latency   1  --mem-node all --size 1M --repeat 5 --min-samples 3 --time-budget 0.2 --loads 20000
EOP
IR=$TMP/ir
$R --profile $TMP/ir.profile --out $IR --no-report >$TMP/ir.out 2>&1 &
pid=$!
i=0
# interrupted mid-step: once b-long has written its first row (of 5; each
# point takes at least 100 samples of 50000 dependent loads)
while [ $i -lt 3000 ] && [ "$(cat $IR/steps/b-long/loaded.csv.partial 2>/dev/null | wc -l)" -lt 2 ]; do
    sleep 0.05
    i=$((i + 1))
done
kill -TERM $pid
wait $pid
rc=$?
a_log=$(md5sum <$IR/logs/a-lat.log)
st1=$(J '[.steps[].status] | join(" ")' $IR/run.json)
if [ $rc -eq 130 ] && [ "$st1" = "done interrupted pending" ] && [ "$(J .complete $IR/run.json)" = false ] &&
    [ -s $IR/latency.csv ] && grep -q -- "--resume $IR" $TMP/ir.out; then
    ok "interrupted: exit 130, steps '$st1', finished results kept, resume command shown"
else notok "interrupted mid-run" "exit $rc, steps '$st1'" "$(cat $TMP/ir.out)"; fi
$R --resume $IR --no-report >$TMP/ir2.out 2>&1
rc=$?
st2=$(J '[.steps[].status] | join(" ")' $IR/run.json)
ids=$(J '[.steps[].id] | join(" ")' $IR/run.json)
plan=$(cut -f1 $IR/plan.tsv | tr '\n' ' ' | sed 's/ $//')
if [ $rc -eq 0 ] && [ "$st2" = "done done done" ] && [ "$ids" = "$plan" ] && [ "$ids" = "a-lat b-long c-lat" ] &&
    [ "$(md5sum <$IR/logs/a-lat.log)" = "$a_log" ] && grep -q 'a-lat: done earlier, kept' $TMP/ir2.out &&
    [ "$(J .complete $IR/run.json)" = true ] &&
    [ "$(awk -F, 'NR > 1' $IR/loaded.csv | wc -l)" -eq 5 ]; then
    ok "--resume: the step list is the plan's, a-lat not redone, b-long and c-lat run, complete"
else notok "--resume" "exit $rc, steps '$st2', ids '$ids' vs plan '$plan'" "$(cat $TMP/ir2.out)"; fi

# --- a fake tree for the harness's own behaviour: run-all (linked, so its
# top is $FT), a Makefile with nothing to build and bin/cxlscope-fake, a step
# binary whose behaviour the profile line chooses (fast, no timing)
FT=$TMP/ft
mkdir -p $FT/bin
ln -s $R $FT/run-all
printf 'all:\n\t@:\n' >$FT/Makefile
cat >$FT/bin/cxlscope-fake <<'EOF'
#!/bin/sh
# cxlscope-fake MODE [FLAG] [WORDS...] --output DIR --quiet. ok: writes
# DIR/fake.csv and DIR/meta.json; fail-unless FLAG: an error line and a note,
# exit 1, until the file FLAG exists, then ok; silent-fail: exit 1, no word;
# hang-until FLAG: waits for FLAG (SIGTERM ends it: exit 143), then ok;
# stubborn FLAG: the same, ignoring SIGTERM and SIGINT. A wait ends after 30 s.
# hang-until and stubborn write their pid to DIR/fake.pid first.
mode=$1 flag=${2:-} out=""
while [ $# -gt 0 ]; do [ "$1" = --output ] && out=$2; shift; done
ok() {
    printf 'step,value\n%s,1\n' "${out##*/}" >"$out/fake.csv" &&
        printf '{"host": "fake", "tests": {"fake": {"complete": true}}}\n' >"$out/meta.json" && exit 0
    echo "cxlscope-fake: error: cannot write $out"
    exit 1
}
wait_flag() {
    echo $$ >"$out/fake.pid.w" && mv "$out/fake.pid.w" "$out/fake.pid"
    i=0
    while [ ! -e "$flag" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
}
case $mode in
ok) ok ;;
fail-unless) [ -e "$flag" ] && ok; echo "cxlscope-fake: error: no $flag"; echo "cxlscope-fake: note: giving up"; exit 1 ;;
silent-fail) exit 1 ;;
hang-until) trap 'exit 143' TERM; wait_flag; ok ;;
stubborn) trap '' TERM INT; wait_flag; ok ;;
esac
echo "cxlscope-fake: error: unknown mode $mode"
exit 2
EOF
chmod +x $FT/bin/cxlscope-fake
FR="$FT/run-all --no-deps --no-report"

# --- step IDs: a letter or digit, then letters, digits, . _ -; never a path
bad=""
for id in . .. a/b ../../victim .hidden -x 'x$y' 'a\b'; do
    printf '#: a bad step ID\n%s fake 1 ok\n' "$id" >$TMP/id1.profile
    $FR --plan --profile $TMP/id1.profile >/dev/null 2>$TMP/err
    rc=$?
    [ $rc -eq 2 ] && [ "$(wc -l <$TMP/err)" -eq 1 ] &&
        grep -qxF "run-all: error: profile $TMP/id1.profile line 2: bad step ID '$id' (letters, digits, . _ -)" $TMP/err ||
        bad="$bad [$id: exit $rc, $(cat $TMP/err)]"
done
printf 'A.b_c-1 fake 1 ok\n9 fake 1 ok\n' >$TMP/id2.profile
$FR --plan --profile $TMP/id2.profile >$TMP/out 2>&1 || bad="$bad [good IDs refused: $(cat $TMP/out)]"
if [ -z "$bad" ]; then ok "step IDs: '.', '..', paths, leading . or -, other characters refused with the line (exit 2); A.b_c-1, 9 accepted"
else notok "step IDs checked" "$bad"; fi
mkdir -p $TMP/idv/victim && echo keep >$TMP/idv/victim/keep
printf '#: a step ID that is a path\nok1 fake 1 ok\n../../victim fake 1 ok\n' >$TMP/idv.profile
expect_exit "a profile step ID ../../victim: refused before anything runs" 2 \
    "^run-all: error: profile $TMP/idv.profile line 3: bad step ID '\.\./\.\./victim' \(letters, digits, \. _ -\)$" \
    $FR --profile $TMP/idv.profile --out $TMP/idv/run
if [ -f $TMP/idv/victim/keep ] && [ ! -e $TMP/idv/run/run.json ]; then ok "... and nothing outside the run directory removed"
else notok "nothing outside the run directory removed" "$(ls -R $TMP/idv)"; fi
printf '#: one step\nok1 fake 1 ok\n' >$TMP/ok.profile
mkdir -p $TMP/idr/victim && echo keep >$TMP/idr/victim/keep
$FR --profile $TMP/ok.profile --out $TMP/idr/run >/dev/null 2>&1
printf '../../victim\tfake\t1\tok\n' >$TMP/idr/run/plan.tsv
expect_exit "--resume of a plan.tsv with the step ID ../../victim: refused" 2 \
    "^run-all: error: $TMP/idr/run/plan.tsv line 1: bad step ID '\.\./\.\./victim'" $FR --resume $TMP/idr/run
if [ -f $TMP/idr/victim/keep ]; then ok "... and nothing outside the run directory removed"
else notok "--resume: nothing outside the run directory removed" "$(ls -R $TMP/idr)"; fi

# --- --plan --resume DIR: that run's plan with what --resume would do, nothing run
printf '#: two steps\nok1 fake 1 ok\nok2 fake 1 ok\n' >$TMP/two.profile
$FR --profile $TMP/two.profile --out $TMP/pr >/dev/null 2>&1
jq '.steps[1].status = "interrupted" | .complete = false' $TMP/pr/run.json >$TMP/pr.json && cp $TMP/pr.json $TMP/pr/run.json
sum=$(cat $TMP/pr/run.json $TMP/pr/logs/* | md5sum)
$FR --plan --resume $TMP/pr >$TMP/out 2>$TMP/err
rc=$?
if [ $rc -eq 0 ] && [ ! -s $TMP/err ] && grep -q "resume of $TMP/pr: profile two" $TMP/out &&
    grep -q ' 1\. ok1 .*\[done, kept\]$' $TMP/out && grep -q ' 2\. ok2 .*\[interrupted, runs\]$' $TMP/out &&
    grep -q '2 steps, estimated 2 s; to run: 1, ~1 s' $TMP/out && [ "$(cat $TMP/pr/run.json $TMP/pr/logs/* | md5sum)" = "$sum" ]; then
    ok "--plan --resume: the run's plan, each step kept or run, nothing run"
else notok "--plan --resume" "exit $rc" "$(cat $TMP/out $TMP/err)"; fi

# --- a failed step's reason: the binary's last error line, never the command
# line at the top of its log; --resume runs failed steps again, keeps done ones
printf '#: failures\nf1 fake 1 fail-unless %s\nf2 fake 1 silent-fail x: error: from-args\nok1 fake 1 ok\n' "$TMP/fr.flag" >$TMP/fr.profile
$FR --profile $TMP/fr.profile --out $TMP/fr >$TMP/out 2>&1
rc=$?
r1=$(J '.steps[0].reason' $TMP/fr/run.json) r2=$(J '.steps[1].reason' $TMP/fr/run.json)
if [ $rc -eq 1 ] && [ "$r1" = "no $TMP/fr.flag" ] && [ "$r2" = "exit 1 without a message" ] &&
    head -1 $TMP/fr/logs/f2.log | grep -q '^\$ .*x: error: from-args'; then
    ok "a failed step's reason is its last error line, or 'exit N without a message': not the logged command line"
else notok "failed steps' reasons" "exit $rc, reasons '$r1', '$r2'" "$(cat $TMP/out)"; fi
ok_log=$(md5sum <$TMP/fr/logs/ok1.log)
touch $TMP/fr.flag
$FR --resume $TMP/fr >$TMP/out 2>&1
rc=$?
if [ $rc -eq 1 ] && [ "$(J '[.steps[].status] | join(" ")' $TMP/fr/run.json)" = "done failed done" ] &&
    grep -q '\[2/3\] fake (f2) running' $TMP/out && grep -q 'ok1: done earlier, kept' $TMP/out &&
    [ "$(md5sum <$TMP/fr/logs/ok1.log)" = "$ok_log" ] && [ "$(J .complete $TMP/fr/run.json)" = true ]; then
    ok "--resume runs the failed steps again (f1 now done, f2 failed again), keeps the done one"
else notok "--resume runs failed steps again" "exit $rc, $(J '[.steps[].status] | join(" ")' $TMP/fr/run.json)" "$(cat $TMP/out)"; fi

# --- bin/.benches (written by make) says which tests are built and why not:
# a step of one not built is skipped with that reason (even with a binary
# left from an earlier build), --tests accepts it; an unlisted test with no
# binary is a failed step
printf 'fake\tbuilt\nghost\tnot built: no Ghost toolkit found (set GHOST_HOME)\n' >$FT/bin/.benches
cp $FT/bin/cxlscope-fake $FT/bin/cxlscope-ghost
printf '#: not built\nok1 fake 1 ok\ng1 ghost 1 ok\nh1 phantom 1 ok\n' >$TMP/nb.profile
$FR --profile $TMP/nb.profile --out $TMP/nb >$TMP/out 2>&1
rc=$?
st=$(J '[.steps[].status] | join(" ")' $TMP/nb/run.json 2>/dev/null)
r1=$(J '.steps[1].reason' $TMP/nb/run.json 2>/dev/null) r2=$(J '.steps[2].reason' $TMP/nb/run.json 2>/dev/null)
if [ $rc -eq 1 ] && [ "$st" = "done skipped failed" ] &&
    [ "$r1" = "bin/cxlscope-ghost not built: no Ghost toolkit found (set GHOST_HOME)" ] &&
    [ "$r2" = "$FT/bin/cxlscope-phantom: not built" ] &&
    grep -q 'g1 (ghost): skipped: bin/cxlscope-ghost not built: no Ghost toolkit found' $TMP/out; then
    ok "bin/.benches: a step of a test not built is skipped with its reason; an unknown binary fails"
else notok "bin/.benches: not built steps" "exit $rc, statuses '$st', reasons '$r1', '$r2'" "$(cat $TMP/out)"; fi
rm $FT/bin/cxlscope-ghost
$FR --profile $TMP/nb.profile --tests ghost --out $TMP/nb3 >$TMP/out 2>&1
rc=$?
if [ $rc -eq 3 ] && [ "$(J '[.steps[] | .id + ":" + .status] | join(" ")' $TMP/nb3/run.json)" = "g1:skipped" ]; then
    ok "--tests accepts a test bin/.benches lists as not built (skipped, exit 3)"
else notok "--tests accepts a test bin/.benches lists as not built" "exit $rc" "$(cat $TMP/out)"; fi
expect_exit "--tests refuses a test neither built nor in bin/.benches" 2 "no test 'phantom'" \
    $FR --profile $TMP/nb.profile --tests phantom --out $TMP/nb2
rm $FT/bin/.benches

# --- run.json read back by --resume must be whole: a damaged one is one line, exit 2
$FR --profile $TMP/two.profile --out $TMP/bj >/dev/null 2>&1
head -c 150 $TMP/bj/run.json >$TMP/bj.json && cp $TMP/bj.json $TMP/bj/run.json
expect_exit "--resume of a truncated run.json: one line, exit 2" 2 \
    "^run-all: error: $TMP/bj/run.json is not valid JSON \(parse error: .*\); this run cannot be resumed$" $FR --resume $TMP/bj
: >$TMP/bj/run.json
expect_exit "--resume of an empty run.json: one line, exit 2" 2 "^run-all: error: $TMP/bj/run.json is not valid JSON \(an empty file\)" $FR --resume $TMP/bj
echo '{"steps": [{"id": "ok1"}]}' >$TMP/bj/run.json
expect_exit "--resume of a run.json whose steps are not plan.tsv's: one line, exit 2" 2 "run.json does not match $TMP/bj/plan.tsv" $FR --resume $TMP/bj

# --- a full disk: every write run-all makes is checked (exit 1, one line
# naming the file), state files are replaced whole (the previous copy kept),
# nothing temporary is left, and once there is space --resume finishes. The
# output directory is on a 200 KiB tmpfs filled to leave N pages free, for
# N = 0, 1, ... until the run (one step) fits.
MNT=$TMP/mnt
if [ "$(id -u)" != 0 ]; then
    skip "a full disk at every write of a run (tmpfs)" "not root: cannot mount a tmpfs"
elif ! mkdir -p $MNT || ! mount -t tmpfs -o size=200k tmpfs $MNT 2>$TMP/err; then
    skip "a full disk at every write of a run (tmpfs)" "mount -t tmpfs failed: $(cat $TMP/err)"
else
    trap 'umount $MNT 2>/dev/null; rm -rf "$TMP"' EXIT
    D=$MNT/run bad="" named="" n=0 fits=""
    head -1 $TMP/pr/plan.tsv >$TMP/df.plan
    while [ $n -le 40 ] && [ -z "$fits" ]; do
        rm -rf $D $MNT/fill
        free=$(stat -f -c %a $MNT) bs=$(stat -f -c %S $MNT)
        [ $free -gt $n ] && fallocate -l $(((free - n) * bs)) $MNT/fill || { bad="$bad [cannot leave $n pages]"; break; }
        $FR --profile $TMP/ok.profile --out $D >$TMP/out 2>$TMP/err
        rc=$?
        what="[n=$n: exit $rc, $(cat $TMP/err)]"
        if [ $rc -eq 0 ]; then
            fits=$n
        elif [ $rc -ne 1 ]; then bad="$bad $what (want exit 1)"
        elif [ -s $TMP/err ] && { [ "$(wc -l <$TMP/err)" -ne 1 ] ||
            ! grep -qx "run-all: error: cannot write $D/[^ ]*: No space left on device" $TMP/err; }; then
            bad="$bad $what (want one line: cannot write FILE: No space left on device)"
        elif [ ! -s $TMP/err ] && [ "$(J '[.steps[] | select(.status == "failed")] | length' $D/run.json 2>/dev/null)" != 1 ]; then
            bad="$bad $what (exit 1 without a message: a step must have failed)"
        fi
        [ -n "$fits" ] || named="$named, $n: $(sed -n "s|^run-all: error: cannot write $D/\([^:]*\):.*|\1|p" $TMP/err)"
        [ -z "$(find $D -name '*.tmp')" ] || bad="$bad $what (left: $(find $D -name '*.tmp'))"
        [ ! -e $D/plan.tsv ] || cmp -s $D/plan.tsv $TMP/df.plan || bad="$bad $what (plan.tsv: $(cat $D/plan.tsv))"
        [ ! -e $D/run.json ] || jq -e '.steps | length == 1' $D/run.json >/dev/null 2>&1 || bad="$bad $what (run.json: $(head -c 80 $D/run.json))"
        [ ! -e $D/meta.json ] || jq -e .tests $D/meta.json >/dev/null 2>&1 || bad="$bad $what (meta.json: $(head -c 80 $D/meta.json))"
        [ ! -e $D/fake.csv ] || [ "$(head -1 $D/fake.csv)" = step,value ] || bad="$bad $what (fake.csv: $(cat $D/fake.csv))"
        rm -f $MNT/fill
        [ -z "$fits" ] || break
        if [ -e $D/run.json ]; then $FR --resume $D >$TMP/out 2>&1; else $FR --profile $TMP/ok.profile --out $D >$TMP/out 2>&1; fi
        rc=$?
        [ $rc -eq 0 ] && [ "$(J '[.steps[].status] | join(" ")' $D/run.json)" = "done" ] &&
            [ "$(J .complete $D/run.json)" = true ] && [ "$(J '.tests | keys | join(" ")' $D/meta.json)" = "ok1" ] &&
            [ "$(cat $D/fake.csv)" = "$(printf 'step,value\nok1,1')" ] ||
            bad="$bad $what (then, with space: exit $rc, $(tail -3 $TMP/out))"
        n=$((n + 1))
    done
    if [ -z "$bad" ] && [ -n "$fits" ]; then
        ok "a full disk at each write of a run (pages free${named#,}): exit 1, one line naming the file, state kept whole, nothing temporary left; --resume then finishes"
    else notok "a full disk at each write of a run" "$bad"; fi
    umount $MNT
fi

# --- the output-file rule: a name run-all writes that is there and is not a
# regular file (device, FIFO, directory, link, not followed) is refused, exit
# 2, before anything runs, and left as it is; so is a temporary name
# refused CASE KIND FILE: the run on $TMP/of-CASE (set up before) is refused naming FILE
refused() {
    d=$TMP/of-$1 kind=$2 f=$TMP/of-$1/$3
    shift 3
    before=$(ls -l $f)
    timeout 20 "$@" >$TMP/out 2>$TMP/err
    rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <$TMP/err)" -eq 1 ] && [ "$(ls -l $f)" = "$before" ] &&
        grep -qxF "run-all: error: $f exists and is not a regular file ($kind); refusing to replace it" $TMP/err &&
        [ ! -e $d/steps/ok1 ]; then
        ok "output-file rule: $(basename $f) $kind: refused (exit 2), left as it was, nothing run"
    else notok "output-file rule: $(basename $f) $kind refused" "exit $rc" "$(cat $TMP/err)" "$before / $(ls -l $f)"; fi
}
if [ "$(id -u)" = 0 ] && mkdir -p $TMP/of-dev && mknod $TMP/of-dev/plan.tsv c 1 3 2>/dev/null; then
    refused dev "a character device" plan.tsv $FR --profile $TMP/ok.profile --out $TMP/of-dev
else skip "output-file rule: plan.tsv a character device" "not root: cannot mknod"; fi
mkdir -p $TMP/of-fifo/logs && mkfifo $TMP/of-fifo/logs/ok1.log
refused fifo "a FIFO" logs/ok1.log $FR --profile $TMP/ok.profile --out $TMP/of-fifo
mkdir -p $TMP/of-dir/meta.json
refused dir "a directory" meta.json $FR --profile $TMP/ok.profile --out $TMP/of-dir
mkdir -p $TMP/of-csv && ln -s $TMP/of-csv-elsewhere $TMP/of-csv/fake.csv
refused csv "a symbolic link" fake.csv $FR --profile $TMP/ok.profile --out $TMP/of-csv
# --resume: run.json a link (to a good copy elsewhere), run.json.tmp a FIFO
for c in link tmp; do
    $FR --profile $TMP/ok.profile --out $TMP/of-$c >/dev/null 2>&1
    mv $TMP/of-$c/logs/ok1.log $TMP/of-$c/ok1.log.kept && rm -r $TMP/of-$c/steps/ok1
done
mv $TMP/of-link/run.json $TMP/of-link.json && ln -s $TMP/of-link.json $TMP/of-link/run.json
jq '.steps[0].status = "failed"' $TMP/of-link.json >$TMP/of-link.j && cp $TMP/of-link.j $TMP/of-link.json
sum=$(md5sum <$TMP/of-link.json)
refused link "a symbolic link" run.json $FR --resume $TMP/of-link
if [ "$(md5sum <$TMP/of-link.json)" = "$sum" ]; then ok "... and the link's target too"
else notok "output-file rule: the link's target is left as it was"; fi
jq '.steps[0].status = "failed"' $TMP/of-tmp/run.json >$TMP/of-tmp.j && cp $TMP/of-tmp.j $TMP/of-tmp/run.json
mkfifo $TMP/of-tmp/run.json.tmp
refused tmp "a FIFO" run.json.tmp $FR --resume $TMP/of-tmp
mkdir -p $TMP/of-steps $TMP/of-elsewhere/ok1 && echo keep >$TMP/of-elsewhere/ok1/keep && ln -s $TMP/of-elsewhere $TMP/of-steps/steps
$FR --profile $TMP/ok.profile --out $TMP/of-steps >$TMP/out 2>$TMP/err
rc=$?
if [ $rc -eq 2 ] && grep -qxF "run-all: error: $TMP/of-steps/steps exists and is not a directory (a symbolic link); refusing to write in it" $TMP/err &&
    [ -f $TMP/of-elsewhere/ok1/keep ] && [ ! -e $TMP/of-steps/run.json ]; then
    ok "output-file rule: steps/ a symbolic link: refused before anything runs, nothing removed through it"
else notok "output-file rule: steps/ a symbolic link" "exit $rc" "$(cat $TMP/err)" "$(ls -R $TMP/of-elsewhere)"; fi

# --- one run per directory: DIR/.cxlscope.lock (flock) with the holder's pid
# wait_file FILE: until FILE is there and not empty (at most 10 s)
wait_file() {
    i=0
    while [ $i -lt 100 ] && [ ! -s "$1" ]; do sleep 0.1; i=$((i + 1)); done
}
printf '#: a step that waits\nw1 fake 1 hang-until %s\n' $TMP/lk.flag >$TMP/lk.profile
$FR --profile $TMP/lk.profile --out $TMP/lk >$TMP/lk.out 2>&1 &
lpid=$!
wait_file $TMP/lk/steps/w1/fake.pid
if [ "$(cat $TMP/lk/.cxlscope.lock 2>/dev/null)" = $lpid ]; then ok "the lock file holds the running run-all's pid"
else notok "the lock file holds the running run-all's pid" "want $lpid: $(cat $TMP/lk/.cxlscope.lock 2>&1)"; fi
expect_exit "a second run-all --resume on a directory in use: refused (exit 2)" 2 \
    "^run-all: error: $TMP/lk is in use by another run \(pid $lpid\)$" timeout 10 $FR --resume $TMP/lk
expect_exit "a second run-all --out on a directory in use: refused (exit 2)" 2 \
    "^run-all: error: $TMP/lk is in use by another run \(pid $lpid\)$" timeout 10 $FR --profile $TMP/lk.profile --out $TMP/lk
touch $TMP/lk.flag
wait $lpid
rc=$?
if [ $rc -eq 0 ] && [ "$(J '.steps[0].status' $TMP/lk/run.json)" = done ] && [ ! -e $TMP/lk/.cxlscope.lock ]; then
    ok "... the first run goes on alone and finishes (lock file removed at the end)"
else notok "the first run finishes" "exit $rc" "$(cat $TMP/lk.out)"; fi
mkdir -p $TMP/lk2 && echo 999999 >$TMP/lk2/.cxlscope.lock
if $FR --profile $TMP/ok.profile --out $TMP/lk2 >$TMP/out 2>&1; then ok "a lock file left by a run that died is taken over"
else notok "a stale lock file is taken over" "$(cat $TMP/out)"; fi

# --- kill -9 of run-all mid-step: the step binary gets SIGTERM (parent-death
# signal) and ends; run.json names its pid; --resume refuses while one that
# ignored the signal still runs, and runs the step again once it is gone
# alive PID: PID exists and is not a zombie
alive() { [ -d /proc/$1 ] && ! grep -q '^State:[[:space:]]*Z' /proc/$1/status 2>/dev/null; }
# start_and_kill PROFILE DIR ID: run-all in the background until its step
# ID's pid is in DIR/steps/ID/fake.pid and in run.json, then kill -9; sets cpid
start_and_kill() {
    $FR --profile $1 --out $2 >$TMP/kill.out 2>&1 &
    kpid=$!
    wait_file $2/steps/$3/fake.pid
    cpid=$(cat $2/steps/$3/fake.pid 2>/dev/null)
    i=0
    while [ $i -lt 100 ] && [ "$(J '.steps[0].pid' $2/run.json 2>/dev/null)" != "$cpid" ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL $kpid
    wait $kpid 2>/dev/null
}
printf '#: a step that waits\nh1 fake 1 hang-until %s\n' $TMP/kd.flag >$TMP/kd.profile
start_and_kill $TMP/kd.profile $TMP/kd h1
st=$(J '.steps[0] | "\(.status) \(.pid)"' $TMP/kd/run.json)
i=0
while [ $i -lt 100 ] && alive "$cpid"; do sleep 0.1; i=$((i + 1)); done
if [ -n "$cpid" ] && ! alive "$cpid" && [ "$st" = "running $cpid" ]; then
    ok "kill -9 of run-all: run.json says 'running $cpid'; the step binary got SIGTERM and ended"
else notok "kill -9 of run-all: the step binary ends" "step binary pid '$cpid' $(alive "$cpid" && echo still alive), run.json: $st"; fi
alive "$cpid" && kill -KILL "$cpid"
touch $TMP/kd.flag
$FR --resume $TMP/kd >$TMP/out 2>&1
rc=$?
if [ $rc -eq 0 ] && [ "$(J '.steps[0] | "\(.status) \(.pid)"' $TMP/kd/run.json)" = "done null" ] &&
    grep -q 'h1 .*\[interrupted, runs\]' $TMP/out; then
    ok "--resume after kill -9: the step that was running runs again, done"
else notok "--resume after kill -9" "exit $rc" "$(cat $TMP/out)"; fi
printf '#: a step that ignores SIGTERM\ns1 fake 1 stubborn %s\n' $TMP/ko.flag >$TMP/ko.profile
start_and_kill $TMP/ko.profile $TMP/ko s1
if alive "$cpid"; then
    expect_exit "--resume while the killed run's step binary (SIGTERM ignored) still runs: refused naming it (exit 2; the lock was not kept by it)" 2 \
        "^run-all: error: step s1 is still running as pid $cpid \(from an earlier run-all\); stop it or wait$" timeout -k 2 10 $FR --resume $TMP/ko
    if alive "$cpid" && [ "$(cat $TMP/ko/steps/s1/fake.pid 2>/dev/null)" = "$cpid" ]; then ok "... and left it alone"
    else notok "--resume left the running step alone" "$(ls $TMP/ko/steps/s1 2>&1)"; fi
else notok "a step binary ignoring SIGTERM outlives kill -9 of run-all (for the next test)" "pid '$cpid'"; fi
kill -KILL "$cpid" 2>/dev/null
i=0
while [ $i -lt 100 ] && alive "$cpid"; do sleep 0.1; i=$((i + 1)); done
touch $TMP/ko.flag
$FR --resume $TMP/ko >$TMP/out 2>&1
rc=$?
if [ $rc -eq 0 ] && [ "$(J '.steps[0].status' $TMP/ko/run.json)" = done ]; then ok "... once it is gone, --resume runs the step: done"
else notok "--resume once the orphan is gone" "exit $rc" "$(cat $TMP/out)"; fi
