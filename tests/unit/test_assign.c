/* test_assign.c — the --assign parser and the --optimize search, the
 * search on a fake scaling model checked against brute force. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "assign.h"

static void test_parse(void **state)
{
    (void)state;
    struct cxs_assign a;
    char err[256], buf[128];
    assert_int_equal(cxs_assign_parse("0:23,1:23,2:6", &a, err, sizeof err), 0);
    assert_int_equal(a.n, 3);
    assert_int_equal(a.node[2], 2);
    assert_int_equal(a.threads[2], 6);
    assert_int_equal(cxs_assign_total(&a), 52);
    cxs_assign_format(&a, buf, sizeof buf);
    assert_string_equal(buf, "0:23+1:23+2:6");
    a.threads[1] = 0;
    cxs_assign_format(&a, buf, sizeof buf);
    assert_string_equal(buf, "0:23+2:6");

    static const char *const bad[][2] = {
        {"", "empty"},       {"0", "NODE:THREADS"}, {"0:0", "threads for node 0"},
        {"x:1", "node 'x'"}, {"0:1,0:2", "twice"},  {"0:1,", "NODE:THREADS"},
        {"1:-3", "threads"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(cxs_assign_parse(bad[i][0], &a, err, sizeof err), -1);
        if (!strstr(err, bad[i][1]))
            fail_msg("'%s': message '%s' lacks '%s'", bad[i][0], err, bad[i][1]);
    }
}

/* A fake machine: each node's bandwidth rises to a peak with threads and
 * falls slowly past its saturation point (contention); the pool is shared. */
struct model {
    double peak[3], k[3], decline[3];
    int sat[3];
    int calls;
};

static double node_bw(const struct model *m, int i, int t)
{
    if (t <= 0)
        return 0;
    double bw = m->peak[i] * (1 - exp(-(double)t / m->k[i]));
    if (t > m->sat[i])
        bw -= m->decline[i] * (t - m->sat[i]);
    return bw;
}

static int measure(const struct cxs_assign *a, double *gbps, void *ctx)
{
    struct model *m = ctx;
    m->calls++;
    *gbps = 0;
    for (int i = 0; i < a->n; i++)
        *gbps += node_bw(m, a->node[i], a->threads[i]); /* node IDs 0..2 = model index */
    return 0;
}

static void test_optimize_finds_the_best_split(void **state)
{
    (void)state;
    struct model m = {
        .peak = {200, 150, 60}, .k = {5, 6, 2}, .decline = {1.0, 1.0, 2.0}, .sat = {23, 23, 6}};
    enum { POOL = 52 };
    double best = 0;
    int bt[3] = {0};
    for (int a = 0; a <= POOL; a++)
        for (int b = 0; a + b <= POOL; b++)
            for (int c = 0; a + b + c <= POOL; c++) {
                double g = node_bw(&m, 0, a) + node_bw(&m, 1, b) + node_bw(&m, 2, c);
                if (g > best) {
                    best = g;
                    bt[0] = a, bt[1] = b, bt[2] = c;
                }
            }
    int nodes[3] = {0, 1, 2}, sat[3] = {23, 23, 6};
    struct cxs_assign_search s = {
        .n = 3, .nodes = nodes, .saturation = sat, .pool = POOL, .max_evals = 200, .min_gain = 0};
    struct cxs_assign_result r[3];
    size_t nfound;
    int evals;
    char err[128];
    assert_int_equal(cxs_assign_optimize(&s, measure, &m, r, 3, &nfound, &evals, err, sizeof err),
                     0);
    assert_int_equal(nfound, 3);
    assert_true(r[0].gbps >= r[1].gbps && r[1].gbps >= r[2].gbps);
    if (r[0].gbps < 0.99 * best)
        fail_msg("found %.2f (%d/%d/%d), brute force %.2f (%d/%d/%d)", r[0].gbps, r[0].a.threads[0],
                 r[0].a.threads[1], r[0].a.threads[2], best, bt[0], bt[1], bt[2]);
    assert_true(cxs_assign_total(&r[0].a) <= POOL);
    assert_int_equal(evals, m.calls); /* nothing measured twice */
    assert_true(evals < 200);
}

/* More saturation threads than the pool: the start is scaled into it, and
 * the budget caps the measurements. */
static void test_optimize_pool_and_budget(void **state)
{
    (void)state;
    struct model m = {
        .peak = {200, 150, 60}, .k = {5, 6, 2}, .decline = {1.0, 1.0, 2.0}, .sat = {23, 23, 6}};
    int nodes[3] = {0, 1, 2}, sat[3] = {23, 23, 6};
    struct cxs_assign_search s = {
        .n = 3, .nodes = nodes, .saturation = sat, .pool = 8, .max_evals = 5, .min_gain = 0.005};
    struct cxs_assign_result r[10];
    size_t nfound;
    int evals;
    char err[128];
    assert_int_equal(cxs_assign_optimize(&s, measure, &m, r, 10, &nfound, &evals, err, sizeof err),
                     0);
    assert_true(evals <= 5);
    assert_int_equal(m.calls, evals);
    for (size_t i = 0; i < nfound; i++)
        assert_true(cxs_assign_total(&r[i].a) <= 8);
    s.n = 0;
    assert_int_equal(cxs_assign_optimize(&s, measure, &m, r, 10, &nfound, &evals, err, sizeof err),
                     -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_optimize_finds_the_best_split),
        cmocka_unit_test(test_optimize_pool_and_budget),
    };
    return cmocka_run_group_tests_name("assign", tests, NULL, NULL);
}
