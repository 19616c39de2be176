# headline/calibrate.jq — run-all's one-line summary of the calibration step.
"pool node \(.pool_node) (\(.pool_class)) from CPU node \(.cpu_node): idle \(.nodes[.pool_node | tostring].idle_latency_ns.value // "absent") ns, read peak \(.nodes[.pool_node | tostring].bandwidth.read.peak_gbps // "absent") GB/s; \(.absent | length) values absent"
