/* test_csvin.c — result CSVs read back: quoting, line ends, and the
 * rejections (empty or blank-only, wrong field count, duplicate column, open quote, a
 * column missing, a number that is not one). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "csvin.h"

static char path[64];

static void put(const char *text)
{
    strcpy(path, "/tmp/csvin-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static int load(const char *text, struct cxs_table *t, char *err, size_t len)
{
    put(text);
    int rc = cxs_table_load(path, t, err, len);
    unlink(path);
    return rc;
}

static void test_quoting_and_line_ends(void **state)
{
    (void)state;
    struct cxs_table t;
    char err[256];
    assert_int_equal(load("a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n4,,6\r\n", &t, err, sizeof err), 0);
    assert_int_equal(t.ncols, 3);
    assert_int_equal(t.nrows, 2);
    assert_string_equal(cxs_table_get(&t, 0, 1), "x, \"y\"");
    assert_string_equal(cxs_table_get(&t, 1, 1), "");
    assert_int_equal(cxs_table_col(&t, "c"), 2);
    assert_int_equal(cxs_table_col(&t, "d"), -1);
    assert_string_equal(cxs_table_get(&t, 5, 0), ""); /* out of range: empty, not a crash */
    double v;
    assert_int_equal(cxs_table_num(&t, 1, 2, &v, err, sizeof err), 0);
    assert_true(v == 6.0);
    assert_int_equal(cxs_table_num(&t, 0, 1, &v, err, sizeof err), -1);
    assert_non_null(strstr(err, "line 2: column b: 'x, \"y\"' is not a number"));
    assert_int_equal(cxs_table_num(&t, 1, 1, &v, err, sizeof err), -1); /* empty */
    const char *need[] = {"a", "c", NULL}, *need2[] = {"a", "z", NULL};
    assert_int_equal(cxs_table_require(&t, need, 2, err, sizeof err), 0);
    assert_int_equal(cxs_table_require(&t, need2, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "no column 'z'"));
    assert_int_equal(cxs_table_require(&t, need, 3, err, sizeof err), -1);
    cxs_table_free(&t);
    /* a header only is a table without rows; no final newline is fine */
    assert_int_equal(load("x,y", &t, err, sizeof err), 0);
    assert_int_equal(t.nrows, 0);
    cxs_table_free(&t);
}

static void test_rejections(void **state)
{
    (void)state;
    struct cxs_table t;
    char err[256];
    assert_int_equal(load("", &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "empty file"));
    assert_int_equal(load("a,b\n1,2\n3\n", &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "line 3 has 1 fields, the header 2"));
    assert_int_equal(load("a,b,a\n1,2,3\n", &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "column 'a' appears twice"));
    assert_int_equal(load("a,b\n\"1,2\n", &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "not valid CSV"));
    assert_int_equal(cxs_table_load("/nonexistent/x.csv", &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/x.csv: No such file"));
}

/* A file of line ends only has no header: empty, not a table of 0 columns. */
static void test_blank_files(void **state)
{
    (void)state;
    static const char *const blank[] = {"\r", "\n", "\r\n", "\n\n\r\n", "\r\r\r"};
    for (size_t i = 0; i < sizeof blank / sizeof blank[0]; i++) {
        struct cxs_table t;
        char err[256] = "";
        if (load(blank[i], &t, err, sizeof err) != -1) {
            size_t ncols = t.ncols;
            cxs_table_free(&t);
            fail_msg("blank file %zu loaded as a table of %zu columns", i, ncols);
        }
        assert_non_null(strstr(err, "empty file"));
    }
}

/* Repeated column names are found in any header size (by sorting, not pair
 * by pair), and the one named is the first repeat in header order. */
static void test_duplicate_columns(void **state)
{
    (void)state;
    struct cxs_table t;
    char err[256];
    assert_int_equal(load("a,b,c,b,a\n", &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "column 'b' appears twice"));
    enum { N = 200000 };
    size_t cap = (size_t)N * 8 + 64, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int i = 0; i < N; i++)
        len += (size_t)snprintf(text + len, cap - len, "%sc%d", i ? "," : "", i);
    snprintf(text + len, cap - len, "\n");
    assert_int_equal(load(text, &t, err, sizeof err), 0);
    assert_int_equal(t.ncols, N);
    assert_int_equal(cxs_table_col(&t, "c199999"), N - 1);
    cxs_table_free(&t);
    /* c150000 repeats before c5 does, though it sorts first */
    snprintf(text + len, cap - len, ",c150000,c5\n");
    assert_int_equal(load(text, &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "column 'c150000' appears twice"));
    snprintf(text + len, cap - len, ",c5,c150000\n");
    assert_int_equal(load(text, &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "column 'c5' appears twice"));
    free(text);
}

/* A number is written in decimal: digits, a sign, a point, an exponent;
 * no blanks, no hexadecimal, no inf or nan. */
static void test_numbers_strict(void **state)
{
    (void)state;
    struct cxs_table t;
    char err[256];
    assert_int_equal(load("v\n\" 5\"\n\"5 \"\n0x10\n0x1p3\ninf\nnan\n\"\t1\"\n"
                          "-2.5\n+3\n1e3\n.5\n7.\n",
                          &t, err, sizeof err),
                     0);
    double v;
    for (size_t r = 0; r < 7; r++) {
        if (cxs_table_num(&t, r, 0, &v, err, sizeof err) != -1)
            fail_msg("'%s' read as the number %g", cxs_table_get(&t, r, 0), v);
        assert_non_null(strstr(err, "is not a number"));
    }
    static const double want[] = {-2.5, 3, 1000, 0.5, 7};
    for (size_t r = 7; r < t.nrows; r++) {
        assert_int_equal(cxs_table_num(&t, r, 0, &v, err, sizeof err), 0);
        assert_true(v == want[r - 7]);
    }
    cxs_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting_and_line_ends), cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_blank_files),           cmocka_unit_test(test_duplicate_columns),
        cmocka_unit_test(test_numbers_strict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
