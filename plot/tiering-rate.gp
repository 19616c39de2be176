# plot/tiering-rate.gp — the work rate of a workload under the kernel's page
# migration (cxlscope-tiering, tiering.csv): work_per_s of each interval
# against the time since the run started (t_s), one curve per NUMA-balancing
# mode, for one placement, workload and work unit (L[1]: placement /
# workload and the nodes; L[2]: the unit, accesses or iterations, from the
# first row; the report never puts two units on one axis).
load plotdir.'/common.gp'
set title 'Work rate over time: '.L[1]
set xlabel 'time since the run started (s)'
set ylabel L[2].' per second'
set xrange [0:*]
set autoscale xfixmax
set yrange [0:*]
# curves often coincide (every mode at 100 % with first-touch): open
# markers of different shapes keep each one visible
pts = '6 4 8 12 10 14'
plot for [i=1:n] F[i] using 't_s':'work_per_s' with linespoints lw 1.5 pt (word(pts, (i - 1) % 6 + 1) + 0) ps 1 title T[i]
@svg
