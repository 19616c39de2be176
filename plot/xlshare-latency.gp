# plot/xlshare-latency.gp — the XL-Share cache model's warm per-inference
# latency against full replication and CPU offloading: warm_ms of
# xlshare_compare.csv (cxlscope-xlshare), one group per GPU count and batch,
# one bar per approach and calibration (cxlscope: this run's measurements,
# with the values it lacks assumed; xlshare: the seed's own assumptions),
# for the first model and cache size of the file.
load plotdir.'/common.gp'
set title 'XL-Share model: warm inference latency ('.first.')'
set ylabel 'median warm latency per inference (ms)'
set yrange [0:*]
fmt = '%.3g'
load plotdir.'/bars.gp'
@svg
