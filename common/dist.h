/* dist.h — a point's per-access latency distribution (hist.h) in a
 * benchmark's outputs (--distribution N): summary columns in the point's
 * row, and the histogram as rows of its own CSV (latency_dist.csv,
 * loaded_dist.csv).
 *
 * Promises:
 * - CXS_DIST_COLS (a column-list fragment, row.h) names the row's columns:
 *   dist_block_loads (N), dist_blocks (blocks timed), dist_p50_ns,
 *   dist_p90_ns, dist_p99_ns, dist_p999_ns, dist_p9999_ns (nearest-rank
 *   percentiles, ns per load, within 0.5 % as hist.h says), dist_max_ns
 *   (exact) and dist_over_1us (blocks above 1 us per load). cxs_dist_cols()
 *   sets them from h, or leaves them empty when block is 0 (no
 *   --distribution) or h holds nothing.
 * - CXS_DIST_BUCKET_COLS names the histogram CSV's own columns after the
 *   point's key: bucket_lo_ns, bucket_hi_ns (empty for the last bucket,
 *   which has no upper edge), count. cxs_dist_rows() writes one row per
 *   bucket that counted anything, in increasing order: key(row, ctx) sets
 *   the point's key columns first. Nothing is written when out is NULL (no
 *   --output). A failed write ends the run as cxs_run_row() does
 *   (cxs_run_finish(1): the close says why in one line).
 */
#ifndef CXS_DIST_H
#define CXS_DIST_H

#include <stdint.h>

#include "hist.h"
#include "output.h"
#include "row.h"

// clang-format off
#define CXS_DIST_COLS                                                                             \
    {"dist_block_loads", "--distribution N: dependent loads per timed block; the dist_ columns " \
                         "are empty without it"},                                                 \
    {"dist_blocks", "blocks timed (the distribution's samples: as many as the point took)"},      \
    {"dist_p50_ns", "percentiles of the blocks' ns per load (the timer's cost subtracted), "      \
                    "within 0.5 %"},                                                              \
    {"dist_p90_ns", NULL}, {"dist_p99_ns", NULL}, {"dist_p999_ns", "p99.9"},                     \
    {"dist_p9999_ns", "p99.99"}, {"dist_max_ns", "the slowest block, exact"},                     \
    {"dist_over_1us", "blocks above 1 us per load"}
#define CXS_DIST_BUCKET_COLS                                                                      \
    {"bucket_lo_ns", "ns per load, the bucket's lower edge (buckets 1 % wide from 1 ns to 1 ms)"}, \
    {"bucket_hi_ns", "its upper edge; empty for the last bucket (1 ms and above)"},               \
    {"count", "blocks in the bucket"}
// clang-format on

/* The timer's cost per block of `block` loads (cxs_block_overhead_ticks()),
 * measured on the calling thread's CPU and noted in meta.json. */
uint64_t cxs_dist_overhead(uint64_t block);
void cxs_dist_cols(struct cxs_row *r, uint64_t block, const struct cxs_hist *h);
void cxs_dist_rows(struct cxs_out *out, struct cxs_row *r, const struct cxs_hist *h,
                   void (*key)(struct cxs_row *r, const void *ctx), const void *ctx);

#endif
