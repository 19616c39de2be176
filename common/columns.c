/* columns.c — the column lists other parts of the suite read (columns.h). */
#include "columns.h"

/* The ten columns both gpucopy files start with. */
// clang-format off
#define GPU_COPY_PREFIX                                                        \
    {"gpu", NULL}, {"gpu_name", NULL}, {"gpu_pci", NULL}, {"gpu_node", NULL},  \
    {"cpu_node", NULL}, {"cpu", NULL}, {"host_mem", NULL},                     \
    {"mem_node", "the host buffer's node set, IDs joined with '+'"},           \
    {"mem_class", "their classes from the CPU node, joined with '+'"},         \
    {"placement", "bytes per node (\"0:4096 4:8192\", from move_pages after pinning)"}
// clang-format on
#define COPIES_HELP "copies per sample (gpu_copy.csv) or per point (gpu_copy_latency.csv)"

const struct cxs_col cxs_cols_gpu_copy[] = {
    GPU_COPY_PREFIX,         {"page_size", NULL},  {"direction", NULL}, {"size_bytes", NULL},
    {"copies", COPIES_HELP}, {"samples", NULL},    {"kept", NULL},      {"median_gbps", NULL},
    {"ci_lo_gbps", NULL},    {"ci_hi_gbps", NULL}, {"mean_gbps", NULL}, {"min_gbps", NULL},
    {"max_gbps", NULL},      {"median_us", NULL},
};
const size_t cxs_ncols_gpu_copy = CXS_NCOLS(cxs_cols_gpu_copy);

const struct cxs_col cxs_cols_gpu_copy_latency[] = {
    GPU_COPY_PREFIX,   {"direction", NULL}, {"bytes", NULL}, {"copies", COPIES_HELP},
    {"mean_ns", NULL}, {"median_ns", NULL}, {"p5_ns", NULL}, {"p95_ns", NULL},
    {"min_ns", NULL},  {"max_ns", NULL},
};
const size_t cxs_ncols_gpu_copy_latency = CXS_NCOLS(cxs_cols_gpu_copy_latency);

/* ---- cxlscope-loaded ---- */
const struct cxs_col cxs_cols_loaded[] = {
    {"cpu_node", "the chase CPU's node"},
    {"chase_cpu", NULL},
    {"mem_node", NULL},
    {"mem_class", "seen from the chase CPU"},
    {"traffic_node", NULL},
    {"traffic_class", "seen from the load CPUs' node; 'A/B' when they are on several"},
    {"kind", NULL},
    {"isa", NULL},
    {"load_threads", NULL},
    {"load_cpus", NULL},
    {"burst_bytes", NULL},
    {"delay", "in delay_unit, or 'idle'"},
    {"delay_unit", NULL},
    {"delay_ns", NULL},
    {"page_size_req", NULL},
    {"page_size_used", NULL},
    {"chase_bytes", NULL},
    {"traffic_bytes", NULL},
    {"on_node_pct", NULL},
    {"traffic_on_node_pct", NULL},
    {"traffic_gbps", "bytes the load threads' kernels loaded and stored while the chase ran / "
                     "that time, 1e9 B/s, write-allocate not counted; empty at idle"},
    {"traffic_thread_gbps", "each load thread's traffic_gbps, '+'-separated"},
    {"chase_gbps", "64 B per dependent load"},
    {"total_gbps", "traffic_gbps + chase_gbps"},
    {"latency_ns", "median ns per load"},
    {"ci95_lo_ns", NULL},
    {"ci95_hi_ns", NULL},
    {"mean_ns", NULL},
    {"min_ns", NULL},
    {"max_ns", NULL},
    {"p5_ns", NULL},
    {"p95_ns", NULL},
    {"samples_kept", NULL},
    {"samples_dropped", NULL},
};
const size_t cxs_ncols_loaded = CXS_NCOLS(cxs_cols_loaded);
