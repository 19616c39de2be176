/* tier.h — the parts of cxlscope-tiering (one binary; not a library):
 *   main.c    the options and main: the order of the steps
 *   modes.c   the kernel modes: what this kernel has, --set-kernel's
 *             settings (knobs.h) applied per mode and written back
 *   place.c   the nodes (fast = LDRAM, slow = CXL or the stand-in), the
 *             fast-tier filler, and a workload's pages placed per
 *             --placement with the VMA policy NUMA balancing needs
 *   work.c    the workload threads (hotset, or a workload.h table entry run
 *             over and over, every result checked) and the sampler that
 *             turns each interval into a row
 *   rows.c    the two CSVs: column lists, --help's column text, rows
 *
 * Promises (as --help and the README describe them):
 * - Usage errors exit 2, what this machine or kernel cannot do 77, failures
 *   1, each with one line naming the cause (cli.h, run.h); 130 when
 *   interrupted, the rows so far kept and every kernel setting written back.
 * - Runs go mode by mode (outermost), then placement, then workload; each
 *   run lasts --duration and gives one tiering.csv row per --interval and
 *   one tiering_summary.csv row.
 */
#ifndef CXS_TIER_H
#define CXS_TIER_H

#include <stddef.h>
#include <stdint.h>

#include "hotset.h"
#include "memory.h"
#include "run.h"
#include "topology.h"
#include "vmstat.h"
#include "workload.h"

enum { MODE_NONE, MODE_AUTONUMA, MODE_TIERING, MODE_BOTH, NMODES };
enum { PL_FIRST_TOUCH, PL_CXL, PL_INTERLEAVE, PL_OLI, NPLACEMENTS };
enum { DEMOTE_KEEP, DEMOTE_ON, DEMOTE_OFF };
#define MAXWL 6 /* hotset + the table's */

extern const char *const mode_names[NMODES + 1]; /* "none", ... (numa_balancing 0..3) */
extern const char *const placement_names[NPLACEMENTS + 1];

/* A workload: hotset (w NULL) or a workload.h table entry, with what its
 * profile pass found (table workloads: prepare_table()). */
struct tworkload {
    const char *name;
    const struct cxs_workload *w;
    struct cxs_wl_obj obj[CXS_WL_MAXOBJ];
    size_t nobj;
    uint64_t acc[CXS_WL_MAXOBJ]; /* loads + stores per object in one run */
    int hot[CXS_WL_MAXOBJ];      /* counted hot: accesses per byte >= half the densest's */
    int oli[CXS_WL_MAXOBJ];      /* OLI interleaves it */
    uint64_t reference;          /* the checksum a run must give */
    int prepared;
};

/* The command line. */
struct tconfig {
    struct cxs_std_opts std;
    int modes[NMODES], nmodes;
    int placements[NPLACEMENTS], nplacements;
    struct tworkload wl[MAXWL];
    int nwl;
    int set_kernel, demotion;
    uint64_t scan_delay_ms, scan_period_min_ms, hot_threshold_ms, promote_rate_mbps; /* 0: keep */
    uint64_t size, fast_capacity; /* fast_capacity 0: not limited */
    double hot_pct, hot_share, shift_s, interval_s, duration_s;
    int threads;
};

/* The nodes, from the CPU node's view. */
struct tnodes {
    int cpu_node, fast, slow; /* slow == fast: one memory node */
    char slow_tag[16];        /* "cxl", "farN", or "none" */
    int cpus[CXS_WL_MAXTHREADS], ncpus;
};

/* The pages of one run and the samples of where they are. */
#define SAMPLE_MAX 512
struct tpages {
    struct cxs_buf buf[CXS_WL_MAXOBJ]; /* hotset: buf[0] */
    size_t nbuf;
    struct cxs_hotset hs;  /* hotset only */
    struct cxs_wl_ctx ctx; /* table workloads: the objects as the workload sees them */
};

/* One run (mode x placement x workload): its labels and its totals. */
struct trun {
    int mode, placement;
    struct tworkload *wl;
    char nb_value[8], demotion[8]; /* read back from the kernel ("absent" when it lacks it) */
    uint64_t work_total;
    uint64_t intervals;
    double t_hot90, hot_start, hot_end; /* t_hot90 < 0: never; hot_* < 0: no sample */
    double *rate;                       /* work per s per interval (for the last quarter) */
    struct cxs_vmstat total;
    int checked; /* the result check passed */
};

struct tctx {
    struct tconfig c;
    const struct cxs_topo *t;
    struct tnodes nd;
    int nthreads;
    uint64_t fast_capacity_used; /* 0 when not limited */
};

/* modes.c: the mode the kernel is in now (its numa_balancing value into
 * nb, "absent" when the kernel lacks the knob: then mode none); the modes to
 * run (with --set-kernel those of --modes this kernel has: the others one
 * note each, 77 when none is left; without it the current one), the knobs
 * of --demotion and the scan options applied once; set_mode() before each
 * mode's runs (returns 0, or 77 when the kernel refuses it: noted,
 * skipped); restore_kernel() at the normal end (exit hooks cover the rest). */
int current_mode(char *nb, size_t len);
void check_kernel_options(const struct tctx *x);
void apply_kernel_settings(struct tctx *x);
int set_mode(const struct tctx *x, int mode);
void read_labels(struct trun *r);
void restore_kernel(void);

/* place.c: the nodes; --fast-capacity checked (77 on one memory node, before
 * anything is written) and the filler taken;
 * whether a placement can run here (0, or 77 with the reason); the pages
 * of a run placed (dies on failure) and freed; where a list of pages is
 * (percent on the fast node, < 0 for an empty list). */
void pick_nodes(struct tctx *x);
void check_fast_tier(const struct tctx *x);
void fill_fast_tier(struct tctx *x);
int placement_possible(const struct tctx *x, int placement, char *why, size_t len);
void place_pages(const struct tctx *x, int placement, struct tworkload *wl, struct tpages *pg);
void free_pages(struct tpages *pg);
double fast_pct(const struct tctx *x, void *const *pages, size_t n);

/* work.c: a table workload's reference checksum and profile (one
 * counting run on first-touch pages, which decides its hot objects and
 * OLI's plan), once before its first run; one run, start to end (rows
 * written; the pages freed); 1 when interrupted. */
void prepare_table(const struct tctx *x, struct tworkload *wl);
int run_one(const struct tctx *x, struct trun *r);

/* rows.c: --help's column text; the outputs opened before the first run
 * (the summary closed with the main CSV by cxs_run_finish); an interval's
 * row and a run's summary row. */
void usage_columns(FILE *f);
void open_outputs(const struct tctx *x, int argc, char **argv);
void emit_interval(const struct tctx *x, const struct trun *r, uint64_t interval, double t_s,
                   uint64_t work, double work_per_s, double hot, double cold, size_t nhot,
                   size_t ncold, const struct cxs_vmstat *delta);
void emit_summary(const struct tctx *x, const struct trun *r);

#endif
