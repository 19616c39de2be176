/* modes.c — what cxlscope-bandwidth measures for each kind x access (bw.h):
 * single (each target's thread series, with its saturation point),
 * --assign (several memory nodes at once: a row per node and the total)
 * and --optimize (each node's scaling, then a search over splits of the
 * pool, common/assign.h). Classes come from the CPUs the threads run on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bw.h"
#include "cli.h"
#include "interrupt.h"

static void class_of(int mem, int cpu_node, char *buf, size_t len)
{
    snprintf(buf, len, "%s", cxs_class_name(cxs_topo_classify(&cxs_run.topo, mem, cpu_node)));
}

/* A series' peak and saturation point (the smallest count within 5 % of
 * the peak) over its done points: saturation.csv's row and a note when
 * there are two points or more. Returns the saturation count (1 without
 * points). */
static int saturation(const struct satinfo *where, const int *counts, const double *med, int done)
{
    int best = 0;
    for (int i = 1; i < done; i++)
        if (med[i] > med[best])
            best = i;
    int sat = best;
    for (int i = 0; i < done; i++)
        if (med[i] >= 0.95 * med[best] && counts[i] < counts[sat])
            sat = i;
    if (done >= 2) {
        struct satinfo si = *where;
        si.peak_threads = counts[best];
        si.peak_gbps = med[best];
        si.saturation_threads = counts[sat];
        si.saturation_gbps = med[sat];
        bw_row_saturation(&si);
        cxs_note("CPU node %d -> memory node %d %s %s: peak %.2f GB/s at %d threads, saturated "
                 "(within 5 %%) at %d threads",
                 si.cpu_node, si.mem, cxs_stream_kinds[si.kind].name, bw_access_names[si.access],
                 med[best], counts[best], counts[sat]);
    }
    return done ? counts[sat] : 1;
}

/* Thread scaling (or one count) of one memory node from one CPU node; its
 * saturation point in *sat_out when not NULL. */
static void single_series(const struct plan *p, int cpu_node, int mem, enum cxs_kind kind,
                          enum access acc, enum cxs_isa isa, int *sat_out)
{
    const struct config *c = &p->c;
    int cpus[MAX_THREADS];
    size_t ncpus = bw_node_cpus(cxs_topo_node(&cxs_run.topo, cpu_node), cpus, MAX_THREADS);
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
        bw_measure(c, kind, acc, isa, &g, cpus, ncpus, &r);
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
        bw_row_bandwidth(c, &ri);
        med[i] = r.total.median;
        done++;
    }
    struct satinfo where = {
        .cpu_node = cpu_node, .mem = mem, .mem_class = cl, .kind = kind, .access = acc};
    int sat = saturation(&where, counts, med, done);
    if (sat_out)
        *sat_out = sat;
}

/* The class of group g's memory node seen from the CPUs its threads run on
 * (bw_measure() gives the pool's CPUs to the groups in order). */
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
    const struct plan *p;
    enum cxs_kind kind;
    enum access acc;
    enum cxs_isa isa;
    const char *mode;
};

/* Run one assignment at once; rows per node and the total. */
static int run_assignment(const struct cxs_assign *a, double *gbps, void *arg)
{
    struct assign_ctx *x = arg;
    const struct plan *p = x->p;
    const struct config *c = &p->c;
    if (cxs_stop_requested())
        return CXS_EXIT_INTERRUPTED;
    struct result r;
    bw_measure(c, x->kind, x->acc, x->isa, a, p->pool, p->npool, &r);
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
        bw_row_bandwidth(c, &ri);
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
    bw_row_bandwidth(c, &ri);
    *gbps = r.total.median;
    return 0;
}

/* Each node's thread scaling from the first CPU node; returns n, the
 * saturation points in sat (--threads, default 1..the first node's CPUs). */
static int optimize_scaling(struct run_ctx *x, enum cxs_kind kind, enum access acc, int *sat)
{
    const struct plan *p = x->p;
    int n = 0;
    struct plan *q = malloc(sizeof *q);
    if (!q)
        cxs_run_fail(CXS_EXIT_FAIL, "out of memory");
    *q = *p;
    int first[MAX_THREADS];
    size_t nfirst = bw_node_cpus(cxs_topo_node(&cxs_run.topo, p->cpu_nodes[0]), first, MAX_THREADS);
    if (!q->c.ncounts) /* 1 .. the first CPU node's CPUs */
        for (size_t t = 1; t <= nfirst && t <= MAX_COUNTS; t++)
            q->c.counts[q->c.ncounts++] = (int)t;
    for (size_t m = 0; m < x->nmem && n < CXS_ASSIGN_MAX && !cxs_stop_requested(); m++)
        single_series(q, p->cpu_nodes[0], x->mem[m], kind, acc, x->isa, &sat[n++]);
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
    bw_rows_optimize(ax->kind, ax->acc, best, nfound, evals);
    return 0;
}

/* Plain runs: every CPU node x its memory nodes, each a thread series. */
static void run_singles(struct run_ctx *x, enum cxs_kind kind, enum access acc)
{
    for (size_t i = 0; i < x->ts.n && !cxs_stop_requested(); i++)
        if (!x->ts.v[i].skip)
            single_series(x->p, x->ts.v[i].cpu_node, x->ts.v[i].mem[0], kind, acc, x->isa, NULL);
}

/* One kind/access in the mode asked for; 1 = stop the access loop. */
static int run_point(struct run_ctx *x, enum cxs_kind kind, enum access acc)
{
    const struct plan *p = x->p;
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
void bw_run_all(struct run_ctx *x)
{
    const struct config *c = &x->p->c;
    for (size_t ki = 0; ki < c->nkinds && !cxs_stop_requested(); ki++)
        for (size_t ai = 0; ai < c->naccesses && !cxs_stop_requested(); ai++)
            if (run_point(x, (enum cxs_kind)c->kinds[ki], (enum access)c->accesses[ai]))
                break;
}
