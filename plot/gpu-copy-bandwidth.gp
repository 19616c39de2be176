# plot/gpu-copy-bandwidth.gp — host<->GPU cudaMemcpy bandwidth: median_gbps
# over size_bytes (log x), directions h2d and d2h, one series per direction x
# host buffer kind (pinned, pageable, mallochost) x memory node, for the GPU
# of gpu_copy.csv's first row. Interleaved and weighted buffers, bidirectional
# and device-to-device copies are other figures' or none. Several runs: one
# series per run as well.
load plotdir.'/common.gp'
set title 'GPU copy bandwidth vs transfer size, h2d and d2h (GPU '.first.')'
set xlabel 'transfer size (bytes)'
set ylabel 'median bandwidth (GB/s, GB = 1e9 B)'
@bytetics
set yrange [0:*]
# the colours repeat every 8 series: from the 9th on, dashed and squares
plot for [i=1:n] F[i] using 'size_bytes':'median_gbps' with linespoints lw 1.5 \
    dt 1 + int((i - 1) / 8) pt (i > 8 ? 5 : 7) ps 0.6 title T[i]
@svg
