/* hist.h — per-access latency distributions: log-bucketed histograms
 * (HdrHistogram-like) and the timed blocks of dependent loads that fill
 * them (--distribution N).
 *
 * Promises:
 * - Buckets cover [CXS_HIST_LO_NS, CXS_HIST_HI_NS) = [1 ns, 1 ms) with
 *   edges lo * CXS_HIST_RATIO^i, so every bucket's width is 1 % of its low
 *   edge (relative width <= 1 %); a value below 1 ns counts in an underflow
 *   bucket [0, 1 ns), one at or above 1 ms in an overflow bucket
 *   [1 ms, +inf). cxs_hist_bucket() and cxs_hist_edge() are exact inverses
 *   on the edges (a value equal to an edge falls in the bucket it opens).
 * - cxs_hist_add() counts one value (ns), keeps the exact min, max and the
 *   exact count of values > 1000 ns; NaN and negative values count as 0.
 * - cxs_hist_quantile(h, q), q in [0, 1]: the nearest-rank q-quantile (the
 *   value of rank ceil(q n), rank 1 at least) as the geometric middle of
 *   its bucket, clamped to [min, max]: within 0.5 % of the true value for
 *   values in [1 ns, 1 ms); q = 1 gives max, q = 0 min; 0 when empty.
 * - cxs_hist_merge() adds one histogram into another (counts, min, max).
 * - A histogram is a plain struct of fixed size: no allocation.
 * - cxs_block_overhead_ticks() times an empty block (begin, end; timer.h)
 *   many times and returns the median in ticks: the cost the blocks
 *   subtract. cxs_chase_blocks(p, nloads, block, overhead, h) walks nloads
 *   dependent loads from p (as cxs_chase(), chase.h) in blocks of block
 *   loads, each timed on its own with the serializing timer, and adds each
 *   block's (ticks - overhead) / block, in ns per load (0 when the overhead
 *   exceeds the block), to h; a last partial block is timed and counted
 *   the same way over the loads it has. Returns the final pointer and, in
 *   *ticks, the sum of the blocks' ticks less the overheads (the sample's
 *   time). Call cxs_timer_init() first.
 */
#ifndef CXS_HIST_H
#define CXS_HIST_H

#include <stddef.h>
#include <stdint.h>

#define CXS_HIST_LO_NS 1.0
#define CXS_HIST_HI_NS 1e6
#define CXS_HIST_RATIO 1.01
/* Buckets in [1 ns, 1 ms): ceil(log(1e6) / log(1.01)). */
#define CXS_HIST_NB 1389
/* Bucket indices: 0 underflow, 1..CXS_HIST_NB the log buckets, then
 * overflow. */
#define CXS_HIST_NBUCKETS (CXS_HIST_NB + 2)

struct cxs_hist {
    uint64_t count[CXS_HIST_NBUCKETS];
    uint64_t n, over_1us;
    double min, max;
};

void cxs_hist_reset(struct cxs_hist *h);
size_t cxs_hist_bucket(double ns);
/* The low edge of bucket i (0 for the underflow bucket; the overflow
 * bucket's low edge is CXS_HIST_HI_NS); its high edge is edge(i + 1), or
 * +inf for the overflow bucket. */
double cxs_hist_edge(size_t i);
void cxs_hist_add(struct cxs_hist *h, double ns);
void cxs_hist_merge(struct cxs_hist *dst, const struct cxs_hist *src);
double cxs_hist_quantile(const struct cxs_hist *h, double q);

uint64_t cxs_block_overhead_ticks(void);
void *cxs_chase_blocks(void *p, uint64_t nloads, uint64_t block, uint64_t overhead,
                       struct cxs_hist *h, uint64_t *ticks);

#endif
