/* test_outfile.c — the output-file rule and the directory lock (outfile.h),
 * and a CSV whose rename is refused (output.h). */
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

#include "outfile.h"
#include "output.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/cxs-test-outfile-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *at(const char *name)
{
    static char path[4][160];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
    return path[k];
}

/* Absent and regular names pass; every other kind is refused by name. */
static void test_check_kinds(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(cxs_outfile_check(at("absent"), err, sizeof err), 0);
    FILE *f = fopen(at("plain"), "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(cxs_outfile_check(at("plain"), err, sizeof err), 0);
    assert_int_equal(mkfifo(at("fifo"), 0600), 0);
    assert_int_equal(mkdir(at("dir"), 0700), 0);
    assert_int_equal(symlink(at("plain"), at("link")), 0);
    static const struct {
        const char *name, *kind;
    } bad[] = {{"fifo", "(a FIFO)"}, {"dir", "(a directory)"}, {"link", "(a symbolic link)"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        assert_int_equal(cxs_outfile_check(at(bad[i].name), err, sizeof err), CXS_OUTFILE_REFUSED);
        assert_non_null(strstr(err, bad[i].kind));
        assert_non_null(strstr(err, "refusing to replace it"));
    }
}

/* A JSON document replaces a regular file whole and leaves no .tmp; a link
 * is refused and its target never written. */
static void test_json_rule(void **state)
{
    (void)state;
    char err[512];
    json_t *doc = json_pack("{s:i}", "a", 1);
    assert_int_equal(cxs_outfile_json(at("doc.json"), doc, 0, err, sizeof err), 0);
    json_t *back = json_load_file(at("doc.json"), 0, NULL);
    assert_non_null(back);
    assert_int_equal(json_integer_value(json_object_get(back, "a")), 1);
    json_decref(back);
    assert_int_equal(access(at("doc.json.tmp"), F_OK), -1);
    assert_int_equal(symlink(at("target.json"), at("ln.json")), 0);
    assert_int_equal(cxs_outfile_json(at("ln.json"), doc, 0, err, sizeof err), CXS_OUTFILE_REFUSED);
    assert_int_equal(access(at("target.json"), F_OK), -1);
    json_decref(doc);
}

/* cxs_out_open refuses a FIFO as the final name (errno EEXIST) without
 * blocking; a link put at the final name while the run goes on makes the
 * close fail and keeps the rows in .partial. */
static void test_csv_rule(void **state)
{
    (void)state;
    char err[512];
    const char *cols[] = {"a", "b"};
    assert_int_equal(mkfifo(at("f.csv"), 0600), 0);
    errno = 0;
    assert_null(cxs_out_open(at("f.csv"), NULL, CXS_FMT_CSV, cols, 2, err, sizeof err));
    assert_int_equal(errno, EEXIST);
    assert_non_null(strstr(err, "(a FIFO)"));
    struct cxs_out *o = cxs_out_open(at("r.csv"), NULL, CXS_FMT_CSV, cols, 2, err, sizeof err);
    assert_non_null(o);
    const char *row[] = {"1", "2"};
    assert_int_equal(cxs_out_row(o, row), 0);
    assert_int_equal(symlink("/dev/null", at("r.csv")), 0);
    assert_int_equal(cxs_out_close(o), -1);
    struct stat st;
    assert_int_equal(lstat(at("r.csv"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(stat(at("r.csv.partial"), &st), 0);
    assert_int_equal(st.st_size, 8); /* "a,b\n1,2\n" */
}

/* One holder at a time, even within one process (flock is per open file);
 * a lock file whose holder is gone is taken over; unlock removes it. */
static void test_lock(void **state)
{
    (void)state;
    char err[512];
    int a = cxs_outdir_lock(dir, err, sizeof err);
    assert_true(a >= 0);
    char want[64];
    snprintf(want, sizeof want, "in use by another run (pid %ld;", (long)getpid());
    assert_int_equal(cxs_outdir_lock(dir, err, sizeof err), CXS_OUTFILE_REFUSED);
    assert_non_null(strstr(err, want));
    cxs_outdir_unlock(dir, a);
    assert_int_equal(access(at(CXS_LOCK_NAME), F_OK), -1);
    FILE *f = fopen(at(CXS_LOCK_NAME), "w"); /* stale: a pid, no flock */
    assert_non_null(f);
    fputs("999999\n", f);
    fclose(f);
    int b = cxs_outdir_lock(dir, err, sizeof err);
    assert_true(b >= 0);
    cxs_outdir_unlock(dir, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_kinds),
        cmocka_unit_test(test_json_rule),
        cmocka_unit_test(test_csv_rule),
        cmocka_unit_test(test_lock),
    };
    return cmocka_run_group_tests_name("outfile", tests, setup, teardown);
}
