/* oli_run.c — cxlscope-interleave's OLI (il.h): the profiling run that
 * counts every object's accesses (and gives the reference result), and the
 * plan made from the counts by oli.h's rules. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "il.h"

/* The baseline's extra run: the reference result, and the access profile OLI plans from. */
void profile_reference(struct ilctx *x, struct wlstate *ws)
{
    struct wlrun *r = &x->r;
    r->reference = ws->w->reference(&r->ctx);
    static uint64_t counts[CXS_WL_MAXTHREADS * CXS_WL_MAXOBJ];
    memset(counts, 0, sizeof counts);
    r->ctx.acc = counts;
    uint64_t sum = run_once(r);
    r->ctx.acc = NULL;
    for (int th = 0; th < x->nthreads; th++)
        for (size_t i = 0; i < r->ctx.nobj; i++)
            ws->acc[i] += counts[th * CXS_WL_MAXOBJ + i];
    if (sum != r->reference) {
        free_objects(r);
        cxs_run_fail(CXS_EXIT_FAIL, "%s: checksum %" PRIu64 " differs from the reference %" PRIu64,
                     ws->w->name, sum, r->reference);
    }
}

/* OLI: decide per object from the profile, print and write the plan; per[] gets the result. */
void oli_plan(const struct ilctx *x, const struct wlstate *ws, const struct conf *f,
              struct cxs_place *per)
{
    const struct wlrun *r = &x->r;
    const struct cxs_workload *w = ws->w;
    char err[512];
    struct cxs_oli_obj oo[CXS_WL_MAXOBJ];
    int il[CXS_WL_MAXOBJ];
    static char why[CXS_WL_MAXOBJ][128];
    for (size_t i = 0; i < r->ctx.nobj; i++)
        oo[i] = (struct cxs_oli_obj){r->ctx.obj[i].name, r->ctx.obj[i].bytes, ws->acc[i]};
    if (cxs_oli_decide(oo, r->ctx.nobj, &x->c.oli, il, why, err, sizeof err) < 0)
        cxs_run_fail(CXS_EXIT_USAGE, "OLI: %s", err);
    struct cxs_plan p = {.nobj = (int)r->ctx.nobj};
    snprintf(p.workload, sizeof p.workload, "%s", w->name);
    uint64_t hottest = 0;
    for (size_t i = 0; i < r->ctx.nobj; i++)
        hottest = ws->acc[i] > hottest ? ws->acc[i] : hottest;
    for (size_t i = 0; i < r->ctx.nobj; i++) {
        if (!il[i])
            set_place(&per[i], CXS_POL_PREFERRED, f->place.nodes, 1, NULL);
        snprintf(p.obj[i].name, sizeof p.obj[i].name, "%s", r->ctx.obj[i].name);
        p.obj[i].place = per[i];
        snprintf(p.obj[i].why, sizeof p.obj[i].why, "%s", why[i]);
        emit_plan_row(ws, &r->ctx.obj[i], ws->acc[i], hottest, il[i], why[i]);
        fprintf(stderr, "cxlscope-interleave: OLI plan for %s: %-8s %s\n", w->name,
                r->ctx.obj[i].name, why[i]);
    }
    if (x->c.std.outdir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/oli-plan-%s.json", x->c.std.outdir, w->name);
        if (cxs_plan_save(&p, path, err, sizeof err))
            cxs_run_fail(CXS_EXIT_FAIL, "%s", err);
    }
}
