/* plan.h — named objects placed by a plan: the small C API any program can
 * use to put its data objects where a placement plan says (interleave/ runs
 * its workloads with it; OLI writes its decisions as such a plan).
 *
 * Promises:
 * - A placement is a policy over nodes (memory.h: bind, preferred,
 *   preferred-many, interleave, weighted; weights 1..255, one per node, for
 *   weighted only). A plan maps object names to placements.
 * - JSON file form (jansson), written by cxs_plan_save() and read by
 *   cxs_plan_load():
 *     {"workload": "cg", "objects": [
 *       {"name": "x", "policy": "interleave", "nodes": [0, 2], "why": "..."},
 *       {"name": "w", "policy": "weighted", "nodes": [0, 2], "weights": [3, 1]}]}
 *   Loading refuses (CXS_EXIT_USAGE, one line naming the problem) an unknown
 *   policy, a bad or repeated node, weights that do not match the nodes, a
 *   weight of 0 or > 255, a repeated object.
 * - cxs_plan_check() refuses a plan that names an object the program does
 *   not have, or leaves one of its objects out.
 * - cxs_place_segments() turns one object's placement into memory.h ranges:
 *   one range with the kernel's policy, except weighted with emulate set
 *   (no kernel weights): consecutive ranges of weight x unit bytes, node by
 *   node in turn (unit a multiple of the page granule, chosen so an object
 *   has at most max ranges). With a limit (lim->node >= 0), at most lim->left
 *   bytes go to lim->node: the object is split where that node's share would
 *   exceed it, and the rest goes by the same policy to the placement's other
 *   nodes (preferred: to lim->spill, the next node by distance); bind to
 *   that node alone cannot spill and is an error (CXS_EXIT_FAIL). lim->left
 *   is reduced by what was placed there. The split falls on whole
 *   interleave (or weight) cycles of pages, so that node gets exactly the
 *   bytes counted.
 */
#ifndef CXS_PLAN_H
#define CXS_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "memory.h"
#include "topology.h"

#define CXS_PLAN_MAXOBJ 16

struct cxs_place {
    enum cxs_policy policy;
    int nodes[CXS_MAX_NODES];
    int nnodes;
    unsigned weights[CXS_MAX_NODES]; /* weighted only */
};

struct cxs_plan_obj {
    char name[32];
    struct cxs_place place;
    char why[128];
};

struct cxs_plan {
    char workload[32];
    int nobj;
    struct cxs_plan_obj obj[CXS_PLAN_MAXOBJ];
};

/* "interleave:0+2", "weighted:0+2/3:1" (weights after the slash): one
 * short string without commas, so CSV fields stay unquoted. */
void cxs_place_str(const struct cxs_place *pl, char *buf, size_t len);

int cxs_plan_save(const struct cxs_plan *p, const char *path, char *err, size_t errlen);
int cxs_plan_load(const char *path, struct cxs_plan *p, char *err, size_t errlen);
const struct cxs_plan_obj *cxs_plan_find(const struct cxs_plan *p, const char *name);
int cxs_plan_check(const struct cxs_plan *p, const char *const *names, size_t n, char *err,
                   size_t errlen);

struct cxs_limit {
    int node;      /* -1: no limit */
    uint64_t left; /* bytes that may still go there */
    int spill;     /* where preferred spills to */
};

int cxs_place_segments(const struct cxs_place *pl, size_t size, size_t granule, int emulate,
                       int max, struct cxs_limit *lim, struct cxs_seg *segs, int *nsegs, char *err,
                       size_t errlen);

#endif
