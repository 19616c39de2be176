/* model.h — the XL-Share cache model as a discrete-event simulation: G GPUs
 * run inferences of a layered model whose weights live in one memory pool;
 * each GPU keeps an LRU cache of whole layers in its HBM and a prefetcher
 * fetches the next layers ahead of use.
 *
 * Promises (semantics of ../shared/XLSHARE.md, with the pool modelled with
 * a bandwidth term and shared by the GPUs):
 * - Cache (per GPU): capacity in bytes; entries are whole layers; LRU order;
 *   a put evicts from the LRU end until the new entry fits, never evicting a
 *   pinned entry; an entry larger than the capacity left after the pinned
 *   entries is not cached. Pinned layers (xs_layer.pinned) are fetched once
 *   and never evicted. After a single_use layer has run it is moved to the
 *   LRU end ("mark for eviction"). A layer that lands while its GPU runs
 *   another may evict any unpinned entry, the running one included.
 * - Engine (per GPU): inferences back to back, layers in order. Before
 *   running layer i it enqueues prefetches of layers i+1 .. i+lookahead (the
 *   next inference's first layers when i is near the end, counting on
 *   across the inference boundary) that are neither cached, in flight nor
 *   queued.
 *   Then it waits for layer i: a hit if cached (no wait); if a prefetch of it
 *   is in flight, a stall until it lands (a miss); otherwise a demand fetch (a
 *   miss, issued at once, outside the worker limit, ahead of every queued
 *   prefetch, and replacing a queued prefetch of the same layer). Then the
 *   layer runs for max(compute_ns, bytes / hbm_gbps) — weights are read from
 *   HBM at least once. A layer that could not be cached (too large) is still
 *   run from its fetch buffer and then dropped; so is a prefetched layer that
 *   cannot be cached, unless the engine is waiting for it. Inference latency:
 *   from asking for layer 0 to the end of the last layer's run.
 * - Prefetcher (per GPU): `workers` transfers at most in flight; queued
 *   prefetches are served nearest-first (distance from the layer running);
 *   with lookahead 0 or workers 0 there is no prefetching.
 * - A transfer of b bytes: it starts, waits its latency, then moves b bytes.
 *   Latency = link.latency_ns + the loaded-latency curve's extra latency at
 *   the aggregate pool bandwidth in use when it starts (linear interpolation
 *   in curve_gbps, clamped at both ends; no curve: 0; a total below 0 counts
 *   as 0). "When it starts" is when the instant it starts in is over: after
 *   every transfer that completes, starts moving or starts at that instant,
 *   so transfers that start together see the same aggregate (the sum of the
 *   rates of the transfers moving then). While moving, the transfers in
 *   flight share bandwidth as a fluid (processor sharing): the transfers of
 *   one GPU split gpu_gbps equally, and all transfers together get at most
 *   pool_gbps (0 = no such ceiling), split equally: each moves at
 *   min(gpu_gbps / n_moving_on_its_gpu, pool_gbps / n_moving_total), rates
 *   recomputed whenever a transfer starts or ends moving.
 * - One instant, in this order: transfers complete (a layer that lands at t
 *   is there for an engine that asks at t; of one GPU's, the demand fetch
 *   first, then the prefetches by worker), then layer runs and latencies end
 *   in the order they were scheduled, then rates are recomputed, then the
 *   transfers started in the instant get their latency. Times that differ
 *   only by floating-point rounding (1e-14 relative) are the same instant.
 * - Closed forms that follow (and that the tests check): cache >= model ->
 *   after the first inference every access hits and an inference costs the
 *   sum of the layers' run times; cache 0 and no prefetch -> every layer costs
 *   latency + bytes / gpu_gbps + run time; run time >= transfer time with
 *   lookahead >= 1 and workers >= 1 (and a cache that holds the layers in
 *   flight) -> only the first layer's transfer is exposed (in the cold
 *   inference, where it shares the GPU's bandwidth with the first prefetches
 *   that start with it).
 * - Deterministic: same input, same output; no randomness, no wall clock.
 * - All times are ns (double), bandwidths GB/s with GB = 1e9 bytes, so
 *   bytes / gbps is ns.
 */
#ifndef RP_MODEL_H
#define RP_MODEL_H

#include <stddef.h>
#include <stdint.h>

struct xs_layer {
    char name[64];
    uint64_t bytes;
    double compute_ns; /* for the batch size simulated */
    int single_use;    /* mark for eviction after running */
    int pinned;        /* never evicted once cached */
};

#define XS_MAX_CURVE 64
struct xs_link {
    double latency_ns; /* one fetch's idle latency */
    double gpu_gbps;   /* one GPU's bandwidth from the pool (> 0) */
    double pool_gbps;  /* the pool's total for all GPUs (0: no ceiling) */
    size_t ncurve;     /* loaded-latency curve points, ascending gbps */
    double curve_gbps[XS_MAX_CURVE], curve_extra_ns[XS_MAX_CURVE];
};

struct xs_config {
    unsigned gpus;        /* >= 1 */
    uint64_t cache_bytes; /* per GPU */
    unsigned workers;     /* prefetch transfers in flight per GPU */
    unsigned lookahead;   /* layers ahead */
    uint64_t inferences;  /* per GPU, >= 1 */
    double hbm_gbps;      /* > 0 */
    /* When not NULL, polled every XS_STOP_EVERY steps of the event loop
     * (each step handles one thing at one instant: microseconds or less);
     * nonzero abandons the run: xs_simulate returns XS_STOPPED. */
    int (*stop)(void);
    /* Nonzero: simulate every GPU on its own (the tests' reference). 0: one
     * GPU stands for all of them: they start together, run the same layers
     * and share the pool alike, so they move in lockstep; the one simulated
     * counts as cfg->gpus in the shared rates, the curve, the counts and
     * sums (added GPU by GPU, in their order), and its latencies are every
     * GPU's. The result is the same, bit for bit (the tests check it);
     * the run is gpus times shorter. */
    int each_gpu;
};
#define XS_STOP_EVERY 1024
#define XS_STOPPED 1

struct xs_result {
    /* Per-inference latency over all GPUs: the first inference of each GPU
     * (cold) and the others (warm; 0 when inferences == 1). Median and p95
     * interpolate linearly between order statistics (type 7). */
    double cold_median_ns, cold_p95_ns, warm_median_ns, warm_p95_ns, warm_mean_ns;
    /* Layer runs, and those whose layer was cached when the engine asked. */
    uint64_t accesses, hits;
    uint64_t bytes_accessed, bytes_hit;
    /* Used: the engine stalled for it, or later ran it from the cache
     * (counted once per prefetch). */
    uint64_t prefetches, prefetched_bytes, prefetched_used_bytes;
    uint64_t demand_fetches, fetched_bytes; /* all bytes moved from the pool */
    double stall_ns;                        /* sum over GPUs of time waiting for weights */
    double makespan_ns;                     /* from start to the last GPU's end */
    /* Fetched bytes / (makespan x pool ceiling): the ceiling is pool_gbps, or
     * gpus x gpu_gbps. */
    double pool_utilization;
    double mean_latency_extra_ns; /* loaded-curve latency added, mean per fetch (0: none) */
    uint64_t cache_peak_bytes;    /* most bytes any GPU's cache held */
};

/* Runs the simulation. latencies, when not NULL, receives every inference's
 * latency (ns), GPU by GPU (gpus x inferences values). Returns 0, or -1 with
 * err (may be NULL) set for bad input (no layers, a layer of 0 bytes or with
 * a compute time < 0, gpus 0, inferences 0, gpu_gbps or hbm_gbps <= 0,
 * pool_gbps or latency_ns < 0, a curve of more than XS_MAX_CURVE points or
 * not strictly ascending in gbps, a value not finite, the model's bytes or
 * GPUs x inferences x those over 64 bits), e.g. "layer 3 (blk2) has 0
 * bytes", or no memory; XS_OVERFLOW (-2) with err when a byte count of the
 * result would overflow 64 bits during the run ("fetched_bytes overflow 64
 * bits ..."; wasted prefetches can make it exceed the bytes read). *out is
 * written only on success. XS_STOPPED (1) when cfg->stop asked to stop
 * (*out not written). */
#define XS_OVERFLOW (-2)
int xs_simulate(const struct xs_layer *layers, size_t nlayers, const struct xs_link *link,
                const struct xs_config *cfg, struct xs_result *out, double *latencies, char *err,
                size_t errlen);

/* The LRU cache on its own (used by xs_simulate; exposed for tests):
 * entries are layer indexes below nlayers. xs_cache_new returns NULL when out
 * of memory. */
struct xs_cache;
struct xs_cache *xs_cache_new(uint64_t capacity, size_t nlayers);
void xs_cache_free(struct xs_cache *c);
int xs_cache_has(const struct xs_cache *c, size_t layer);
/* Touch: move to the MRU end (a hit). */
void xs_cache_touch(struct xs_cache *c, size_t layer);
/* Put (the layer must not be present; if it is, a touch): evicts from the LRU
 * end, skipping pinned entries, until it fits; returns 1 if cached, 0 if it
 * cannot fit (then nothing is evicted). evicted (may be NULL; room for
 * nlayers) receives the evicted layers in eviction order, *nevicted (may be
 * NULL) their count. */
int xs_cache_put(struct xs_cache *c, size_t layer, uint64_t bytes, int pinned, size_t *evicted,
                 size_t *nevicted);
/* Move to the LRU end (mark for eviction); no effect on a pinned entry. */
void xs_cache_mark(struct xs_cache *c, size_t layer);
uint64_t xs_cache_used(const struct xs_cache *c);
/* Entries, pinned ones first (in the order they were last put or touched:
 * eviction never looks at them), then the others from the LRU end to the MRU
 * end; at most max; returns how many were written. */
size_t xs_cache_order(const struct xs_cache *c, size_t *out, size_t max);

#endif
