/* timer.c — serialized TSC reads calibrated against CLOCK_MONOTONIC_RAW,
 * with a clock_gettime fallback. */
#include "timer.h"

#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <x86intrin.h>
#define HAVE_TSC 1
#else
#define HAVE_TSC 0
#endif

static struct cxs_timer_desc desc = {"clock_gettime", 1.0, 0, 0.0};
static int use_tsc;
static double ns_per_tick = 1.0;

static uint64_t raw_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

double cxs_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#if HAVE_TSC
static int tsc_invariant(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(0x80000000u, &a, &b, &c, &d) || a < 0x80000007u)
        return 0;
    __cpuid(0x80000007u, a, b, c, d);
    return (d >> 8) & 1;
}

static inline uint64_t tsc_begin(void)
{
    _mm_lfence();
    uint64_t t = __rdtsc();
    _mm_lfence();
    return t;
}

static inline uint64_t tsc_end(void)
{
    unsigned aux;
    uint64_t t = __rdtscp(&aux);
    _mm_lfence();
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Ticks per ns: median of 7 windows of ~20 ms against CLOCK_MONOTONIC_RAW. */
static double calibrate(void)
{
    double r[7];
    for (int i = 0; i < 7; i++) {
        uint64_t n0 = raw_ns(), t0 = tsc_begin(), n1;
        do
            n1 = raw_ns();
        while (n1 - n0 < 20000000ull);
        uint64_t t1 = tsc_end();
        r[i] = (double)(t1 - t0) / (double)(n1 - n0);
    }
    qsort(r, 7, sizeof r[0], cmp_double);
    return r[3];
}
#endif

uint64_t cxs_time_begin(void)
{
#if HAVE_TSC
    if (use_tsc)
        return tsc_begin();
#endif
    return raw_ns();
}

uint64_t cxs_time_end(void)
{
#if HAVE_TSC
    if (use_tsc)
        return tsc_end();
#endif
    return raw_ns();
}

double cxs_ticks_to_ns(uint64_t ticks)
{
    return (double)ticks * ns_per_tick;
}

void cxs_timer_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
#if HAVE_TSC
    desc.tsc_invariant = tsc_invariant();
    /* Without an invariant TSC the tick rate may follow the core clock. */
    if (desc.tsc_invariant && !getenv("CXLSCOPE_NO_TSC")) {
        double tpn = calibrate();
        if (tpn > 0.05) {
            use_tsc = 1;
            desc.source = "tsc";
            desc.ticks_per_ns = tpn;
            ns_per_tick = 1.0 / tpn;
        }
    }
#endif
    /* Overhead of an empty begin/end pair: minimum over many tries. */
    double best = 1e30;
    for (int i = 0; i < 1000; i++) {
        uint64_t a = cxs_time_begin(), b = cxs_time_end();
        double d = cxs_ticks_to_ns(b - a);
        if (d < best)
            best = d;
    }
    desc.overhead_ns = best;
}

const struct cxs_timer_desc *cxs_timer_info(void)
{
    return &desc;
}
