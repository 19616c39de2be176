# plot/common.gp — what every figure shares, loaded first by each figure
# script. The report calls a figure as
#   gnuplot -e "plotdir='plot'; vars='WORK/NAME.vars.gp'; out='OUT/NAME'" plot/NAME.gp
# vars (written by select.awk) defines the series; out is the output path
# without extension. This sets the PNG terminal (900x560) and output; the
# figure script ends with `@svg`, which replots the same figure as SVG.
# Strings from the data go through noenhanced terminals: no markup.
load vars
set terminal pngcairo size 900,560 noenhanced font 'DejaVu Sans,10'
set output out.'.png'
svg = "set terminal svg size 900,560 noenhanced dynamic font 'DejaVu Sans,10'; set output out.'.svg'; replot; unset output"
set datafile separator ','
set grid lc rgb '#dddddd'
set key below Left reverse
set border 3
set tics nomirror

# bytes(x): 4096 -> 4K, 1073741824 -> 1G (the notation of --sweep)
bytes(x) = x >= 2**30 ? sprintf('%gG', x / 2**30) : x >= 2**20 ? sprintf('%gM', x / 2**20) : \
           x >= 2**10 ? sprintf('%gK', x / 2**10) : sprintf('%g', x)
# @bytetics: a log-2 x axis of sizes, tics every factor of 4
bytetics = "set logscale x 2; set offsets graph 0.03, graph 0.03; set xtics (); set for [k=0:44:2] xtics add (bytes(2**k) 2**k)"
