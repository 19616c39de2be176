# plot/latency-matrix.gp — idle latency of every CPU node x memory node pair
# (random chase, policy bind, each pair's largest working set) as a heatmap
# with the value in ns and the class in each cell. Several runs: one block of
# rows per run. The report leaves it out below two cells.
load plotdir.'/common.gp'
set title 'Idle latency (ns), CPU node x memory node, random chase at the largest working set'
set xlabel 'memory node'
fmt = '%.0f ns'
set cblabel 'ns'
load plotdir.'/heatmap.gp'
@svg
