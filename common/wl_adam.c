/* wl_adam.c — "adam": the fp32 Adam step ZeRO-Offload runs on the CPU, over
 * n parameters; labelled latency-bound after the paper's observation (its
 * accesses are streams, like mg's).
 *
 *   m' = b1*m + (1-b1)*g          v' = b2*v + (1-b2)*g*g
 *   p' = p - (lr/c1) * m' / (sqrt(v'/c2) + eps)
 *   b1 0.9, b2 0.999, eps 1e-8, lr 1e-3; c1 = 1-b1^t, c2 = 1-b2^t for the
 *   fixed step t = 10 (bias correction)
 *   checksum: sum of (i+1) * (bits(p'[i]) + bits(m'[i]) + bits(v'[i])),
 *   bits() a float's IEEE-754 bit pattern as an unsigned integer
 *
 * Out of place, so that a run reads the same state every time: inputs
 * params, grads, m, v, outputs params_out, m_out, v_out. Per parameter a run
 * reads 16 B and writes 12 B (DeepSpeed's in-place step moves the same
 * bytes; here the stores go to other lines, which the cache fetches before
 * writing unless the stores stream). Every value is single-precision and
 * each parameter's update is one fixed sequence of IEEE operations (this
 * file is built with -ffp-contract=off: no fused multiply-add), so any
 * thread count gives the same bits. Threads take ranges of parameters cut
 * at multiples of 16 (whole cache lines of the outputs).
 *
 * Objects (share of size): the seven arrays, 1/7 each (n floats).
 * Counted per parameter: params, grads, m, v 1 load each; params_out,
 * m_out, v_out 1 store each.
 */
#include "workload.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"

enum { P, GR, M, V, P_OUT, M_OUT, V_OUT, NOBJ };
#define G CXS_MIX64_GAMMA /* splitmix64 increment */
#define ALIGN 16          /* floats in a cache line */
#define STEP 10           /* the step count t of the bias correction */

static const float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, lr = 1e-3f;

/* The bias corrections 1 - b^t, by t multiplications in float. */
static float correction(float beta)
{
    float b = 1.0f;
    for (int i = 0; i < STEP; i++)
        b *= beta;
    return 1.0f - b;
}

static uint64_t bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static size_t adam_layout(uint64_t size, struct cxs_wl_obj *obj, char *err, size_t errlen)
{
    static const char *const names[NOBJ] = {"params",     "grads", "m",    "v",
                                            "params_out", "m_out", "v_out"};
    if (size < (1u << 20)) {
        snprintf(err, errlen, "adam needs --size of at least 1M");
        return 0;
    }
    uint64_t n = size / (NOBJ * 4) / ALIGN * ALIGN; /* 7 arrays of n floats */
    for (int o = 0; o < NOBJ; o++) {
        snprintf(obj[o].name, sizeof obj[o].name, "%s", names[o]);
        obj[o].bytes = 4 * n;
    }
    return NOBJ;
}

/* A float k * 2^-23 * scale for the top 24 bits k of h, signed around 0
 * when sign: exact, never a NaN, an infinity or a subnormal. */
static float small_float(uint64_t h, float scale, int sign)
{
    int32_t k = (int32_t)(h >> 40);
    if (sign)
        k -= 1 << 23;
    return (float)k * (scale / 8388608.0f);
}

static void adam_init(struct cxs_wl_ctx *ctx, uint64_t seed)
{
    /* params in [-1, 1), grads and m in [-0.01, 0.01), v in [0, 2e-4) */
    static const float scale[NOBJ] = {1.0f, 0.01f, 0.01f, 1e-4f};
    for (int o = 0; o < NOBJ; o++) {
        float *p = ctx->ptr[o];
        uint64_t len = ctx->obj[o].bytes / 4, s = cxs_mix64(seed + o * G);
        for (uint64_t i = 0; i < len; i++)
            p[i] = o >= P_OUT ? 0.0f : small_float(cxs_mix64(s + i * G), scale[o], o != V);
    }
}

static void adam_run_thread(struct cxs_wl_ctx *ctx, int tid)
{
    const float *p = ctx->ptr[P], *g = ctx->ptr[GR], *m = ctx->ptr[M], *v = ctx->ptr[V];
    float *p_out = ctx->ptr[P_OUT], *m_out = ctx->ptr[M_OUT], *v_out = ctx->ptr[V_OUT];
    const float c1 = correction(beta1), c2 = correction(beta2);
    const float step_size = lr / c1;
    uint64_t lo, hi, sum = 0;
    cxs_wl_split(ctx->obj[P].bytes / 4, tid, ctx->nthreads, ALIGN, &lo, &hi);

    for (uint64_t i = lo; i < hi; i++) {
        float gi = g[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * gi;
        float vi = beta2 * v[i] + (1.0f - beta2) * (gi * gi);
        float denom = sqrtf(vi / c2) + eps;
        float pi = p[i] - step_size * (mi / denom);
        m_out[i] = mi;
        v_out[i] = vi;
        p_out[i] = pi;
        sum += (i + 1) * (bits(pi) + bits(mi) + bits(vi));
    }
    ctx->part[tid] = sum;

    if (ctx->acc) {
        uint64_t *acc = ctx->acc + (size_t)tid * CXS_WL_MAXOBJ, k = hi - lo;
        for (int o = 0; o < NOBJ; o++)
            acc[o] += k;
    }
}

/* Per parameter, the moments first, then the bias-corrected step. */
static uint64_t adam_reference(const struct cxs_wl_ctx *ctx)
{
    const float *param = ctx->ptr[P], *grad = ctx->ptr[GR];
    const float *m1 = ctx->ptr[M], *m2 = ctx->ptr[V];
    uint64_t n = ctx->obj[P].bytes / 4, sum = 0;
    float bc1 = correction(beta1), bc2 = correction(beta2);
    for (uint64_t i = 0; i < n; i++) {
        float first = beta1 * m1[i] + (1.0f - beta1) * grad[i];
        float second = beta2 * m2[i] + (1.0f - beta2) * (grad[i] * grad[i]);
        float update = first / (sqrtf(second / bc2) + eps);
        float next = param[i] - (lr / bc1) * update;
        sum += (i + 1) * bits(first) + (i + 1) * bits(second) + (i + 1) * bits(next);
    }
    return sum;
}

extern const struct cxs_workload cxs_wl_adam;
const struct cxs_workload cxs_wl_adam = {
    .name = "adam",
    .bound = "latency",
    .desc = "ZeRO-Offload's fp32 Adam step: params, grads, m, v in (16 B), 3 arrays out (12 B) a "
            "parameter",
    .layout = adam_layout,
    .init = adam_init,
    .run_thread = adam_run_thread,
    .reference = adam_reference,
};
