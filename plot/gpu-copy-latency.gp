# plot/gpu-copy-latency.gp — 64 B host<->GPU copy latency per memory node:
# one bar per direction x host memory in each node's group, from the
# smallest transfer size row that has latency_64b_us.
# PROVISIONAL: gpu_copy.csv's format is assumed (see gpu-copy-bandwidth.gp).
load plotdir.'/common.gp'
set title 'GPU copy latency, 64 B'
set ylabel 'latency (us)'
set yrange [0:*]
fmt = '%.2f'
load plotdir.'/bars.gp'
@svg
