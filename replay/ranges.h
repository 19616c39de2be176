/* ranges.h — what a measured value can be. cxlscope-calibrate checks every
 * figure it reads from a results CSV against these ranges, and
 * cxlscope-xlshare every value it reads from a calibration file: a value
 * outside them is no measurement (a sign, unit or parse error) and is
 * rejected, never copied.
 *
 * Promises:
 * - RP_LATENCY_NS: > 0 and < RP_MAX_LATENCY_NS (1 s).
 * - RP_GBPS: > 0 and < RP_MAX_GBPS (100,000 GB/s = 100 TB/s: over ten times
 *   any memory or link one node or GPU has, e.g. HBM3e's 8 TB/s).
 * - RP_COUNT (threads, samples, bytes): an integer >= 0 and < 2^53 (every
 *   such integer is exact in a double and fits an int64).
 * - RP_NODE, RP_DEVICE (a NUMA node, a GPU number): an integer 0..65535;
 *   RP_NODE_OR_NONE also -1 (none: a GPU without a NUMA node).
 * - rp_check() returns 0 when v is one, else -1 with the rule in err:
 *   "TEXT is not a latency (must be > 0 and < 1e9 ns)", TEXT being the value
 *   as the caller found it.
 */
#ifndef RP_RANGES_H
#define RP_RANGES_H

#include <stddef.h>

#define RP_MAX_LATENCY_NS 1e9
#define RP_MAX_LATENCY_TEXT "1e9 ns"
#define RP_MAX_GBPS 100000.0
#define RP_MAX_GBPS_TEXT "100000 GB/s"

enum rp_kind { RP_LATENCY_NS, RP_GBPS, RP_COUNT, RP_NODE, RP_NODE_OR_NONE, RP_DEVICE };

int rp_check(enum rp_kind k, double v, const char *text, char *err, size_t errlen);

#endif
