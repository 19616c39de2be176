# plot/gpu-copy-latency.gp — 64 B synchronous host<->GPU copy latency per
# memory node: median_ns of gpu_copy_latency.csv, one group per node (d2d
# rows, which have no host node, in a group of their own), one bar per
# direction x host buffer kind, for the GPU of the file's first row.
# Several runs: one bar per run and series.
load plotdir.'/common.gp'
# a d2d row has no host node: its "node  (GPU)" reads "GPU memory"
gpumem(s) = (p_ = strstrt(s, 'node  (GPU)'), p_ ? s[1:p_ - 1].'GPU memory'.s[p_ + 11:] : s)
cats = gpumem(cats)
set title 'GPU copy latency, 64 B synchronous cudaMemcpy (GPU '.first.')'
set ylabel 'median latency (ns)'
set yrange [0:*]
fmt = '%.0f'
load plotdir.'/bars.gp'
@svg
