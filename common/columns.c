/* columns.c — the column lists other parts of the suite read (columns.h). */
#include "columns.h"

#include "dist.h"

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

/* The prefetchers as read back when the row was measured (--prefetchers). */
#define PREFETCH_COL                                                                               \
    {                                                                                              \
        "prefetchers",                                                                             \
            "the hardware prefetchers on the row's CPUs, read back from their MSR: on, "           \
            "off, partial (some, or CPUs that differ) or unknown (cannot be read: not "            \
            "root, no msr driver, a CPU model without public control)"                             \
    }

/* The rest of a latency summary's columns (row.h cxs_row_summary) after
 * the median and the CI's low end, in latency.csv and loaded.csv. */
// clang-format off
#define NS_SPREAD \
    {"ci95_hi_ns", NULL}, {"mean_ns", NULL}, {"min_ns", NULL}, {"max_ns", NULL}, \
    {"p5_ns", NULL}, {"p95_ns", NULL}, {"samples_kept", NULL}
// clang-format on

/* ---- cxlscope-latency ---- */
// clang-format off
#define LATENCY_FIRST \
    {"cpu_node", NULL}, \
    {"cpu", "the CPU the measuring thread was pinned to"}, \
    {"mem_node", "the memory node; with --policy interleave all of them, joined with '+'"}, \
    {"mem_class", "its class from the CPU node (LDRAM, RDRAM, CXL, CPULESS), joined with '+'"}, \
    {"policy", NULL}, \
    {"pattern", NULL}, \
    {"tlb_locality_bytes", "group of random order; empty for seq/stride"}, \
    {"size_bytes", NULL}, \
    {"page_size_req", "the page size asked for (--page-size)"}, \
    {"page_size_used", "from /proc/self/smaps: 4k, thp, 4k+thp, 2m, 1g"}, \
    {"huge_pct", "% of the buffer in huge pages (THP or hugetlb)"}, \
    {"on_node_pct", "% of the buffer's 4 KiB pages on the requested node(s)"}, \
    {"loads_per_sample", NULL}, \
    {"median_ns", "ns per load (as every _ns column) over the samples kept"}, \
    {"ci95_lo_ns", "with ci95_hi_ns: the median's 95 % confidence interval (min and max when fewer " \
                   "than 6 samples are kept)"}, \
    NS_SPREAD, \
    {"samples_dropped", "MAD outliers: more than 3.5 scaled MADs and 1 % away from the median"}
#define LATENCY_LATER \
    {"stride_bytes", "bytes between the cycle's elements: --stride for random and " \
                     "random-in-page, the pattern's step for seq and stride:N"}, \
    CXS_DIST_COLS, \
    PREFETCH_COL
// clang-format on
const struct cxs_col cxs_cols_latency[] = {LATENCY_FIRST, LATENCY_LATER};
static const struct cxs_col cxs_cols_latency_first[] = {LATENCY_FIRST};
const size_t cxs_ncols_latency = CXS_NCOLS(cxs_cols_latency);
const size_t cxs_nfirst_latency = CXS_NCOLS(cxs_cols_latency_first);

/* latency_dist.csv: the point (as its latency.csv row says it), a bucket. */
const struct cxs_col cxs_cols_latency_dist[] = {
    {"cpu_node", NULL},     {"cpu", NULL},
    {"mem_node", NULL},     {"mem_class", NULL},
    {"policy", NULL},       {"pattern", NULL},
    {"stride_bytes", NULL}, {"tlb_locality_bytes", NULL},
    {"size_bytes", NULL},   {"page_size_req", NULL},
    CXS_DIST_BUCKET_COLS,
};
const size_t cxs_ncols_latency_dist = CXS_NCOLS(cxs_cols_latency_dist);

/* ---- cxlscope-bandwidth ---- */
// clang-format off
#define BANDWIDTH_FIRST \
    {"mode", "single, assign or optimize"}, \
    {"cpu_node", NULL}, \
    {"mem_node", NULL}, \
    {"mem_class", NULL}, \
    {"assignment", NULL}, \
    {"kind", NULL}, \
    {"access", NULL}, \
    {"isa", NULL}, \
    {"threads", NULL}, \
    {"cpus", NULL}, \
    {"page_size_req", NULL}, \
    {"page_size_used", NULL}, \
    {"on_node_pct", NULL}, \
    {"bytes_allocated", "all threads' arrays"}, \
    {"bytes_per_pass", "counted traffic of one pass of every thread"}, \
    {"passes_per_sample", "a sample is about 0.1 s of passes, the threads started together, " \
                          "timed from the first start to the last end"}, \
    {"median_gbps", NULL}, \
    {"ci95_lo_gbps", NULL}, \
    {"ci95_hi_gbps", NULL}, \
    {"mean_gbps", NULL}, \
    {"min_gbps", NULL}, \
    {"max_gbps", NULL}, \
    {"thread_gbps", "each thread's median, '+'-separated"}, \
    {"samples_kept", NULL}, \
    {"samples_dropped", NULL}
#define BANDWIDTH_LATER PREFETCH_COL
// clang-format on
const struct cxs_col cxs_cols_bandwidth[] = {BANDWIDTH_FIRST, BANDWIDTH_LATER};
static const struct cxs_col cxs_cols_bandwidth_first[] = {BANDWIDTH_FIRST};
const size_t cxs_ncols_bandwidth = CXS_NCOLS(cxs_cols_bandwidth);
const size_t cxs_nfirst_bandwidth = CXS_NCOLS(cxs_cols_bandwidth_first);

const struct cxs_col cxs_cols_saturation[] = {
    {"cpu_node", NULL},
    {"mem_node", NULL},
    {"mem_class", NULL},
    {"kind", NULL},
    {"access", NULL},
    {"peak_threads", "the thread count with the highest median GB/s"},
    {"peak_gbps", NULL},
    {"saturation_threads", "the smallest thread count within 5 % of the peak"},
    {"saturation_gbps", NULL},
};
const size_t cxs_ncols_saturation = CXS_NCOLS(cxs_cols_saturation);

/* ---- cxlscope-loaded ---- */
// clang-format off
#define LOADED_FIRST \
    {"cpu_node", "the chase CPU's node"}, \
    {"chase_cpu", NULL}, \
    {"mem_node", NULL}, \
    {"mem_class", "seen from the chase CPU"}, \
    {"traffic_node", NULL}, \
    {"traffic_class", "seen from the load CPUs' node; 'A/B' when they are on several"}, \
    {"kind", NULL}, \
    {"isa", NULL}, \
    {"load_threads", NULL}, \
    {"load_cpus", NULL}, \
    {"burst_bytes", NULL}, \
    {"delay", "in delay_unit, or 'idle'"}, \
    {"delay_unit", NULL}, \
    {"delay_ns", NULL}, \
    {"page_size_req", NULL}, \
    {"page_size_used", NULL}, \
    {"chase_bytes", NULL}, \
    {"traffic_bytes", NULL}, \
    {"on_node_pct", NULL}, \
    {"traffic_on_node_pct", NULL}, \
    {"traffic_gbps", "bytes the load threads' kernels loaded and stored while the chase ran / " \
                     "that time, 1e9 B/s, write-allocate not counted; empty at idle"}, \
    {"traffic_thread_gbps", "each load thread's traffic_gbps, '+'-separated"}, \
    {"chase_gbps", "64 B per dependent load"}, \
    {"total_gbps", "traffic_gbps + chase_gbps"}, \
    {"latency_ns", "median ns per load, over chase samples during each of which every load " \
                   "thread finished a burst (a sample without is taken again)"}, \
    {"ci95_lo_ns", NULL}, \
    NS_SPREAD, \
    {"samples_dropped", NULL}
#define LOADED_LATER \
    {"stride_bytes", "bytes between the chase cycle's elements (--stride)"}, \
    CXS_DIST_COLS, \
    PREFETCH_COL
// clang-format on
const struct cxs_col cxs_cols_loaded[] = {LOADED_FIRST, LOADED_LATER};
static const struct cxs_col cxs_cols_loaded_first[] = {LOADED_FIRST};
const size_t cxs_ncols_loaded = CXS_NCOLS(cxs_cols_loaded);
const size_t cxs_nfirst_loaded = CXS_NCOLS(cxs_cols_loaded_first);

/* loaded_dist.csv: the point (as its loaded.csv row says it), a bucket. */
const struct cxs_col cxs_cols_loaded_dist[] = {
    {"cpu_node", NULL},     {"chase_cpu", NULL},     {"mem_node", NULL},   {"mem_class", NULL},
    {"traffic_node", NULL}, {"traffic_class", NULL}, {"kind", NULL},       {"delay", NULL},
    {"delay_unit", NULL},   {"stride_bytes", NULL},  CXS_DIST_BUCKET_COLS,
};
const size_t cxs_ncols_loaded_dist = CXS_NCOLS(cxs_cols_loaded_dist);
