# plot/offload-throughput.gp — the offload model's inference throughput:
# tokens_per_s of offload.csv (cxlscope-offload) at the largest batch each
# memory configuration holds, one group per configuration, one bar per model.
load plotdir.'/common.gp'
set title 'Offload model: inference throughput at the largest batch'
set ylabel 'tokens per second'
set yrange [0:*]
fmt = '%.0f'
load plotdir.'/bars.gp'
@svg
