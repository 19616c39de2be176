/* prepare.c — what cxlscope-interleave checks and sets before its first
 * run (il.h): the --plan file, the threads, every workload's layout, plan
 * and capacity, the kernel's weights, and meta.json's notes. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "caches.h"
#include "cli.h"
#include "il.h"
#include "targets.h"
#include "threads.h"
#include "weights.h"

/* The --plan file, when given. */
void load_plan(struct ilctx *x)
{
    char err[512];
    if (x->c.plan_file) {
        int rc = cxs_plan_load(x->c.plan_file, &x->plan, err, sizeof err);
        if (rc == CXS_EXIT_USAGE)
            cxs_usage_die("--plan %s", err);
        if (rc)
            cxs_die("--plan %s", err);
    }
}

/* The threads: the CPU node's CPUs this process may use, and how many to run. */
void pick_threads(struct ilctx *x)
{
    const struct cxs_node *cn = cxs_topo_node(x->t, x->cpu_node);
    int ncpus = 0;
    for (int i = 0; i < cn->ncpus; i++)
        if (cxs_cpu_allowed(cn->cpus[i]))
            x->r.cpus[ncpus++] = cn->cpus[i];
    if (ncpus == 0)
        cxs_skip("CPU node %d has no CPU this process may use", x->cpu_node);
    x->nthreads = x->c.threads ? x->c.threads : ncpus;
    if (x->nthreads > ncpus)
        cxs_usage_die("--threads %d: CPU node %d has %d usable CPUs", x->nthreads, x->cpu_node,
                      ncpus);
}

/* The plan against one workload: its workload name and its objects. */
static void check_plan_for(struct ilctx *x, const struct cxs_workload *w)
{
    char err[512];
    struct cxs_wl_obj o[CXS_WL_MAXOBJ];
    const char *names[CXS_WL_MAXOBJ];
    size_t n = w->layout(x->c.size, o, err, sizeof err);
    for (size_t k = 0; k < n; k++)
        names[k] = o[k].name;
    if (x->plan.workload[0] && strcmp(x->plan.workload, w->name))
        cxs_usage_die("--plan %s: the plan is for workload '%s', not '%s'", x->c.plan_file,
                      x->plan.workload, w->name);
    snprintf(x->plan.workload, sizeof x->plan.workload, "%s", w->name);
    if (cxs_plan_check(&x->plan, names, n, err, sizeof err))
        cxs_usage_die("--plan %s: %s", x->c.plan_file, err);
}

/* Each object's placement under f (OLI excluded: its plan comes from the profile). */
void conf_places(const struct ilctx *x, const struct conf *f, size_t nobj,
                 const struct cxs_wl_obj *o, struct cxs_place *per)
{
    for (size_t i = 0; i < nobj; i++)
        per[i] = f->kind == C_PLAN ? cxs_plan_find(&x->plan, o[i].name)->place : f->place;
}

int precheck_places(const struct ilctx *x, size_t nobj, const struct cxs_wl_obj *o,
                    const struct cxs_place *per, char *err, size_t errlen)
{
    static struct cxs_seg segs[1024];
    uint64_t need[CXS_MAX_NODES] = {0};
    struct cxs_limit lim = {.node = x->c.ldram_limit ? x->nd.ldram : -1,
                            .left = x->c.ldram_limit,
                            .spill = x->nd.spill};
    for (size_t i = 0; i < nobj; i++) {
        int n, rc = cxs_place_segments(&per[i], o[i].bytes, cxs_page_bytes(x->c.std.page), 1, 1024,
                                       &lim, segs, &n, err, errlen);
        if (!rc)
            rc = cxs_segs_need(x->t, segs, n, x->c.std.page, need, err, errlen);
        if (rc == CXS_EXIT_USAGE)
            cxs_usage_die("object %s (%s): %s", o[i].name, cxs_policy_name(per[i].policy), err);
        if (rc) {
            char e[512];
            snprintf(e, sizeof e, "object %s (%s): %s", o[i].name, cxs_policy_name(per[i].policy),
                     err);
            snprintf(err, errlen, "%s", e);
            return rc;
        }
    }
    return cxs_needs_precheck(x->t, need, x->c.std.page, x->c.std.reserve_hugepages, err, errlen);
}

/* Every placement but OLI of workload wi, all objects held at once: one
 * that cannot be placed now is marked skipped (named, with the reason); so
 * is OLI when no placement before it is left to take its profile. */
static void precheck_workload(struct ilctx *x, int wi, struct cxs_skipped *sk, size_t *nsk)
{
    static char what[8 * (MAXCONF + 2)][64], why[8 * (MAXCONF + 2)][512];
    const struct cxs_workload *w = x->c.wl[wi];
    struct cxs_wl_obj o[CXS_WL_MAXOBJ];
    struct cxs_place per[CXS_WL_MAXOBJ];
    char err[512];
    size_t nobj = w->layout(x->c.size, o, err, sizeof err);
    int before = 0; /* placements before k that will be measured */
    for (int k = 0; k < x->ncf; k++) {
        size_t i = *nsk;
        if (x->cf[k].kind == C_OLI) {
            if (before)
                continue;
            snprintf(why[i], sizeof why[i],
                     "OLI plans from a profile taken under an earlier placement, and none of "
                     "them can be placed");
        } else {
            conf_places(x, &x->cf[k], nobj, o, per);
            if (!precheck_places(x, nobj, o, per, why[i], sizeof why[i])) {
                before++;
                continue;
            }
        }
        snprintf(what[i], sizeof what[i], "%s under %s", w->name, x->cf[k].name);
        sk[(*nsk)++] = (struct cxs_skipped){what[i], why[i]};
        x->skip[wi][k] = 1;
    }
}

/* The size (default 4x LLC), then every workload's layout, plan and capacity before any run. */
void check_workloads(struct ilctx *x)
{
    char err[512];
    x->llc4 = 4 * cxs_llc_total_bytes();
    if (!x->c.size)
        x->c.size = x->llc4 > (UINT64_C(256) << 20) ? x->llc4 : UINT64_C(256) << 20;
    if (x->c.ldram_limit && x->nd.spill < 0 && x->c.size > x->c.ldram_limit)
        cxs_die("--ldram-limit: no other node to spill to past the limit on node %d (one "
                "memory node)",
                x->nd.ldram);
    /* every workload's layout first: a bad size fails before anything runs */
    for (int i = 0; i < x->c.nwl; i++) {
        struct cxs_wl_obj o[CXS_WL_MAXOBJ];
        if (!x->c.wl[i]->layout(x->c.size, o, err, sizeof err))
            cxs_usage_die("--size: %s", err);
        if (x->c.plan_file)
            check_plan_for(x, x->c.wl[i]);
    }
    /* then every placement's capacity, the short ones named all at once */
    static struct cxs_skipped sk[8 * (MAXCONF + 2)];
    size_t nsk = 0;
    for (int i = 0; i < x->c.nwl; i++)
        precheck_workload(x, i, sk, &nsk);
    cxs_skips_report(sk, nsk, (size_t)(x->c.nwl * x->ncf) - nsk);
}

/* --set-weights: the first weighted placement's weights into the kernel. */
void apply_kernel_weights(const struct ilctx *x)
{
    char err[512];
    if (!x->c.set_weights)
        return;
    for (int k = 0; k < x->ncf; k++) {
        const struct conf *f = &x->cf[k];
        if (f->place.policy != CXS_POL_WEIGHTED || f->kind != C_POLICY)
            continue;
        int rc = cxs_wi_set(f->place.nodes, f->place.weights, f->place.nnodes, err, sizeof err);
        if (rc == CXS_EXIT_SKIP)
            cxs_skip("--set-weights: %s", err);
        if (rc)
            cxs_die("--set-weights: %s", err);
        break; /* one set of weights per run: the kernel has one */
    }
}

/* The run notes for meta.json: one memory node or no CXL, a small size, the OLI thresholds. */
void add_notes(const struct ilctx *x)
{
    const struct config *c = &x->c;
    const struct nodes *nd = &x->nd;
    static char notes[4][256];
    int nn = 0;
    if (nd->one) {
        snprintf(notes[nn], sizeof notes[nn],
                 "one memory node (node %d): every placement degrades to node %d", nd->ldram,
                 nd->ldram);
        cxs_run_note(notes[nn++]);
    } else if (!c->npolicies && cxs_topo_classify(x->t, nd->far, x->cpu_node) != CXS_CXL) {
        snprintf(notes[nn], sizeof notes[nn],
                 "no CXL node: node %d (%s, the farthest) stands in for CXL; its placements "
                 "are named %s-preferred, interleave-ldram-%s, weighted-ldram-%s",
                 nd->far, cxs_class_name(cxs_topo_classify(x->t, nd->far, x->cpu_node)),
                 nd->far_tag, nd->far_tag, nd->far_tag);
        cxs_note("%s", notes[nn]);
        cxs_run_note(notes[nn++]);
    }
    if (c->size < x->llc4) {
        snprintf(notes[nn], sizeof notes[nn],
                 "--size %" PRIu64 " B is less than 4x the last-level cache (%" PRIu64
                 " B in all): caches may hide the placement",
                 c->size, x->llc4 / 4);
        cxs_run_note(notes[nn++]);
    }
    snprintf(notes[nn], sizeof notes[nn],
             "OLI: footprint >= %.2f %%, accesses >= %.2f %% of the hottest such object; "
             "access counts are the workloads' own loads and stores in a profiling run",
             c->oli.min_footprint_pct, c->oli.hot_pct);
    cxs_run_note(notes[nn++]);
}
