/* cxlscope-bandwidth — streaming bandwidth per memory node, thread scaling,
 * the CPU-node x memory-node matrix, several nodes at once (--assign) and
 * the best split of threads across nodes (--optimize). This file: the
 * options and main; the parts are named in bw.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bw.h"
#include "cli.h"
#include "interrupt.h"
#include "opts.h"
#include "timer.h"

static const char usage_head[] =
    "Usage: cxlscope-bandwidth [OPTIONS]\n"
    "\n"
    "Streaming memory bandwidth: threads pinned to CPUs of the CPU node, each\n"
    "first-touching its own slice of the buffers on the memory node, released\n"
    "together; bandwidth = bytes the kernel loads and stores / wall time of the\n"
    "slowest thread, in GB/s (1e9 B/s), total and per thread. Bytes are the\n"
    "kernel's explicit loads and stores, as STREAM and likwid-bench count them:\n"
    "the read-for-ownership of ordinary stores (write-allocate) is NOT counted,\n"
    "so write, copy and triad move more over the memory bus than reported\n"
    "(write-nt avoids it). Every kernel's result is validated after timing.\n"
    "\n"
    "Options:\n";
static const char usage_tail[] =
    "\n"
    "Exit status: 0 done; 1 measurement failed (memory short, placement wrong, a\n"
    "kernel's result wrong); 2 bad usage (e.g. more threads than CPUs, a node without\n"
    "memory); 77 skipped (an ISA this CPU lacks, no node of a class); 130 interrupted.\n"
    "A target that cannot be measured now (memory or huge pages short on its node)\n"
    "is named on stderr and in meta.json's \"skipped\" list and the others are\n"
    "measured: exit 0 when any was measured, 1 when none could be (all named).\n";

/* ---- options ------------------------------------------------------------ */

static int access_parse(const char *s)
{
    return cxs_name_lookup_exact(bw_access_names, NACCESS, s);
}

static const char *access_name(int a)
{
    return a >= 0 && a < NACCESS ? bw_access_names[a] : NULL;
}

static int add_count(const char *s, void *ctx)
{
    struct config *c = ctx;
    const char *colon = strchr(s, ':');
    uint64_t lo, hi;
    char err[160], buf[64];
    if (colon) {
        snprintf(buf, sizeof buf, "%.*s", (int)(colon - s), s);
        if (cxs_parse_u64(buf, 1, MAX_THREADS, &lo, err, sizeof err) ||
            cxs_parse_u64(colon + 1, 1, MAX_THREADS, &hi, err, sizeof err) || hi < lo) {
            fprintf(stderr, "%s: error: --threads '%s': LO:HI with 1 <= LO <= HI <= %d\n", cxs_prog,
                    s, MAX_THREADS);
            return -1;
        }
    } else if (cxs_parse_u64(s, 1, MAX_THREADS, &lo, err, sizeof err)) {
        fprintf(stderr, "%s: error: --threads '%s': %s\n", cxs_prog, s, err);
        return -1;
    } else {
        hi = lo;
    }
    for (uint64_t t = lo; t <= hi; t++) {
        if (c->ncounts == MAX_COUNTS) {
            fprintf(stderr, "%s: error: at most %d thread counts\n", cxs_prog, MAX_COUNTS);
            return -1;
        }
        c->counts[c->ncounts++] = (int)t;
    }
    return 0;
}

static void assign_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    struct config *c = o->dest;
    char err[200];
    if (cxs_assign_parse(arg, &c->assign, err, sizeof err))
        cxs_usage_die("%s: %s", opt, err);
    if (cxs_assign_total(&c->assign) > MAX_THREADS)
        cxs_usage_die("%s: %d threads in all; at most %d", opt, cxs_assign_total(&c->assign),
                      MAX_THREADS);
    c->have_assign = 1;
}

static void threads_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    cxs_each_item(arg, "thread count", add_count, o->dest);
}

static void kind_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    struct config *c = o->dest;
    cxs_names_arg(arg, "kind", cxs_stream_kind_parse, cxs_stream_kind_name, c->kinds, &c->nkinds);
}

static void access_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    struct config *c = o->dest;
    cxs_names_arg(arg, "access", access_parse, access_name, c->accesses, &c->naccesses);
}

static void isa_arg(const struct cxs_opt *o, const char *opt, const char *arg)
{
    (void)opt;
    int *isa = o->dest;
    *isa = cxs_isa_parse(arg);
    if (*isa < 0)
        cxs_usage_die("unknown ISA '%s' (sse2, avx2, avx512)", arg);
}

static void parse_args(int argc, char **argv, struct config *c)
{
    *c = (struct config){.isa = -1,
                         .std = {.mem_spec = "all",
                                 .repeat = 21,
                                 .min_samples = 5,
                                 .seed = 1,
                                 .budget_s = 2.0,
                                 .format = CXS_FMT_CSV}};
    const struct cxs_opt opts[] = {
        CXS_O_STD(CXS_OPT_CPU, "CPU node(s) the threads run on: IDs, ranges or all. Default: the "
                               "node of the CPU we start on (with --matrix: all)."),
        CXS_O_STD(CXS_OPT_MEM, "memory node(s): IDs, ranges, all, or a class relative to the CPU "
                               "node (ldram, rdram, cxl, cpuless). Default: all."),
        CXS_O_STD(CXS_OPT_MATRIX, "CPU node x memory node (as --cpu-node all)."),
        CXS_O_CUSTOM("assign", assign_arg, c, "LIST",
                     "NODE:THREADS,... run those thread counts against those memory nodes at "
                     "once, e.g. 0:23,1:23,2:6; rows per node and the total. The threads take the "
                     "--cpu-node CPUs in order."),
        CXS_O_FLAG("optimize", &c->optimize,
                   "find the split of the --cpu-node CPUs across the --mem-node nodes with the "
                   "most total bandwidth: each node's thread scaling first (--threads, default "
                   "1..the first CPU node's CPUs), then up to 40 candidate splits measured, "
                   "starting from the saturation points; best and runners-up in optimize.csv."),
        CXS_O_CUSTOM("threads", threads_arg, c, "LIST",
                     "thread counts: N, LO:HI (every count: thread scaling, with the saturation "
                     "point, the smallest count within 5 % of the peak, in saturation.csv) or a "
                     "comma list. Default: every CPU of the CPU node."),
        CXS_O_FLAG("oversubscribe", &c->oversubscribe,
                   "allow more threads than the CPU node has CPUs."),
        CXS_O_CUSTOM("kind", kind_arg, c, "LIST",
                     "read (s += b[i]), write (a[i] = s), write-nt (non-temporal stores), copy "
                     "(a = b), triad (a = b + s*c), and read:write mixes 3:1 (a = b + c + d), 2:1 "
                     "(a = b + c), 1:1 (a = a + s). Default: read."),
        CXS_O_CUSTOM("access", access_arg, c, "LIST",
                     "seq (default), random-line (64 B lines in a random order), random-block "
                     "(4 KiB blocks in a random order); the order is computed before timing."),
        CXS_O_CUSTOM("isa", isa_arg, &c->isa, "ISA",
                     "sse2, avx2 or avx512. Default: the widest this CPU has."),
        CXS_O_SIZE("size", &c->size, 0, "SIZE",
                   "memory for all threads and arrays together (default: 4x the last-level "
                   "cache, at least 64M); K = 1024. Smaller than 4x the LLC is allowed and noted "
                   "in meta.json."),
        CXS_O_FLAG("per-thread", &c->per_thread, "--size is per thread instead."),
        CXS_O_STD(CXS_OPT_PAGE, "4k (default), thp, 2m or 1g (hugetlb pool of the node)."),
        CXS_O_STD(CXS_OPT_PREFETCH, "off, on or keep (default), on every CPU the threads may "
                                    "run on; see cxlscope-latency --help."),
        CXS_O_STD(CXS_OPT_FALLBACK, NULL),
        CXS_O_STD(CXS_OPT_RESERVE, NULL),
        CXS_O_STD(CXS_OPT_REPEAT, "at most N samples (passes) per point"),
        CXS_O_STD(CXS_OPT_MIN, "at least N samples per point"),
        CXS_O_STD_NODEFAULT(CXS_OPT_BUDGET,
                            "stop sampling a point after SEC seconds once --min-samples are in "
                            "(default 2), or earlier at a CI within 1 %."),
        CXS_O_STD(CXS_OPT_SEED, "seed of the random orders"),
        CXS_O_STD(CXS_OPT_OUTPUT, "DIR/bandwidth.csv (+ saturation.csv, optimize.csv) and "
                                  "DIR/meta.json; rows flushed as measured."),
        CXS_O_STD(CXS_OPT_FORMAT, "what stdout gets"),
        CXS_O_STD(CXS_OPT_QUIET, "nothing on stdout."),
        CXS_O_STD(CXS_OPT_HELP, NULL),
        CXS_O_STD(CXS_OPT_VERSION, NULL),
        CXS_O_END,
    };
    const struct cxs_optspec spec = {
        .head = usage_head, .more = bw_columns_help, .tail = usage_tail, .std = &c->std};
    optind = cxs_opts_parse(argc, argv, opts, &spec);
    cxs_std_end(argc, argv, &c->std);
    if (c->have_assign + c->optimize + c->std.matrix > 1)
        cxs_usage_die("--assign, --optimize and --matrix do not go together");
    if (!c->nkinds)
        c->kinds[c->nkinds++] = CXS_K_READ;
    if (!c->naccesses)
        c->accesses[c->naccesses++] = ACC_SEQ;
    if (c->std.matrix && !c->std.cpu_spec)
        c->std.cpu_spec = "all";
}

int main(int argc, char **argv)
{
    cxs_prog = "cxlscope-bandwidth";
    struct plan *p = calloc(1, sizeof *p);
    if (!p)
        cxs_die("out of memory");
    parse_args(argc, argv, &p->c);
    cxs_run_load();
    struct run_ctx x = {.p = p};
    bw_setup(&x);
    cxs_interrupt_install();
    cxs_run_prefetchers(p->c.std.prefetchers, p->pool, p->npool);
    cxs_timer_init();
    bw_open_outputs(p, argc, argv);
    bw_run_all(&x);
    bw_close_outputs();
    free(p);
    cxs_targets_free(&x.ts);
    cxs_run_end();
}
