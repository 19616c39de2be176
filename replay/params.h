/* params.h — the figures the cache model needs, read from a calibration
 * (cxlscope's calibration.json, or a file in the XL-Share emulator's
 * format) or given with --assume, each with where it came from.
 *
 * Promises:
 * - xs_params_load() detects the format (schema "cxlscope-calibration/1",
 *   or the objects "calibration" and "cxllatency_profile") and fills what
 *   the file has; for a value it lacks, why (our "absent" reason, or "null
 *   in the file").
 *   cxlscope: pool node P, CPU node C ->
 *     h2d_gbps, d2h_gbps       nodes.P.gpu.{h2d,d2h}_pinned_gbps
 *     gpu_copy_latency_ns      nodes.P.gpu.copy_latency_64b_ns.h2d.median
 *     hbm_gbps                 2 x gpu_device.d2d_gbps (a copy reads and writes)
 *     pool_gbps                nodes.P.bandwidth.read.peak_gbps
 *     ldram_h2d_gbps, ldram_copy_latency_ns, ldram_gbps: the same of node C
 *     the loaded-latency curve nodes.P.loaded_latency (extra = latency minus
 *                              the lowest-bandwidth point's)
 *   xlshare: h2d_gbps = pool_gbps = cxllatency_profile.cxl_bandwidth,
 *     gpu_copy_latency_ns = cxl_near_ns, hbm_gbps = calibration.
 *     local_hbm_bandwidth_gbps (else cxllatency_profile.local_bandwidth),
 *     d2h_gbps = device_to_host_gbps, ldram_h2d_gbps = host_to_device_gbps,
 *     ldram_copy_latency_ns = pcie_like_latency_ns; no curve (the format
 *     has none: latency does not rise with load) and no ldram_gbps.
 * - Every number read is checked against its kind's range (ranges.h): the
 *   bandwidths > 0 and < RP_MAX_GBPS, the latencies (and the curve's points)
 *   > 0 and < 1 s, pool_node and cpu_node node numbers. A value out of range,
 *   or one that is not a number (null is missing, not an error), fails the
 *   load naming the file and the value's path: "F: nodes.1.gpu.
 *   h2d_pinned_gbps.value: -5 is not a bandwidth (must be > 0 and < 100000
 *   GB/s)"; it is never taken as missing nor used.
 * - xs_params_assume() takes "KEY=VALUE[,KEY=VALUE...]"; a value given
 *   this way fills only what the calibration lacks (a measured value is
 *   kept, and its description says the assumption was not used) and is
 *   marked assumed. KEY is one of
 *   xs_key_names or loaded_curve=flat. Unknown keys, values that are not
 *   positive numbers or beyond their kind's range: -1 with the reason.
 * - xs_params_need() fails, naming the first required key that has no value,
 *   why the calibration lacks it, and the --assume to give; a value is
 *   never filled in silently. pool_gbps and ldram_gbps are optional (no
 *   shared ceiling when absent, and xs_params_describe() says so).
 */
#ifndef RP_PARAMS_H
#define RP_PARAMS_H

#include <stddef.h>

#include "model.h"

enum xs_key { XK_H2D, XK_D2H, XK_LAT, XK_HBM, XK_POOL, XK_LDRAM_H2D, XK_LDRAM_LAT, XK_LDRAM, XK_N };
extern const char *const xs_key_names[XK_N];

struct xs_value {
    double v;
    int have, assumed;
    char src[1400]; /* where it came from, or why it is missing */
};

struct xs_params {
    const char *path; /* as given (kept by pointer) */
    char format[16], run_id[160];
    struct xs_value val[XK_N];
    size_t ncurve;
    double curve_gbps[XS_MAX_CURVE], curve_extra_ns[XS_MAX_CURVE];
    int curve_have, curve_assumed_flat;
    char curve_src[1400];
};

int xs_params_load(const char *path, struct xs_params *p, char *err, size_t errlen);
int xs_params_assume(struct xs_params *p, const char *list, char *err, size_t errlen);
/* need: a mask of (1 << enum xs_key); the curve is needed when want_curve. */
int xs_params_need(const struct xs_params *p, unsigned need, int want_curve, char *err,
                   size_t errlen);
/* The pool link (h2d, latency, pool ceiling, curve) and the CPU-offload
 * link (LDRAM: h2d, latency, LDRAM ceiling, no curve). */
void xs_params_links(const struct xs_params *p, struct xs_link *pool, struct xs_link *offload);
/* "h2d_gbps=25 (assumed)" ... one line per value, for meta.json and stderr. */
size_t xs_params_describe(const struct xs_params *p, char lines[][1600], size_t max);
/* "h2d_gbps=25;hbm_gbps=3350" of the assumed values, or "none". */
void xs_params_assumed(const struct xs_params *p, char *buf, size_t len);

#endif
