/* test_chase.c — the cycle generator: every pattern forms one cycle over
 * every element, for many sizes; group structure; the kernel's load count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chase.h"

/* Follow the pointers from start; assert a single cycle over all n elements
 * at stride, each visited exactly once. Returns the visiting order. */
static size_t *walk(void *buf, size_t n, size_t stride, void *start)
{
    size_t *order = malloc(n * sizeof *order);
    unsigned char *seen = calloc(n, 1);
    assert_non_null(order);
    assert_non_null(seen);
    void *p = start;
    for (size_t k = 0; k < n; k++) {
        uintptr_t off = (uintptr_t)p - (uintptr_t)buf;
        assert_true(off % stride == 0);
        size_t i = off / stride;
        assert_true(i < n);
        assert_false(seen[i]);
        seen[i] = 1;
        order[k] = i;
        p = *(void **)p;
    }
    assert_ptr_equal(p, start); /* back home after exactly n steps */
    free(seen);
    return order;
}

/* spacing: the random kinds' element spacing (--stride), 0 = the pattern's. */
static void check_spaced(const char *name, size_t spacing, size_t size, size_t group)
{
    struct cxs_pattern pat;
    char err[128];
    assert_int_equal(cxs_pattern_parse(name, &pat, err, sizeof err), 0);
    if (spacing)
        pat.stride = spacing;
    void *buf = aligned_alloc(4096, (size + 4095) / 4096 * 4096);
    assert_non_null(buf);
    void *start;
    size_t n = cxs_chase_build(buf, size, &pat, group, 42, &start, err, sizeof err);
    assert_int_equal(n, size / pat.stride);
    size_t *order = walk(buf, n, pat.stride, start);
    if (pat.kind == CXS_PAT_SEQ || pat.kind == CXS_PAT_STRIDE)
        for (size_t k = 0; k < n; k++)
            assert_int_equal(order[k], k);
    if (group && group < size) {
        /* Every group's elements are visited consecutively, starting at the
         * group's first element (the last group may be short, and visited
         * anywhere in the order). */
        size_t g = group / pat.stride;
        for (size_t k = 0; k < n;) {
            size_t grp = order[k] / g, len = n - grp * g < g ? n - grp * g : g;
            assert_int_equal(order[k] % g, 0);
            for (size_t j = k; j < k + len; j++)
                assert_int_equal(order[j] / g, grp);
            k += len;
        }
    }
    free(order);
    free(buf);
}

static void check_pattern(const char *name, size_t size, size_t group)
{
    check_spaced(name, 0, size, group);
}

static void test_random_single_cycle_many_sizes(void **state)
{
    (void)state;
    for (size_t lines = 2; lines <= 300; lines++)
        check_pattern("random", lines * 64, 0);
    for (size_t size = 4096; size <= (8u << 20); size *= 2)
        check_pattern("random", size, 0);
    check_pattern("random", 64 * 1000003, 0); /* a prime number of lines */
}

static void test_random_is_not_sequential(void **state)
{
    (void)state;
    struct cxs_pattern pat;
    char err[128];
    cxs_pattern_parse("random", &pat, err, sizeof err);
    size_t n = 4096, size = n * 64, forward = 0;
    void *buf = aligned_alloc(4096, size), *start;
    cxs_chase_build(buf, size, &pat, 0, 7, &start, err, sizeof err);
    size_t *order = walk(buf, n, 64, start);
    for (size_t k = 1; k < n; k++)
        forward += order[k] == order[k - 1] + 1;
    assert_true(forward < n / 100); /* a prefetcher finds no +64 B stream */
    free(order);
    free(buf);
}

static void test_grouped_cycles(void **state)
{
    (void)state;
    check_pattern("random-in-page", 1 << 20, 4096);
    check_pattern("random-in-page", 4096 * 7 + 64 * 5, 4096); /* partial last group */
    check_pattern("random", 4 << 20, 256 << 10);              /* --tlb-locality 256K */
    check_pattern("random", 64 * 100, 64);                    /* groups of one line */
    check_pattern("random", 64 * 100, 64 * 100);              /* one group */
}

/* --stride: one element every SPACING bytes (the walk checks that every
 * pointer lands on an element boundary and every element once), whole
 * buffers, TLB groups and pages, sizes that are not whole elements. */
static void test_random_spacing(void **state)
{
    (void)state;
    for (size_t sp = 64; sp <= 4096; sp *= 2) {
        check_spaced("random", sp, 1 << 20, 0);
        check_spaced("random", sp, sp * 77 + sp / 2, 0); /* a partial element at the end */
        check_spaced("random", sp, 256 << 10, 0);
        check_spaced("random", sp, 1 << 20, 256 << 10); /* --tlb-locality 256K */
        check_spaced("random-in-page", sp, 1 << 20, 4096);
    }
    check_spaced("random", 4096, 2 * 4096, 0);              /* two elements */
    check_spaced("random-in-page", 4096, 64 << 10, 4096);   /* one element per page */
    check_spaced("random", 256, 256 * 1000 + 64, 256 * 16); /* a partial last group */
}

static void test_seq_and_stride(void **state)
{
    (void)state;
    check_pattern("seq", 64 * 1000, 0);
    check_pattern("stride:8", 8 * 1000, 0);
    check_pattern("stride:256", 256 * 77, 0);
    check_pattern("stride:4K", 4096 * 16, 0);
}

static void test_sattolo_single_cycle(void **state)
{
    (void)state;
    struct cxs_rng r;
    cxs_rng_seed(&r, 3);
    for (size_t n = 2; n < 500; n += 7) {
        size_t *next = malloc(n * sizeof *next);
        cxs_sattolo(next, n, &r);
        size_t i = 0, steps = 0;
        do {
            i = next[i];
            steps++;
        } while (i != 0 && steps <= n);
        assert_int_equal(steps, n);
        free(next);
    }
}

static void test_rng_below_bounds(void **state)
{
    (void)state;
    struct cxs_rng r;
    cxs_rng_seed(&r, 9);
    size_t hist[5] = {0};
    for (int i = 0; i < 50000; i++) {
        uint64_t v = cxs_rng_below(&r, 5);
        assert_true(v < 5);
        hist[v]++;
    }
    for (int i = 0; i < 5; i++)
        assert_true(hist[i] > 9000 && hist[i] < 11000);
}

static void test_too_small_and_bad_names(void **state)
{
    (void)state;
    struct cxs_pattern pat;
    char err[128];
    void *start, *buf = malloc(64);
    assert_int_equal(cxs_pattern_parse("random", &pat, err, sizeof err), 0);
    assert_int_equal(cxs_chase_build(buf, 64, &pat, 0, 1, &start, err, sizeof err), 0);
    assert_non_null(strstr(err, "fewer than 2"));
    assert_int_equal(cxs_pattern_parse("zigzag", &pat, err, sizeof err), -1);
    assert_non_null(strstr(err, "random-in-page"));
    assert_int_equal(cxs_pattern_parse("stride:12", &pat, err, sizeof err), -1);
    assert_int_equal(cxs_pattern_parse("stride:", &pat, err, sizeof err), -1);
    free(buf);
}

static void test_kernel_counts_loads(void **state)
{
    (void)state;
    /* A cycle of 5 elements: after k loads we are at element k mod 5. */
    void *ring[5 * 8];
    for (int i = 0; i < 5; i++)
        ring[i * 8] = &ring[((i + 1) % 5) * 8];
    for (uint64_t loads = 32; loads <= 32 * 20; loads += 32) {
        void *p = cxs_chase(&ring[0], loads);
        assert_ptr_equal(p, &ring[(loads % 5) * 8]);
    }
}

/* A corrupted cycle is an error with a reason, never a crash. */
static void test_check_catches_corruption(void **state)
{
    (void)state;
    enum { N = 512 };
    char err[256];
    void *start;
    struct cxs_pattern p;
    assert_int_equal(cxs_pattern_parse("random", &p, err, sizeof err), 0);
    void **buf = aligned_alloc(64, N * 64);
    assert_non_null(buf);
    assert_int_equal(cxs_chase_build(buf, N * 64, &p, 0, 7, &start, err, sizeof err), N);
    assert_ptr_equal(cxs_chase_check(buf, N * 64, 64, start, N, N, err, sizeof err), start);
    assert_non_null(cxs_chase_check(buf, N * 64, 64, start, N, 10, err, sizeof err));
    /* memory that reads back zeros */
    void **q = start;
    for (int i = 0; i < 5; i++)
        q = *q;
    void *saved = *q;
    *q = NULL;
    assert_null(cxs_chase_check(buf, N * 64, 64, start, N, N, err, sizeof err));
    assert_non_null(strstr(err, "outside"));
    /* a pointer off an element boundary */
    *q = (char *)saved + 8;
    assert_null(cxs_chase_check(buf, N * 64, 64, start, N, N, err, sizeof err));
    /* a short cycle: element 5 points back to the start */
    *q = start;
    assert_null(cxs_chase_check(buf, N * 64, 64, start, N, N, err, sizeof err));
    assert_non_null(strstr(err, "closes after 6"));
    *q = saved;
    assert_ptr_equal(cxs_chase_check(buf, N * 64, 64, start, N, N, err, sizeof err), start);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_single_cycle_many_sizes),
        cmocka_unit_test(test_random_is_not_sequential),
        cmocka_unit_test(test_grouped_cycles),
        cmocka_unit_test(test_random_spacing),
        cmocka_unit_test(test_seq_and_stride),
        cmocka_unit_test(test_sattolo_single_cycle),
        cmocka_unit_test(test_rng_below_bounds),
        cmocka_unit_test(test_too_small_and_bad_names),
        cmocka_unit_test(test_kernel_counts_loads),
        cmocka_unit_test(test_check_catches_corruption),
    };
    return cmocka_run_group_tests_name("chase", tests, NULL, NULL);
}
