#: seconds: every test once on tiny sizes, to check the harness (CI)
# Format: see quick.profile.
latency-smoke    latency    4  --mem-node {nodes} --sweep 16K:4M:16 --pattern random --repeat 5 --min-samples 3 --time-budget 0.2 --loads 50000
bandwidth-smoke  bandwidth  4  --mem-node {nodes} --kind read --threads 1 --size 16M --repeat 5 --min-samples 3 --time-budget 0.2
loaded-smoke     loaded     6  --mem-node {nodes} --kind read --delays 0,1000,80000 --size 32M --traffic-size 16M --loads 50000 --repeat 5 --min-samples 3 --time-budget 0.2
interleave-smoke interleave 6  --size 16M --repeat 5 --min-samples 3 --time-budget 0.2
gpucopy-smoke    gpucopy    5  --mem-node {nodes} --sizes 4K:4M:16 --kind pageable,pinned --direction h2d,d2h,d2d --repeat 5 --min-samples 3 --time-budget 0.1 --latency-copies 1000
