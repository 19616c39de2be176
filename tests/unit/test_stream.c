/* test_stream.c — every streaming kernel, on every ISA this CPU has, in
 * sequential and random block orders: its effect validates, and the
 * validation fails when the kernel did not run, ran a different number of
 * times, or an element is wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stream.h"
#include "testutil.h"

enum { N = 4096 * 3 }; /* doubles: 24 4-KiB blocks */

struct arrays {
    double *a, *b, *c, *d;
    uint32_t order[N / 8];
};

static void setup_args(struct arrays *m, struct cxs_stream_args *x, size_t block, int random)
{
    *x = (struct cxs_stream_args){
        .a = m->a, .b = m->b, .c = m->c, .d = m->d, .n = N, .block = block, .order = NULL};
    if (random) {
        cxs_stream_order(m->order, N / block, 42);
        x->order = m->order;
    }
}

static void run_all(enum cxs_isa isa, size_t block, int random)
{
    struct arrays m;
    m.a = aligned_alloc(64, N * sizeof(double));
    m.b = aligned_alloc(64, N * sizeof(double));
    m.c = aligned_alloc(64, N * sizeof(double));
    m.d = aligned_alloc(64, N * sizeof(double));
    assert_true(m.a && m.b && m.c && m.d);
    char err[256];
    for (int k = 0; k < CXS_NKINDS; k++) {
        struct cxs_stream_args x;
        setup_args(&m, &x, block, random);
        cxs_stream_kernel fn = cxs_stream_fn((enum cxs_kind)k, isa);
        assert_non_null(fn);
        cxs_stream_init((enum cxs_kind)k, &x);
        /* not run yet: the check must fail */
        assert_int_equal(cxs_stream_check((enum cxs_kind)k, &x, 0, 0, err, sizeof err), -1);
        double sum = fn(&x);
        sum = fn(&x);
        if (cxs_stream_check((enum cxs_kind)k, &x, 2, sum, err, sizeof err) != 0)
            fail_msg("%s/%s/%s: %s", cxs_isa_name(isa), cxs_stream_kinds[k].name,
                     random ? "random" : "seq", err);
        if (k == CXS_K_READ) {
            assert_int_equal(cxs_stream_check((enum cxs_kind)k, &x, 2, sum + 1, err, sizeof err),
                             -1);
            continue;
        }
        /* claiming a third call that did not happen fails for 1:1 (the
         * only kind whose result depends on the count) */
        if (k == CXS_K_RW11)
            assert_int_equal(cxs_stream_check((enum cxs_kind)k, &x, 3, 0, err, sizeof err), -1);
        /* one wrong element fails, and is named */
        x.a[N / 2 + 1] += 0.5;
        assert_int_equal(cxs_stream_check((enum cxs_kind)k, &x, 2, 0, err, sizeof err), -1);
        char want[32];
        snprintf(want, sizeof want, "a[%d]", N / 2 + 1);
        assert_non_null(strstr(err, want));
    }
    free(m.a);
    free(m.b);
    free(m.c);
    free(m.d);
}

static void test_kernels_every_isa(void **state)
{
    (void)state;
    int ran = 0;
    for (int i = 0; i < CXS_NISAS; i++) {
        if (!cxs_isa_supported((enum cxs_isa)i)) {
            assert_null(cxs_stream_fn(CXS_K_COPY, (enum cxs_isa)i));
            continue;
        }
        run_all((enum cxs_isa)i, N, 0);   /* sequential */
        run_all((enum cxs_isa)i, 8, 1);   /* random 64-byte lines */
        run_all((enum cxs_isa)i, 512, 1); /* random 4 KiB blocks */
        ran++;
    }
    assert_true(ran >= 1); /* SSE2 is in every x86-64 */
}

/* Burst by burst, as a paced load streams: two whole passes in 1 KiB bursts
 * from one buffer laid out by cxs_stream_place() validate as two calls; one
 * burst short of them does not (for the kinds whose result shows it). */
static void test_bursts_validate(void **state)
{
    (void)state;
    enum { B = 128 }; /* doubles per burst */
    double *buf = aligned_alloc(64, 4 * N * sizeof(double));
    assert_non_null(buf);
    char err[256];
    for (int k = 0; k < CXS_NKINDS; k++) {
        struct cxs_stream_args x;
        cxs_stream_place((enum cxs_kind)k, buf, N, &x);
        assert_int_equal(x.n, N);
        assert_null(x.order);
        int na = cxs_stream_narrays((enum cxs_kind)k);
        double *const p[4] = {x.a, x.b, x.c, x.d};
        int seen = 0;
        for (int a = 0; a < 4; a++)
            if (p[a]) {
                assert_ptr_equal(p[a], buf + (size_t)seen * N); /* one after another */
                seen++;
            }
        assert_int_equal(seen, na);
        cxs_stream_init((enum cxs_kind)k, &x);
        cxs_stream_kernel fn = cxs_stream_fn((enum cxs_kind)k, cxs_isa_best());
        double sum = 0;
        for (int pass = 0; pass < 2; pass++) {
            sum = 0;
            for (size_t pos = 0; pos < N; pos += B)
                sum += cxs_stream_range(fn, &x, pos, B);
        }
        if (cxs_stream_check((enum cxs_kind)k, &x, 2, sum, err, sizeof err))
            fail_msg("%s in bursts: %s", cxs_stream_kinds[k].name, err);
        if (k == CXS_K_READ)
            assert_int_equal(cxs_stream_check((enum cxs_kind)k, &x, 2,
                                              sum - cxs_stream_range(fn, &x, 0, B), err,
                                              sizeof err),
                             -1);
        if (k == CXS_K_RW11) { /* a third pass one burst short */
            for (size_t pos = 0; pos + B < N; pos += B)
                cxs_stream_range(fn, &x, pos, B);
            assert_int_equal(cxs_stream_check((enum cxs_kind)k, &x, 3, 0, err, sizeof err), -1);
        }
    }
    free(buf);
}

static void test_order_is_permutation(void **state)
{
    (void)state;
    enum { M = 1000 };
    uint32_t o[M];
    int seen[M] = {0}, moved = 0;
    cxs_stream_order(o, M, 7);
    for (int i = 0; i < M; i++) {
        assert_true(o[i] < M);
        seen[o[i]]++;
        moved += o[i] != (uint32_t)i;
    }
    for (int i = 0; i < M; i++)
        assert_int_equal(seen[i], 1);
    assert_true(moved > M / 2);
}

static void test_names(void **state)
{
    (void)state;
    assert_int_equal(cxs_stream_kind_parse("triad"), CXS_K_TRIAD);
    assert_int_equal(cxs_stream_kind_parse("3:1"), CXS_K_RW31);
    assert_int_equal(cxs_stream_kind_parse("WRITE-NT"), CXS_K_WRITE_NT);
    assert_int_equal(cxs_stream_kind_parse("scale"), -1);
    assert_int_equal(cxs_isa_parse("avx512"), CXS_ISA_AVX512);
    assert_int_equal(cxs_isa_parse("avx"), -1);
    assert_true(cxs_isa_supported(cxs_isa_best()));
    for (int k = 0; k < CXS_NKINDS; k++)
        assert_true(cxs_stream_kinds[k].nread + cxs_stream_kinds[k].nwrite >= 1);
    if (!cxs_isa_supported(CXS_ISA_AVX512))
        SKIP_BECAUSE("this CPU has no AVX-512: the widest-ISA choice was checked up to %s",
                     cxs_isa_name(cxs_isa_best()));
    assert_int_equal(cxs_isa_best(), CXS_ISA_AVX512);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernels_every_isa),
        cmocka_unit_test(test_bursts_validate),
        cmocka_unit_test(test_order_is_permutation),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests_name("stream", tests, NULL, NULL);
}
