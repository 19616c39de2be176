/* timer.h — cycle-accurate interval timing.
 *
 * Promises:
 * - On x86-64 with an invariant TSC (CPUID 0x80000007 EDX bit 8), intervals
 *   are read from the TSC: cxs_time_begin() is "lfence; rdtsc" (earlier
 *   instructions done before the read), cxs_time_end() is "rdtscp; lfence"
 *   (the timed work done before the read, later work not started). The TSC
 *   frequency is calibrated against CLOCK_MONOTONIC_RAW at cxs_timer_init()
 *   (median of several 20 ms windows; CPUID leaf 0x15 is empty in VMs).
 * - Otherwise ticks are nanoseconds from clock_gettime(CLOCK_MONOTONIC_RAW).
 * - cxs_timer_info() says which source is in use, so results can record it;
 *   call cxs_timer_init() first (it calibrates, ~150 ms).
 */
#ifndef CXS_TIMER_H
#define CXS_TIMER_H

#include <stdint.h>

struct cxs_timer_desc {
    const char *source;  /* "tsc" or "clock_gettime" */
    double ticks_per_ns; /* TSC GHz; 1.0 for clock_gettime */
    int tsc_invariant;   /* CPUID says the TSC is invariant */
    double overhead_ns;  /* cost of one begin/end pair, measured */
};

void cxs_timer_init(void);
const struct cxs_timer_desc *cxs_timer_info(void);
uint64_t cxs_time_begin(void);
uint64_t cxs_time_end(void);
double cxs_ticks_to_ns(uint64_t ticks);
/* Wall-clock seconds from CLOCK_MONOTONIC (for budgets, not measurements). */
double cxs_now_s(void);

#endif
