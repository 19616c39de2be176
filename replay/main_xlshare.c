/* cxlscope-xlshare — the XL-Share cache model (model.h) replayed with a
 * calibration: measured figures (cxlscope-calibrate) or the emulator's own
 * file, with anything missing given explicitly by --assume. Per
 * configuration: cold and warm inference latency, hit rates, prefetch
 * efficiency, stalls, pool utilization, memory, against full replication
 * and CPU offloading computed from the same calibration. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "interrupt.h"
#include "model.h"
#include "models.h"
#include "opts.h"
#include "params.h"
#include "row.h"
#include "run.h"

static const char usage_head[] =
    "Usage: cxlscope-xlshare --calibration FILE --model NAME|FILE [OPTIONS]\n"
    "\n"
    "Replays the XL-Share cache model: G GPUs run inferences of a layered model\n"
    "whose weights live in one memory pool; each GPU caches whole layers in HBM\n"
    "(LRU, pinning, mark-for-eviction of single-use layers) and prefetches the next\n"
    "--lookahead layers with --workers transfers. A transfer costs latency + bytes /\n"
    "bandwidth: the GPU's pinned h2d rate from the pool node, all GPUs sharing the\n"
    "pool node's bandwidth, the latency rising along the measured loaded-latency\n"
    "curve at the aggregate bandwidth. A layer runs for max(compute, bytes / HBM\n"
    "bandwidth). Baselines from the same calibration: full replication (all weights\n"
    "in every GPU's HBM) and CPU offloading (weights in LDRAM, fetched over the\n"
    "pinned h2d path from the CPU node, double-buffered).\n"
    "\n";
static const char usage_rows[] =
    "\n"
    "xlshare.csv, one row per model x cache x batch x GPU count: latency (ms) of the\n"
    "first inference of each GPU (cold) and of the others (warm), median and p95;\n"
    "hit rate by accesses and by bytes; prefetch efficiency (prefetched bytes later\n"
    "used / prefetched bytes); stall per inference; pool utilization (bytes fetched\n"
    "/ (time x the pool ceiling)); memory per GPU and in total; the same latency and\n"
    "memory for replication and CPU offloading. xlshare_compare.csv: the three\n"
    "approaches as rows (for plot/).\n";
static const char usage_tail[] =
    "\n"
    "Exit status: 0 done; 1 the model failed; 2 bad usage, an unreadable or\n"
    "unknown calibration or model, a value out of its range, sizes that overflow\n"
    "64 bits, or a value neither measured nor assumed; 130 interrupted (Ctrl-C\n"
    "stops the simulation in progress within milliseconds; the rows of the\n"
    "configurations finished are kept).\n";

#define MAXL 16
struct u64s {
    uint64_t v[MAXL];
    size_t n;
};
struct config {
    struct cxs_std_opts std;
    const char *calib, *model;
    struct u64s cache, batch, gpus;
    unsigned workers, lookahead;
    uint64_t inferences;
    double compute_ns, tflops;
    const char *pin, *single;
    char assume[8][256];
    size_t nassume;
};

/* A comma list of at most MAXL values: sizes (0 allowed: no cache) or
 * integers in the row's range. */
static void u64_list(const char *opt, const char *s, struct u64s *out, int sizes, uint64_t min,
                     uint64_t max)
{
    char buf[256], *items[MAXL + 1], err[200];
    if (strlen(s) >= sizeof buf)
        cxs_usage_die("%s: list too long", opt);
    strcpy(buf, s);
    size_t k = cxs_split_commas(buf, items, MAXL + 1);
    if (k > MAXL)
        cxs_usage_die("%s: at most %d values", opt, MAXL);
    for (size_t i = 0; i < k; i++) {
        if (sizes && strcmp(items[i], "0") == 0)
            out->v[i] = 0;
        else if (sizes ? cxs_parse_size(items[i], &out->v[i], err, sizeof err)
                       : cxs_parse_u64(items[i], min, max, &out->v[i], err, sizeof err))
            cxs_usage_die("%s: %s", opt, err);
    }
    out->n = k;
}
static void sizes_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    u64_list(opt, arg, o->dest, 1, 0, 0);
}
static void counts_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    u64_list(opt, arg, o->dest, 0, o->min, o->max);
}
static void assume_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    struct config *c = o->dest;
    if (c->nassume == 8)
        cxs_usage_die("%s: at most 8 times (lists are allowed)", opt);
    snprintf(c->assume[c->nassume++], sizeof c->assume[0], "%s", arg);
}

/* --model's help: the presets, one per line. */
static const char *model_help(void)
{
    static char help[2048];
    size_t n = (size_t)snprintf(help, sizeof help, "%s",
                                "a preset or a CSV of layers (name,bytes[,flops]"
                                "[,bytes_per_param][,single_use]: bytes digits only, flops >= 0, "
                                "bytes_per_param 0.125..64, single_use 0 or 1; an empty optional "
                                "cell is its default); presets:");
    for (size_t i = 0; i < xs_npresets && n < sizeof help; i++)
        n += (size_t)snprintf(help + n, sizeof help - n, "\n%s: %s", xs_presets[i].name,
                              xs_presets[i].what);
    return help;
}

static void usage_more(FILE *f);

static void parse_args(int argc, char **argv, struct config *c)
{
    *c = (struct config){.cache = {{512ULL << 20}, 1},
                         .batch = {{1}, 1},
                         .gpus = {{1}, 1},
                         .workers = 2,
                         .lookahead = 2,
                         .inferences = 100,
                         .compute_ns = -1,
                         .tflops = -1,
                         .std = {.repeat = 1, .format = CXS_FMT_CSV}};
    const struct cxs_opt opts[] = {
        CXS_O_STR("calibration", &c->calib, "FILE",
                  "cxlscope-calibrate's calibration.json, or a file in the XL-Share emulator's "
                  "format (e.g. replay/xlshare-default.json, the seed's assumptions: 300 ns, "
                  "64 GB/s, 80 ns HBM)"),
        CXS_O_STR("model", &c->model, "NAME|FILE", model_help()),
        CXS_O_CUSTOM("cache", sizes_arg, &c->cache, "LIST",
                     "cache per GPU, sizes (K/M/G = 1024^n; 0 = none; default 512M)"),
        CXS_O_UINT("workers", &c->workers, 0, 64, "N", "prefetch transfers per GPU (default 2)"),
        CXS_O_UINT("lookahead", &c->lookahead, 0, 64, "L", "layers prefetched ahead (default 2)"),
        CXS_O_STR("pin", &c->pin, "LAYERS",
                  "layers kept in the cache once there (names, comma list)"),
        CXS_O_STR("single-use", &c->single, "LAYERS", "layers moved to the LRU end after they run"),
        CXS_O_CUSTOM_RANGE("batch", counts_arg, &c->batch, 1, 65536, "LIST",
                           "batch sizes (default 1)"),
        CXS_O_U64("inferences", &c->inferences, 1, 100000000, "N",
                  "inferences per GPU (default 100)"),
        CXS_O_CUSTOM_RANGE("gpus", counts_arg, &c->gpus, 1, 4096, "LIST",
                           "GPU counts sharing the pool (default 1)"),
        CXS_O_DOUBLE("compute-ns", &c->compute_ns, "NS",
                     "compute time of every layer, whatever the batch"),
        CXS_O_DOUBLE("tflops", &c->tflops, "R",
                     "or: compute from each layer's FLOPs (2 x parameters per token; 0 for an "
                     "embedding lookup) x batch / R TFLOP/s (one of the two is required)"),
        CXS_O_CUSTOM("assume", assume_arg, c, "KEY=VALUE[,...]",
                     "values the calibration lacks (a measured value is kept and the assumption "
                     "noted as not used): h2d_gbps, d2h_gbps, gpu_copy_latency_ns, hbm_gbps, "
                     "pool_gbps, ldram_h2d_gbps, ldram_copy_latency_ns, ldram_gbps, "
                     "loaded_curve=flat. Every output marks assumed values (column assumed, "
                     "meta.json notes); a value neither measured nor assumed is an error naming "
                     "it. Where each value came from is noted on stderr after the results (on "
                     "success, unless --quiet)."),
        CXS_O_STD(CXS_OPT_OUTPUT, "write DIR/xlshare.csv, DIR/xlshare_compare.csv, meta.json"),
        CXS_O_STD(CXS_OPT_FORMAT, ""),
        CXS_O_STD(CXS_OPT_QUIET, ""),
        CXS_O_STD(CXS_OPT_HELP, NULL),
        CXS_O_STD(CXS_OPT_VERSION, NULL),
        /* taken as every benchmark takes them; the nodes are refused below */
        CXS_O_STD_HIDDEN(CXS_OPT_CPU),
        CXS_O_STD_HIDDEN(CXS_OPT_MEM),
        CXS_O_STD_HIDDEN(CXS_OPT_MATRIX),
        CXS_O_STD_HIDDEN(CXS_OPT_REPEAT),
        CXS_O_STD_HIDDEN(CXS_OPT_MIN),
        CXS_O_STD_HIDDEN(CXS_OPT_BUDGET),
        CXS_O_STD_HIDDEN(CXS_OPT_SEED),
        CXS_O_END,
    };
    const struct cxs_optspec spec = {
        .head = usage_head, .more = usage_more, .tail = usage_tail, .std = &c->std};
    optind = cxs_opts_parse(argc, argv, opts, &spec);
    cxs_std_end(argc, argv, &c->std);
    if (c->std.cpu_spec || c->std.mem_spec || c->std.matrix)
        cxs_usage_die("--cpu-node, --mem-node and --matrix do not apply (the nodes are the "
                      "calibration's)");
    if (!c->calib)
        cxs_usage_die("--calibration FILE is required (see --help)");
    if (!c->model)
        cxs_usage_die("--model NAME|FILE is required (see --help)");
    if ((c->compute_ns > 0) == (c->tflops > 0))
        cxs_usage_die("give one of --compute-ns NS or --tflops R (compute time per layer)");
}

/* Layers' names from a comma list into flags. */
static void mark(const struct xs_model *m, const char *list, const char *opt, int *flags)
{
    if (!list)
        return;
    char buf[1024], *items[256];
    if (strlen(list) >= sizeof buf)
        cxs_usage_die("%s: list too long", opt);
    strcpy(buf, list);
    size_t n = cxs_split_commas(buf, items, 256);
    if (n > 256)
        cxs_usage_die("%s: at most 256 layers", opt);
    for (size_t i = 0; i < n; i++) {
        int k = xs_model_find(m, items[i]);
        if (k < 0)
            cxs_usage_die("%s: model %s has no layer '%s' (first: %s, last: %s)", opt, m->name,
                          items[i], m->layers[0].name, m->layers[m->n - 1].name);
        flags[k] = 1;
    }
}

/* The two CSVs' columns, in order. */
static const struct cxs_col cols[] = {
    {"model", NULL},
    {"batch", NULL},
    {"gpus", NULL},
    {"cache_bytes", NULL},
    {"workers", NULL},
    {"lookahead", NULL},
    {"inferences", NULL},
    {"calibration", NULL},
    {"calibration_format", NULL},
    {"run_id", NULL},
    {"cold_median_ms", NULL},
    {"cold_p95_ms", NULL},
    {"warm_median_ms", NULL},
    {"warm_p95_ms", NULL},
    {"hit_rate_accesses", NULL},
    {"hit_rate_bytes", NULL},
    {"prefetch_efficiency", NULL},
    {"stall_ms_per_inference", NULL},
    {"pool_utilization", NULL},
    {"latency_extra_ns", NULL},
    {"mem_per_gpu_bytes", NULL},
    {"mem_total_bytes", NULL},
    {"replication_ms", NULL},
    {"replication_mem_per_gpu_bytes", NULL},
    {"replication_mem_total_bytes", NULL},
    {"offload_warm_ms", NULL},
    {"offload_mem_per_gpu_bytes", NULL},
    {"offload_mem_total_bytes", NULL},
    {"assumed", NULL},
};
static const struct cxs_col cmp_cols[] = {
    {"model", NULL},
    {"batch", NULL},
    {"gpus", NULL},
    {"cache_bytes", NULL},
    {"calibration_format", NULL},
    {"approach", NULL},
    {"cold_ms", NULL},
    {"warm_ms", NULL},
    {"mem_per_gpu_bytes", NULL},
    {"mem_total_bytes", NULL},
    {"assumed", NULL},
};

/* --help after the options: what the rows hold, then their columns. */
static void usage_more(FILE *f)
{
    fputs(usage_rows, f);
    cxs_cols_list(f, "xlshare.csv", cols, CXS_NCOLS(cols));
    cxs_cols_list(f, "xlshare_compare.csv", cmp_cols, CXS_NCOLS(cmp_cols));
}

static struct cxs_row *row, *cmp_row;
static struct cxs_out *cmp_out;
static void close_cmp(void *arg)
{
    (void)arg;
    if (cmp_out)
        cxs_out_close(cmp_out);
    cmp_out = NULL;
}

/* The memory columns of one configuration, per approach: per GPU, and in
 * total = base + GPUs x per GPU (xlshare: the model in the pool and a
 * cache per GPU; replication: the model in every GPU; offload: the model in
 * LDRAM and two layers' buffers per GPU). Sums and products of sizes are
 * checked: an overflow is an error naming the column. */
enum { A_XLSHARE, A_REPL, A_OFFLOAD, NAPPR };
struct mem {
    uint64_t per_gpu[NAPPR], total[NAPPR];
};

static int mem_of(uint64_t model, uint64_t maxlayer, uint64_t g, uint64_t cache, struct mem *o,
                  char *err, size_t errlen)
{
    if (__builtin_mul_overflow(maxlayer, 2, &o->per_gpu[A_OFFLOAD]))
        return cxs_errf(err, errlen,
                        "offload_mem_per_gpu_bytes (2 x the largest layer, %" PRIu64
                        ") overflows 64 bits",
                        maxlayer);
    o->per_gpu[A_XLSHARE] = cache, o->per_gpu[A_REPL] = model;
    const uint64_t base[NAPPR] = {model, 0, model};
    static const char *const name[NAPPR] = {"mem_total_bytes", "replication_mem_total_bytes",
                                            "offload_mem_total_bytes"};
    for (int a = 0; a < NAPPR; a++) {
        uint64_t prod;
        if (!__builtin_mul_overflow(g, o->per_gpu[a], &prod) &&
            !__builtin_add_overflow(base[a], prod, &o->total[a]))
            continue;
        char what[160], cs[32];
        const char *gs = g == 1 ? "" : "s";
        cxs_format_size(cache, cs, sizeof cs);
        if (a == A_XLSHARE)
            snprintf(what, sizeof what, "model bytes + %" PRIu64 " GPU%s x cache %s", g, gs, cs);
        else if (a == A_REPL)
            snprintf(what, sizeof what, "%" PRIu64 " GPU%s x model bytes %" PRIu64, g, gs, model);
        else
            snprintf(what, sizeof what, "model bytes + %" PRIu64 " GPU%s x 2 x the largest layer",
                     g, gs);
        return cxs_errf(err, errlen, "%s (%s) overflows 64 bits", name[a], what);
    }
    return 0;
}

/* Every configuration's memory columns, and the bytes its GPUs read,
 * before anything runs. */
static void check_sizes(const struct config *c, const struct xs_model *m, uint64_t maxlayer)
{
    struct mem x;
    char err[400];
    for (size_t gi = 0; gi < c->gpus.n; gi++) {
        uint64_t g = c->gpus.v[gi], read;
        for (size_t ci = 0; ci < c->cache.n; ci++)
            if (mem_of(m->bytes, maxlayer, g, c->cache.v[ci], &x, err, sizeof err))
                cxs_usage_die("%s", err);
        if (__builtin_mul_overflow(m->bytes, c->inferences, &read) ||
            __builtin_mul_overflow(read, g, &read))
            cxs_usage_die("the bytes the GPUs read (%" PRIu64 " GPU%s x %" PRIu64
                          " inferences x model bytes %" PRIu64 ") overflow 64 bits",
                          g, g == 1 ? "" : "s", c->inferences, m->bytes);
    }
}

/* A simulation that failed: an overflow of the run's byte counts is the
 * input's (exit 2), anything else the model's (exit 1). */
static void sim_failed(int rc, const char *what, const char *err)
{
    cxs_run_fail(rc == XS_OVERFLOW ? CXS_EXIT_USAGE : CXS_EXIT_FAIL, "%s%s", what, err);
}

/* What every configuration of a run shares. */
struct run {
    const struct config *c;
    const struct xs_model *m;
    const struct xs_params *p;
    const int *pinned, *single;
    struct xs_link pool, off;
    struct xs_layer *L; /* the layers at the batch size being run */
    double *lat;
    uint64_t maxlayer;
    char assumed[400];
};

/* The columns that name the configuration, in either CSV. */
static void config_cols(struct cxs_row *r, const struct run *u, size_t bi, size_t gi, size_t ci)
{
    cxs_row_str(r, "model", u->m->name);
    cxs_row_u64(r, "batch", u->c->batch.v[bi]);
    cxs_row_u64(r, "gpus", u->c->gpus.v[gi]);
    cxs_row_u64(r, "cache_bytes", u->c->cache.v[ci]);
    cxs_row_str(r, "calibration_format", u->p->format);
    cxs_row_str(r, "assumed", u->assumed);
}

/* The xlshare.csv row of one configuration. A figure that has no value
 * (warm latency of one inference, prefetch efficiency without prefetches)
 * is an empty field. */
static void emit_row(const struct run *u, size_t bi, size_t gi, size_t ci, double repl,
                     const struct xs_result *r, const struct xs_result *orr, const struct mem *mem)
{
    const struct config *c = u->c;
    double g = (double)c->gpus.v[gi], warm = c->inferences > 1;
    config_cols(row, u, bi, gi, ci);
    cxs_row_int(row, "workers", c->workers);
    cxs_row_int(row, "lookahead", c->lookahead);
    cxs_row_u64(row, "inferences", c->inferences);
    cxs_row_str(row, "calibration", c->calib);
    cxs_row_str(row, "run_id", u->p->run_id);
    const struct {
        const char *col;
        int decimals;
        double v;
    } figs[] = {
        {"cold_median_ms", 4, r->cold_median_ns / 1e6},
        {"cold_p95_ms", 4, r->cold_p95_ns / 1e6},
        {"warm_median_ms", 4, warm ? r->warm_median_ns / 1e6 : NAN},
        {"warm_p95_ms", 4, warm ? r->warm_p95_ns / 1e6 : NAN},
        {"hit_rate_accesses", 4, r->accesses ? (double)r->hits / (double)r->accesses : 0},
        {"hit_rate_bytes", 4,
         r->bytes_accessed ? (double)r->bytes_hit / (double)r->bytes_accessed : 0},
        {"prefetch_efficiency", 4,
         r->prefetched_bytes ? (double)r->prefetched_used_bytes / (double)r->prefetched_bytes
                             : NAN},
        {"stall_ms_per_inference", 4, r->stall_ns / 1e6 / (g * (double)c->inferences)},
        {"pool_utilization", 4, r->pool_utilization},
        {"latency_extra_ns", 1, r->mean_latency_extra_ns},
    };
    for (size_t k = 0; k < sizeof figs / sizeof figs[0]; k++)
        if (isnan(figs[k].v))
            cxs_row_empty(row, figs[k].col);
        else
            cxs_row_fixed(row, figs[k].col, figs[k].decimals, figs[k].v);
    cxs_row_fixed(row, "replication_ms", 4, repl / 1e6);
    cxs_row_fixed(row, "offload_warm_ms", 4,
                  (warm ? orr->warm_median_ns : orr->cold_median_ns) / 1e6);
    cxs_row_u64(row, "mem_per_gpu_bytes", mem->per_gpu[A_XLSHARE]);
    cxs_row_u64(row, "mem_total_bytes", mem->total[A_XLSHARE]);
    cxs_row_u64(row, "replication_mem_per_gpu_bytes", mem->per_gpu[A_REPL]);
    cxs_row_u64(row, "replication_mem_total_bytes", mem->total[A_REPL]);
    cxs_row_u64(row, "offload_mem_per_gpu_bytes", mem->per_gpu[A_OFFLOAD]);
    cxs_row_u64(row, "offload_mem_total_bytes", mem->total[A_OFFLOAD]);
    cxs_run_row(cxs_row_take(row));
}

/* The xlshare.csv row of one configuration and its three rows of
 * xlshare_compare.csv. */
static void emit(const struct run *u, size_t bi, size_t gi, size_t ci, double repl,
                 const struct xs_result *r, const struct xs_result *orr)
{
    const struct config *c = u->c;
    struct mem mem;
    char err[400];
    if (mem_of(u->m->bytes, u->maxlayer, c->gpus.v[gi], c->cache.v[ci], &mem, err, sizeof err))
        cxs_run_fail(CXS_EXIT_USAGE, "%s", err); /* not reached: check_sizes() */
    emit_row(u, bi, gi, ci, repl, r, orr, &mem);
    if (!cmp_out)
        return;
    static const char *const ap[NAPPR] = {"xlshare", "replication", "offload"};
    double ow = c->inferences > 1 ? orr->warm_median_ns : orr->cold_median_ns;
    double cold[NAPPR] = {r->cold_median_ns, repl, orr->cold_median_ns};
    double warm[NAPPR] = {c->inferences > 1 ? r->warm_median_ns : r->cold_median_ns, repl, ow};
    for (int a = 0; a < NAPPR; a++) {
        config_cols(cmp_row, u, bi, gi, ci);
        cxs_row_str(cmp_row, "approach", ap[a]);
        cxs_row_fixed(cmp_row, "cold_ms", 4, cold[a] / 1e6);
        cxs_row_fixed(cmp_row, "warm_ms", 4, warm[a] / 1e6);
        cxs_row_u64(cmp_row, "mem_per_gpu_bytes", mem.per_gpu[a]);
        cxs_row_u64(cmp_row, "mem_total_bytes", mem.total[a]);
        if (cxs_out_row(cmp_out, cxs_row_take(cmp_row)))
            cxs_run_finish(CXS_EXIT_FAIL); /* closing it says why, in one line */
    }
}

/* The layers at batch bi; returns replication's latency (every layer's run
 * time from HBM). */
static double batch_layers(struct run *u, size_t bi)
{
    const struct config *c = u->c;
    const struct xs_model *m = u->m;
    double repl = 0;
    for (size_t i = 0; i < m->n; i++) {
        double flops = m->layers[i].flops_per_token * (double)c->batch.v[bi];
        u->L[i] = (struct xs_layer){.bytes = m->layers[i].bytes,
                                    .compute_ns = c->compute_ns > 0 ? c->compute_ns
                                                                    : flops / (c->tflops * 1e3),
                                    .single_use = u->single[i] || m->layers[i].single_use,
                                    .pinned = u->pinned[i]};
        snprintf(u->L[i].name, sizeof u->L[i].name, "%s", m->layers[i].name);
        double hbm = (double)u->L[i].bytes / u->p->val[XK_HBM].v;
        repl += u->L[i].compute_ns > hbm ? u->L[i].compute_ns : hbm;
    }
    return repl;
}

/* Every configuration: batch x GPUs (the offload baseline) x cache. Ctrl-C
 * stops the simulation in progress (polled inside it): the configurations
 * finished are kept, and main ends as an interrupted run. */
static void run_configs(struct run *u)
{
    const struct config *c = u->c;
    char err[1024];
    for (size_t bi = 0; bi < c->batch.n && !cxs_stop_requested(); bi++) {
        double repl = batch_layers(u, bi);
        for (size_t gi = 0; gi < c->gpus.n && !cxs_stop_requested(); gi++) {
            /* CPU offloading: double-buffered fetches from LDRAM, no cache */
            struct xs_config oc = {.gpus = (unsigned)c->gpus.v[gi],
                                   .cache_bytes = 2 * u->maxlayer, /* check_sizes() */
                                   .workers = 1,
                                   .lookahead = 1,
                                   .inferences = c->inferences,
                                   .hbm_gbps = u->p->val[XK_HBM].v,
                                   .stop = cxs_stop_requested};
            struct xs_result orr;
            int rc = xs_simulate(u->L, u->m->n, &u->off, &oc, &orr, NULL, err, sizeof err);
            if (rc == XS_STOPPED)
                return;
            if (rc)
                sim_failed(rc, "offload baseline: ", err);
            for (size_t ci = 0; ci < c->cache.n && !cxs_stop_requested(); ci++) {
                struct xs_config xc = {.gpus = (unsigned)c->gpus.v[gi],
                                       .cache_bytes = c->cache.v[ci],
                                       .workers = c->workers,
                                       .lookahead = c->lookahead,
                                       .inferences = c->inferences,
                                       .hbm_gbps = u->p->val[XK_HBM].v,
                                       .stop = cxs_stop_requested};
                struct xs_result r;
                rc = xs_simulate(u->L, u->m->n, &u->pool, &xc, &r, u->lat, err, sizeof err);
                if (rc == XS_STOPPED)
                    return;
                if (rc)
                    sim_failed(rc, "", err);
                emit(u, bi, gi, ci, repl, &r, &orr);
            }
        }
    }
}

/* The calibration, the assumptions, and a check that every value the
 * model needs is there. */
static void load_params(const struct config *c, struct xs_params *p)
{
    char err[1024];
    if (xs_params_load(c->calib, p, err, sizeof err))
        cxs_usage_die("--calibration: %s", err);
    for (size_t i = 0; i < c->nassume; i++)
        if (xs_params_assume(p, c->assume[i], err, sizeof err))
            cxs_usage_die("%s", err);
    unsigned need =
        1u << XK_H2D | 1u << XK_LAT | 1u << XK_HBM | 1u << XK_LDRAM_H2D | 1u << XK_LDRAM_LAT;
    if (xs_params_need(p, need, 1, err, sizeof err))
        cxs_usage_die("%s", err);
}

/* The model, its pinned and single-use layers, and the sizes every
 * configuration reaches, checked before anything runs. */
static void load_model(const struct config *c, struct xs_model *m, struct run *u)
{
    char err[1024];
    if (xs_model_load(c->model, m, err, sizeof err))
        cxs_usage_die("--model: %s", err);
    int *pinned = calloc(m->n, sizeof *pinned), *single = calloc(m->n, sizeof *single);
    u->L = calloc(m->n, sizeof *u->L);
    if (!pinned || !single || !u->L)
        cxs_die("out of memory");
    mark(m, c->pin, "--pin", pinned);
    mark(m, c->single, "--single-use", single);
    u->pinned = pinned, u->single = single;
    for (size_t i = 0; i < m->n; i++)
        if (m->layers[i].bytes > u->maxlayer)
            u->maxlayer = m->layers[i].bytes;
    check_sizes(c, m, u->maxlayer);
}

/* meta.json's notes: the calibration and the model, then where each value
 * came from (lines, kept for stderr at the end). */
static void add_notes(const struct config *c, const struct xs_params *p, const struct xs_model *m,
                      char lines[][1600], size_t nl)
{
    static char head[1600], vals[8000];
    snprintf(head, sizeof head,
             "calibration %s (%s format, run %s); model %s: %zu layers, %" PRIu64 " bytes; %s",
             c->calib, p->format, p->run_id, m->name, m->n, m->bytes, m->note);
    cxs_run_note(head);
    size_t vl = 0;
    for (size_t i = 0; i < nl && vl < sizeof vals; i++)
        vl += (size_t)snprintf(vals + vl, sizeof vals - vl, "%s%s", i ? "; " : "", lines[i]);
    cxs_run_note(vals);
}

static void open_outputs(const struct config *c, int argc, char **argv)
{
    row = cxs_row_new("xlshare.csv", cols, CXS_NCOLS(cols));
    cmp_row = cxs_row_new("xlshare_compare.csv", cmp_cols, CXS_NCOLS(cmp_cols));
    cxs_run_open(c->std.outdir, "xlshare", "xlshare.csv", cxs_row_names(row), cxs_row_ncols(row),
                 c->std.quiet, c->std.format, argc, argv);
    cmp_out =
        cxs_run_out_open("xlshare_compare.csv", cxs_row_names(cmp_row), cxs_row_ncols(cmp_row));
    if (cmp_out)
        cxs_exit_hook_add(close_cmp, NULL);
}

/* Room for every inference's latency at the largest GPU count. */
static double *alloc_latencies(const struct config *c)
{
    uint64_t maxg = 0;
    for (size_t g = 0; g < c->gpus.n; g++)
        if (c->gpus.v[g] > maxg)
            maxg = c->gpus.v[g];
    double *lat = calloc(maxg * c->inferences, sizeof *lat); /* at most 4096 x 1e8 */
    if (!lat)
        cxs_run_fail(CXS_EXIT_FAIL, "no memory for %" PRIu64 " latencies", maxg * c->inferences);
    return lat;
}

int main(int argc, char **argv)
{
    cxs_prog = "cxlscope-xlshare";
    struct config c;
    parse_args(argc, argv, &c);
    struct xs_params p;
    load_params(&c, &p);
    struct xs_model m;
    struct run u = {.c = &c, .m = &m, .p = &p};
    load_model(&c, &m, &u);
    xs_params_links(&p, &u.pool, &u.off);
    xs_params_assumed(&p, u.assumed, sizeof u.assumed);
    static char lines[12][1600];
    size_t nl = xs_params_describe(&p, lines, 12);
    cxs_run_load();
    add_notes(&c, &p, &m, lines, nl);
    cxs_interrupt_install();
    open_outputs(&c, argc, argv);
    u.lat = alloc_latencies(&c);
    run_configs(&u);
    free(u.lat);
    free(u.L);
    free((void *)u.pinned);
    free((void *)u.single);
    xs_model_free(&m);
    close_cmp(NULL);
    cxs_row_free(row);
    cxs_row_free(cmp_row);
    /* where each value came from: on success only, after the results (an
     * error is one line, alone) */
    if (!c.std.quiet && !cxs_stop_requested()) {
        fflush(stdout);
        for (size_t i = 0; i < nl; i++)
            cxs_note("%s", lines[i]);
    }
    cxs_run_end();
}
