/* sysfs.c — reading the kernel's sysfs/procfs, relocatable for tests. */
#include "sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *cxs_sysfs_root(void)
{
    const char *root = getenv("CXLSCOPE_SYSFS_ROOT");
    return root && *root ? root : "/sys";
}

static char *root_path(const char *root, char *buf, size_t len, const char *fmt, va_list ap)
{
    char rel[PATH_MAX];
    int r = vsnprintf(rel, sizeof rel, fmt, ap);
    int w = r < 0 || (size_t)r >= sizeof rel ? -1 : snprintf(buf, len, "%s/%s", root, rel);
    if (len && (w < 0 || (size_t)w >= len))
        buf[0] = '\0'; /* a truncated path must not name another file */
    return buf;
}

char *cxs_sysfs_path(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    root_path(cxs_sysfs_root(), buf, len, fmt, ap);
    va_end(ap);
    return buf;
}

const char *cxs_procfs_root(void)
{
    const char *root = getenv("CXLSCOPE_PROCFS_ROOT");
    return root && *root ? root : "/proc";
}

char *cxs_procfs_path(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    root_path(cxs_procfs_root(), buf, len, fmt, ap);
    va_end(ap);
    return buf;
}

/* An absolute path is used as given (e.g. /proc/...); a relative one is
 * taken under the sysfs root. */
static const char *resolve(char *buf, size_t len, const char *rel)
{
    if (rel[0] == '/')
        return rel;
    return cxs_sysfs_path(buf, len, "%s", rel);
}

int cxs_sysfs_read_str(const char *rel, char *buf, size_t len)
{
    char path[PATH_MAX];
    if (!len)
        return -1;
    int fd = open(resolve(path, sizeof path, rel), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t got = 0;
    ssize_t r = 0;
    while (got < len && (r = read(fd, buf + got, len - got)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got >= len) { /* does not fit: refuse rather than return part */
        errno = EOVERFLOW;
        return -1;
    }
    if (r < 0)
        return -1;
    buf[got] = '\0';
    while (got && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
        buf[--got] = '\0';
    return 0;
}

int cxs_sysfs_read_i64(const char *rel, int64_t *out)
{
    char buf[64], *end;
    if (cxs_sysfs_read_str(rel, buf, sizeof buf) < 0)
        return -1;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (end == buf || errno)
        return -1;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end)
        return -1;
    *out = v;
    return 0;
}

int cxs_sysfs_write_str(const char *rel, const char *val)
{
    char path[PATH_MAX];
    int fd = open(resolve(path, sizeof path, rel), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t n = strlen(val);
    ssize_t w;
    do
        w = write(fd, val, n); /* one write: sysfs takes a setting whole */
    while (w < 0 && errno == EINTR);
    int ok = w == (ssize_t)n;
    if (close(fd) < 0) /* sysfs may report a rejected value only here */
        ok = 0;
    return ok ? 0 : -1;
}
