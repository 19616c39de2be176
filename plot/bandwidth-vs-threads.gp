# plot/bandwidth-vs-threads.gp — streaming bandwidth against thread count:
# median_gbps over threads, mode single, sequential access, one series per
# memory node and kind, from the CPU node of bandwidth.csv's first row.
# Several runs: one series per run, node and kind.
load plotdir.'/common.gp'
set title 'Bandwidth vs threads, sequential access (from CPU node '.first.')'
set xlabel 'threads'
set ylabel 'median bandwidth (GB/s)'
set xtics 1
set yrange [0:*]
plot for [i=1:n] F[i] using 'threads':'median_gbps' with linespoints lw 1.5 pt 7 ps 0.7 title T[i]
@svg
