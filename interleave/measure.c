/* measure.c — one workload under each of cxlscope-interleave's placements
 * (il.h): its objects placed, the threads run, timed and checked against
 * the reference, the rows written, the objects freed. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "il.h"
#include "interrupt.h"
#include "targets.h"
#include "threads.h"
#include "timer.h"

static int thread_fn(int tid, void *arg)
{
    struct wlrun *r = arg;
    r->w->run_thread(&r->ctx, tid);
    return 0;
}

uint64_t run_once(struct wlrun *r)
{
    if (cxs_team_run((size_t)r->ctx.nthreads, r->cpus, thread_fn, r) != 0)
        cxs_run_fail(CXS_EXIT_FAIL, "cannot start the workload threads");
    uint64_t sum = 0;
    for (int i = 0; i < r->ctx.nthreads; i++)
        sum += r->ctx.part[i];
    return sum;
}

static int sample_fn(void *arg, double *value)
{
    struct wlrun *r = arg;
    double t0 = cxs_now_s();
    uint64_t sum = run_once(r);
    *value = cxs_now_s() - t0;
    r->last_checksum = sum;
    if (sum != r->reference)
        r->bad_checksum = 1;
    return 0;
}

void free_objects(struct wlrun *r)
{
    for (size_t i = 0; i < r->ctx.nobj; i++)
        cxs_buf_free(&r->buf[i]);
}

/* Place every object as the placement for it says; dies on failure. */
static void place_objects(const struct config *c, const struct nodes *nd, struct wlrun *r,
                          const struct cxs_place *per_obj, int emulate)
{
    static struct cxs_seg segs[1024];
    char err[512];
    struct cxs_limit lim = {
        .node = c->ldram_limit ? nd->ldram : -1, .left = c->ldram_limit, .spill = nd->spill};
    for (size_t i = 0; i < r->ctx.nobj; i++) {
        int n;
        int rc = cxs_place_segments(&per_obj[i], r->ctx.obj[i].bytes, cxs_page_bytes(c->std.page),
                                    emulate, 1024, &lim, segs, &n, err, sizeof err);
        if (!rc)
            rc = cxs_buf_alloc_segs(&cxs_run.topo, segs, n, c->std.page, c->std.allow_fallback,
                                    c->std.reserve_hugepages, &r->buf[i], err, sizeof err);
        if (rc) {
            free_objects(r);
            cxs_run_fail(rc, "%s: object %s (%s): %s", r->w->name, r->ctx.obj[i].name,
                         cxs_policy_name(per_obj[i].policy), err);
        }
        r->ctx.ptr[i] = r->buf[i].p;
        r->nseg[i] = n;
        cxs_place_str(&per_obj[i], r->placed[i], sizeof r->placed[i]);
    }
}

/* The warm-up and the timed runs under one placement; 1 when interrupted (objects freed). */
static int measure(struct ilctx *x, const struct wlstate *ws, const struct conf *f,
                   struct cxs_summary *s)
{
    struct wlrun *r = &x->r;
    r->bad_checksum = 0;
    run_once(r); /* warm-up */
    struct cxs_adaptive a = {x->c.std.min_samples, x->c.std.repeat, x->c.std.budget_s, 0.01};
    size_t taken;
    if (cxs_sample_adaptive(&a, sample_fn, r, x->samples, &taken, s) != 0) {
        free_objects(r);
        if (cxs_stop_requested())
            return 1;
        cxs_run_fail(CXS_EXIT_FAIL, "%s under %s: no samples", ws->w->name, f->name);
    }
    if (r->bad_checksum) {
        free_objects(r);
        cxs_run_fail(CXS_EXIT_FAIL,
                     "%s under %s: a run's checksum %" PRIu64 " differs from the reference %" PRIu64
                     ": wrong result",
                     ws->w->name, f->name, r->last_checksum, r->reference);
    }
    return 0;
}

/* OLI's plan, prechecked: 0 to measure it, 1 skipped (named). */
static int plan_oli(struct ilctx *x, const struct wlstate *ws, const struct conf *f,
                    struct cxs_place *per)
{
    char err[512], what[96];
    oli_plan(x, ws, f, per);
    if (!precheck_places(x, x->r.ctx.nobj, x->r.ctx.obj, per, err, sizeof err))
        return 0;
    snprintf(what, sizeof what, "%s under %s", ws->w->name, f->name);
    struct cxs_skipped sk = {what, err};
    cxs_skips_report(&sk, 1, 1);
    return 1;
}

/* One workload under placement k: place, (profile), measure, emit; 1 when interrupted. */
static int run_placement(struct ilctx *x, struct wlstate *ws, int k)
{
    struct wlrun *r = &x->r;
    struct cxs_place per[CXS_WL_MAXOBJ];
    const struct conf *f = &x->cf[k];
    conf_places(x, f, r->ctx.nobj, r->ctx.obj, per);
    if (f->kind == C_OLI && plan_oli(x, ws, f, per))
        return 0;
    /* The kernel has one set of weights: the --set-weights ones,
     * for --policy/experiment placements; a plan's own weights and
     * any split past --ldram-limit are emulated. */
    place_objects(&x->c, &x->nd, r, per,
                  !x->c.set_weights || x->c.ldram_limit || f->kind == C_PLAN);
    ws->w->init(&r->ctx, x->c.std.seed);
    if (!ws->profiled) /* the reference result, and the profile OLI plans from */
        profile_reference(x, ws);
    ws->profiled = 1;
    struct cxs_summary s;
    if (measure(x, ws, f, &s))
        return 1;
    x->measured++;
    if (k == 0)
        ws->base_median = s.median;
    uint64_t on[CXS_MAX_NODES] = {0};
    int mixed = emit_object_rows(x, ws, f, on);
    emit_row(x, ws, f, &s, on, mixed);
    free_objects(r);
    return 0;
}

/* One workload: its layout, then every placement in order until done or interrupted. */
void run_workload(struct ilctx *x, int wi)
{
    const struct cxs_workload *w = x->c.wl[wi];
    struct wlrun *r = &x->r;
    struct wlstate ws = {.w = w};
    char err[512];
    memset(&r->ctx, 0, sizeof r->ctx);
    r->w = w;
    r->ctx.nobj = w->layout(x->c.size, r->ctx.obj, err, sizeof err);
    r->ctx.nthreads = x->nthreads;
    for (size_t i = 0; i < r->ctx.nobj; i++)
        ws.total += r->ctx.obj[i].bytes;
    for (int k = 0; k < x->ncf && !cxs_stop_requested(); k++)
        if (!x->skip[wi][k] && run_placement(x, &ws, k))
            break;
}
