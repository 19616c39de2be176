/* stats.h — summaries of repeated measurements.
 *
 * Promises:
 * - cxs_summarize() never reorders the caller's samples (it sorts a copy).
 * - Outliers: a sample is dropped when |x - median| > k * 1.4826 * MAD
 *   (k = CXS_OUTLIER_K unless given) and also > CXS_OUTLIER_MIN_REL of the
 *   median (so very tight data does not lose samples that differ by 0.1 %); with MAD = 0 (over half
 * the samples equal) nothing is dropped. Every other statistic is computed over the kept samples;
 * kept + dropped == n. NaN samples count as dropped; all-NaN input returns -1. `mad` is the raw MAD
 * of all samples (not scaled).
 * - Quantiles use linear interpolation between order statistics (type 7,
 *   as R's default and numpy's).
 * - The 95 % confidence interval of the median is distribution-free: order
 *   statistics chosen from the binomial(n, 1/2) distribution. With fewer than
 *   6 kept samples no such interval exists, and ci_lo/ci_hi are the min/max
 *   (ci_exact = 0 says so).
 */
#ifndef CXS_STATS_H
#define CXS_STATS_H

#include <stddef.h>

#define CXS_OUTLIER_K 3.5
#define CXS_OUTLIER_MIN_REL 0.01

struct cxs_summary {
    size_t n, kept, dropped;
    double median, mean, min, max, p5, p95, mad;
    double ci_lo, ci_hi;
    int ci_exact;
};

/* Returns 0, or -1 if n == 0 or memory is short. k <= 0 means CXS_OUTLIER_K. */
int cxs_summarize(const double *x, size_t n, double k, struct cxs_summary *out);

/* q in [0,1] over ascending sorted data, n >= 1. */
double cxs_quantile_sorted(const double *sorted, size_t n, double q);

/* Indices (0-based, into ascending sorted data of size n) of the order
 * statistics bounding a >= 95 % CI of the median. Returns 0 if n < 6. */
int cxs_median_ci_index(size_t n, size_t *lo, size_t *hi);

/* Adaptive repetition: take samples until the CI half-width is within
 * rel_ci of the median (after min_samples are taken and kept), the time
 * budget is spent (after min_samples are taken and kept: outliers do not
 * count), or
 * max_samples are taken, or a stop is requested (interrupt.h). */
struct cxs_adaptive {
    size_t min_samples; /* >= 1 */
    size_t max_samples; /* >= min_samples */
    double budget_s;    /* wall-clock budget for the samples, > 0 */
    double rel_ci;      /* e.g. 0.01 for +-1 % */
};

/* fn returns 0 and sets *value, or a positive code to abort (returned as is,
 * *out left untouched). samples must hold max_samples values; *n is the count
 * taken. Returns -1 for bad arguments (max_samples == 0) or no memory.
 * min_samples 0 counts as 1; the CI stop needs ci_exact (>= 6 samples); on
 * long runs the CI is re-checked every ~3 % more samples, the budget and the
 * stop flag after every sample. */
typedef int (*cxs_sample_fn)(void *ctx, double *value);
int cxs_sample_adaptive(const struct cxs_adaptive *a, cxs_sample_fn fn, void *ctx, double *samples,
                        size_t *n, struct cxs_summary *out);

#endif
