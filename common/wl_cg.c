/* wl_cg.c — "cg": the sparse matrix-vector product at the heart of NPB CG;
 * latency-bound.
 *
 *   y[r] = sum over k in [rowptr[r], rowptr[r+1]) of vals[k] * x[colidx[k]]
 *   checksum: sum of (r+1)*y[r]
 *
 * The matrix has m rows, n = 2m columns and 8 nonzeros a row (CSR), its
 * column indices uniform at random, so the gathers x[colidx[k]] land
 * anywhere in x. Threads take ranges of rows.
 *
 * Objects (share of size): colidx 33 % (uint32, 8m), vals 33 % (uint32, 8m),
 * x 17 % (2m), rowptr 8 % (m+1, padded to 64 bytes), y 8 % (m).
 * Counted per row: rowptr 2 loads, y 1 store; per nonzero: colidx 1, vals 1,
 * x 1 (the gather). The nonzeros a thread visited are rowptr[hi] -
 * rowptr[lo], the exact trip count of its inner loops.
 */
#include "workload.h"

#include <stdio.h>
#include <string.h>

#include "hash.h"

enum { COLIDX, VALS, X, ROWPTR, Y, NOBJ };
#define G CXS_MIX64_GAMMA /* splitmix64 increment */
#define NNZ 8             /* nonzeros a row */

static size_t cg_layout(uint64_t size, struct cxs_wl_obj *obj, char *err, size_t errlen)
{
    static const char *const names[NOBJ] = {"colidx", "vals", "x", "rowptr", "y"};
    if (size < (1u << 20)) {
        snprintf(err, errlen, "cg needs --size of at least 1M");
        return 0;
    }
    uint64_t m = (size - 64) / 96 / 8 * 8; /* 32m + 32m + 16m + (8m + 64) + 8m bytes */
    if (m > (1u << 31)) {                  /* colidx < 2m must fit in 32 bits */
        snprintf(err, errlen, "cg supports --size of at most 192G");
        return 0;
    }
    uint64_t bytes[NOBJ] = {4 * NNZ * m, 4 * NNZ * m, 16 * m, 8 * m + 64, 8 * m};
    for (int o = 0; o < NOBJ; o++) {
        snprintf(obj[o].name, sizeof obj[o].name, "%s", names[o]);
        obj[o].bytes = bytes[o];
    }
    return NOBJ;
}

static void cg_init(struct cxs_wl_ctx *ctx, uint64_t seed)
{
    uint32_t *colidx = ctx->ptr[COLIDX], *vals = ctx->ptr[VALS];
    uint64_t *x = ctx->ptr[X], *rowptr = ctx->ptr[ROWPTR];
    uint64_t m = ctx->obj[Y].bytes / 8, n = ctx->obj[X].bytes / 8;
    uint64_t sc = cxs_mix64(seed + COLIDX * G), sv = cxs_mix64(seed + VALS * G),
             sx = cxs_mix64(seed + X * G);
    for (uint64_t k = 0; k < NNZ * m; k++) {
        colidx[k] = (uint32_t)(cxs_mix64(sc + k * G) % n);
        vals[k] = (uint32_t)cxs_mix64(sv + k * G);
    }
    for (uint64_t i = 0; i < n; i++)
        x[i] = cxs_mix64(sx + i * G);
    memset(rowptr, 0, ctx->obj[ROWPTR].bytes);
    for (uint64_t r = 0; r <= m; r++)
        rowptr[r] = NNZ * r;
    memset(ctx->ptr[Y], 0, ctx->obj[Y].bytes);
}

static void cg_run_thread(struct cxs_wl_ctx *ctx, int tid)
{
    const uint32_t *colidx = ctx->ptr[COLIDX], *vals = ctx->ptr[VALS];
    const uint64_t *x = ctx->ptr[X], *rowptr = ctx->ptr[ROWPTR];
    uint64_t *y = ctx->ptr[Y];
    uint64_t m = ctx->obj[Y].bytes / 8, lo, hi, sum = 0;
    cxs_wl_split(m, tid, ctx->nthreads, 8, &lo, &hi); /* 8: whole cache lines of y */

    for (uint64_t r = lo; r < hi; r++) {
        uint64_t s = 0, end = rowptr[r + 1];
        for (uint64_t k = rowptr[r]; k < end; k++)
            s += vals[k] * x[colidx[k]];
        y[r] = s;
        sum += (r + 1) * s;
    }
    ctx->part[tid] = sum;

    if (ctx->acc) {
        uint64_t *acc = ctx->acc + (size_t)tid * CXS_WL_MAXOBJ;
        uint64_t rows = hi - lo, nnz = hi > lo ? rowptr[hi] - rowptr[lo] : 0;
        acc[ROWPTR] += 2 * rows;
        acc[COLIDX] += nnz;
        acc[VALS] += nnz;
        acc[X] += nnz;
        acc[Y] += rows;
    }
}

static uint64_t cg_reference(const struct cxs_wl_ctx *ctx)
{
    const uint32_t *colidx = ctx->ptr[COLIDX], *vals = ctx->ptr[VALS];
    const uint64_t *x = ctx->ptr[X], *rowptr = ctx->ptr[ROWPTR];
    uint64_t m = ctx->obj[Y].bytes / 8, sum = 0;
    for (uint64_t r = 0; r < m; r++) {
        uint64_t s = 0;
        for (uint64_t k = rowptr[r]; k < rowptr[r + 1]; k++)
            s += (uint64_t)vals[k] * x[colidx[k]];
        sum += (r + 1) * s;
    }
    return sum;
}

extern const struct cxs_workload cxs_wl_cg;
const struct cxs_workload cxs_wl_cg = {
    .name = "cg",
    .bound = "latency",
    .desc = "CG-like sparse matrix-vector product: CSR, 8 random gathers a row",
    .layout = cg_layout,
    .init = cg_init,
    .run_thread = cg_run_thread,
    .reference = cg_reference,
};
