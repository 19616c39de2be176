#: every test that runs on this machine, a few minutes on 2 cores (about 2 min on the development VM)
# One step per line: ID  TEST  ESTIMATE_S  ARGUMENTS (for bin/cxlscope-TEST;
# run-all adds --output and --quiet). ID: a letter or digit, then letters,
# digits, . _ - (it names logs/ID.log and steps/ID/). {nodes} is --nodes (default all),
# {ncpu} the CPU count of the node run-all starts on, {prefetchers} "off"
# where run-all could turn the hardware prefetchers off (it tries once, with
# a tiny cxlscope-latency --prefetchers off) and "keep" where not (run.json's
# notes and the report say why). Estimates are for a
# one-node, 2-core machine; with more nodes the steps take longer.
# Sizes are fixed here, not 4x the last-level cache (the binaries' default):
# some VMs report a cache of hundreds of MiB through CPUID, which would make
# "quick" take minutes per step. Where a size is under 4x the LLC, the
# benchmark says so in meta.json's notes. interleave picks its own nodes
# (LDRAM, CXL or the farthest, all), so {nodes} does not apply to it.
# gpucopy runs where a GPU and its driver are (its estimate is for one GPU
# and two memory nodes); elsewhere it is skipped with the CUDA error named.
# The last steps turn the run into a calibration ({dir}: this run's
# directory) and replay the XL-Share cache model with it (xlshare) and with
# the seed's own assumptions (xlshare-seed, {top}/replay/xlshare-default.json).
# The GPU figures a machine without a GPU lacks are given with --assume, which
# fills only what was not measured (and every output marks them): the seed's
# 64 GB/s and 300 ns for the pool link, its 16 GB/s for CPU offloading, an
# H100's 3350 GB/s HBM and 67 TFLOP/s FP32, 300 ns for an LDRAM copy.
# offload models ZeRO-Offload training and FlexGen-style inference over the
# memory configurations this machine has (the others are rows absent with the
# reason), with the seed's CPU-offloading link (16 GB/s each way, 300 ns)
# assumed for every node without gpu_copy rows.
latency-random     latency    50  --mem-node {nodes} --sweep 4K:1G:2 --pattern random --time-budget 1 --distribution 16 --prefetchers {prefetchers}
latency-seq        latency    10  --mem-node {nodes} --sweep 4K:1G:4 --pattern seq --time-budget 0.5 --loads 300000 --prefetchers {prefetchers}
bandwidth-scaling  bandwidth  25  --mem-node {nodes} --kind read,write,write-nt,copy,triad --threads 1:{ncpu} --size 512M --time-budget 1
loaded-read        loaded     30  --mem-node {nodes} --kind read --size 256M --traffic-size 128M --time-budget 1
loaded-write-nt    loaded     15  --mem-node {nodes} --kind write-nt --size 256M --traffic-size 128M --delays 0,100,400,1000,3000,10000,80000 --time-budget 1
interleave         interleave 40  --size 256M --time-budget 0.5
gpucopy            gpucopy    40  --mem-node {nodes} --sizes 4K:256M:4 --kind pageable,pinned,mallochost,interleave --time-budget 0.2 --latency-copies 20000
calibrate          calibrate  2   {dir}
offload            offload    2   --calibration {dir}/steps/calibrate/calibration.json --model bert-340m,gpt2-4b,llama-3.1-8b --batch 1,8,max --tflops 67 --assume h2d_gbps=16,d2h_gbps=16,copy_latency_ns=300
xlshare            xlshare    5   --calibration {dir}/steps/calibrate/calibration.json --model xlshare-8m --cache 512M --batch 1,4,8 --gpus 1,8 --inferences 100 --tflops 67 --assume h2d_gbps=64,gpu_copy_latency_ns=300,hbm_gbps=3350,ldram_h2d_gbps=16,ldram_copy_latency_ns=300
xlshare-seed       xlshare    5   --calibration {top}/replay/xlshare-default.json --model xlshare-8m --cache 512M --batch 1,4,8 --gpus 1,8 --inferences 100 --tflops 67 --assume hbm_gbps=3350,ldram_copy_latency_ns=300
