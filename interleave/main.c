/* cxlscope-interleave — page-placement policies and object-level
 * interleaving (OLI), measured on workloads with named data objects. Each
 * workload runs under each placement; every object's pages are counted per
 * node with move_pages, every run's result is checked, and the run time is
 * compared with the LDRAM-preferred placement. The parts are listed in
 * il.h; here are the options and the order of the steps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "il.h"
#include "interrupt.h"
#include "opts.h"
#include "run.h"
#include "timer.h"
#include "weights.h"

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
    "A placement whose nodes cannot hold a workload's objects now (memory or huge\n"
    "pages short; bind past --ldram-limit) is skipped: all such are named at once\n"
    "on stderr and in meta.json (\"skipped\"), and the rest are measured.\n"
    "\n"
    "Exit status: 0 done (also when some placements were skipped); 1 failed\n"
    "(placement wrong, checksum wrong, nothing could be placed); 2 bad usage\n"
    "(unknown policy, weights not matching the nodes, a weight of 0 or > 255, a\n"
    "plan naming an object the workload lacks); 77 cannot run here (no CPU node,\n"
    "kernel without the policy asked for); 130 interrupted (rows kept).\n";

static int add_workload(const char *s, void *ctx)
{
    struct config *c = ctx;
    const struct cxs_workload *w = cxs_workload_find(s);
    if (!w)
        cxs_usage_die("unknown workload '%s' (workloads: %s)", s, cxs_workload_names());
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

static void parse_args(int argc, char **argv, struct config *c)
{
    memset(c, 0, sizeof *c);
    c->std = (struct cxs_std_opts){.repeat = 51, .min_samples = 5, .seed = 1, .budget_s = 2};
    c->oli = (struct cxs_oli_opts)CXS_OLI_DEFAULTS;
    const struct cxs_opt opts[] = {
        CXS_O_CUSTOM("workload", workloads_arg, c, "LIST",
                     "mg (bandwidth-bound stencil sweep), cg (latency-bound sparse matrix-vector "
                     "product, indirect gathers), xs (random table lookups plus streaming "
                     "arrays), adam (ZeRO-Offload's fp32 Adam step on the CPU: reads params, "
                     "grads, m, v, 16 B a parameter, writes params_out, m_out, v_out, 12 B; "
                     "labelled latency-bound, the paper's finding), attention (FlexGen's fp32 "
                     "decode attention over a KV cache: per head q.K^T/sqrt(128), softmax, "
                     "times V; bandwidth-bound). Default: all."),
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
                   "apply the weights through the kernel (see weighted)"),
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
                   "and weighted: to their other nodes; bind cannot spill: skipped). Objects "
                   "are placed in the workload's order, split on whole cycles."),
        {.kind = CXS_ARG_STD,
         .std = CXS_OPT_CPU,
         .metavar = "ID",
         .help = "the CPU node the workload threads run on (default: the node we start on)"},
        CXS_O_INT("threads", &c->threads, 1, CXS_WL_MAXTHREADS, "N",
                  "workload threads, pinned to the CPU node's CPUs (default: all of them)"),
        CXS_O_STD(CXS_OPT_PAGE, NULL),
        CXS_O_STD(CXS_OPT_FALLBACK,
                  "measure even when pages land on a node the placement did not name (counted "
                  "in the objects CSV)"),
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
        .head = usage_head, .more = usage_columns, .tail = usage_tail, .std = &c->std};
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
        run_workload(&x, wi);
    free(x.samples);
    if (!x.measured && !cxs_stop_requested())
        cxs_run_fail(CXS_EXIT_FAIL, "no placement could be measured (each named above)");
    close_outputs();
    cxs_wi_restore();
    cxs_run_end();
}
