/* prepare.c — what cxlscope-interleave checks and sets before its first
 * run (il.h): the --plan file, the threads, every workload's layout, plan
 * and capacity, the kernel's weights, and meta.json's notes. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "caches.h"
#include "cli.h"
#include "il.h"
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

/* Whether the simple placements' nodes have room for one workload. */
static void precheck_capacity(const struct ilctx *x, const struct cxs_workload *w)
{
    char err[512];
    for (int k = 0; k < x->ncf; k++) {
        const struct conf *f = &x->cf[k];
        struct cxs_alloc_req q = {.size = x->c.size,
                                  .page = x->c.std.page,
                                  .policy = f->place.policy,
                                  .nnodes = f->place.nnodes,
                                  .reserve_hugepages = x->c.std.reserve_hugepages};
        if (f->kind != C_POLICY || x->c.ldram_limit || q.policy == CXS_POL_WEIGHTED)
            continue;
        memcpy(q.nodes, f->place.nodes, sizeof q.nodes);
        int rc = cxs_buf_precheck(x->t, &q, err, sizeof err);
        if (rc)
            cxs_die("%s under %s: %s", w->name, f->name, err);
    }
}

/* The size (default 4x LLC), then every workload's layout, plan and capacity before any run. */
void check_workloads(struct ilctx *x)
{
    char err[512];
    x->llc4 = 4 * cxs_llc_total_bytes();
    if (!x->c.size)
        x->c.size = x->llc4 > (UINT64_C(256) << 20) ? x->llc4 : UINT64_C(256) << 20;
    /* every workload's layout first: a bad size fails before anything runs */
    for (int i = 0; i < x->c.nwl; i++) {
        struct cxs_wl_obj o[CXS_WL_MAXOBJ];
        if (!x->c.wl[i]->layout(x->c.size, o, err, sizeof err))
            cxs_usage_die("--size: %s", err);
        if (x->c.plan_file)
            check_plan_for(x, x->c.wl[i]);
        precheck_capacity(x, x->c.wl[i]); /* capacity of the simple placements */
    }
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
