# plot/latency-per-node.gp — idle latency per memory node: for each node
# ("node N (CLASS)") a bar for the random chase and one for the sequential
# chase, each at the largest working set measured for that node and pattern,
# from the CPU node of latency.csv's first row; log y, value over each bar.
# Several runs: one bar per run and pattern.
load plotdir.'/common.gp'
set title 'Idle latency per memory node, largest working set (from CPU node '.first.')'
set ylabel 'median latency (ns, log scale)'
set logscale y

fmt = '%.1f'
load plotdir.'/bars.gp'
@svg
