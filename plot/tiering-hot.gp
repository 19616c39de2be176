# plot/tiering-hot.gp — what the kernel's page migration does to a
# workload's hot pages (cxlscope-tiering, tiering.csv): the percentage of a
# fixed sample of the hot pages found on the fast node at the end of each
# interval (hot_fast_pct) against the time since the run started (t_s), one
# curve per NUMA-balancing mode, for one placement and workload (L[1]:
# placement / workload and the nodes, from the first row). Intervals whose
# sample could not be read (empty hot_fast_pct) are not drawn.
load plotdir.'/common.gp'
set title 'Hot pages on the fast tier over time: '.L[1]
set xlabel 'time since the run started (s)'
set ylabel 'hot sample on the fast node (%)'
set xrange [0:*]
set autoscale xfixmax
set yrange [-3:103]
set ytics 0, 20, 100
# curves often coincide (every mode at 100 % with first-touch): open
# markers of different shapes keep each one visible
pts = '6 4 8 12 10 14'
plot for [i=1:n] F[i] using 't_s':'hot_fast_pct' with linespoints lw 1.5 pt (word(pts, (i - 1) % 6 + 1) + 0) ps 1 title T[i]
@svg
