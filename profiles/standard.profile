#: a 2-socket server with a CXL node (e.g. 2 x 48 cores, LDRAM/RDRAM/CXL): about 2 h
# Format: see quick.profile. Estimates assume 3 memory nodes and 48 CPUs per
# socket; run-all scales nothing, so read them as a guide. tiering changes
# the kernel's NUMA-balancing mode for its runs (root; every old value is
# written back) and limits LDRAM to 2G free with locked filler: it is skipped,
# with the reason, when the run is not root or the machine has one memory node.
latency-sweep       latency    900  --mem-node {nodes} --sweep 4K:4G:2 --pattern random,random-in-page,seq --repeat 31 --min-samples 7 --time-budget 1 --prefetchers {prefetchers}
latency-matrix      latency    300  --matrix --mem-node {nodes} --size 1G --pattern random,seq --distribution 16 --prefetchers {prefetchers}
latency-thp         latency    300  --mem-node {nodes} --sweep 64M:4G:4 --pattern random --page-size thp --prefetchers {prefetchers}
bandwidth-scaling   bandwidth  1500 --mem-node {nodes} --kind read,write,write-nt,copy,triad,2:1 --threads 1:{ncpu}
bandwidth-matrix    bandwidth  300  --matrix --mem-node {nodes} --kind read,write-nt
bandwidth-optimize  bandwidth  600  --mem-node {nodes} --kind read --optimize --threads 1:{ncpu}
loaded-read         loaded     600  --mem-node {nodes} --kind read --prefetchers {prefetchers}
loaded-write-nt     loaded     600  --mem-node {nodes} --kind write-nt --prefetchers {prefetchers}
loaded-cross        loaded     600  --mem-node {nodes} --traffic-node all --kind read --delays 0,200,1000,5000,20000,80000 --prefetchers {prefetchers}
interleave          interleave 1200 --size 16G --time-budget 5
tiering             tiering    700  --set-kernel --modes none,autonuma,tiering --placement first-touch,cxl,interleave --size 4G --fast-capacity 2G --scan-delay 1000 --scan-period-min 1000 --duration 60
gpucopy             gpucopy    900  --mem-node {nodes}
calibrate          calibrate  2   {dir}
offload            offload    2   --calibration {dir}/steps/calibrate/calibration.json --model bert-340m,gpt2-4b,llama-3.1-8b --batch 1,8,max --tflops 67 --assume h2d_gbps=16,d2h_gbps=16,copy_latency_ns=300
xlshare            xlshare    5   --calibration {dir}/steps/calibrate/calibration.json --model xlshare-8m --cache 512M --batch 1,4,8 --gpus 1,2,4,8 --inferences 1000 --tflops 67 --assume h2d_gbps=64,gpu_copy_latency_ns=300,hbm_gbps=3350,ldram_h2d_gbps=16,ldram_copy_latency_ns=300
xlshare-seed       xlshare    5   --calibration {top}/replay/xlshare-default.json --model xlshare-8m --cache 512M --batch 1,4,8 --gpus 1,2,4,8 --inferences 1000 --tflops 67 --assume hbm_gbps=3350,ldram_copy_latency_ns=300
