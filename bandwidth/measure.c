/* measure.c — one measurement of cxlscope-bandwidth (bw.h): a team of
 * threads pinned to CPUs, each first-touching its own arrays on its group's
 * memory node, warmed up, then sampled together: a sample is `passes`
 * passes of every thread, timed from the first start to the last end. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bw.h"
#include "cli.h"
#include "interrupt.h"
#include "memory.h"
#include "threads.h"
#include "timer.h"

const char *const bw_access_names[NACCESS] = {"seq", "random-line", "random-block"};
const size_t bw_access_block[NACCESS] = {0, 8, 512}; /* doubles; 0 = whole slice */

#define SAMPLE_S 0.1 /* seconds of work per sample */

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
    if (bw_access_block[j->access]) {
        size_t nb = j->doubles / bw_access_block[j->access];
        w->order = malloc(nb * sizeof *w->order);
        if (!w->order) {
            snprintf(w->msg, sizeof w->msg, "out of memory for the access order");
            return CXS_EXIT_FAIL;
        }
        cxs_stream_order(w->order, nb, j->c->std.seed + (uint64_t)i);
        w->x.order = w->order;
        w->x.block = bw_access_block[j->access];
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

/* Sizes, CPUs and arrays: every worker allocates (first touch), fills and
 * warms up its arrays in its own thread. */
static void start_job(struct job *j, const int *pool, size_t npool)
{
    const struct config *c = j->c;
    const struct cxs_assign *groups = &j->groups;
    j->fn = cxs_stream_fn(j->kind, j->isa);
    j->nw = (size_t)cxs_assign_total(groups);
    j->max = c->std.repeat;
    uint64_t total = c->per_thread ? c->size * j->nw : c->size;
    size_t per_array =
        (size_t)(total / j->nw / (uint64_t)cxs_stream_narrays(j->kind)) / 4096 * 4096;
    if (per_array < 4096)
        cxs_run_fail(CXS_EXIT_USAGE,
                     "--size %" PRIu64 " B is too small for %zu threads x %d arrays (4 KiB each "
                     "at least)",
                     total, j->nw, cxs_stream_narrays(j->kind));
    j->doubles = per_array / 8;
    j->w = calloc(j->nw, sizeof *j->w);
    j->cpus = calloc(j->nw, sizeof *j->cpus);
    j->thread_gbps = calloc(j->nw * j->max, sizeof *j->thread_gbps);
    for (int g = 0; g < groups->n; g++)
        j->node_gbps[g] = calloc(j->max, sizeof(double));
    if (!j->w || !j->cpus || !j->thread_gbps)
        cxs_run_fail(CXS_EXIT_FAIL, "out of memory");
    for (int g = 0, i = 0; g < groups->n; g++) {
        if (!j->node_gbps[g])
            cxs_run_fail(CXS_EXIT_FAIL, "out of memory");
        for (int t = 0; t < groups->threads[g]; t++, i++) {
            j->cpus[i] = pool[(size_t)i % npool];
            j->w[i] = (struct worker){.cpu = j->cpus[i], .node = groups->node[g], .group = g};
        }
    }

    if (cxs_team_run(j->nw, j->cpus, setup_worker, j)) {
        for (size_t i = 0; i < j->nw; i++)
            if (j->w[i].msg[0]) {
                char msg[600];
                snprintf(msg, sizeof msg, "%s", j->w[i].msg);
                free_job(j);
                cxs_run_fail(CXS_EXIT_FAIL, "thread on CPU %d: %s", j->cpus[i], msg);
            }
        free_job(j);
        cxs_run_fail(CXS_EXIT_FAIL, "could not start %zu threads", j->nw);
    }
}

/* The samples (until --repeat, the budget or a tight CI), then each
 * kernel's effect checked: a removed or wrong kernel fails the run. */
static void sample_job(struct job *j, struct result *r)
{
    const struct config *c = j->c;
    /* Passes per sample: about SAMPLE_S of work, so that the start of the
     * threads and a moment's interference weigh little (likwid-bench runs
     * each measurement for a second). */
    double warm = 0;
    for (size_t i = 0; i < j->nw; i++)
        warm = j->w[i].t_warm > warm ? j->w[i].t_warm : warm;
    j->passes = warm > 0 && warm < SAMPLE_S ? (unsigned)(SAMPLE_S / warm) + 1 : 1;
    if (j->passes > 10000)
        j->passes = 10000;
    r->passes = j->passes;
    double *samples = calloc(j->max, sizeof *samples);
    size_t taken = 0;
    struct cxs_adaptive a = {c->std.min_samples, c->std.repeat, c->std.budget_s, 0.01};
    int rc = samples ? cxs_sample_adaptive(&a, take_sample, j, samples, &taken, &r->total) : -1;
    free(samples);
    r->complete = !(cxs_stop_requested() && taken < c->std.min_samples);
    if (rc) {
        free_job(j);
        cxs_run_fail(CXS_EXIT_FAIL, "sampling failed");
    }
    for (size_t i = 0; i < j->nw; i++) {
        char err[300];
        if (cxs_stream_check(j->kind, &j->w[i].x, j->w[i].calls, j->w[i].last_sum, err,
                             sizeof err)) {
            int cpu = j->cpus[i], node = j->w[i].node;
            free_job(j);
            cxs_run_fail(CXS_EXIT_FAIL, "validation failed (thread on CPU %d, memory node %d): %s",
                         cpu, node, err);
        }
    }
}

/* Per group: its summary, its threads' medians and CPUs, the share of its
 * pages on its node; the memory and traffic of all. */
static void collect(const struct job *j, struct result *r)
{
    const struct cxs_assign *groups = &j->groups;
    r->allocated = 0;
    r->pass_total = 0;
    snprintf(r->page_used, sizeof r->page_used, "%s", j->w[0].buf.page_used);
    for (int g = 0, i = 0; g < groups->n; g++) {
        cxs_summarize(j->node_gbps[g], j->ns, 0, &r->node[g]);
        double med[MAX_THREADS];
        uint64_t on = 0, all = 0;
        size_t o = 0;
        r->cpus[g][0] = '\0';
        for (int t = 0; t < groups->threads[g]; t++, i++) {
            med[t] = median_of(&j->thread_gbps[(size_t)i * j->max], j->ns);
            on += cxs_buf_pages_on(&j->w[i].buf, &cxs_run.topo, j->w[i].node);
            all += cxs_buf_pages(&j->w[i].buf);
            r->allocated += (uint64_t)cxs_stream_narrays(j->kind) * j->doubles * 8;
            if (o < sizeof r->cpus[g])
                o += (size_t)snprintf(r->cpus[g] + o, sizeof r->cpus[g] - o, "%s%d", t ? "+" : "",
                                      j->cpus[i]);
            if (strcmp(j->w[i].buf.page_used, r->page_used))
                snprintf(r->page_used, sizeof r->page_used, "mixed");
        }
        join_double(r->thread_gbps[g], sizeof r->thread_gbps[g], med, (size_t)groups->threads[g]);
        r->pass_bytes[g] = pass_bytes(j) * (uint64_t)groups->threads[g];
        r->pass_total += r->pass_bytes[g];
        r->on_node_pct[g] = cxs_pages_pct(on, all);
    }
}

void bw_measure(const struct config *c, enum cxs_kind kind, enum access acc, enum cxs_isa isa,
                const struct cxs_assign *groups, const int *pool, size_t npool, struct result *r)
{
    struct job j = {.c = c, .kind = kind, .access = acc, .isa = isa, .groups = *groups};
    start_job(&j, pool, npool);
    sample_job(&j, r);
    collect(&j, r);
    free_job(&j);
}
