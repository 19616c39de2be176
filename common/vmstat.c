/* vmstat.c — the page-migration counters of /proc/vmstat, found by name
 * (see vmstat.h for the promises). */
#include "vmstat.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "sysfs.h"

/* The order of tiering.csv's counter columns: a name added later goes at
 * the end. */
const char *const cxs_vmstat_names[CXS_VMSTAT_N] = {
    "numa_pte_updates",       "numa_huge_pte_updates", "numa_hint_faults",
    "numa_hint_faults_local", "numa_pages_migrated",   "pgpromote_success",
    "pgpromote_candidate",    "pgdemote_kswapd",       "pgdemote_direct",
    "pgdemote_khugepaged",    "pgmigrate_success",     "pgmigrate_fail",
    "thp_migration_success",  "thp_migration_fail",    "thp_migration_split",
};

/* The largest /proc/vmstat read (a few KiB on every kernel so far). */
#define VMSTAT_MAX (1u << 20)

static int listed(const char *name, size_t len)
{
    for (int i = 0; i < CXS_VMSTAT_N; i++)
        if (strlen(cxs_vmstat_names[i]) == len && !memcmp(cxs_vmstat_names[i], name, len))
            return i;
    return -1;
}

int cxs_vmstat_index(const char *name)
{
    return name ? listed(name, strlen(name)) : -1;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* The decimal value of [p, end): digits only (no sign, no space inside), no
 * overflow. */
static int parse_value(const char *p, const char *end, uint64_t *out)
{
    char buf[32], *stop;
    if (p == end || *p < '0' || *p > '9')
        return -1;
    while (end - p > 1 && *p == '0') /* leading zeros do not count to the length */
        p++;
    size_t n = (size_t)(end - p);
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    errno = 0;
    unsigned long long v = strtoull(buf, &stop, 10);
    if (errno || stop != buf + n)
        return -1;
    *out = v;
    return 0;
}

/* One line [p, end) (no newline): a listed counter's value into s. */
static int parse_line(const char *p, const char *end, unsigned lineno, struct cxs_vmstat *s,
                      char *err, size_t errlen)
{
    const char *name = p;
    while (p < end && !is_blank(*p))
        p++;
    int i = listed(name, (size_t)(p - name));
    if (i < 0)
        return 0; /* not ours, whatever it holds */
    while (p < end && is_blank(*p))
        p++;
    const char *vend = end;
    while (vend > p && is_blank(vend[-1]))
        vend--;
    if (parse_value(p, vend, &s->v[i]) != 0) {
        int shown = end - name > 80 ? 80 : (int)(end - name);
        return cxs_errf(err, errlen,
                        "line %u '%.*s%s': the value of %s is not a decimal unsigned number",
                        lineno, shown, name, end - name > 80 ? "..." : "", cxs_vmstat_names[i]);
    }
    s->have[i] = 1;
    return 0;
}

int cxs_vmstat_parse(const char *text, struct cxs_vmstat *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    unsigned lineno = 1;
    for (const char *p = text; *p; lineno++) {
        const char *nl = strchr(p, '\n');
        const char *end = nl ? nl : p + strlen(p);
        if (parse_line(p, end, lineno, s, err, errlen) != 0)
            return -1;
        p = nl ? nl + 1 : end;
    }
    return 0;
}

/* The whole of path, NUL-terminated, malloc'd into *text; -1 with errno. */
static int slurp(const char *path, char **text)
{
    size_t cap = 8192, got = 0;
    char *buf = malloc(cap);
    int fd = buf ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0) {
        int e = buf ? errno : ENOMEM;
        free(buf);
        errno = e;
        return -1;
    }
    for (;;) {
        if (got + 1 == cap) {
            char *more = cap < VMSTAT_MAX ? realloc(buf, cap * 2) : NULL;
            if (!more) {
                errno = cap < VMSTAT_MAX ? ENOMEM : EFBIG;
                break;
            }
            buf = more;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + got, cap - 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r < 0)
                break;
            close(fd);
            buf[got] = '\0';
            *text = buf;
            return 0;
        }
        got += (size_t)r;
    }
    int e = errno;
    close(fd);
    free(buf);
    errno = e;
    return -1;
}

int cxs_vmstat_read(struct cxs_vmstat *s, char *err, size_t errlen)
{
    char path[PATH_MAX], *text;
    cxs_procfs_path(path, sizeof path, "vmstat");
    if (!path[0])
        return cxs_errf(err, errlen, "the path of vmstat under %s is too long", cxs_procfs_root());
    if (slurp(path, &text) != 0)
        return cxs_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    char why[200] = "";
    int rc = cxs_vmstat_parse(text, s, why, sizeof why);
    free(text);
    if (rc != 0)
        return cxs_errf(err, errlen, "%s: %s", path, why);
    return 0;
}

void cxs_vmstat_delta(const struct cxs_vmstat *before, const struct cxs_vmstat *now,
                      struct cxs_vmstat *d)
{
    for (int i = 0; i < CXS_VMSTAT_N; i++) {
        int both = before->have[i] && now->have[i];
        d->have[i] = (unsigned char)both;
        d->v[i] = both && now->v[i] >= before->v[i] ? now->v[i] - before->v[i] : 0;
    }
}

/* Whole names only: a name that does not fit ends the list there. */
void cxs_vmstat_absent(const struct cxs_vmstat *s, char *buf, size_t len)
{
    size_t used = 0;
    if (!len)
        return;
    buf[0] = '\0';
    for (int i = 0; i < CXS_VMSTAT_N; i++) {
        if (s->have[i])
            continue;
        const char *name = cxs_vmstat_names[i];
        size_t n = strlen(name);
        if (used + (used ? 1 : 0) + n >= len)
            return;
        if (used)
            buf[used++] = ',';
        memcpy(buf + used, name, n + 1);
        used += n;
    }
}
