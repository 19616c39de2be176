/* cxlscope-gpucopy — cudaMemcpy bandwidth and latency between a GPU and host
 * memory placed on chosen NUMA nodes: pageable, pinned (node-bound, then
 * cudaHostRegister), cudaMallocHost, and pinned interleaved over the memory
 * nodes; host-to-device, device-to-host, both at once, and device-to-device
 * as the GPU's own reference. Host placement is checked with move_pages
 * before and after pinning; every buffer's copies are checked byte for byte
 * before it is measured. */
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "columns.h"
#include "gpu.h"
#include "interrupt.h"
#include "memory.h"
#include "opts.h"
#include "row.h"
#include "run.h"
#include "spec.h"
#include "stats.h"
#include "targets.h"
#include "threads.h"
#include "timer.h"
#include "topology.h"

static const char usage_head[] =
    "Usage: cxlscope-gpucopy [OPTIONS]\n"
    "\n"
    "Measures what a GPU gets from host memory on each NUMA node (LDRAM, RDRAM,\n"
    "CXL): cudaMemcpy bandwidth against transfer size, and the latency of small\n"
    "synchronous copies, per host buffer kind and direction.\n"
    "\n"
    "Host buffer kinds (--kind):\n"
    "  pageable    bound to the node (mbind), not pinned: the driver stages it\n"
    "  pinned      bound to the node, touched, then cudaHostRegister; pages\n"
    "              checked with move_pages before and after registering\n"
    "  mallochost  cudaMallocHost: placed where the driver likes; the row says\n"
    "              where its pages landed (mem_node, placement)\n"
    "  interleave  pinned, pages interleaved over all the memory nodes\n"
    "  weighted    pinned, the kernel's weighted interleave over the memory\n"
    "              nodes with its current weights (Linux >= 6.9; left out with a\n"
    "              note where the kernel refuses it)\n"
    "  interleave and weighted need two memory nodes and are left out (with a\n"
    "  note) otherwise.\n"
    "\n"
    "Directions (--direction):\n"
    "  h2d, d2h    host to device, device to host\n"
    "  bidir       both at once on two streams: rows bidir-h2d and bidir-d2h\n"
    "              (each stream's own rate) and bidir-total (both directions'\n"
    "              bytes over the time until the later one ends)\n"
    "  d2d         device to device, the GPU's own reference (bytes copied per\n"
    "              second, not read + written), once per GPU\n"
    "\n"
    "Modes (--mode): sweep — per buffer, direction and size, back-to-back\n"
    "cudaMemcpyAsync calls timed with CUDA events (enough copies per sample for\n"
    "about a millisecond), after a warm-up; median, 95 % CI, mean, min, max of\n"
    "GB/s (1e9 bytes/s) and the median time per copy. latency — --latency-copies\n"
    "synchronous cudaMemcpy calls of --latency-size bytes, each timed on the host\n"
    "(after 1,000 warm-up copies); mean (all copies) and median, p5, p95, min,\n"
    "max in ns per copy, no outlier removed. all — both.\n"
    "\n"
    "Options:\n";
static const char usage_tail[] =
    "\n"
    "Exit status: 0 done; 1 a CUDA call failed, a copy came back wrong or memory\n"
    "landed on the wrong node (rows measured before are kept); 2 bad usage;\n"
    "77 no usable GPU or CUDA driver (the CUDA error is named); 130 interrupted\n"
    "(rows kept).\n";

enum { MODE_SWEEP = 1, MODE_LATENCY = 2 };

struct config {
    struct cxs_std_opts std;
    int devices[GC_MAX_DEVICES];
    size_t ndevices;
    int all_devices;
    int kinds[GC_NKINDS];
    size_t nkinds;
    int dirs[GC_NDIRS];
    size_t ndirs;
    uint64_t sizes[GC_MAX_SIZES];
    size_t nsizes;
    int mode;
    uint64_t lat_copies, lat_size;
};

static void device_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    struct config *c = o->dest;
    char err[200];
    if (gc_parse_devices(arg, c->devices, &c->ndevices, &c->all_devices, err, sizeof err))
        cxs_usage_die("%s: %s", opt, err);
}
static void kind_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    struct config *c = o->dest;
    c->nkinds = 0;
    cxs_names_arg(arg, "kind", gc_kind_parse, gc_kind_name, c->kinds, &c->nkinds);
}
static void dir_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    struct config *c = o->dest;
    c->ndirs = 0;
    cxs_names_arg(arg, "direction", gc_dir_parse, gc_dir_name, c->dirs, &c->ndirs);
}

/* --help after the options: both CSVs' columns and what some hold. */
static void usage_more(FILE *f)
{
    fputc('\n', f);
    cxs_cols_list(f, "gpu_copy.csv", cxs_cols_gpu_copy, cxs_ncols_gpu_copy);
    cxs_cols_list(f, "gpu_copy_latency.csv", cxs_cols_gpu_copy_latency, cxs_ncols_gpu_copy_latency);
    const struct cxs_col *lists[] = {cxs_cols_gpu_copy, cxs_cols_gpu_copy_latency};
    const size_t n[] = {cxs_ncols_gpu_copy, cxs_ncols_gpu_copy_latency};
    fputc('\n', f);
    cxs_cols_describe(f, lists, n, 2);
}

static const char *const modes[] = {"sweep", "latency", "all", NULL};
static const int mode_bits[] = {MODE_SWEEP, MODE_LATENCY, MODE_SWEEP | MODE_LATENCY};

static void parse_args(int argc, char **argv, struct config *c)
{
    *c = (struct config){.ndevices = 1,
                         .lat_copies = 100000,
                         .lat_size = 64,
                         .std = {.mem_spec = "all",
                                 .repeat = 31,
                                 .min_samples = 5,
                                 .seed = 1,
                                 .budget_s = 0.5,
                                 .format = CXS_FMT_CSV}};
    const char *sizes = "128:4G";
    int mode = 2; /* all */
    const struct cxs_opt opts[] = {
        CXS_O_CUSTOM("device", device_arg, c, "N|LIST|all",
                     "CUDA device(s) (default 0); all runs each in turn"),
        CXS_O_CUSTOM("kind", kind_arg, c, "LIST", "buffer kinds (default: all five)"),
        CXS_O_CUSTOM("direction", dir_arg, c, "LIST", "directions (default h2d,d2h,bidir,d2d)"),
        CXS_O_STR("sizes", &sizes, "SWEEP|LIST",
                  "transfer sizes, LO:HI[:FACTOR] or a list (default 128:4G, powers of two); "
                  "K/M/G = 1024^n. Each host buffer holds the largest size (twice with bidir), "
                  "the device two buffers of it."),
        CXS_O_ENUM("mode", &mode, modes, "mode", "sweep|latency|all",
                   "what to measure (default all)"),
        CXS_O_U64("latency-copies", &c->lat_copies, 1, 100000000, "N",
                  "copies per latency point (default 100000)"),
        CXS_O_SIZE("latency-size", &c->lat_size, 1u << 30, "N",
                   "bytes per latency copy (default 64)"),
        {.kind = CXS_ARG_STD,
         .std = CXS_OPT_CPU,
         .metavar = "N",
         .help = "the node the host thread runs on (default: the GPU's own node, from the PCI "
                 "device's numa_node in sysfs; the first node with CPUs when that is unknown). "
                 "Both are in every row (cpu_node, gpu_node)."},
        CXS_O_STD(CXS_OPT_MEM, "host memory nodes: IDs, ranges, classes (ldram, rdram, cxl, "
                               "cpuless, relative to the CPU node) or all (default)"),
        CXS_O_STD(CXS_OPT_PAGE, "host pages: 4k (default), thp, 2m, 1g"),
        CXS_O_STD(CXS_OPT_FALLBACK, "report pages that landed elsewhere instead of failing"),
        CXS_O_STD(CXS_OPT_RESERVE, NULL),
        CXS_O_STD(CXS_OPT_REPEAT, NULL),
        CXS_O_STD(CXS_OPT_MIN, NULL),
        CXS_O_STD_NODEFAULT(CXS_OPT_BUDGET,
                            "seconds per point before stopping early (default 0.5; sampling "
                            "also stops once the CI is within +-1 %)"),
        CXS_O_STD(CXS_OPT_SEED, "seed of the check pattern"),
        CXS_O_STD(CXS_OPT_OUTPUT, "write DIR/gpu_copy.csv, DIR/gpu_copy_latency.csv and "
                                  "DIR/meta.json (without it: rows of the first mode on stdout; "
                                  "latency rows with --mode all need --output)"),
        CXS_O_STD(CXS_OPT_FORMAT, "stdout format"),
        CXS_O_STD(CXS_OPT_QUIET, NULL),
        CXS_O_STD(CXS_OPT_HELP, NULL),
        CXS_O_STD(CXS_OPT_VERSION, NULL),
        CXS_O_STD_HIDDEN(CXS_OPT_MATRIX), /* refused below, by name */
        CXS_O_END,
    };
    const struct cxs_optspec spec = {
        .head = usage_head, .more = usage_more, .tail = usage_tail, .std = &c->std};
    optind = cxs_opts_parse(argc, argv, opts, &spec);
    cxs_std_end(argc, argv, &c->std);
    if (c->std.matrix)
        cxs_usage_die("--matrix does not apply to cxlscope-gpucopy (use --cpu-node)");
    char err[200];
    if (gc_parse_sizes(sizes, c->sizes, &c->nsizes, err, sizeof err))
        cxs_usage_die("--sizes: %s", err);
    c->mode = mode_bits[mode];
    if (!c->nkinds)
        for (int k = 0; k < GC_NKINDS; k++)
            c->kinds[c->nkinds++] = k;
    if (!c->ndirs)
        for (int d = 0; d < GC_NDIRS; d++)
            c->dirs[c->ndirs++] = d;
}

/* ---- one host buffer, placed and pinned as its kind says ---- */

struct host {
    const struct gc_hostbuf *hb;
    struct cxs_buf buf; /* node-bound kinds */
    void *p;            /* start of the memory copies use */
    size_t len;
    int registered;
    char mem_node[128], mem_class[160], placement[512], page[16];
};

static void host_free(struct host *h)
{
    char err[256];
    if (h->registered && gc_host_unregister(h->p, err, sizeof err))
        cxs_note("%s", err);
    h->registered = 0;
    if (gc_kinds[h->hb->kind].pin == GC_MALLOCHOST)
        gc_free_host(h->p);
    else if (h->buf.p)
        cxs_buf_free(&h->buf);
    h->p = NULL;
}

static void describe_pages(struct host *h, const uint64_t *pages, int cpu_node)
{
    const struct cxs_topo *t = &cxs_run.topo;
    int nodes[CXS_MAX_NODES];
    size_t n = gc_nodes_holding(t, pages, nodes);
    if (h->hb->nnodes) {
        gc_fmt_nodes(h->hb->nodes, (size_t)h->hb->nnodes, h->mem_node, sizeof h->mem_node);
        gc_fmt_classes(t, cpu_node, h->hb->nodes, (size_t)h->hb->nnodes, h->mem_class,
                       sizeof h->mem_class);
    } else {
        gc_fmt_nodes(nodes, n, h->mem_node, sizeof h->mem_node);
        gc_fmt_classes(t, cpu_node, nodes, n, h->mem_class, sizeof h->mem_class);
    }
    gc_fmt_placement(t, pages, h->placement, sizeof h->placement);
}

/* Returns 0, CXS_EXIT_SKIP (kind not available here: err says why) or
 * exits through cxs_run_fail. */
static int host_setup(const struct config *c, const struct gc_hostbuf *hb, size_t len, int cpu_node,
                      struct host *h, char *err, size_t errlen)
{
    const struct gc_kind *k = &gc_kinds[hb->kind];
    const struct cxs_topo *t = &cxs_run.topo;
    *h = (struct host){.hb = hb, .len = len};
    if (k->pin == GC_MALLOCHOST) {
        if (gc_malloc_host(&h->p, len, err, errlen))
            cxs_run_fail(CXS_EXIT_FAIL, "mallochost: %s", err);
        memset(h->p, 0, len); /* the driver's pages, made certainly present */
        uint64_t pages[CXS_MAX_NODES] = {0};
        uint64_t unknown = cxs_pages_where(t, h->p, len, pages);
        describe_pages(h, pages, cpu_node);
        snprintf(h->page, sizeof h->page, "driver");
        if (unknown)
            cxs_note("mallochost: %" PRIu64 " pages whose node move_pages could not tell", unknown);
        return 0;
    }
    struct cxs_alloc_req q = {.size = len,
                              .policy = (enum cxs_policy)k->policy,
                              .nnodes = hb->nnodes,
                              .page = c->std.page,
                              .allow_fallback = c->std.allow_fallback,
                              .reserve_hugepages = c->std.reserve_hugepages};
    memcpy(q.nodes, hb->nodes, (size_t)hb->nnodes * sizeof q.nodes[0]);
    char what[160];
    gc_fmt_nodes(hb->nodes, (size_t)hb->nnodes, what, sizeof what);
    int rc = cxs_buf_alloc(t, &q, &h->buf, err, errlen);
    if (rc == CXS_EXIT_SKIP)
        return rc;
    if (rc)
        cxs_run_fail(rc, "%s on node %s: %s", k->name, what, err);
    h->p = h->buf.p;
    snprintf(h->page, sizeof h->page, "%s", h->buf.page_used);
    if (k->pin == GC_REGISTERED) {
        if (gc_host_register(h->p, h->buf.map_size, err, errlen))
            cxs_run_fail(CXS_EXIT_FAIL, "%s on node %s: %s", k->name, what, err);
        h->registered = 1;
        /* Pinning must not have moved a page: count again and compare. */
        uint64_t after[CXS_MAX_NODES] = {0};
        uint64_t unknown = cxs_pages_where(t, h->p, h->buf.map_size, after);
        for (int i = 0; i < t->nnodes; i++)
            if (after[i] != h->buf.pages_on[i] && !c->std.allow_fallback)
                cxs_run_fail(CXS_EXIT_FAIL,
                             "%s on node %s: node %d held %" PRIu64 " pages before "
                             "cudaHostRegister and %" PRIu64 " after",
                             k->name, what, t->nodes[i].id, h->buf.pages_on[i], after[i]);
        if (unknown > h->buf.pages_unknown && !c->std.allow_fallback)
            cxs_run_fail(CXS_EXIT_FAIL,
                         "%s on node %s: %" PRIu64 " pages of unknown node after "
                         "cudaHostRegister",
                         k->name, what, unknown);
        describe_pages(h, after, cpu_node);
    } else {
        describe_pages(h, h->buf.pages_on, cpu_node);
    }
    return 0;
}

/* ---- what every row starts with ---- */

struct rowctx {
    const struct gc_gpu *g;
    int cpu_node;
};

/* The two CSVs' rows (columns.h), made in main. */
static struct cxs_row *bw_row, *lat_row;

/* The ten columns both files start with; a NULL host is the device's own
 * copies (d2d). */
static void prefix_cols(struct cxs_row *row, const struct rowctx *r, const struct host *h)
{
    cxs_row_int(row, "gpu", r->g->dev);
    cxs_row_str(row, "gpu_name", r->g->name);
    cxs_row_str(row, "gpu_pci", r->g->pci);
    cxs_row_int(row, "gpu_node", r->g->node);
    cxs_row_int(row, "cpu_node", r->cpu_node);
    cxs_row_int(row, "cpu", sched_getcpu());
    cxs_row_str(row, "host_mem", h ? gc_kinds[h->hb->kind].name : "device");
    if (h) {
        cxs_row_str(row, "mem_node", h->mem_node);
        cxs_row_str(row, "mem_class", h->mem_class);
        cxs_row_str(row, "placement", h->placement);
    } else {
        cxs_row_empty(row, "mem_node");
        cxs_row_str(row, "mem_class", "GPU");
        cxs_row_empty(row, "placement");
    }
}

/* ---- the sweep: one point ---- */

struct point {
    struct gc_gpu *g;
    enum gc_dir dir;
    void *host, *host2;
    size_t size;
    unsigned batch;
    double *ms[3]; /* per sample, per row of the direction */
    size_t n;
    char err[320];
};

static int sample_fn(void *arg, double *value)
{
    struct point *p = arg;
    double ms[3];
    if (gc_time_copies(p->g, p->dir, p->host, p->host2, p->size, p->batch, ms, p->err,
                       sizeof p->err))
        return 1;
    for (int r = 0; r < 3; r++)
        p->ms[r][p->n] = ms[r];
    p->n++;
    double bytes = (double)p->size * p->batch * (p->dir == GC_BIDIR ? 2 : 1);
    *value = ms[2] > 0 ? bytes / (ms[2] * 1e-3) / 1e9 : 0;
    return 0;
}

static struct cxs_out *lat_out;
static void close_lat(void *arg)
{
    (void)arg;
    if (lat_out)
        cxs_out_close(lat_out);
    lat_out = NULL;
}

/* One gpu_copy.csv row: a direction's rate summary s and time per copy su. */
static void sweep_row(const struct rowctx *rc, const struct host *h, const struct point *p,
                      const char *direction, const struct cxs_summary *s,
                      const struct cxs_summary *su)
{
    prefix_cols(bw_row, rc, h);
    if (h)
        cxs_row_str(bw_row, "page_size", h->page);
    else
        cxs_row_empty(bw_row, "page_size");
    cxs_row_str(bw_row, "direction", direction);
    cxs_row_u64(bw_row, "size_bytes", p->size);
    cxs_row_u64(bw_row, "copies", p->batch);
    cxs_row_u64(bw_row, "samples", s->n);
    cxs_row_u64(bw_row, "kept", s->kept);
    cxs_row_fixed(bw_row, "median_gbps", 3, s->median);
    cxs_row_fixed(bw_row, "ci_lo_gbps", 3, s->ci_lo);
    cxs_row_fixed(bw_row, "ci_hi_gbps", 3, s->ci_hi);
    cxs_row_fixed(bw_row, "mean_gbps", 3, s->mean);
    cxs_row_fixed(bw_row, "min_gbps", 3, s->min);
    cxs_row_fixed(bw_row, "max_gbps", 3, s->max);
    cxs_row_fixed(bw_row, "median_us", 3, su->median);
    cxs_run_row(cxs_row_take(bw_row));
}

static void sweep_point(const struct config *c, struct rowctx *rc, const struct host *h,
                        struct point *p, const char *what)
{
    char sz[32];
    cxs_format_size(p->size, sz, sizeof sz);
    /* Warm-up, then one timed copy sets how many copies a sample takes. */
    double ms[3];
    p->batch = 1;
    for (int w = 0; w < 2; w++)
        if (gc_time_copies(p->g, p->dir, p->host, p->host2, p->size, 1, ms, p->err, sizeof p->err))
            cxs_run_fail(CXS_EXIT_FAIL, "%s %s, %s: %s", what, gc_dirs[p->dir].name, sz, p->err);
    p->batch = gc_batch_for(ms[2] * 1e-3, 1e-3, 1000);
    p->n = 0;
    size_t max = (size_t)c->std.repeat;
    double *gbps = malloc(max * sizeof *gbps);
    for (int r = 0; r < 3; r++)
        p->ms[r] = malloc(max * sizeof(double));
    if (!gbps || !p->ms[0] || !p->ms[1] || !p->ms[2])
        cxs_run_fail(CXS_EXIT_FAIL, "out of memory");
    struct cxs_adaptive a = {c->std.min_samples, c->std.repeat, c->std.budget_s, 0.01};
    struct cxs_summary total;
    size_t taken = 0;
    int rc_s = cxs_sample_adaptive(&a, sample_fn, p, gbps, &taken, &total);
    if (rc_s > 0)
        cxs_run_fail(CXS_EXIT_FAIL, "%s %s, %s: %s", what, gc_dirs[p->dir].name, sz, p->err);
    if (rc_s < 0 || p->n == 0) {
        if (cxs_stop_requested())
            goto out;
        cxs_run_fail(CXS_EXIT_FAIL, "%s %s, %s: no samples", what, gc_dirs[p->dir].name, sz);
    }
    const struct gc_dir_desc *dd = &gc_dirs[p->dir];
    for (int r = 0; r < dd->nrows; r++) {
        /* Row r's rate from its own times (bidir-h2d/-d2h: one direction's
         * bytes over its stream's time; total: both over the longer). */
        int slot = dd->nrows == 1 ? 2 : r;
        double per = (double)p->size * p->batch * (slot == 2 && dd->nrows == 3 ? 2 : 1);
        double *g = malloc(p->n * sizeof *g), *us = malloc(p->n * sizeof *us);
        if (!g || !us)
            cxs_run_fail(CXS_EXIT_FAIL, "out of memory");
        for (size_t i = 0; i < p->n; i++) {
            double t = p->ms[slot][i];
            g[i] = t > 0 ? per / (t * 1e-3) / 1e9 : 0;
            us[i] = t * 1e3 / p->batch;
        }
        struct cxs_summary s, su;
        if (cxs_summarize(g, p->n, 0, &s) || cxs_summarize(us, p->n, 0, &su))
            cxs_run_fail(CXS_EXIT_FAIL, "out of memory");
        free(g);
        free(us);
        sweep_row(rc, h, p, dd->rows[r], &s, &su);
    }
out:
    free(gbps);
    for (int r = 0; r < 3; r++)
        free(p->ms[r]);
}

/* ---- latency: synchronous small copies timed one by one ---- */

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void latency_point(const struct config *c, struct rowctx *rc, const struct host *h,
                          struct gc_gpu *g, enum gc_dir dir, const char *what)
{
    char err[320];
    void *hp = h ? h->p : NULL;
    for (int w = 0; w < 1000; w++)
        if (gc_copy_sync(g, dir, hp, c->lat_size, err, sizeof err))
            cxs_run_fail(CXS_EXIT_FAIL, "%s %s latency: %s", what, gc_dirs[dir].name, err);
    size_t n = (size_t)c->lat_copies;
    double *ns = malloc(n * sizeof *ns), sum = 0;
    if (!ns)
        cxs_run_fail(CXS_EXIT_FAIL, "out of memory");
    size_t done = 0;
    for (; done < n && !cxs_stop_requested(); done++) {
        uint64_t t0 = cxs_time_begin();
        int bad = gc_copy_sync(g, dir, hp, c->lat_size, err, sizeof err);
        uint64_t t1 = cxs_time_end();
        if (bad)
            cxs_run_fail(CXS_EXIT_FAIL, "%s %s latency: %s", what, gc_dirs[dir].name, err);
        ns[done] = cxs_ticks_to_ns(t1 - t0);
        sum += ns[done];
    }
    if (done < n) { /* interrupted: a partial point is not a point */
        free(ns);
        return;
    }
    qsort(ns, n, sizeof *ns, cmp_d);
    if (c->mode == MODE_LATENCY || lat_out) {
        prefix_cols(lat_row, rc, h);
        cxs_row_str(lat_row, "direction", gc_dirs[dir].name);
        cxs_row_u64(lat_row, "bytes", c->lat_size);
        cxs_row_u64(lat_row, "copies", n);
        cxs_row_fixed(lat_row, "mean_ns", 1, sum / (double)n);
        cxs_row_fixed(lat_row, "median_ns", 1, cxs_quantile_sorted(ns, n, 0.5));
        cxs_row_fixed(lat_row, "p5_ns", 1, cxs_quantile_sorted(ns, n, 0.05));
        cxs_row_fixed(lat_row, "p95_ns", 1, cxs_quantile_sorted(ns, n, 0.95));
        cxs_row_fixed(lat_row, "min_ns", 1, ns[0]);
        cxs_row_fixed(lat_row, "max_ns", 1, ns[n - 1]);
    }
    free(ns);
    if (c->mode == MODE_LATENCY)
        cxs_run_row(cxs_row_take(lat_row));
    else if (lat_out && cxs_out_row(lat_out, cxs_row_take(lat_row)))
        cxs_run_fail(CXS_EXIT_FAIL, "writing a latency row failed");
}

/* ---- checks ---- */

static void fill(void *p, size_t len, uint64_t seed)
{
    uint64_t *w = p, x = seed * 0x9e3779b97f4a7c15ULL + 1;
    for (size_t i = 0; i < len / 8; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        w[i] = x;
    }
    for (size_t i = len / 8 * 8; i < len; i++)
        ((unsigned char *)p)[i] = (unsigned char)i;
}

/* Host -> device -> device -> host at the largest size; the bytes must come
 * back as they went. */
static void check_roundtrip(const struct config *c, struct gc_gpu *g, const struct host *h,
                            void *back, size_t size, const char *what)
{
    char err[320];
    fill(h->p, size, c->std.seed);
    memset(back, 0, size);
    if (gc_copy_sync(g, GC_H2D, h->p, size, err, sizeof err) ||
        gc_copy_sync(g, GC_D2D, NULL, size, err, sizeof err) ||
        gc_copy_back(g, back, size, err, sizeof err))
        cxs_run_fail(CXS_EXIT_FAIL, "%s: check copy: %s", what, err);
    if (memcmp(h->p, back, size) != 0) {
        size_t at = 0;
        while (((unsigned char *)h->p)[at] == ((unsigned char *)back)[at])
            at++;
        cxs_run_fail(CXS_EXIT_FAIL,
                     "%s: host -> GPU -> GPU -> host copy of %zu bytes came back different at "
                     "byte %zu",
                     what, size, at);
    }
}

/* ---- one GPU ---- */

static char notes[8][640];
static size_t nnotes;
__attribute__((format(printf, 1, 2))) static void add_note(const char *fmt, ...)
{
    if (nnotes >= sizeof notes / sizeof notes[0] - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(notes[nnotes], sizeof notes[0], fmt, ap);
    va_end(ap);
    cxs_note("%s", notes[nnotes]);
    cxs_run_note(notes[nnotes++]);
}

static int has_dir(const struct config *c, enum gc_dir d)
{
    for (size_t i = 0; i < c->ndirs; i++)
        if (c->dirs[i] == (int)d)
            return 1;
    return 0;
}

struct device_plan {
    struct gc_gpu g;
    int cpu_node;
    int mem[CXS_MAX_NODES];
    size_t nmem;
    struct gc_hostbuf bufs[GC_NKINDS * CXS_MAX_NODES];
    size_t nbufs;
    char why_cpu[200], left_out[400];
};

/* Each host buffer against its nodes' memory: one that cannot be held is
 * named and left out (meta.json "skipped"); none left fails the run, every
 * one named. */
static void precheck_buffers(const struct config *c, struct device_plan *dp, uint64_t host)
{
    static char lines[GC_NKINDS * CXS_MAX_NODES][768];
    size_t kept = 0, skipped = 0;
    char err[512];
    for (size_t b = 0; b < dp->nbufs; b++) {
        const struct gc_kind *k = &gc_kinds[dp->bufs[b].kind];
        struct cxs_alloc_req q = {.size = host,
                                  .policy = (enum cxs_policy)k->policy,
                                  .nnodes = dp->bufs[b].nnodes,
                                  .page = c->std.page,
                                  .reserve_hugepages = c->std.reserve_hugepages};
        memcpy(q.nodes, dp->bufs[b].nodes, (size_t)q.nnodes * sizeof q.nodes[0]);
        int rc = k->pin == GC_MALLOCHOST ? 0 : cxs_buf_precheck(&cxs_run.topo, &q, err, sizeof err);
        if (rc == CXS_EXIT_USAGE)
            cxs_usage_die("%s host buffer: %s", k->name, err);
        if (rc && rc != CXS_EXIT_SKIP) {
            snprintf(lines[skipped], sizeof lines[0], "%s host buffer of %" PRIu64 " bytes: %s",
                     k->name, host, err);
            cxs_run_skipped(lines[skipped++]);
            continue;
        }
        dp->bufs[kept++] = dp->bufs[b];
    }
    dp->nbufs = kept;
    for (size_t i = 0; i < skipped && (kept || skipped > 1); i++)
        (kept ? cxs_note : cxs_error)("%s%s", kept ? "skipped " : "", lines[i]);
    if (!kept && skipped == 1)
        cxs_run_fail(CXS_EXIT_FAIL, "%s (a smaller --sizes?)", lines[0]);
    if (!kept && skipped)
        cxs_run_fail(CXS_EXIT_FAIL,
                     "none of the %zu host buffers can be held (each named above; a smaller "
                     "--sizes?)",
                     skipped);
}

/* Everything about one device that can be decided before measuring, and the
 * checks that can fail before a single row: CPU node, memory nodes, memory. */
/* The largest copy (the sweep's or the latency buffer) and, in *host, the
 * host buffer it needs (at least as large). */
static uint64_t largest_copy(const struct config *c, uint64_t *host)
{
    uint64_t max = c->sizes[c->nsizes - 1];
    if (max < c->lat_size)
        max = c->lat_size;
    *host = gc_host_bytes(max, c->dirs, c->ndirs);
    if (*host < max)
        *host = max;
    return max;
}

static void plan_device(const struct config *c, int dev, struct device_plan *dp)
{
    const struct cxs_topo *t = &cxs_run.topo;
    char err[512];
    if (gc_gpu_probe(&dp->g, dev, err, sizeof err))
        cxs_run_fail(CXS_EXIT_FAIL, "GPU %d: %s", dev, err);
    dp->why_cpu[0] = '\0';
    if (c->std.cpu_spec) {
        int ids[CXS_MAX_NODES];
        size_t n;
        int rc =
            cxs_tgt_cpu_nodes(t, c->std.cpu_spec, NULL, 0, ids, CXS_MAX_NODES, &n, err, sizeof err);
        if (rc)
            cxs_usage_die("%s", err);
        if (n != 1)
            cxs_usage_die("--cpu-node: one node (the host thread runs on one)");
        dp->cpu_node = ids[0];
    } else {
        const struct cxs_node *gn = dp->g.node >= 0 ? cxs_topo_node(t, dp->g.node) : NULL;
        if (gn && gn->ncpus > 0) {
            dp->cpu_node = dp->g.node;
        } else {
            dp->cpu_node = cxs_topo_default_cpu_node(t);
            snprintf(dp->why_cpu, sizeof dp->why_cpu,
                     "GPU %d (%s): %s; the host thread runs on node %d", dev, dp->g.pci,
                     gn ? "its NUMA node has no CPUs" : "sysfs gives no NUMA node (numa_node -1)",
                     dp->cpu_node);
        }
    }
    if (dp->cpu_node < 0)
        cxs_skip("no NUMA node with CPUs found");
    char merr[2048];
    int r = cxs_tgt_mem_nodes(t, c->std.mem_spec, dp->cpu_node, dp->mem, CXS_MAX_NODES, &dp->nmem,
                              merr, sizeof merr);
    if (r == CXS_EXIT_SKIP)
        cxs_skip("%s", merr);
    if (r)
        cxs_usage_die("%s", merr);
    cxs_tgt_unusable_notes(t, c->std.mem_spec);
    dp->nbufs =
        gc_plan_buffers(c->kinds, c->nkinds, dp->mem, dp->nmem, dp->bufs,
                        sizeof dp->bufs / sizeof dp->bufs[0], dp->left_out, sizeof dp->left_out);
    uint64_t host, max = largest_copy(c, &host);
    precheck_buffers(c, dp, host);
    uint64_t need = 2 * max + (256ULL << 20);
    if (dp->g.mem_free < need)
        cxs_run_fail(CXS_EXIT_FAIL,
                     "GPU %d has %zu bytes free, the largest size needs %" PRIu64
                     " (two buffers and a margin): a smaller --sizes",
                     dev, dp->g.mem_free, need);
}

static void run_device(const struct config *c, struct device_plan *dp)
{
    struct gc_gpu *g = &dp->g;
    char err[512], what[200];
    if (cxs_pin_self_node(&cxs_run.topo, dp->cpu_node))
        cxs_run_fail(CXS_EXIT_FAIL, "cannot run on CPU node %d", dp->cpu_node);
    uint64_t host_len, max = largest_copy(c, &host_len);
    if (gc_gpu_alloc(g, max, err, sizeof err))
        cxs_run_fail(CXS_EXIT_FAIL, "GPU %d: %s", g->dev, err);
    void *back = malloc(max);
    if (!back)
        cxs_run_fail(CXS_EXIT_FAIL, "no memory for a %" PRIu64 "-byte check buffer", max);
    struct rowctx rc = {.g = g, .cpu_node = dp->cpu_node};

    for (size_t b = 0; b < dp->nbufs && !cxs_stop_requested(); b++) {
        struct host h;
        const struct gc_kind *k = &gc_kinds[dp->bufs[b].kind];
        int s = host_setup(c, &dp->bufs[b], host_len, dp->cpu_node, &h, err, sizeof err);
        if (s == CXS_EXIT_SKIP) {
            add_note("%s left out: %s", k->name, err);
            continue;
        }
        snprintf(what, sizeof what, "GPU %d, %s on node %s", g->dev, k->name, h.mem_node);
        check_roundtrip(c, g, &h, back, max, what);
        for (size_t d = 0; d < c->ndirs && (c->mode & MODE_SWEEP); d++) {
            enum gc_dir dir = (enum gc_dir)c->dirs[d];
            if (!gc_dirs[dir].uses_host)
                continue;
            for (size_t i = 0; i < c->nsizes && !cxs_stop_requested(); i++) {
                struct point p = {.g = g,
                                  .dir = dir,
                                  .host = h.p,
                                  .host2 = (char *)h.p + max,
                                  .size = c->sizes[i]};
                sweep_point(c, &rc, &h, &p, what);
            }
        }
        for (size_t d = 0; d < c->ndirs && (c->mode & MODE_LATENCY); d++) {
            enum gc_dir dir = (enum gc_dir)c->dirs[d];
            if ((dir == GC_H2D || dir == GC_D2H) && !cxs_stop_requested())
                latency_point(c, &rc, &h, g, dir, what);
        }
        host_free(&h);
    }
    if (has_dir(c, GC_D2D) && !cxs_stop_requested()) {
        snprintf(what, sizeof what, "GPU %d, device", g->dev);
        for (size_t i = 0; i < c->nsizes && (c->mode & MODE_SWEEP) && !cxs_stop_requested(); i++) {
            struct point p = {.g = g, .dir = GC_D2D, .size = c->sizes[i]};
            sweep_point(c, &rc, NULL, &p, what);
        }
        if ((c->mode & MODE_LATENCY) && !cxs_stop_requested())
            latency_point(c, &rc, NULL, g, GC_D2D, what);
    }
    free(back);
    gc_gpu_close(g);
}

/* --device all, or the devices given, checked against the machine's. */
static void select_devices(struct config *c)
{
    char err[512];
    int count;
    if (gc_device_count(&count, err, sizeof err))
        cxs_skip("no usable GPU: %s", err);
    if (c->all_devices) {
        c->ndevices = 0;
        for (int d = 0; d < count && d < GC_MAX_DEVICES; d++)
            c->devices[c->ndevices++] = d;
    } else if (c->ndevices == 1 && !c->devices[0]) {
        c->devices[0] = 0;
    }
    for (size_t i = 0; i < c->ndevices; i++)
        if (c->devices[i] >= count)
            cxs_usage_die("--device: no device %d (this machine has %d: 0-%d)", c->devices[i],
                          count, count - 1);
}

/* meta.json's notes: the CUDA versions, each GPU, and why a host thread
 * or a buffer kind is not what was asked (also on stderr). */
static void device_notes(const struct config *c, const struct device_plan *plans)
{
    static char versions[128];
    gc_versions(versions, sizeof versions);
    cxs_run_note(versions);
    static char gpus[4][400];
    for (size_t i = 0; i < c->ndevices && i < 4; i++) {
        const struct gc_gpu *g = &plans[i].g;
        snprintf(gpus[i], sizeof gpus[i],
                 "GPU %d: %s, PCI %s, NUMA node %d, %.1f GiB; host thread on node %d", g->dev,
                 g->name, g->pci, g->node, (double)g->mem_total / (1 << 30), plans[i].cpu_node);
        cxs_run_note(gpus[i]);
    }
    for (size_t i = 0; i < c->ndevices; i++) {
        if (plans[i].why_cpu[0])
            add_note("%s", plans[i].why_cpu);
        if (plans[i].left_out[0])
            add_note("%s", plans[i].left_out);
    }
}

/* The run's CSV (the first mode's), and with --mode all and --output the
 * latency rows' file too. */
static void open_outputs(const struct config *c, int argc, char **argv)
{
    bw_row = cxs_row_new("gpu_copy.csv", cxs_cols_gpu_copy, cxs_ncols_gpu_copy);
    lat_row =
        cxs_row_new("gpu_copy_latency.csv", cxs_cols_gpu_copy_latency, cxs_ncols_gpu_copy_latency);
    const struct cxs_row *first = c->mode == MODE_LATENCY ? lat_row : bw_row;
    cxs_run_open(
        c->std.outdir, "gpucopy", c->mode == MODE_LATENCY ? "gpu_copy_latency.csv" : "gpu_copy.csv",
        cxs_row_names(first), cxs_row_ncols(first), c->std.quiet, c->std.format, argc, argv);
    if (c->mode == (MODE_SWEEP | MODE_LATENCY)) {
        if (c->std.outdir) {
            lat_out = cxs_run_out_open("gpu_copy_latency.csv", cxs_row_names(lat_row),
                                       cxs_row_ncols(lat_row));
            cxs_exit_hook_add(close_lat, NULL);
        } else if (!c->std.quiet) {
            cxs_note("latency rows are written with --output DIR (or shown with --mode latency)");
        }
    }
}

int main(int argc, char **argv)
{
    cxs_prog = "cxlscope-gpucopy";
    struct config c;
    parse_args(argc, argv, &c);
    cxs_run_load();
    select_devices(&c);
    cxs_interrupt_install();
    cxs_timer_init();
    static struct device_plan plans[GC_MAX_DEVICES];
    for (size_t i = 0; i < c.ndevices; i++)
        plan_device(&c, c.devices[i], &plans[i]);
    device_notes(&c, plans);
    open_outputs(&c, argc, argv);
    for (size_t i = 0; i < c.ndevices && !cxs_stop_requested(); i++)
        run_device(&c, &plans[i]);
    close_lat(NULL);
    cxs_row_free(bw_row);
    cxs_row_free(lat_row);
    cxs_run_end();
}
