/* knobs.c — the kernel's NUMA-balancing and memory-tiering settings, read,
 * set for a run and written back (see knobs.h for the promises).
 *
 * The saved values live in a static table, one slot per knob, in the order
 * of the first sets; nsaved publishes a slot only once it is filled. The
 * exit hook (restore_hook) may run in a signal handler, so it uses only
 * open/write/close on the paths, values and lengths prepared at save time,
 * and walks the table backwards. cxs_knobs_restore() lowers nsaved as it
 * goes, so a signal in the middle writes back only what is still left.
 *
 * A failed write leaves the setting as it was (the kernel rejects a value
 * whole), so the slot a failed first set took is given up again: there is
 * nothing to write back, and writing it back could fail the same way at
 * exit. A write that succeeds but reads back otherwise keeps its slot.
 */
#include "knobs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "interrupt.h"
#include "sysfs.h"

/* ---- the table ---------------------------------------------------------- */

enum root { SYSROOT, PROCROOT };

struct where {
    enum root root;
    const char *rel;
};

static const struct knob {
    const char *name;
    struct where at[2]; /* tried in order; rel NULL: no more */
    int boolish;        /* reads true/false, takes 1/0 too */
    const char *absent; /* why a kernel may lack it */
    const char *refuse; /* why a kernel may refuse a value (EINVAL) */
} knobs[CXS_NKNOBS] = {
    {"numa_balancing",
     {{PROCROOT, "sys/kernel/numa_balancing"}},
     0,
     "a kernel without CONFIG_NUMA_BALANCING",
     "modes 2 and 3 (memory-tiering promotion) need Linux >= 5.18 with CONFIG_NUMA_BALANCING"},
    {"demotion_enabled",
     {{SYSROOT, "kernel/mm/numa/demotion_enabled"}},
     1,
     "a kernel without memory demotion",
     NULL},
    {"scan_delay_ms",
     {{SYSROOT, "kernel/debug/sched/numa_balancing/scan_delay_ms"},
      {PROCROOT, "sys/kernel/numa_balancing_scan_delay_ms"}},
     0,
     "debugfs not mounted, or a kernel without CONFIG_NUMA_BALANCING",
     NULL},
    {"scan_period_min_ms",
     {{SYSROOT, "kernel/debug/sched/numa_balancing/scan_period_min_ms"},
      {PROCROOT, "sys/kernel/numa_balancing_scan_period_min_ms"}},
     0,
     "debugfs not mounted, or a kernel without CONFIG_NUMA_BALANCING",
     NULL},
    {"hot_threshold_ms",
     {{SYSROOT, "kernel/debug/sched/numa_balancing/hot_threshold_ms"}},
     0,
     "debugfs not mounted, or a kernel without memory-tiering promotion",
     NULL},
    {"promote_rate_limit_MBps",
     {{PROCROOT, "sys/kernel/numa_balancing_promote_rate_limit_MBps"}},
     0,
     "a kernel without memory-tiering promotion",
     NULL},
};

#define NWHERE (sizeof knobs[0].at / sizeof knobs[0].at[0])

static int valid(int i)
{
    return i >= 0 && i < CXS_NKNOBS;
}

int cxs_knob_find(const char *name)
{
    return CXS_NAME_LOOKUP_IN(knobs, CXS_NKNOBS, name, 1, name);
}

const char *cxs_knob_name(int i)
{
    return valid(i) ? knobs[i].name : NULL;
}

/* ---- paths and values --------------------------------------------------- */

static char *where_path(const struct where *w, char *buf, size_t len)
{
    return w->root == SYSROOT ? cxs_sysfs_path(buf, len, "%s", w->rel)
                              : cxs_procfs_path(buf, len, "%s", w->rel);
}

/* The first candidate that exists. When none does but one could not be
 * looked at (EACCES: debugfs is root's alone), that one: it may well exist,
 * and using it says "needs root" rather than "this kernel has none". */
int cxs_knob_path(int i, char *buf, size_t len)
{
    int hidden = -1;
    if (!len)
        return -1;
    buf[0] = '\0';
    if (!valid(i))
        return -1;
    for (size_t k = 0; k < NWHERE && knobs[i].at[k].rel; k++) {
        if (access(where_path(&knobs[i].at[k], buf, len), F_OK) == 0 && buf[0])
            return 0;
        if (buf[0] && (errno == EACCES || errno == EPERM) && hidden < 0)
            hidden = (int)k;
    }
    where_path(&knobs[i].at[hidden < 0 ? 0 : hidden], buf, len);
    return hidden < 0 || !buf[0] ? -1 : 0;
}

/* The file's text without its trailing newline; -1 with errno (EOVERFLOW
 * when it does not fit). */
static int read_value(const char *path, char *buf, size_t len)
{
    size_t got = 0;
    ssize_t r;
    char extra;
    if (!len) {
        errno = EOVERFLOW;
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    for (;;) {
        int full = got + 1 >= len;
        r = full ? read(fd, &extra, 1) : read(fd, buf + got, len - 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (full) {
            r = -1;
            errno = EOVERFLOW;
            break;
        }
        got += (size_t)r;
    }
    int e = errno;
    close(fd);
    if (r < 0) {
        errno = e;
        return -1;
    }
    buf[got] = '\0';
    while (got && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
        buf[--got] = '\0';
    return 0;
}

/* One write of the whole value (settings are taken whole): 0 or errno. */
static int write_value(const char *path, const char *value, size_t n)
{
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
        return errno;
    ssize_t w;
    do
        w = write(fd, value, n);
    while (w < 0 && errno == EINTR);
    int e = w < 0 ? errno : (size_t)w != n ? EIO : 0;
    if (close(fd) != 0 && !e) /* a rejected value may show only here */
        e = errno;
    return e;
}

int cxs_knob_get(int i, char *buf, size_t len)
{
    char path[PATH_MAX];
    if (!len || cxs_knob_path(i, path, sizeof path) != 0)
        return -1;
    return read_value(path, buf, len);
}

/* ---- equal values ------------------------------------------------------- */

static size_t trimmed_len(const char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n;
}

/* A whole unsigned decimal number (the knobs' numbers: "02" is 2). */
static int as_number(const char *s, size_t n, unsigned long long *v)
{
    char buf[32], *end;
    if (n == 0 || n >= sizeof buf || s[0] < '0' || s[0] > '9')
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    *v = strtoull(buf, &end, 10);
    return errno || *end ? -1 : 0;
}

/* 1 for "1"/"true", 0 for "0"/"false", -1 for anything else. */
static int as_bool(const char *s, size_t n)
{
    if ((n == 1 && s[0] == '1') || (n == 4 && !memcmp(s, "true", 4)))
        return 1;
    if ((n == 1 && s[0] == '0') || (n == 5 && !memcmp(s, "false", 5)))
        return 0;
    return -1;
}

static int same_value(const struct knob *k, const char *a, const char *b)
{
    size_t na = trimmed_len(a), nb = trimmed_len(b);
    unsigned long long x, y;
    if (na == nb && !memcmp(a, b, na))
        return 1;
    if (!as_number(a, na, &x) && !as_number(b, nb, &y))
        return x == y;
    return k->boolish && as_bool(a, na) >= 0 && as_bool(a, na) == as_bool(b, nb);
}

/* ---- saved values and writing them back --------------------------------- */

static struct saved {
    int knob;
    size_t len;
    char path[PATH_MAX];
    char value[64];
} saved[CXS_NKNOBS];
static volatile sig_atomic_t nsaved, armed;

/* async-signal-safe: open/write/close on what save() prepared. */
static void restore_hook(void *arg)
{
    (void)arg;
    for (int k = nsaved; k-- > 0;) {
        int fd = open(saved[k].path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd >= 0) {
            ssize_t w = write(fd, saved[k].value, saved[k].len);
            (void)w;
            close(fd);
        }
    }
    nsaved = 0;
    armed = 0; /* the hook has been taken off the list that ran it */
}

int cxs_knobs_restore(void)
{
    int failed = 0;
    for (int k = nsaved; k-- > 0;) {
        const struct saved *s = &saved[k];
        int e = write_value(s->path, s->value, s->len);
        if (e) {
            failed++;
            cxs_note("could not write %s's old value '%s' back to %s (%s)", knobs[s->knob].name,
                     s->value, s->path, strerror(e));
        }
        nsaved = k;
    }
    if (armed)
        cxs_exit_hook_remove(restore_hook, NULL);
    armed = 0;
    return failed;
}

int cxs_knobs_saved(void)
{
    return nsaved;
}

static int saved_index(int i)
{
    for (int k = 0; k < nsaved; k++)
        if (saved[k].knob == i)
            return k;
    return -1;
}

/* ---- setting ------------------------------------------------------------ */

static int absent(int i, char *err, size_t errlen)
{
    const struct knob *k = &knobs[i];
    char a[PATH_MAX], b[PATH_MAX];
    where_path(&k->at[0], a, sizeof a);
    if (!k->at[1].rel)
        return cxs_errc(CXS_EXIT_SKIP, err, errlen, "this kernel has no %s (no %s: %s)", k->name, a,
                        k->absent);
    where_path(&k->at[1], b, sizeof b);
    return cxs_errc(CXS_EXIT_SKIP, err, errlen, "this kernel has no %s (neither %s nor %s: %s)",
                    k->name, a, b, k->absent);
}

/* A failed read (value NULL) or write of value to knob i's file: errno e. */
static int io_failed(int i, const char *value, const char *path, int e, char *err, size_t errlen)
{
    const struct knob *k = &knobs[i];
    char doing[128] = "reading";
    if (value)
        snprintf(doing, sizeof doing, "writing '%.80s' to", value);
    if (value && e == EINVAL)
        return cxs_errc(CXS_EXIT_SKIP, err, errlen, "the kernel refuses %s = %.80s (%s %s: %s)%s%s",
                        k->name, value, doing, path, strerror(e), k->refuse ? ": " : "",
                        k->refuse ? k->refuse : "");
    if (e == ENOENT)
        return cxs_errc(CXS_EXIT_SKIP, err, errlen, "this kernel has no %s (%s %s: %s)", k->name,
                        doing, path, strerror(e));
    return cxs_errc(CXS_EXIT_FAIL, err, errlen, "cannot set %s: %s %s: %s%s", k->name, doing, path,
                    strerror(e), e == EACCES || e == EPERM ? " (needs root)" : "");
}

/* Remember knob i's current value (at path) to be written back, before
 * anything is written; the first save arms the exit hook. */
static int save(int i, const char *path, char *err, size_t errlen)
{
    struct saved *s = &saved[nsaved];
    if (read_value(path, s->value, sizeof s->value) != 0)
        return io_failed(i, NULL, path, errno, err, errlen);
    if (strlen(path) >= sizeof s->path)
        return cxs_errc(CXS_EXIT_FAIL, err, errlen, "cannot set %s: its path is too long (%s)",
                        knobs[i].name, path);
    if (knobs[i].boolish && as_bool(s->value, strlen(s->value)) >= 0) /* 1/0: every kernel */
        snprintf(s->value, sizeof s->value, "%d", as_bool(s->value, strlen(s->value)));
    if (!armed && cxs_exit_hook_add(restore_hook, NULL) != 0)
        return cxs_errc(CXS_EXIT_FAIL, err, errlen,
                        "cannot set %s: no room for the exit hook that would set it back",
                        knobs[i].name);
    armed = 1;
    s->knob = i;
    s->len = strlen(s->value);
    snprintf(s->path, sizeof s->path, "%s", path);
    nsaved = nsaved + 1; /* published once whole */
    return 0;
}

/* Give up the last slot (its knob was not changed after all). */
static void unsave(void)
{
    nsaved = nsaved - 1;
    if (nsaved == 0 && armed) {
        cxs_exit_hook_remove(restore_hook, NULL);
        armed = 0;
    }
}

int cxs_knob_set(int i, const char *value, char *err, size_t errlen)
{
    char path[PATH_MAX], got[64];
    if (!valid(i) || !value)
        return cxs_errc(CXS_EXIT_FAIL, err, errlen, "no knob number %d (or no value) to set", i);
    if (cxs_knob_path(i, path, sizeof path) != 0)
        return absent(i, err, errlen);
    int fresh = saved_index(i) < 0;
    if (fresh) {
        int rc = save(i, path, err, errlen);
        if (rc)
            return rc;
    }
    int e = write_value(path, value, strlen(value));
    if (e) {
        if (fresh)
            unsave();
        return io_failed(i, value, path, e, err, errlen);
    }
    if (read_value(path, got, sizeof got) != 0)
        return cxs_errc(CXS_EXIT_FAIL, err, errlen,
                        "%s: wrote '%s' to %s but cannot read it back: %s", knobs[i].name, value,
                        path, strerror(errno));
    if (!same_value(&knobs[i], got, value))
        return cxs_errc(CXS_EXIT_FAIL, err, errlen, "%s: wrote '%s' to %s but it reads back '%s'",
                        knobs[i].name, value, path, got);
    return 0;
}
