/* bw.h — the parts of cxlscope-bandwidth, for bandwidth/ only:
 *   main.c     the options (one table) and main
 *   setup.c    what a run measures: the ISA, the CPU nodes and their CPUs
 *              (the pool --assign and --optimize draw from), the targets
 *              (CPU node x memory node, common/targets.h), the size and the
 *              per-target capacity precheck
 *   measure.c  one measurement: a team of pinned threads, each with its own
 *              arrays on its group's memory node, sampled together
 *   modes.c    single (thread series, saturation point), --assign, --optimize
 *   rows.c     the three CSVs: bandwidth.csv and saturation.csv (their
 *              columns are common/columns.h's) and optimize.csv
 *
 * Promises:
 * - Every function here either does its job or ends the run with the
 *   suite's message and exit (cli.h, run.h): bad usage exit 2, a skip 77, a
 *   failed measurement 1; none returns an error code unless it says so.
 * - The rows' values and formats are those of the columns' lists; a row
 *   left incomplete is an internal error (row.h).
 */
#ifndef BW_H
#define BW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "assign.h"
#include "run.h"
#include "stats.h"
#include "stream.h"
#include "targets.h"
#include "topology.h"

#define MAX_COUNTS 256   /* thread counts in --threads */
#define MAX_THREADS 1024 /* threads of one measurement, CPUs of the pool */

/* The access orders (--access): names and block length in doubles (0: the
 * whole slice in order). */
enum access { ACC_SEQ, ACC_LINE, ACC_BLOCK, NACCESS };
extern const char *const bw_access_names[NACCESS];
extern const size_t bw_access_block[NACCESS];

/* What the command line asked for (main.c). */
struct config {
    int optimize, oversubscribe, per_thread, have_assign;
    struct cxs_assign assign;
    int kinds[CXS_NKINDS];
    size_t nkinds;
    int accesses[NACCESS];
    size_t naccesses;
    int isa; /* enum cxs_isa, or -1: the widest this CPU has */
    int counts[MAX_COUNTS], ncounts;
    uint64_t size; /* 0 until setup.c sets the default */
    struct cxs_std_opts std;
};

/* The CPU side of the run (setup.c). */
struct plan {
    struct config c;
    int cpu_nodes[CXS_MAX_NODES];
    size_t ncpu;
    int pool[MAX_THREADS]; /* CPUs for --assign / --optimize, CPU nodes in order */
    size_t npool;
    char pool_nodes[128]; /* the CPU nodes, IDs joined with '+' */
};

/* What main hands its steps: the plan, the ISA, the targets (CPU node x its
 * memory nodes) and the memory nodes of all of them (--optimize's). */
struct run_ctx {
    struct plan *p;
    enum cxs_isa isa;
    struct cxs_targets ts;
    int mem[CXS_MAX_NODES];
    size_t nmem;
};

/* setup.c, in this order: the ISA (a skip where this CPU lacks it), the CPU
 * nodes, the pool and the thread counts against it, the targets (not with
 * --assign: its nodes are its own), --size (checked, then the default 4x
 * the LLC, noted when given smaller) and the capacity precheck (not with
 * --assign: a node that cannot hold the largest point is named, in
 * meta.json too, and left out; exit 1 when none is left). */
void bw_setup(struct run_ctx *x);
/* The CPUs of node n this process may run on, at most max. */
size_t bw_node_cpus(const struct cxs_node *n, int *out, size_t max);

/* One measurement's results; per group (memory node) and in total. */
struct result {
    struct cxs_summary total, node[CXS_ASSIGN_MAX];
    double on_node_pct[CXS_ASSIGN_MAX];
    char thread_gbps[CXS_ASSIGN_MAX][1024];
    char cpus[CXS_ASSIGN_MAX][1024];
    char page_used[16];
    uint64_t allocated;                  /* all threads' arrays */
    uint64_t pass_bytes[CXS_ASSIGN_MAX]; /* counted traffic of one pass, per group */
    uint64_t pass_total;
    int complete; /* 0 when Ctrl-C came before --min-samples were in */
    unsigned passes;
};

/* measure.c: the groups (memory node, thread count) at once, the threads on
 * the pool's CPUs in order (wrapping around when oversubscribed); r filled.
 * Memory short, pages off the node, a kernel's wrong result: the run ends. */
void bw_measure(const struct config *c, enum cxs_kind kind, enum access acc, enum cxs_isa isa,
                const struct cxs_assign *groups, const int *pool, size_t npool, struct result *r);

/* modes.c: every kind x access in the mode asked for, until done or
 * interrupted. */
void bw_run_all(struct run_ctx *x);

/* rows.c */
struct rowinfo {
    const char *mode, *cpu_node, *mem_node, *mem_class, *assignment, *cpus, *thread_gbps;
    enum cxs_kind kind;
    enum access access;
    enum cxs_isa isa;
    int threads;
    double on_node_pct;
    uint64_t allocated, pass_bytes;
    unsigned passes;
    const char *page_used;
    const struct cxs_summary *s;
};
struct satinfo {
    int cpu_node, mem;
    const char *mem_class;
    enum cxs_kind kind;
    enum access access;
    int peak_threads, saturation_threads;
    double peak_gbps, saturation_gbps;
};
/* --help's column text: the three CSVs' columns and what some hold. */
void bw_columns_help(FILE *f);
/* bandwidth.csv (the run's CSV, and stdout) and saturation.csv; with
 * --optimize optimize.csv is checked, before anything is measured, by the output-file rule (run.h).
 */
/* The outputs; p's pool gives the prefetchers' read-back of the rows whose
 * threads span it (an --assign total). */
void bw_open_outputs(const struct plan *p, int argc, char **argv);
void bw_row_bandwidth(const struct config *c, const struct rowinfo *ri);
void bw_row_saturation(const struct satinfo *si);
/* optimize.csv (opened here, with --output) and the notes: the best
 * assignments found, ranked, and how many were measured. */
void bw_rows_optimize(enum cxs_kind kind, enum access acc, const struct cxs_assign_result *best,
                      size_t nfound, int evals);
/* saturation.csv closed (a failure ends the run, exit 1), the rows freed. */
void bw_close_outputs(void);

#endif
