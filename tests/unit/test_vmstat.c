/* test_vmstat.c — vmstat.c on the /proc/vmstat of two kernels
 * (tests/fixtures/vmstat/linux-6.1.txt and linux-6.12.txt, found next to
 * this build: the executable's ../../../tests/fixtures, else the current
 * directory's tests/fixtures): which counters each has, their values,
 * deltas, the absent list, malformed values, and reading PROCROOT/vmstat
 * through CXLSCOPE_PROCFS_ROOT.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "child.h"
#include "faketree.h"
#include "testutil.h"
#include "vmstat.h"

/* ---- the fixtures ------------------------------------------------------- */

static void fixture_path(const char *name, char *buf, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        /* BUILD/tests/test_vmstat, BUILD = build/release or build/asan */
        for (int up = 0; up < 4; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
        }
        int w = snprintf(buf, len, "%s/tests/fixtures/vmstat/%s", exe, name);
        if (w > 0 && (size_t)w < len && access(buf, R_OK) == 0)
            return;
    }
    snprintf(buf, len, "tests/fixtures/vmstat/%s", name);
}

/* The fixture's text (malloc'd). */
static char *load(const char *name)
{
    char path[PATH_MAX];
    fixture_path(name, path, sizeof path);
    FILE *fp = fopen(path, "r");
    if (!fp)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    char *text = calloc(1, 1 << 16);
    assert_non_null(text);
    size_t n = fread(text, 1, (1 << 16) - 1, fp);
    assert_true(n > 1000 && n < (1 << 16) - 1);
    fclose(fp);
    return text;
}

static void parse_fixture(const char *name, struct cxs_vmstat *s)
{
    char err[256] = "";
    char *text = load(name);
    if (cxs_vmstat_parse(text, s, err, sizeof err) != 0)
        fail_msg("%s: %s", name, err);
    free(text);
}

static uint64_t val(const struct cxs_vmstat *s, const char *name)
{
    int i = cxs_vmstat_index(name);
    assert_true(i >= 0);
    return s->v[i];
}

static int has(const struct cxs_vmstat *s, const char *name)
{
    int i = cxs_vmstat_index(name);
    assert_true(i >= 0);
    return s->have[i];
}

/* ---- the list ----------------------------------------------------------- */

static void test_names_and_index(void **state)
{
    (void)state;
    static const char *const order[CXS_VMSTAT_N] = {
        "numa_pte_updates",       "numa_huge_pte_updates", "numa_hint_faults",
        "numa_hint_faults_local", "numa_pages_migrated",   "pgpromote_success",
        "pgpromote_candidate",    "pgdemote_kswapd",       "pgdemote_direct",
        "pgdemote_khugepaged",    "pgmigrate_success",     "pgmigrate_fail",
        "thp_migration_success",  "thp_migration_fail",    "thp_migration_split"};
    assert_int_equal(CXS_VMSTAT_N, 15);
    for (int i = 0; i < CXS_VMSTAT_N; i++) {
        assert_string_equal(cxs_vmstat_names[i], order[i]);
        assert_int_equal(cxs_vmstat_index(order[i]), i);
    }
    assert_int_equal(cxs_vmstat_index("numa_hit"), -1);
    assert_int_equal(cxs_vmstat_index("numa_hint_fault"), -1);
    assert_int_equal(cxs_vmstat_index("numa_hint_faults_localx"), -1);
    assert_int_equal(cxs_vmstat_index("NUMA_HINT_FAULTS"), -1);
    assert_int_equal(cxs_vmstat_index(""), -1);
    assert_int_equal(cxs_vmstat_index(NULL), -1);
}

/* ---- the two kernels ---------------------------------------------------- */

static void test_linux_6_1(void **state)
{
    (void)state;
    struct cxs_vmstat s;
    parse_fixture("linux-6.1.txt", &s);
    for (int i = 0; i < CXS_VMSTAT_N; i++) {
        int want = strcmp(cxs_vmstat_names[i], "pgdemote_khugepaged") != 0;
        if (s.have[i] != want)
            fail_msg("%s: have %d", cxs_vmstat_names[i], s.have[i]);
        /* 11NN, NN the counter's place in the list (from 01) */
        assert_int_equal(s.v[i], want ? 1101u + (unsigned)i : 0);
    }
    assert_int_equal(val(&s, "numa_hint_faults"), 1103);
    assert_int_equal(val(&s, "numa_hint_faults_local"), 1104);
    assert_int_equal(val(&s, "pgdemote_direct"), 1109);
    assert_int_equal(val(&s, "thp_migration_split"), 1115);
}

static void test_linux_6_12(void **state)
{
    (void)state;
    struct cxs_vmstat s;
    parse_fixture("linux-6.12.txt", &s);
    for (int i = 0; i < CXS_VMSTAT_N; i++) {
        assert_int_equal(s.have[i], 1);
        if (strcmp(cxs_vmstat_names[i], "pgmigrate_success") != 0)
            assert_int_equal(s.v[i], 1201u + (unsigned)i);
    }
    assert_int_equal(val(&s, "pgmigrate_success"), UINT64_C(4294967301)); /* 2^32 + 5 */
    assert_int_equal(val(&s, "pgdemote_khugepaged"), 1210);
    assert_int_equal(val(&s, "pgpromote_candidate"), 1207);
}

static void test_absent(void **state)
{
    (void)state;
    struct cxs_vmstat s61, s612, none;
    char buf[512], err[128];
    parse_fixture("linux-6.1.txt", &s61);
    parse_fixture("linux-6.12.txt", &s612);
    cxs_vmstat_absent(&s61, buf, sizeof buf);
    assert_string_equal(buf, "pgdemote_khugepaged");
    strcpy(buf, "junk");
    cxs_vmstat_absent(&s612, buf, sizeof buf);
    assert_string_equal(buf, "");
    /* a kernel without NUMA balancing or tiering prints none of them */
    assert_int_equal(cxs_vmstat_parse("nr_free_pages 5\npgfault 7\n", &none, err, sizeof err), 0);
    cxs_vmstat_absent(&none, buf, sizeof buf);
    assert_string_equal(buf, "numa_pte_updates,numa_huge_pte_updates,numa_hint_faults,"
                             "numa_hint_faults_local,numa_pages_migrated,pgpromote_success,"
                             "pgpromote_candidate,pgdemote_kswapd,pgdemote_direct,"
                             "pgdemote_khugepaged,pgmigrate_success,pgmigrate_fail,"
                             "thp_migration_success,thp_migration_fail,thp_migration_split");
    /* a short buffer holds whole names only */
    cxs_vmstat_absent(&none, buf, 30);
    assert_string_equal(buf, "numa_pte_updates");
    cxs_vmstat_absent(&none, buf, 10);
    assert_string_equal(buf, "");
    cxs_vmstat_absent(&none, buf, 0); /* writes nothing */
}

/* ---- deltas ------------------------------------------------------------- */

static void test_delta(void **state)
{
    (void)state;
    struct cxs_vmstat before, now, d;
    char err[128];
    parse_fixture("linux-6.1.txt", &before);
    parse_fixture("linux-6.12.txt", &now);
    cxs_vmstat_delta(&before, &now, &d);
    int kh = cxs_vmstat_index("pgdemote_khugepaged");
    for (int i = 0; i < CXS_VMSTAT_N; i++) {
        assert_int_equal(d.have[i], i != kh);
        if (i == kh)
            assert_int_equal(d.v[i], 0); /* absent before: no delta */
    }
    assert_int_equal(val(&d, "numa_pte_updates"), 100);
    assert_int_equal(val(&d, "pgmigrate_success"), UINT64_C(4294967301) - 1111);
    /* the other way round: every present counter went backwards */
    cxs_vmstat_delta(&now, &before, &d);
    for (int i = 0; i < CXS_VMSTAT_N; i++) {
        assert_int_equal(d.v[i], 0);
        assert_int_equal(d.have[i], i != kh);
    }
    /* same snapshot: zero with have */
    cxs_vmstat_delta(&now, &now, &d);
    for (int i = 0; i < CXS_VMSTAT_N; i++) {
        assert_int_equal(d.v[i], 0);
        assert_int_equal(d.have[i], 1);
    }
    /* absent in the later snapshot, then in the earlier one */
    assert_int_equal(cxs_vmstat_parse("pgmigrate_fail 1\n", &before, err, sizeof err), 0);
    assert_int_equal(
        cxs_vmstat_parse("pgmigrate_fail 9\npgmigrate_success 50\n", &now, err, sizeof err), 0);
    cxs_vmstat_delta(&now, &before, &d);
    assert_int_equal(val(&d, "pgmigrate_fail"), 0); /* backwards */
    assert_true(has(&d, "pgmigrate_fail"));
    assert_int_equal(val(&d, "pgmigrate_success"), 0);
    assert_false(has(&d, "pgmigrate_success"));
    cxs_vmstat_delta(&before, &now, &d);
    assert_int_equal(val(&d, "pgmigrate_fail"), 8);
    assert_false(has(&d, "pgmigrate_success"));
}

/* ---- the parser --------------------------------------------------------- */

static void expect_bad(const char *text, const char *line)
{
    struct cxs_vmstat s;
    char err[256] = "";
    if (cxs_vmstat_parse(text, &s, err, sizeof err) != -1)
        fail_msg("accepted: %s", text);
    if (!strstr(err, line))
        fail_msg("'%s' does not name '%s'", err, line);
    assert_null(strchr(err, '\n'));
}

static void test_malformed(void **state)
{
    (void)state;
    expect_bad("nr_free_pages 5\npgmigrate_success 12x\n", "line 2 'pgmigrate_success 12x'");
    expect_bad("numa_hint_faults -3\n", "line 1 'numa_hint_faults -3'");
    expect_bad("numa_hint_faults +3\n", "'numa_hint_faults +3'");
    expect_bad("numa_hint_faults 0x10\n", "'numa_hint_faults 0x10'");
    expect_bad("numa_hint_faults 1 2\n", "'numa_hint_faults 1 2'");
    expect_bad("numa_hint_faults 1.5\n", "'numa_hint_faults 1.5'");
    expect_bad("numa_hint_faults\n", "line 1 'numa_hint_faults'");
    expect_bad("numa_hint_faults \n", "line 1 'numa_hint_faults '");
    expect_bad("pgfault 1\n\nthp_migration_fail 18446744073709551616\n",
               "line 3 'thp_migration_fail 18446744073709551616'");
    expect_bad("pgdemote_direct 123456789012345678901234567890123456789\n", "pgdemote_direct");
    /* a long line is shown cut */
    char text[400];
    snprintf(text, sizeof text, "pgmigrate_fail 1%0300d\n", 0);
    expect_bad(text, "line 1 'pgmigrate_fail 1000");
    struct cxs_vmstat s;
    char err[256];
    assert_int_equal(cxs_vmstat_parse(text, &s, err, sizeof err), -1);
    assert_true(strlen(err) < 200);
    assert_non_null(strstr(err, "..."));
    /* a NULL err is allowed */
    assert_int_equal(cxs_vmstat_parse("pgmigrate_fail x\n", &s, NULL, 0), -1);
    /* leading zeros, however many, are still the number */
    snprintf(text, sizeof text, "pgmigrate_fail %0300d\n", 7);
    assert_int_equal(cxs_vmstat_parse(text, &s, err, sizeof err), 0);
    assert_int_equal(val(&s, "pgmigrate_fail"), 7);
    assert_int_equal(cxs_vmstat_parse("pgmigrate_fail 0\n", &s, err, sizeof err), 0);
    assert_true(has(&s, "pgmigrate_fail"));
    assert_int_equal(val(&s, "pgmigrate_fail"), 0);
}

static void test_lenient_where_harmless(void **state)
{
    (void)state;
    struct cxs_vmstat s;
    char err[256] = "";
    const char *text = "nr_free_pages lots\n"         /* unknown: ignored, whatever it holds */
                       "garbage\n"                    /* no value at all */
                       "\n"                           /* empty line */
                       "numa_hint_faults_localx 99\n" /* a longer name */
                       "numa_hint_fault 98\n"         /* a shorter one */
                       "numa_hint_faults\t7\r\n"      /* tab, CRLF */
                       "pgmigrate_fail   18446744073709551615  \n"
                       "pgpromote_success 1\n"
                       "pgpromote_success 2\n" /* printed twice: the last */
                       "thp_migration_split 0007";
    assert_int_equal(cxs_vmstat_parse(text, &s, err, sizeof err), 0);
    assert_int_equal(val(&s, "numa_hint_faults"), 7);
    assert_false(has(&s, "numa_hint_faults_local"));
    assert_int_equal(val(&s, "pgmigrate_fail"), UINT64_MAX);
    assert_int_equal(val(&s, "pgpromote_success"), 2);
    assert_int_equal(val(&s, "thp_migration_split"), 7); /* no newline at the end */
    int n = 0;
    for (int i = 0; i < CXS_VMSTAT_N; i++)
        n += s.have[i];
    assert_int_equal(n, 4);
    /* an empty text: nothing, and no stale values from before */
    assert_int_equal(cxs_vmstat_parse("", &s, err, sizeof err), 0);
    for (int i = 0; i < CXS_VMSTAT_N; i++) {
        assert_int_equal(s.have[i], 0);
        assert_int_equal(s.v[i], 0);
    }
}

/* ---- reading PROCROOT/vmstat -------------------------------------------- */

static int setup(void **state)
{
    setup_bare(state);
    struct fixture *f = *state;
    assert_int_equal(setenv("CXLSCOPE_PROCFS_ROOT", f->root, 1), 0);
    return 0;
}

static int teardown(void **state)
{
    unsetenv("CXLSCOPE_PROCFS_ROOT");
    return teardown_tree(state);
}

static void test_read(void **state)
{
    struct fixture *f = *state;
    struct cxs_vmstat got, want;
    char err[256] = "";
    char *text = load("linux-6.12.txt");
    put(f, "vmstat", "%s", text);
    assert_int_equal(cxs_vmstat_read(&got, err, sizeof err), 0);
    assert_int_equal(cxs_vmstat_parse(text, &want, err, sizeof err), 0);
    assert_memory_equal(&got, &want, sizeof got);
    free(text);
    /* larger than any read buffer a first guess would take */
    text = load("linux-6.1.txt");
    char *big = malloc(200000);
    assert_non_null(big);
    size_t used = 0;
    for (int i = 0; i < 5000; i++)
        used += (size_t)snprintf(big + used, 200000 - used, "nr_padding_%d %d\n", i, i);
    snprintf(big + used, 200000 - used, "%s", text);
    put(f, "vmstat", "%s", big);
    assert_int_equal(cxs_vmstat_read(&got, err, sizeof err), 0);
    assert_int_equal(val(&got, "thp_migration_fail"), 1114);
    assert_false(has(&got, "pgdemote_khugepaged"));
    free(big);
    free(text);
}

/* In a child: as an unprivileged user (when root), read and print err. */
static void read_as_user(void *arg)
{
    (void)arg;
    struct cxs_vmstat s;
    char err[512] = "";
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
        printf("setuid: %s\n", strerror(errno));
        exit(77);
    }
    if (cxs_vmstat_read(&s, err, sizeof err) != -1)
        exit(3);
    printf("%s\n", err);
}

static void test_read_fails(void **state)
{
    struct fixture *f = *state;
    struct cxs_vmstat s;
    char err[512] = "", path[PATH_MAX];
    full_path(f, "vmstat", path, sizeof path);
    assert_int_equal(cxs_vmstat_read(&s, err, sizeof err), -1); /* no file */
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, strerror(ENOENT)));
    dir(f, "vmstat"); /* a directory */
    assert_int_equal(cxs_vmstat_read(&s, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    assert_int_equal(rmdir(path), 0);
    /* readable but malformed: the path and the line */
    put(f, "vmstat", "pgfault 1\npgmigrate_success many\n");
    assert_int_equal(cxs_vmstat_read(&s, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "line 2 'pgmigrate_success many'"));
    /* unreadable for its permissions: as root, checked as nobody */
    put(f, "vmstat", "pgfault 1\n");
    assert_int_equal(chmod(path, 0), 0);
    assert_int_equal(chmod(f->root, 0755), 0);
    char out[512];
    int st = run_in_child(read_as_user, NULL, out, sizeof out);
    if (st == 77)
        SKIP_BECAUSE("cannot become an unprivileged user here: %s", out);
    if (st != 0)
        fail_msg("child exit %d: %s", st, out);
    assert_non_null(strstr(out, path));
    assert_non_null(strstr(out, strerror(EACCES)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_index),
        cmocka_unit_test(test_linux_6_1),
        cmocka_unit_test(test_linux_6_12),
        cmocka_unit_test(test_absent),
        cmocka_unit_test(test_delta),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_lenient_where_harmless),
        cmocka_unit_test_setup_teardown(test_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_fails, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
