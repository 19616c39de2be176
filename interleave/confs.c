/* confs.c — cxlscope-interleave's nodes and placements (il.h): the CPU
 * node, LDRAM, the far node (CXL, or the documented stand-in, targets.h)
 * with its tag in the placement names, the --policy nodes, and the list of
 * placements to measure. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "il.h"
#include "targets.h"

/* The CPU node: the one we start on, or --cpu-node's (one). */
void select_cpu_node(struct ilctx *x)
{
    x->cpu_node = cxs_run_cpu_node(x->c.std.cpu_spec);
}

/* LDRAM, the far node (targets.h: CXL, or the documented stand-in) and
 * where LDRAM spills. */
void pick_nodes(const struct cxs_topo *t, int cpu_node, struct nodes *nd)
{
    memset(nd, 0, sizeof *nd);
    nd->cpu_node = cpu_node;
    nd->ldram = -1;
    for (int i = 0; i < t->nnodes; i++) {
        const struct cxs_node *n = &t->nodes[i];
        if (!cxs_node_has_memory(n))
            continue;
        nd->all[nd->nall++] = n->id;
        if (n->id == cpu_node)
            nd->ldram = n->id;
    }
    if (nd->ldram < 0)
        nd->ldram = nd->all[0];
    nd->far = cxs_tgt_far_node(t, cpu_node);
    if (nd->far < 0 || nd->far == nd->ldram)
        nd->far = nd->ldram;
    nd->spill = cxs_tgt_nearest_node(t, nd->ldram);
    nd->one = nd->nall == 1;
    if (nd->one || cxs_topo_classify(t, nd->far, cpu_node) == CXS_CXL)
        snprintf(nd->far_tag, sizeof nd->far_tag, "cxl");
    else
        snprintf(nd->far_tag, sizeof nd->far_tag, "far%d", nd->far);
}

/* The --policy placements' nodes: --mem-node's in the order given, or LDRAM then far. */
void select_mem_nodes(struct ilctx *x)
{
    char err[2048];
    if (x->c.std.mem_spec) {
        size_t n;
        int r = cxs_tgt_mem_ordered(x->t, x->c.std.mem_spec, x->cpu_node, x->mem, CXS_MAX_NODES, &n,
                                    err, sizeof err);
        if (r == CXS_EXIT_SKIP)
            cxs_skip("%s", err);
        if (r)
            cxs_usage_die("%s", err);
        x->nmem = (int)n;
    } else {
        x->mem[x->nmem++] = x->nd.ldram;
        if (x->nd.far != x->nd.ldram)
            x->mem[x->nmem++] = x->nd.far;
    }
}

/* --mem-node and --weights against the experiment set. */
void check_node_options(const struct ilctx *x)
{
    const struct config *c = &x->c;
    int one = x->nd.one;
    if (c->std.mem_spec && !c->npolicies)
        cxs_usage_die("--mem-node goes with --policy (the experiment set picks its own nodes)");
    if (c->nweights && !c->npolicies && c->nweights != 2 - one)
        cxs_usage_die("--weights: the experiment set's weighted placement has %d node%s (LDRAM, "
                      "CXL): give %d weight%s",
                      2 - one, one ? "" : "s", 2 - one, one ? "" : "s");
}

/* A placement over nodes (duplicates dropped, weights kept with their node). */
void set_place(struct cxs_place *pl, enum cxs_policy pol, const int *nodes, int n,
               const unsigned *w)
{
    memset(pl, 0, sizeof *pl);
    pl->policy = pol;
    for (int i = 0; i < n; i++) {
        int dup = 0;
        for (int k = 0; k < pl->nnodes; k++)
            dup |= pl->nodes[k] == nodes[i];
        if (dup)
            continue;
        pl->weights[pl->nnodes] = w ? w[i] : 1;
        pl->nodes[pl->nnodes++] = nodes[i];
    }
    if (pol == CXS_POL_PREFERRED)
        pl->nnodes = 1;
}

int build_confs(const struct config *c, const struct nodes *nd, const int *mem, int nmem,
                struct conf *cf)
{
    int n = 0;
    unsigned w[CXS_MAX_NODES];
    for (int i = 0; i < CXS_MAX_NODES; i++)
        w[i] = i < c->nweights ? c->weights[i] : (i == 0 ? 3 : 1);
    /* the baseline first: everything preferred on LDRAM */
    snprintf(cf[n].name, sizeof cf[n].name, "ldram-preferred");
    cf[n].kind = C_POLICY;
    set_place(&cf[n++].place, CXS_POL_PREFERRED, &nd->ldram, 1, NULL);
    if (!c->npolicies && !c->plan_file) {
        int lc[2] = {nd->ldram, nd->far};
        /* name: pre, the far tag ("cxl", or "farN" for the node standing in
         * for it) when far is set, post */
        static const struct {
            const char *pre, *post;
            int far, kind;
            enum cxs_policy pol;
            int all;
        } set[] = {
            {"", "-preferred", 1, C_POLICY, CXS_POL_PREFERRED, 0},
            {"interleave-all", "", 0, C_POLICY, CXS_POL_INTERLEAVE, 1},
            {"interleave-ldram-", "", 1, C_POLICY, CXS_POL_INTERLEAVE, 0},
            {"weighted-ldram-", "", 1, C_POLICY, CXS_POL_WEIGHTED, 0},
            {"oli", "", 0, C_OLI, CXS_POL_INTERLEAVE, 0},
        };
        for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
            snprintf(cf[n].name, sizeof cf[n].name, "%s%s%s", set[i].pre,
                     set[i].far ? nd->far_tag : "", set[i].post);
            cf[n].kind = set[i].kind;
            if (set[i].all)
                set_place(&cf[n].place, set[i].pol, nd->all, nd->nall, NULL);
            else if (set[i].pol == CXS_POL_PREFERRED)
                set_place(&cf[n].place, set[i].pol, &nd->far, 1, NULL);
            else
                set_place(&cf[n].place, set[i].pol, lc, 2, w);
            n++;
        }
    } else if (c->npolicies) {
        if (c->nweights && c->nweights != nmem)
            cxs_usage_die("--weights has %d weight%s but --mem-node names %d node%s", c->nweights,
                          c->nweights == 1 ? "" : "s", nmem, nmem == 1 ? "" : "s");
        for (int i = 0; i < c->npolicies; i++) {
            int oli = !strcmp(c->policies[i], "oli");
            snprintf(cf[n].name, sizeof cf[n].name, "%s", c->policies[i]);
            cf[n].kind = oli ? C_OLI : C_POLICY;
            enum cxs_policy pol =
                oli ? CXS_POL_INTERLEAVE : (enum cxs_policy)cxs_policy_parse(c->policies[i]);
            set_place(&cf[n++].place, pol, mem, nmem, w);
        }
    }
    if (c->plan_file) {
        snprintf(cf[n].name, sizeof cf[n].name, "plan");
        cf[n++].kind = C_PLAN;
    }
    return n;
}
