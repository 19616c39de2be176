/* test_row.c — rows built by column name from one column list (row.h):
 * header, values in column order, the number formats, and the mistakes
 * that fail loudly (unset, set twice, unknown, NULL, repeated names). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "cli.h"
#include "output.h"
#include "row.h"
#include "stats.h"

static const struct cxs_col cols[] = {
    {"model", NULL},
    {"batch", "batch size"},
    {"median_ms", "median latency, ms"},
    {"note", NULL},
};

static char *capture_start(FILE **f, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    *f = open_memstream(buf, len);
    assert_non_null(*f);
    return *buf;
}

static void test_header(void **state)
{
    (void)state;
    struct cxs_row *r = cxs_row_new("t.csv", cols, CXS_NCOLS(cols));
    assert_int_equal(cxs_row_ncols(r), 4);
    const char *const *h = cxs_row_names(r);
    assert_string_equal(h[0], "model");
    assert_string_equal(h[3], "note");
    cxs_row_free(r);
}

static void test_values_in_column_order(void **state)
{
    (void)state;
    struct cxs_row *r = cxs_row_new("t.csv", cols, CXS_NCOLS(cols));
    char err[200];
    /* any order */
    assert_int_equal(cxs_row_fixed(r, "median_ms", 4, 1.23456789), 0);
    assert_int_equal(cxs_row_str(r, "model", "xlshare-8m"), 0);
    assert_int_equal(cxs_row_empty(r, "note"), 0);
    assert_int_equal(cxs_row_check(r, err, sizeof err), -1);
    assert_string_equal(err, "column 'batch' not set");
    assert_int_equal(cxs_row_u64(r, "batch", UINT64_MAX), 0);
    assert_int_equal(cxs_row_check(r, err, sizeof err), 0);
    const char *const *v = cxs_row_take(r);
    assert_string_equal(v[0], "xlshare-8m");
    assert_string_equal(v[1], "18446744073709551615");
    assert_string_equal(v[2], "1.2346");
    assert_string_equal(v[3], "");
    cxs_row_free(r);
}

/* A summary's columns by their unit, the percentiles only when asked; a
 * list without one of them makes the row bad. */
static void test_summary_columns(void **state)
{
    (void)state;
    static const struct cxs_col sum[] = {
        {"latency_ns", NULL},   {"ci95_lo_ns", NULL},      {"ci95_hi_ns", NULL}, {"mean_ns", NULL},
        {"min_ns", NULL},       {"max_ns", NULL},          {"p5_ns", NULL},      {"p95_ns", NULL},
        {"samples_kept", NULL}, {"samples_dropped", NULL},
    };
    const struct cxs_summary s = {.kept = 7,
                                  .dropped = 2,
                                  .median = 1.5,
                                  .mean = 1.6,
                                  .min = 1,
                                  .max = 3,
                                  .p5 = 1.1,
                                  .p95 = 2.9,
                                  .ci_lo = 1.2,
                                  .ci_hi = 1.8};
    struct cxs_row *r = cxs_row_new("t.csv", sum, CXS_NCOLS(sum));
    assert_int_equal(cxs_row_summary(r, "latency_ns", "ns", 1, CXS_SUM_PCT, &s), 0);
    const char *const *v = cxs_row_take(r);
    const char *want[] = {"1.5", "1.2", "1.8", "1.6", "1.0", "3.0", "1.1", "2.9", "7", "2"};
    for (size_t i = 0; i < CXS_NCOLS(sum); i++)
        assert_string_equal(v[i], want[i]);
    char err[200];
    assert_int_equal(cxs_row_summary(r, "latency_ns", "ns", 1, 0, &s), 0);
    assert_int_equal(cxs_row_check(r, err, sizeof err), -1);
    assert_string_equal(err, "column 'p5_ns' not set");
    cxs_row_reset(r);
    assert_int_equal(cxs_row_summary(r, "median_s", "s", 1, 0, &s), -1);
    cxs_row_free(r);
}

static void test_formats(void **state)
{
    (void)state;
    static const struct cxs_col one[] = {{"v", NULL}};
    struct cxs_row *r = cxs_row_new("t.csv", one, 1);
    struct {
        int kind;
        double d;
        long long i;
        const char *want;
    } cases[] = {
        {0, 0, -42, "-42"},         {0, 0, 0, "0"},     {1, 0.5, 0, "0.500"},
        {1, -1.0005, 0, "-1.000"},  {2, 7.0, 0, "7.0"}, {3, NAN, 0, "nan"},
        {4, 0, 0, "0:4096 4:8192"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        if (cases[k].kind == 0)
            cxs_row_int(r, "v", cases[k].i);
        else if (cases[k].kind == 1)
            cxs_row_fixed(r, "v", 3, cases[k].d);
        else if (cases[k].kind == 2)
            cxs_row_fixed(r, "v", 1, cases[k].d);
        else if (cases[k].kind == 3)
            cxs_row_fixed(r, "v", 4, cases[k].d);
        else
            cxs_row_set(r, "v", "%d:%d %d:%d", 0, 4096, 4, 8192);
        assert_string_equal(cxs_row_take(r)[0], cases[k].want);
    }
    cxs_row_free(r);
}

/* After a row is taken the next setter begins a new one; long values grow
 * the buffer and earlier values stay intact. */
static void test_next_row_and_long_values(void **state)
{
    (void)state;
    struct cxs_row *r = cxs_row_new("t.csv", cols, CXS_NCOLS(cols));
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (int round = 0; round < 3; round++) {
        cxs_row_str(r, "model", round == 1 ? big : "m");
        cxs_row_int(r, "batch", round);
        cxs_row_set(r, "median_ms", "%s-%d", big + 4990, round);
        cxs_row_str(r, "note", big);
        const char *const *v = cxs_row_take(r);
        assert_string_equal(v[0], round == 1 ? big : "m");
        assert_int_equal(atoi(v[1]), round);
        char want[32];
        snprintf(want, sizeof want, "xxxxxxxxx-%d", round);
        assert_string_equal(v[2], want);
        assert_string_equal(v[3], big);
    }
    /* a reset throws away what was set */
    cxs_row_str(r, "model", "a");
    cxs_row_reset(r);
    cxs_row_str(r, "model", "b");
    char err[100];
    assert_int_equal(cxs_row_check(r, err, sizeof err), -1);
    assert_string_equal(err, "column 'batch' not set");
    cxs_row_free(r);
}

static void test_mistakes(void **state)
{
    (void)state;
    char err[200];
    struct cxs_row *r = cxs_row_new("t.csv", cols, CXS_NCOLS(cols));
    assert_int_equal(cxs_row_str(r, "model", "a"), 0);
    assert_int_equal(cxs_row_str(r, "model", "b"), -1);
    assert_int_equal(cxs_row_check(r, err, sizeof err), -1);
    assert_string_equal(err, "column 'model' set twice");
    /* the first mistake is the one reported */
    assert_int_equal(cxs_row_int(r, "bacth", 1), -1);
    assert_int_equal(cxs_row_check(r, err, sizeof err), -1);
    assert_string_equal(err, "column 'model' set twice");

    cxs_row_reset(r);
    assert_int_equal(cxs_row_int(r, "bacth", 1), -1);
    assert_int_equal(cxs_row_check(r, err, sizeof err), -1);
    assert_string_equal(err, "no column 'bacth'");

    cxs_row_reset(r);
    assert_int_equal(cxs_row_str(r, "note", NULL), -1);
    assert_int_equal(cxs_row_check(r, err, sizeof err), -1);
    assert_non_null(strstr(err, "column 'note' set to NULL"));

    /* nothing set after a take */
    cxs_row_reset(r);
    cxs_row_str(r, "model", "a"), cxs_row_int(r, "batch", 1), cxs_row_empty(r, "median_ms");
    cxs_row_empty(r, "note");
    cxs_row_take(r);
    assert_int_equal(cxs_row_check(r, err, sizeof err), -1);
    cxs_row_free(r);
}

/* At run time a bad row is an internal error: one line naming the table
 * and the column, exit 1. */
static void take_unset(void *arg)
{
    (void)arg;
    cxs_prog = "cxlscope-test";
    struct cxs_row *r = cxs_row_new("t.csv", cols, CXS_NCOLS(cols));
    cxs_row_str(r, "model", "a");
    cxs_row_int(r, "batch", 1);
    cxs_row_empty(r, "note");
    cxs_row_take(r);
}
static void take_twice_set(void *arg)
{
    (void)arg;
    cxs_prog = "cxlscope-test";
    struct cxs_row *r = cxs_row_new("t.csv", cols, CXS_NCOLS(cols));
    cxs_row_str(r, "model", "a");
    cxs_row_int(r, "batch", 1);
    cxs_row_int(r, "batch", 2);
    cxs_row_empty(r, "median_ms");
    cxs_row_empty(r, "note");
    cxs_row_take(r);
}
static void new_repeated(void *arg)
{
    (void)arg;
    cxs_prog = "cxlscope-test";
    static const struct cxs_col twice[] = {{"a", NULL}, {"b", NULL}, {"a", NULL}};
    cxs_row_new("t.csv", twice, 3);
}

static void test_internal_errors_exit_1(void **state)
{
    (void)state;
    char out[512];
    assert_int_equal(run_in_child(take_unset, NULL, out, sizeof out), 1);
    assert_string_equal(out,
                        "cxlscope-test: error: internal error: t.csv row: column 'median_ms' not "
                        "set\n");
    assert_int_equal(run_in_child(take_twice_set, NULL, out, sizeof out), 1);
    assert_string_equal(out, "cxlscope-test: error: internal error: t.csv row: column 'batch' set "
                             "twice\n");
    assert_int_equal(run_in_child(new_repeated, NULL, out, sizeof out), 1);
    assert_string_equal(out, "cxlscope-test: error: internal error: t.csv: column 'a' is listed "
                             "twice\n");
}

/* The header and rows through output.h, as a binary writes them. */
static void test_through_output(void **state)
{
    (void)state;
    FILE *f;
    char *buf;
    size_t len;
    capture_start(&f, &buf, &len);
    struct cxs_row *r = cxs_row_new("t.csv", cols, CXS_NCOLS(cols));
    char err[200];
    struct cxs_out *o =
        cxs_out_open(NULL, f, CXS_FMT_CSV, cxs_row_names(r), cxs_row_ncols(r), err, sizeof err);
    assert_non_null(o);
    cxs_row_str(r, "model", "a,b");
    cxs_row_u64(r, "batch", 8);
    cxs_row_fixed(r, "median_ms", 4, 0.25);
    cxs_row_empty(r, "note");
    assert_int_equal(cxs_out_row(o, cxs_row_take(r)), 0);
    assert_int_equal(cxs_out_close(o), 0);
    fclose(f);
    assert_string_equal(buf, "model,batch,median_ms,note\n\"a,b\",8,0.2500,\n");
    free(buf);
    cxs_row_free(r);
}

static void test_help_text(void **state)
{
    (void)state;
    static const struct cxs_col gpu[] = {
        {"gpu", NULL},         {"gpu_name", NULL},
        {"gpu_pci", NULL},     {"gpu_node", NULL},
        {"cpu_node", NULL},    {"cpu", NULL},
        {"host_mem", NULL},    {"mem_node", "node set"},
        {"mem_class", NULL},   {"placement", "bytes per node"},
        {"page_size", NULL},   {"direction", NULL},
        {"size_bytes", NULL},  {"copies", NULL},
        {"samples", NULL},     {"kept", NULL},
        {"median_gbps", NULL},
    };
    static const struct cxs_col lat[] = {
        {"gpu", NULL}, {"mem_node", "again"}, {"copies", "per point"}};
    FILE *f;
    char *buf;
    size_t len;
    capture_start(&f, &buf, &len);
    cxs_cols_list(f, "gpu_copy.csv", gpu, CXS_NCOLS(gpu));
    const struct cxs_col *lists[] = {gpu, lat};
    const size_t n[] = {CXS_NCOLS(gpu), CXS_NCOLS(lat)};
    cxs_cols_describe(f, lists, n, 2);
    fclose(f);
    assert_string_equal(
        buf, "gpu_copy.csv: gpu,gpu_name,gpu_pci,gpu_node,cpu_node,cpu,host_mem,mem_node,\n"
             "  mem_class,placement,page_size,direction,size_bytes,copies,samples,kept,\n"
             "  median_gbps\n"
             "  mem_node   node set\n"
             "  placement  bytes per node\n"
             "  copies     per point\n");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_values_in_column_order),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_summary_columns),
        cmocka_unit_test(test_next_row_and_long_values),
        cmocka_unit_test(test_mistakes),
        cmocka_unit_test(test_internal_errors_exit_1),
        cmocka_unit_test(test_through_output),
        cmocka_unit_test(test_help_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
