/* setup.c — what a cxlscope-bandwidth run measures (bw.h): the ISA, the CPU
 * nodes and their CPUs, the targets (CPU node x memory node, through the
 * planner, common/targets.h), the size, and the capacity precheck. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bw.h"
#include "caches.h"
#include "cli.h"
#include "memory.h"
#include "threads.h"

size_t bw_node_cpus(const struct cxs_node *n, int *out, size_t max)
{
    size_t k = 0;
    for (int i = 0; i < n->ncpus && k < max; i++)
        if (cxs_cpu_allowed(n->cpus[i]))
            out[k++] = n->cpus[i];
    return k;
}

/* An --assign node: one that exists and has memory. */
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
        size_t k = bw_node_cpus(n, cpus, MAX_THREADS);
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

void bw_setup(struct run_ctx *x)
{
    struct plan *p = x->p;
    x->isa = pick_isa(&p->c);
    select_cpu_nodes(p);
    build_pool(p);
    check_pool_counts(p);
    select_mem_nodes(x);
    check_size(p);
    default_size(&p->c);
    precheck_capacity(x);
}
