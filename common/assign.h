/* assign.h — thread assignments across memory nodes (--assign) and the
 * search for the assignment with the most total bandwidth (--optimize).
 *
 * Promises:
 * - cxs_assign_parse() reads "NODE:THREADS,..." ("0:23,1:23,2:6"): node IDs
 *   unique, thread counts >= 1, at most CXS_ASSIGN_MAX entries; errors name
 *   the bad entry. cxs_assign_format() writes "0:23+1:23+2:6" (no commas,
 *   so it sits in a CSV field unquoted; nodes with 0 threads left out).
 * - cxs_assign_optimize() searches assignments of at most `pool` threads
 *   over the given nodes by measuring them (fn): it starts from every node
 *   at its saturation point (scaled down to fit the pool), then climbs:
 *   moving, adding or removing `step` threads (step halving from pool/4 to
 *   1) while that raises the total by more than `min_gain` (relative), never
 *   measuring an assignment twice and at most max_evals times. A node may
 *   end with 0 threads (left out). It returns the nbest best measured
 *   assignments, best first.
 */
#ifndef CXS_ASSIGN_H
#define CXS_ASSIGN_H

#include <stddef.h>

#define CXS_ASSIGN_MAX 16

struct cxs_assign {
    int n;
    int node[CXS_ASSIGN_MAX];
    int threads[CXS_ASSIGN_MAX];
};

int cxs_assign_parse(const char *s, struct cxs_assign *a, char *err, size_t errlen);
void cxs_assign_format(const struct cxs_assign *a, char *buf, size_t len);
int cxs_assign_total(const struct cxs_assign *a);

/* 0 and *gbps set, or non-zero to abort the search (returned as is). */
typedef int (*cxs_assign_measure)(const struct cxs_assign *a, double *gbps, void *ctx);

struct cxs_assign_result {
    struct cxs_assign a;
    double gbps;
};

struct cxs_assign_search {
    int n;                 /* nodes */
    const int *nodes;      /* their IDs */
    const int *saturation; /* each node's saturation thread count */
    int pool;              /* threads available in all */
    int max_evals;         /* measurements at most */
    double min_gain;       /* e.g. 0.005: a move must gain 0.5 % */
};

/* Returns 0 (results filled, *nfound of them, *evals measured), -1 for bad
 * arguments or no memory (err), or fn's non-zero code. */
int cxs_assign_optimize(const struct cxs_assign_search *s, cxs_assign_measure fn, void *ctx,
                        struct cxs_assign_result *best, size_t nbest, size_t *nfound, int *evals,
                        char *err, size_t errlen);

#endif
