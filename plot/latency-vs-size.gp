# plot/latency-vs-size.gp — idle latency against working-set size: median_ns
# over size_bytes (log x), random chase (policy bind), one series per memory
# node and requested page size, from the CPU node of latency.csv's first row.
# Several runs: one series per run and node. The cache plateaus and the
# memory level show as steps.
load plotdir.'/common.gp'
set title 'Idle latency vs working set, random pointer chase (from CPU node '.first.')'
set xlabel 'working set (bytes)'
set ylabel 'median latency (ns, log scale)'
@bytetics
set logscale y
plot for [i=1:n] F[i] using 'size_bytes':'median_ns' with linespoints lw 1.5 pt 7 ps 0.6 title T[i]
@svg
