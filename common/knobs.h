/* knobs.h — the kernel's NUMA-balancing and memory-tiering settings, read,
 * set for a run and written back.
 *
 * The knobs (one table in knobs.c; each may live at one of several paths,
 * tried in order, because kernels moved them):
 *   numa_balancing        PROCROOT/sys/kernel/numa_balancing: 0 off, 1 NUMA
 *                         balancing (autonuma), 2 memory-tiering promotion,
 *                         3 both (2 and 3: Linux >= 5.18 with
 *                         CONFIG_NUMA_BALANCING; older kernels refuse them)
 *   demotion_enabled      SYSROOT/kernel/mm/numa/demotion_enabled: true/false
 *   scan_delay_ms         SYSROOT/kernel/debug/sched/numa_balancing/scan_delay_ms
 *                         (debugfs, Linux >= 5.13), else
 *                         PROCROOT/sys/kernel/numa_balancing_scan_delay_ms
 *   scan_period_min_ms    the same two places, scan_period_min_ms /
 *                         numa_balancing_scan_period_min_ms
 *   hot_threshold_ms      SYSROOT/kernel/debug/sched/numa_balancing/hot_threshold_ms
 *   promote_rate_limit_MBps
 *                         PROCROOT/sys/kernel/numa_balancing_promote_rate_limit_MBps
 * SYSROOT is sysfs.h's root (CXLSCOPE_SYSFS_ROOT), PROCROOT
 * cxs_procfs_root() (CXLSCOPE_PROCFS_ROOT): tests use fake trees.
 *
 * Promises:
 * - cxs_knob_find(name): the knob's index, -1 if not in the table;
 *   cxs_knob_name(i) its name; CXS_NKNOBS of them.
 * - cxs_knob_path(i, buf, len): the first of its paths that exists, 0; -1
 *   when this kernel has none of them (buf then names the first path, for
 *   messages).
 * - cxs_knob_get(i, buf, len): its current value (trailing newline
 *   stripped), 0; -1 when absent or unreadable.
 * - cxs_knob_set(i, value, err, errlen): the first set of a knob in a run
 *   saves its current value (before writing anything); then writes value
 *   and reads it back. 0 when the knob reads back value (for demotion_enabled
 *   "1"/"true" and "0"/"false" are the same); CXS_EXIT_SKIP (77) when the
 *   kernel has no such knob, or refuses the value with EINVAL (e.g. mode 2
 *   on a kernel without memory tiering), err saying so; CXS_EXIT_FAIL (1)
 *   for any other failure (EACCES/EPERM: "needs root"), err naming the path
 *   and errno's text. A failed write changes nothing that is not written
 *   back.
 * - Every saved knob is written back, in the reverse order of the first
 *   sets, by cxs_knobs_restore() (which notes on stderr, one line each, a
 *   value it could not write back, and returns how many failed) and by an
 *   interrupt.h exit hook armed by the first save: normal exit, cxs_die()
 *   and kin, and a second Ctrl-C (the hook uses open/write/close only, on
 *   paths and values prepared at save time). After cxs_knobs_restore() the
 *   hook is removed and a later set saves afresh.
 * - cxs_knobs_saved(): how many knobs are saved now (for tests and notes).
 */
#ifndef CXS_KNOBS_H
#define CXS_KNOBS_H

#include <stddef.h>

#define CXS_NKNOBS 6

int cxs_knob_find(const char *name);
const char *cxs_knob_name(int i);
int cxs_knob_path(int i, char *buf, size_t len);
int cxs_knob_get(int i, char *buf, size_t len);
int cxs_knob_set(int i, const char *value, char *err, size_t errlen);
int cxs_knobs_restore(void);
int cxs_knobs_saved(void);

#endif
