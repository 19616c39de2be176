/* il.h — the parts of cxlscope-interleave (one binary; not a library):
 *   main.c     the options and main
 *   confs.c    the nodes (CPU node, LDRAM, the far node and its tag) and
 *              the placements to measure (the experiment set, --policy,
 *              --plan)
 *   prepare.c  what is checked and set before the first run: the plan, the
 *              threads, every workload's layout and capacity, the kernel's
 *              weights, meta.json's notes
 *   measure.c  one workload under each placement: place, run, time, check
 *   oli_run.c  OLI: the profiling run and the plan made from it
 *   rows.c     the three CSVs: column lists, --help's column text, rows
 * The workloads themselves are common/workload.h's table (shared with
 * cxlscope-tiering).
 *
 * Promises (as the binary's --help and README describe them):
 * - Whatever cannot go on ends the run the suite's way (cli.h, run.h):
 *   usage errors exit 2, what this machine cannot do 77, failures 1, each
 *   with one line naming the cause; no function here returns an error code
 *   (run_workload() returns early when a stop is requested, interrupt.h).
 * - The placements are measured in build_confs()'s order, the baseline
 *   (ldram-preferred) first: speedups are against it.
 */
#ifndef CXS_IL_H
#define CXS_IL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "memory.h"
#include "oli.h"
#include "plan.h"
#include "run.h"
#include "stats.h"
#include "topology.h"
#include "workload.h"

enum { MAXCONF = 16 };

/* One placement to measure: a name, and either one placement for every
 * object, OLI over the nodes, or a plan file. */
struct conf {
    char name[40];
    enum { C_POLICY, C_OLI, C_PLAN } kind;
    struct cxs_place place;
};

/* The command line. */
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

/* The experiment set's nodes, from the CPU node's view. */
struct nodes {
    int cpu_node, ldram, far, spill; /* spill: the next memory node after LDRAM */
    int all[CXS_MAX_NODES], nall;
    int one;          /* a single memory node: every placement is that node */
    char far_tag[16]; /* "cxl", or "farN" when node N stands in for CXL */
};

/* One workload's objects and threads under the placement being measured. */
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
    unsigned char skip[8][MAXCONF + 2]; /* per workload and placement: the precheck's verdict */
    int measured;                       /* placements measured so far */
};

/* One workload's state across its placements. */
struct wlstate {
    const struct cxs_workload *w;
    uint64_t total;              /* the objects' bytes, all together */
    uint64_t acc[CXS_WL_MAXOBJ]; /* the profiling run's access counts per object */
    double base_median;          /* the baseline's (first placement's) median; 0 when skipped */
    int profiled;                /* the reference and the profile are taken */
};

/* confs.c: in main's order: the CPU node, the experiment set's nodes, the
 * --policy nodes, the options that depend on them, then the placements
 * (returns how many; cf has room for MAXCONF + 2). */
void select_cpu_node(struct ilctx *x);
void pick_nodes(const struct cxs_topo *t, int cpu_node, struct nodes *nd);
void select_mem_nodes(struct ilctx *x);
void check_node_options(const struct ilctx *x);
int build_confs(const struct config *c, const struct nodes *nd, const int *mem, int nmem,
                struct conf *cf);
/* A placement over nodes (duplicates dropped, weights kept with their node;
 * w NULL: weight 1 each). */
void set_place(struct cxs_place *pl, enum cxs_policy pol, const int *nodes, int n,
               const unsigned *w);

/* prepare.c, in main's order. check_workloads() also prechecks every
 * placement but OLI of every workload (all objects held at once, as they
 * are): one that cannot be placed now is skipped, each named on stderr and
 * in meta.json ("skipped"), the rest measured; none left: exit 1 naming
 * them. OLI's placement is prechecked when its plan is made (measure.c),
 * and skipped up front when no placement before it is left to profile.
 * conf_places(): each object's placement under a non-OLI placement;
 * precheck_places(): 0 when objects o placed as per[] fit now, else
 * CXS_EXIT_FAIL with the reason (dies on a placement that can never work). */
void load_plan(struct ilctx *x);
void pick_threads(struct ilctx *x);
void check_workloads(struct ilctx *x);
void conf_places(const struct ilctx *x, const struct conf *f, size_t nobj,
                 const struct cxs_wl_obj *o, struct cxs_place *per);
int precheck_places(const struct ilctx *x, size_t nobj, const struct cxs_wl_obj *o,
                    const struct cxs_place *per, char *err, size_t errlen);
void apply_kernel_weights(const struct ilctx *x);
void add_notes(const struct ilctx *x);

/* measure.c: every placement of workload wi (x->c.wl[wi]) in order but
 * the skipped ones, until done or interrupted (the reference and the
 * profile under the first one measured); one run of its threads (the
 * checksum); its objects freed. */
void run_workload(struct ilctx *x, int wi);
uint64_t run_once(struct wlrun *r);
void free_objects(struct wlrun *r);

/* oli_run.c: the baseline's extra run (the reference result, the access
 * counts into ws->acc), and OLI's plan from them into per[] (one placement
 * per object), printed, written to oli_plan.csv and the plan JSON. */
void profile_reference(struct ilctx *x, struct wlstate *ws);
void oli_plan(const struct ilctx *x, const struct wlstate *ws, const struct conf *f,
              struct cxs_place *per);

/* rows.c: --help's column text; the outputs opened (before measuring) and
 * closed (at the end; an exit hook closes them on every other way out);
 * the rows. The objects and plan rows go to their files only, and only
 * with --output. emit_object_rows() adds each node's pages into on[] (one
 * per topology node) and returns 1 when the objects' page sizes differ. */
void usage_columns(FILE *f);
void open_outputs(const struct ilctx *x, int argc, char **argv);
void close_outputs(void);
void emit_plan_row(const struct wlstate *ws, const struct cxs_wl_obj *o, uint64_t acc,
                   uint64_t hottest, int interleaved, const char *why);
int emit_object_rows(const struct ilctx *x, const struct wlstate *ws, const struct conf *f,
                     uint64_t *on);
void emit_row(const struct ilctx *x, const struct wlstate *ws, const struct conf *f,
              const struct cxs_summary *s, const uint64_t *on, int mixed);

#endif
