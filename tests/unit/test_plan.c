/* test_plan.c — placement plans: JSON round trip and refusals, and the
 * ranges a placement becomes (emulated weights, a capacity limit). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "plan.h"

#define G 4096u
static char dir[64];

static const char *write_plan(const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/plan.json", dir);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static int load(const char *text, struct cxs_plan *p, char *err)
{
    return cxs_plan_load(write_plan(text), p, err, 256);
}

static void test_round_trip(void **state)
{
    (void)state;
    struct cxs_plan p = {.workload = "cg", .nobj = 2}, q;
    snprintf(p.obj[0].name, 32, "x");
    p.obj[0].place = (struct cxs_place){.policy = CXS_POL_INTERLEAVE, .nodes = {0, 2}, .nnodes = 2};
    snprintf(p.obj[0].why, 128, "hot");
    snprintf(p.obj[1].name, 32, "w");
    p.obj[1].place = (struct cxs_place){
        .policy = CXS_POL_WEIGHTED, .nodes = {0, 2}, .nnodes = 2, .weights = {3, 1}};
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/rt.json", dir);
    assert_int_equal(cxs_plan_save(&p, path, err, sizeof err), 0);
    assert_int_equal(cxs_plan_load(path, &q, err, sizeof err), 0);
    assert_string_equal(q.workload, "cg");
    assert_int_equal(q.nobj, 2);
    char a[64], b[64];
    for (int i = 0; i < 2; i++) {
        cxs_place_str(&p.obj[i].place, a, sizeof a);
        cxs_place_str(&q.obj[i].place, b, sizeof b);
        assert_string_equal(a, b);
    }
    assert_string_equal(b, "weighted:0+2/3:1");
    assert_string_equal(q.obj[0].why, "hot");
    const char *names[] = {"x", "w"};
    assert_int_equal(cxs_plan_check(&q, names, 2, err, sizeof err), 0);
    const char *more[] = {"x", "w", "y"};
    assert_int_equal(cxs_plan_check(&q, more, 3, err, sizeof err), CXS_EXIT_USAGE);
    assert_non_null(strstr(err, "does not place object 'y'"));
    const char *fewer[] = {"x"};
    assert_int_equal(cxs_plan_check(&q, fewer, 1, err, sizeof err), CXS_EXIT_USAGE);
    assert_non_null(strstr(err, "names object 'w'"));
}

static void test_refusals(void **state)
{
    (void)state;
    struct cxs_plan p;
    char err[256];
    static const struct {
        const char *json, *says;
    } cases[] = {
        {"{\"objects\": [{\"name\": \"a\", \"policy\": \"spread\", \"nodes\": [0]}]}",
         "unknown policy"},
        {"{\"objects\": [{\"name\": \"a\", \"policy\": \"weighted\", \"nodes\": [0, 1], "
         "\"weights\": [3]}]}",
         "one weight per node"},
        {"{\"objects\": [{\"name\": \"a\", \"policy\": \"weighted\", \"nodes\": [0], "
         "\"weights\": [0]}]}",
         "1..255"},
        {"{\"objects\": [{\"name\": \"a\", \"policy\": \"weighted\", \"nodes\": [0], "
         "\"weights\": [256]}]}",
         "1..255"},
        {"{\"objects\": [{\"name\": \"a\", \"policy\": \"weighted\", \"nodes\": [0]}]}",
         "needs \"weights\""},
        {"{\"objects\": [{\"name\": \"a\", \"policy\": \"bind\", \"nodes\": [0], "
         "\"weights\": [1]}]}",
         "only go with"},
        {"{\"objects\": [{\"name\": \"a\", \"policy\": \"preferred\", \"nodes\": [0, 1]}]}",
         "exactly one node"},
        {"{\"objects\": [{\"name\": \"a\", \"policy\": \"bind\", \"nodes\": [1, 1]}]}",
         "named twice"},
        {"{\"objects\": [{\"name\": \"a\", \"policy\": \"bind\", \"nodes\": [0]}, "
         "{\"name\": \"a\", \"policy\": \"bind\", \"nodes\": [0]}]}",
         "a: named twice"},
        {"{\"objects\": []}", "list of 1 to 16"},
        {"{\"objects\": [{\"policy\": \"bind\", \"nodes\": [0]}]}", "\"name\""},
        {"{\"objects\": [", "line"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err[0] = 0;
        if (load(cases[i].json, &p, err) != CXS_EXIT_USAGE || !strstr(err, cases[i].says))
            fail_msg("case %zu: got '%s', wanted '%s'", i, err, cases[i].says);
    }
}

/* Bytes each node gets from bind ranges, and the spreading ranges' total. */
static void tally(const struct cxs_seg *s, int n, uint64_t on[8], uint64_t *spread)
{
    memset(on, 0, 8 * sizeof on[0]);
    *spread = 0;
    for (int i = 0; i < n; i++) {
        if (s[i].policy == CXS_POL_BIND && cxs_nodeset_count(&s[i].nodes) == 1)
            on[cxs_nodeset_next(&s[i].nodes, -1)] += s[i].len;
        else if (s[i].policy == CXS_POL_PREFERRED)
            on[cxs_nodeset_next(&s[i].nodes, -1)] += s[i].len;
        else
            *spread += s[i].len;
    }
}

static void test_emulated_weights(void **state)
{
    (void)state;
    static struct cxs_seg s[1024];
    int n;
    uint64_t on[8], spread;
    char err[256];
    struct cxs_place w = {
        .policy = CXS_POL_WEIGHTED, .nodes = {0, 2}, .nnodes = 2, .weights = {3, 1}};
    /* 64 MiB, up to 64 ranges: ranges of 3u on 0 and u on 2, in turn */
    assert_int_equal(cxs_place_segments(&w, 64u << 20, G, 1, 64, NULL, s, &n, err, sizeof err), 0);
    assert_true(n <= 64 && n >= 2);
    tally(s, n, on, &spread);
    assert_int_equal(on[0] + on[2], 64u << 20);
    assert_int_equal(on[0], 48u << 20);
    assert_int_equal(s[0].len, 3 * s[1].len);
    assert_int_equal(s[0].len % G, 0);
    /* not emulated: one range with the kernel's policy */
    assert_int_equal(cxs_place_segments(&w, 64u << 20, G, 0, 64, NULL, s, &n, err, sizeof err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(s[0].policy, CXS_POL_WEIGHTED);
    assert_int_equal(cxs_nodeset_count(&s[0].nodes), 2);
    assert_true(cxs_nodeset_has(&s[0].nodes, 0) && cxs_nodeset_has(&s[0].nodes, 2));
}

static void test_limit_spills(void **state)
{
    (void)state;
    static struct cxs_seg s[1024];
    int n;
    uint64_t on[8], spread;
    char err[256];
    /* preferred 0 with 10 MiB left there: 10 MiB on 0, the rest on 2 */
    struct cxs_place pref = {.policy = CXS_POL_PREFERRED, .nodes = {0}, .nnodes = 1};
    struct cxs_limit lim = {.node = 0, .left = 10u << 20, .spill = 2};
    assert_int_equal(cxs_place_segments(&pref, 32u << 20, G, 0, 64, &lim, s, &n, err, sizeof err),
                     0);
    tally(s, n, on, &spread);
    assert_int_equal(on[0], 10u << 20);
    assert_int_equal(on[2], 22u << 20);
    assert_int_equal(lim.left, 0);
    /* then nothing left: all on 2 */
    assert_int_equal(cxs_place_segments(&pref, 8u << 20, G, 0, 64, &lim, s, &n, err, sizeof err),
                     0);
    tally(s, n, on, &spread);
    assert_int_equal(on[2], 8u << 20);
    /* plenty left: untouched, the budget goes down by the object */
    lim.left = 100u << 20;
    assert_int_equal(cxs_place_segments(&pref, 8u << 20, G, 0, 64, &lim, s, &n, err, sizeof err),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(lim.left, 92u << 20);
    /* interleave 0,2 with 6 MiB left on 0: 12 MiB interleaved, rest on 2 */
    struct cxs_place il = {.policy = CXS_POL_INTERLEAVE, .nodes = {0, 2}, .nnodes = 2};
    lim.left = 6u << 20;
    assert_int_equal(cxs_place_segments(&il, 32u << 20, G, 0, 64, &lim, s, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(s[0].policy, CXS_POL_INTERLEAVE);
    assert_int_equal(s[0].len, 12u << 20);
    assert_int_equal(cxs_nodeset_count(&s[1].nodes), 1);
    assert_true(cxs_nodeset_has(&s[1].nodes, 2));
    assert_int_equal(s[1].len, 20u << 20);
    assert_int_equal(lim.left, 0);
    /* emulated weights 3:1 with 3 MiB left on 0: 4 MiB in whole cycles */
    struct cxs_place w = {
        .policy = CXS_POL_WEIGHTED, .nodes = {0, 2}, .nnodes = 2, .weights = {3, 1}};
    lim.left = 3u << 20;
    assert_int_equal(cxs_place_segments(&w, 32u << 20, G, 1, 64, &lim, s, &n, err, sizeof err), 0);
    tally(s, n, on, &spread);
    assert_int_equal(on[0], 3u << 20);
    assert_int_equal(on[2], 29u << 20);
    assert_int_equal(lim.left, 0);
    /* bind cannot spill */
    struct cxs_place bind = {.policy = CXS_POL_BIND, .nodes = {0}, .nnodes = 1};
    lim.left = 1u << 20;
    assert_int_equal(cxs_place_segments(&bind, 2u << 20, G, 0, 64, &lim, s, &n, err, sizeof err),
                     CXS_EXIT_FAIL);
    assert_non_null(strstr(err, "bind cannot spill"));
    /* a placement that avoids the limited node is not affected */
    struct cxs_place far = {.policy = CXS_POL_PREFERRED, .nodes = {2}, .nnodes = 1};
    assert_int_equal(cxs_place_segments(&far, 2u << 20, G, 0, 64, &lim, s, &n, err, sizeof err), 0);
    assert_int_equal(lim.left, 1u << 20);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/cxs-plan-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_emulated_weights),
        cmocka_unit_test(test_limit_spills),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
