# plot/status.awk — checks plot/report's --status FILE (read on stdin) and
# prints its runs as DIR<TAB>STATE<TAB>HOST<TAB>REASON, a line each.
#
# FILE: the header line host<TAB>state<TAB>job<TAB>reason<TAB>dir, then one
# line per run of 5 tab-separated fields (a \r before the newline is
# dropped). ENVIRON["DIRS"]: the DIR arguments, one a line; each line's dir
# must be one of them, exactly as given, and be listed once; its state must
# not be empty. The first line that breaks a rule ends the check: its
# message, "FILE:N: what is wrong" (FILE is ENVIRON["STATUS_FILE"]), goes to
# the file named by errf, nothing more is printed and the exit status is 2.

BEGIN {
    FS = "\t"
    n = split(ENVIRON["DIRS"], d, "\n")
    for (i = 1; i <= n; i++) if (d[i] != "") given[d[i]] = 1
}

{ sub(/\r$/, "") }

NR == 1 {
    if ($0 != "host\tstate\tjob\treason\tdir") bad("wrong header: want host, state, job, reason, dir, tab-separated")
    next
}

NF != 5 { bad(NF " field" (NF == 1 ? "" : "s") ", want 5 (host, state, job, reason, dir, tab-separated)") }
!($5 in given) { bad("dir '" $5 "' is not one of the DIR arguments (they are matched exactly as given)") }
$5 in line { bad("dir '" $5 "' is listed twice (first on line " line[$5] ")") }
$2 == "" { bad("dir '" $5 "' has an empty state") }
{ line[$5] = NR; print $5 "\t" $2 "\t" $1 "\t" $4 }

END {
    if (failed) exit 2
    if (NR == 0) { bad("empty: want the header host, state, job, reason, dir, tab-separated"); exit 2 }
}

# bad(MSG): the one error line, then stop
function bad(msg) {
    printf "%s:%d: %s\n", ENVIRON["STATUS_FILE"], (NR ? NR : 1), msg > errf
    failed = 1
    exit 2
}
