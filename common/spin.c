/* spin.c — the injection delay: an empty counted loop, calibrated. */
#include "spin.h"

#include <math.h>

#include "timer.h"

void cxs_spin(uint64_t iters)
{
    for (uint64_t i = iters; i; i--)
        __asm__ volatile(""); /* kept: the compiler may not drop or fold it */
}

double cxs_spin_calibrate(void)
{
    const uint64_t n = UINT64_C(1) << 22;
    double best = 0;
    cxs_spin(n); /* settle the clock */
    for (int r = 0; r < 7; r++) {
        uint64_t t0 = cxs_time_begin();
        cxs_spin(n);
        uint64_t t1 = cxs_time_end();
        double ns = cxs_ticks_to_ns(t1 - t0);
        if (ns > 0 && (double)n / ns > best)
            best = (double)n / ns;
    }
    return best;
}

uint64_t cxs_spin_iters(double ns, double iters_per_ns)
{
    if (!(ns > 0) || !(iters_per_ns > 0))
        return 0;
    return (uint64_t)llround(ns * iters_per_ns);
}
