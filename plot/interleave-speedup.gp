# plot/interleave-speedup.gp — speedup of each placement policy per workload
# (one group per workload, one bar per policy; 1.0 = the baseline).
# Reads interleave.csv (cxlscope-interleave): workload, config, speedup
# (LDRAM-preferred median run time / this placement's), rows without
# --ldram-limit.
load plotdir.'/common.gp'
set title 'Interleaving: speedup per policy and workload'
set ylabel 'speedup (x)'
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#888888'
set yrange [0:*]
fmt = '%.2f'
load plotdir.'/bars.gp'
@svg
