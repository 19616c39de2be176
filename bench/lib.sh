# shellcheck shell=sh
# bench/lib.sh — what the whole-process timing benches share (sourced).
# timed FILE CMD...: runs CMD (stdout and stderr as they are); its wall time
#   in seconds is appended to FILE as one line; returns CMD's status.
# median FILE: the median of FILE's numbers (one a line).
timed() {
    _f=$1
    shift
    _t0=$(date +%s.%N)
    "$@" || return
    awk -v a="$_t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }' >>"$_f"
}
median() { sort -g "$1" | awk '{ u[NR] = $1 } END { print u[int((NR + 1) / 2)] }'; }
