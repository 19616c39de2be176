/* run.h — the life of one benchmark run: the topology it measures, the CSV
 * it writes, its meta.json entry, and the one way out.
 *
 * Promises:
 * - cxs_run_load() loads the topology into cxs_run.topo or dies (exit 1)
 *   with the reason.
 * - cxs_run_open() creates DIR if needed and takes its lock (outfile.h: a
 *   second run on DIR is refused, exit 2, naming the holder's pid), keeping
 *   64 KiB in the lock file for the last meta.json (given back just before
 *   it is written, so a disk that fills up during the run still gets a
 *   meta.json that matches the CSV; no room for it: exit 1 before measuring);
 *   checks meta.json and DIR/<csv> by the output-file rule (exit 2 for a
 *   name that is not a regular file), writes meta.json at once marked
 *   incomplete, opens DIR/<csv> (written as .partial until the end, see
 *   output.h) and echoes rows to stdout unless quiet; dies on error.
 *   Without DIR only stdout gets rows and no meta.json is written. The lock
 *   file is removed at every exit (an exit hook).
 * - cxs_run_check(NAME) applies the rule to another file the run will write
 *   into DIR later (call it before measuring); cxs_run_out_open(NAME, ...)
 *   opens such a CSV (NULL without DIR), exit 2 / 1 as above; the caller
 *   closes it. cxs_run_extra_open(NAME, ...) opens one the same way that
 *   cxs_run_finish() closes (fsync, rename) with the main CSV, before
 *   meta.json (at most CXS_RUN_EXTRAS; a failed close fails the run, the
 *   file left as NAME.partial); after cxs_die() and kin it stays .partial,
 *   as the main CSV does.
 * - cxs_run_row() writes one row or ends the run (exit 1, the reason in one
 *   line) if it cannot.
 * - cxs_run_finish(code) closes the CSV first (fsync, rename), then writes
 *   meta.json: complete only when code is 0 and the rows are in place, with
 *   the number of whole rows in the file; when the CSV could not be written
 *   or renamed the run fails (exit 1), its rows stay in <csv>.partial and
 *   meta.json names that file. It exits with code; cxs_run_fail() says why
 *   first. cxs_run_end() is the normal end: exit
 *   130 with the rows kept when a stop was requested (interrupt.h), else 0.
 * - The options every benchmark shares (nodes, statistics, output) are parsed
 *   once: put CXS_STD_LONGOPTS in the getopt_long table and hand every code
 *   the program does not know to cxs_std_option(), which returns 0 for a
 *   code that is not one of them; cxs_std_check() after parsing. Binaries
 *   that allocate with one page size add CXS_PLACE_LONGOPTS (--page-size,
 *   --allow-fallback, --reserve-hugepages: std.page, std.allow_fallback,
 *   std.reserve_hugepages). --help
 *   prints the usage text and --version "PROG VERSION", both exiting 0.
 * - cxs_run_prefetchers(MODE, cpus, n) carries out --prefetchers on the
 *   CPUs the run uses (prefetch.h): keep changes nothing; on and off are
 *   applied now and the old values written back at every exit (call it
 *   after cxs_interrupt_install(), before measuring); what cannot be done
 *   exits 77 with the reason in one line ("--prefetchers off: ..."), an I/O
 *   failure 1; meta.json notes what was changed.
 * - cxs_run_note() adds a free-text note to meta.json (at most 15; kept by
 *   pointer, so the text must outlive the run); cxs_run_skipped() a
 *   skipped target (copied; any number).
 */
#ifndef CXS_RUN_H
#define CXS_RUN_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "memory.h"
#include "meta.h"
#include "output.h"
#include "topology.h"

struct cxs_std_opts {
    const char *cpu_spec, *mem_spec;    /* --cpu-node, --mem-node */
    int matrix;                         /* --matrix */
    uint64_t repeat, min_samples, seed; /* --repeat, --min-samples, --seed */
    double budget_s;                    /* --time-budget */
    const char *outdir;                 /* --output */
    enum cxs_format format;             /* --format */
    int quiet;                          /* --quiet */
    enum cxs_page page;                 /* --page-size (CXS_PLACE_LONGOPTS) */
    int allow_fallback;                 /* --allow-fallback (CXS_PLACE_LONGOPTS) */
    int reserve_hugepages;              /* --reserve-hugepages (CXS_PLACE_LONGOPTS) */
    uint64_t stride;                    /* --stride (CXS_CHASE_LONGOPTS): bytes, 64..4096 */
    uint64_t distribution;              /* --distribution N: loads per timed block, 0 = off */
    int prefetchers;                    /* --prefetchers: enum cxs_pf_mode (prefetch.h) */
};

enum {
    CXS_OPT_CPU = 1000,
    CXS_OPT_MEM,
    CXS_OPT_MATRIX,
    CXS_OPT_REPEAT,
    CXS_OPT_MIN,
    CXS_OPT_BUDGET,
    CXS_OPT_SEED,
    CXS_OPT_OUTPUT,
    CXS_OPT_FORMAT,
    CXS_OPT_QUIET,
    CXS_OPT_HELP,
    CXS_OPT_VERSION,
    CXS_OPT_PAGE,
    CXS_OPT_FALLBACK,
    CXS_OPT_RESERVE,
    CXS_OPT_STRIDE,
    CXS_OPT_DIST,
    CXS_OPT_PREFETCH
};
// clang-format off
#define CXS_STD_LONGOPTS                                      \
    {"cpu-node", required_argument, 0, CXS_OPT_CPU},         \
    {"mem-node", required_argument, 0, CXS_OPT_MEM},         \
    {"matrix", no_argument, 0, CXS_OPT_MATRIX},              \
    {"repeat", required_argument, 0, CXS_OPT_REPEAT},        \
    {"min-samples", required_argument, 0, CXS_OPT_MIN},      \
    {"time-budget", required_argument, 0, CXS_OPT_BUDGET},   \
    {"seed", required_argument, 0, CXS_OPT_SEED},            \
    {"output", required_argument, 0, CXS_OPT_OUTPUT},        \
    {"format", required_argument, 0, CXS_OPT_FORMAT},        \
    {"quiet", no_argument, 0, CXS_OPT_QUIET},                \
    {"help", no_argument, 0, CXS_OPT_HELP},                  \
    {"version", no_argument, 0, CXS_OPT_VERSION}
/* The placement options of the binaries that allocate one page size:
 * --page-size (4k, default, thp, 2m, 1g), --allow-fallback and
 * --reserve-hugepages (memory.h: raise the node's hugetlb pool for the run,
 * given back at exit, Ctrl-C and SIGTERM included). */
#define CXS_PLACE_LONGOPTS                                    \
    {"page-size", required_argument, 0, CXS_OPT_PAGE},       \
    {"allow-fallback", no_argument, 0, CXS_OPT_FALLBACK},    \
    {"reserve-hugepages", no_argument, 0, CXS_OPT_RESERVE}
/* The pointer chase's options (latency/, loaded/): --stride BYTES (the
 * random cycle's element spacing, a power of two from 64 to 4096; set the
 * default 64 in the binary's std), --distribution N (time blocks of N loads
 * into a histogram, hist.h; 0 = off), --prefetchers on|off|keep
 * (prefetch.h; bandwidth/ takes it too). */
#define CXS_CHASE_LONGOPTS                                    \
    {"stride", required_argument, 0, CXS_OPT_STRIDE},        \
    {"distribution", required_argument, 0, CXS_OPT_DIST},    \
    {"prefetchers", required_argument, 0, CXS_OPT_PREFETCH}
// clang-format on

int cxs_std_option(int code, const char *arg, struct cxs_std_opts *o, const char *usage);
void cxs_std_check(const struct cxs_std_opts *o);
/* The default: branch of a getopt_long loop: a shared option, or a one-line
 * usage error naming the unknown option (exit 2). */
void cxs_std_default(int code, const char *arg, struct cxs_std_opts *o, const char *usage,
                     char **argv);
/* After the loop: no stray argument left, then cxs_std_check(). */
void cxs_std_end(int argc, char **argv, const struct cxs_std_opts *o);
/* --page-size: 4k, thp, 2m or 1g, or a one-line usage error. */
enum cxs_page cxs_page_arg(const char *s);

#define CXS_RUN_EXTRAS 4
struct cxs_run {
    struct cxs_topo topo;
    struct cxs_out *out;
    struct cxs_out *extra[CXS_RUN_EXTRAS]; /* cxs_run_extra_open()'s */
    struct cxs_meta_test meta;
    const char *outdir;
    char csvpath[4096];
    size_t nnotes;
};
extern struct cxs_run cxs_run;

void cxs_run_load(void);
void cxs_run_open(const char *outdir, const char *name, const char *csv, const char *const *cols,
                  size_t ncols, int quiet, enum cxs_format fmt, int argc, char **argv);
void cxs_run_check(const char *name);
struct cxs_out *cxs_run_out_open(const char *name, const char *const *cols, size_t ncols);
struct cxs_out *cxs_run_extra_open(const char *name, const char *const *cols, size_t ncols);
void cxs_run_row(const char *const *vals);
void cxs_run_note(const char *note);
void cxs_run_prefetchers(int mode, const int *cpus, size_t n);
/* --cpu-node as one CPU node (spec NULL: the node we start on), for the
 * binaries that run on one: its ID, or the suite's exit (77 when the
 * machine has no such node, 2 for a bad or multi-node spec). */
int cxs_run_cpu_node(const char *spec);
/* Records a target the run skipped ("TARGET: why", copied) for meta.json. */
void cxs_run_skipped(const char *line);
_Noreturn void cxs_run_finish(int code);
_Noreturn void cxs_run_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void cxs_run_end(void);

#endif
