/* cxlscope-latency — idle memory latency by dependent pointer chasing.
 *
 * For every (CPU node, memory node, page size, size, pattern) point: pin to a
 * CPU of the CPU node, allocate the buffer on the memory node (verified page
 * by page), build the chase cycle, warm up, then time samples of
 * dependent loads until the median's confidence interval is tight or the
 * time budget is spent. One CSV row per point, flushed as measured. */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chase.h"
#include "cli.h"
#include "columns.h"
#include "counters.h"
#include "dist.h"
#include "hist.h"
#include "interrupt.h"
#include "memory.h"
#include "meta.h"
#include "opts.h"
#include "output.h"
#include "prefetch.h"
#include "row.h"
#include "stats.h"
#include "run.h"
#include "threads.h"
#include "targets.h"
#include "timer.h"
#include "topology.h"

#define MAX_SIZES 64
#define MAX_PATTERNS 8
#define WARMUP_MAX_LOADS (1u << 20)

static const char usage_head[] =
    "Usage: cxlscope-latency [OPTIONS]\n"
    "\n"
    "Idle memory latency by pointer chasing: one dependent 8-byte load per element,\n"
    "the elements linked into a single cycle, so no load can start before the last\n"
    "one finished and the prefetchers cannot guess the next address. Reports the\n"
    "median nanoseconds per load with its 95 % confidence interval.\n"
    "\n"
    "Options:\n";
static const char usage_tail[] =
    "\n"
    "Exit status: 0 done; 1 measurement failed (memory short, placement wrong);\n"
    "2 bad usage; 77 skipped (e.g. no node of the class asked for); 130 interrupted\n"
    "(rows measured so far are kept, meta.json says incomplete).\n"
    "A target that cannot be measured now (memory or huge pages short on its node)\n"
    "is named on stderr and in meta.json's \"skipped\" list and the others are\n"
    "measured: exit 0 when any was measured, 1 when none could be (all named).\n";

struct config {
    int allow_fallback, reserve_hugepages, no_counters;
    enum cxs_policy policy;
    struct cxs_std_opts std;
    uint64_t sizes[MAX_SIZES];
    size_t nsizes;
    struct cxs_pattern patterns[MAX_PATTERNS];
    size_t npatterns;
    uint64_t tlb_locality;
    enum cxs_page pages[CXS_NPAGES];
    size_t npages;
    uint64_t loads;
    int have_size; /* --size or --sweep seen */
};

/* --help after the options: latency.csv's columns and what some hold. */
static void usage_more(FILE *f)
{
    const struct cxs_col *lists[] = {cxs_cols_latency, cxs_cols_latency_dist};
    const size_t n[] = {cxs_ncols_latency, cxs_ncols_latency_dist};
    fputc('\n', f);
    cxs_cols_list(f, "Columns", cxs_cols_latency, cxs_ncols_latency);
    fputs("  Then, when a PMU is there (PAPI, not with --no-counters), one column per\n"
          "  counter opened: cycles_per_load, llc_misses_per_load, dtlb_misses_per_load\n"
          "  (events per load over the samples counted; empty when none was).\n",
          f);
    cxs_cols_list(f, "latency_dist.csv (--distribution, --output)", cxs_cols_latency_dist,
                  cxs_ncols_latency_dist);
    fputc('\n', f);
    cxs_cols_describe(f, lists, n, 2);
}

static int add_pattern(const char *s, void *ctx)
{
    struct config *c = ctx;
    char err[200];
    if (c->npatterns == MAX_PATTERNS) {
        fprintf(stderr, "%s: error: at most %d patterns\n", cxs_prog, MAX_PATTERNS);
        return -1;
    }
    if (cxs_pattern_parse(s, &c->patterns[c->npatterns], err, sizeof err)) {
        fprintf(stderr, "%s: error: %s\n", cxs_prog, err);
        return -1;
    }
    c->npatterns++;
    return 0;
}

static int add_page(const char *s, void *ctx)
{
    struct config *c = ctx;
    enum cxs_page p = cxs_page_arg(s);
    for (size_t i = 0; i < c->npages; i++)
        if (c->pages[i] == p)
            return 0;          /* measured once, as --kind repeats are */
    c->pages[c->npages++] = p; /* distinct: at most CXS_NPAGES */
    return 0;
}

static void policy_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    int p = cxs_policy_parse(arg);
    if (p < 0)
        cxs_usage_die("unknown policy '%s' (policies: bind, preferred, interleave)", arg);
    *(enum cxs_policy *)o->dest = (enum cxs_policy)p;
}

/* --size and --sweep: one of them, once. */
static void size_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    struct config *c = o->dest;
    char err[200];
    if (c->have_size++)
        cxs_usage_die("give one --size or one --sweep");
    if (strcmp(opt, "--size") == 0) {
        if (cxs_parse_size(arg, &c->sizes[0], err, sizeof err))
            cxs_usage_die("--size: %s", err);
        c->nsizes = 1;
    } else if (cxs_parse_sweep(arg, c->sizes, MAX_SIZES, &c->nsizes, err, sizeof err)) {
        cxs_usage_die("--sweep: %s", err);
    }
}

static void pattern_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    cxs_each_item(arg, "pattern", add_pattern, o->dest);
}

static void tlb_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    uint64_t *g = o->dest;
    char err[200];
    if (cxs_parse_size(arg, g, err, sizeof err))
        cxs_usage_die("%s: %s", opt, err);
    if (*g % CXS_LINE)
        cxs_usage_die("%s must be a multiple of %d bytes", opt, CXS_LINE);
    /* and of --stride: checked once both are known (finish_config) */
}

static void page_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    cxs_each_item(arg, "page size", add_page, o->dest);
}

/* --stride for the random kinds: their elements' spacing; the TLB groups
 * and every size must hold whole elements, two at least. */
static void spread_random(struct config *c)
{
    uint64_t st = c->std.stride;
    int random = 0;
    for (size_t i = 0; i < c->npatterns; i++) {
        struct cxs_pattern *p = &c->patterns[i];
        if (p->kind == CXS_PAT_RANDOM || p->kind == CXS_PAT_RANDOM_IN_PAGE) {
            p->stride = (size_t)st;
            random = 1;
        }
    }
    if (!random || st == CXS_LINE)
        return;
    if (c->tlb_locality % st)
        cxs_usage_die("--tlb-locality %" PRIu64 " is not a multiple of --stride %" PRIu64,
                      c->tlb_locality, st);
    for (size_t i = 0; i < c->nsizes; i++)
        if (c->sizes[i] < 2 * st)
            cxs_usage_die("size %" PRIu64 " holds fewer than two elements of --stride %" PRIu64
                          " bytes",
                          c->sizes[i], st);
}

/* What no option said, and the checks over several options. */
static void finish_config(struct config *c)
{
    if (!c->nsizes) {
        c->sizes[0] = UINT64_C(1) << 30;
        c->nsizes = 1;
    }
    if (!c->npatterns)
        add_pattern("random", c);
    if (!c->npages)
        c->pages[c->npages++] = CXS_PAGE_4K;
    for (size_t i = 0; i < c->nsizes; i++)
        if (c->sizes[i] < 2 * CXS_LINE)
            cxs_usage_die("sizes must be at least %d bytes (two lines)", 2 * CXS_LINE);
    spread_random(c);
    if (c->std.matrix && !c->std.cpu_spec)
        c->std.cpu_spec = "all";
    c->loads = (c->loads + CXS_CHASE_UNROLL - 1) / CXS_CHASE_UNROLL * CXS_CHASE_UNROLL;
}

static void parse_args(int argc, char **argv, struct config *c)
{
    *c = (struct config){.policy = CXS_POL_BIND,
                         .loads = 1000000,
                         .std = {.mem_spec = "all",
                                 .repeat = 51,
                                 .min_samples = 7,
                                 .seed = 1,
                                 .stride = CXS_LINE,
                                 .budget_s = 2.0,
                                 .format = CXS_FMT_CSV}};
    const struct cxs_opt opts[] = {
        CXS_O_STD(CXS_OPT_CPU, "CPU node(s) the measuring thread runs on: IDs (0,1), ranges "
                               "(0-1) or all. Default: the node of the CPU we start on (with "
                               "--matrix: all). The thread is pinned to one CPU of the node "
                               "(the last one this process may use)"),
        CXS_O_STD(CXS_OPT_MEM, "memory node(s) to measure: IDs, ranges, all, or a class "
                               "relative to the CPU node: ldram, rdram, cxl, cpuless. Default: "
                               "all"),
        CXS_O_STD(CXS_OPT_MATRIX, "CPU node x memory node matrix, like MLC's latency matrix "
                                  "(same as --cpu-node all unless --cpu-node is given)"),
        CXS_O_CUSTOM("policy", policy_arg, &c->policy, "P",
                     "bind (default) or preferred: one buffer per memory node; interleave: one "
                     "buffer interleaved over all --mem-node nodes"),
        CXS_O_CUSTOM("size", size_arg, c, "SIZE", "one working-set size (default 1G; K = 1024)"),
        CXS_O_CUSTOM("sweep", size_arg, c, "LO:HI[:F]",
                     "working-set sweep LO, LO*F, ... <= HI (F defaults to 2)"),
        CXS_O_CUSTOM("pattern", pattern_arg, c, "LIST",
                     "comma list of: random (one Sattolo cycle over all 64 B lines; default), "
                     "random-in-page (pages in random order, lines in random order inside each "
                     "page: one TLB miss per page, not per load), seq (+64 B), stride:N (+N "
                     "bytes)"),
        CXS_O_CUSTOM("tlb-locality", tlb_arg, &c->tlb_locality, "SIZE",
                     "for random: lines in random order inside groups of SIZE, groups in random "
                     "order (multichase -T). Default: none (the whole buffer is one group)"),
        CXS_O_STD(CXS_OPT_STRIDE,
                  "spacing of the random cycle's elements (random, random-in-page; seq and "
                  "stride:N have their own step): 64 B, one element per cache line, is what "
                  "the suite's rows always used; up to 4096, a power of two. multichase's -s "
                  "is the same knob (default 256): compare with it at --stride 256, or run it "
                  "with -s 64. Wider spacing keeps the adjacent-line prefetcher from turning "
                  "loads into hits inside --tlb-locality groups and near the LLC size"),
        CXS_O_STD(CXS_OPT_PREFETCH, NULL),
        CXS_O_STD(CXS_OPT_DIST,
                  "after each point's samples, take as many again timed in blocks of N "
                  "dependent loads (16 for memory; 64 or more at cache sizes, where the "
                  "timer's cost is near a block's) and report the distribution of ns per load: "
                  "the dist_ columns (p50 ... p99.99, max, blocks over 1 us) and, with --output, "
                  "the histogram in latency_dist.csv. The point's median is measured as without "
                  "it; the point takes twice as long"),
        CXS_O_CUSTOM("page-size", page_arg, c, "LIST",
                     "comma list of 4k (default), thp (transparent huge pages), 2m, 1g (hugetlb "
                     "pool of the memory node)"),
        CXS_O_FLAG("reserve-hugepages", &c->reserve_hugepages,
                   "if the node's hugetlb pool is short, raise it for the run (root) and give "
                   "the pages back afterwards, Ctrl-C included"),
        CXS_O_FLAG("allow-fallback", &c->allow_fallback,
                   "measure even if pages landed off the requested node (the on_node_pct "
                   "column says how many did not)"),
        CXS_O_U64("loads", &c->loads, 32, UINT64_C(1) << 40, "N",
                  "dependent loads per sample (default 1000000; rounded up to a multiple of "
                  "32)"),
        CXS_O_STD(CXS_OPT_REPEAT, NULL),
        CXS_O_STD_NODEFAULT(CXS_OPT_MIN, "at least N samples per point (default 7; 6 or more "
                                         "give a distribution-free 95 % CI of the median)"),
        CXS_O_STD_NODEFAULT(CXS_OPT_BUDGET,
                            "stop sampling a point after SEC seconds once --min-samples are in "
                            "(default 2), or earlier when the CI half-width is within 1 % of "
                            "the median"),
        CXS_O_STD(CXS_OPT_SEED, "seed of the random cycles"),
        CXS_O_FLAG("no-counters", &c->no_counters, "do not try hardware counters (PAPI)"),
        CXS_O_STD(CXS_OPT_OUTPUT, "write DIR/latency.csv (rows flushed as measured, written as "
                                  "latency.csv.partial until the run ends) and DIR/meta.json"),
        CXS_O_STD(CXS_OPT_FORMAT, NULL),
        CXS_O_STD(CXS_OPT_QUIET, "nothing on stdout"),
        CXS_O_STD(CXS_OPT_HELP, NULL),
        CXS_O_STD(CXS_OPT_VERSION, NULL),
        CXS_O_END,
    };
    const struct cxs_optspec spec = {
        .head = usage_head, .more = usage_more, .tail = usage_tail, .std = &c->std};
    optind = cxs_opts_parse(argc, argv, opts, &spec);
    cxs_std_end(argc, argv, &c->std);
    finish_config(c);
}

/* latency.csv's row: the base columns (columns.h), then NAME_per_load for
 * each counter opened; made once in main, after the counters are opened. */
static struct cxs_row *lat_row;

static struct cxs_row *latency_row(const struct cxs_counters *cnt)
{
    static struct cxs_col *cols; /* kept by the row, for the whole run */
    static char names[CXS_MAX_COUNTERS][48];
    size_t n = cxs_ncols_latency;
    cols = calloc(n + CXS_MAX_COUNTERS, sizeof *cols);
    if (!cols)
        cxs_die("out of memory");
    memcpy(cols, cxs_cols_latency, n * sizeof *cols);
    for (size_t i = 0; i < cxs_counters_count(cnt); i++) {
        snprintf(names[i], sizeof names[i], "%s_per_load", cxs_counters_name(cnt, i));
        cols[n++] = (struct cxs_col){.name = names[i]};
    }
    return cxs_row_new("latency.csv", cols, n);
}

struct sampler {
    void *p;
    uint64_t loads;
    struct cxs_counters *cnt;
    long long sums[CXS_MAX_COUNTERS];
    uint64_t counted_loads;
    uint64_t block;        /* --distribution: loads per timed block; 0 = off */
    struct cxs_hist *hist; /* the point's blocks */
};

/* --distribution: the timer's own cost per block (hist.h), measured once
 * on the first measuring CPU. */
static uint64_t block_overhead;

static int take_sample(void *ctx, double *ns_per_load)
{
    struct sampler *s = ctx;
    if (s->cnt && cxs_counters_start(s->cnt))
        s->cnt = NULL;
    uint64_t t0 = cxs_time_begin();
    s->p = cxs_chase(s->p, s->loads);
    uint64_t ticks = cxs_time_end() - t0;
    if (s->cnt) {
        long long v[CXS_MAX_COUNTERS];
        if (cxs_counters_stop(s->cnt, v) == 0) {
            for (size_t i = 0; i < cxs_counters_count(s->cnt); i++)
                s->sums[i] += v[i];
            s->counted_loads += s->loads;
        }
    }
    *ns_per_load = cxs_ticks_to_ns(ticks) / (double)s->loads;
    return 0;
}

struct point {
    int cpu_node, cpu;
    enum cxs_policy policy;
    char mem_nodes[64], mem_class[64];
    const struct cxs_pattern *pat;
    uint64_t group;
    const struct cxs_buf *buf;
    double on_node_pct;
};

/* latency_dist.csv (--distribution with --output): a point's histogram. */
static struct cxs_row *dist_row;
static struct cxs_out *dist_out;

/* The point's key, in latency.csv's rows and latency_dist.csv's. */
static void dist_key(struct cxs_row *r, const void *ctx)
{
    const struct point *pt = ctx;
    cxs_row_int(r, "cpu_node", pt->cpu_node);
    cxs_row_int(r, "cpu", pt->cpu);
    cxs_row_str(r, "mem_node", pt->mem_nodes);
    cxs_row_str(r, "mem_class", pt->mem_class);
    cxs_row_str(r, "policy", cxs_policy_name(pt->policy));
    cxs_row_str(r, "pattern", pt->pat->name);
    cxs_row_u64(r, "stride_bytes", pt->pat->stride);
    if (pt->group)
        cxs_row_u64(r, "tlb_locality_bytes", pt->group);
    else
        cxs_row_empty(r, "tlb_locality_bytes");
    cxs_row_u64(r, "size_bytes", pt->buf->size);
    cxs_row_str(r, "page_size_req", cxs_page_name(pt->buf->page));
}

static void emit(const struct point *pt, const struct cxs_summary *s, const struct sampler *sm)
{
    struct cxs_row *r = lat_row;
    dist_key(r, pt);
    cxs_row_str(r, "page_size_used", pt->buf->page_used);
    cxs_row_fixed(r, "huge_pct", 1, 100.0 * pt->buf->huge_fraction);
    cxs_row_fixed(r, "on_node_pct", 1, pt->on_node_pct);
    cxs_row_u64(r, "loads_per_sample", sm->loads);
    cxs_row_summary(r, "median_ns", "ns", 2, CXS_SUM_PCT, s);
    cxs_dist_cols(r, sm->block, sm->hist);
    cxs_row_str(r, "prefetchers", cxs_pf_state(&pt->cpu, 1));
    const char *const *names = cxs_row_names(r);
    for (size_t i = cxs_ncols_latency; i < cxs_row_ncols(r); i++) {
        size_t k = i - cxs_ncols_latency; /* counter k */
        if (sm->counted_loads)
            cxs_row_fixed(r, names[i], 4, (double)sm->sums[k] / (double)sm->counted_loads);
        else
            cxs_row_empty(r, names[i]);
    }
    cxs_run_row(cxs_row_take(r));
    cxs_dist_rows(dist_out, dist_row, sm->hist, dist_key, pt);
}

/* Group size for the random kinds: 0 = whole buffer. */
static uint64_t group_bytes(const struct config *c, const struct cxs_pattern *p,
                            const struct cxs_buf *b)
{
    uint64_t g = 0;
    if (p->kind == CXS_PAT_RANDOM)
        g = c->tlb_locality;
    else if (p->kind == CXS_PAT_RANDOM_IN_PAGE)
        g = (b->page == CXS_PAGE_THP && b->huge_fraction >= 0.5) ? cxs_page_bytes(CXS_PAGE_THP)
            : b->kernel_page_bytes                               ? b->kernel_page_bytes
                                                                 : 4096;
    return g >= b->size ? 0 : g;
}

static void measure_buffer(const struct config *c, struct point *pt, struct cxs_buf *b,
                           struct cxs_counters *cnt, double *samples)
{
    for (size_t pi = 0; pi < c->npatterns && !cxs_stop_requested(); pi++) {
        const struct cxs_pattern *pat = &c->patterns[pi];
        char err[256];
        uint64_t g = group_bytes(c, pat, b);
        void *start;
        size_t n =
            cxs_chase_build(b->p, b->size, pat, (size_t)g, c->std.seed, &start, err, sizeof err);
        if (!n)
            cxs_run_fail(CXS_EXIT_USAGE, "%s", err);
        pt->pat = pat;
        pt->group = pat->kind == CXS_PAT_RANDOM || pat->kind == CXS_PAT_RANDOM_IN_PAGE
                        ? (g ? g : b->size / pat->stride * pat->stride)
                        : 0;
        static struct cxs_hist hist;
        cxs_hist_reset(&hist);
        struct sampler sm = {
            .p = start, .loads = c->loads, .cnt = cnt, .block = c->std.distribution, .hist = &hist};
        /* Warm up with a checked walk: a full lap for cache-sized buffers
         * (which must close the cycle), else WARMUP_MAX_LOADS steps. */
        sm.p = cxs_chase_check(b->p, b->size, pat->stride, start, n,
                               n < WARMUP_MAX_LOADS ? n : WARMUP_MAX_LOADS, err, sizeof err);
        if (!sm.p)
            cxs_run_fail(CXS_EXIT_FAIL, "memory node %s: %s", pt->mem_nodes, err);
        struct cxs_adaptive a = {c->std.min_samples, c->std.repeat, c->std.budget_s, 0.01};
        struct cxs_summary s;
        size_t taken;
        cxs_sample_adaptive(&a, take_sample, &sm, samples, &taken, &s);
        if (cxs_stop_requested() && taken < c->std.min_samples)
            break; /* an unfinished point is not a result */
        /* --distribution: as many samples again, block by block, so the
         * median above is measured exactly as without it */
        for (size_t i = 0; sm.block && i < taken && !cxs_stop_requested(); i++)
            sm.p = cxs_chase_blocks(sm.p, sm.loads, sm.block, block_overhead, sm.hist, NULL);
        if (cxs_stop_requested() && sm.block)
            break;
        emit(pt, &s, &sm);
    }
}

static void join_nodes(const struct cxs_topo *t, const int *nodes, size_t n, int cpu_node,
                       struct point *pt)
{
    pt->mem_nodes[0] = pt->mem_class[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t a = strlen(pt->mem_nodes), b = strlen(pt->mem_class);
        snprintf(pt->mem_nodes + a, sizeof pt->mem_nodes - a, "%s%d", i ? "+" : "", nodes[i]);
        snprintf(pt->mem_class + b, sizeof pt->mem_class - b, "%s%s", i ? "+" : "",
                 cxs_class_name(cxs_topo_classify(t, nodes[i], cpu_node)));
    }
}

static struct cxs_alloc_req make_req(const struct config *c, const struct cxs_target *tg,
                                     uint64_t size)
{
    struct cxs_alloc_req q = {.size = size,
                              .policy = c->policy,
                              .nnodes = tg->nmem,
                              .page = tg->page,
                              .allow_fallback = c->allow_fallback,
                              .reserve_hugepages = c->reserve_hugepages};
    memcpy(q.nodes, tg->mem, (size_t)tg->nmem * sizeof tg->mem[0]);
    return q;
}

/* The targets: CPU node by CPU node, memory node by memory node (all of
 * them as one with interleave), page size by page size; each prechecked at
 * the largest size, the ones that cannot be measured named and left out. */
static void plan_targets(const struct config *c, struct cxs_targets *ts)
{
    uint64_t largest = 0;
    for (size_t i = 0; i < c->nsizes; i++)
        largest = c->sizes[i] > largest ? c->sizes[i] : largest;
    struct cxs_target_req r = {.cpu_spec = c->std.cpu_spec,
                               .mem_spec = c->std.mem_spec,
                               .cpu = -1,
                               .grouped = c->policy == CXS_POL_INTERLEAVE,
                               .pages = c->pages,
                               .npages = c->npages,
                               .bytes = largest};
    struct cxs_precheck pc = {c->policy, c->allow_fallback, c->reserve_hugepages};
    char err[2048];
    int rc = cxs_targets_plan(&cxs_run.topo, &r, ts, err, sizeof err);
    if (!rc)
        rc = cxs_targets_precheck(&cxs_run.topo, ts, &pc, err, sizeof err);
    if (rc == CXS_EXIT_SKIP)
        cxs_skip("%s", err);
    if (rc)
        cxs_usage_die("%s", err);
    cxs_tgt_unusable_notes(&cxs_run.topo, c->std.mem_spec);
    cxs_targets_report(ts);
}

static void measure_target(const struct config *c, struct point *pt, const struct cxs_target *tg,
                           struct cxs_counters *cnt, double *samples)
{
    join_nodes(&cxs_run.topo, tg->mem, (size_t)tg->nmem, pt->cpu_node, pt);
    for (size_t si = 0; si < c->nsizes && !cxs_stop_requested(); si++) {
        struct cxs_alloc_req q = make_req(c, tg, c->sizes[si]);
        struct cxs_buf b;
        char err[512];
        int rc = cxs_buf_alloc(&cxs_run.topo, &q, &b, err, sizeof err);
        if (rc)
            cxs_run_fail(rc, "%s", err);
        pt->on_node_pct = cxs_buf_on_node_pct(&b);
        pt->buf = &b;
        measure_buffer(c, pt, &b, cnt, samples);
        cxs_buf_free(&b);
    }
}

/* Every target not skipped, pinned to its CPU. */
static void measure_targets(const struct config *c, const struct cxs_targets *ts,
                            struct cxs_counters *cnt, double *samples)
{
    int pinned = -1;
    for (size_t i = 0; i < ts->n && !cxs_stop_requested(); i++) {
        const struct cxs_target *tg = &ts->v[i];
        if (tg->skip)
            continue;
        if (tg->cpu != pinned && cxs_pin_self_cpu(tg->cpu))
            cxs_run_fail(CXS_EXIT_FAIL, "cannot pin the measuring thread");
        if (pinned < 0 && c->std.distribution)
            block_overhead = cxs_dist_overhead(c->std.distribution);
        pinned = tg->cpu;
        struct point pt = {.cpu_node = tg->cpu_node, .cpu = tg->cpu, .policy = c->policy};
        measure_target(c, &pt, tg, cnt, samples);
    }
}

/* --prefetchers on the measuring CPUs of the targets not skipped. */
static void set_prefetchers(const struct config *c, const struct cxs_targets *ts)
{
    int *cpus = malloc((ts->n + 1) * sizeof *cpus);
    size_t n = 0;
    if (!cpus)
        cxs_die("out of memory");
    for (size_t i = 0; i < ts->n; i++) {
        size_t k = 0;
        while (k < n && cpus[k] != ts->v[i].cpu)
            k++;
        if (!ts->v[i].skip && k == n)
            cpus[n++] = ts->v[i].cpu;
    }
    cxs_run_prefetchers(c->std.prefetchers, cpus, n);
    free(cpus);
}

/* The hardware counters, or NULL (--no-counters, or none here: said on
 * stderr and in meta.json). */
static struct cxs_counters *open_counters(const struct config *c)
{
    static char note[256]; /* meta.json keeps the pointer */
    if (c->no_counters)
        return NULL;
    struct cxs_counters *cnt = cxs_counters_open(note, sizeof note);
    if (!cnt) {
        cxs_note("%s", note);
        cxs_run_note(note);
    }
    return cnt;
}

int main(int argc, char **argv)
{
    cxs_prog = "cxlscope-latency";
    struct config c;
    parse_args(argc, argv, &c);

    cxs_run_load();
    struct cxs_targets ts = {0};
    plan_targets(&c, &ts);

    cxs_interrupt_install();
    set_prefetchers(&c, &ts);
    cxs_timer_init();
    struct cxs_counters *cnt = open_counters(&c);
    lat_row = latency_row(cnt);
    cxs_run_open(c.std.outdir, "latency", "latency.csv", cxs_row_names(lat_row),
                 cxs_row_ncols(lat_row), c.std.quiet, c.std.format, argc, argv);
    if (c.std.distribution) {
        dist_row = cxs_row_new("latency_dist.csv", cxs_cols_latency_dist, cxs_ncols_latency_dist);
        dist_out = cxs_run_extra_open("latency_dist.csv", cxs_row_names(dist_row),
                                      cxs_row_ncols(dist_row));
    }

    double *samples = malloc(c.std.repeat * sizeof *samples);
    if (!samples)
        cxs_run_fail(CXS_EXIT_FAIL, "out of memory");
    measure_targets(&c, &ts, cnt, samples);
    free(samples);
    cxs_targets_free(&ts);
    cxs_counters_close(cnt);
    cxs_run_end();
}
