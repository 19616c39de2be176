# plot/heatmap.gp — a CPU node x memory node matrix, loaded by a figure script
# after its title: one cell per pair, coloured by value, the value (format
# `fmt`) and the class printed in it; missing pairs stay blank. Data:
# select.awk's cells file `data` (x,y,value,class); vars: nx, ny, tics.
set xrange [-0.5:nx - 0.5]
set yrange [ny - 0.5:-0.5]
set xtics scale 0
set ytics scale 0
unset grid
set border 0
@tics
set palette defined (0 '#fff5e6', 1 '#fdae6b', 2 '#e6550d')
set style fill solid 1 noborder
unset key
plot data using 'x':'y':(0.48):(0.48):'value' with boxxyerror fc palette, \
     data using 'x':'y':(sprintf(fmt . "\n%s", column('value'), strcol('class'))) with labels
