/* hist.h — per-access latency distributions: log-bucketed histograms
 * (HdrHistogram-like) and the timed blocks of dependent loads that fill
 * them (--distribution N).
 *
 * Promises:
 * - Buckets cover [CXS_HIST_LO_NS, CXS_HIST_HI_NS) = [1 ns, 1 ms): bucket
 *   i in 1..CXS_HIST_NB is [lo r^(i-1), lo r^i) with r = CXS_HIST_RATIO,
 *   so its width is 1 % of its low edge, except the last, which ends at
 *   1 ms (about 0.45 % wide: 1 ms is no power of 1.01); no bucket is wider
 *   than 1 % relative. A value below 1 ns counts in an underflow bucket
 *   [0, 1 ns), one at or above 1 ms in an overflow bucket [1 ms, +inf).
 *   cxs_hist_bucket() and cxs_hist_edge() are exact inverses on the edges
 *   (a value equal to an edge falls in the bucket it opens, the double just
 *   below it in the bucket before). Thread-safe: the edges are computed
 *   once (pthread_once) and only read after.
 * - cxs_hist_add() counts one value (ns), keeps the exact min, max and the
 *   exact count of values > 1000 ns; NaN and negative values count as 0.
 * - cxs_hist_quantile(h, q), q in [0, 1] (clamped into it; NaN is 0): the
 *   nearest-rank q-quantile (the value of rank ceil(q n), rank 1 at least;
 *   a q n within a relative 1e-9 of an integer is that integer, as the q
 *   meant: 0.07 * 100 is 7.000000000000001 in binary) as the geometric
 *   middle of its bucket, clamped to [min, max]: within 0.5 % of the true
 *   value for values in [1 ns, 1 ms); the underflow bucket gives min, the
 *   overflow bucket max; q = 1 gives max, q = 0 min; 0 when empty.
 * - cxs_hist_merge() adds one histogram into another (counts, min, max).
 * - A histogram is a plain struct of fixed size: no allocation.
 * - cxs_block_overhead_ticks(N) measures what a block of N loads costs
 *   besides its loads: blocks of N and of 2N dependent loads around an
 *   L1-resident ring, timed as every block is, many times each; the
 *   intercept 2 T(N) - T(2N) of their median times (0 if negative), in
 *   ticks: what the blocks subtract. It works on static buffers: one caller
 *   at a time.
 * - cxs_chase_blocks(p, nloads, block, overhead, h) walks nloads
 *   dependent loads from p (as cxs_chase(), chase.h) in blocks of block
 *   loads, each timed on its own with the serializing timer, and adds each
 *   block's (ticks - overhead) / block, in ns per load (0 when the overhead
 *   exceeds the block), to h; a last partial block is timed and counted
 *   the same way over the loads it has (block 0 counts as 1). The loads
 *   are exactly nloads (no rounding up, unlike cxs_chase()); the
 *   bookkeeping per block stays outside the timed region and allocates
 *   nothing. Returns the final pointer and, in *ticks (unless NULL), the
 *   sum of the blocks' ticks less the overheads (the sample's time). Call
 *   cxs_timer_init() first.
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
 * +inf for the overflow bucket (edge(i) is +inf for i > CXS_HIST_NB + 1). */
double cxs_hist_edge(size_t i);
void cxs_hist_add(struct cxs_hist *h, double ns);
void cxs_hist_merge(struct cxs_hist *dst, const struct cxs_hist *src);
double cxs_hist_quantile(const struct cxs_hist *h, double q);

uint64_t cxs_block_overhead_ticks(uint64_t block);
void *cxs_chase_blocks(void *p, uint64_t nloads, uint64_t block, uint64_t overhead,
                       struct cxs_hist *h, uint64_t *ticks);

#endif
