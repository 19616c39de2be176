# lib.sh — helpers for the guest test scripts (busybox sh). Sourced.
# TAP on stdout; diagnostics as "# ..." lines or on stderr.

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
skip() { echo "ok - $1 # SKIP $2"; }
# check COND-EXIT-STATUS NAME: ok when the previous command succeeded.
check() {
    if [ "$1" -eq 0 ]; then ok "$2"; else notok "$2"; fi
}

# in_list ID "a,b,c"
in_list() {
    case ",$2," in *",$1,"*) return 0 ;; esac
    return 1
}
# class_of MEM_NODE CPU_NODE: what the guest shape says the class is.
class_of() {
    if [ "$1" = "$2" ]; then echo LDRAM
    elif in_list "$1" "$VM_CPUNODES"; then echo RDRAM
    elif in_list "$1" "$VM_CXL"; then echo CXL
    else echo CPULESS
    fi
}
# Nodes with memory, comma-separated, from the kernel.
mem_nodes() {
    awk -F, '{
        for (i = 1; i <= NF; i++) { n = split($i, r, "-"); lo = r[1]; hi = n > 1 ? r[2] : r[1]
            for (j = lo; j <= hi; j++) out = out (out == "" ? "" : ",") j }
        print out }' /sys/devices/system/node/has_memory
}
# csv_get FILE ROW COLUMN: the value in data row ROW (1-based) of the named
# column (plain CSV: our numeric and name fields are never quoted).
csv_get() {
    awk -F, -v row="$2" -v col="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
        NR == row + 1 { if (c) print $c; else print "no-column-" col; exit }' "$1"
}
csv_rows() { awk 'END { print NR - 1 }' "$1"; }
# now; since T: seconds of uptime, and how many have passed since T (for
# "# ... took N s" lines: where a guest's time goes)
now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" '{ printf "%.1f", $1 - a }' /proc/uptime; }

# Node lists every guest test uses: memory nodes (from the kernel), counts.
mem=$(mem_nodes)
nmem=$(echo "$mem" | awk -F, '{print NF}')
ncpu=$(echo "$VM_CPUNODES" | awk -F, '{print NF}')

# bad_rows FILE CPUCOL VALUECOL: one line per problem in a benchmark CSV
# (empty when all is right): mem_class is the class of mem_node seen from
# cpu_node, the CPU in CPUCOL is on cpu_node, on_node_pct is 100 and
# VALUECOL is a positive number.
bad_rows() {
    f=$1 rows=$(csv_rows "$1" 2>/dev/null) r=1
    while [ "$r" -le "${rows:-0}" ]; do
        cn=$(csv_get "$f" $r cpu_node) mn=$(csv_get "$f" $r mem_node) cl=$(csv_get "$f" $r mem_class)
        cpu=$(csv_get "$f" $r "$2") on=$(csv_get "$f" $r on_node_pct) v=$(csv_get "$f" $r "$3")
        want=$(class_of "$mn" "$cn")
        [ "$cl" = "$want" ] || echo "row $r: cpu_node $cn mem_node $mn class $cl, expected $want;"
        in_list "$cpu" "$(cat /sys/devices/system/node/node"$cn"/cpulist)" ||
            echo "row $r: $2 $cpu not on node $cn;"
        awk -v v="$on" 'BEGIN { exit !(v == 100) }' || echo "row $r: on_node_pct $on;"
        awk -v v="$v" 'BEGIN { exit !(v > 0) }' || echo "row $r: $3 '$v';"
        r=$((r + 1))
    done
}
