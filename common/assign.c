/* assign.c — --assign parsing and the --optimize search. */
#include "assign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cxs_assign_parse(const char *s, struct cxs_assign *a, char *err, size_t errlen)
{
    char buf[512];
    if (!*s)
        return cxs_errf(err, errlen, "empty assignment (NODE:THREADS,...)");
    if (strlen(s) >= sizeof buf)
        return cxs_errf(err, errlen, "assignment too long");
    strcpy(buf, s);
    char *items[CXS_ASSIGN_MAX + 1];
    size_t n = cxs_split_commas(buf, items, CXS_ASSIGN_MAX + 1);
    if (n > CXS_ASSIGN_MAX)
        return cxs_errf(err, errlen, "at most %d NODE:THREADS entries", CXS_ASSIGN_MAX);
    a->n = 0;
    for (size_t i = 0; i < n; i++) {
        char *colon = strchr(items[i], ':');
        uint64_t node, threads;
        char e[128];
        if (!colon)
            return cxs_errf(err, errlen, "'%s' is not NODE:THREADS", items[i]);
        *colon = '\0';
        if (cxs_parse_u64(items[i], 0, 65535, &node, e, sizeof e))
            return cxs_errf(err, errlen, "node '%s': %s", items[i], e);
        if (cxs_parse_u64(colon + 1, 1, 4096, &threads, e, sizeof e))
            return cxs_errf(err, errlen, "threads for node %d: %s", (int)node, e);
        for (int j = 0; j < a->n; j++)
            if (a->node[j] == (int)node)
                return cxs_errf(err, errlen, "node %d is named twice", (int)node);
        a->node[a->n] = (int)node;
        a->threads[a->n++] = (int)threads;
    }
    if (a->n == 0)
        return cxs_errf(err, errlen, "empty assignment (NODE:THREADS,...)");
    return 0;
}

void cxs_assign_format(const struct cxs_assign *a, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < a->n && o < len; i++)
        if (a->threads[i] > 0)
            o += (size_t)snprintf(buf + o, len - o, "%s%d:%d", o ? "+" : "", a->node[i],
                                  a->threads[i]);
}

int cxs_assign_total(const struct cxs_assign *a)
{
    int t = 0;
    for (int i = 0; i < a->n; i++)
        t += a->threads[i];
    return t;
}

/* ---- the search ---------------------------------------------------------- */

struct seen {
    struct cxs_assign_result *r;
    int n, cap;
};

static int same(const struct cxs_assign *x, const struct cxs_assign *y)
{
    return memcmp(x->threads, y->threads, (size_t)x->n * sizeof x->threads[0]) == 0;
}

/* Measure a (once: a second ask returns the first answer). Nodes with 0
 * threads are left out of what fn sees. */
static int eval(struct seen *sn, const struct cxs_assign *a, cxs_assign_measure fn, void *ctx,
                int max_evals, double *gbps, int *budget_left)
{
    for (int i = 0; i < sn->n; i++)
        if (same(&sn->r[i].a, a)) {
            *gbps = sn->r[i].gbps;
            return 0;
        }
    if (sn->n >= max_evals) {
        *budget_left = 0;
        *gbps = -1;
        return 0;
    }
    struct cxs_assign used = {0};
    for (int i = 0; i < a->n; i++)
        if (a->threads[i] > 0) {
            used.node[used.n] = a->node[i];
            used.threads[used.n++] = a->threads[i];
        }
    *gbps = 0;
    if (used.n > 0) {
        int rc = fn(&used, gbps, ctx);
        if (rc)
            return rc;
    }
    if (sn->n == sn->cap) {
        int cap = sn->cap ? 2 * sn->cap : 64;
        struct cxs_assign_result *r = realloc(sn->r, (size_t)cap * sizeof *r);
        if (!r)
            return -1;
        sn->r = r;
        sn->cap = cap;
    }
    sn->r[sn->n].a = *a;
    sn->r[sn->n++].gbps = *gbps;
    return 0;
}

static int by_gbps_desc(const void *x, const void *y)
{
    double a = ((const struct cxs_assign_result *)x)->gbps;
    double b = ((const struct cxs_assign_result *)y)->gbps;
    return (a < b) - (a > b);
}

int cxs_assign_optimize(const struct cxs_assign_search *s, cxs_assign_measure fn, void *ctx,
                        struct cxs_assign_result *best, size_t nbest, size_t *nfound, int *evals,
                        char *err, size_t errlen)
{
    if (s->n < 1 || s->n > CXS_ASSIGN_MAX || s->pool < 1 || s->max_evals < 1)
        return cxs_errf(err, errlen, "optimize: 1..%d nodes, a pool and a budget are needed",
                        CXS_ASSIGN_MAX);
    struct cxs_assign cur = {.n = s->n};
    int sum = 0;
    for (int i = 0; i < s->n; i++) {
        cur.node[i] = s->nodes[i];
        cur.threads[i] = s->saturation[i] > 0 ? s->saturation[i] : 1;
        sum += cur.threads[i];
    }
    /* Too many for the pool: scale down, every node keeping at least one. */
    if (sum > s->pool) {
        int left = s->pool;
        for (int i = 0; i < s->n; i++) {
            int t = (int)((double)cur.threads[i] * s->pool / sum);
            cur.threads[i] = t < 1 ? 1 : t;
        }
        for (int i = 0; i < s->n; i++)
            left -= cur.threads[i];
        for (int i = s->n - 1; left < 0 && i >= 0; i--)
            while (left < 0 && cur.threads[i] > 1) {
                cur.threads[i]--;
                left++;
            }
        for (int i = 0; left < 0 && i < s->n; i++) /* pool smaller than n */
            while (left < 0 && cur.threads[i] > 0) {
                cur.threads[i]--;
                left++;
            }
    }
    struct seen sn = {0};
    int budget = 1, rc;
    double g;
    if ((rc = eval(&sn, &cur, fn, ctx, s->max_evals, &g, &budget)))
        goto out;
    double cur_g = g;
    for (int step = s->pool / 4 > 1 ? s->pool / 4 : 1; step >= 1 && budget; step /= 2) {
        int improved = 1;
        while (improved && budget) {
            improved = 0;
            struct cxs_assign cand_best = cur;
            double cand_g = cur_g;
            /* moves i -> j, additions to i (j == -1), removals from i (j == n) */
            for (int i = 0; i < s->n && budget; i++)
                for (int j = -1; j <= s->n && budget; j++) {
                    struct cxs_assign c = cur;
                    int total = cxs_assign_total(&c);
                    if (j == i)
                        continue;
                    if (j == -1) {
                        if (total + step > s->pool)
                            continue;
                        c.threads[i] += step;
                    } else if (j == s->n) {
                        if (c.threads[i] < step || total - step < 1)
                            continue;
                        c.threads[i] -= step;
                    } else {
                        if (c.threads[i] < step)
                            continue;
                        c.threads[i] -= step;
                        c.threads[j] += step;
                    }
                    if ((rc = eval(&sn, &c, fn, ctx, s->max_evals, &g, &budget)))
                        goto out;
                    if (g > cand_g) {
                        cand_g = g;
                        cand_best = c;
                    }
                }
            if (cand_g > cur_g * (1 + s->min_gain)) {
                cur = cand_best;
                cur_g = cand_g;
                improved = 1;
            }
        }
    }
    qsort(sn.r, (size_t)sn.n, sizeof sn.r[0], by_gbps_desc);
    *nfound = (size_t)sn.n < nbest ? (size_t)sn.n : nbest;
    for (size_t i = 0; i < *nfound; i++)
        best[i] = sn.r[i];
    *evals = sn.n;
    rc = 0;
out:
    if (rc < 0)
        cxs_errf(err, errlen, "optimize: out of memory");
    free(sn.r);
    return rc;
}
