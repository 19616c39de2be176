# plot/latency-cdf.gp — the per-access latency distribution (cxlscope-latency
# --distribution): the share of timed blocks at or below each latency, one
# curve per memory node (random chase, policy bind, the largest size
# measured with a distribution), from one CPU node (cpunode, set by the
# report for each CPU node's figure). Log x: the tail shows on the right.
load plotdir.'/common.gp'
set title 'Per-access latency distribution, random pointer chase, from CPU node '.cpunode
set xlabel 'ns per load (blocks of dependent loads, log scale)'
set ylabel 'share of blocks at or below (CDF)'
set logscale x
set yrange [0:1]
set ytics 0.1
plot for [i=1:n] F[i] using 'ns':'cdf' with steps lw 1.5 title T[i]
@svg
