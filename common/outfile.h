/* outfile.h — the one rule for every file cxlscope writes, and the lock on
 * an output directory.
 *
 * The rule (README, "Output files"):
 * - A file is written under a temporary name beside its final name
 *   (NAME.partial for CSV rows, NAME.tmp for whole documents), flushed and
 *   fsync'ed, and only then renamed over NAME; the directory is fsync'ed
 *   after the rename. A write that fails leaves NAME as it was and removes
 *   the temporary file (CSV rows are kept in NAME.partial, see output.h).
 * - NAME is replaced only when it does not exist or is a regular file. A
 *   directory, device, FIFO, socket or symbolic link at NAME (links are not
 *   followed) is refused: "NAME exists and is not a regular file (a
 *   symbolic link); refusing to replace it". The binaries check every final
 *   name before they measure and exit 2 on a refusal; the check is made
 *   again just before the rename. The same goes for the temporary name.
 * - Every failed write, flush, fsync, close or rename is an error naming the
 *   file and the reason (errno's text).
 *
 * The lock: cxs_outdir_lock(DIR) takes DIR/.cxlscope.lock (flock, exclusive,
 * not waiting) and writes the holder's pid into it. A second run on DIR is
 * refused ("DIR is in use by another run (pid N)"); a lock whose holder died
 * is released by the kernel and taken over. run-all takes the same lock on
 * its run directory. cxs_outdir_unlock() removes the file.
 *
 * Every function returns 0 on success, or -1 (CXS_OUTFILE_REFUSED: -2 for a
 * refused name) with a one-line reason in err.
 */
#ifndef CXS_OUTFILE_H
#define CXS_OUTFILE_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#define CXS_OUTFILE_REFUSED (-2)
#define CXS_LOCK_NAME ".cxlscope.lock"

/* 0 when path does not exist or is a regular file; CXS_OUTFILE_REFUSED
 * otherwise (lstat: a link is refused, not followed); -1 when it cannot be
 * examined. */
int cxs_outfile_check(const char *path, char *err, size_t errlen);

/* Create (or truncate) the temporary file tmp for writing, refusing a
 * non-regular file there and never following a link. Returns the file
 * descriptor or a negative value as above. */
int cxs_outfile_create(const char *tmp, char *err, size_t errlen);

/* Write all of buf to fd (retrying short writes and EINTR). */
int cxs_outfile_write_all(int fd, const char *path, const void *buf, size_t len, char *err,
                          size_t errlen);

/* fsync and close fd, check path again, rename tmp over path, fsync the
 * directory. fd is closed in every case; on failure tmp is removed unless
 * keep_tmp. */
int cxs_outfile_commit(int fd, const char *tmp, const char *path, int keep_tmp, char *err,
                       size_t errlen);

/* Write doc (json_dumps flags) to path through path.tmp by the rule. */
int cxs_outfile_json(const char *path, const json_t *doc, size_t flags, char *err, size_t errlen);

/* Take DIR's lock; returns the lock's file descriptor (kept open, close on
 * exec) or a negative value (CXS_OUTFILE_REFUSED when another live run holds
 * it). */
int cxs_outdir_lock(const char *dir, char *err, size_t errlen);
void cxs_outdir_unlock(const char *dir, int fd);

#endif
