/* workload.h — the built-in workloads of cxlscope-interleave and
 * cxlscope-tiering (one table, in common/ so both binaries run it): each a few
 * named data objects of different sizes and access intensity, a run over
 * them by a team of threads, and a check of the result that does not depend
 * on where the objects' pages are.
 *
 * Promises (every workload):
 * - layout() splits a total of `size` bytes into its objects (at most
 *   CXS_WL_MAXOBJ, names of at most 31 characters, each a multiple of 64
 *   bytes and at least 4 KiB) and returns how many; the sum is within 1 % of
 *   size (or size is too small: then it returns 0 and err says the minimum).
 * - init() fills the objects from seed, deterministically: the same size and
 *   seed give the same bytes whatever the placement or the thread count.
 * - run_thread(ctx, tid) is called by each of ctx->nthreads threads at once;
 *   together they do one run. A run reads its input objects and writes only
 *   its output objects, so runs can be repeated and every run gives the same
 *   result. Each thread returns its part of the checksum in ctx->part[tid];
 *   the checksum of the run is the sum (mod 2^64) of the parts, independent
 *   of the thread count.
 * - When ctx->acc is not NULL (the profiling pass) thread tid adds, for each
 *   object i, the number of element loads and stores it made to object i to
 *   ctx->acc[tid * CXS_WL_MAXOBJ + i]: counted by the code as it runs
 *   (data-dependent loops count what they did), not estimated.
 * - reference() computes the checksum a correct run must give, with plain
 *   single-threaded loops over the inputs (no scratch memory beyond a few
 *   words; attention: one head's 128 output floats), independently of
 *   run_thread().
 * - Results are bit-exact. mg, cg, xs: integer arithmetic (wrapping
 *   uint64). adam, attention: fp32, each output element computed by one
 *   thread as one fixed sequence of IEEE-754 operations (sums in a fixed
 *   order, never reassociated or split among threads; the build compiles
 *   these files with -ffp-contract=off, so no a*b+c becomes one fused
 *   rounding), and reference() does the same operations in the same order;
 *   their checksums sum the outputs' bit patterns (as uint32) times their
 *   index + 1. Checked at 1, 2, 3 and 7 threads (tests/helpers/wl_selftest).
 */
#ifndef CXS_WORKLOAD_H
#define CXS_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#define CXS_WL_MAXOBJ 8
#define CXS_WL_MAXTHREADS 1024

struct cxs_wl_obj {
    char name[32];
    size_t bytes;
};

struct cxs_wl_ctx {
    void *ptr[CXS_WL_MAXOBJ];             /* the objects, placed by the caller */
    struct cxs_wl_obj obj[CXS_WL_MAXOBJ]; /* as layout() gave them */
    size_t nobj;
    int nthreads;
    uint64_t part[CXS_WL_MAXTHREADS]; /* checksum part per thread */
    uint64_t *acc;                    /* NULL, or nthreads x CXS_WL_MAXOBJ counts */
};

struct cxs_workload {
    const char *name;  /* "mg" */
    const char *bound; /* "bandwidth", "latency", "mixed": a label (interleave.csv) */
    const char *desc;  /* one line for --help */
    size_t (*layout)(uint64_t size, struct cxs_wl_obj *obj, char *err, size_t errlen);
    void (*init)(struct cxs_wl_ctx *ctx, uint64_t seed);
    void (*run_thread)(struct cxs_wl_ctx *ctx, int tid);
    uint64_t (*reference)(const struct cxs_wl_ctx *ctx);
};

/* The table of workloads, NULL-terminated: one line per workload in
 * workloads.c. */
extern const struct cxs_workload *const cxs_workloads[];
const struct cxs_workload *cxs_workload_find(const char *name);
/* The table's names, "mg, cg, ...", for messages (a static buffer). */
const char *cxs_workload_names(void);

/* [lo, hi) of n items for thread tid of nthreads, cut at multiples of align. */
void cxs_wl_split(uint64_t n, int tid, int nthreads, uint64_t align, uint64_t *lo, uint64_t *hi);

#endif
