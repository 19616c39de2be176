# plot/offload-breakdown.gp — the offload model's training step, stacked:
# seconds of offload_breakdown.csv (cxlscope-offload) per part (GPU, d2h,
# Adam, h2d), one bar per memory configuration, for the first model and
# batch. The bars file (cat,series,value) is summed per category in series
# order, and the sums drawn from the largest down, each over the last.
load plotdir.'/common.gp'
set title 'Offload model: ZeRO-Offload step time by part ('.first.')'
set ylabel 'seconds per step'
set yrange [0:*]
set style fill solid 0.75 border -1
set boxwidth 0.6
set xrange [-0.5:nc - 0.5]
set xtics scale 0
@cats
cum = '< (head -n 1 '.data.'; tail -n +2 '.data.' | sort -t, -k2,2n -k1,1n | awk -F, ''{ s[$1] += $3; print $1 "," $2 "," s[$1] }'')'
plot for [i=n:1:-1] cum using (column('cat')):(column('series') == i ? column('value') : NaN) \
         with boxes lc i title T[i]
@svg
