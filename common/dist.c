/* dist.c — a point's latency distribution in the outputs (dist.h). */
#include "dist.h"

#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "run.h"
#include "timer.h"

static const struct {
    const char *col;
    double q;
} pcts[] = {{"dist_p50_ns", 0.5},    {"dist_p90_ns", 0.9},      {"dist_p99_ns", 0.99},
            {"dist_p999_ns", 0.999}, {"dist_p9999_ns", 0.9999}, {"dist_max_ns", 1.0}};

uint64_t cxs_dist_overhead(uint64_t block)
{
    static char note[200];
    uint64_t o = cxs_block_overhead_ticks(block);
    snprintf(note, sizeof note,
             "distribution: blocks of %" PRIu64 " loads, each less the timer's own cost, %.1f ns "
             "(the intercept of block time against loads on an L1-resident ring)",
             block, cxs_ticks_to_ns(o));
    cxs_run_note(note);
    return o;
}

void cxs_dist_cols(struct cxs_row *r, uint64_t block, const struct cxs_hist *h)
{
    int none = block == 0 || h->n == 0;
    if (none)
        cxs_row_empty(r, "dist_block_loads");
    else
        cxs_row_u64(r, "dist_block_loads", block);
    if (none)
        cxs_row_empty(r, "dist_blocks");
    else
        cxs_row_u64(r, "dist_blocks", h->n);
    for (size_t i = 0; i < sizeof pcts / sizeof pcts[0]; i++)
        if (none)
            cxs_row_empty(r, pcts[i].col);
        else
            cxs_row_fixed(r, pcts[i].col, 2, cxs_hist_quantile(h, pcts[i].q));
    if (none)
        cxs_row_empty(r, "dist_over_1us");
    else
        cxs_row_u64(r, "dist_over_1us", h->over_1us);
}

void cxs_dist_rows(struct cxs_out *out, struct cxs_row *r, const struct cxs_hist *h,
                   void (*key)(struct cxs_row *r, const void *ctx), const void *ctx)
{
    if (!out)
        return;
    for (size_t i = 0; i < CXS_HIST_NBUCKETS; i++) {
        if (!h->count[i])
            continue;
        key(r, ctx);
        cxs_row_fixed(r, "bucket_lo_ns", 4, cxs_hist_edge(i));
        if (i + 1 < CXS_HIST_NBUCKETS)
            cxs_row_fixed(r, "bucket_hi_ns", 4, cxs_hist_edge(i + 1));
        else
            cxs_row_empty(r, "bucket_hi_ns");
        cxs_row_u64(r, "count", h->count[i]);
        if (cxs_out_row(out, cxs_row_take(r)))
            cxs_run_finish(CXS_EXIT_FAIL); /* the close says why, in one line */
    }
}
