/* targets.h — the one planner from CPU to class: what a run measures.
 *
 * A target is (CPU node, the CPU that measures, memory node(s), page size):
 * every binary asks this module for its targets, so node selection, the
 * class of each memory node and the capacity checks are written once.
 *
 * Promises:
 * - Classes are relative to the node of the CPU a thread really runs on
 *   (cxs_class_of_cpus): a group of CPUs on one node gets that node's class;
 *   CPUs on several nodes get each node's class in ascending node order,
 *   joined by '/' ("LDRAM/RDRAM"), never the first node's alone.
 * - cxs_tgt_cpu_nodes(): --cpu-node (CPU nodes only); without it the node of
 *   the CPUs the caller was told to use (cpus, e.g. --chase-cpu), else the
 *   node of the CPU the process starts on. CPUs on several nodes without
 *   --cpu-node are an error. Returns 0, CXS_EXIT_USAGE (err: the bad item)
 *   or CXS_EXIT_SKIP (no node with CPUs).
 * - cxs_tgt_check_cpus(): each CPU exists, may be used by this process and
 *   is on cpu_node; else CXS_EXIT_USAGE naming the CPU's own node.
 * - cxs_tgt_mem_nodes(): --mem-node relative to one CPU node (default
 *   "all"). When a class or "all" finds no node because CXL memory exists
 *   but is not online, err says which device and how to online it
 *   (topology.h cxs_topo_unusable) instead of "no CXL memory node".
 *   Returns 0, CXS_EXIT_USAGE or CXS_EXIT_SKIP.
 * - cxs_tgt_unusable_notes(): CXL memory that --mem-node all had to leave
 *   out (offline), as notes on stderr and in meta.json.
 * - cxs_targets_plan(): for each CPU node, its CPU and, for each memory
 *   node (or all of them as one target when grouped), one target per page
 *   size, in that order (CPU node, memory node, page): the rows' order.
 * - cxs_targets_precheck(): every target is checked (memory.h
 *   cxs_buf_precheck with its bytes); one that cannot be measured now
 *   (memory or huge pages short on that node) is marked skipped with the
 *   reason and the rest stay (a pair with bytes2 set: its first node must
 *   hold bytes, its second bytes2, one node both when they are the same).
 *   A request that can never work is
 *   CXS_EXIT_USAGE with the reason. cxs_targets_report() then names every
 *   skipped target at once (one note each on stderr, and meta.json's
 *   "skipped" list) and returns how many are left; when none is left the
 *   run fails (exit 1) naming them all. So a run that measured some targets
 *   and skipped others exits 0, and says so on stderr and in meta.json.
 * - THP: a target asking for thp while the kernel's THP is "never" gets a
 *   note (stderr and meta.json) that it measures 4k pages.
 */
#ifndef CXS_TARGETS_H
#define CXS_TARGETS_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "memory.h"
#include "topology.h"

/* Class of mem_node for threads on these CPUs (see above), into buf. */
void cxs_class_of_cpus(const struct cxs_topo *t, int mem_node, const int *cpus, size_t n, char *buf,
                       size_t len);

int cxs_tgt_cpu_nodes(const struct cxs_topo *t, const char *spec, const int *cpus, size_t ncpus,
                      int *out, size_t max, size_t *n, char *err, size_t errlen);
/* what: the option that named the CPUs ("--chase-cpu"). */
int cxs_tgt_check_cpus(const struct cxs_topo *t, const char *what, const int *cpus, size_t n,
                       int cpu_node, char *err, size_t errlen);
int cxs_tgt_mem_nodes(const struct cxs_topo *t, const char *spec, int cpu_node, int *out,
                      size_t max, size_t *n, char *err, size_t errlen);
/* As cxs_tgt_mem_nodes(), but in the order the items are given (each item
 * selected on its own, a node named again dropped): a placement's ordered
 * node list (the first is the preferred one). */
int cxs_tgt_mem_ordered(const struct cxs_topo *t, const char *spec, int cpu_node, int *out,
                        size_t max, size_t *n, char *err, size_t errlen);
/* Notes (stderr, meta.json) for offline CXL memory left out by spec (only
 * when spec is NULL or "all"). */
void cxs_tgt_unusable_notes(const struct cxs_topo *t, const char *spec);

/* The far node for placements seen from cpu_node (interleave's "CXL"): a
 * CXL memory node if there is one, else the stand-in: among the other
 * memory nodes the farthest by SLIT distance, on a tie a CPU-less node
 * before one with CPUs, then the lower ID. -1 when cpu_node is the only
 * memory node. */
int cxs_tgt_far_node(const struct cxs_topo *t, int cpu_node);
/* The memory node nearest to `from` other than itself (lowest distance,
 * then lower ID); -1 if none. */
int cxs_tgt_nearest_node(const struct cxs_topo *t, int from);

struct cxs_target {
    int cpu_node; /* the node of cpu */
    int cpu;      /* the measuring CPU; -1 when the caller picks per thread */
    int nmem;
    int mem[CXS_MAX_NODES]; /* ordered: one node, a group, or a (chase, traffic) pair */
    enum cxs_page page;
    uint64_t bytes;  /* the largest allocation on each memory node (precheck) */
    uint64_t bytes2; /* a pair (nmem 2): mem[0] gets bytes, mem[1] bytes2 */
    int skip;        /* the precheck found it cannot be measured now */
    char why[512];
};

struct cxs_targets {
    size_t n, cap;
    struct cxs_target *v;
};

struct cxs_target_req {
    const char *cpu_spec, *mem_spec; /* --cpu-node, --mem-node (NULL: default) */
    int cpu;                         /* an explicit measuring CPU, or -1 */
    int grouped;                     /* all memory nodes of a CPU node in one target */
    const enum cxs_page *pages;      /* page sizes, in order */
    size_t npages;
    uint64_t bytes; /* each target's largest allocation */
};

/* Fills ts (call cxs_targets_free after). Returns 0, CXS_EXIT_USAGE or
 * CXS_EXIT_SKIP, with the reason in err. */
int cxs_targets_plan(const struct cxs_topo *t, const struct cxs_target_req *r,
                     struct cxs_targets *ts, char *err, size_t errlen);
/* Appends a copy of tg; returns the copy (exits 1 when out of memory). */
struct cxs_target *cxs_targets_add(struct cxs_targets *ts, const struct cxs_target *tg);
void cxs_targets_free(struct cxs_targets *ts);

struct cxs_precheck {
    enum cxs_policy policy;
    int allow_fallback, reserve_hugepages;
};
int cxs_targets_precheck(const struct cxs_topo *t, struct cxs_targets *ts,
                         const struct cxs_precheck *p, char *err, size_t errlen);
/* "CPU node 0 (CPU 1), memory node 2, 2m pages" */
void cxs_target_str(const struct cxs_target *tg, char *buf, size_t len);
size_t cxs_targets_left(const struct cxs_targets *ts);
size_t cxs_targets_report(const struct cxs_targets *ts);

/* The skipped-target report of cxs_targets_report() for a binary whose
 * targets are its own (interleave: workload x placement): each of the n
 * skipped ones named ("WHAT: WHY"; a note when left > 0, else an error) and
 * added to meta.json's "skipped" list; when none is left the run fails
 * (one skipped: its why alone). Returns left. */
struct cxs_skipped {
    const char *what, *why;
};
size_t cxs_skips_report(const struct cxs_skipped *s, size_t n, size_t left);

/* The note cxs_targets_report() makes for THP "never", or NULL. */
const char *cxs_thp_note(const enum cxs_page *pages, size_t n);

#endif
