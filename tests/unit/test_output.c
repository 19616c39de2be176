/* test_output.c — CSV quoting, PATH.partial while running, tables (output.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

/* ---- helpers -------------------------------------------------------- */

static char *field_to_string(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    cxs_csv_field(f, s);
    assert_int_equal(fclose(f), 0);
    return buf;
}

/* Whole file as a string; NULL when it does not exist. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    int c;
    while ((c = fgetc(f)) != EOF)
        fputc(c, m);
    fclose(f);
    assert_int_equal(fclose(m), 0);
    return buf;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

struct tmpdir {
    char dir[64];
    char path[128];    /* dir/out.csv */
    char partial[160]; /* dir/out.csv.partial */
};

static void tmpdir_make(struct tmpdir *d)
{
    snprintf(d->dir, sizeof(d->dir), "/tmp/cxs-test-output-XXXXXX");
    assert_non_null(mkdtemp(d->dir));
    snprintf(d->path, sizeof(d->path), "%s/out.csv", d->dir);
    snprintf(d->partial, sizeof(d->partial), "%s.partial", d->path);
}

static void tmpdir_remove(struct tmpdir *d)
{
    unlink(d->path);
    unlink(d->partial);
    assert_int_equal(rmdir(d->dir), 0);
}

/* ---- cxs_csv_field -------------------------------------------------- */

static void test_csv_field_quoting(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},
        {"12.5", "12.5"},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"\"", "\"\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"cr\rhere", "\"cr\rhere\""},
        {"crlf\r\n", "\"crlf\r\n\""},
        {"", ""},
        {"sp ace", "sp ace"},
        {NULL, ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = field_to_string(cases[i].in);
        assert_string_equal(got, cases[i].out);
        free(got);
    }
}

/* ---- CSV files ------------------------------------------------------ */

static void test_header_exact(void **state)
{
    (void)state;
    struct tmpdir d;
    tmpdir_make(&d);
    const char *cols[] = {"size_bytes", "latency_ns", "odd,name"};
    char err[256] = "";
    struct cxs_out *o = cxs_out_open(d.path, NULL, CXS_FMT_CSV, cols, 3, err, sizeof(err));
    assert_non_null(o);
    char *s = slurp(d.partial);
    assert_non_null(s);
    assert_string_equal(s, "size_bytes,latency_ns,\"odd,name\"\n");
    free(s);
    assert_int_equal(cxs_out_rows(o), 0);
    assert_int_equal(cxs_out_close(o), 0);
    s = slurp(d.path);
    assert_string_equal(s, "size_bytes,latency_ns,\"odd,name\"\n");
    free(s);
    tmpdir_remove(&d);
}

static void test_rows_quoted_in_file(void **state)
{
    (void)state;
    struct tmpdir d;
    tmpdir_make(&d);
    const char *cols[] = {"a", "b", "c", "d", "e", "f", "g"};
    char err[256] = "";
    struct cxs_out *o = cxs_out_open(d.path, NULL, CXS_FMT_CSV, cols, 7, err, sizeof(err));
    assert_non_null(o);
    const char *row[] = {"plain", "x,y", "q\"q", "n\nl", "c\rr", "", NULL};
    assert_int_equal(cxs_out_row(o, row), 0);
    assert_int_equal(cxs_out_close(o), 0);
    char *s = slurp(d.path);
    assert_string_equal(s, "a,b,c,d,e,f,g\n"
                           "plain,\"x,y\",\"q\"\"q\",\"n\nl\",\"c\rr\",,\n");
    free(s);
    tmpdir_remove(&d);
}

static void test_partial_visible_while_open(void **state)
{
    (void)state;
    struct tmpdir d;
    tmpdir_make(&d);
    const char *cols[] = {"size_bytes", "latency_ns"};
    char err[256] = "";
    struct cxs_out *o = cxs_out_open(d.path, NULL, CXS_FMT_CSV, cols, 2, err, sizeof(err));
    assert_non_null(o);
    assert_true(exists(d.partial));
    assert_false(exists(d.path));

    const char *r1[] = {"4096", "1.5"};
    assert_int_equal(cxs_out_row(o, r1), 0);
    char *s = slurp(d.partial);
    assert_string_equal(s, "size_bytes,latency_ns\n4096,1.5\n");
    free(s);
    assert_int_equal(cxs_out_rows(o), 1);

    const char *r2[] = {"8192", "2.25"};
    assert_int_equal(cxs_out_row(o, r2), 0);
    s = slurp(d.partial);
    assert_string_equal(s, "size_bytes,latency_ns\n4096,1.5\n8192,2.25\n");
    free(s);
    assert_int_equal(cxs_out_rows(o), 2);
    assert_false(exists(d.path));

    assert_int_equal(cxs_out_close(o), 0);
    assert_false(exists(d.partial));
    s = slurp(d.path);
    assert_non_null(s);
    assert_string_equal(s, "size_bytes,latency_ns\n4096,1.5\n8192,2.25\n");
    free(s);
    tmpdir_remove(&d);
}

static void test_open_fails_in_missing_dir(void **state)
{
    (void)state;
    const char *cols[] = {"a"};
    char err[256] = "";
    struct cxs_out *o = cxs_out_open("/nonexistent-cxlscope-dir/sub/out.csv", NULL, CXS_FMT_CSV,
                                     cols, 1, err, sizeof(err));
    assert_null(o);
    assert_true(err[0] != '\0');
    assert_non_null(strstr(err, "/nonexistent-cxlscope-dir/sub/out.csv.partial"));
    assert_non_null(strstr(err, strerror(ENOENT)));
}

static void test_close_null_is_harmless(void **state)
{
    (void)state;
    assert_int_equal(cxs_out_close(NULL), 0);
    assert_int_equal(cxs_out_rows(NULL), 0);
}

/* ---- echo ----------------------------------------------------------- */

static void test_csv_echo_matches_file(void **state)
{
    (void)state;
    struct tmpdir d;
    tmpdir_make(&d);
    char *buf = NULL;
    size_t len = 0;
    FILE *echo = open_memstream(&buf, &len);
    assert_non_null(echo);
    const char *cols[] = {"node", "note"};
    char err[256] = "";
    struct cxs_out *o = cxs_out_open(d.path, echo, CXS_FMT_CSV, cols, 2, err, sizeof(err));
    assert_non_null(o);
    assert_string_equal(buf, "node,note\n"); /* flushed at open */
    const char *r[] = {"0", "a,b"};
    assert_int_equal(cxs_out_row(o, r), 0);
    assert_string_equal(buf, "node,note\n0,\"a,b\"\n"); /* flushed per row */
    assert_int_equal(cxs_out_close(o), 0);
    char *s = slurp(d.path);
    assert_string_equal(s, buf);
    free(s);
    assert_int_equal(fclose(echo), 0);
    free(buf);
    tmpdir_remove(&d);
}

static void test_table_echo_aligned(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *echo = open_memstream(&buf, &len);
    assert_non_null(echo);
    const char *cols[] = {"node", "size_bytes", "median_latency_ns"};
    char err[256] = "";
    struct cxs_out *o = cxs_out_open(NULL, echo, CXS_FMT_TABLE, cols, 3, err, sizeof(err));
    assert_non_null(o);
    const char *r1[] = {"0", "4096", "1.25"};
    const char *r2[] = {"12", "1073741824", "112.50"};
    const char *r3[] = {"2", "123456789012", NULL}; /* too wide: widens its row only */
    assert_int_equal(cxs_out_row(o, r1), 0);
    assert_int_equal(cxs_out_row(o, r2), 0);
    assert_int_equal(cxs_out_row(o, r3), 0);
    assert_int_equal(cxs_out_rows(o), 3);
    assert_int_equal(cxs_out_close(o), 0);
    assert_string_equal(buf, "      node size_bytes median_latency_ns\n"
                             "         0       4096              1.25\n"
                             "        12 1073741824            112.50\n"
                             "         2 123456789012                  \n");
    assert_int_equal(fclose(echo), 0);
    free(buf);
}

static void test_no_file_no_echo(void **state)
{
    (void)state;
    const char *cols[] = {"a", "b"};
    char err[256] = "";
    struct cxs_out *o = cxs_out_open(NULL, NULL, CXS_FMT_CSV, cols, 2, err, sizeof(err));
    assert_non_null(o);
    const char *r[] = {"1", "2"};
    assert_int_equal(cxs_out_row(o, r), 0);
    assert_int_equal(cxs_out_rows(o), 1);
    assert_int_equal(cxs_out_close(o), 0);
}

static void test_columns_copied(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *echo = open_memstream(&buf, &len);
    assert_non_null(echo);
    char name[] = "threads";
    const char *cols[] = {name};
    char err[256] = "";
    struct cxs_out *o = cxs_out_open(NULL, echo, CXS_FMT_CSV, cols, 1, err, sizeof(err));
    assert_non_null(o);
    memset(name, 'X', sizeof(name) - 1);
    const char *r[] = {"4"};
    assert_int_equal(cxs_out_row(o, r), 0);
    assert_int_equal(cxs_out_close(o), 0);
    assert_string_equal(buf, "threads\n4\n");
    assert_int_equal(fclose(echo), 0);
    free(buf);
}

/* ---- cxs_format_parse ----------------------------------------------- */

static void test_format_parse(void **state)
{
    (void)state;
    assert_int_equal(cxs_format_parse("csv"), CXS_FMT_CSV);
    assert_int_equal(cxs_format_parse("table"), CXS_FMT_TABLE);
    assert_int_equal(cxs_format_parse("TABLE"), CXS_FMT_TABLE);
    assert_int_equal(cxs_format_parse("json"), -1);
    assert_int_equal(cxs_format_parse(""), -1);
    assert_int_equal(cxs_format_parse("csv "), -1);
    assert_int_equal(cxs_format_parse(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_field_quoting),
        cmocka_unit_test(test_header_exact),
        cmocka_unit_test(test_rows_quoted_in_file),
        cmocka_unit_test(test_partial_visible_while_open),
        cmocka_unit_test(test_open_fails_in_missing_dir),
        cmocka_unit_test(test_close_null_is_harmless),
        cmocka_unit_test(test_csv_echo_matches_file),
        cmocka_unit_test(test_table_echo_aligned),
        cmocka_unit_test(test_no_file_no_echo),
        cmocka_unit_test(test_columns_copied),
        cmocka_unit_test(test_format_parse),
    };
    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
