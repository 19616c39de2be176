/* wl_attention.c — "attention": one decode step of attention over a KV
 * cache, as FlexGen runs it on the CPU; bandwidth-bound.
 *
 * H independent heads (a batch's sequences times their heads), each with a
 * query q_h of D = 128 floats and a cache K_h, V_h of T tokens x D floats:
 *
 *   s_t = (q_h . K_h[t]) / sqrt(D)       the dot product in order k = 0..D-1
 *   p_t = exp(s_t - max_t s_t) / sum_t exp(s_t - max_t s_t)     sum in t order
 *   out_h[j] = sum over t = 0..T-1, in that order, of p_t * V_h[t][j]
 *   checksum: sum of (i+1) * bits(out[i]) plus sum of (i+1) * bits(scores[i]),
 *   bits() a float's IEEE-754 bit pattern as an unsigned integer
 *
 * fp32 throughout. A head is computed by one thread, always in the order
 * above (this file is built with -ffp-contract=off: no fused multiply-add),
 * so any thread count gives the same bits. Threads take ranges of heads.
 *
 * Sizes: H the largest power of two from 8 to 256 whose one token (H x 1028
 * bytes) is at most 1 % of size, T what the rest holds (126 at the least
 * size, 1M).
 * Objects: K and V (H*T*D floats each, nearly 50 % each), scores (the
 * softmax probabilities p, H*T floats: 0.4 %), q and out (H*D floats).
 * Counted per head and token: q D loads, K D loads, V D loads, scores 5
 * (stored as s, loaded, stored as exp, loaded, stored as p); per head
 * out D stores.
 */
#include "workload.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"

enum { Q, K, V, SCORES, OUT, NOBJ };
#define G CXS_MIX64_GAMMA /* splitmix64 increment */
#define D 128             /* the head dimension */
#define TOKEN (8 * D + 4) /* bytes a token adds per head: its K and V rows, its score */

static uint64_t bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* H and T of an object list layout() made. */
static uint64_t heads(const struct cxs_wl_ctx *ctx)
{
    return ctx->obj[Q].bytes / (4 * D);
}

static uint64_t tokens(const struct cxs_wl_ctx *ctx)
{
    return ctx->obj[K].bytes / 4 / D / heads(ctx);
}

static size_t attention_layout(uint64_t size, struct cxs_wl_obj *obj, char *err, size_t errlen)
{
    static const char *const names[NOBJ] = {"q", "K", "V", "scores", "out"};
    if (size < (1u << 20)) {
        snprintf(err, errlen, "attention needs --size of at least 1M");
        return 0;
    }
    uint64_t h = 8;
    while (2 * h <= 256 && 2 * h * TOKEN * 100 <= size)
        h *= 2;
    uint64_t t = (size - 2 * 4 * h * D) / (h * TOKEN); /* at 1M: H 8, T 126 */
    uint64_t sc = (4 * h * t + 63) / 64 * 64;
    uint64_t bytes[NOBJ] = {4 * h * D, 4 * h * t * D, 4 * h * t * D, sc < 4096 ? 4096 : sc,
                            4 * h * D};
    for (int o = 0; o < NOBJ; o++) {
        snprintf(obj[o].name, sizeof obj[o].name, "%s", names[o]);
        obj[o].bytes = bytes[o];
    }
    return NOBJ;
}

static void attention_init(struct cxs_wl_ctx *ctx, uint64_t seed)
{
    for (int o = 0; o < NOBJ; o++) {
        float *p = ctx->ptr[o];
        uint64_t len = ctx->obj[o].bytes / 4, s = cxs_mix64(seed + o * G);
        for (uint64_t i = 0; i < len; i++) /* q, K, V in [-1, 1): exact, never subnormal */
            p[i] = o >= SCORES
                       ? 0.0f
                       : (float)((int32_t)(cxs_mix64(s + i * G) >> 40) - (1 << 23)) / 8388608.0f;
    }
}

/* One head: scores, softmax in place in scores, then out. */
static void head(const float *q, const float *k, const float *v, float *sc, float *out, uint64_t t)
{
    float max = -INFINITY, sum = 0.0f, acc[D];
    for (uint64_t i = 0; i < t; i++) {
        float dot = 0.0f;
        for (int j = 0; j < D; j++)
            dot += q[j] * k[i * D + j];
        sc[i] = dot / sqrtf((float)D);
        if (sc[i] > max)
            max = sc[i];
    }
    for (uint64_t i = 0; i < t; i++) {
        sc[i] = expf(sc[i] - max);
        sum += sc[i];
    }
    for (int j = 0; j < D; j++)
        acc[j] = 0.0f;
    for (uint64_t i = 0; i < t; i++) {
        float p = sc[i] / sum;
        sc[i] = p;
        for (int j = 0; j < D; j++)
            acc[j] += p * v[i * D + j];
    }
    for (int j = 0; j < D; j++)
        out[j] = acc[j];
}

static void attention_run_thread(struct cxs_wl_ctx *ctx, int tid)
{
    const float *q = ctx->ptr[Q], *k = ctx->ptr[K], *v = ctx->ptr[V];
    float *sc = ctx->ptr[SCORES], *out = ctx->ptr[OUT];
    uint64_t t = tokens(ctx), lo, hi, sum = 0;
    cxs_wl_split(heads(ctx), tid, ctx->nthreads, 1, &lo, &hi);

    for (uint64_t h = lo; h < hi; h++) {
        head(q + h * D, k + h * t * D, v + h * t * D, sc + h * t, out + h * D, t);
        for (uint64_t i = h * t; i < (h + 1) * t; i++)
            sum += (i + 1) * bits(sc[i]);
        for (uint64_t j = h * D; j < (h + 1) * D; j++)
            sum += (j + 1) * bits(out[j]);
    }
    ctx->part[tid] = sum;

    if (ctx->acc) {
        uint64_t *acc = ctx->acc + (size_t)tid * CXS_WL_MAXOBJ, nh = hi - lo;
        acc[Q] += nh * t * D;
        acc[K] += nh * t * D;
        acc[V] += nh * t * D;
        acc[SCORES] += nh * t * 5;
        acc[OUT] += nh * D;
    }
}

/* Head h's score for token i, from q and K. */
static float score(const struct cxs_wl_ctx *ctx, uint64_t h, uint64_t i)
{
    const float *qh = (const float *)ctx->ptr[Q] + h * D;
    const float *row = (const float *)ctx->ptr[K] + (h * tokens(ctx) + i) * D;
    float s = 0.0f;
    for (int j = 0; j < D; j++)
        s += qh[j] * row[j];
    return s / sqrtf((float)D);
}

/* Per head three passes over the tokens, recomputing each score: its
 * maximum, the sum of the exponentials, then the weighted rows of V summed
 * into out[D] (the only scratch) and the probabilities counted. */
static uint64_t attention_reference(const struct cxs_wl_ctx *ctx)
{
    uint64_t nh = heads(ctx), nt = tokens(ctx), sum = 0;
    for (uint64_t h = 0; h < nh; h++) {
        float hi = score(ctx, h, 0), total = 0.0f, out[D] = {0};
        for (uint64_t i = 1; i < nt; i++)
            hi = fmaxf(hi, score(ctx, h, i));
        for (uint64_t i = 0; i < nt; i++)
            total += expf(score(ctx, h, i) - hi);
        for (uint64_t i = 0; i < nt; i++) {
            float p = expf(score(ctx, h, i) - hi) / total;
            const float *row = (const float *)ctx->ptr[V] + (h * nt + i) * D;
            for (int j = 0; j < D; j++)
                out[j] += p * row[j];
            sum += (h * nt + i + 1) * bits(p);
        }
        for (int j = 0; j < D; j++)
            sum += (h * D + (uint64_t)j + 1) * bits(out[j]);
    }
    return sum;
}

extern const struct cxs_workload cxs_wl_attention;
const struct cxs_workload cxs_wl_attention = {
    .name = "attention",
    .bound = "bandwidth",
    .desc = "FlexGen's decode attention on the CPU: fp32, per head q.K^T/sqrt(128), softmax, "
            "times V",
    .layout = attention_layout,
    .init = attention_init,
    .run_thread = attention_run_thread,
    .reference = attention_reference,
};
