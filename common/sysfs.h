/* sysfs.h — reading the kernel's sysfs/procfs, relocatable for tests.
 *
 * Promises:
 * - Paths given to these functions are relative to the sysfs root, which is
 *   "/sys" unless the environment variable CXLSCOPE_SYSFS_ROOT names another
 *   directory (tests build fake trees there: multi-node, CXL, HMAT).
 * - The same for procfs: cxs_procfs_root() is "/proc" unless
 *   CXLSCOPE_PROCFS_ROOT names another directory, and cxs_procfs_path()
 *   builds paths under it (the read and write functions take the absolute
 *   path it gives).
 * - Reads never print; they return -1 when the file is absent or unreadable.
 */
#ifndef CXS_SYSFS_H
#define CXS_SYSFS_H

#include <stddef.h>
#include <stdint.h>

const char *cxs_sysfs_root(void);
/* Build root + "/" + rel into buf. Returns buf. */
char *cxs_sysfs_path(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *cxs_procfs_root(void);
char *cxs_procfs_path(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Read a whole small file (trailing newline stripped). */
int cxs_sysfs_read_str(const char *rel, char *buf, size_t len);
int cxs_sysfs_read_i64(const char *rel, int64_t *out);
/* Write a string to an absolute-or-relative sysfs file (for settings). */
int cxs_sysfs_write_str(const char *rel, const char *val);

#endif
