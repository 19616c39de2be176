/* cxlscope-tiering — what the kernel's dynamic page migration (NUMA
 * balancing, memory-tiering promotion, demotion) does to a workload on a
 * fast tier (LDRAM) and a slow one (CXL), as a timeline: per interval the
 * work done, the kernel's migration counters and where the hot and the
 * cold pages are. The parts are listed in tier.h; here are the options and
 * the order of the steps. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "interrupt.h"
#include "opts.h"
#include "run.h"
#include "tier.h"

static const char usage_head[] =
    "Usage: cxlscope-tiering [OPTIONS]\n"
    "\n"
    "Runs a workload for --duration under each kernel mode and initial placement and\n"
    "writes, every --interval, the work done, the increase of every page-migration\n"
    "counter of /proc/vmstat this kernel has (system-wide), and where a fixed sample\n"
    "of the hot and of the cold pages is (move_pages: percent on the fast node).\n"
    "\n"
    "Tiers: the fast tier is the CPU node's own memory (LDRAM); the slow tier a CXL\n"
    "node, else the farthest other memory node standing in for it (slow_tag farN).\n"
    "\n"
    "Kernel modes (--modes; numa_balancing): none (0), autonuma (1: NUMA balancing),\n"
    "tiering (2: memory-tiering promotion of hot pages from slower tiers), both (3).\n"
    "Without --set-kernel the kernel's current mode is measured and recorded, and\n"
    "nothing is changed. With it (root) each mode is set in turn, with --demotion\n"
    "and the scan options once, and every old value is written back at the end, on\n"
    "error and on Ctrl-C/SIGTERM/SIGHUP. A mode or knob this kernel lacks is one\n"
    "note and skipped (77 when no mode is left).\n"
    "\n"
    "Placements (--placement; where the pages start; 4 KiB pages):\n"
    "  first-touch  the fast node while it has room, then the kernel's fallback\n"
    "  cxl          every page on the slow node: promotion has to bring hot ones up\n"
    "  interleave   pages interleaved over fast and slow (MPOL_INTERLEAVE, kept: NUMA\n"
    "               balancing does not scan such pages, so they take few hint faults)\n"
    "  oli          interleave/'s object-level plan: the objects OLI picks from a\n"
    "               counting run interleaved, the others first-touch (hotset, one\n"
    "               object: as interleave)\n"
    "first-touch and cxl pages are under the default memory policy once placed, so\n"
    "NUMA balancing may move them.\n"
    "\n"
    "Workloads (--workload): hotset (random 64 B read-modify-writes over --size,\n"
    "--hot-share of them on the --hot-fraction of the pages that is hot, the hot set\n"
    "moving every --shift seconds; checked: every increment is found in the buffer\n"
    "afterwards), and interleave/'s mg, cg, xs, adam, attention run over and over\n"
    "(work = whole iterations; every iteration's checksum must equal the reference;\n"
    "hot objects: accesses per byte at least half the densest object's, from a\n"
    "counting run).\n"
    "\n"
    "Options:\n";
static const char usage_tail[] =
    "\n"
    "Exit status: 0 done; 1 failed (a result check, placement wrong, a setting that\n"
    "could not be written or written back); 2 bad usage; 77 cannot run here (not root\n"
    "for --set-kernel or --fast-capacity's locked memory, one memory node for\n"
    "--fast-capacity or every placement asked, no mode left); 130 interrupted (rows\n"
    "kept, settings written back).\n";

static int add_workload(const char *s, void *ctx)
{
    struct tconfig *c = ctx;
    const struct cxs_workload *w = strcmp(s, "hotset") ? cxs_workload_find(s) : NULL;
    if (strcmp(s, "hotset") && !w)
        cxs_usage_die("unknown workload '%s' (workloads: hotset, %s)", s, cxs_workload_names());
    for (int i = 0; i < c->nwl; i++)
        if (!strcmp(c->wl[i].name, s))
            return 0;
    if (c->nwl == MAXWL)
        cxs_usage_die("--workload: at most %d", MAXWL);
    c->wl[c->nwl++] = (struct tworkload){.name = w ? w->name : "hotset", .w = w};
    return 0;
}

static void workloads_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    cxs_each_item(arg, opt, add_workload, o->dest);
}

static int mode_parse(const char *s)
{
    return cxs_name_lookup_exact(mode_names, NMODES, s);
}
static const char *mode_name(int i)
{
    return i >= 0 && i < NMODES ? mode_names[i] : NULL;
}
static int placement_parse(const char *s)
{
    return cxs_name_lookup_exact(placement_names, NPLACEMENTS, s);
}
static const char *placement_name(int i)
{
    return i >= 0 && i < NPLACEMENTS ? placement_names[i] : NULL;
}

static void modes_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    struct tconfig *c = o->dest;
    size_t n = 0;
    (void)opt;
    cxs_names_arg(arg, "mode", mode_parse, mode_name, c->modes, &n);
    c->nmodes = (int)n;
}

static void placements_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    struct tconfig *c = o->dest;
    size_t n = 0;
    (void)opt;
    cxs_names_arg(arg, "placement", placement_parse, placement_name, c->placements, &n);
    c->nplacements = (int)n;
}

/* A percentage: --hot-fraction in (0, 100], --hot-share in [0, 100]. */
static void pct_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    char *end;
    double v = strtod(arg, &end);
    int open0 = o->min == 1;
    if (end == arg || *end || !(open0 ? v > 0 : v >= 0) || !(v <= 100))
        cxs_usage_die("%s: '%s' is not a percentage in %s0, 100]", opt, arg, open0 ? "(" : "[");
    *(double *)o->dest = v;
}

static const char *const demotion_names[] = {"keep", "on", "off", NULL};

static void parse_args(int argc, char **argv, struct tconfig *c)
{
    memset(c, 0, sizeof *c);
    c->std = (struct cxs_std_opts){.seed = 1};
    c->size = 1ULL << 30, c->hot_pct = 10, c->hot_share = 90, c->interval_s = 1;
    c->duration_s = 60;
    const struct cxs_opt opts[] = {
        CXS_O_CUSTOM("workload", workloads_arg, c, "LIST",
                     "hotset, mg, cg, xs, adam, attention (default hotset)"),
        CXS_O_SIZE("size", &c->size, 0, "SIZE",
                   "the workload's memory (default 1G); K/M/G = 1024^n"),
        CXS_O_CUSTOM("placement", placements_arg, c, "LIST",
                     "first-touch, cxl, interleave, oli (default first-touch,cxl,interleave)"),
        CXS_O_CUSTOM("modes", modes_arg, c, "LIST",
                     "none, autonuma, tiering, both (with --set-kernel; default all four)"),
        CXS_O_FLAG("set-kernel", &c->set_kernel,
                   "set each mode, and the options below, in the kernel (root); old values "
                   "written back at every exit"),
        CXS_O_ENUM("demotion", &c->demotion, demotion_names, "demotion setting", "on|off|keep",
                   "/sys/kernel/mm/numa/demotion_enabled for the run (default keep)"),
        CXS_O_U64("scan-delay", &c->scan_delay_ms, 1, 3600000, "MS",
                  "NUMA balancing's scan_delay_ms (debugfs sched/numa_balancing, or "
                  "/proc/sys/kernel/numa_balancing_scan_delay_ms); default: as it is"),
        CXS_O_U64("scan-period-min", &c->scan_period_min_ms, 1, 3600000, "MS",
                  "scan_period_min_ms, likewise"),
        CXS_O_U64("hot-threshold", &c->hot_threshold_ms, 1, 3600000, "MS",
                  "hot_threshold_ms (debugfs): a slow-tier page faulting within it of its scan "
                  "is hot"),
        CXS_O_U64("promote-rate", &c->promote_rate_mbps, 1, 1ULL << 40, "MBPS",
                  "/proc/sys/kernel/numa_balancing_promote_rate_limit_MBps"),
        CXS_O_SIZE("fast-capacity", &c->fast_capacity, 0, "SIZE",
                   "fill the fast node with locked filler until SIZE (at least 16M) is free, "
                   "for the whole run (freed at exit; needs root or RLIMIT_MEMLOCK, and a slow "
                   "tier)"),
        CXS_O_CUSTOM_RANGE("hot-fraction", pct_arg, &c->hot_pct, 1, 100, "PCT",
                           "hotset: percent of the pages that are hot, (0, 100] (default 10)"),
        CXS_O_CUSTOM_RANGE("hot-share", pct_arg, &c->hot_share, 0, 100, "PCT",
                           "hotset: percent of the accesses that go to them (default 90)"),
        CXS_O_DOUBLE("shift", &c->shift_s, "S",
                     "hotset: move the hot set to other pages every S seconds (default never)"),
        CXS_O_DOUBLE("interval", &c->interval_s, "S", "seconds per row (default 1)"),
        CXS_O_DOUBLE("duration", &c->duration_s, "S",
                     "seconds per mode x placement x workload (default 60)"),
        {.kind = CXS_ARG_STD,
         .std = CXS_OPT_CPU,
         .metavar = "ID",
         .help = "the CPU node the workload runs on; its memory is the fast tier (default: "
                 "the node we start on)"},
        CXS_O_INT("threads", &c->threads, 1, CXS_WL_MAXTHREADS, "N",
                  "workload threads, pinned to the CPU node's CPUs (default: all of them)"),
        CXS_O_STD(CXS_OPT_SEED, "the hot set and the workloads' data"),
        CXS_O_STD(CXS_OPT_OUTPUT, "write tiering.csv, tiering_summary.csv, meta.json there"),
        CXS_O_STD(CXS_OPT_FORMAT, "stdout format"),
        CXS_O_STD(CXS_OPT_QUIET, NULL),
        CXS_O_STD(CXS_OPT_HELP, NULL),
        CXS_O_STD(CXS_OPT_VERSION, NULL),
        CXS_O_END,
    };
    const struct cxs_optspec spec = {
        .head = usage_head, .more = usage_columns, .tail = usage_tail, .std = &c->std};
    optind = cxs_opts_parse(argc, argv, opts, &spec);
    cxs_std_end(argc, argv, &c->std);
    if (!c->nwl)
        add_workload("hotset", c);
    if (!c->nplacements)
        c->placements[0] = PL_FIRST_TOUCH, c->placements[1] = PL_CXL,
        c->placements[2] = PL_INTERLEAVE, c->nplacements = 3;
    if (c->duration_s < c->interval_s)
        cxs_usage_die("--duration %g is shorter than --interval %g", c->duration_s, c->interval_s);
    if (c->duration_s / c->interval_s > 1e6)
        cxs_usage_die("--duration / --interval: at most 1000000 intervals");
    if (c->fast_capacity && c->fast_capacity < (16ULL << 20))
        cxs_usage_die("--fast-capacity: at least 16M (less leaves the kernel no room)");
    if (c->size < (1ULL << 20))
        cxs_usage_die("--size: at least 1M");
}

/* Each table workload's objects for --size, before anything is changed
 * (a size a workload cannot split is a usage error). */
static void lay_out_workloads(struct tconfig *c)
{
    char err[512];
    for (int i = 0; i < c->nwl; i++) {
        struct tworkload *wl = &c->wl[i];
        if (wl->w && !(wl->nobj = wl->w->layout(c->size, wl->obj, err, sizeof err)))
            cxs_usage_die("--size for %s: %s", wl->name, err);
    }
}

/* The placements this machine can run; the others noted and skipped (77
 * in one line when none is left). */
static void keep_possible_placements(struct tctx *x)
{
    static char why[NPLACEMENTS][200];
    int n = 0, ns = 0, skipped[NPLACEMENTS];
    for (int i = 0; i < x->c.nplacements; i++) {
        int p = x->c.placements[i];
        if (placement_possible(x, p, why[p], sizeof why[p]) == 0)
            x->c.placements[n++] = p;
        else
            skipped[ns++] = p;
    }
    if (!n)
        cxs_skip("%s%s", why[skipped[0]], ns > 1 ? "; so does every other placement asked" : "");
    for (int i = 0; i < ns; i++) {
        cxs_note("%s: skipped", why[skipped[i]]);
        cxs_run_skipped(why[skipped[i]]);
    }
    x->c.nplacements = n;
}

/* meta.json and stderr: the counters this kernel lacks (their columns stay
 * empty, never 0). */
static void note_absent_counters(void)
{
    static char note[600];
    char err[256], absent[500];
    struct cxs_vmstat v;
    if (cxs_vmstat_read(&v, err, sizeof err) != 0)
        cxs_run_fail(CXS_EXIT_FAIL, "%s", err);
    cxs_vmstat_absent(&v, absent, sizeof absent);
    if (!absent[0])
        return;
    snprintf(note, sizeof note, "vmstat counters this kernel lacks (their columns are empty): %s",
             absent);
    cxs_note("%s", note);
    cxs_run_note(note);
}

/* Every placement x workload under the kernel's mode now; 1 when interrupted. */
static int run_mode(struct tctx *x, int mode, double *rates)
{
    for (int p = 0; p < x->c.nplacements; p++)
        for (int w = 0; w < x->c.nwl; w++) {
            prepare_table(x, &x->c.wl[w]);
            struct trun r = {
                .mode = mode, .placement = x->c.placements[p], .wl = &x->c.wl[w], .rate = rates};
            if (run_one(x, &r))
                return 1;
        }
    return 0;
}

int main(int argc, char **argv)
{
    cxs_prog = "cxlscope-tiering";
    static struct tctx x;
    parse_args(argc, argv, &x.c);
    lay_out_workloads(&x.c);
    cxs_run_load();
    x.t = &cxs_run.topo;
    pick_nodes(&x);
    check_kernel_options(&x);
    check_fast_tier(&x);
    keep_possible_placements(&x);
    int modes[NMODES], nmodes = 0;
    char nb[16];
    if (x.c.set_kernel && !x.c.nmodes)
        for (int m = 0; m < NMODES; m++)
            modes[nmodes++] = m;
    else if (x.c.set_kernel)
        memcpy(modes, x.c.modes, sizeof modes), nmodes = x.c.nmodes;
    else
        modes[nmodes++] = current_mode(nb, sizeof nb);

    cxs_interrupt_install();
    open_outputs(&x, argc, argv);
    note_absent_counters();
    apply_kernel_settings(&x);
    fill_fast_tier(&x);
    double *rates = calloc((size_t)(x.c.duration_s / x.c.interval_s + 1), sizeof *rates);
    if (!rates)
        cxs_run_fail(CXS_EXIT_FAIL, "out of memory");
    int ran = 0;
    for (int i = 0; i < nmodes && !cxs_stop_requested(); i++) {
        if (set_mode(&x, modes[i]))
            continue;
        ran++;
        if (run_mode(&x, modes[i], rates))
            break;
    }
    free(rates);
    restore_kernel();
    if (!ran && !cxs_stop_requested())
        cxs_run_fail(CXS_EXIT_SKIP, "no mode of --modes can be set on this kernel (each named "
                                    "above)");
    cxs_run_end();
}
