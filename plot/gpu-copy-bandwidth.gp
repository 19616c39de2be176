# plot/gpu-copy-bandwidth.gp — host<->GPU copy bandwidth: median_gbps over
# size_bytes (log x), one series per direction x host memory x memory node.
# Several runs: one series per run as well.
# PROVISIONAL: gpu_copy.csv does not exist yet; assumed columns:
#   mem_node,mem_class,direction (H2D|D2H),host_mem (pageable|pinned),
#   size_bytes,median_gbps,latency_64b_us
load plotdir.'/common.gp'
set title 'GPU copy bandwidth vs transfer size'
set xlabel 'transfer size (bytes)'
set ylabel 'median bandwidth (GB/s)'
@bytetics
set yrange [0:*]
plot for [i=1:n] F[i] using 'size_bytes':'median_gbps' with linespoints lw 1.5 pt 7 ps 0.6 title T[i]
@svg
