/* cxlscope-loaded — latency under injected load. One thread chases pointers
 * on the measured memory node while load threads stream a traffic kind
 * against a traffic node, pausing a calibrated delay after every burst; a
 * sweep of delays from full load to idle gives the latency-vs-bandwidth
 * curve of each node pair. */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "caches.h"
#include "chase.h"
#include "cli.h"
#include "columns.h"
#include "dist.h"
#include "hist.h"
#include "interrupt.h"
#include "memory.h"
#include "opts.h"
#include "prefetch.h"
#include "row.h"
#include "run.h"
#include "spin.h"
#include "stats.h"
#include "stream.h"
#include "targets.h"
#include "threads.h"
#include "timer.h"
#include "topology.h"

static const char usage_head[] =
    "Usage: cxlscope-loaded [OPTIONS]\n"
    "\n"
    "Latency under load: one thread chases pointers through a random single cycle\n"
    "on the memory node (the latency/ kernel) while load threads stream a traffic\n"
    "kind (the bandwidth/ kernels) against the traffic node, each pausing a\n"
    "calibrated spin (the injection delay) after every burst. A sweep of delays from\n"
    "0 (full load) to idle (no load threads at all) gives, per delay, the traffic\n"
    "the load threads really moved (GB/s, counted burst by burst over the chase's\n"
    "samples), the chase's own traffic, and the chase latency (median, CI). A chase\n"
    "sample counts only if every load thread finished a burst while it ran; one\n"
    "that saw a load thread stand still (its CPU busy with other work, or a delay\n"
    "longer than the sample) is taken again, and the run says how many were.\n"
    "\n"
    "Options (where, what, statistics per delay, output):\n";
static const char usage_tail[] =
    "\n"
    "Exit status: 0 done; 1 measurement failed (memory short, placement wrong, a\n"
    "kernel's result wrong); 2 bad usage (no CPU left for load threads, an unknown\n"
    "kind, delays not increasing, a node without memory); 77 skipped (an ISA this\n"
    "CPU lacks, no node of a class); 130 interrupted (finished rows kept).\n"
    "A node pair that cannot be measured now (its buffers do not fit) is named on\n"
    "stderr and in meta.json's \"skipped\" list and the others are\n"
    "measured: exit 0 when any was measured, 1 when none could be (all named).\n";

#define MAX_DELAYS 64
/* The longest delay: 100 ms between bursts is already no load at all, and
 * the bound keeps every wait short enough for Ctrl-C (a point waits about
 * twice the delay before it samples). In cycles: the same at the TSC's rate. */
#define MAX_DELAY_NS 100000000.0
#define MAX_LOADERS 1024
#define SETTLE_S 0.02 /* after a delay change, before the chase samples */
/* A load thread that finishes no burst for this long ends the run: far
 * beyond the longest delay and any fair scheduler's wait. */
#define STALL_S 30.0

static const uint64_t mlc_delays_ns[] = {0,    50,   100,  200,   400,   700,   1000, 1500,
                                         2000, 3000, 5000, 10000, 20000, 40000, 80000};

struct config {
    int kinds[CXS_NKINDS];
    size_t nkinds;
    int isa;
    uint64_t delays[MAX_DELAYS];
    size_t ndelays;
    int have_delays; /* the last --delays was a list, not 'mlc' */
    int cycles;      /* --delay-unit cycles */
    uint64_t burst, size, traffic_size, loads;
    int load_threads; /* 0: every other CPU of the CPU node */
    int load_cpus[MAX_LOADERS];
    size_t nload_cpus;
    int chase_cpu; /* -1: the default */
    const char *traffic_spec;
    struct cxs_std_opts std;
};

/* ---- options ------------------------------------------------------------ */

/* Every delay within MAX_DELAY_NS (cycles converted at the TSC's rate). */
static void check_delays(const struct config *c)
{
    for (size_t i = 0; i < c->ndelays; i++) {
        double ns = c->cycles ? (double)c->delays[i] / cxs_timer_info()->ticks_per_ns
                              : (double)c->delays[i];
        if (ns > MAX_DELAY_NS)
            cxs_usage_die("--delays: %" PRIu64
                          " %s is more than the longest delay, %.0f ns (100 ms)",
                          c->delays[i], c->cycles ? "cycles" : "ns", MAX_DELAY_NS);
    }
}

static int add_delay(const char *s, void *ctx)
{
    struct config *c = ctx;
    uint64_t d;
    char err[160];
    if (cxs_parse_u64(s, 0, UINT64_C(1000000000000), &d, err, sizeof err)) {
        fprintf(stderr, "%s: error: --delays '%s': %s\n", cxs_prog, s, err);
        return -1;
    }
    if (c->ndelays && d <= c->delays[c->ndelays - 1]) {
        fprintf(stderr, "%s: error: --delays must increase: %" PRIu64 " after %" PRIu64 "\n",
                cxs_prog, d, c->delays[c->ndelays - 1]);
        return -1;
    }
    if (c->ndelays == MAX_DELAYS) {
        fprintf(stderr, "%s: error: at most %d delays\n", cxs_prog, MAX_DELAYS);
        return -1;
    }
    c->delays[c->ndelays++] = d;
    return 0;
}

/* The options' parsers (opts.h's CXS_ARG_CUSTOM): each dest is the config. */
static void delays_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    struct config *c = o->dest;
    c->ndelays = 0;
    c->have_delays = strcmp(arg, "mlc") != 0;
    if (c->have_delays)
        cxs_each_item(arg, "delay", add_delay, c);
}
static void kind_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    struct config *c = o->dest;
    cxs_names_arg(arg, "kind", cxs_stream_kind_parse, cxs_stream_kind_name, c->kinds, &c->nkinds);
}
static void isa_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    struct config *c = o->dest;
    c->isa = cxs_isa_parse(arg);
    if (c->isa < 0)
        cxs_usage_die("unknown ISA '%s' (sse2, avx2, avx512)", arg);
}
static void unit_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    struct config *c = o->dest;
    if (strcmp(arg, "ns") && strcmp(arg, "cycles"))
        cxs_usage_die("%s: '%s' is neither ns nor cycles", opt, arg);
    c->cycles = strcmp(arg, "cycles") == 0;
}
static void burst_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    struct config *c = o->dest;
    char err[200];
    if (cxs_parse_size(arg, &c->burst, err, sizeof err))
        cxs_usage_die("%s: %s", opt, err);
    if (c->burst % 64)
        cxs_usage_die("%s: %" PRIu64 " B is not a multiple of 64", opt, c->burst);
}
static void load_cpus_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    struct config *c = o->dest;
    char err[200];
    if (cxs_parse_idlist(arg, c->load_cpus, MAX_LOADERS, &c->nload_cpus, err, sizeof err))
        cxs_usage_die("%s: %s", opt, err);
    if (!c->nload_cpus)
        cxs_usage_die("%s: an empty list", opt);
}

static void usage_more(FILE *f);

/* The combinations the table cannot refuse, and the defaults that depend
 * on other options. */
static void finish_args(struct config *c)
{
    if (c->traffic_spec && strcmp(c->traffic_spec, "same") == 0)
        c->traffic_spec = NULL;
    if (c->load_threads && c->nload_cpus)
        cxs_usage_die("--load-threads and --load-cpus do not go together");
    if (!c->nkinds)
        c->kinds[c->nkinds++] = CXS_K_READ;
    if (!c->have_delays) {
        if (c->cycles)
            cxs_usage_die("--delay-unit cycles needs --delays (the default list is in ns)");
        c->ndelays = sizeof mlc_delays_ns / sizeof mlc_delays_ns[0];
        memcpy(c->delays, mlc_delays_ns, sizeof mlc_delays_ns);
    }
    if (c->std.matrix && c->chase_cpu >= 0)
        cxs_usage_die("--chase-cpu %d is one CPU and --matrix measures from every CPU node: give "
                      "one of them",
                      c->chase_cpu);
    if (c->std.matrix && !c->std.cpu_spec)
        c->std.cpu_spec = "all";
    c->loads = (c->loads + CXS_CHASE_UNROLL - 1) / CXS_CHASE_UNROLL * CXS_CHASE_UNROLL;
}

static void parse_args(int argc, char **argv, struct config *c)
{
    *c = (struct config){.isa = -1,
                         .burst = 4096,
                         .loads = 1000000,
                         .chase_cpu = -1,
                         .std = {.mem_spec = "all",
                                 .repeat = 51,
                                 .min_samples = 7,
                                 .seed = 1,
                                 .stride = CXS_LINE,
                                 .budget_s = 2.0,
                                 .format = CXS_FMT_CSV}};
    const struct cxs_opt opts[] = {
        CXS_O_STD(CXS_OPT_CPU, "CPU node of the chase and, by default, the load threads. Default: "
                               "--chase-cpu's node, else the node of the CPU we start on; "
                               "--matrix: all."),
        CXS_O_STD(CXS_OPT_MEM, "node(s) the chase measures: IDs, ranges, all, or a class (ldram, "
                               "rdram, cxl, cpuless). Default: all."),
        CXS_O_STR("traffic-node", &c->traffic_spec, "SPEC",
                  "node(s) the load threads stream from and to: same (the chase's node, the "
                  "default), IDs, ranges, all, or a class. Every chase node is paired with every "
                  "traffic node."),
        CXS_O_STD(CXS_OPT_MATRIX, "every CPU node (as --cpu-node all)."),
        CXS_O_INT("chase-cpu", &c->chase_cpu, 0, CPU_SETSIZE - 1, "CPU",
                  "the chase's CPU (default: the last CPU of the CPU node); it must be on the CPU "
                  "node (exit 2 names its node) and does not go with --matrix."),
        CXS_O_INT("load-threads", &c->load_threads, 1, MAX_LOADERS, "N",
                  "N load threads on the CPU node's other CPUs, in order (default: all of them)."),
        CXS_O_CUSTOM("load-cpus", load_cpus_arg, c, "LIST",
                     "the load threads' CPUs, e.g. 0-5,8 (any node; not the chase CPU). One "
                     "thread per CPU."),
        CXS_O_CUSTOM("kind", kind_arg, c, "LIST",
                     "traffic: read, write, write-nt, copy, triad, 3:1, 2:1, 1:1 (as "
                     "cxlscope-bandwidth). Default: read."),
        CXS_O_CUSTOM("isa", isa_arg, c, "ISA",
                     "sse2, avx2 or avx512 for the load kernels (default: widest)."),
        CXS_O_CUSTOM(
            "delays", delays_arg, c, "LIST",
            "injection delays after each burst, increasing, in --delay-unit; 'mlc' "
            "(default) is 0, 50, 100, 200, 400, 700, 1000, 1500, 2000, 3000, 5000, 10000, "
            "20000, 40000, 80000 ns (0 to 80 us, MLC-style); an idle point always follows. At "
            "most 64 delays, each at most 100 ms (100000000 ns)."),
        CXS_O_CUSTOM("delay-unit", unit_arg, c, "U",
                     "ns (default) or cycles (TSC cycles, its rate measured at start; needs an "
                     "invariant TSC)."),
        CXS_O_CUSTOM("burst", burst_arg, c, "SIZE",
                     "bytes each load thread streams per array between two delays (default 4K; a "
                     "multiple of 64)."),
        CXS_O_SIZE("size", &c->size, 0, "SIZE",
                   "chase buffer (default 4x the last-level cache, at least 256M); K = 1024."),
        CXS_O_SIZE("traffic-size", &c->traffic_size, 0, "SIZE",
                   "memory for all load threads' arrays together (default 4x the LLC, at least "
                   "64M)."),
        CXS_O_U64("loads", &c->loads, 32, UINT64_C(1) << 40, "N",
                  "dependent loads per chase sample (default 1000000)."),
        CXS_O_STD(CXS_OPT_STRIDE, "spacing of the chase cycle's elements, as "
                                  "cxlscope-latency's --stride (see there)."),
        CXS_O_STD(CXS_OPT_PREFETCH, "off, on or keep (default), on the chase's and the load "
                                    "threads' CPUs alike (as Intel MLC does); see "
                                    "cxlscope-latency --help."),
        CXS_O_STD(CXS_OPT_DIST, "after each delay's chase samples, as many again timed in "
                                "blocks of N loads (see cxlscope-latency): the dist_ columns "
                                "per delay and, with --output, loaded_dist.csv. Latency and "
                                "traffic are measured as without it."),
        CXS_O_STD(CXS_OPT_PAGE, "4k (default), thp, 2m or 1g, for both buffers."),
        CXS_O_STD(CXS_OPT_FALLBACK, NULL),
        CXS_O_STD(CXS_OPT_RESERVE, NULL),
        CXS_O_STD(CXS_OPT_REPEAT, "at most N chase samples per delay"),
        CXS_O_STD(CXS_OPT_MIN, "at least N chase samples per delay"),
        CXS_O_STD_NODEFAULT(CXS_OPT_BUDGET,
                            "stop sampling a delay's point after SEC seconds once --min-samples "
                            "are in (default 2), or earlier at a CI within 1 %."),
        CXS_O_STD(CXS_OPT_SEED, "seed of the chase cycle"),
        CXS_O_STD(CXS_OPT_OUTPUT, "DIR/loaded.csv and DIR/meta.json; rows flushed as measured."),
        CXS_O_STD(CXS_OPT_FORMAT, NULL),
        CXS_O_STD(CXS_OPT_QUIET, "nothing on stdout."),
        CXS_O_STD(CXS_OPT_HELP, NULL),
        CXS_O_STD(CXS_OPT_VERSION, NULL),
        CXS_O_END,
    };
    const struct cxs_optspec spec = {
        .head = usage_head, .more = usage_more, .tail = usage_tail, .std = &c->std};
    optind = cxs_opts_parse(argc, argv, opts, &spec);
    cxs_std_end(argc, argv, &c->std);
    finish_args(c);
}

/* --help after the options: the columns and what some hold. */
static void usage_more(FILE *f)
{
    fputc('\n', f);
    cxs_cols_list(f, "Columns of loaded.csv (one row per delay per node pair and kind)",
                  cxs_cols_loaded, cxs_ncols_loaded);
    cxs_cols_list(f, "loaded_dist.csv (--distribution, --output)", cxs_cols_loaded_dist,
                  cxs_ncols_loaded_dist);
    fputc('\n', f);
    const struct cxs_col *lists[] = {cxs_cols_loaded, cxs_cols_loaded_dist};
    const size_t n[] = {cxs_ncols_loaded, cxs_ncols_loaded_dist};
    cxs_cols_describe(f, lists, n, 2);
    fputs("\nThe load kernels' results are validated when they stop.\n", f);
}

/* ---- the team: member 0 chases and runs the sweep, the others load ------- */

enum phase { PH_WAIT, PH_RUN, PH_STOP, PH_ABORT };

struct loader {
    int cpu;
    struct cxs_buf buf;
    int have_buf;
    struct cxs_stream_args x;
    double rate;             /* spin iterations per ns on this CPU */
    _Atomic uint64_t spin;   /* iterations to spin after each burst */
    _Atomic uint64_t bursts; /* bursts done, published after each */
    uint64_t passes;         /* whole passes over the arrays */
    double last_pass_sum;    /* read: the sum of the last whole pass */
    char msg[512];
} __attribute__((aligned(128)));

struct sweep {
    const struct config *c;
    enum cxs_kind kind;
    enum cxs_isa isa;
    cxs_stream_kernel fn;
    int cpu_node, chase_cpu, mem_node, traffic_node;
    size_t nload;
    struct loader *ld;
    size_t burst_doubles, doubles; /* per burst, per array of each loader */
    const int *load_cpus;
    uint64_t retaken; /* chase samples taken again: a load thread finished no burst */
    _Atomic int phase, ready, done, failed;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    char msg[512]; /* the chase's failure */
    int rc;
};

static int alloc_on(const struct config *c, int node, uint64_t size, struct cxs_buf *b, char *err,
                    size_t errlen)
{
    struct cxs_alloc_req q = {.size = size,
                              .policy = CXS_POL_BIND,
                              .nnodes = 1,
                              .page = c->std.page,
                              .allow_fallback = c->std.allow_fallback,
                              .reserve_hugepages = c->std.reserve_hugepages};
    q.nodes[0] = node;
    return cxs_buf_alloc(&cxs_run.topo, &q, b, err, errlen);
}

static void set_phase(struct sweep *s, enum phase p)
{
    pthread_mutex_lock(&s->lock);
    atomic_store(&s->phase, p);
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

/* Sleep s seconds in short slices, returning early on Ctrl-C (the signal
 * may reach another thread, so a plain nanosleep would not wake). */
static void nap(double s)
{
    while (s > 0 && !cxs_stop_requested()) {
        double d = s < 0.01 ? s : 0.01;
        struct timespec ts = {0, (long)(d * 1e9)};
        nanosleep(&ts, NULL);
        s -= d;
    }
}

/* Sleep-poll until *v reaches want (the loaders count themselves in). */
static void wait_count(_Atomic int *v, int want)
{
    struct timespec ms = {0, 1000000};
    while (atomic_load(v) < want)
        nanosleep(&ms, NULL);
}

/* A load thread: allocate and fill its arrays (first touch on its CPU),
 * wait for the sweep, then burst, spin, burst... until told to stop; it
 * finishes the pass it is in (at full speed) so that its arrays can be
 * validated after a whole number of passes. */
static int load_main(struct sweep *s, struct loader *l)
{
    int rc = alloc_on(s->c, s->traffic_node, (uint64_t)cxs_stream_narrays(s->kind) * s->doubles * 8,
                      &l->buf, l->msg, sizeof l->msg);
    if (!rc) {
        l->have_buf = 1;
        cxs_stream_place(s->kind, l->buf.p, s->doubles, &l->x);
        cxs_stream_init(s->kind, &l->x);
        l->rate = cxs_spin_calibrate();
        if (!(l->rate > 0)) {
            snprintf(l->msg, sizeof l->msg, "the delay spin could not be calibrated");
            rc = CXS_EXIT_FAIL;
        }
    }
    if (rc)
        atomic_store(&s->failed, 1);
    atomic_fetch_add(&s->ready, 1);
    if (rc)
        return rc;
    pthread_mutex_lock(&s->lock);
    while (atomic_load(&s->phase) == PH_WAIT)
        pthread_cond_wait(&s->cond, &s->lock);
    pthread_mutex_unlock(&s->lock);

    size_t pos = 0;
    uint64_t nb = 0;
    double pass_sum = 0;
    for (;;) {
        int ph = atomic_load_explicit(&s->phase, memory_order_relaxed);
        if (ph == PH_ABORT || (ph == PH_STOP && pos == 0 && l->passes))
            break;
        pass_sum += cxs_stream_range(s->fn, &l->x, pos, s->burst_doubles);
        pos += s->burst_doubles;
        if (pos == l->x.n) {
            pos = 0;
            l->passes++;
            l->last_pass_sum = pass_sum;
            pass_sum = 0;
        }
        atomic_store_explicit(&l->bursts, ++nb, memory_order_relaxed);
        if (ph == PH_RUN)
            cxs_spin(atomic_load_explicit(&l->spin, memory_order_relaxed));
    }
    if (atomic_load(&s->phase) != PH_ABORT &&
        cxs_stream_check(s->kind, &l->x, l->passes, l->last_pass_sum, l->msg, sizeof l->msg)) {
        atomic_store(&s->failed, 1);
        rc = CXS_EXIT_FAIL;
    }
    atomic_fetch_add(&s->done, 1);
    return rc;
}

/* The chase's state over one point: the kept samples' time and, per load
 * thread, the bursts finished while they ran. */
struct chaser {
    void *p;
    uint64_t loads;
    struct sweep *s;       /* the load threads to watch; NULL at the idle point */
    uint64_t ticks;        /* the kept samples' time */
    uint64_t *bursts;      /* [nload]: bursts finished during the kept samples */
    uint64_t *before, *at; /* [nload]: counts at a sample's start and end */
    uint64_t block;        /* this pass's loads per timed block; 0: whole samples */
    uint64_t dist_block;   /* --distribution: N; 0 = off */
    struct cxs_hist *hist; /* the point's distribution samples' blocks */
};

/* --distribution: the timer's own cost per block (hist.h), measured once. */
static uint64_t block_overhead;

/* One sample's loads, timed as one (the ticks returned), or, in a
 * distribution pass, block by block into h. */
static uint64_t timed_loads(struct chaser *ch, struct cxs_hist *h)
{
    uint64_t t0 = cxs_time_begin();
    if (ch->block)
        ch->p = cxs_chase_blocks(ch->p, ch->loads, ch->block, block_overhead, h, NULL);
    else
        ch->p = cxs_chase(ch->p, ch->loads);
    return cxs_time_end() - t0;
}

static void burst_counts(const struct sweep *s, uint64_t *v)
{
    for (size_t i = 0; i < s->nload; i++)
        v[i] = atomic_load_explicit(&s->ld[i].bursts, memory_order_relaxed);
}

/* The first load thread that finished no burst between before and at, or -1. */
static int idle_loader(size_t n, const uint64_t *before, const uint64_t *at)
{
    for (size_t i = 0; i < n; i++)
        if (at[i] == before[i])
            return (int)i;
    return -1;
}

/* One chase sample. Under load it counts only if every load thread
 * finished a burst while it ran: a sample during which a load thread got no
 * CPU time (its CPU shared with other work) or sat in a delay longer than
 * the sample measured no load, and is taken again (counted in
 * s->retaken). A kept sample adds its time and bursts to ch. A load thread
 * that finishes no burst for STALL_S ends the run (positive return, the
 * reason in s->msg); Ctrl-C ends the retakes. */
static int chase_sample(void *ctx, double *ns_per_load)
{
    struct chaser *ch = ctx;
    struct sweep *s = ch->s;
    size_t n = s ? s->nload : 0;
    double since = s ? cxs_now_s() : 0;
    static struct cxs_hist h; /* this sample's blocks, kept only with it */
    for (;;) {
        if (s)
            burst_counts(s, ch->before);
        cxs_hist_reset(&h);
        uint64_t ticks = timed_loads(ch, &h);
        if (s)
            burst_counts(s, ch->at);
        int idle = idle_loader(n, ch->before, ch->at);
        if (idle < 0 && ch->block) { /* a distribution sample: its blocks only */
            cxs_hist_merge(ch->hist, &h);
            return 0;
        }
        if (idle < 0) {
            for (size_t i = 0; i < n; i++)
                ch->bursts[i] += ch->at[i] - ch->before[i];
            ch->ticks += ticks;
            *ns_per_load = cxs_ticks_to_ns(ticks) / (double)ch->loads;
            return 0;
        }
        s->retaken++;
        if (cxs_stop_requested())
            return CXS_EXIT_INTERRUPTED;
        if (cxs_now_s() - since > STALL_S) {
            snprintf(s->msg, sizeof s->msg,
                     "the load thread on CPU %d finished no burst in %.0f s (is its CPU held by "
                     "other work?)",
                     s->ld[idle].cpu, STALL_S);
            atomic_store(&s->failed, 1);
            return CXS_EXIT_FAIL;
        }
    }
}

/* What one point of the curve measured. */
struct point {
    int idle;
    uint64_t delay;
    double delay_ns;
    double traffic_gbps, chase_gbps;
    char thread_gbps[4096];
    struct cxs_summary lat;
    const struct cxs_hist *hist; /* --distribution: the distribution pass's blocks */
};

static void emit(const struct sweep *s, const struct cxs_buf *cb, const struct point *p);

/* --distribution: as many chase samples again as the point took, timed
 * block by block into its histogram (under load, each one kept only if
 * every load thread finished a burst during it, as the others), so the
 * point's latency and rates are measured exactly as without it. Nonzero:
 * interrupted or failed. */
static int distribution_pass(struct chaser *ch, size_t taken)
{
    double unused;
    ch->block = ch->dist_block;
    for (size_t i = 0; ch->block && i < taken; i++)
        if (chase_sample(ch, &unused) || cxs_stop_requested()) {
            ch->block = 0;
            return -1;
        }
    ch->block = 0;
    return 0;
}

/* One point: delay set (or no load threads at all), settle, then the chase
 * samples; the traffic is what the load threads moved while the kept
 * samples ran, over their time (as the chase's own). */
static int measure_point(struct sweep *s, struct chaser *ch, struct point *pt, double *samples)
{
    const struct config *c = s->c;
    if (!pt->idle) {
        for (size_t i = 0; i < s->nload; i++)
            atomic_store(&s->ld[i].spin, cxs_spin_iters(pt->delay_ns, s->ld[i].rate));
        nap(SETTLE_S + 2e-9 * pt->delay_ns);
    }
    struct cxs_adaptive a = {c->std.min_samples, c->std.repeat, c->std.budget_s, 0.01};
    size_t taken = 0;
    ch->s = pt->idle ? NULL : s;
    ch->ticks = 0;
    cxs_hist_reset(ch->hist);
    pt->hist = ch->hist;
    memset(ch->bursts, 0, s->nload * sizeof *ch->bursts);
    int rc = cxs_sample_adaptive(&a, chase_sample, ch, samples, &taken, &pt->lat);
    if (rc || taken < c->std.min_samples)
        return -1; /* interrupted (or failed): not a result */
    if (distribution_pass(ch, taken))
        return -1;
    double secs = cxs_ticks_to_ns(ch->ticks) * 1e-9;
    pt->chase_gbps = (double)taken * (double)ch->loads * CXS_LINE / secs / 1e9;
    pt->traffic_gbps = 0;
    pt->thread_gbps[0] = '\0';
    const struct cxs_stream_kind *k = &cxs_stream_kinds[s->kind];
    double burst_bytes = (double)s->burst_doubles * 8 * (k->nread + k->nwrite);
    size_t o = 0;
    for (size_t i = 0; !pt->idle && i < s->nload; i++) {
        double g = (double)ch->bursts[i] * burst_bytes / secs / 1e9;
        pt->traffic_gbps += g;
        if (o < sizeof pt->thread_gbps)
            o += (size_t)snprintf(pt->thread_gbps + o, sizeof pt->thread_gbps - o, "%s%.2f",
                                  i ? "+" : "", g);
    }
    return 0;
}

static int chase_main(struct sweep *s)
{
    const struct config *c = s->c;
    struct cxs_buf cb = {0};
    double *samples = NULL;
    static struct cxs_hist hist; /* the point's (one sweep at a time) */
    struct chaser ch = {.loads = c->loads,
                        .bursts = calloc(3 * s->nload + 1, sizeof *ch.bursts),
                        .dist_block = c->std.distribution,
                        .hist = &hist};
    if (ch.dist_block && !block_overhead)
        block_overhead = cxs_dist_overhead(c->std.distribution);
    int rc = alloc_on(c, s->mem_node, c->size, &cb, s->msg, sizeof s->msg);
    if (rc)
        goto out;
    ch.before = ch.bursts + s->nload;
    ch.at = ch.before + s->nload;
    struct cxs_pattern pat;
    cxs_pattern_parse("random", &pat, s->msg, sizeof s->msg);
    pat.stride = (size_t)c->std.stride;
    void *start;
    size_t n = cxs_chase_build(cb.p, cb.size, &pat, 0, c->std.seed, &start, s->msg, sizeof s->msg);
    if (n)
        ch.p = cxs_chase_check(cb.p, cb.size, pat.stride, start, n, n < (1u << 20) ? n : (1u << 20),
                               s->msg, sizeof s->msg);
    samples = malloc(c->std.repeat * sizeof *samples);
    if (!n || !ch.p || !samples || !ch.bursts) {
        if (!samples || !ch.bursts)
            snprintf(s->msg, sizeof s->msg, "out of memory");
        rc = CXS_EXIT_FAIL;
        goto out;
    }
    wait_count(&s->ready, (int)s->nload);
    if (atomic_load(&s->failed)) {
        rc = CXS_EXIT_FAIL;
        goto out;
    }
    set_phase(s, PH_RUN);
    for (size_t d = 0; d < c->ndelays && !cxs_stop_requested(); d++) {
        struct point pt = {.delay = c->delays[d]};
        pt.delay_ns =
            c->cycles ? (double)pt.delay / cxs_timer_info()->ticks_per_ns : (double)pt.delay;
        if (atomic_load(&s->failed))
            break;
        if (measure_point(s, &ch, &pt, samples) == 0)
            emit(s, &cb, &pt);
    }
    set_phase(s, PH_STOP);
    wait_count(&s->done, (int)s->nload);
    if (atomic_load(&s->failed)) {
        rc = CXS_EXIT_FAIL;
        goto out;
    }
    if (!cxs_stop_requested()) {
        struct point pt = {.idle = 1};
        if (measure_point(s, &ch, &pt, samples) == 0)
            emit(s, &cb, &pt);
    }
out:
    if (rc)
        set_phase(s, PH_ABORT);
    free(samples);
    free(ch.bursts);
    if (cb.p)
        cxs_buf_free(&cb);
    return rc;
}

static int member(int i, void *arg)
{
    struct sweep *s = arg;
    if (i == 0)
        return s->rc = chase_main(s);
    return load_main(s, &s->ld[i - 1]);
}

/* ---- rows ---------------------------------------------------------------- */

static struct cxs_row *row; /* loaded.csv's (common/columns.h); the chase thread sets it */

static void join_ints(char *buf, size_t len, const int *v, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%d", i ? "+" : "", v[i]);
}

/* The row's labels: who ran where, against what, with which buffers. */
static void label_cols(const struct sweep *s, const struct cxs_buf *cb, const struct point *p)
{
    const struct cxs_topo *t = &cxs_run.topo;
    static char buf[4096];
    cxs_row_int(row, "cpu_node", s->cpu_node);
    cxs_row_int(row, "chase_cpu", s->chase_cpu);
    cxs_row_int(row, "mem_node", s->mem_node);
    cxs_row_str(row, "mem_class", cxs_class_name(cxs_topo_classify(t, s->mem_node, s->cpu_node)));
    cxs_row_int(row, "traffic_node", s->traffic_node);
    cxs_class_of_cpus(t, s->traffic_node, s->load_cpus, s->nload, buf, 64);
    cxs_row_str(row, "traffic_class", buf);
    cxs_row_str(row, "kind", cxs_stream_kinds[s->kind].name);
    cxs_row_str(row, "isa", cxs_isa_name(s->isa));
    cxs_row_u64(row, "load_threads", p->idle ? 0 : s->nload);
    if (p->idle) {
        cxs_row_empty(row, "load_cpus");
    } else {
        join_ints(buf, sizeof buf, s->load_cpus, s->nload);
        cxs_row_str(row, "load_cpus", buf);
    }
    cxs_row_u64(row, "burst_bytes", s->burst_doubles * 8);
    if (p->idle)
        cxs_row_str(row, "delay", "idle");
    else
        cxs_row_u64(row, "delay", p->delay);
    cxs_row_str(row, "delay_unit", s->c->cycles ? "cycles" : "ns");
    if (p->idle)
        cxs_row_empty(row, "delay_ns");
    else
        cxs_row_fixed(row, "delay_ns", 1, p->delay_ns);
    cxs_row_str(row, "page_size_req", cxs_page_name(cb->page));
    cxs_row_str(row, "page_size_used", cb->page_used);
    cxs_row_u64(row, "chase_bytes", cb->size);
}

/* loaded_dist.csv (--distribution with --output): a point's histogram, keyed
 * as its loaded.csv row. */
static struct cxs_row *dist_row;
static struct cxs_out *dist_out;
struct keyed {
    const struct sweep *s;
    const struct point *p;
};

static void dist_key(struct cxs_row *r, const void *ctx)
{
    const struct keyed *k = ctx;
    const struct sweep *s = k->s;
    const struct cxs_topo *t = &cxs_run.topo;
    char buf[64];
    cxs_row_int(r, "cpu_node", s->cpu_node);
    cxs_row_int(r, "chase_cpu", s->chase_cpu);
    cxs_row_int(r, "mem_node", s->mem_node);
    cxs_row_str(r, "mem_class", cxs_class_name(cxs_topo_classify(t, s->mem_node, s->cpu_node)));
    cxs_row_int(r, "traffic_node", s->traffic_node);
    cxs_class_of_cpus(t, s->traffic_node, s->load_cpus, s->nload, buf, sizeof buf);
    cxs_row_str(r, "traffic_class", buf);
    cxs_row_str(r, "kind", cxs_stream_kinds[s->kind].name);
    if (k->p->idle)
        cxs_row_str(r, "delay", "idle");
    else
        cxs_row_u64(r, "delay", k->p->delay);
    cxs_row_str(r, "delay_unit", s->c->cycles ? "cycles" : "ns");
    cxs_row_u64(r, "stride_bytes", s->c->std.stride);
}

/* The prefetchers read back on the chase's CPU and, under load, the load
 * threads'. */
static void prefetch_col(const struct sweep *s, const struct point *p)
{
    int cpus[MAX_LOADERS + 1];
    size_t n = p->idle ? 0 : s->nload;
    cpus[0] = s->chase_cpu;
    memcpy(cpus + 1, s->load_cpus, n * sizeof *cpus);
    cxs_row_str(row, "prefetchers", cxs_pf_state(cpus, n + 1));
}

/* One row: the labels, the buffers' placement, what the point measured. */
static void emit(const struct sweep *s, const struct cxs_buf *cb, const struct point *p)
{
    double ton = 0;
    uint64_t tbytes = 0;
    for (size_t i = 0; i < s->nload; i++) {
        ton += cxs_buf_on_node_pct(&s->ld[i].buf) / (double)s->nload;
        tbytes += s->ld[i].buf.size;
    }
    label_cols(s, cb, p);
    cxs_row_u64(row, "traffic_bytes", tbytes);
    cxs_row_fixed(row, "on_node_pct", 1, cxs_buf_on_node_pct(cb));
    cxs_row_fixed(row, "traffic_on_node_pct", 1, ton);
    if (p->idle) {
        cxs_row_empty(row, "traffic_gbps");
        cxs_row_empty(row, "traffic_thread_gbps");
    } else {
        cxs_row_fixed(row, "traffic_gbps", 4, p->traffic_gbps);
        cxs_row_str(row, "traffic_thread_gbps", p->thread_gbps);
    }
    cxs_row_fixed(row, "chase_gbps", 3, p->chase_gbps);
    cxs_row_fixed(row, "total_gbps", 4, p->traffic_gbps + p->chase_gbps);
    cxs_row_summary(row, "latency_ns", "ns", 4, CXS_SUM_PCT, &p->lat);
    cxs_row_u64(row, "stride_bytes", s->c->std.stride);
    cxs_dist_cols(row, s->c->std.distribution, p->hist);
    prefetch_col(s, p);
    cxs_run_row(cxs_row_take(row));
    const struct keyed k = {s, p};
    cxs_dist_rows(dist_out, dist_row, p->hist, dist_key, &k);
}

/* ---- nodes and CPUs ------------------------------------------------------ */

static _Noreturn void die_rc(int rc, const char *err)
{
    if (rc == CXS_EXIT_SKIP)
        cxs_skip("%s", err);
    cxs_usage_die("%s", err);
}

/* The CPU nodes: --cpu-node (--matrix: all), else --chase-cpu's node, else
 * the node we start on. */
static size_t select_cpu_nodes(const struct config *c, int *out)
{
    char err[1024];
    size_t n;
    int rc = cxs_tgt_cpu_nodes(&cxs_run.topo, c->std.cpu_spec, &c->chase_cpu, c->chase_cpu >= 0,
                               out, CXS_MAX_NODES, &n, err, sizeof err);
    if (rc)
        die_rc(rc, err);
    return n;
}

static size_t select_mem(const char *what, const char *spec, int cpu_node, int *out)
{
    char err[2048];
    size_t n;
    int rc =
        cxs_tgt_mem_nodes(&cxs_run.topo, spec, cpu_node, out, CXS_MAX_NODES, &n, err, sizeof err);
    if (rc && strncmp(err, "--mem-node: ", 12) == 0) { /* name the option that asked */
        char msg[2100];
        snprintf(msg, sizeof msg, "%s: %s", what, err + 12);
        die_rc(rc, msg);
    }
    if (rc)
        die_rc(rc, err);
    return n;
}

/* The chase CPU and the load CPUs for one CPU node; dies on bad input. The
 * chase CPU is on the CPU node (its class is the row's); load CPUs given
 * with --load-cpus may be anywhere (traffic_class follows them). */
static size_t pick_cpus(const struct config *c, const struct cxs_node *cn, int *chase, int *load)
{
    char err[512];
    *chase = c->chase_cpu >= 0 ? c->chase_cpu : cxs_node_pick_cpu(cn);
    if (*chase < 0)
        cxs_usage_die("--cpu-node: none of node %d's CPUs is in this process's CPU affinity",
                      cn->id);
    if (cxs_tgt_check_cpus(&cxs_run.topo, "--chase-cpu", chase, 1, cn->id, err, sizeof err))
        cxs_usage_die("%s", err);
    size_t n = 0;
    if (c->nload_cpus) {
        for (size_t i = 0; i < c->nload_cpus; i++) {
            if (c->load_cpus[i] == *chase)
                cxs_usage_die("--load-cpus: CPU %d is the chase's CPU", *chase);
            if (!cxs_cpu_allowed(c->load_cpus[i]))
                cxs_usage_die("--load-cpus: CPU %d is not one this process may run on",
                              c->load_cpus[i]);
            load[n++] = c->load_cpus[i];
        }
        return n;
    }
    for (int i = 0; i < cn->ncpus && n < MAX_LOADERS; i++)
        if (cn->cpus[i] != *chase && cxs_cpu_allowed(cn->cpus[i]))
            load[n++] = cn->cpus[i];
    if (n == 0)
        cxs_usage_die("no CPU left for load threads: node %d's only usable CPU runs the chase "
                      "(give --load-cpus from another node)",
                      cn->id);
    if (c->load_threads) {
        if ((size_t)c->load_threads > n)
            cxs_usage_die("--load-threads %d: node %d has only %zu CPUs besides the chase's "
                          "(CPU %d)",
                          c->load_threads, cn->id, n, *chase);
        n = (size_t)c->load_threads;
    }
    return n;
}

/* The (chase node, traffic node) pairs of one CPU node, in row order, each
 * a target prechecked for its two buffers. */
static void plan_pairs(const struct config *c, int cpu_node, int chase, struct cxs_targets *ts)
{
    int mem[CXS_MAX_NODES], traffic[CXS_MAX_NODES];
    size_t nmem = select_mem("--mem-node", c->std.mem_spec, cpu_node, mem), ntraffic = 1;
    if (c->traffic_spec)
        ntraffic = select_mem("--traffic-node", c->traffic_spec, cpu_node, traffic);
    for (size_t m = 0; m < nmem; m++)
        for (size_t tn = 0; tn < ntraffic; tn++) {
            struct cxs_target tg = {.cpu_node = cpu_node,
                                    .cpu = chase,
                                    .nmem = 2,
                                    .mem = {mem[m], c->traffic_spec ? traffic[tn] : mem[m]},
                                    .page = c->std.page,
                                    .bytes = c->size,
                                    .bytes2 = c->traffic_size};
            cxs_targets_add(ts, &tg);
        }
}

/* Everything checked before anything is measured: CPUs, nodes, sizes, and
 * each pair's capacity (a pair that cannot be measured is named and left
 * out). */
static void plan_targets(const struct config *c, const int *cpu_nodes, size_t ncpu,
                         struct cxs_targets *ts)
{
    static int load_cpus[MAX_LOADERS];
    for (size_t ci = 0; ci < ncpu; ci++) {
        const struct cxs_node *cn = cxs_topo_node(&cxs_run.topo, cpu_nodes[ci]);
        int chase;
        size_t nl = pick_cpus(c, cn, &chase, load_cpus);
        plan_pairs(c, cn->id, chase, ts);
        for (size_t k = 0; k < c->nkinds; k++) {
            uint64_t per = c->traffic_size / nl / (uint64_t)cxs_stream_narrays(c->kinds[k]);
            if (per < c->burst)
                cxs_usage_die("--traffic-size %" PRIu64 " B is too small for %zu load threads x "
                              "%d arrays of at least one %" PRIu64 " B burst",
                              c->traffic_size, nl, cxs_stream_narrays(c->kinds[k]), c->burst);
        }
    }
    struct cxs_precheck pc = {CXS_POL_BIND, c->std.allow_fallback, c->std.reserve_hugepages};
    char err[1024];
    if (cxs_targets_precheck(&cxs_run.topo, ts, &pc, err, sizeof err))
        cxs_usage_die("%s", err);
    cxs_tgt_unusable_notes(&cxs_run.topo, c->std.mem_spec);
    cxs_targets_report(ts);
}

static uint64_t samples_retaken; /* over all sweeps: see chase_sample() */

/* One sweep (a kind, a chase node, a traffic node): the chase and the load
 * threads as one team on cpus (the chase first); a failure ends the run,
 * naming the thread it came from. */
static void run_sweep(struct sweep *s, const int *cpus)
{
    s->fn = cxs_stream_fn(s->kind, s->isa);
    uint64_t per = s->c->traffic_size / s->nload / (uint64_t)cxs_stream_narrays(s->kind);
    s->doubles = (size_t)(per / s->c->burst * s->c->burst / 8);
    s->ld = aligned_alloc(128, s->nload * sizeof *s->ld);
    if (!s->ld)
        cxs_run_fail(CXS_EXIT_FAIL, "out of memory");
    memset(s->ld, 0, s->nload * sizeof *s->ld);
    for (size_t i = 0; i < s->nload; i++)
        s->ld[i].cpu = s->load_cpus[i];
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    int rc = cxs_team_run(s->nload + 1, cpus, member, s);
    samples_retaken += s->retaken;
    char msg[600] = "";
    if (rc) {
        if (s->msg[0])
            snprintf(msg, sizeof msg, "chase on node %d: %s", s->mem_node, s->msg);
        for (size_t i = 0; i < s->nload && !msg[0]; i++)
            if (s->ld[i].msg[0])
                snprintf(msg, sizeof msg, "load thread on CPU %d: %s", s->ld[i].cpu, s->ld[i].msg);
        if (!msg[0])
            snprintf(msg, sizeof msg, "could not start %zu threads", s->nload + 1);
    }
    for (size_t i = 0; i < s->nload; i++)
        if (s->ld[i].have_buf)
            cxs_buf_free(&s->ld[i].buf);
    free(s->ld);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
    if (rc)
        cxs_run_fail(rc > 0 ? rc : CXS_EXIT_FAIL, "%s", msg);
}

/* --prefetchers on every CPU the sweeps use: the chase's and the load
 * threads' of each CPU node (as MLC does for loaded latency). */
static void set_prefetchers(const struct config *c, const int *cpu_nodes, size_t ncpu)
{
    static int load_cpus[MAX_LOADERS];
    int *all = malloc(ncpu * (MAX_LOADERS + 1) * sizeof *all);
    size_t n = 0;
    if (!all)
        cxs_die("out of memory");
    for (size_t ci = 0; ci < ncpu; ci++) {
        int chase;
        size_t nl = pick_cpus(c, cxs_topo_node(&cxs_run.topo, cpu_nodes[ci]), &chase, load_cpus);
        all[n++] = chase;
        memcpy(all + n, load_cpus, nl * sizeof *all);
        n += nl;
    }
    cxs_run_prefetchers(c->std.prefetchers, all, n);
    free(all);
}

/* Per CPU node: kind by kind, every pair not skipped. */
static void measure_all(const struct config *c, enum cxs_isa isa, const int *cpu_nodes, size_t ncpu,
                        const struct cxs_targets *ts)
{
    static int load_cpus[MAX_LOADERS];
    for (size_t ci = 0; ci < ncpu && !cxs_stop_requested(); ci++) {
        const struct cxs_node *cn = cxs_topo_node(&cxs_run.topo, cpu_nodes[ci]);
        int chase;
        size_t nl = pick_cpus(c, cn, &chase, load_cpus);
        int cpus[MAX_LOADERS + 1];
        cpus[0] = chase;
        memcpy(cpus + 1, load_cpus, nl * sizeof *cpus);
        for (size_t k = 0; k < c->nkinds && !cxs_stop_requested(); k++)
            for (size_t i = 0; i < ts->n && !cxs_stop_requested(); i++) {
                const struct cxs_target *tg = &ts->v[i];
                if (tg->skip || tg->cpu_node != cn->id)
                    continue;
                struct sweep s = {.c = c,
                                  .kind = (enum cxs_kind)c->kinds[k],
                                  .isa = isa,
                                  .cpu_node = cn->id,
                                  .chase_cpu = chase,
                                  .mem_node = tg->mem[0],
                                  .traffic_node = tg->mem[1],
                                  .nload = nl,
                                  .load_cpus = load_cpus,
                                  .burst_doubles = c->burst / 8};
                run_sweep(&s, cpus);
            }
    }
}

/* The ISA of the load kernels: --isa, else the widest; one this CPU lacks
 * skips the run (77). */
static enum cxs_isa pick_isa(const struct config *c)
{
    enum cxs_isa isa = c->isa >= 0 ? (enum cxs_isa)c->isa : cxs_isa_best();
    if (!cxs_isa_supported(isa))
        cxs_skip("--isa %s: this CPU does not have it", cxs_isa_name(isa));
    return isa;
}

/* --size and --traffic-size when not given: 4x the last-level cache, at
 * least 256M and 64M. Returns 4x the LLC. */
static uint64_t default_sizes(struct config *c)
{
    uint64_t llc4 = 4 * cxs_llc_total_bytes();
    if (!c->size)
        c->size = llc4 > (UINT64_C(256) << 20) ? llc4 : UINT64_C(256) << 20;
    if (!c->traffic_size)
        c->traffic_size = llc4 > (UINT64_C(64) << 20) ? llc4 : UINT64_C(64) << 20;
    if (c->size < 2 * c->std.stride)
        cxs_usage_die("--size %" PRIu64 " holds fewer than two elements of --stride %" PRIu64
                      " bytes",
                      c->size, c->std.stride);
    return llc4;
}

/* Ctrl-C and the timer; the delays checked against its rate. */
static void start_clock(const struct config *c)
{
    cxs_interrupt_install();
    cxs_timer_init();
    if (c->cycles && strcmp(cxs_timer_info()->source, "tsc") != 0)
        cxs_usage_die("--delay-unit cycles: no invariant TSC here; give the delays in ns");
    check_delays(c);
}

/* meta.json's note when the chase buffer is small enough to hit the caches,
 * then loaded.csv and meta.json opened. */
static void open_output(const struct config *c, uint64_t llc4, int argc, char **argv)
{
    static char size_note[200];
    if (c->size < llc4) {
        snprintf(size_note, sizeof size_note,
                 "chase buffer %" PRIu64 " B is less than 4x the last-level cache (4 x %" PRIu64
                 " B): the latency includes cache hits",
                 c->size, llc4 / 4);
        cxs_run_note(size_note);
    }
    row = cxs_row_new("loaded.csv", cxs_cols_loaded, cxs_ncols_loaded);
    cxs_run_open(c->std.outdir, "loaded", "loaded.csv", cxs_row_names(row), cxs_row_ncols(row),
                 c->std.quiet, c->std.format, argc, argv);
    if (c->std.distribution) {
        dist_row = cxs_row_new("loaded_dist.csv", cxs_cols_loaded_dist, cxs_ncols_loaded_dist);
        dist_out =
            cxs_run_extra_open("loaded_dist.csv", cxs_row_names(dist_row), cxs_row_ncols(dist_row));
    }
}

/* How many chase samples were taken again (stderr and meta.json). */
static void note_retaken(void)
{
    static char note[300];
    if (!samples_retaken)
        return;
    snprintf(note, sizeof note,
             "%" PRIu64 " chase samples taken again: a load thread finished no burst while "
             "they ran (expected when a delay is longer than a sample; otherwise the load "
             "threads' CPUs are shared with other work)",
             samples_retaken);
    cxs_note("%s", note);
    cxs_run_note(note);
}

int main(int argc, char **argv)
{
    cxs_prog = "cxlscope-loaded";
    struct config c;
    parse_args(argc, argv, &c);
    cxs_run_load();
    enum cxs_isa isa = pick_isa(&c);
    uint64_t llc4 = default_sizes(&c);

    int cpu_nodes[CXS_MAX_NODES];
    size_t ncpu = select_cpu_nodes(&c, cpu_nodes);
    struct cxs_targets ts = {0};
    plan_targets(&c, cpu_nodes, ncpu, &ts);

    start_clock(&c);
    set_prefetchers(&c, cpu_nodes, ncpu);
    open_output(&c, llc4, argc, argv);
    measure_all(&c, isa, cpu_nodes, ncpu, &ts);
    note_retaken();
    cxs_targets_free(&ts);
    cxs_row_free(row);
    cxs_run_end();
}
