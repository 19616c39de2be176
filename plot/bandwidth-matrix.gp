# plot/bandwidth-matrix.gp — read bandwidth of every CPU node x memory node
# pair (mode single, kind read, access seq, the row with the most threads of
# each pair) as a heatmap with the value in GB/s and the class in each cell.
# Several runs: one block of rows per run. Left out below two cells.
load plotdir.'/common.gp'
set title 'Read bandwidth (GB/s), CPU node x memory node, sequential, most threads measured'
set xlabel 'memory node'
fmt = '%.1f GB/s'
set cblabel 'GB/s'
load plotdir.'/heatmap.gp'
@svg
