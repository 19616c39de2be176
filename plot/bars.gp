# plot/bars.gp — grouped bars, loaded by a figure script after its titles
# and labels: one group per category (x tic), one bar per series, the value
# printed above each bar with the format `fmt`. Data: select.awk's bars file
# `data` (cat,series,value); vars: n, nc, cats, T[n].
set style fill solid 0.75 border -1
w = 0.8 / n
set boxwidth w
set xrange [-0.5:nc - 0.5]
set xtics scale 0
@cats
off(i) = (i - (n + 1) / 2.0) * w
plot for [i=1:n] data using (column('cat') + off(i)):(column('series') == i ? column('value') : NaN) \
         with boxes lc i title T[i], \
     for [i=1:n] data using (column('cat') + off(i)):(column('series') == i ? column('value') : NaN): \
         (sprintf(fmt, column('value'))) with labels offset 0,0.6 font ',8' notitle
