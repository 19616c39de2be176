#: seconds: every test once on tiny sizes, to check the harness (CI)
# Format: see quick.profile.
latency-smoke    latency    4  --mem-node {nodes} --sweep 16K:4M:16 --pattern random --repeat 5 --min-samples 3 --time-budget 0.2 --loads 50000
bandwidth-smoke  bandwidth  4  --mem-node {nodes} --kind read --threads 1 --size 16M --repeat 5 --min-samples 3 --time-budget 0.2
loaded-smoke     loaded     6  --mem-node {nodes} --kind read --delays 0,1000,80000 --size 32M --traffic-size 16M --loads 50000 --repeat 5 --min-samples 3 --time-budget 0.2
interleave-smoke interleave 6  --size 16M --repeat 5 --min-samples 3 --time-budget 0.2
gpucopy-smoke    gpucopy    5  --mem-node {nodes} --sizes 4K:4M:16 --kind pageable,pinned --direction h2d,d2h,d2d --repeat 5 --min-samples 3 --time-budget 0.1 --latency-copies 1000
calibrate          calibrate  2   {dir}
offload            offload    2   --calibration {dir}/steps/calibrate/calibration.json --model bert-340m,gpt2-4b,llama-3.1-8b --batch 1,8,max --tflops 67 --assume h2d_gbps=16,d2h_gbps=16,copy_latency_ns=300
xlshare            xlshare    5   --calibration {dir}/steps/calibrate/calibration.json --model xlshare-8m --cache 512M --batch 1,4,8 --gpus 1,8 --inferences 20 --tflops 67 --assume h2d_gbps=64,gpu_copy_latency_ns=300,hbm_gbps=3350,ldram_h2d_gbps=16,ldram_copy_latency_ns=300
xlshare-seed       xlshare    5   --calibration {top}/replay/xlshare-default.json --model xlshare-8m --cache 512M --batch 1,4,8 --gpus 1,8 --inferences 20 --tflops 67 --assume hbm_gbps=3350,ldram_copy_latency_ns=300
