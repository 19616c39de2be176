# plot/loaded-latency.gp — latency under load: the chase's latency_ns over
# total_gbps (traffic + chase), one curve per (chase node, traffic node,
# traffic kind), from idle (left) to the heaviest load (right). Several runs:
# one curve per run and triple.
load plotdir.'/common.gp'
set title 'Loaded latency: pointer-chase latency vs total bandwidth'
set xlabel 'total bandwidth (GB/s)'
set ylabel 'median latency (ns)'
set xrange [0:*]
set yrange [0:*]
plot for [i=1:n] F[i] using 'total_gbps':'latency_ns' with linespoints lw 1.5 pt 7 ps 0.7 title T[i]
@svg
