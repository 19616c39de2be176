/* stats.c — summaries of repeated measurements (see stats.h). */
#include "stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "interrupt.h"
#include "timer.h"

/* 1 / Phi^-1(3/4): scales the MAD to a standard deviation for normal data. */
#define CXS_MAD_SCALE 1.4826
#define CXS_CI_LEVEL 0.95

/* Ascending order; NaNs last so that qsort sees a consistent total order. */
static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;

    if (a < b)
        return -1;
    if (a > b)
        return 1;
    return (isnan(a) != 0) - (isnan(b) != 0);
}

double cxs_quantile_sorted(const double *sorted, size_t n, double q)
{
    if (n == 0)
        return NAN;
    if (!(q > 0.0)) /* also NaN */
        return sorted[0];
    if (q >= 1.0)
        return sorted[n - 1];

    /* Type 7: h = (n - 1) q, interpolate between x[floor h] and x[floor h + 1]. */
    double h = (double)(n - 1) * q;
    size_t i = (size_t)h;
    double frac = h - (double)i;

    if (i >= n - 1)
        return sorted[n - 1];
    if (frac == 0.0)
        return sorted[i];
    return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}

int cxs_median_ci_index(size_t n, size_t *lo, size_t *hi)
{
    if (n < 6 || !lo || !hi)
        return 0;

    /* The pair (l, n-1-l) of 0-based order statistics covers the median with
     * probability P(l + 1 <= B <= n - 1 - l), B ~ binomial(n, 1/2). Start at
     * the narrowest symmetric pair and widen one step at a time (each step adds
     * 2 * P(B = l)) until the coverage reaches the level: that is the narrowest
     * pair with enough coverage, in O(sqrt n) steps. */
    const double dn = (double)n;
    size_t l = (n - 1) / 2;
    double dl = (double)l;
    int sign;
    /* P(B = l) = C(n, l) / 2^n; lgamma_r because lgamma writes signgam. */
    double p = exp(lgamma_r(dn + 1.0, &sign) - lgamma_r(dl + 1.0, &sign) -
                   lgamma_r(dn - dl + 1.0, &sign) - dn * log(2.0));
    /* Odd n: the pair (l, l) covers nothing. Even n = 2r, l = r - 1: it covers
     * P(B = r) = P(B = r - 1) * (r + 1) / r. */
    double cov = (n % 2) ? 0.0 : p * (dl + 2.0) / (dl + 1.0);

    while (cov < CXS_CI_LEVEL) {
        if (l == 0)
            return 0;
        cov += 2.0 * p;
        l--;
        /* P(B = l) from P(B = l + 1). */
        p = p * ((double)l + 1.0) / (dn - (double)l);
    }
    *lo = l;
    *hi = n - 1 - l;
    return 1;
}

int cxs_summarize(const double *x, size_t n, double k, struct cxs_summary *out)
{
    if (n == 0 || !x || !out)
        return -1;
    if (n > SIZE_MAX / (2 * sizeof(double)))
        return -1;
    if (!(k > 0.0)) /* also NaN */
        k = CXS_OUTLIER_K;

    double *s = malloc(2 * n * sizeof(*s));
    if (!s)
        return -1;
    double *dev = s + n;

    memcpy(s, x, n * sizeof(*s));
    qsort(s, n, sizeof(*s), cmp_double);

    /* NaNs (sorted last) are never kept: they count as dropped. */
    size_t m = n;
    while (m > 0 && isnan(s[m - 1]))
        m--;
    if (m == 0) {
        free(s);
        return -1;
    }

    double med = cxs_quantile_sorted(s, m, 0.5);
    for (size_t i = 0; i < m; i++)
        dev[i] = fabs(s[i] - med);
    qsort(dev, m, sizeof(*dev), cmp_double);
    double mad = cxs_quantile_sorted(dev, m, 0.5);

    /* |x - med| <= thr is an interval around med, so the kept samples are a
     * contiguous run [a, b) of the sorted copy. More than half of them lie
     * within MAD < thr of med, so the run is never empty. */
    size_t a = 0, b = m;
    if (mad > 0.0) {
        double thr = fmax(k * CXS_MAD_SCALE * mad, CXS_OUTLIER_MIN_REL * fabs(med));
        while (a < b && fabs(s[a] - med) > thr)
            a++;
        while (b > a && fabs(s[b - 1] - med) > thr)
            b--;
    }

    const double *ks = s + a;
    size_t kept = b - a;

    struct cxs_summary r = {0};
    r.n = n;
    r.kept = kept;
    r.dropped = n - kept;
    r.mad = mad;
    r.min = ks[0];
    r.max = ks[kept - 1];
    r.median = cxs_quantile_sorted(ks, kept, 0.5);
    r.p5 = cxs_quantile_sorted(ks, kept, 0.05);
    r.p95 = cxs_quantile_sorted(ks, kept, 0.95);

    /* Sum offsets from the minimum: exact for constant data, and better
     * conditioned when the spread is small against the level. */
    double sum = 0.0;
    for (size_t i = 0; i < kept; i++)
        sum += ks[i] - r.min;
    r.mean = r.min + sum / (double)kept;
    if (r.mean > r.max)
        r.mean = r.max;

    size_t lo, hi;
    if (cxs_median_ci_index(kept, &lo, &hi)) {
        r.ci_lo = ks[lo];
        r.ci_hi = ks[hi];
        r.ci_exact = 1;
    } else {
        r.ci_lo = r.min;
        r.ci_hi = r.max;
        r.ci_exact = 0;
    }

    free(s);
    *out = r;
    return 0;
}

/* Has the CI of the median of samples[0..n) converged to within rel_ci? */
static int ci_converged(const double *samples, size_t n, double rel_ci)
{
    struct cxs_summary s;

    if (cxs_summarize(samples, n, 0.0, &s) != 0 || !s.ci_exact)
        return 0;
    return (s.ci_hi - s.ci_lo) / 2.0 <= rel_ci * fabs(s.median);
}

static int kept_below(const double *x, size_t n, size_t min)
{
    struct cxs_summary s;
    return cxs_summarize(x, n, 0.0, &s) == 0 && s.kept < min;
}

int cxs_sample_adaptive(const struct cxs_adaptive *a, cxs_sample_fn fn, void *ctx, double *samples,
                        size_t *n, struct cxs_summary *out)
{
    if (n)
        *n = 0;
    if (!a || !fn || !samples || !n || !out || a->max_samples == 0)
        return -1;

    size_t max = a->max_samples;
    size_t min = a->min_samples ? a->min_samples : 1;
    if (min > max)
        min = max;

    /* Summarizing costs O(i log i), so after the first 32 checks the CI is
     * tested only every ~3 % more samples; the overshoot is at most that. */
    size_t next_check = min;
    size_t i = 0;
    double t0 = cxs_now_s();

    while (i < max) {
        double v;
        int rc = fn(ctx, &v);
        if (rc != 0) {
            *n = i;
            return rc;
        }
        samples[i++] = v;

        if (i >= max || cxs_stop_requested())
            break;
        if (i < min)
            continue;
        if (kept_below(samples, i, min))
            continue; /* outliers dropped: keep going until min are kept (or max) */
        if (cxs_now_s() - t0 >= a->budget_s)
            break;
        if (i >= next_check) {
            next_check = i + 1 + i / 32;
            if (ci_converged(samples, i, a->rel_ci))
                break;
        }
    }

    *n = i;
    return cxs_summarize(samples, i, 0.0, out);
}
