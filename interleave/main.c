/* cxlscope-interleave — page-placement policies and object-level
 * interleaving (OLI), measured on workloads with named data objects. Each
 * workload runs under each placement; every object's pages are counted per
 * node with move_pages, every run's result is checked, and the run time is
 * compared with the LDRAM-preferred placement. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caches.h"
#include "cli.h"
#include "interrupt.h"
#include "memory.h"
#include "oli.h"
#include "opts.h"
#include "plan.h"
#include "row.h"
#include "run.h"
#include "stats.h"
#include "targets.h"
#include "threads.h"
#include "timer.h"
#include "topology.h"
#include "weights.h"
#include "workload.h"

static const char usage_head[] =
    "Usage: cxlscope-interleave [OPTIONS]\n"
    "\n"
    "Runs built-in workloads, each a few named data objects, under page-placement\n"
    "policies and object-level interleaving (OLI), and reports per workload and\n"
    "placement the run time (median, CI), the speedup over LDRAM-preferred, and\n"
    "where every object's pages are (move_pages, per node, in 4 KiB units, huge\n"
    "pages counted as the 4 KiB pages they hold). Every run's checksum is compared\n"
    "with an independent reference computation: a wrong answer fails the run.\n"
    "\n"
    "Placements (--policy, over the nodes of --mem-node; without --policy the\n"
    "experiment set below):\n"
    "  bind             every object bound to the nodes\n"
    "  preferred        every object preferred on the first node\n"
    "  preferred-many   preferred on any of the nodes (Linux >= 5.15)\n"
    "  interleave       pages spread evenly over the nodes\n"
    "  weighted         pages spread in the ratio of --weights: with --set-weights\n"
    "                   the kernel's MPOL_WEIGHTED_INTERLEAVE (Linux >= 6.9; the\n"
    "                   weights written to /sys/kernel/mm/mempolicy/weighted_\n"
    "                   interleave and the old values written back at exit and on\n"
    "                   Ctrl-C; root); without it emulated by binding consecutive\n"
    "                   ranges (weight x unit bytes) to each node in turn\n"
    "  oli              object-level interleaving: a profiling pass counts each\n"
    "                   object's loads and stores (the workload counts them as it\n"
    "                   runs; no PMU needed); objects with at least\n"
    "                   --oli-min-footprint of the footprint and at least --oli-hot\n"
    "                   of the hottest such object's count are interleaved over the\n"
    "                   nodes, the rest preferred on the first node. The plan is\n"
    "                   printed and written to DIR/oli-plan-WORKLOAD.json\n"
    "\n"
    "Experiment set (default), from the CPU node's view: ldram-preferred (the\n"
    "baseline), cxl-preferred, interleave-all (every memory node),\n"
    "interleave-ldram-cxl, weighted-ldram-cxl, oli (over LDRAM and CXL). Without a\n"
    "CXL node another memory node N stands in for it and the placements are named\n"
    "farN-preferred, interleave-ldram-farN, weighted-ldram-farN (said on stderr and\n"
    "in meta.json): the farthest by SLIT distance, a CPU-less node before another\n"
    "socket's on a tie, then the lower ID. With one memory node every placement\n"
    "degrades to that node, and meta.json says so.\n"
    "\n"
    "Options:\n";
static const char usage_tail[] =
    "\n"
    "Exit status: 0 done; 1 failed (placement wrong, checksum wrong, no memory);\n"
    "2 bad usage (unknown policy, weights not matching the nodes, a weight of 0 or\n"
    "> 255, a plan naming an object the workload lacks); 77 cannot run here (no\n"
    "CPU node, kernel without the policy asked for); 130 interrupted (rows kept).\n";

enum { MAXCONF = 16 };

/* One placement to measure: a name, and either one placement for every
 * object, OLI over the nodes, or a plan file. */
struct conf {
    char name[40];
    enum { C_POLICY, C_OLI, C_PLAN } kind;
    struct cxs_place place;
};

struct config {
    struct cxs_std_opts std;
    const struct cxs_workload *wl[8];
    int nwl;
    char policies[MAXCONF][20];
    int npolicies;
    unsigned weights[CXS_MAX_NODES];
    int nweights, set_weights;
    const char *plan_file;
    struct cxs_oli_opts oli;
    uint64_t size, ldram_limit;
    int threads;
};

static int add_workload(const char *s, void *ctx)
{
    struct config *c = ctx;
    const struct cxs_workload *w = cxs_workload_find(s);
    if (!w)
        cxs_usage_die("unknown workload '%s' (workloads: mg, cg, xs)", s);
    if (c->nwl == 8)
        cxs_usage_die("--workload: too many");
    c->wl[c->nwl++] = w;
    return 0;
}

static int add_policy(const char *s, void *ctx)
{
    struct config *c = ctx;
    if (cxs_policy_parse(s) < 0 && strcmp(s, "oli") != 0)
        cxs_usage_die("unknown policy '%s' (policies: bind, preferred, preferred-many, "
                      "interleave, weighted, oli)",
                      s);
    if (c->npolicies == MAXCONF)
        cxs_usage_die("--policy: too many");
    snprintf(c->policies[c->npolicies++], sizeof c->policies[0], "%s", s);
    return 0;
}

static int add_weight(const char *s, void *ctx)
{
    struct config *c = ctx;
    if (c->nweights == CXS_MAX_NODES)
        cxs_usage_die("--weights: too many");
    c->weights[c->nweights++] = (unsigned)cxs_u64_arg("--weights", s, 1, 255);
    return 0;
}

/* --workload and --policy: comma lists, added to what earlier ones gave. */
static void workloads_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    cxs_each_item(arg, opt, add_workload, o->dest);
}

static void policies_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    cxs_each_item(arg, opt, add_policy, o->dest);
}

/* --weights: a comma list that replaces an earlier one. */
static void weights_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    struct config *c = o->dest;
    c->nweights = 0;
    cxs_each_item(arg, opt, add_weight, c);
}

/* --oli-min-footprint, --oli-hot: a percentage, 0..100. */
static void pct_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    char *end;
    double v = strtod(arg, &end);
    if (end == arg || *end || !(v >= 0 && v <= 100))
        cxs_usage_die("%s: '%s' is not a percentage (0..100)", opt, arg);
    *(double *)o->dest = v;
}

static void usage_more(FILE *f);

static void parse_args(int argc, char **argv, struct config *c)
{
    memset(c, 0, sizeof *c);
    c->std = (struct cxs_std_opts){.repeat = 51, .min_samples = 5, .seed = 1, .budget_s = 2};
    c->oli = (struct cxs_oli_opts)CXS_OLI_DEFAULTS;
    const struct cxs_opt opts[] = {
        CXS_O_CUSTOM("workload", workloads_arg, c, "LIST",
                     "mg (bandwidth-bound stencil sweep), cg (latency-bound sparse matrix-vector "
                     "product, indirect gathers), xs (random table lookups plus streaming "
                     "arrays). Default: all."),
        CXS_O_SIZE("size", &c->size, 0, "SIZE",
                   "total size of each workload's objects (default 4x the last-level cache, at "
                   "least 256M); K/M/G = 1024^n."),
        CXS_O_CUSTOM("policy", policies_arg, c, "LIST",
                     "placements from the list above (default: the experiment set)"),
        CXS_O_STD(CXS_OPT_MEM,
                  "the nodes a --policy placement uses, in order (the first is the preferred "
                  "one): IDs or classes, e.g. 0,2 or ldram,cxl. Default: LDRAM then the CXL (or "
                  "farthest) node."),
        CXS_O_CUSTOM("weights", weights_arg, c, "LIST",
                     "one weight 1..255 per node of the weighted placement, e.g. 3,1 (default: 3 "
                     "for the first node, 1 for the others)"),
        CXS_O_FLAG("set-weights", &c->set_weights,
                   "apply the weights through the kernel (see "
                   "weighted)"),
        CXS_O_STR("plan", &c->plan_file, "FILE",
                  "run under a plan file (the JSON that OLI writes: objects with policy, nodes, "
                  "weights), after the baseline and any --policy placements; one workload only "
                  "(a plan's weighted objects are always emulated)"),
        CXS_O_CUSTOM("oli-min-footprint", pct_arg, &c->oli.min_footprint_pct, "PCT",
                     "OLI footprint threshold, percent (default 10)"),
        CXS_O_CUSTOM("oli-hot", pct_arg, &c->oli.hot_pct, "PCT",
                     "OLI access threshold, percent of the hottest (default 50)"),
        CXS_O_SIZE("ldram-limit", &c->ldram_limit, 0, "SIZE",
                   "at most SIZE of each workload's objects on the LDRAM node; past it, objects "
                   "spill by their policy (preferred: to the next node by distance; interleave "
                   "and weighted: to their other nodes; bind cannot spill and fails). Objects "
                   "are placed in the workload's order, split on whole cycles."),
        {.kind = CXS_ARG_STD,
         .std = CXS_OPT_CPU,
         .metavar = "ID",
         .help = "the CPU node the workload threads run on (default: the node we start on)"},
        CXS_O_INT("threads", &c->threads, 1, CXS_WL_MAXTHREADS, "N",
                  "workload threads, pinned to the CPU node's CPUs (default: all of them)"),
        CXS_O_STD(CXS_OPT_PAGE, NULL),
        CXS_O_STD(CXS_OPT_FALLBACK, "measure even when pages land on a node the placement did "
                                    "not name (counted in the objects CSV)"),
        CXS_O_STD(CXS_OPT_RESERVE, NULL),
        CXS_O_STD(CXS_OPT_REPEAT, "at most N timed runs per placement"),
        CXS_O_STD(CXS_OPT_MIN, "at least N"),
        {.kind = CXS_ARG_STD,
         .std = CXS_OPT_BUDGET,
         .metavar = "S",
         .help = "seconds of runs per placement"},
        CXS_O_STD(CXS_OPT_SEED, "the workloads' data"),
        CXS_O_STD(CXS_OPT_OUTPUT, "write interleave.csv, interleave_objects.csv, oli_plan.csv, "
                                  "oli-plan-WORKLOAD.json, meta.json there"),
        CXS_O_STD(CXS_OPT_FORMAT, "stdout format"),
        CXS_O_STD(CXS_OPT_QUIET, NULL),
        CXS_O_STD(CXS_OPT_HELP, NULL),
        CXS_O_STD(CXS_OPT_VERSION, NULL),
        /* taken as every benchmark takes it, and refused below */
        CXS_O_STD_HIDDEN(CXS_OPT_MATRIX),
        CXS_O_END,
    };
    const struct cxs_optspec spec = {
        .head = usage_head, .more = usage_more, .tail = usage_tail, .std = &c->std};
    optind = cxs_opts_parse(argc, argv, opts, &spec);
    cxs_std_end(argc, argv, &c->std);
    if (c->std.matrix)
        cxs_usage_die("--matrix does not apply to cxlscope-interleave (one CPU node per run)");
    if (!c->nwl)
        for (int i = 0; cxs_workloads[i]; i++)
            c->wl[c->nwl++] = cxs_workloads[i];
    if (c->plan_file && c->nwl != 1)
        cxs_usage_die("--plan goes with one --workload (the plan names its objects)");
}

/* ---- the nodes ---- */

struct nodes {
    int cpu_node, ldram, far, spill; /* spill: the next memory node after LDRAM */
    int all[CXS_MAX_NODES], nall;
    int one;          /* a single memory node: every placement is that node */
    char far_tag[16]; /* "cxl", or "farN" when node N stands in for CXL */
};

/* LDRAM, the far node (targets.h: CXL, or the documented stand-in) and
 * where LDRAM spills. */
static void pick_nodes(const struct cxs_topo *t, int cpu_node, struct nodes *nd)
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

/* A placement over nodes (duplicates dropped, weights kept with their node). */
static void set_place(struct cxs_place *pl, enum cxs_policy pol, const int *nodes, int n,
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

static int build_confs(const struct config *c, const struct nodes *nd, const int *mem, int nmem,
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

/* ---- one workload under one placement ---- */

struct wlrun {
    const struct cxs_workload *w;
    struct cxs_wl_ctx ctx;
    struct cxs_buf buf[CXS_WL_MAXOBJ];
    int nseg[CXS_WL_MAXOBJ];
    char placed[CXS_WL_MAXOBJ][96];
    uint64_t reference;
    int cpus[CXS_WL_MAXTHREADS];
    int bad_checksum;
    uint64_t last_checksum;
};

static int thread_fn(int tid, void *arg)
{
    struct wlrun *r = arg;
    r->w->run_thread(&r->ctx, tid);
    return 0;
}

static uint64_t run_once(struct wlrun *r)
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

static void free_objects(struct wlrun *r)
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

/* ---- output ---- */

/* interleave.csv: one row per workload and placement. */
static const struct cxs_col cols[] = {
    {"workload", NULL},
    {"bound", "what limits the workload: bandwidth, latency or mixed"},
    {"config", "the placement's name"},
    {"policy", "the placement's policy; oli, or plan for a --plan file"},
    {"nodes", "the placement's nodes, separated by spaces (per object for a plan)"},
    {"weights", "the weighted placement's weights, separated by spaces, else -"},
    {"weights_via", "kernel, emulated or -"},
    {"cpu_node", NULL},
    {"threads", NULL},
    {"size_bytes", "the workload's objects, all together"},
    {"ldram_node", NULL},
    {"ldram_limit_bytes", "--ldram-limit (0: none)"},
    {"page_size_req", NULL},
    {"page_size_used", "mixed when the objects got different page sizes"},
    {"median_s", NULL},
    {"ci95_lo_s", NULL},
    {"ci95_hi_s", NULL},
    {"mean_s", NULL},
    {"min_s", NULL},
    {"max_s", NULL},
    {"samples_kept", NULL},
    {"samples_dropped", NULL},
    {"speedup", "ldram-preferred median / this median"},
    {"bytes_by_node", "\"ID:bytes\" separated by spaces, measured"},
    {"ldram_bytes", "measured on the LDRAM node"},
    {"checksum", "the workload's result, equal to the reference computation's"},
};
/* interleave_objects.csv: one row per object and memory node. */
static const struct cxs_col obj_cols[] = {
    {"workload", NULL},
    {"config", NULL},
    {"object", NULL},
    {"object_bytes", NULL},
    {"footprint_pct", "the object's share of the workload's bytes"},
    {"accesses", "the object's loads and stores in the profiling run"},
    {"placement", "the object's placement: policy:nodes[/weights]"},
    {"ranges",
     "address ranges it was placed as: 1, more for emulated weights or a --ldram-limit split"},
    {"node", NULL},
    {"mem_class", "the node's class from the CPU node"},
    {"pages_4k", "the object's pages on the node, in 4 KiB units"},
    {"bytes", NULL},
};
/* oli_plan.csv: one row per object of each OLI placement. */
static const struct cxs_col plan_cols[] = {
    {"workload", NULL},
    {"object", NULL},
    {"object_bytes", NULL},
    {"footprint_pct", NULL},
    {"accesses", NULL},
    {"access_pct_of_hottest", "accesses, percent of the most accessed object's"},
    {"decision", "interleave or ldram"},
    {"why", "the OLI rule that decided"},
};
static struct cxs_row *main_row, *obj_row, *plan_row;
static struct cxs_out *obj_out, *plan_out;

/* --help's column text: the three lists, then what the columns hold. */
static void usage_more(FILE *f)
{
    fputs("\n"
          "interleave.csv has one row per workload and placement, interleave_objects.csv\n"
          "one per object and memory node, oli_plan.csv one per object of each OLI run.\n",
          f);
    cxs_cols_list(f, "interleave.csv", cols, CXS_NCOLS(cols));
    cxs_cols_list(f, "interleave_objects.csv", obj_cols, CXS_NCOLS(obj_cols));
    cxs_cols_list(f, "oli_plan.csv", plan_cols, CXS_NCOLS(plan_cols));
    const struct cxs_col *lists[] = {cols, obj_cols, plan_cols};
    const size_t n[] = {CXS_NCOLS(cols), CXS_NCOLS(obj_cols), CXS_NCOLS(plan_cols)};
    fputc('\n', f);
    cxs_cols_describe(f, lists, n, 3);
}

static struct cxs_out *open_extra(const char *dir, const char *name, const struct cxs_row *r)
{
    return dir ? cxs_run_out_open(name, cxs_row_names(r), cxs_row_ncols(r)) : NULL;
}

static void close_extras(void *arg)
{
    (void)arg;
    if (obj_out)
        cxs_out_close(obj_out);
    if (plan_out)
        cxs_out_close(plan_out);
    obj_out = plan_out = NULL;
}

/* ---- main ---- */

/* Everything the run works from: the options, the nodes, the placements, the plan, the threads. */
struct ilctx {
    struct config c;
    const struct cxs_topo *t;
    int cpu_node;
    struct nodes nd;
    int mem[CXS_MAX_NODES], nmem;
    struct conf cf[MAXCONF + 2];
    int ncf;
    struct cxs_plan plan;
    int nthreads;
    uint64_t llc4;
    const char *weights_via;
    double *samples;
    struct wlrun r;
};

/* One workload's state across its placements. */
struct wlstate {
    const struct cxs_workload *w;
    uint64_t total;              /* the objects' bytes, all together */
    uint64_t acc[CXS_WL_MAXOBJ]; /* the profiling run's access counts per object */
    double base_median;          /* the baseline's (first placement's) median */
};

/* The CPU node: the one we start on, or --cpu-node's (one). */
static void select_cpu_node(struct ilctx *x)
{
    char err[1024];
    int ids[CXS_MAX_NODES];
    size_t n;
    int r = cxs_tgt_cpu_nodes(x->t, x->c.std.cpu_spec, NULL, 0, ids, CXS_MAX_NODES, &n, err,
                              sizeof err);
    if (r == CXS_EXIT_SKIP)
        cxs_skip("%s", err);
    if (r || n != 1)
        cxs_usage_die("%s", r ? err : "--cpu-node: give one CPU node");
    x->cpu_node = ids[0];
}

/* The --policy placements' nodes: --mem-node's in the order given, or LDRAM then far. */
static void select_mem_nodes(struct ilctx *x)
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
static void check_node_options(const struct ilctx *x)
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

/* The --plan file, when given. */
static void load_plan(struct ilctx *x)
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
static void pick_threads(struct ilctx *x)
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
static void check_workloads(struct ilctx *x)
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
static void apply_kernel_weights(const struct ilctx *x)
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
static void add_notes(const struct ilctx *x)
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

/* The outputs: interleave.csv, the objects and OLI plan CSVs, the plan JSON names. */
static void open_outputs(const struct ilctx *x, int argc, char **argv)
{
    const struct config *c = &x->c;
    main_row = cxs_row_new("interleave.csv", cols, CXS_NCOLS(cols));
    obj_row = cxs_row_new("interleave_objects.csv", obj_cols, CXS_NCOLS(obj_cols));
    plan_row = cxs_row_new("oli_plan.csv", plan_cols, CXS_NCOLS(plan_cols));
    cxs_run_open(c->std.outdir, "interleave", "interleave.csv", cxs_row_names(main_row),
                 cxs_row_ncols(main_row), c->std.quiet, c->std.format, argc, argv);
    obj_out = open_extra(c->std.outdir, "interleave_objects.csv", obj_row);
    plan_out = open_extra(c->std.outdir, "oli_plan.csv", plan_row);
    cxs_exit_hook_add(close_extras, NULL);
    for (int i = 0; i < c->nwl; i++) {
        char name[256];
        snprintf(name, sizeof name, "oli-plan-%s.json", c->wl[i]->name);
        cxs_run_check(name);
    }
}

/* OLI: decide per object from the profile, print and write the plan; per[] gets the result. */
static void oli_plan(const struct ilctx *x, const struct wlstate *ws, const struct conf *f,
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
        if (plan_out) {
            cxs_row_str(plan_row, "workload", w->name);
            cxs_row_str(plan_row, "object", r->ctx.obj[i].name);
            cxs_row_u64(plan_row, "object_bytes", r->ctx.obj[i].bytes);
            cxs_row_fixed(plan_row, "footprint_pct", 2,
                          100.0 * (double)r->ctx.obj[i].bytes / (double)ws->total);
            cxs_row_u64(plan_row, "accesses", ws->acc[i]);
            cxs_row_fixed(plan_row, "access_pct_of_hottest", 2,
                          hottest ? 100.0 * (double)ws->acc[i] / (double)hottest : 0);
            cxs_row_str(plan_row, "decision", il[i] ? "interleave" : "ldram");
            cxs_row_str(plan_row, "why", why[i]);
            cxs_out_row(plan_out, cxs_row_take(plan_row));
        }
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

/* The baseline's extra run: the reference result, and the access profile OLI plans from. */
static void profile_reference(struct ilctx *x, struct wlstate *ws)
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

/* Where the pages are: per node into on[], a row per object and memory node; 1 if page sizes mix.
 */
static int emit_object_rows(const struct ilctx *x, const struct wlstate *ws, const struct conf *f,
                            uint64_t *on)
{
    const struct cxs_topo *t = x->t;
    const struct wlrun *r = &x->r;
    int mixed = 0;
    for (size_t i = 0; i < r->ctx.nobj; i++) {
        for (int ni = 0; ni < t->nnodes; ni++) {
            uint64_t pages = cxs_buf_pages_on(&r->buf[i], t, t->nodes[ni].id);
            on[ni] += pages;
            if (!obj_out || !cxs_node_has_memory(&t->nodes[ni]))
                continue;
            int id = t->nodes[ni].id;
            cxs_row_str(obj_row, "workload", ws->w->name);
            cxs_row_str(obj_row, "config", f->name);
            cxs_row_str(obj_row, "object", r->ctx.obj[i].name);
            cxs_row_u64(obj_row, "object_bytes", r->ctx.obj[i].bytes);
            cxs_row_fixed(obj_row, "footprint_pct", 2,
                          100.0 * (double)r->ctx.obj[i].bytes / (double)ws->total);
            cxs_row_u64(obj_row, "accesses", ws->acc[i]);
            cxs_row_str(obj_row, "placement", r->placed[i]);
            cxs_row_int(obj_row, "ranges", r->nseg[i]);
            cxs_row_int(obj_row, "node", id);
            cxs_row_str(obj_row, "mem_class",
                        cxs_class_name(cxs_topo_classify(t, id, x->cpu_node)));
            cxs_row_u64(obj_row, "pages_4k", pages);
            cxs_row_u64(obj_row, "bytes", pages * 4096);
            cxs_out_row(obj_out, cxs_row_take(obj_row));
        }
        mixed |= strcmp(r->buf[i].page_used, r->buf[0].page_used) != 0;
    }
    return mixed;
}

/* The placement's nodes and weights columns ("per object" for a plan, "-" unweighted). */
static void place_columns(const struct conf *f, char *nodes_s, size_t nodes_n, char *w_s,
                          size_t w_n)
{
    const struct cxs_place *pl = &f->place;
    if (f->kind == C_PLAN)
        snprintf(nodes_s, nodes_n, "per object");
    else
        for (int i = 0, q = 0; i < pl->nnodes; i++)
            q += snprintf(nodes_s + q, nodes_n - (size_t)q, "%s%d", i ? " " : "", pl->nodes[i]);
    if (f->kind == C_POLICY && pl->policy == CXS_POL_WEIGHTED)
        for (int i = 0, q = 0; i < pl->nnodes; i++)
            q += snprintf(w_s + q, w_n - (size_t)q, "%s%u", i ? " " : "", pl->weights[i]);
}

/* The interleave.csv row for one workload under one placement. */
static void emit_row(const struct ilctx *x, const struct wlstate *ws, const struct conf *f,
                     const struct cxs_summary *s, const uint64_t *on, int mixed)
{
    const struct cxs_topo *t = x->t;
    const struct wlrun *r = &x->r;
    const struct cxs_workload *w = ws->w;
    char by[512] = "", nodes_s[128] = "", w_s[128] = "-";
    size_t o = 0;
    uint64_t ldram_bytes = 0;
    for (int ni = 0; ni < t->nnodes; ni++) {
        if (!cxs_node_has_memory(&t->nodes[ni]))
            continue;
        o += (size_t)snprintf(by + o, sizeof by - o, "%s%d:%" PRIu64, o ? " " : "", t->nodes[ni].id,
                              on[ni] * 4096);
        if (t->nodes[ni].id == x->nd.ldram)
            ldram_bytes = on[ni] * 4096;
    }
    const struct cxs_place *pl = &f->place;
    const char *pol = f->kind == C_OLI    ? "oli"
                      : f->kind == C_PLAN ? "plan"
                                          : cxs_policy_name(pl->policy);
    place_columns(f, nodes_s, sizeof nodes_s, w_s, sizeof w_s);
    int weighted = f->kind == C_POLICY && pl->policy == CXS_POL_WEIGHTED;
    cxs_row_str(main_row, "workload", w->name);
    cxs_row_str(main_row, "bound", w->bound);
    cxs_row_str(main_row, "config", f->name);
    cxs_row_str(main_row, "policy", pol);
    cxs_row_str(main_row, "nodes", nodes_s);
    cxs_row_str(main_row, "weights", w_s);
    cxs_row_str(main_row, "weights_via", weighted ? x->weights_via : "-");
    cxs_row_int(main_row, "cpu_node", x->cpu_node);
    cxs_row_int(main_row, "threads", x->nthreads);
    cxs_row_u64(main_row, "size_bytes", ws->total);
    cxs_row_int(main_row, "ldram_node", x->nd.ldram);
    cxs_row_u64(main_row, "ldram_limit_bytes", x->c.ldram_limit);
    cxs_row_str(main_row, "page_size_req", cxs_page_name(x->c.std.page));
    cxs_row_str(main_row, "page_size_used", mixed ? "mixed" : r->buf[0].page_used);
    cxs_row_fixed(main_row, "median_s", 6, s->median);
    cxs_row_fixed(main_row, "ci95_lo_s", 6, s->ci_lo);
    cxs_row_fixed(main_row, "ci95_hi_s", 6, s->ci_hi);
    cxs_row_fixed(main_row, "mean_s", 6, s->mean);
    cxs_row_fixed(main_row, "min_s", 6, s->min);
    cxs_row_fixed(main_row, "max_s", 6, s->max);
    cxs_row_u64(main_row, "samples_kept", s->kept);
    cxs_row_u64(main_row, "samples_dropped", s->dropped);
    cxs_row_fixed(main_row, "speedup", 3, ws->base_median / s->median);
    cxs_row_str(main_row, "bytes_by_node", by);
    cxs_row_u64(main_row, "ldram_bytes", ldram_bytes);
    cxs_row_u64(main_row, "checksum", r->reference);
    cxs_run_row(cxs_row_take(main_row));
}

/* One workload under placement k: place, (profile), measure, emit; 1 when interrupted. */
static int run_placement(struct ilctx *x, struct wlstate *ws, int k)
{
    struct wlrun *r = &x->r;
    struct cxs_place per[CXS_WL_MAXOBJ];
    const struct conf *f = &x->cf[k];
    for (size_t i = 0; i < r->ctx.nobj; i++)
        per[i] = f->place;
    if (f->kind == C_PLAN)
        for (size_t i = 0; i < r->ctx.nobj; i++)
            per[i] = cxs_plan_find(&x->plan, r->ctx.obj[i].name)->place;
    if (f->kind == C_OLI)
        oli_plan(x, ws, f, per);
    /* The kernel has one set of weights: the --set-weights ones,
     * for --policy/experiment placements; a plan's own weights and
     * any split past --ldram-limit are emulated. */
    place_objects(&x->c, &x->nd, r, per,
                  !x->c.set_weights || x->c.ldram_limit || f->kind == C_PLAN);
    ws->w->init(&r->ctx, x->c.std.seed);
    if (k == 0)
        profile_reference(x, ws); /* the reference result, and the profile OLI plans from */
    struct cxs_summary s;
    if (measure(x, ws, f, &s))
        return 1;
    if (k == 0)
        ws->base_median = s.median;
    uint64_t on[CXS_MAX_NODES] = {0};
    int mixed = emit_object_rows(x, ws, f, on);
    emit_row(x, ws, f, &s, on, mixed);
    free_objects(r);
    return 0;
}

/* One workload: its layout, then every placement in order until done or interrupted. */
static void run_workload(struct ilctx *x, const struct cxs_workload *w)
{
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
        if (run_placement(x, &ws, k))
            break;
}

int main(int argc, char **argv)
{
    cxs_prog = "cxlscope-interleave";
    static struct ilctx x;
    parse_args(argc, argv, &x.c);
    cxs_run_load();
    x.t = &cxs_run.topo;

    select_cpu_node(&x);
    pick_nodes(x.t, x.cpu_node, &x.nd);
    select_mem_nodes(&x);
    check_node_options(&x);
    x.ncf = build_confs(&x.c, &x.nd, x.mem, x.nmem, x.cf);
    load_plan(&x);
    pick_threads(&x);
    check_workloads(&x);

    cxs_interrupt_install();
    cxs_timer_init();
    x.weights_via = x.c.set_weights && !x.c.ldram_limit ? "kernel" : "emulated";
    apply_kernel_weights(&x);
    add_notes(&x);
    open_outputs(&x, argc, argv);

    size_t maxs = x.c.std.repeat;
    x.samples = calloc(maxs, sizeof *x.samples);
    if (!x.samples)
        cxs_run_fail(CXS_EXIT_FAIL, "out of memory");
    for (int wi = 0; wi < x.c.nwl && !cxs_stop_requested(); wi++)
        run_workload(&x, x.c.wl[wi]);
    free(x.samples);
    close_extras(NULL);
    cxs_row_free(main_row);
    cxs_row_free(obj_row);
    cxs_row_free(plan_row);
    cxs_wi_restore();
    cxs_run_end();
}
