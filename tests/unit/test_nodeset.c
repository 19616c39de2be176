/* test_nodeset.c — node-ID sets: membership at the word edges and the
 * largest ID, out-of-range IDs refused, iteration order, arrays both ways,
 * both text styles (and cut-short output), and the mbind() mask layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nodeset.h"

static void test_empty(void **state)
{
    (void)state;
    struct cxs_nodeset s = {0};
    assert_true(cxs_nodeset_empty(&s));
    assert_int_equal(cxs_nodeset_count(&s), 0);
    assert_int_equal(cxs_nodeset_next(&s, -1), -1);
    assert_int_equal(cxs_nodeset_max(&s), -1);
    char buf[8] = "x";
    assert_int_equal(cxs_nodeset_format(&s, '+', buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    int ids[2];
    assert_int_equal(cxs_nodeset_to_array(&s, ids, 2), 0);
}

static void test_add_has_remove_edges(void **state)
{
    (void)state;
    static const int edge[] = {0, 1, 62, 63, 64, 65, 127, 128, 511, 1022, 1023};
    const size_t n = sizeof edge / sizeof edge[0];
    struct cxs_nodeset s;
    cxs_nodeset_clear(&s);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(cxs_nodeset_add(&s, edge[i]), 0);
    assert_int_equal(cxs_nodeset_add(&s, 64), 0); /* again: still one member */
    assert_int_equal(cxs_nodeset_count(&s), (int)n);
    for (size_t i = 0; i < n; i++)
        assert_true(cxs_nodeset_has(&s, edge[i]));
    assert_false(cxs_nodeset_has(&s, 2));
    assert_false(cxs_nodeset_has(&s, 66));
    assert_int_equal(cxs_nodeset_max(&s), 1023);
    cxs_nodeset_remove(&s, 1023);
    cxs_nodeset_remove(&s, 64);
    cxs_nodeset_remove(&s, 5); /* not a member: no change */
    assert_false(cxs_nodeset_has(&s, 1023));
    assert_false(cxs_nodeset_has(&s, 64));
    assert_int_equal(cxs_nodeset_count(&s), (int)n - 2);
    assert_int_equal(cxs_nodeset_max(&s), 1022);
    assert_false(cxs_nodeset_empty(&s));
}

static void test_out_of_range_refused(void **state)
{
    (void)state;
    struct cxs_nodeset s = {0}, before;
    cxs_nodeset_add(&s, 3);
    before = s;
    assert_int_equal(cxs_nodeset_add(&s, -1), -1);
    assert_int_equal(cxs_nodeset_add(&s, CXS_NODESET_MAX), -1);
    assert_int_equal(cxs_nodeset_add(&s, 1 << 20), -1);
    assert_true(cxs_nodeset_equal(&s, &before));
    assert_false(cxs_nodeset_has(&s, -1));
    assert_false(cxs_nodeset_has(&s, CXS_NODESET_MAX));
    cxs_nodeset_remove(&s, -7); /* harmless */
    cxs_nodeset_remove(&s, CXS_NODESET_MAX);
    assert_true(cxs_nodeset_equal(&s, &before));
    assert_int_equal(cxs_nodeset_next(&s, CXS_NODESET_MAX - 1), -1);
    assert_int_equal(cxs_nodeset_next(&s, CXS_NODESET_MAX + 5), -1);
}

static void test_iteration_ascending(void **state)
{
    (void)state;
    static const int in[] = {700, 2, 64, 0, 63, 2};
    struct cxs_nodeset s;
    assert_int_equal(cxs_nodeset_from_array(&s, in, 6), 0);
    static const int want[] = {0, 2, 63, 64, 700};
    int k = 0;
    for (int id = cxs_nodeset_next(&s, -1); id >= 0; id = cxs_nodeset_next(&s, id))
        assert_int_equal(id, want[k++]);
    assert_int_equal(k, 5);
    int ids[8];
    assert_int_equal(cxs_nodeset_to_array(&s, ids, 8), 5);
    assert_memory_equal(ids, want, sizeof want);
    /* A short array: only max written, the count still the set's size. */
    int two[3] = {-1, -1, -1};
    assert_int_equal(cxs_nodeset_to_array(&s, two, 2), 5);
    assert_int_equal(two[0], 0);
    assert_int_equal(two[1], 2);
    assert_int_equal(two[2], -1);
}

static void test_from_array_bad_id(void **state)
{
    (void)state;
    static const int in[] = {1, 5000, 4, -2};
    struct cxs_nodeset s;
    assert_int_equal(cxs_nodeset_from_array(&s, in, 4), -1);
    assert_int_equal(cxs_nodeset_count(&s), 2);
    assert_true(cxs_nodeset_has(&s, 1) && cxs_nodeset_has(&s, 4));
    /* from_array starts from the empty set */
    static const int one[] = {9};
    assert_int_equal(cxs_nodeset_from_array(&s, one, 1), 0);
    assert_int_equal(cxs_nodeset_count(&s), 1);
    assert_true(cxs_nodeset_has(&s, 9));
}

static void test_format_styles(void **state)
{
    (void)state;
    static const int in[] = {2, 0, 130};
    struct cxs_nodeset s;
    cxs_nodeset_from_array(&s, in, 3);
    char buf[32];
    assert_int_equal(cxs_nodeset_format(&s, '+', buf, sizeof buf), 7);
    assert_string_equal(buf, "0+2+130");
    assert_int_equal(cxs_nodeset_format(&s, ',', buf, sizeof buf), 7);
    assert_string_equal(buf, "0,2,130");
    /* Cut short: terminated, returns the length needed. */
    char small[5];
    assert_int_equal(cxs_nodeset_format(&s, ',', small, sizeof small), 7);
    assert_string_equal(small, "0,2,");
    char one[1] = {'x'};
    assert_int_equal(cxs_nodeset_format(&s, ',', one, sizeof one), 7);
    assert_int_equal(one[0], '\0');
    struct cxs_nodeset single = {0};
    cxs_nodeset_add(&single, 1023);
    assert_int_equal(cxs_nodeset_format(&single, '+', buf, sizeof buf), 4);
    assert_string_equal(buf, "1023");
}

static void test_equal(void **state)
{
    (void)state;
    struct cxs_nodeset a = {0}, b = {0};
    assert_true(cxs_nodeset_equal(&a, &b));
    cxs_nodeset_add(&a, 100);
    assert_false(cxs_nodeset_equal(&a, &b));
    cxs_nodeset_add(&b, 100);
    assert_true(cxs_nodeset_equal(&a, &b));
}

/* The words are what mbind() reads: bit id % BITS of word id / BITS. */
static void test_mbind_layout(void **state)
{
    (void)state;
    struct cxs_nodeset s = {0};
    cxs_nodeset_add(&s, 0);
    cxs_nodeset_add(&s, 2);
    cxs_nodeset_add(&s, CXS_NODESET_WORD_BITS + 1);
    assert_int_equal(s.bits[0], 0x5ul);
    assert_int_equal(s.bits[1], 0x2ul);
    assert_int_equal(sizeof s.bits * 8, CXS_NODESET_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_add_has_remove_edges),
        cmocka_unit_test(test_out_of_range_refused),
        cmocka_unit_test(test_iteration_ascending),
        cmocka_unit_test(test_from_array_bad_id),
        cmocka_unit_test(test_format_styles),
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_mbind_layout),
    };
    return cmocka_run_group_tests_name("nodeset", tests, NULL, NULL);
}
