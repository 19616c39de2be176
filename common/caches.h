/* caches.h — the CPU caches: sizes of CPU 0's L1d/L2/L3 and the total
 * last-level cache of the machine.
 *
 * Promises:
 * - cxs_cache_sizes() fills sz[0..2] with the L1d, L2 and L3 sizes of CPU
 *   0's caches in bytes (-1 when absent) from hwloc when built with it, else
 *   from sysfs (sysfs.h root), and returns the source ("hwloc", "sysfs").
 * - cxs_llc_total_bytes() adds up every distinct instance of the highest
 *   cache level in sysfs (one per shared_cpu_list: a socket, or a CCX on
 *   AMD), the cache a streaming benchmark must exceed. Where sysfs has no
 *   cache directory (some VMs) it asks hwloc, which reads CPUID; 0 when
 *   neither knows.
 */
#ifndef CXS_CACHES_H
#define CXS_CACHES_H

#include <stdint.h>

const char *cxs_cache_sizes(int64_t sz[3]);
uint64_t cxs_llc_total_bytes(void);

#endif
