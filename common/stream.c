/* stream.c — the kernel table, ISA dispatch and validation. */
#include "stream.h"

#include "chase.h"
#include "cli.h"

#include <immintrin.h>
#include <stdio.h>
#include <string.h>

const struct cxs_stream_kind cxs_stream_kinds[CXS_NKINDS] = {
    [CXS_K_READ] = {"read", "s += b[i]", 1, 0, CXS_ARR_B},
    [CXS_K_WRITE] = {"write", "a[i] = s", 0, 1, CXS_ARR_A},
    [CXS_K_WRITE_NT] = {"write-nt", "a[i] = s (non-temporal stores)", 0, 1, CXS_ARR_A},
    [CXS_K_COPY] = {"copy", "a[i] = b[i]", 1, 1, CXS_ARR_A | CXS_ARR_B},
    [CXS_K_TRIAD] = {"triad", "a[i] = b[i] + s*c[i]", 2, 1, CXS_ARR_A | CXS_ARR_B | CXS_ARR_C},
    [CXS_K_RW31] = {"3:1", "a[i] = b[i] + c[i] + d[i]", 3, 1,
                    CXS_ARR_A | CXS_ARR_B | CXS_ARR_C | CXS_ARR_D},
    [CXS_K_RW21] = {"2:1", "a[i] = b[i] + c[i]", 2, 1, CXS_ARR_A | CXS_ARR_B | CXS_ARR_C},
    [CXS_K_RW11] = {"1:1", "a[i] = a[i] + s", 1, 1, CXS_ARR_A},
};

/* The kernels, once per ISA. */
#define SFX(name) name##_sse2
#define TARGET "sse2"
#define VT __m128d
#define W 2
#define NT(p, v) _mm_stream_pd((p), (v))
#define FENCE() _mm_sfence()
#include "stream_kernels.inc"
#undef SFX
#undef TARGET
#undef VT
#undef W
#undef NT

#define SFX(name) name##_avx2
#define TARGET "avx2"
#define VT __m256d
#define W 4
#define NT(p, v) _mm256_stream_pd((p), (v))
#include "stream_kernels.inc"
#undef SFX
#undef TARGET
#undef VT
#undef W
#undef NT

#define SFX(name) name##_avx512
#define TARGET "avx512f"
#define VT __m512d
#define W 8
#define NT(p, v) _mm512_stream_pd((p), (v))
#include "stream_kernels.inc"
#undef SFX
#undef TARGET
#undef VT
#undef W
#undef NT
#undef FENCE

#define ROW(name)                                                                                  \
    {                                                                                              \
        name##_sse2, name##_avx2, name##_avx512                                                    \
    }
static const cxs_stream_kernel table[CXS_NKINDS][CXS_NISAS] = {
    [CXS_K_READ] = ROW(read), [CXS_K_WRITE] = ROW(write), [CXS_K_WRITE_NT] = ROW(write_nt),
    [CXS_K_COPY] = ROW(copy), [CXS_K_TRIAD] = ROW(triad), [CXS_K_RW31] = ROW(rw31),
    [CXS_K_RW21] = ROW(rw21), [CXS_K_RW11] = ROW(rw11),
};

static const char *const isa_names[CXS_NISAS] = {"sse2", "avx2", "avx512"};

int cxs_stream_kind_parse(const char *s)
{
    return CXS_NAME_LOOKUP_IN(cxs_stream_kinds, CXS_NKINDS, name, 0, s);
}

const char *cxs_stream_kind_name(int k)
{
    return k >= 0 && k < CXS_NKINDS ? cxs_stream_kinds[k].name : NULL;
}

const char *cxs_isa_name(enum cxs_isa i)
{
    return (unsigned)i < CXS_NISAS ? isa_names[i] : "?";
}

int cxs_isa_parse(const char *s)
{
    return cxs_name_lookup(isa_names, CXS_NISAS, s);
}

int cxs_isa_supported(enum cxs_isa i)
{
    /* libgcc's checks include the OS enabling the registers (XCR0). */
    __builtin_cpu_init();
    switch (i) {
    case CXS_ISA_SSE2:
        return __builtin_cpu_supports("sse2");
    case CXS_ISA_AVX2:
        return __builtin_cpu_supports("avx2");
    case CXS_ISA_AVX512:
        return __builtin_cpu_supports("avx512f");
    default:
        return 0;
    }
}

enum cxs_isa cxs_isa_best(void)
{
    for (int i = CXS_NISAS - 1; i > 0; i--)
        if (cxs_isa_supported((enum cxs_isa)i))
            return (enum cxs_isa)i;
    return CXS_ISA_SSE2;
}

size_t cxs_isa_vector_doubles(enum cxs_isa i)
{
    static const size_t w[CXS_NISAS] = {2, 4, 8};
    return (unsigned)i < CXS_NISAS ? w[i] : 0;
}

cxs_stream_kernel cxs_stream_fn(enum cxs_kind k, enum cxs_isa i)
{
    if ((unsigned)k >= CXS_NKINDS || (unsigned)i >= CXS_NISAS || !cxs_isa_supported(i))
        return NULL;
    return table[k][i];
}

int cxs_stream_narrays(enum cxs_kind k)
{
    return (unsigned)k < CXS_NKINDS ? __builtin_popcount(cxs_stream_kinds[k].arrays) : 0;
}

void cxs_stream_place(enum cxs_kind k, double *p, size_t n, struct cxs_stream_args *x)
{
    *x = (struct cxs_stream_args){.n = n, .block = n};
    double **slot[4] = {&x->a, &x->b, &x->c, &x->d};
    for (int a = 0; a < 4; a++)
        if (cxs_stream_kinds[k].arrays & (1u << a)) {
            *slot[a] = p;
            p += n;
        }
}

static double *at(double *p, size_t o)
{
    return p ? p + o : NULL;
}

double cxs_stream_range(cxs_stream_kernel fn, const struct cxs_stream_args *x, size_t pos,
                        size_t len)
{
    struct cxs_stream_args y = {.a = at(x->a, pos),
                                .b = at(x->b, pos),
                                .c = at(x->c, pos),
                                .d = at(x->d, pos),
                                .n = len,
                                .s = x->s,
                                .block = len};
    return fn(&y);
}

void cxs_stream_order(uint32_t *order, size_t nblocks, uint64_t seed)
{
    struct cxs_rng r;
    cxs_rng_seed(&r, seed);
    for (size_t i = 0; i < nblocks; i++)
        order[i] = (uint32_t)i;
    for (size_t i = nblocks; i > 1; i--) {
        size_t j = (size_t)cxs_rng_below(&r, i);
        uint32_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

/* Initial values: b varies with the index (so a wrong element mapping
 * shows), c and d constant, s = 3; all sums stay exact integers. */
static double b_at(size_t i)
{
    return (double)(i & 1023);
}

void cxs_stream_init(enum cxs_kind k, struct cxs_stream_args *x)
{
    unsigned m = cxs_stream_kinds[k].arrays;
    x->s = 3.0;
    for (size_t i = 0; i < x->n; i++) {
        if (m & CXS_ARR_A)
            x->a[i] = 0.0;
        if (m & CXS_ARR_B)
            x->b[i] = b_at(i);
        if (m & CXS_ARR_C)
            x->c[i] = 2.0;
        if (m & CXS_ARR_D)
            x->d[i] = 4.0;
    }
}

int cxs_stream_check(enum cxs_kind k, const struct cxs_stream_args *x, uint64_t calls,
                     double last_sum, char *err, size_t errlen)
{
    if (k == CXS_K_READ) {
        /* sum of (i & 1023) over [0, n): whole periods plus the tail */
        uint64_t n = x->n, per = 1023 * 1024 / 2, tail = n % 1024;
        double want = (double)(n / 1024 * per + tail * (tail - 1) / 2);
        if (calls == 0 || last_sum != want) {
            snprintf(err, errlen, "read: the kernel summed %.17g, expected %.17g", last_sum, want);
            return -1;
        }
        return 0;
    }
    for (size_t i = 0; i < x->n; i++) {
        double want;
        switch (k) {
        case CXS_K_WRITE:
        case CXS_K_WRITE_NT:
            want = calls ? x->s : 0.0;
            break;
        case CXS_K_COPY:
            want = calls ? b_at(i) : 0.0;
            break;
        case CXS_K_TRIAD:
            want = calls ? b_at(i) + x->s * 2.0 : 0.0;
            break;
        case CXS_K_RW31:
            want = calls ? b_at(i) + 2.0 + 4.0 : 0.0;
            break;
        case CXS_K_RW21:
            want = calls ? b_at(i) + 2.0 : 0.0;
            break;
        case CXS_K_RW11:
            want = (double)calls * x->s;
            break;
        default:
            snprintf(err, errlen, "unknown kernel kind %d", (int)k);
            return -1;
        }
        if (x->a[i] != want) {
            snprintf(err, errlen, "%s: a[%zu] is %.17g after %llu calls, expected %.17g",
                     cxs_stream_kinds[k].name, i, x->a[i], (unsigned long long)calls, want);
            return -1;
        }
    }
    if (calls == 0) {
        snprintf(err, errlen, "%s: the kernel never ran", cxs_stream_kinds[k].name);
        return -1;
    }
    return 0;
}
