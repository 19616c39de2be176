/* test_knobs.c — knobs.c on fake trees: the table, which candidate path is
 * used, get, set (saved once before the first write, read back), absent
 * knobs (77), restore (every old value, reverse order, failures counted and
 * noted), the exit hook (in process, and at exit(), cxs_die() and a second
 * signal in children), "needs root" (checked as an unprivileged user), a
 * value the kernel refuses (77; a real /proc file that says EINVAL), and
 * values read back otherwise than written (a FIFO served by a child that
 * plays the kernel: demotion_enabled reading "true" for a written "1", a
 * clamped value).
 *
 * Each test has two mkdtemp trees: SYS (CXLSCOPE_SYSFS_ROOT: kernel/mm/...,
 * kernel/debug/...) and PROC (CXLSCOPE_PROCFS_ROOT: sys/kernel/...).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "child.h"
#include "cli.h"
#include "faketree.h"
#include "interrupt.h"
#include "knobs.h"
#include "testutil.h"

#define NB "sys/kernel/numa_balancing"
#define DEMOTION "kernel/mm/numa/demotion_enabled"
#define DEBUG_NB "kernel/debug/sched/numa_balancing/"
#define PROC_DELAY "sys/kernel/numa_balancing_scan_delay_ms"
#define PROC_PERIOD "sys/kernel/numa_balancing_scan_period_min_ms"
#define RATE "sys/kernel/numa_balancing_promote_rate_limit_MBps"

enum { K_NB, K_DEMOTION, K_DELAY, K_PERIOD, K_HOT, K_RATE };

static struct fixture proc; /* the PROC tree (only its root is used) */

static int setup(void **state)
{
    const char *tmp = getenv("TMPDIR");
    setup_bare(state);
    snprintf(proc.root, sizeof proc.root, "%s/cxs-proc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(proc.root));
    assert_int_equal(setenv("CXLSCOPE_PROCFS_ROOT", proc.root, 1), 0);
    return 0;
}

static int teardown(void **state)
{
    cxs_knobs_restore();
    unsetenv("CXLSCOPE_PROCFS_ROOT");
    nftw(proc.root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return teardown_tree(state);
}

/* A file's content without its trailing newline, in a static buffer. */
static const char *content(const struct fixture *f, const char *rel)
{
    static char buf[256];
    char path[PATH_MAX];
    full_path(f, rel, path, sizeof path);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return "(absent)";
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    while (n && buf[n - 1] == '\n')
        n--;
    buf[n] = '\0';
    return buf;
}

/* A typical tree: every knob at its first path, debugfs and the old proc
 * places both present for the scan knobs. */
static void full_tree(const struct fixture *sys)
{
    put(&proc, NB, "0\n");
    put(sys, DEMOTION, "false\n");
    put(sys, DEBUG_NB "scan_delay_ms", "1000\n");
    put(sys, DEBUG_NB "scan_period_min_ms", "1000\n");
    put(sys, DEBUG_NB "hot_threshold_ms", "1000\n");
    put(&proc, PROC_DELAY, "900\n");
    put(&proc, PROC_PERIOD, "950\n");
    put(&proc, RATE, "65536\n");
}

static int set(int k, const char *value, char *err, size_t len)
{
    err[0] = '\0';
    return cxs_knob_set(k, value, err, len);
}

/* ---- the table and the paths -------------------------------------------- */

static void test_table(void **state)
{
    (void)state;
    static const char *const names[] = {"numa_balancing",   "demotion_enabled",
                                        "scan_delay_ms",    "scan_period_min_ms",
                                        "hot_threshold_ms", "promote_rate_limit_MBps"};
    assert_int_equal(CXS_NKNOBS, 6);
    for (int i = 0; i < CXS_NKNOBS; i++) {
        assert_string_equal(cxs_knob_name(i), names[i]);
        assert_int_equal(cxs_knob_find(names[i]), i);
    }
    assert_null(cxs_knob_name(-1));
    assert_null(cxs_knob_name(CXS_NKNOBS));
    assert_int_equal(cxs_knob_find("numa_balancing_mode"), -1);
    assert_int_equal(cxs_knob_find("NUMA_BALANCING"), -1);
    assert_int_equal(cxs_knob_find(""), -1);
    assert_int_equal(cxs_knob_find(NULL), -1);
}

static void expect_path(int k, int rc, const struct fixture *f, const char *rel)
{
    char buf[PATH_MAX], want[PATH_MAX];
    full_path(f, rel, want, sizeof want);
    assert_int_equal(cxs_knob_path(k, buf, sizeof buf), rc);
    assert_string_equal(buf, want);
}

static void test_paths(void **state)
{
    struct fixture *sys = *state;
    char buf[PATH_MAX], path[PATH_MAX];
    full_tree(sys);
    expect_path(K_NB, 0, &proc, NB);
    expect_path(K_DEMOTION, 0, sys, DEMOTION);
    expect_path(K_DELAY, 0, sys, DEBUG_NB "scan_delay_ms"); /* debugfs first */
    expect_path(K_PERIOD, 0, sys, DEBUG_NB "scan_period_min_ms");
    expect_path(K_HOT, 0, sys, DEBUG_NB "hot_threshold_ms");
    expect_path(K_RATE, 0, &proc, RATE);
    /* without debugfs: the proc places (Linux < 5.13) */
    full_path(sys, "kernel/debug", path, sizeof path);
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    expect_path(K_DELAY, 0, &proc, PROC_DELAY);
    expect_path(K_PERIOD, 0, &proc, PROC_PERIOD);
    expect_path(K_HOT, -1, sys, DEBUG_NB "hot_threshold_ms"); /* names the first */
    /* neither: -1 naming the first */
    full_path(&proc, PROC_DELAY, path, sizeof path);
    assert_int_equal(unlink(path), 0);
    expect_path(K_DELAY, -1, sys, DEBUG_NB "scan_delay_ms");
    expect_path(K_PERIOD, 0, &proc, PROC_PERIOD);
    strcpy(buf, "x");
    assert_int_equal(cxs_knob_path(-1, buf, sizeof buf), -1);
    assert_string_equal(buf, "");
    assert_int_equal(cxs_knob_path(CXS_NKNOBS, buf, sizeof buf), -1);
    /* a buffer too small for the path: -1, not a cut path */
    assert_int_equal(cxs_knob_path(K_NB, buf, 8), -1);
    assert_string_equal(buf, "");
}

static void test_get(void **state)
{
    struct fixture *sys = *state;
    char buf[64], small[4];
    full_tree(sys);
    put(&proc, NB, "2\r\n\n");
    assert_int_equal(cxs_knob_get(K_NB, buf, sizeof buf), 0);
    assert_string_equal(buf, "2");
    assert_int_equal(cxs_knob_get(K_DEMOTION, buf, sizeof buf), 0);
    assert_string_equal(buf, "false");
    assert_int_equal(cxs_knob_get(K_DELAY, buf, sizeof buf), 0);
    assert_string_equal(buf, "1000");              /* debugfs's, not proc's 900 */
    put(sys, DEBUG_NB "hot_threshold_ms", "1000"); /* no newline */
    assert_int_equal(cxs_knob_get(K_HOT, buf, sizeof buf), 0);
    assert_string_equal(buf, "1000");
    assert_int_equal(cxs_knob_get(K_RATE, buf, sizeof buf), 0);
    assert_string_equal(buf, "65536");
    assert_int_equal(cxs_knob_get(K_RATE, small, sizeof small), -1); /* does not fit */
    assert_int_equal(cxs_knob_get(K_NB, small, 0), -1);
    assert_int_equal(cxs_knob_get(-1, buf, sizeof buf), -1);
    char path[PATH_MAX];
    full_path(&proc, RATE, path, sizeof path);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(cxs_knob_get(K_RATE, buf, sizeof buf), -1); /* absent */
    full_path(sys, DEMOTION, path, sizeof path);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(cxs_knob_get(K_DEMOTION, buf, sizeof buf), -1); /* unreadable */
    assert_int_equal(cxs_knobs_saved(), 0);                          /* reading saves nothing */
}

/* ---- set and restore ---------------------------------------------------- */

static void test_set_and_restore(void **state)
{
    struct fixture *sys = *state;
    char err[512];
    full_tree(sys);
    assert_int_equal(set(K_NB, "2", err, sizeof err), 0);
    assert_string_equal(err, "");
    assert_string_equal(content(&proc, NB), "2");
    assert_int_equal(cxs_knobs_saved(), 1);
    assert_int_equal(set(K_DELAY, "100", err, sizeof err), 0);
    assert_string_equal(content(sys, DEBUG_NB "scan_delay_ms"), "100");
    assert_string_equal(content(&proc, PROC_DELAY), "900"); /* the other place untouched */
    assert_int_equal(set(K_DEMOTION, "1", err, sizeof err), 0);
    assert_string_equal(content(sys, DEMOTION), "1");
    assert_int_equal(set(K_RATE, "256", err, sizeof err), 0);
    assert_int_equal(cxs_knobs_saved(), 4);
    assert_int_equal(cxs_knobs_restore(), 0);
    assert_int_equal(cxs_knobs_saved(), 0);
    assert_string_equal(content(&proc, NB), "0");
    assert_string_equal(content(sys, DEBUG_NB "scan_delay_ms"), "1000");
    assert_string_equal(content(sys, DEMOTION), "0"); /* false, written as every kernel takes it */
    assert_string_equal(content(&proc, RATE), "65536");
    /* a second restore writes nothing */
    put(&proc, NB, "3\n");
    assert_int_equal(cxs_knobs_restore(), 0);
    assert_string_equal(content(&proc, NB), "3");
}

/* The first set saves; later ones do not (restore gives the original). */
static void test_saved_once(void **state)
{
    struct fixture *sys = *state;
    char err[512];
    full_tree(sys);
    put(sys, DEMOTION, "true\n");
    assert_int_equal(set(K_NB, "1", err, sizeof err), 0);
    assert_int_equal(set(K_NB, "3", err, sizeof err), 0);
    assert_int_equal(set(K_NB, "2", err, sizeof err), 0);
    assert_int_equal(set(K_DEMOTION, "false", err, sizeof err), 0);
    assert_int_equal(set(K_DEMOTION, "0", err, sizeof err), 0);
    assert_int_equal(cxs_knobs_saved(), 2);
    assert_string_equal(content(&proc, NB), "2");
    assert_int_equal(cxs_knobs_restore(), 0);
    assert_string_equal(content(&proc, NB), "0");
    assert_string_equal(content(sys, DEMOTION), "1");
    /* after a restore, a set saves afresh */
    assert_int_equal(set(K_NB, "1", err, sizeof err), 0);
    assert_int_equal(set(K_NB, "2", err, sizeof err), 0);
    assert_int_equal(cxs_knobs_saved(), 1);
    assert_int_equal(cxs_knobs_restore(), 0);
    assert_string_equal(content(&proc, NB), "0");
}

/* Two knobs on one file (a link): the reverse order of the first sets ends
 * with the first knob's original value; the forward order would leave the
 * second's saved value, which is the first's changed one. */
static void test_restore_reverse_order(void **state)
{
    struct fixture *sys = *state;
    char err[512], target[PATH_MAX], rate[PATH_MAX];
    full_tree(sys);
    full_path(&proc, NB, target, sizeof target);
    full_path(&proc, RATE, rate, sizeof rate);
    assert_int_equal(unlink(rate), 0);
    assert_int_equal(symlink(target, rate), 0);
    assert_int_equal(set(K_NB, "2", err, sizeof err), 0);
    assert_int_equal(set(K_RATE, "5", err, sizeof err), 0); /* saves "2" */
    assert_string_equal(content(&proc, NB), "5");
    assert_int_equal(cxs_knobs_restore(), 0);
    assert_string_equal(content(&proc, NB), "0");
    /* the exit hook too */
    assert_int_equal(set(K_NB, "2", err, sizeof err), 0);
    assert_int_equal(set(K_RATE, "5", err, sizeof err), 0);
    cxs_exit_hooks_run();
    assert_string_equal(content(&proc, NB), "0");
    assert_int_equal(cxs_knobs_saved(), 0);
}

/* All six set, all six back. */
static void test_restore_all(void **state)
{
    struct fixture *sys = *state;
    char err[512];
    static const char *const values[] = {"3", "true", "7", "8", "9", "10"};
    full_tree(sys);
    for (int k = 0; k < CXS_NKNOBS; k++)
        if (set(k, values[k], err, sizeof err) != 0)
            fail_msg("%s: %s", cxs_knob_name(k), err);
    assert_int_equal(cxs_knobs_saved(), CXS_NKNOBS);
    assert_string_equal(content(sys, DEBUG_NB "hot_threshold_ms"), "9");
    assert_int_equal(cxs_knobs_restore(), 0);
    assert_string_equal(content(&proc, NB), "0");
    assert_string_equal(content(sys, DEMOTION), "0");
    assert_string_equal(content(sys, DEBUG_NB "scan_delay_ms"), "1000");
    assert_string_equal(content(sys, DEBUG_NB "scan_period_min_ms"), "1000");
    assert_string_equal(content(sys, DEBUG_NB "hot_threshold_ms"), "1000");
    assert_string_equal(content(&proc, RATE), "65536");
}

static void test_absent_skips(void **state)
{
    struct fixture *sys = *state;
    char err[1024], path[PATH_MAX], path2[PATH_MAX];
    assert_int_equal(set(K_HOT, "500", err, sizeof err), CXS_EXIT_SKIP);
    full_path(sys, DEBUG_NB "hot_threshold_ms", path, sizeof path);
    assert_non_null(strstr(err, "hot_threshold_ms"));
    assert_non_null(strstr(err, path));
    assert_null(strchr(err, '\n'));
    assert_int_equal(set(K_DELAY, "500", err, sizeof err), CXS_EXIT_SKIP);
    full_path(sys, DEBUG_NB "scan_delay_ms", path, sizeof path);
    full_path(&proc, PROC_DELAY, path2, sizeof path2);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, path2));
    assert_int_equal(set(K_NB, "2", err, sizeof err), CXS_EXIT_SKIP);
    assert_non_null(strstr(err, "numa_balancing"));
    assert_int_equal(cxs_knobs_saved(), 0);
    /* nothing was written anywhere */
    assert_string_equal(content(sys, DEBUG_NB "hot_threshold_ms"), "(absent)");
    assert_string_equal(content(&proc, NB), "(absent)");
    /* bad arguments */
    assert_int_equal(set(-1, "1", err, sizeof err), CXS_EXIT_FAIL);
    assert_int_equal(set(CXS_NKNOBS, "1", err, sizeof err), CXS_EXIT_FAIL);
    assert_int_equal(cxs_knob_set(K_NB, NULL, NULL, 0), CXS_EXIT_FAIL);
}

/* A knob file that cannot be read (a directory): 1, nothing saved. */
static void test_unreadable_fails(void **state)
{
    struct fixture *sys = *state;
    char err[1024], path[PATH_MAX];
    full_tree(sys);
    full_path(sys, DEMOTION, path, sizeof path);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(set(K_DEMOTION, "1", err, sizeof err), CXS_EXIT_FAIL);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, strerror(EISDIR)));
    assert_int_equal(cxs_knobs_saved(), 0);
}

/* Restoring into a path that is gone: counted, noted, the others back. */
static void restore_with_one_gone(void *arg)
{
    struct fixture *sys = arg;
    char err[512], dir_path[PATH_MAX];
    if (set(K_NB, "2", err, sizeof err) || set(K_DEMOTION, "1", err, sizeof err) ||
        set(K_HOT, "5", err, sizeof err)) {
        printf("set: %s\n", err);
        exit(3);
    }
    full_path(sys, "kernel/mm/numa", dir_path, sizeof dir_path);
    nftw(dir_path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    fflush(stdout);
    int failed = cxs_knobs_restore();
    fflush(stderr);
    printf("restore=%d saved=%d\n", failed, cxs_knobs_saved());
}

static void test_restore_failure_count(void **state)
{
    struct fixture *sys = *state;
    char out[2048], path[PATH_MAX];
    full_tree(sys);
    cxs_prog = "test_knobs";
    int st = run_in_child(restore_with_one_gone, sys, out, sizeof out);
    if (st != 0)
        fail_msg("child exit %d: %s", st, out);
    full_path(sys, DEMOTION, path, sizeof path);
    assert_non_null(strstr(out, "restore=1 saved=0"));
    assert_non_null(strstr(out, "test_knobs: note: could not write demotion_enabled's old value "
                                "'0' back to"));
    assert_non_null(strstr(out, path));
    assert_string_equal(content(&proc, NB), "0");
    assert_string_equal(content(sys, DEBUG_NB "hot_threshold_ms"), "1000");
}

/* ---- the exit hook ------------------------------------------------------ */

static void test_exit_hook(void **state)
{
    struct fixture *sys = *state;
    char err[512];
    full_tree(sys);
    assert_int_equal(set(K_NB, "2", err, sizeof err), 0);
    assert_int_equal(set(K_PERIOD, "10", err, sizeof err), 0);
    cxs_exit_hooks_run();
    assert_string_equal(content(&proc, NB), "0");
    assert_string_equal(content(sys, DEBUG_NB "scan_period_min_ms"), "1000");
    assert_int_equal(cxs_knobs_saved(), 0);
    /* a later set saves afresh and arms the hook again */
    put(&proc, NB, "1\n");
    assert_int_equal(set(K_NB, "3", err, sizeof err), 0);
    assert_int_equal(cxs_knobs_saved(), 1);
    cxs_exit_hooks_run();
    assert_string_equal(content(&proc, NB), "1");
    /* a restore after the hook writes nothing */
    put(&proc, NB, "4\n");
    assert_int_equal(cxs_knobs_restore(), 0);
    assert_string_equal(content(&proc, NB), "4");
    /* after a restore the hook is gone: running the hooks writes nothing */
    assert_int_equal(set(K_NB, "2", err, sizeof err), 0);
    assert_int_equal(cxs_knobs_restore(), 0);
    assert_string_equal(content(&proc, NB), "4");
    put(&proc, NB, "3\n");
    cxs_exit_hooks_run();
    assert_string_equal(content(&proc, NB), "3");
    /* and it is not left behind: more rounds than interrupt.h has hooks */
    for (int round = 0; round < 40; round++) {
        if (set(K_NB, round % 2 ? "1" : "2", err, sizeof err) != 0)
            fail_msg("round %d: %s", round, err);
        assert_int_equal(cxs_knobs_restore(), 0);
    }
    assert_string_equal(content(&proc, NB), "3");
}

enum exit_how { BY_EXIT, BY_RETURN_HOOKS, BY_DIE, BY_SIGNALS };

static void set_then_exit(void *arg)
{
    enum exit_how how = *(enum exit_how *)arg;
    char err[512];
    if (how != BY_DIE)
        cxs_interrupt_install();
    if (set(K_NB, "2", err, sizeof err) || set(K_DEMOTION, "1", err, sizeof err) ||
        set(K_DELAY, "10", err, sizeof err)) {
        printf("set: %s\n", err);
        _exit(3);
    }
    if (how == BY_EXIT)
        exit(0);
    if (how == BY_DIE)
        cxs_die("stopping with the knobs set");
    if (how == BY_SIGNALS) {
        raise(SIGINT); /* the first sets the flag */
        raise(SIGINT); /* the second runs the hooks and exits 128 + 2 */
        _exit(5);
    }
    /* BY_RETURN_HOOKS: run_in_child's _exit skips atexit; run them */
    cxs_exit_hooks_run();
}

static void test_child_exits_restore(void **state)
{
    struct fixture *sys = *state;
    static const struct {
        enum exit_how how;
        int status;
    } cases[] = {{BY_EXIT, 0}, {BY_RETURN_HOOKS, 0}, {BY_DIE, 1}, {BY_SIGNALS, 128 + SIGINT}};
    char out[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        full_tree(sys);
        enum exit_how how = cases[i].how;
        int st = run_in_child(set_then_exit, &how, out, sizeof out);
        if (st != cases[i].status)
            fail_msg("case %zu: exit %d, output: %s", i, st, out);
        assert_string_equal(content(&proc, NB), "0");
        assert_string_equal(content(sys, DEMOTION), "0");
        assert_string_equal(content(sys, DEBUG_NB "scan_delay_ms"), "1000");
    }
    assert_non_null(strstr(out, "second signal"));
}

/* ---- needs root --------------------------------------------------------- */

/* In a child, as nobody when root: set knob *arg to "2", print rc, err,
 * the path and the count saved. */
static void set_as_user(void *arg)
{
    int k = *(int *)arg;
    char err[1024] = "", path[PATH_MAX] = "", got[64];
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
        printf("setuid: %s\n", strerror(errno));
        exit(77);
    }
    int prc = cxs_knob_path(k, path, sizeof path);
    int rc = cxs_knob_set(k, "2", err, sizeof err);
    int grc = cxs_knob_get(k, got, sizeof got);
    printf("path=%d %s\nrc=%d saved=%d get=%d\nerr=%s\n", prc, path, rc, cxs_knobs_saved(), grc,
           err);
}

static void run_as_user(int k, char *out, size_t len)
{
    int st = run_in_child(set_as_user, &k, out, len);
    if (st == 77)
        SKIP_BECAUSE("cannot become an unprivileged user here: %s", out);
    if (st != 0)
        fail_msg("child exit %d: %s", st, out);
}

static void test_needs_root(void **state)
{
    struct fixture *sys = *state;
    char out[2048], path[PATH_MAX];
    int root = geteuid() == 0;
    full_tree(sys);
    assert_int_equal(chmod(sys->root, 0755), 0);
    assert_int_equal(chmod(proc.root, 0755), 0);
    /* a file others may read but not write */
    full_path(&proc, NB, path, sizeof path);
    assert_int_equal(chmod(path, 0444), 0);
    run_as_user(K_NB, out, sizeof out);
    assert_non_null(strstr(out, "rc=1 saved=0 get=0"));
    assert_non_null(strstr(out, "cannot set numa_balancing: writing '2' to"));
    assert_non_null(strstr(out, "needs root"));
    assert_non_null(strstr(out, path));
    assert_non_null(strstr(out, strerror(EACCES)));
    assert_string_equal(content(&proc, NB), "0");
    /* debugfs closed to others (mode 0700), no proc place: its path all the
     * same, and "needs root" rather than "no such knob" */
    char debug[PATH_MAX];
    full_path(sys, "kernel/debug", debug, sizeof debug);
    assert_int_equal(chmod(debug, root ? 0700 : 0), 0); /* (0700 is its own user's) */
    full_path(&proc, PROC_DELAY, path, sizeof path);
    assert_int_equal(unlink(path), 0);
    run_as_user(K_DELAY, out, sizeof out);
    full_path(sys, DEBUG_NB "scan_delay_ms", path, sizeof path);
    assert_non_null(strstr(out, "path=0 "));
    assert_non_null(strstr(out, path));
    assert_non_null(strstr(out, "rc=1 saved=0 get=-1"));
    assert_non_null(strstr(out, "cannot set scan_delay_ms: reading"));
    assert_non_null(strstr(out, "needs root"));
    /* with the proc place there, that one (Linux < 5.13 as a user) */
    full_path(&proc, PROC_PERIOD, path, sizeof path);
    assert_int_equal(chmod(path, 0444), 0);
    run_as_user(K_PERIOD, out, sizeof out);
    assert_non_null(strstr(out, "path=0 "));
    assert_non_null(strstr(out, path));
    assert_non_null(strstr(out, "needs root"));
    assert_string_equal(content(&proc, PROC_PERIOD), "950");
    assert_int_equal(chmod(debug, 0755), 0);
}

/* ---- a value the kernel refuses (EINVAL) -------------------------------- */

/* A regular file takes any value, so the knob is a link to a real kernel
 * file that refuses a bad one with EINVAL and changes nothing: this
 * process's /proc/self/oom_score_adj (an integer; "x" is no integer). */
static void test_refused_skips(void **state)
{
    struct fixture *sys = *state;
    char err[1024], path[PATH_MAX], before[64], after[64];
    const char *real = "/proc/self/oom_score_adj";
    full_tree(sys);
    FILE *fp = fopen(real, "r+");
    if (!fp || !fgets(before, sizeof before, fp))
        SKIP_BECAUSE("no writable %s here (%s)", real, strerror(errno));
    fclose(fp);
    full_path(&proc, NB, path, sizeof path);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(symlink(real, path), 0);
    assert_int_equal(set(K_NB, "x", err, sizeof err), CXS_EXIT_SKIP);
    assert_non_null(strstr(err, "the kernel refuses numa_balancing = x (writing 'x' to"));
    assert_non_null(strstr(err, strerror(EINVAL)));
    assert_non_null(strstr(err, "modes 2 and 3"));
    assert_int_equal(cxs_knobs_saved(), 0); /* nothing changed: nothing to write back */
    fp = fopen(real, "r");
    assert_non_null(fp);
    assert_non_null(fgets(after, sizeof after, fp));
    fclose(fp);
    assert_string_equal(after, before);
    /* a second try saves afresh and is refused the same way */
    assert_int_equal(set(K_NB, "x", err, sizeof err), CXS_EXIT_SKIP);
    assert_int_equal(cxs_knobs_saved(), 0);
}

/* ---- values read back otherwise: a FIFO played by a child --------------- */

/* The child serves the FIFO: ">text" answers one read with text, "<" takes
 * one write and reports it on report (one line each). */
static pid_t fake_kernel(const char *fifo, const char *const *steps, int report)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid)
        return pid;
    alarm(10);
    for (; *steps; steps++) {
        char buf[256];
        int fd = open(fifo, (*steps)[0] == '>' ? O_WRONLY : O_RDONLY);
        if (fd < 0)
            _exit(2);
        if ((*steps)[0] == '>') {
            if (write(fd, *steps + 1, strlen(*steps + 1)) < 0)
                _exit(3);
        } else {
            ssize_t n = read(fd, buf, sizeof buf - 2);
            if (n < 0)
                _exit(4);
            buf[n] = '\n';
            if (write(report, buf, (size_t)n + 1) < 0)
                _exit(5);
        }
        close(fd);
    }
    _exit(0);
}

static void finish_kernel(pid_t pid, int report_rd, const char *want)
{
    char got[512];
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ssize_t n = read(report_rd, got, sizeof got - 1);
    assert_true(n >= 0);
    got[n] = '\0';
    assert_string_equal(got, want);
}

static void test_read_back(void **state)
{
    struct fixture *sys = *state;
    char err[512], path[PATH_MAX];
    int report[2];
    full_tree(sys);
    full_path(sys, DEMOTION, path, sizeof path);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(pipe(report), 0);
    alarm(20); /* a mistake here would hang on the FIFO */
    /* demotion_enabled takes "1" and reads "true": the same */
    static const char *const demote[] = {">false\n", "<", ">true\n", "<", NULL};
    pid_t pid = fake_kernel(path, demote, report[1]);
    assert_int_equal(set(K_DEMOTION, "1", err, sizeof err), 0);
    assert_int_equal(cxs_knobs_restore(), 0);
    finish_kernel(pid, report[0], "1\n0\n"); /* and gets "0" back for "false" */
    /* a value that reads back otherwise (clamped): 1, the old one kept */
    static const char *const clamp[] = {">true\n", "<", ">false\n", "<", NULL};
    pid = fake_kernel(path, clamp, report[1]);
    assert_int_equal(set(K_DEMOTION, "true", err, sizeof err), CXS_EXIT_FAIL);
    assert_non_null(strstr(err, "reads back 'false'"));
    assert_non_null(strstr(err, path));
    assert_int_equal(cxs_knobs_saved(), 1); /* it may have changed: written back */
    assert_int_equal(cxs_knobs_restore(), 0);
    finish_kernel(pid, report[0], "true\n1\n");
    /* a number reads back as the kernel prints it: "0256" is 256 */
    full_path(&proc, RATE, path, sizeof path);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkfifo(path, 0600), 0);
    static const char *const rate[] = {">65536\n", "<", ">256\n", "<", NULL};
    pid = fake_kernel(path, rate, report[1]);
    assert_int_equal(set(K_RATE, "0256", err, sizeof err), 0);
    assert_int_equal(cxs_knobs_restore(), 0);
    finish_kernel(pid, report[0], "0256\n65536\n");
    alarm(0);
    close(report[0]);
    close(report[1]);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        T(test_paths),
        T(test_get),
        T(test_set_and_restore),
        T(test_saved_once),
        T(test_restore_reverse_order),
        T(test_restore_all),
        T(test_absent_skips),
        T(test_unreadable_fails),
        T(test_restore_failure_count),
        T(test_exit_hook),
        T(test_child_exits_restore),
        T(test_needs_root),
        T(test_refused_skips),
        T(test_read_back),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
