/* outfile.c — the output-file rule and the output directory's lock
 * (outfile.h). */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char *kind_of(mode_t m)
{
    static const struct {
        mode_t type;
        const char *name;
    } kinds[] = {
        {S_IFDIR, "a directory"}, {S_IFCHR, "a character device"}, {S_IFBLK, "a block device"},
        {S_IFIFO, "a FIFO"},      {S_IFSOCK, "a socket"},          {S_IFLNK, "a symbolic link"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if ((m & S_IFMT) == kinds[i].type)
            return kinds[i].name;
    return "not a plain file";
}

static int refuse(const char *path, mode_t m, char *err, size_t errlen)
{
    cxs_errf(err, errlen, "%s exists and is not a regular file (%s); refusing to replace it", path,
             kind_of(m));
    return CXS_OUTFILE_REFUSED;
}

int cxs_outfile_check(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        return cxs_errf(err, errlen, "cannot examine %s: %s", path, strerror(errno));
    }
    return S_ISREG(st.st_mode) ? 0 : refuse(path, st.st_mode, err, errlen);
}

int cxs_outfile_create(const char *tmp, char *err, size_t errlen)
{
    int rc = cxs_outfile_check(tmp, err, errlen);
    if (rc)
        return rc;
    /* O_NONBLOCK: a FIFO put there after the check must not hang the open. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0666);
    if (fd < 0)
        return cxs_errf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return cxs_errf(err, errlen, "cannot examine %s: %s", tmp, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return refuse(tmp, st.st_mode, err, errlen);
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

int cxs_outfile_write_all(int fd, const char *path, const void *buf, size_t len, char *err,
                          size_t errlen)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return cxs_errf(err, errlen, "cannot write %s: %s", path,
                            w < 0 ? strerror(errno) : "nothing written");
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* fsync the directory holding path, so the rename survives a crash. */
static int sync_dir(const char *path, char *err, size_t errlen)
{
    char *copy = strdup(path);
    if (!copy)
        return cxs_errf(err, errlen, "out of memory");
    const char *dir = dirname(copy);
    int rc = 0;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        if (fsync(dfd) != 0 && errno != EINVAL && errno != EROFS)
            rc = cxs_errf(err, errlen, "cannot sync directory %s: %s", dir, strerror(errno));
        close(dfd);
    }
    free(copy);
    return rc;
}

int cxs_outfile_commit(int fd, const char *tmp, const char *path, int keep_tmp, char *err,
                       size_t errlen)
{
    int rc = 0;
    if (fsync(fd) != 0 && errno != EINVAL)
        rc = cxs_errf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
    if (close(fd) != 0 && rc == 0)
        rc = cxs_errf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
    if (rc == 0)
        rc = cxs_outfile_check(path, err, errlen);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = cxs_errf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    if (rc == 0)
        return sync_dir(path, err, errlen);
    if (!keep_tmp)
        unlink(tmp);
    return rc;
}

int cxs_outfile_json(const char *path, const json_t *doc, size_t flags, char *err, size_t errlen)
{
    int rc = cxs_outfile_check(path, err, errlen);
    if (rc)
        return rc;
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.tmp", path) < 0)
        return cxs_errf(err, errlen, "out of memory");
    char *text = json_dumps(doc, flags);
    int fd = text ? cxs_outfile_create(tmp, err, errlen) : cxs_errf(err, errlen, "out of memory");
    if (fd < 0) {
        rc = fd;
    } else if (cxs_outfile_write_all(fd, tmp, text, strlen(text), err, errlen) ||
               cxs_outfile_write_all(fd, tmp, "\n", 1, err, errlen)) {
        close(fd);
        unlink(tmp);
        rc = -1;
    } else {
        rc = cxs_outfile_commit(fd, tmp, path, 0, err, errlen);
    }
    free(text);
    free(tmp);
    return rc;
}

/* The pid written in a held lock, for the message (0 if unreadable). */
static long lock_holder(int fd)
{
    char buf[32] = "";
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    return n > 0 ? strtol(buf, NULL, 10) : 0;
}

int cxs_outdir_lock(const char *dir, char *err, size_t errlen)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, CXS_LOCK_NAME) >= sizeof path)
        return cxs_errf(err, errlen, "path too long: %s", dir);
    for (int tries = 0; tries < 100; tries++) {
        int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
            return cxs_errf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            long pid = lock_holder(fd);
            close(fd);
            if (e != EWOULDBLOCK)
                return cxs_errf(err, errlen, "cannot lock %s: %s", path, strerror(e));
            cxs_errf(err, errlen, "%s is in use by another run (pid %ld; lock %s)", dir, pid, path);
            return CXS_OUTFILE_REFUSED;
        }
        /* The holder before us may have removed the file after we opened
         * it: the lock counts only on the file that is there now. */
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            char pid[32];
            int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
                int e = errno;
                close(fd);
                return cxs_errf(err, errlen, "cannot write %s: %s", path, strerror(e));
            }
            return fd;
        }
        close(fd);
    }
    return cxs_errf(err, errlen, "cannot lock %s: it keeps being replaced", path);
}

void cxs_outdir_unlock(const char *dir, int fd)
{
    if (fd < 0)
        return;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, CXS_LOCK_NAME) < sizeof path)
        unlink(path);
    close(fd);
}
