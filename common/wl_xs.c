/* wl_xs.c — "xs": XSBench-like cross-section lookups; mixed-bound.
 *
 *   h = cxs_mix64(a[k])
 *   b[k] = table[h % T] + table[rotl(h,21) % T] + table[rotl(h,42) % T]
 *          + lut[h % L]
 *   checksum: sum of (k+1)*b[k]
 *
 * a and b are streamed, the table probed at random (T entries), the small
 * lut (L entries, a power of two) mostly hit in cache. Threads take ranges
 * of k.
 *
 * Objects (share of size): table 57 %, a 21 %, b 21 % (the rest after lut
 * split 11:4:4), lut 0.8 % (the largest power of two bytes <= 1 % of size,
 * at least 4 KiB).
 * Counted per k: a 1 load, table 3 loads, lut 1 load, b 1 store.
 */
#include "workload.h"

#include <stdio.h>

#include "hash.h"

enum { TABLE, A, B, LUT, NOBJ };
#define G CXS_MIX64_GAMMA /* splitmix64 increment */

static size_t xs_layout(uint64_t size, struct cxs_wl_obj *obj, char *err, size_t errlen)
{
    static const char *const names[NOBJ] = {"table", "a", "b", "lut"};
    if (size < (1u << 20)) {
        snprintf(err, errlen, "xs needs --size of at least 1M");
        return 0;
    }
    uint64_t lut = 4096;
    while (2 * lut <= size / 100)
        lut *= 2;
    uint64_t rest = size - lut, ab = rest / 19 * 4 / 64 * 64;
    uint64_t bytes[NOBJ] = {(rest - 2 * ab) / 64 * 64, ab, ab, lut};
    for (int o = 0; o < NOBJ; o++) {
        snprintf(obj[o].name, sizeof obj[o].name, "%s", names[o]);
        obj[o].bytes = bytes[o];
    }
    return NOBJ;
}

static void xs_init(struct cxs_wl_ctx *ctx, uint64_t seed)
{
    for (int o = 0; o < NOBJ; o++) {
        uint64_t *p = ctx->ptr[o], len = ctx->obj[o].bytes / 8, s = cxs_mix64(seed + o * G);
        for (uint64_t i = 0; i < len; i++)
            p[i] = o == B ? 0 : cxs_mix64(s + i * G);
    }
}

static void xs_run_thread(struct cxs_wl_ctx *ctx, int tid)
{
    const uint64_t *table = ctx->ptr[TABLE], *a = ctx->ptr[A], *lut = ctx->ptr[LUT];
    uint64_t *b = ctx->ptr[B];
    uint64_t ntab = ctx->obj[TABLE].bytes / 8, lmask = ctx->obj[LUT].bytes / 8 - 1;
    uint64_t lo, hi, sum = 0;
    cxs_wl_split(ctx->obj[A].bytes / 8, tid, ctx->nthreads, 8, &lo, &hi); /* 8: lines of b */

    for (uint64_t k = lo; k < hi; k++) {
        uint64_t h = cxs_mix64(a[k]);
        uint64_t v = table[h % ntab] + table[(h << 21 | h >> 43) % ntab] +
                     table[(h << 42 | h >> 22) % ntab] + lut[h & lmask];
        b[k] = v;
        sum += (k + 1) * v;
    }
    ctx->part[tid] = sum;

    if (ctx->acc) {
        uint64_t *acc = ctx->acc + (size_t)tid * CXS_WL_MAXOBJ, n = hi - lo;
        acc[A] += n;
        acc[TABLE] += 3 * n;
        acc[LUT] += n;
        acc[B] += n;
    }
}

static uint64_t xs_reference(const struct cxs_wl_ctx *ctx)
{
    const uint64_t *table = ctx->ptr[TABLE], *a = ctx->ptr[A], *lut = ctx->ptr[LUT];
    uint64_t ntab = ctx->obj[TABLE].bytes / 8, nl = ctx->obj[LUT].bytes / 8;
    uint64_t na = ctx->obj[A].bytes / 8, sum = 0;
    for (uint64_t k = 0; k < na; k++) {
        uint64_t h = cxs_mix64(a[k]), v = lut[h % nl];
        for (int rot = 0; rot <= 42; rot += 21)
            v += table[(rot ? h << rot | h >> (64 - rot) : h) % ntab];
        sum += (k + 1) * v;
    }
    return sum;
}

extern const struct cxs_workload cxs_wl_xs;
const struct cxs_workload cxs_wl_xs = {
    .name = "xs",
    .bound = "mixed",
    .desc = "XSBench-like lookups: 3 random table probes and a hot lut per streamed element",
    .layout = xs_layout,
    .init = xs_init,
    .run_thread = xs_run_thread,
    .reference = xs_reference,
};
