/* cxlscope-bandwidth — streaming bandwidth per memory node, thread scaling,
 * the CPU-node x memory-node matrix, several nodes at once (--assign) and
 * the best split of threads across nodes (--optimize). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assign.h"
#include "caches.h"
#include "cli.h"
#include "columns.h"
#include "interrupt.h"
#include "memory.h"
#include "opts.h"
#include "row.h"
#include "run.h"
#include "stats.h"
#include "stream.h"
#include "targets.h"
#include "threads.h"
#include "timer.h"
#include "topology.h"

static const char usage_head[] =
    "Usage: cxlscope-bandwidth [OPTIONS]\n"
    "\n"
    "Streaming memory bandwidth: threads pinned to CPUs of the CPU node, each\n"
    "first-touching its own slice of the buffers on the memory node, released\n"
    "together; bandwidth = bytes the kernel loads and stores / wall time of the\n"
    "slowest thread, in GB/s (1e9 B/s), total and per thread. Bytes are the\n"
    "kernel's explicit loads and stores, as STREAM and likwid-bench count them:\n"
    "the read-for-ownership of ordinary stores (write-allocate) is NOT counted,\n"
    "so write, copy and triad move more over the memory bus than reported\n"
    "(write-nt avoids it). Every kernel's result is validated after timing.\n"
    "\n"
    "Options:\n";
static const char usage_tail[] =
    "\n"
    "Exit status: 0 done; 1 measurement failed (memory short, placement wrong, a\n"
    "kernel's result wrong); 2 bad usage (e.g. more threads than CPUs, a node without\n"
    "memory); 77 skipped (an ISA this CPU lacks, no node of a class); 130 interrupted.\n"
    "A target that cannot be measured now (memory or huge pages short on its node)\n"
    "is named on stderr and in meta.json's \"skipped\" list and the others are\n"
    "measured: exit 0 when any was measured, 1 when none could be (all named).\n";

/* optimize.csv (bandwidth.csv's and saturation.csv's are common/columns.h's:
 * replay/calib.c reads them back). */
static const struct cxs_col optimize_cols[] = {
    {"rank", "1 = the highest total_gbps"},
    {"kind", NULL},
    {"access", NULL},
    {"assignment", "NODE:THREADS,... as --assign takes it"},
    {"total_gbps", "the median of the assignment's total GB/s"},
};

static struct cxs_row *bw_row, *sat_row, *opt_row;

enum access { ACC_SEQ, ACC_LINE, ACC_BLOCK, NACCESS };
static const char *const access_names[NACCESS] = {"seq", "random-line", "random-block"};
static const size_t access_block[NACCESS] = {0, 8, 512}; /* doubles; 0 = whole slice */

#define MAX_COUNTS 256
#define SAMPLE_S 0.1 /* seconds of work per sample */
#define MAX_THREADS 1024

struct config {
    int optimize, oversubscribe, per_thread, have_assign;
    struct cxs_assign assign;
    int kinds[CXS_NKINDS];
    size_t nkinds;
    int accesses[NACCESS];
    size_t naccesses;
    int isa;
    int counts[MAX_COUNTS], ncounts;
    uint64_t size;
    struct cxs_std_opts std;
};

/* ---- options ------------------------------------------------------------ */

static int access_parse(const char *s)
{
    return cxs_name_lookup_exact(access_names, NACCESS, s);
}

static const char *access_name(int a)
{
    return a >= 0 && a < NACCESS ? access_names[a] : NULL;
}

static int add_count(const char *s, void *ctx)
{
    struct config *c = ctx;
    const char *colon = strchr(s, ':');
    uint64_t lo, hi;
    char err[160], buf[64];
    if (colon) {
        snprintf(buf, sizeof buf, "%.*s", (int)(colon - s), s);
        if (cxs_parse_u64(buf, 1, MAX_THREADS, &lo, err, sizeof err) ||
            cxs_parse_u64(colon + 1, 1, MAX_THREADS, &hi, err, sizeof err) || hi < lo) {
            fprintf(stderr, "%s: error: --threads '%s': LO:HI with 1 <= LO <= HI <= %d\n", cxs_prog,
                    s, MAX_THREADS);
            return -1;
        }
    } else if (cxs_parse_u64(s, 1, MAX_THREADS, &lo, err, sizeof err)) {
        fprintf(stderr, "%s: error: --threads '%s': %s\n", cxs_prog, s, err);
        return -1;
    } else {
        hi = lo;
    }
    for (uint64_t t = lo; t <= hi; t++) {
        if (c->ncounts == MAX_COUNTS) {
            fprintf(stderr, "%s: error: at most %d thread counts\n", cxs_prog, MAX_COUNTS);
            return -1;
        }
        c->counts[c->ncounts++] = (int)t;
    }
    return 0;
}

static void assign_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    struct config *c = o->dest;
    char err[200];
    if (cxs_assign_parse(arg, &c->assign, err, sizeof err))
        cxs_usage_die("%s: %s", opt, err);
    c->have_assign = 1;
}

static void threads_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    cxs_each_item(arg, "thread count", add_count, o->dest);
}

static void kind_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    struct config *c = o->dest;
    cxs_names_arg(arg, "kind", cxs_stream_kind_parse, cxs_stream_kind_name, c->kinds, &c->nkinds);
}

static void access_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    struct config *c = o->dest;
    cxs_names_arg(arg, "access", access_parse, access_name, c->accesses, &c->naccesses);
}

static void isa_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    int *isa = o->dest;
    *isa = cxs_isa_parse(arg);
    if (*isa < 0)
        cxs_usage_die("unknown ISA '%s' (sse2, avx2, avx512)", arg);
}

/* --help after the options: the three CSVs' columns and what some hold. */
static void usage_more(FILE *f)
{
    const struct cxs_col *lists[] = {cxs_cols_bandwidth, cxs_cols_saturation, optimize_cols};
    const size_t n[] = {cxs_ncols_bandwidth, cxs_ncols_saturation, CXS_NCOLS(optimize_cols)};
    const char *titles[] = {"bandwidth.csv", "saturation.csv", "optimize.csv"};
    fputc('\n', f);
    for (size_t i = 0; i < 3; i++)
        cxs_cols_list(f, titles[i], lists[i], n[i]);
    fputc('\n', f);
    cxs_cols_describe(f, lists, n, 3);
}

static void parse_args(int argc, char **argv, struct config *c)
{
    *c = (struct config){.isa = -1,
                         .std = {.mem_spec = "all",
                                 .repeat = 21,
                                 .min_samples = 5,
                                 .seed = 1,
                                 .budget_s = 2.0,
                                 .format = CXS_FMT_CSV}};
    const struct cxs_opt opts[] = {
        CXS_O_STD(CXS_OPT_CPU, "CPU node(s) the threads run on: IDs, ranges or all. Default: the "
                               "node of the CPU we start on (with --matrix: all)."),
        CXS_O_STD(CXS_OPT_MEM, "memory node(s): IDs, ranges, all, or a class relative to the CPU "
                               "node (ldram, rdram, cxl, cpuless). Default: all."),
        CXS_O_STD(CXS_OPT_MATRIX, "CPU node x memory node (as --cpu-node all)."),
        CXS_O_CUSTOM("assign", assign_arg, c, "LIST",
                     "NODE:THREADS,... run those thread counts against those memory nodes at "
                     "once, e.g. 0:23,1:23,2:6; rows per node and the total. The threads take the "
                     "--cpu-node CPUs in order."),
        CXS_O_FLAG("optimize", &c->optimize,
                   "find the split of the --cpu-node CPUs across the --mem-node nodes with the "
                   "most total bandwidth: each node's thread scaling first (--threads, default "
                   "1..the first CPU node's CPUs), then up to 40 candidate splits measured, "
                   "starting from the saturation points; best and runners-up in optimize.csv."),
        CXS_O_CUSTOM("threads", threads_arg, c, "LIST",
                     "thread counts: N, LO:HI (every count: thread scaling, with the saturation "
                     "point, the smallest count within 5 % of the peak, in saturation.csv) or a "
                     "comma list. Default: every CPU of the CPU node."),
        CXS_O_FLAG("oversubscribe", &c->oversubscribe,
                   "allow more threads than the CPU node has CPUs."),
        CXS_O_CUSTOM("kind", kind_arg, c, "LIST",
                     "read (s += b[i]), write (a[i] = s), write-nt (non-temporal stores), copy "
                     "(a = b), triad (a = b + s*c), and read:write mixes 3:1 (a = b + c + d), 2:1 "
                     "(a = b + c), 1:1 (a = a + s). Default: read."),
        CXS_O_CUSTOM("access", access_arg, c, "LIST",
                     "seq (default), random-line (64 B lines in a random order), random-block "
                     "(4 KiB blocks in a random order); the order is computed before timing."),
        CXS_O_CUSTOM("isa", isa_arg, &c->isa, "ISA",
                     "sse2, avx2 or avx512. Default: the widest this CPU has."),
        CXS_O_SIZE("size", &c->size, 0, "SIZE",
                   "memory for all threads and arrays together (default: 4x the last-level "
                   "cache, at least 64M); K = 1024. Smaller than 4x the LLC is allowed and noted "
                   "in meta.json."),
        CXS_O_FLAG("per-thread", &c->per_thread, "--size is per thread instead."),
        CXS_O_STD(CXS_OPT_PAGE, "4k (default), thp, 2m or 1g (hugetlb pool of the node)."),
        CXS_O_STD(CXS_OPT_FALLBACK, NULL),
        CXS_O_STD(CXS_OPT_RESERVE, NULL),
        CXS_O_STD(CXS_OPT_REPEAT, "at most N samples (passes) per point"),
        CXS_O_STD(CXS_OPT_MIN, "at least N samples per point"),
        CXS_O_STD_NODEFAULT(CXS_OPT_BUDGET,
                            "stop sampling a point after SEC seconds once --min-samples are in "
                            "(default 2), or earlier at a CI within 1 %."),
        CXS_O_STD(CXS_OPT_SEED, "seed of the random orders"),
        CXS_O_STD(CXS_OPT_OUTPUT, "DIR/bandwidth.csv (+ saturation.csv, optimize.csv) and "
                                  "DIR/meta.json; rows flushed as measured."),
        CXS_O_STD(CXS_OPT_FORMAT, "what stdout gets"),
        CXS_O_STD(CXS_OPT_QUIET, "nothing on stdout."),
        CXS_O_STD(CXS_OPT_HELP, NULL),
        CXS_O_STD(CXS_OPT_VERSION, NULL),
        CXS_O_END,
    };
    const struct cxs_optspec spec = {
        .head = usage_head, .more = usage_more, .tail = usage_tail, .std = &c->std};
    optind = cxs_opts_parse(argc, argv, opts, &spec);
    cxs_std_end(argc, argv, &c->std);
    if (c->have_assign + c->optimize + c->std.matrix > 1)
        cxs_usage_die("--assign, --optimize and --matrix do not go together");
    if (!c->nkinds)
        c->kinds[c->nkinds++] = CXS_K_READ;
    if (!c->naccesses)
        c->accesses[c->naccesses++] = ACC_SEQ;
    if (c->std.matrix && !c->std.cpu_spec)
        c->std.cpu_spec = "all";
}

/* ---- one measurement: workers on CPUs, each with its own arrays ---------- */

struct worker {
    int cpu, node, group; /* group: index into the job's node groups */
    struct cxs_buf buf;
    int have_buf;
    struct cxs_stream_args x;
    uint32_t *order;
    uint64_t calls;
    double last_sum, t0, t1, t_warm;
    char msg[512];
};

struct job {
    const struct config *c;
    enum cxs_kind kind;
    enum access access;
    enum cxs_isa isa;
    cxs_stream_kernel fn;
    size_t doubles;   /* per array per thread */
    size_t nw;        /* workers */
    unsigned passes;  /* per sample, so that a sample lasts about SAMPLE_S */
    struct worker *w; /* nw of them */
    int *cpus;
    struct cxs_assign groups; /* the memory nodes and their thread counts */
    /* per sample */
    size_t ns, max;
    double *node_gbps[CXS_ASSIGN_MAX];
    double *thread_gbps; /* nw x max */
};

static uint64_t pass_bytes(const struct job *j)
{
    const struct cxs_stream_kind *k = &cxs_stream_kinds[j->kind];
    return (uint64_t)j->doubles * 8 * (uint64_t)(k->nread + k->nwrite);
}

/* In the worker's own thread: allocate (first touch here), fill, warm up. */
static int setup_worker(int i, void *arg)
{
    struct job *j = arg;
    struct worker *w = &j->w[i];
    struct cxs_alloc_req q = {.size = (size_t)cxs_stream_narrays(j->kind) * j->doubles * 8,
                              .policy = CXS_POL_BIND,
                              .nnodes = 1,
                              .page = j->c->std.page,
                              .allow_fallback = j->c->std.allow_fallback,
                              .reserve_hugepages = j->c->std.reserve_hugepages};
    q.nodes[0] = w->node;
    int rc = cxs_buf_alloc(&cxs_run.topo, &q, &w->buf, w->msg, sizeof w->msg);
    if (rc)
        return rc;
    w->have_buf = 1;
    cxs_stream_place(j->kind, w->buf.p, j->doubles, &w->x);
    if (access_block[j->access]) {
        size_t nb = j->doubles / access_block[j->access];
        w->order = malloc(nb * sizeof *w->order);
        if (!w->order) {
            snprintf(w->msg, sizeof w->msg, "out of memory for the access order");
            return CXS_EXIT_FAIL;
        }
        cxs_stream_order(w->order, nb, j->c->std.seed + (uint64_t)i);
        w->x.order = w->order;
        w->x.block = access_block[j->access];
    }
    cxs_stream_init(j->kind, &w->x);
    double t0 = cxs_now_s();
    w->last_sum = j->fn(&w->x); /* warm-up pass, timed to size the samples */
    w->t_warm = cxs_now_s() - t0;
    w->calls = 1;
    return 0;
}

static int run_worker(int i, void *arg)
{
    struct job *j = arg;
    struct worker *w = &j->w[i];
    w->t0 = cxs_now_s();
    for (unsigned k = 0; k < j->passes; k++)
        w->last_sum = j->fn(&w->x);
    w->t1 = cxs_now_s();
    w->calls += j->passes;
    return 0;
}

/* One sample: every worker `passes` passes, started together. Total GB/s =
 * all bytes / (last end - first start); per node the same over its workers. */
static int take_sample(void *ctx, double *gbps)
{
    struct job *j = ctx;
    if (cxs_team_run(j->nw, j->cpus, run_worker, j))
        return CXS_EXIT_FAIL;
    double start = j->w[0].t0, end = 0, node_end[CXS_ASSIGN_MAX] = {0};
    for (size_t i = 0; i < j->nw; i++) {
        const struct worker *w = &j->w[i];
        if (w->t0 < start)
            start = w->t0;
        if (w->t1 > end)
            end = w->t1;
        if (w->t1 > node_end[w->group])
            node_end[w->group] = w->t1;
    }
    uint64_t b = pass_bytes(j) * j->passes;
    for (int g = 0; g < j->groups.n; g++)
        j->node_gbps[g][j->ns] = (double)b * j->groups.threads[g] / (node_end[g] - start) / 1e9;
    for (size_t i = 0; i < j->nw; i++)
        j->thread_gbps[i * j->max + j->ns] = (double)b / (j->w[i].t1 - j->w[i].t0) / 1e9;
    *gbps = (double)b * (double)j->nw / (end - start) / 1e9;
    j->ns++;
    return 0;
}

static void free_job(struct job *j)
{
    for (size_t i = 0; i < j->nw; i++) {
        if (j->w[i].have_buf)
            cxs_buf_free(&j->w[i].buf);
        free(j->w[i].order);
    }
    for (int g = 0; g < CXS_ASSIGN_MAX; g++)
        free(j->node_gbps[g]);
    free(j->thread_gbps);
    free(j->w);
    free(j->cpus);
}

struct result {
    struct cxs_summary total, node[CXS_ASSIGN_MAX];
    double on_node_pct[CXS_ASSIGN_MAX];
    char thread_gbps[CXS_ASSIGN_MAX][1024];
    char cpus[CXS_ASSIGN_MAX][1024];
    char page_used[16];
    uint64_t allocated;                  /* all threads' arrays */
    uint64_t pass_bytes[CXS_ASSIGN_MAX]; /* counted traffic of one pass, per group */
    uint64_t pass_total;
    int complete; /* 0 when Ctrl-C came before --min-samples were in */
    unsigned passes;
};

static void join_double(char *buf, size_t len, const double *v, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%.2f", i ? "+" : "", v[i]);
}

static double median_of(double *v, size_t n)
{
    struct cxs_summary s;
    return cxs_summarize(v, n, 0, &s) == 0 ? s.median : 0;
}

/* Measure the groups (memory node, thread count) at once with the pool's
 * CPUs in order. Returns 0 with r filled; on failure ends the run. */
static void measure(const struct config *c, enum cxs_kind kind, enum access acc, enum cxs_isa isa,
                    const struct cxs_assign *groups, const int *pool, size_t npool,
                    struct result *r)
{
    struct job j = {.c = c, .kind = kind, .access = acc, .isa = isa, .groups = *groups};
    j.fn = cxs_stream_fn(kind, isa);
    j.nw = (size_t)cxs_assign_total(groups);
    j.max = c->std.repeat;
    uint64_t total = c->per_thread ? c->size * j.nw : c->size;
    size_t per_array = (size_t)(total / j.nw / (uint64_t)cxs_stream_narrays(kind)) / 4096 * 4096;
    if (per_array < 4096)
        cxs_run_fail(CXS_EXIT_USAGE,
                     "--size %" PRIu64 " B is too small for %zu threads x %d arrays (4 KiB each "
                     "at least)",
                     total, j.nw, cxs_stream_narrays(kind));
    j.doubles = per_array / 8;
    j.w = calloc(j.nw, sizeof *j.w);
    j.cpus = calloc(j.nw, sizeof *j.cpus);
    j.thread_gbps = calloc(j.nw * j.max, sizeof *j.thread_gbps);
    for (int g = 0; g < groups->n; g++)
        j.node_gbps[g] = calloc(j.max, sizeof(double));
    if (!j.w || !j.cpus || !j.thread_gbps)
        cxs_run_fail(CXS_EXIT_FAIL, "out of memory");
    for (int g = 0, i = 0; g < groups->n; g++) {
        if (!j.node_gbps[g])
            cxs_run_fail(CXS_EXIT_FAIL, "out of memory");
        for (int t = 0; t < groups->threads[g]; t++, i++) {
            j.cpus[i] = pool[(size_t)i % npool];
            j.w[i] = (struct worker){.cpu = j.cpus[i], .node = groups->node[g], .group = g};
        }
    }

    if (cxs_team_run(j.nw, j.cpus, setup_worker, &j)) {
        for (size_t i = 0; i < j.nw; i++)
            if (j.w[i].msg[0]) {
                char msg[600];
                snprintf(msg, sizeof msg, "%s", j.w[i].msg);
                free_job(&j);
                cxs_run_fail(CXS_EXIT_FAIL, "thread on CPU %d: %s", j.cpus[i], msg);
            }
        free_job(&j);
        cxs_run_fail(CXS_EXIT_FAIL, "could not start %zu threads", j.nw);
    }

    /* Passes per sample: about SAMPLE_S of work, so that the start of the
     * threads and a moment's interference weigh little (likwid-bench runs
     * each measurement for a second). */
    double warm = 0;
    for (size_t i = 0; i < j.nw; i++)
        warm = j.w[i].t_warm > warm ? j.w[i].t_warm : warm;
    j.passes = warm > 0 && warm < SAMPLE_S ? (unsigned)(SAMPLE_S / warm) + 1 : 1;
    if (j.passes > 10000)
        j.passes = 10000;
    r->passes = j.passes;
    double *samples = calloc(j.max, sizeof *samples);
    size_t taken = 0;
    struct cxs_adaptive a = {c->std.min_samples, c->std.repeat, c->std.budget_s, 0.01};
    int rc = samples ? cxs_sample_adaptive(&a, take_sample, &j, samples, &taken, &r->total) : -1;
    free(samples);
    r->complete = !(cxs_stop_requested() && taken < c->std.min_samples);
    if (rc) {
        free_job(&j);
        cxs_run_fail(CXS_EXIT_FAIL, "sampling failed");
    }
    /* The kernels' effect, after timing: a removed or wrong kernel fails. */
    for (size_t i = 0; i < j.nw; i++) {
        char err[300];
        if (cxs_stream_check(kind, &j.w[i].x, j.w[i].calls, j.w[i].last_sum, err, sizeof err)) {
            int cpu = j.cpus[i], node = j.w[i].node;
            free_job(&j);
            cxs_run_fail(CXS_EXIT_FAIL, "validation failed (thread on CPU %d, memory node %d): %s",
                         cpu, node, err);
        }
    }
    r->allocated = 0;
    r->pass_total = 0;
    snprintf(r->page_used, sizeof r->page_used, "%s", j.w[0].buf.page_used);
    for (int g = 0, i = 0; g < groups->n; g++) {
        cxs_summarize(j.node_gbps[g], j.ns, 0, &r->node[g]);
        double med[MAX_THREADS];
        uint64_t on = 0, all = 0;
        size_t o = 0;
        r->cpus[g][0] = '\0';
        for (int t = 0; t < groups->threads[g]; t++, i++) {
            med[t] = median_of(&j.thread_gbps[(size_t)i * j.max], j.ns);
            on += cxs_buf_pages_on(&j.w[i].buf, &cxs_run.topo, j.w[i].node);
            all += cxs_buf_pages(&j.w[i].buf);
            r->allocated += (uint64_t)cxs_stream_narrays(kind) * j.doubles * 8;
            if (o < sizeof r->cpus[g])
                o += (size_t)snprintf(r->cpus[g] + o, sizeof r->cpus[g] - o, "%s%d", t ? "+" : "",
                                      j.cpus[i]);
            if (strcmp(j.w[i].buf.page_used, r->page_used))
                snprintf(r->page_used, sizeof r->page_used, "mixed");
        }
        join_double(r->thread_gbps[g], sizeof r->thread_gbps[g], med, (size_t)groups->threads[g]);
        r->pass_bytes[g] = pass_bytes(&j) * (uint64_t)groups->threads[g];
        r->pass_total += r->pass_bytes[g];
        r->on_node_pct[g] = cxs_pages_pct(on, all);
    }
    free_job(&j);
}

/* ---- rows ------------------------------------------------------------------ */

struct rowinfo {
    const char *mode, *cpu_node, *mem_node, *mem_class, *assignment, *cpus, *thread_gbps;
    enum cxs_kind kind;
    enum access access;
    enum cxs_isa isa;
    int threads;
    double on_node_pct;
    uint64_t allocated, pass_bytes;
    unsigned passes;
    const char *page_used;
    const struct cxs_summary *s;
};

static void emit(const struct config *c, const struct rowinfo *ri)
{
    struct cxs_row *r = bw_row;
    cxs_row_str(r, "mode", ri->mode);
    cxs_row_str(r, "cpu_node", ri->cpu_node);
    cxs_row_str(r, "mem_node", ri->mem_node);
    cxs_row_str(r, "mem_class", ri->mem_class);
    cxs_row_str(r, "assignment", ri->assignment);
    cxs_row_str(r, "kind", cxs_stream_kinds[ri->kind].name);
    cxs_row_str(r, "access", access_names[ri->access]);
    cxs_row_str(r, "isa", cxs_isa_name(ri->isa));
    cxs_row_int(r, "threads", ri->threads);
    cxs_row_str(r, "cpus", ri->cpus);
    cxs_row_str(r, "page_size_req", cxs_page_name(c->std.page));
    cxs_row_str(r, "page_size_used", ri->page_used);
    cxs_row_fixed(r, "on_node_pct", 1, ri->on_node_pct);
    cxs_row_u64(r, "bytes_allocated", ri->allocated);
    cxs_row_u64(r, "bytes_per_pass", ri->pass_bytes);
    cxs_row_u64(r, "passes_per_sample", ri->passes);
    cxs_row_fixed(r, "median_gbps", 3, ri->s->median);
    cxs_row_fixed(r, "ci95_lo_gbps", 3, ri->s->ci_lo);
    cxs_row_fixed(r, "ci95_hi_gbps", 3, ri->s->ci_hi);
    cxs_row_fixed(r, "mean_gbps", 3, ri->s->mean);
    cxs_row_fixed(r, "min_gbps", 3, ri->s->min);
    cxs_row_fixed(r, "max_gbps", 3, ri->s->max);
    cxs_row_str(r, "thread_gbps", ri->thread_gbps);
    cxs_row_u64(r, "samples_kept", ri->s->kept);
    cxs_row_u64(r, "samples_dropped", ri->s->dropped);
    cxs_run_row(cxs_row_take(r));
}

/* ---- what to run ------------------------------------------------------------ */

struct plan {
    struct config c;
    int cpu_nodes[CXS_MAX_NODES];
    size_t ncpu;
    int pool[MAX_THREADS]; /* CPUs for --assign / --optimize */
    size_t npool;
    char pool_nodes[128];
    struct cxs_out *sat; /* saturation.csv */
};

static size_t node_cpus(const struct cxs_node *n, int *out, size_t max)
{
    size_t k = 0;
    for (int i = 0; i < n->ncpus && k < max; i++)
        if (cxs_cpu_allowed(n->cpus[i]))
            out[k++] = n->cpus[i];
    return k;
}

static void class_of(int mem, int cpu_node, char *buf, size_t len)
{
    snprintf(buf, len, "%s", cxs_class_name(cxs_topo_classify(&cxs_run.topo, mem, cpu_node)));
}

/* Thread scaling (or one count) of one memory node from one CPU node. */
static void single_series(struct plan *p, int cpu_node, int mem, enum cxs_kind kind,
                          enum access acc, enum cxs_isa isa, int *sat_out, double *peak_out)
{
    const struct config *c = &p->c;
    int cpus[MAX_THREADS];
    size_t ncpus = node_cpus(cxs_topo_node(&cxs_run.topo, cpu_node), cpus, MAX_THREADS);
    int counts[MAX_COUNTS], nc = c->ncounts;
    memcpy(counts, c->counts, sizeof counts);
    if (!nc)
        counts[nc++] = (int)ncpus;
    double med[MAX_COUNTS];
    int done = 0;
    char cn[16], mn[16], cl[16], none[1] = "";
    snprintf(cn, sizeof cn, "%d", cpu_node);
    snprintf(mn, sizeof mn, "%d", mem);
    class_of(mem, cpu_node, cl, sizeof cl);
    for (int i = 0; i < nc && !cxs_stop_requested(); i++) {
        struct cxs_assign g = {.n = 1, .node = {mem}, .threads = {counts[i]}};
        struct result r;
        measure(c, kind, acc, isa, &g, cpus, ncpus, &r);
        if (!r.complete)
            break; /* an unfinished point is not a result */
        struct rowinfo ri = {.mode = "single",
                             .cpu_node = cn,
                             .mem_node = mn,
                             .mem_class = cl,
                             .assignment = none,
                             .cpus = r.cpus[0],
                             .thread_gbps = r.thread_gbps[0],
                             .kind = kind,
                             .access = acc,
                             .isa = isa,
                             .threads = counts[i],
                             .on_node_pct = r.on_node_pct[0],
                             .allocated = r.allocated,
                             .pass_bytes = r.pass_total,
                             .passes = r.passes,
                             .page_used = r.page_used,
                             .s = &r.total};
        emit(c, &ri);
        med[i] = r.total.median;
        done++;
    }
    /* Saturation: the smallest count within 5 % of the peak. */
    int best = 0;
    for (int i = 1; i < done; i++)
        if (med[i] > med[best])
            best = i;
    int sat = best;
    for (int i = 0; i < done; i++)
        if (med[i] >= 0.95 * med[best] && counts[i] < counts[sat])
            sat = i;
    if (sat_out)
        *sat_out = done ? counts[sat] : 1;
    if (peak_out)
        *peak_out = done ? med[best] : 0;
    if (done >= 2) {
        struct cxs_row *r = sat_row;
        cxs_row_int(r, "cpu_node", cpu_node);
        cxs_row_int(r, "mem_node", mem);
        cxs_row_str(r, "mem_class", cl);
        cxs_row_str(r, "kind", cxs_stream_kinds[kind].name);
        cxs_row_str(r, "access", access_names[acc]);
        cxs_row_int(r, "peak_threads", counts[best]);
        cxs_row_fixed(r, "peak_gbps", 3, med[best]);
        cxs_row_int(r, "saturation_threads", counts[sat]);
        cxs_row_fixed(r, "saturation_gbps", 3, med[sat]);
        const char *const *vals = cxs_row_take(r);
        if (p->sat && cxs_out_row(p->sat, vals))
            cxs_run_fail(CXS_EXIT_FAIL, "writing saturation.csv failed");
        cxs_note("CPU node %d -> memory node %d %s %s: peak %.2f GB/s at %d threads, saturated "
                 "(within 5 %%) at %d threads",
                 cpu_node, mem, cxs_stream_kinds[kind].name, access_names[acc], med[best],
                 counts[best], counts[sat]);
    }
}

/* The class of group g's memory node seen from the CPUs its threads run on
 * (measure() gives the pool's CPUs to the groups in order). */
static void group_class(const struct plan *p, const struct cxs_assign *a, int g, char *buf,
                        size_t len)
{
    int cpus[MAX_THREADS];
    size_t n = 0, first = 0;
    for (int i = 0; i < g; i++)
        first += (size_t)a->threads[i];
    for (int t = 0; t < a->threads[g] && n < MAX_THREADS; t++)
        cpus[n++] = p->pool[(first + (size_t)t) % p->npool];
    cxs_class_of_cpus(&cxs_run.topo, a->node[g], cpus, n, buf, len);
}

static void class_list(const struct plan *p, const struct cxs_assign *a, char *nodes, char *classes,
                       size_t len)
{
    size_t o = 0, q = 0;
    nodes[0] = classes[0] = '\0';
    for (int i = 0; i < a->n; i++) {
        if (a->threads[i] <= 0)
            continue;
        char cl[64];
        group_class(p, a, i, cl, sizeof cl);
        o += (size_t)snprintf(nodes + o, len - o, "%s%d", o ? "+" : "", a->node[i]);
        q += (size_t)snprintf(classes + q, len - q, "%s%s", q ? "+" : "", cl);
    }
}

struct assign_ctx {
    struct plan *p;
    enum cxs_kind kind;
    enum access acc;
    enum cxs_isa isa;
    const char *mode;
};

/* Run one assignment at once; rows per node and the total. */
static int run_assignment(const struct cxs_assign *a, double *gbps, void *arg)
{
    struct assign_ctx *x = arg;
    struct plan *p = x->p;
    const struct config *c = &p->c;
    if (cxs_stop_requested())
        return CXS_EXIT_INTERRUPTED;
    struct result r;
    measure(c, x->kind, x->acc, x->isa, a, p->pool, p->npool, &r);
    if (!r.complete)
        return CXS_EXIT_INTERRUPTED;
    char as[256], nodes[256], classes[256], none[1] = "";
    cxs_assign_format(a, as, sizeof as);
    for (int g = 0; g < a->n; g++) {
        char mn[16], cl[64];
        snprintf(mn, sizeof mn, "%d", a->node[g]);
        group_class(p, a, g, cl, sizeof cl);
        struct rowinfo ri = {.mode = x->mode,
                             .cpu_node = p->pool_nodes,
                             .mem_node = mn,
                             .mem_class = cl,
                             .assignment = as,
                             .cpus = r.cpus[g],
                             .thread_gbps = r.thread_gbps[g],
                             .kind = x->kind,
                             .access = x->acc,
                             .isa = x->isa,
                             .threads = a->threads[g],
                             .on_node_pct = r.on_node_pct[g],
                             .allocated = r.allocated / (uint64_t)cxs_assign_total(a) *
                                          (uint64_t)a->threads[g],
                             .pass_bytes = r.pass_bytes[g],
                             .passes = r.passes,
                             .page_used = r.page_used,
                             .s = &r.node[g]};
        emit(c, &ri);
    }
    class_list(p, a, nodes, classes, sizeof nodes);
    double on = 0;
    for (int g = 0; g < a->n; g++)
        on += r.on_node_pct[g] * a->threads[g];
    struct rowinfo ri = {.mode = x->mode,
                         .cpu_node = p->pool_nodes,
                         .mem_node = nodes,
                         .mem_class = classes,
                         .assignment = as,
                         .cpus = none,
                         .thread_gbps = none,
                         .kind = x->kind,
                         .access = x->acc,
                         .isa = x->isa,
                         .threads = cxs_assign_total(a),
                         .on_node_pct = on / cxs_assign_total(a),
                         .allocated = r.allocated,
                         .pass_bytes = r.pass_total,
                         .passes = r.passes,
                         .page_used = r.page_used,
                         .s = &r.total};
    emit(c, &ri);
    *gbps = r.total.median;
    return 0;
}

/* ---- main ---------------------------------------------------------------- */

static void check_mem_node(int node)
{
    const struct cxs_node *n = cxs_topo_node(&cxs_run.topo, node);
    if (!n || !cxs_node_has_memory(n)) {
        char list[256];
        cxs_topo_list(&cxs_run.topo, 0, 1, list, sizeof list);
        cxs_usage_die("--assign: node %d %s (memory nodes: %s)", node,
                      n ? "has no memory" : "does not exist", list);
    }
}

/* What main hands its steps: the plan, the ISA, the targets (CPU node x its
 * memory nodes) and the memory nodes of all of them (--optimize's). */
struct run_ctx {
    struct plan *p;
    enum cxs_isa isa;
    struct cxs_targets ts;
    int mem[CXS_MAX_NODES];
    size_t nmem;
};

/* The ISA asked for (or the widest); skips when this CPU lacks it. */
static enum cxs_isa pick_isa(const struct config *c)
{
    enum cxs_isa isa = c->isa >= 0 ? (enum cxs_isa)c->isa : cxs_isa_best();
    if (!cxs_isa_supported(isa))
        cxs_skip("this CPU has no %s (the widest it has: %s)", cxs_isa_name(isa),
                 cxs_isa_name(cxs_isa_best()));
    return isa;
}

/* The CPU nodes: --cpu-node, or the node of the CPU we start on. */
static void select_cpu_nodes(struct plan *p)
{
    char err[1024];
    int rc = cxs_tgt_cpu_nodes(&cxs_run.topo, p->c.std.cpu_spec, NULL, 0, p->cpu_nodes,
                               CXS_MAX_NODES, &p->ncpu, err, sizeof err);
    if (rc == CXS_EXIT_SKIP && !p->c.std.cpu_spec)
        cxs_skip("%s", err);
    if (rc)
        cxs_usage_die("%s", err);
}

/* The CPUs each CPU node offers, and the pool for --assign/--optimize. */
static void build_pool(struct plan *p)
{
    const struct config *c = &p->c;
    size_t o = 0;
    for (size_t i = 0; i < p->ncpu; i++) {
        const struct cxs_node *n = cxs_topo_node(&cxs_run.topo, p->cpu_nodes[i]);
        int cpus[MAX_THREADS];
        size_t k = node_cpus(n, cpus, MAX_THREADS);
        if (k == 0)
            cxs_usage_die("--cpu-node: none of node %d's CPUs is in this process's CPU affinity",
                          n->id);
        for (int t = 0; t < c->ncounts; t++)
            if ((size_t)c->counts[t] > k && !c->oversubscribe && !c->have_assign && !c->optimize)
                cxs_usage_die("--threads %d: node %d has %zu CPUs this process may use (more "
                              "threads need --oversubscribe)",
                              c->counts[t], n->id, k);
        for (size_t t = 0; t < k && p->npool < MAX_THREADS; t++)
            p->pool[p->npool++] = cpus[t];
        o += (size_t)snprintf(p->pool_nodes + o, sizeof p->pool_nodes - o, "%s%d", i ? "+" : "",
                              n->id);
    }
}

/* --assign's nodes and thread total, --optimize's counts, against the pool. */
static void check_pool_counts(const struct plan *p)
{
    const struct config *c = &p->c;
    if (c->have_assign) {
        for (int i = 0; i < c->assign.n; i++)
            check_mem_node(c->assign.node[i]);
        if ((size_t)cxs_assign_total(&c->assign) > p->npool && !c->oversubscribe)
            cxs_usage_die("--assign: %d threads, but CPU node(s) %s have %zu CPUs (more threads "
                          "need --oversubscribe)",
                          cxs_assign_total(&c->assign), p->pool_nodes, p->npool);
    }
    if (c->optimize)
        for (int t = 0; t < c->ncounts; t++)
            if ((size_t)c->counts[t] > p->npool)
                cxs_usage_die("--threads %d: more than the %zu CPUs of CPU node(s) %s",
                              c->counts[t], p->npool, p->pool_nodes);
}

/* Memory nodes per CPU node (classes resolve against each): one target
 * per pair, in row order. */
static void select_mem_nodes(struct run_ctx *x)
{
    const struct plan *p = x->p;
    char err[2048];
    for (size_t i = 0; i < p->ncpu && !p->c.have_assign; i++) {
        int mem[CXS_MAX_NODES];
        size_t n;
        int r = cxs_tgt_mem_nodes(&cxs_run.topo, p->c.std.mem_spec, p->cpu_nodes[i], mem,
                                  CXS_MAX_NODES, &n, err, sizeof err);
        if (r == CXS_EXIT_SKIP)
            cxs_skip("%s", err);
        if (r)
            cxs_usage_die("%s", err);
        for (size_t m = 0; m < n; m++) {
            struct cxs_target tg = {.cpu_node = p->cpu_nodes[i],
                                    .cpu = -1,
                                    .nmem = 1,
                                    .mem = {mem[m]},
                                    .page = p->c.std.page};
            cxs_targets_add(&x->ts, &tg);
        }
    }
}

/* The memory nodes of the targets left, ascending (--optimize's). */
static void union_mem_nodes(struct run_ctx *x)
{
    x->nmem = 0;
    for (int id = 0; id < 1 << 16 && x->nmem < CXS_MAX_NODES; id++) {
        int hit = 0;
        for (size_t i = 0; i < x->ts.n && !hit; i++)
            hit = !x->ts.v[i].skip && x->ts.v[i].mem[0] == id;
        if (hit)
            x->mem[x->nmem++] = id;
    }
}

/* Every point needs at least one 4 KiB block per array per thread. */
static void check_size(const struct plan *p)
{
    const struct config *c = &p->c;
    if (!c->size)
        return;
    int maxc = 1;
    for (int t = 0; t < c->ncounts; t++)
        maxc = c->counts[t] > maxc ? c->counts[t] : maxc;
    if (c->have_assign)
        maxc = cxs_assign_total(&c->assign);
    if (c->optimize && !c->ncounts)
        maxc = (int)p->npool;
    for (size_t k = 0; k < c->nkinds; k++) {
        uint64_t per = (c->per_thread ? c->size : c->size / (uint64_t)maxc) /
                       (uint64_t)cxs_stream_narrays((enum cxs_kind)c->kinds[k]);
        if (per < 4096)
            cxs_usage_die("--size %" PRIu64 " B is too small: %s with %d threads needs at "
                          "least 4 KiB per array per thread",
                          c->size, cxs_stream_kinds[c->kinds[k]].name, maxc);
    }
}

/* Size: 4x the LLC unless given; smaller is noted. */
static void default_size(struct config *c)
{
    uint64_t llc = cxs_llc_total_bytes();
    static char size_note[256];
    if (!c->size) {
        c->size = llc ? 4 * llc : 0;
        if (c->size < (64u << 20))
            c->size = 64u << 20;
        c->per_thread = 0;
    } else if (llc && (c->per_thread ? 0 : c->size < 4 * llc)) {
        char a[32], b[32];
        cxs_format_size(c->size, a, sizeof a);
        cxs_format_size(llc, b, sizeof b);
        snprintf(size_note, sizeof size_note,
                 "--size %s is less than 4x the last-level cache (%s in all): caches may inflate "
                 "the figures",
                 a, b);
        cxs_note("%s", size_note);
        cxs_run_note(size_note);
    }
}

/* Capacity of each target's memory node before anything is measured: a
 * node that cannot hold the largest point is named and left out. */
static void precheck_capacity(struct run_ctx *x)
{
    const struct config *c = &x->p->c;
    char err[1024];
    if (c->have_assign)
        return;
    int maxc = 1;
    for (int t = 0; t < c->ncounts; t++)
        maxc = c->counts[t] > maxc ? c->counts[t] : maxc;
    for (size_t i = 0; i < x->ts.n; i++)
        x->ts.v[i].bytes = c->per_thread ? c->size * (uint64_t)maxc : c->size;
    struct cxs_precheck pc = {CXS_POL_BIND, c->std.allow_fallback, c->std.reserve_hugepages};
    if (cxs_targets_precheck(&cxs_run.topo, &x->ts, &pc, err, sizeof err))
        cxs_usage_die("%s", err);
    cxs_tgt_unusable_notes(&cxs_run.topo, c->std.mem_spec);
    cxs_targets_report(&x->ts);
    union_mem_nodes(x);
}

/* Interrupts, timer, bandwidth.csv and saturation.csv (optimize.csv checked). */
static void open_outputs(struct plan *p, int argc, char **argv)
{
    const struct config *c = &p->c;
    cxs_interrupt_install();
    cxs_timer_init();
    bw_row = cxs_row_new("bandwidth.csv", cxs_cols_bandwidth, cxs_ncols_bandwidth);
    sat_row = cxs_row_new("saturation.csv", cxs_cols_saturation, cxs_ncols_saturation);
    opt_row = cxs_row_new("optimize.csv", optimize_cols, CXS_NCOLS(optimize_cols));
    cxs_run_open(c->std.outdir, "bandwidth", "bandwidth.csv", cxs_row_names(bw_row),
                 cxs_row_ncols(bw_row), c->std.quiet, c->std.format, argc, argv);
    p->sat = cxs_run_out_open("saturation.csv", cxs_row_names(sat_row), cxs_row_ncols(sat_row));
    if (c->have_assign)
        cxs_run_check("optimize.csv");
}

/* optimize.csv and the notes: the best assignments found, ranked. */
static void write_optimize_rows(enum cxs_kind kind, enum access acc,
                                const struct cxs_assign_result *best, size_t nfound, int evals)
{
    struct cxs_out *oo =
        cxs_run_out_open("optimize.csv", cxs_row_names(opt_row), cxs_row_ncols(opt_row));
    for (size_t i = 0; i < nfound; i++) {
        char as[64];
        cxs_assign_format(&best[i].a, as, sizeof as);
        cxs_row_u64(opt_row, "rank", i + 1);
        cxs_row_str(opt_row, "kind", cxs_stream_kinds[kind].name);
        cxs_row_str(opt_row, "access", access_names[acc]);
        cxs_row_str(opt_row, "assignment", as);
        cxs_row_fixed(opt_row, "total_gbps", 3, best[i].gbps);
        const char *const *vals = cxs_row_take(opt_row);
        if (oo)
            cxs_out_row(oo, vals);
        cxs_note("optimize %s %s: #%zu %s %.2f GB/s", cxs_stream_kinds[kind].name,
                 access_names[acc], i + 1, as, best[i].gbps);
    }
    cxs_note("optimize: %d assignments measured", evals);
    if (oo)
        cxs_out_close(oo);
}

/* Each node's thread scaling from the first CPU node; returns n, the
 * saturation points in sat (--threads, default 1..the first node's CPUs). */
static int optimize_scaling(struct run_ctx *x, enum cxs_kind kind, enum access acc, int *sat)
{
    struct plan *p = x->p;
    int n = 0;
    struct plan *q = malloc(sizeof *q);
    if (!q)
        cxs_run_fail(CXS_EXIT_FAIL, "out of memory");
    *q = *p;
    int first[MAX_THREADS];
    size_t nfirst = node_cpus(cxs_topo_node(&cxs_run.topo, p->cpu_nodes[0]), first, MAX_THREADS);
    if (!q->c.ncounts) /* 1 .. the first CPU node's CPUs */
        for (size_t t = 1; t <= nfirst && t <= MAX_COUNTS; t++)
            q->c.counts[q->c.ncounts++] = (int)t;
    for (size_t m = 0; m < x->nmem && n < CXS_ASSIGN_MAX && !cxs_stop_requested(); m++)
        single_series(q, p->cpu_nodes[0], x->mem[m], kind, acc, x->isa, &sat[n++], NULL);
    free(q);
    return n;
}

/* --optimize for one kind/access: scaling, search, rows; 1 = stop the loop. */
static int run_optimize(struct run_ctx *x, struct assign_ctx *ax)
{
    int sat[CXS_ASSIGN_MAX];
    int n = optimize_scaling(x, ax->kind, ax->acc, sat);
    if (cxs_stop_requested())
        return 1;
    ax->mode = "optimize";
    struct cxs_assign_search s = {.n = n,
                                  .nodes = x->mem,
                                  .saturation = sat,
                                  .pool = (int)x->p->npool,
                                  .max_evals = 40,
                                  .min_gain = 0.01};
    struct cxs_assign_result best[5];
    size_t nfound = 0;
    int evals = 0;
    char err[512];
    int rc = cxs_assign_optimize(&s, run_assignment, ax, best, 5, &nfound, &evals, err, sizeof err);
    if (rc == CXS_EXIT_INTERRUPTED)
        return 1;
    if (rc)
        cxs_run_fail(CXS_EXIT_FAIL, "%s", err);
    write_optimize_rows(ax->kind, ax->acc, best, nfound, evals);
    return 0;
}

/* Plain runs: every CPU node x its memory nodes, each a thread series. */
static void run_singles(struct run_ctx *x, enum cxs_kind kind, enum access acc)
{
    for (size_t i = 0; i < x->ts.n && !cxs_stop_requested(); i++)
        if (!x->ts.v[i].skip)
            single_series(x->p, x->ts.v[i].cpu_node, x->ts.v[i].mem[0], kind, acc, x->isa, NULL,
                          NULL);
}

/* One kind/access in the mode asked for; 1 = stop the access loop. */
static int run_point(struct run_ctx *x, enum cxs_kind kind, enum access acc)
{
    struct plan *p = x->p;
    struct assign_ctx ax = {.p = p, .kind = kind, .acc = acc, .isa = x->isa};
    if (p->c.have_assign) {
        double g;
        ax.mode = "assign";
        return run_assignment(&p->c.assign, &g, &ax) ? 1 : 0;
    }
    if (p->c.optimize)
        return run_optimize(x, &ax);
    run_singles(x, kind, acc);
    return 0;
}

/* Every kind x access, until done or interrupted. */
static void run_all(struct run_ctx *x)
{
    const struct config *c = &x->p->c;
    for (size_t ki = 0; ki < c->nkinds && !cxs_stop_requested(); ki++)
        for (size_t ai = 0; ai < c->naccesses && !cxs_stop_requested(); ai++)
            if (run_point(x, (enum cxs_kind)c->kinds[ki], (enum access)c->accesses[ai]))
                break;
}

int main(int argc, char **argv)
{
    cxs_prog = "cxlscope-bandwidth";
    struct plan *p = calloc(1, sizeof *p);
    if (!p)
        cxs_die("out of memory");
    parse_args(argc, argv, &p->c);
    cxs_run_load();

    struct run_ctx x = {.p = p, .isa = pick_isa(&p->c)};
    select_cpu_nodes(p);
    build_pool(p);
    check_pool_counts(p);
    select_mem_nodes(&x);
    check_size(p);
    default_size(&p->c);
    precheck_capacity(&x);

    open_outputs(p, argc, argv);
    run_all(&x);
    if (p->sat && cxs_out_close(p->sat))
        cxs_run_fail(CXS_EXIT_FAIL, "writing saturation.csv failed");
    free(p);
    cxs_targets_free(&x.ts);
    cxs_row_free(bw_row);
    cxs_row_free(sat_row);
    cxs_row_free(opt_row);
    cxs_run_end();
}
