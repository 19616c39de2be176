/* test_oli.c — which objects OLI interleaves: the footprint threshold (an
 * object exactly at 10 % qualifies), the hot threshold, ties, no accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "oli.h"

static char why[8][128];

static int decide(const struct cxs_oli_obj *o, size_t n, double fp, double hot, int *il)
{
    struct cxs_oli_opts opt = {fp, hot};
    char err[128];
    return cxs_oli_decide(o, n, &opt, il, why, err, sizeof err);
}

static void test_exactly_ten_percent(void **state)
{
    (void)state;
    /* 10 + 9.99.. : the first is exactly 10 % of 100, the second just under */
    const struct cxs_oli_obj o[] = {
        {"big", 600, 100}, {"at10", 100, 100}, {"under", 99, 1000}, {"rest", 201, 1}};
    int il[4];
    assert_int_equal(decide(o, 4, 10, 50, il), 2);
    assert_int_equal(il[0], 1);
    assert_int_equal(il[1], 1); /* exactly at the threshold: in */
    assert_int_equal(il[2], 0); /* hottest of all but 9.9 %: LDRAM */
    assert_int_equal(il[3], 0); /* large but cold */
    assert_non_null(strstr(why[2], "under 10.00 %"));
    assert_non_null(strstr(why[1], "interleaved"));
}

static void test_hot_threshold_and_ties(void **state)
{
    (void)state;
    /* candidates a, b, c, d; hottest 800: 400 is exactly 50 %, 399 is not */
    const struct cxs_oli_obj o[] = {
        {"a", 250, 800}, {"b", 250, 400}, {"c", 250, 399}, {"d", 250, 800}};
    int il[4];
    assert_int_equal(decide(o, 4, 10, 50, il), 3);
    assert_int_equal(il[0], 1);
    assert_int_equal(il[1], 1);
    assert_int_equal(il[2], 0);
    assert_int_equal(il[3], 1); /* tied with the hottest: same decision */
    /* equal counts everywhere: all or nothing, never a coin toss */
    const struct cxs_oli_obj t[] = {{"x", 300, 7}, {"y", 300, 7}, {"z", 400, 7}};
    assert_int_equal(decide(t, 3, 10, 100, il), 3);
}

static void test_thresholds_as_options(void **state)
{
    (void)state;
    const struct cxs_oli_obj o[] = {{"a", 500, 10}, {"b", 300, 9}, {"c", 200, 1}};
    int il[3];
    assert_int_equal(decide(o, 3, 40, 50, il), 1); /* only a is 40 % or more */
    assert_int_equal(il[0], 1);
    assert_int_equal(decide(o, 3, 0, 0, il), 3);    /* everything */
    assert_int_equal(decide(o, 3, 10, 95, il), 1);  /* b is at 90 % of a */
    assert_int_equal(decide(o, 3, 100, 50, il), 0); /* nobody has 100 % */
    const struct cxs_oli_obj one[] = {{"only", 4096, 3}};
    assert_int_equal(decide(one, 1, 100, 100, il), 1);
}

static void test_no_accesses_and_bad_input(void **state)
{
    (void)state;
    const struct cxs_oli_obj o[] = {{"a", 500, 0}, {"b", 500, 0}};
    int il[2];
    assert_int_equal(decide(o, 2, 10, 50, il), 0); /* nothing was accessed */
    assert_int_equal(decide(o, 2, 101, 50, il), -1);
    assert_int_equal(decide(o, 2, 10, -1, il), -1);
    assert_int_equal(decide(o, 0, 10, 50, il), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exactly_ten_percent),
        cmocka_unit_test(test_hot_threshold_and_ties),
        cmocka_unit_test(test_thresholds_as_options),
        cmocka_unit_test(test_no_accesses_and_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
