#!/bin/sh
# bench/compare-torch.sh — cxlscope-gpucopy's pinned h2d and d2h against the
# same copy through PyTorch (tensor.copy_ with non_blocking, which issues
# cudaMemcpyAsync) or, without PyTorch, CuPy (cupy.cuda.runtime.memcpyAsync),
# side by side on one GPU with the host memory on one node.
#
# Usage: bench/compare-torch.sh [NODE] [SIZE] [ROUNDS] [GPU]
#   NODE: host memory node (default: the GPU's own node, else the first node
#   with memory); SIZE default 256M; ROUNDS 5; GPU 0.
# Both sides: host memory bound to NODE (cxlscope: mbind + cudaHostRegister;
# the Python side runs under numactl --membind NODE --cpunodebind CPU_NODE and
# pins with the library's own allocator), the host thread on the node
# cxlscope-gpucopy picks (the GPU's), CUDA events around a batch of copies,
# median of the samples. Each round runs both once, the order alternating,
# and gives one ratio cxlscope / reference per direction; the verdict is the
# median of the rounds' ratios.
# Prints per direction the median GB/s of both and the median ratio, and
# "all >= 97 %: yes/no". Exit 0 when both ratios are >= 97 %, 1 when not,
# 2 on a setup problem, 77 without a GPU (the CUDA error named) or without
# PyTorch and CuPy.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
node=${1:-} size=${2:-256M} rounds=${3:-5} gpu=${4:-0}
make -s -C "$top" all >&2
B=$top/bin/cxlscope-gpucopy
[ -x "$B" ] || { echo "bin/cxlscope-gpucopy not built (no CUDA toolkit: make config)" >&2; exit 77; }
command -v numactl >/dev/null || { echo "numactl missing: apt-get install numactl" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# One cxlscope run first: it says whether there is a GPU, and which nodes.
set +e
"$B" --device "$gpu" --kind pinned --direction h2d --sizes 4K --mode sweep --quiet \
    ${node:+--mem-node "$node"} --output "$work/probe" 2>"$work/err"
rc=$?
set -e
[ $rc -eq 77 ] && { cat "$work/err" >&2; exit 77; }
[ $rc -eq 0 ] || { cat "$work/err" >&2; exit 2; }
col() { awk -F, -v want="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == want) c = i; next } { print $c; exit }' "$2"; }
cpu_node=$(col cpu_node "$work/probe/gpu_copy.csv")
[ -n "$node" ] || node=$(col mem_node "$work/probe/gpu_copy.csv")
bytes=$(awk -v s="$size" 'BEGIN { m = 1; u = toupper(substr(s, length(s)))
    if (u == "K") m = 1024; else if (u == "M") m = 1048576; else if (u == "G") m = 1073741824
    print (m > 1 ? substr(s, 1, length(s) - 1) : s) * m }')

cat >"$work/ref.py" <<'EOF'
import statistics, sys
n, gpu = int(sys.argv[1]), int(sys.argv[2])
def report(name, ms_per_sample, batch):
    gbps = [n * batch / (ms * 1e-3) / 1e9 for ms in ms_per_sample]
    print(name, statistics.median(gbps))
try:
    import torch
    torch.cuda.set_device(gpu)
    h = torch.empty(n, dtype=torch.uint8, pin_memory=True)
    h.fill_(1)
    d = torch.empty(n, dtype=torch.uint8, device="cuda")
    s = torch.cuda.Stream()
    def run(copy):
        with torch.cuda.stream(s):
            for _ in range(2):
                copy()
            out = []
            for _ in range(11):
                a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                a.record(s); copy(); b.record(s); b.synchronize()
                out.append(a.elapsed_time(b))
        return out
    report("h2d", run(lambda: d.copy_(h, non_blocking=True)), 1)
    report("d2h", run(lambda: h.copy_(d, non_blocking=True)), 1)
    print("lib torch", torch.__version__)
except ImportError:
    import cupy, numpy
    rt = cupy.cuda.runtime
    cupy.cuda.Device(gpu).use()
    mem = cupy.cuda.alloc_pinned_memory(n)
    h = numpy.frombuffer(mem, numpy.uint8, n)
    h[:] = 1
    d = cupy.empty(n, dtype=cupy.uint8)
    s = cupy.cuda.Stream(non_blocking=True)
    def run(dst, src, kind):
        for _ in range(2):
            rt.memcpyAsync(dst, src, n, kind, s.ptr)
        out = []
        for _ in range(11):
            a, b = cupy.cuda.Event(), cupy.cuda.Event()
            a.record(s); rt.memcpyAsync(dst, src, n, kind, s.ptr); b.record(s); b.synchronize()
            out.append(cupy.cuda.get_elapsed_time(a, b))
        return out
    report("h2d", run(d.data.ptr, h.ctypes.data, rt.memcpyHostToDevice), 1)
    report("d2h", run(h.ctypes.data, d.data.ptr, rt.memcpyDeviceToHost), 1)
    print("lib cupy", cupy.__version__)
EOF
python3 -c 'import torch' 2>/dev/null || python3 -c 'import cupy' 2>/dev/null ||
    { echo "neither PyTorch nor CuPy importable by python3" >&2; exit 77; }

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
: >"$work/rounds"
for r in $(seq "$rounds"); do
    for side in $( [ $((r % 2)) -eq 1 ] && echo "c p" || echo "p c"); do
        if [ "$side" = c ]; then
            rm -rf "$work/c"
            "$B" --device "$gpu" --kind pinned --direction h2d,d2h --sizes "$size" --mode sweep \
                --mem-node "$node" --repeat 11 --quiet --output "$work/c" 2>/dev/null
            awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                     { print $c["direction"], $c["median_gbps"] }' "$work/c/gpu_copy.csv" >"$work/cr"
        else
            numactl --membind "$node" --cpunodebind "$cpu_node" python3 "$work/ref.py" "$bytes" "$gpu" >"$work/pr"
        fi
    done
    for dir in h2d d2h; do
        c=$(awk -v d=$dir '$1 == d { print $2 }' "$work/cr") p=$(awk -v d=$dir '$1 == d { print $2 }' "$work/pr")
        [ -n "$c" ] && [ -n "$p" ] || { echo "no $dir figure from one side" >&2; exit 2; }
        echo "$dir $c $p $(awk -v a="$c" -v b="$p" 'BEGIN { print 100 * a / b }')" >>"$work/rounds"
    done
done
lib=$(awk '$1 == "lib" { print $2, $3 }' "$work/pr")
echo "GPU $gpu, host memory on node $node, host thread on node $cpu_node, $size, $rounds rounds, reference: $lib"
printf '%-5s %12s %12s %8s\n' dir "cxs GB/s" "ref GB/s" ratio
allok=yes
for dir in h2d d2h; do
    c=$(awk -v d=$dir '$1 == d { print $2 }' "$work/rounds" | median)
    p=$(awk -v d=$dir '$1 == d { print $3 }' "$work/rounds" | median)
    q=$(awk -v d=$dir '$1 == d { print $4 }' "$work/rounds" | median)
    printf '%-5s %12.2f %12.2f %7.1f%%\n' "$dir" "$c" "$p" "$q"
    awk -v q="$q" 'BEGIN { exit !(q < 97) }' && allok=no
done
echo "all >= 97 %: $allok"
[ "$allok" = yes ]
