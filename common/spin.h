/* spin.h — a calibrated busy-wait, the injection delay of loaded/.
 *
 * Promises:
 * - cxs_spin(n) runs a loop of n empty iterations: no memory access, no
 *   timer read, no system call, so the delay adds no traffic of its own.
 * - cxs_spin_calibrate() measures the loop's speed on the calling thread's
 *   CPU (the fastest of several ~2 ms runs, timed with timer.h; call
 *   cxs_timer_init() first) and returns iterations per nanosecond. A delay
 *   of D ns is then cxs_spin_iters(D, rate) iterations. The delay is as exact
 *   as the CPU's clock is steady; what a loaded run reports is the traffic
 *   it measured, never a rate derived from the delay.
 */
#ifndef CXS_SPIN_H
#define CXS_SPIN_H
#include <stdint.h>

void cxs_spin(uint64_t iters);
double cxs_spin_calibrate(void);
uint64_t cxs_spin_iters(double ns, double iters_per_ns);

#endif
