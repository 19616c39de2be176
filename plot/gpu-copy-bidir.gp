# plot/gpu-copy-bidir.gp — bidirectional host<->GPU copies (h2d and d2h at
# once; bidir-total, the bytes of both over the time) per host buffer kind and
# memory node, with device-to-device copies as the GPU's own ceiling:
# median_gbps over size_bytes (log x, log y: d2d is an order of magnitude
# above), for the GPU of gpu_copy.csv's first row. Several runs: one series
# per run as well.
load plotdir.'/common.gp'
# a d2d row has no host node: its "node  (GPU)" reads "GPU memory"
gpumem(s) = (p_ = strstrt(s, 'node  (GPU)'), p_ ? s[1:p_ - 1].'GPU memory'.s[p_ + 11:] : s)
do for [i=1:n] { T[i] = gpumem(T[i]) }
set title 'GPU copy bandwidth, bidirectional total and device-to-device (GPU '.first.')'
set xlabel 'transfer size (bytes)'
set ylabel 'median bandwidth (GB/s, GB = 1e9 B, log scale)'
@bytetics
set logscale y
# the colours repeat every 8 series: from the 9th on, dashed and squares
plot for [i=1:n] F[i] using 'size_bytes':'median_gbps' with linespoints lw 1.5 \
    dt 1 + int((i - 1) / 8) pt (i > 8 ? 5 : 7) ps 0.6 title T[i]
@svg
