#: the paper-scale sweep: every pattern, page size, kind, order and node pair (many hours on a 2-socket CXL server)
# Format: see quick.profile.
latency-sweep-4k     latency    3600  --matrix --mem-node {nodes} --sweep 4K:16G:2 --pattern random,random-in-page,seq,stride:256 --repeat 51 --min-samples 11 --time-budget 2 --distribution 16 --prefetchers {prefetchers}
latency-sweep-thp    latency    1800  --matrix --mem-node {nodes} --sweep 4K:16G:2 --pattern random,random-in-page --page-size thp --repeat 51 --min-samples 11 --prefetchers {prefetchers}
latency-sweep-1g     latency    900   --mem-node {nodes} --sweep 1G:16G:2 --pattern random --page-size 1g --prefetchers {prefetchers}
latency-tlb          latency    900   --mem-node {nodes} --size 4G --pattern random --tlb-locality 2M --prefetchers {prefetchers}
bandwidth-scaling    bandwidth  7200  --matrix --mem-node {nodes} --kind read,write,write-nt,copy,triad,3:1,2:1,1:1 --access seq,random-line,random-block --threads 1:{ncpu} --repeat 31
bandwidth-optimize   bandwidth  1800  --mem-node {nodes} --kind read,copy --optimize --threads 1:{ncpu}
loaded-all-kinds     loaded     5400  --mem-node {nodes} --traffic-node all --kind read,write,write-nt,copy,triad,2:1 --prefetchers {prefetchers}
interleave           interleave 2400 --size 64G --time-budget 10 --repeat 31
interleave-limited   interleave 2400 --size 64G --ldram-limit 24G --time-budget 10 --repeat 31
tiering              tiering    6000  --set-kernel --placement first-touch,cxl,interleave,oli --workload hotset,mg,cg --size 16G --fast-capacity 8G --shift 60 --duration 120
gpucopy              gpucopy    3600  --device all --mem-node {nodes} --repeat 51 --min-samples 11 --time-budget 2 --latency-copies 1000000
calibrate          calibrate  2   {dir}
offload            offload    2   --calibration {dir}/steps/calibrate/calibration.json --model bert-340m,gpt2-4b,llama-3.1-8b --batch 1,8,max --tflops 67 --assume h2d_gbps=16,d2h_gbps=16,copy_latency_ns=300
xlshare            xlshare    5   --calibration {dir}/steps/calibrate/calibration.json --model xlshare-8m --cache 512M --batch 1,4,8 --gpus 1,2,4,8,16 --inferences 10000 --tflops 67 --assume h2d_gbps=64,gpu_copy_latency_ns=300,hbm_gbps=3350,ldram_h2d_gbps=16,ldram_copy_latency_ns=300
xlshare-seed       xlshare    5   --calibration {top}/replay/xlshare-default.json --model xlshare-8m --cache 512M --batch 1,4,8 --gpus 1,2,4,8,16 --inferences 10000 --tflops 67 --assume hbm_gbps=3350,ldram_copy_latency_ns=300
