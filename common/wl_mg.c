/* wl_mg.c — "mg": an MG-like multigrid step on a periodic 1-D grid of n
 * points (n a multiple of 32); bandwidth-bound.
 *
 *   smooth:   out[i] = in[i-1] + 2*in[i] + in[i+1] + rhs[i/2]  (in periodic)
 *   restrict: coarse[j] = out[4j] + out[4j+1] + out[4j+2] + out[4j+3]
 *   prolong:  out[i] += coarse[i/4] * coef[i%16]
 *   checksum: sum of (i+1)*out[i] (final) plus sum of coarse[j]
 *
 * Threads take ranges of i cut at multiples of 32 (whole cache lines of out
 * and coarse; any multiple of 4 would do), so each owns the coarse[j] it
 * writes and reads, and no barrier is needed.
 *
 * Objects (share of size): in 36 %, rhs 18 % (n/2 entries: a source term at
 * half resolution), out 36 %, coarse 9 % (n/4 entries), coef 4 KiB (16
 * entries used).
 * Counted, every element load and store, per grid point i: in 3, rhs 1,
 * out 4 (store in smooth, load in restrict, load + store in prolong),
 * coarse 1 load (prolong) plus 1 store per j, i.e. 1.25, coef 1.
 */
#include "workload.h"

#include <stdio.h>

#include "hash.h"

enum { IN, RHS, OUT, COARSE, COEF, NOBJ };
#define G CXS_MIX64_GAMMA /* splitmix64 increment */
#define ALIGN 32

static size_t mg_layout(uint64_t size, struct cxs_wl_obj *obj, char *err, size_t errlen)
{
    static const char *const names[NOBJ] = {"in", "rhs", "out", "coarse", "coef"};
    if (size < (1u << 20)) {
        snprintf(err, errlen, "mg needs --size of at least 1M");
        return 0;
    }
    uint64_t n = (size - 4096) / 22 / 32 * 32; /* 8n + 4n + 8n + 2n + 4096 bytes */
    uint64_t bytes[NOBJ] = {8 * n, 4 * n, 8 * n, 2 * n, 4096};
    for (int o = 0; o < NOBJ; o++) {
        snprintf(obj[o].name, sizeof obj[o].name, "%s", names[o]);
        obj[o].bytes = bytes[o];
    }
    return NOBJ;
}

static void mg_init(struct cxs_wl_ctx *ctx, uint64_t seed)
{
    for (int o = 0; o < NOBJ; o++) {
        uint64_t *p = ctx->ptr[o], len = ctx->obj[o].bytes / 8, s = cxs_mix64(seed + o * G);
        int output = o == OUT || o == COARSE;
        for (uint64_t i = 0; i < len; i++)
            p[i] = output ? 0 : cxs_mix64(s + i * G);
    }
}

static void mg_run_thread(struct cxs_wl_ctx *ctx, int tid)
{
    const uint64_t *in = ctx->ptr[IN], *rhs = ctx->ptr[RHS], *coef = ctx->ptr[COEF];
    uint64_t *out = ctx->ptr[OUT], *coarse = ctx->ptr[COARSE];
    uint64_t n = ctx->obj[IN].bytes / 8, lo, hi, sum = 0;
    cxs_wl_split(n, tid, ctx->nthreads, ALIGN, &lo, &hi);

    /* smooth: the interior, then the two periodic ends where this thread has them */
    uint64_t first = lo > 0 ? lo : 1, end = hi < n ? hi : n - 1;
    for (uint64_t i = first; i < end; i++)
        out[i] = in[i - 1] + 2 * in[i] + in[i + 1] + rhs[i / 2];
    if (lo == 0 && hi > 0)
        out[0] = in[n - 1] + 2 * in[0] + in[1] + rhs[0];
    if (hi == n && lo < n)
        out[n - 1] = in[n - 2] + 2 * in[n - 1] + in[0] + rhs[(n - 1) / 2];

    for (uint64_t j = lo / 4; j < hi / 4; j++) { /* restrict */
        uint64_t c = out[4 * j] + out[4 * j + 1] + out[4 * j + 2] + out[4 * j + 3];
        coarse[j] = c;
        sum += c;
    }
    for (uint64_t i = lo; i < hi; i++) { /* prolong */
        uint64_t v = out[i] + coarse[i / 4] * coef[i & 15];
        out[i] = v;
        sum += (i + 1) * v;
    }
    ctx->part[tid] = sum;

    if (ctx->acc) {
        uint64_t *acc = ctx->acc + (size_t)tid * CXS_WL_MAXOBJ, pts = hi - lo;
        acc[IN] += 3 * pts;
        acc[RHS] += pts;
        acc[OUT] += 4 * pts;
        acc[COARSE] += pts + (hi / 4 - lo / 4);
        acc[COEF] += pts;
    }
}

/* Per coarse point j: its four fine points smoothed, restricted, prolonged. */
static uint64_t mg_reference(const struct cxs_wl_ctx *ctx)
{
    const uint64_t *in = ctx->ptr[IN], *rhs = ctx->ptr[RHS], *coef = ctx->ptr[COEF];
    uint64_t n = ctx->obj[IN].bytes / 8, sum = 0;
    for (uint64_t j = 0; j < n / 4; j++) {
        uint64_t o[4], c = 0;
        for (uint64_t t = 0, i = 4 * j; t < 4; t++, i++) {
            o[t] = in[(i + n - 1) % n] + 2 * in[i] + in[(i + 1) % n] + rhs[i / 2];
            c += o[t];
        }
        sum += c;
        for (uint64_t t = 0, i = 4 * j; t < 4; t++, i++)
            sum += (i + 1) * (o[t] + c * coef[i % 16]);
    }
    return sum;
}

extern const struct cxs_workload cxs_wl_mg;
const struct cxs_workload cxs_wl_mg = {
    .name = "mg",
    .bound = "bandwidth",
    .desc = "MG-like multigrid step: 3-point stencil, restriction, prolongation",
    .layout = mg_layout,
    .init = mg_init,
    .run_thread = mg_run_thread,
    .reference = mg_reference,
};
