/* cxlscope-xlshare — the XL-Share cache model (model.h) replayed with a
 * calibration: measured figures (cxlscope-calibrate) or the emulator's own
 * file, with anything missing given explicitly by --assume. Per
 * configuration: cold and warm inference latency, hit rates, prefetch
 * efficiency, stalls, pool utilization, memory, against full replication
 * and CPU offloading computed from the same calibration. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "interrupt.h"
#include "model.h"
#include "models.h"
#include "params.h"
#include "run.h"

static const char usage_text[] =
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
    "\n"
    "  --calibration FILE  cxlscope-calibrate's calibration.json, or a file in the\n"
    "                      XL-Share emulator's format (e.g. replay/xlshare-default.json,\n"
    "                      the seed's assumptions: 300 ns, 64 GB/s, 80 ns HBM)\n"
    "  --model NAME|FILE   a preset or a CSV of layers (name,bytes[,flops]\n"
    "                      [,bytes_per_param][,single_use]: bytes digits only,\n"
    "                      flops >= 0, bytes_per_param 0.125..64, single_use 0 or 1;\n"
    "                      an empty optional cell is its default); presets:\n";
static const char usage_tail[] =
    "  --cache LIST        cache per GPU, sizes (K/M/G = 1024^n; 0 = none; default 512M)\n"
    "  --workers N         prefetch transfers per GPU (default 2)\n"
    "  --lookahead L       layers prefetched ahead (default 2)\n"
    "  --pin LAYERS        layers kept in the cache once there (names, comma list)\n"
    "  --single-use LAYERS layers moved to the LRU end after they run\n"
    "  --batch LIST        batch sizes (default 1)\n"
    "  --inferences N      inferences per GPU (default 100)\n"
    "  --gpus LIST         GPU counts sharing the pool (default 1)\n"
    "  --compute-ns NS     compute time of every layer, whatever the batch\n"
    "  --tflops R          or: compute from each layer's FLOPs (2 x parameters per\n"
    "                      token; 0 for an embedding lookup) x batch / R TFLOP/s\n"
    "                      (one of the two is required)\n"
    "  --assume KEY=VALUE[,...]  values the calibration lacks (a measured value is\n"
    "                      kept and the assumption noted as not used):\n"
    "                      h2d_gbps, d2h_gbps, gpu_copy_latency_ns, hbm_gbps, pool_gbps,\n"
    "                      ldram_h2d_gbps, ldram_copy_latency_ns, ldram_gbps,\n"
    "                      loaded_curve=flat. Every output marks assumed values\n"
    "                      (column assumed, meta.json notes); a value neither measured\n"
    "                      nor assumed is an error naming it. Where each value came\n"
    "                      from is noted on stderr after the results (on success,\n"
    "                      unless --quiet).\n"
    "  --output DIR        write DIR/xlshare.csv, DIR/xlshare_compare.csv, meta.json\n"
    "  --format csv|table, --quiet, --help, --version\n"
    "\n"
    "xlshare.csv, one row per model x cache x batch x GPU count: latency (ms) of the\n"
    "first inference of each GPU (cold) and of the others (warm), median and p95;\n"
    "hit rate by accesses and by bytes; prefetch efficiency (prefetched bytes later\n"
    "used / prefetched bytes); stall per inference; pool utilization (bytes fetched\n"
    "/ (time x the pool ceiling)); memory per GPU and in total; the same latency and\n"
    "memory for replication and CPU offloading. xlshare_compare.csv: the three\n"
    "approaches as rows (for plot/).\n"
    "\n"
    "Exit status: 0 done; 1 the model failed; 2 bad usage, an unreadable or\n"
    "unknown calibration or model, a value out of its range, sizes that overflow\n"
    "64 bits, or a value neither measured nor assumed; 130 interrupted (Ctrl-C\n"
    "stops the simulation in progress within milliseconds; the rows of the\n"
    "configurations finished are kept).\n";

#define MAXL 16
struct config {
    struct cxs_std_opts std;
    const char *calib, *model;
    uint64_t cache[MAXL], batch[MAXL], gpus[MAXL];
    size_t ncache, nbatch, ngpus;
    unsigned workers, lookahead;
    uint64_t inferences;
    double compute_ns, tflops;
    const char *pin, *single;
    char assume[8][256];
    size_t nassume;
};

static void u64_list(const char *opt, const char *s, uint64_t *out, size_t *n, int sizes,
                     uint64_t min, uint64_t max)
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
            out[i] = 0;
        else if (sizes ? cxs_parse_size(items[i], &out[i], err, sizeof err)
                       : cxs_parse_u64(items[i], min, max, &out[i], err, sizeof err))
            cxs_usage_die("%s: %s", opt, err);
    }
    *n = k;
}

static void parse_args(int argc, char **argv, struct config *c, const char *usage)
{
    enum {
        O_CAL = 256,
        O_MODEL,
        O_CACHE,
        O_WORK,
        O_LOOK,
        O_PIN,
        O_SINGLE,
        O_BATCH,
        O_INF,
        O_GPUS,
        O_CNS,
        O_TFLOPS,
        O_ASSUME
    };
    static const struct option opts[] = {
        {"calibration", required_argument, 0, O_CAL},
        {"model", required_argument, 0, O_MODEL},
        {"cache", required_argument, 0, O_CACHE},
        {"workers", required_argument, 0, O_WORK},
        {"lookahead", required_argument, 0, O_LOOK},
        {"pin", required_argument, 0, O_PIN},
        {"single-use", required_argument, 0, O_SINGLE},
        {"batch", required_argument, 0, O_BATCH},
        {"inferences", required_argument, 0, O_INF},
        {"gpus", required_argument, 0, O_GPUS},
        {"compute-ns", required_argument, 0, O_CNS},
        {"tflops", required_argument, 0, O_TFLOPS},
        {"assume", required_argument, 0, O_ASSUME},
        CXS_STD_LONGOPTS,
        {0, 0, 0, 0},
    };
    *c = (struct config){.cache = {512ULL << 20},
                         .ncache = 1,
                         .batch = {1},
                         .nbatch = 1,
                         .gpus = {1},
                         .ngpus = 1,
                         .workers = 2,
                         .lookahead = 2,
                         .inferences = 100,
                         .compute_ns = -1,
                         .tflops = -1,
                         .std = {.repeat = 1, .format = CXS_FMT_CSV}};
    char err[200];
    int o;
    opterr = 0;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case O_CAL:
            c->calib = optarg;
            break;
        case O_MODEL:
            c->model = optarg;
            break;
        case O_CACHE:
            u64_list("--cache", optarg, c->cache, &c->ncache, 1, 0, 0);
            break;
        case O_WORK:
            c->workers = (unsigned)cxs_u64_arg("--workers", optarg, 0, 64);
            break;
        case O_LOOK:
            c->lookahead = (unsigned)cxs_u64_arg("--lookahead", optarg, 0, 64);
            break;
        case O_PIN:
            c->pin = optarg;
            break;
        case O_SINGLE:
            c->single = optarg;
            break;
        case O_BATCH:
            u64_list("--batch", optarg, c->batch, &c->nbatch, 0, 1, 65536);
            break;
        case O_INF:
            c->inferences = cxs_u64_arg("--inferences", optarg, 1, 100000000);
            break;
        case O_GPUS:
            u64_list("--gpus", optarg, c->gpus, &c->ngpus, 0, 1, 4096);
            break;
        case O_CNS:
            if (cxs_parse_pos_double(optarg, &c->compute_ns, err, sizeof err))
                cxs_usage_die("--compute-ns: %s", err);
            break;
        case O_TFLOPS:
            if (cxs_parse_pos_double(optarg, &c->tflops, err, sizeof err))
                cxs_usage_die("--tflops: %s", err);
            break;
        case O_ASSUME:
            if (c->nassume == 8)
                cxs_usage_die("--assume: at most 8 times (lists are allowed)");
            snprintf(c->assume[c->nassume++], sizeof c->assume[0], "%s", optarg);
            break;
        default:
            cxs_std_default(o, optarg, &c->std, usage, argv);
        }
    }
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

static const char *const cols[] = {"model",
                                   "batch",
                                   "gpus",
                                   "cache_bytes",
                                   "workers",
                                   "lookahead",
                                   "inferences",
                                   "calibration",
                                   "calibration_format",
                                   "run_id",
                                   "cold_median_ms",
                                   "cold_p95_ms",
                                   "warm_median_ms",
                                   "warm_p95_ms",
                                   "hit_rate_accesses",
                                   "hit_rate_bytes",
                                   "prefetch_efficiency",
                                   "stall_ms_per_inference",
                                   "pool_utilization",
                                   "latency_extra_ns",
                                   "mem_per_gpu_bytes",
                                   "mem_total_bytes",
                                   "replication_ms",
                                   "replication_mem_per_gpu_bytes",
                                   "replication_mem_total_bytes",
                                   "offload_warm_ms",
                                   "offload_mem_per_gpu_bytes",
                                   "offload_mem_total_bytes",
                                   "assumed"};
#define NCOLS (sizeof cols / sizeof cols[0])
static const char *const cmp_cols[] = {
    "model",    "batch",   "gpus",    "cache_bytes",       "calibration_format",
    "approach", "cold_ms", "warm_ms", "mem_per_gpu_bytes", "mem_total_bytes",
    "assumed"};
#define NCMP (sizeof cmp_cols / sizeof cmp_cols[0])

static struct cxs_out *cmp_out;
static void close_cmp(void *arg)
{
    (void)arg;
    if (cmp_out)
        cxs_out_close(cmp_out);
    cmp_out = NULL;
}

static void fmt(char *b, int decimals, double v)
{
    snprintf(b, 32, "%.*f", decimals, v);
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
    for (size_t gi = 0; gi < c->ngpus; gi++) {
        uint64_t g = c->gpus[gi], read;
        for (size_t ci = 0; ci < c->ncache; ci++)
            if (mem_of(m->bytes, maxlayer, g, c->cache[ci], &x, err, sizeof err))
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

/* The xlshare.csv row of one configuration and its three rows of
 * xlshare_compare.csv. */
static void emit(const struct run *u, size_t bi, size_t gi, size_t ci, double repl,
                 const struct xs_result *r, const struct xs_result *orr)
{
    const struct config *c = u->c;
    uint64_t g = c->gpus[gi];
    struct mem mem;
    char f[NCOLS][32], err[400];
    if (mem_of(u->m->bytes, u->maxlayer, g, c->cache[ci], &mem, err, sizeof err))
        cxs_run_fail(CXS_EXIT_USAGE, "%s", err); /* not reached: check_sizes() */
    const char *row[NCOLS];
    size_t k = 0;
    row[k++] = u->m->name;
    snprintf(f[k], 32, "%" PRIu64, c->batch[bi]), row[k] = f[k], k++;
    snprintf(f[k], 32, "%" PRIu64, g), row[k] = f[k], k++;
    snprintf(f[k], 32, "%" PRIu64, c->cache[ci]), row[k] = f[k], k++;
    snprintf(f[k], 32, "%u", c->workers), row[k] = f[k], k++;
    snprintf(f[k], 32, "%u", c->lookahead), row[k] = f[k], k++;
    snprintf(f[k], 32, "%" PRIu64, c->inferences), row[k] = f[k], k++;
    row[k++] = c->calib;
    row[k++] = u->p->format;
    row[k++] = u->p->run_id;
    double vals[] = {
        r->cold_median_ns / 1e6,
        r->cold_p95_ns / 1e6,
        c->inferences > 1 ? r->warm_median_ns / 1e6 : NAN,
        c->inferences > 1 ? r->warm_p95_ns / 1e6 : NAN,
        r->accesses ? (double)r->hits / (double)r->accesses : 0,
        r->bytes_accessed ? (double)r->bytes_hit / (double)r->bytes_accessed : 0,
        r->prefetched_bytes ? (double)r->prefetched_used_bytes / (double)r->prefetched_bytes : NAN,
        r->stall_ns / 1e6 / ((double)g * (double)c->inferences),
        r->pool_utilization,
        r->mean_latency_extra_ns};
    static const int vf[] = {4, 4, 4, 4, 4, 4, 4, 4, 4, 1};
    for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++, k++) {
        row[k] = f[k];
        if (isnan(vals[v]))
            row[k] = "";
        else
            fmt(f[k], vf[v], vals[v]);
    }
    double ow = c->inferences > 1 ? orr->warm_median_ns : orr->cold_median_ns;
    snprintf(f[k], 32, "%" PRIu64, mem.per_gpu[A_XLSHARE]), row[k] = f[k], k++;
    snprintf(f[k], 32, "%" PRIu64, mem.total[A_XLSHARE]), row[k] = f[k], k++;
    fmt(f[k], 4, repl / 1e6), row[k] = f[k], k++;
    snprintf(f[k], 32, "%" PRIu64, mem.per_gpu[A_REPL]), row[k] = f[k], k++;
    snprintf(f[k], 32, "%" PRIu64, mem.total[A_REPL]), row[k] = f[k], k++;
    fmt(f[k], 4, ow / 1e6), row[k] = f[k], k++;
    snprintf(f[k], 32, "%" PRIu64, mem.per_gpu[A_OFFLOAD]), row[k] = f[k], k++;
    snprintf(f[k], 32, "%" PRIu64, mem.total[A_OFFLOAD]), row[k] = f[k], k++;
    row[k++] = u->assumed;
    cxs_run_row(row);
    if (!cmp_out)
        return;
    static const char *const ap[NAPPR] = {"xlshare", "replication", "offload"};
    double cold[NAPPR] = {r->cold_median_ns, repl, orr->cold_median_ns};
    double warm[NAPPR] = {c->inferences > 1 ? r->warm_median_ns : r->cold_median_ns, repl, ow};
    for (int a = 0; a < NAPPR; a++) {
        char cf[4][32];
        const char *cr[NCMP] = {u->m->name, row[1], row[2], row[3], u->p->format, ap[a]};
        fmt(cf[0], 4, cold[a] / 1e6), cr[6] = cf[0];
        fmt(cf[1], 4, warm[a] / 1e6), cr[7] = cf[1];
        snprintf(cf[2], 32, "%" PRIu64, mem.per_gpu[a]), cr[8] = cf[2];
        snprintf(cf[3], 32, "%" PRIu64, mem.total[a]), cr[9] = cf[3];
        cr[10] = u->assumed;
        if (cxs_out_row(cmp_out, cr))
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
        double flops = m->layers[i].flops_per_token * (double)c->batch[bi];
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
    for (size_t bi = 0; bi < c->nbatch && !cxs_stop_requested(); bi++) {
        double repl = batch_layers(u, bi);
        for (size_t gi = 0; gi < c->ngpus && !cxs_stop_requested(); gi++) {
            /* CPU offloading: double-buffered fetches from LDRAM, no cache */
            struct xs_config oc = {.gpus = (unsigned)c->gpus[gi],
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
            for (size_t ci = 0; ci < c->ncache && !cxs_stop_requested(); ci++) {
                struct xs_config xc = {.gpus = (unsigned)c->gpus[gi],
                                       .cache_bytes = c->cache[ci],
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

int main(int argc, char **argv)
{
    cxs_prog = "cxlscope-xlshare";
    char usage[8192], presets[1200] = "", err[1024];
    for (size_t i = 0; i < xs_npresets; i++)
        snprintf(presets + strlen(presets), sizeof presets - strlen(presets),
                 "                      %s: %s\n", xs_presets[i].name, xs_presets[i].what);
    snprintf(usage, sizeof usage, "%s%s%s", usage_text, presets, usage_tail);
    struct config c;
    parse_args(argc, argv, &c, usage);

    struct xs_params p;
    if (xs_params_load(c.calib, &p, err, sizeof err))
        cxs_usage_die("--calibration: %s", err);
    for (size_t i = 0; i < c.nassume; i++)
        if (xs_params_assume(&p, c.assume[i], err, sizeof err))
            cxs_usage_die("%s", err);
    unsigned need =
        1u << XK_H2D | 1u << XK_LAT | 1u << XK_HBM | 1u << XK_LDRAM_H2D | 1u << XK_LDRAM_LAT;
    if (xs_params_need(&p, need, 1, err, sizeof err))
        cxs_usage_die("%s", err);
    struct xs_model m;
    if (xs_model_load(c.model, &m, err, sizeof err))
        cxs_usage_die("--model: %s", err);
    int *pinned = calloc(m.n, sizeof *pinned), *single = calloc(m.n, sizeof *single);
    struct run u = {.c = &c, .m = &m, .p = &p, .pinned = pinned, .single = single};
    u.L = calloc(m.n, sizeof *u.L);
    if (!pinned || !single || !u.L)
        cxs_die("out of memory");
    mark(&m, c.pin, "--pin", pinned);
    mark(&m, c.single, "--single-use", single);
    for (size_t i = 0; i < m.n; i++)
        if (m.layers[i].bytes > u.maxlayer)
            u.maxlayer = m.layers[i].bytes;
    check_sizes(&c, &m, u.maxlayer);

    xs_params_links(&p, &u.pool, &u.off);
    xs_params_assumed(&p, u.assumed, sizeof u.assumed);
    static char lines[12][1600];
    size_t nl = xs_params_describe(&p, lines, 12);
    cxs_run_load();
    static char head[1600];
    snprintf(head, sizeof head,
             "calibration %s (%s format, run %s); model %s: %zu layers, %" PRIu64 " bytes; %s",
             c.calib, p.format, p.run_id, m.name, m.n, m.bytes, m.note);
    cxs_run_note(head);
    static char vals[8000];
    size_t vl = 0;
    for (size_t i = 0; i < nl && vl < sizeof vals; i++)
        vl += (size_t)snprintf(vals + vl, sizeof vals - vl, "%s%s", i ? "; " : "", lines[i]);
    cxs_run_note(vals);
    cxs_interrupt_install();
    cxs_run_open(c.std.outdir, "xlshare", "xlshare.csv", cols, NCOLS, c.std.quiet, c.std.format,
                 argc, argv);
    cmp_out = cxs_run_out_open("xlshare_compare.csv", cmp_cols, NCMP);
    if (cmp_out)
        cxs_exit_hook_add(close_cmp, NULL);

    uint64_t maxg = 0;
    for (size_t g = 0; g < c.ngpus; g++)
        if (c.gpus[g] > maxg)
            maxg = c.gpus[g];
    u.lat = calloc(maxg * c.inferences, sizeof *u.lat); /* at most 4096 x 1e8 */
    if (!u.lat)
        cxs_run_fail(CXS_EXIT_FAIL, "no memory for %" PRIu64 " latencies", maxg * c.inferences);
    run_configs(&u);
    free(u.lat);
    free(u.L);
    free(pinned);
    free(single);
    xs_model_free(&m);
    close_cmp(NULL);
    /* where each value came from: on success only, after the results (an
     * error is one line, alone) */
    if (!c.std.quiet && !cxs_stop_requested()) {
        fflush(stdout);
        for (size_t i = 0; i < nl; i++)
            cxs_note("%s", lines[i]);
    }
    cxs_run_end();
}
