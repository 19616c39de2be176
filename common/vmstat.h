/* vmstat.h — the kernel's page-migration counters from /proc/vmstat, found
 * by name.
 *
 * Promises:
 * - cxs_vmstat_names[] lists, in a fixed order (the order of tiering.csv's
 *   counter columns; a name added later goes at the end), the counters of
 *   NUMA balancing, memory-tiering promotion, demotion and migration that
 *   some kernel has: numa_pte_updates, numa_huge_pte_updates,
 *   numa_hint_faults, numa_hint_faults_local, numa_pages_migrated,
 *   pgpromote_success, pgpromote_candidate, pgdemote_kswapd,
 *   pgdemote_direct, pgdemote_khugepaged, pgmigrate_success, pgmigrate_fail,
 *   thp_migration_success, thp_migration_fail, thp_migration_split
 *   (CXS_VMSTAT_N of them).
 * - cxs_vmstat_parse() reads the text of /proc/vmstat ("name value" lines):
 *   each listed counter found gets its value and have[i] = 1; a listed
 *   counter that this kernel does not print keeps have[i] = 0 and its value
 *   0, which callers must never report as a measured zero. Lines it does not
 *   know are ignored; a listed name with a value that is not a decimal
 *   unsigned number is an error (-1, err names the line). A counter printed
 *   twice keeps the last value.
 * - cxs_vmstat_read() reads PROCROOT/vmstat (sysfs.h cxs_procfs_path(): /proc
 *   unless CXLSCOPE_PROCFS_ROOT says otherwise) and parses it; -1 with the
 *   reason in err when it cannot be read.
 * - cxs_vmstat_delta(): now - before per counter (0 when either lacks it, or
 *   the counter went backwards), have = both have it.
 * - cxs_vmstat_absent(): the names of the listed counters the snapshot
 *   lacks, comma-separated, into buf ("" when it has them all).
 * - cxs_vmstat_index(): a name's index in the list, -1 if not listed.
 */
#ifndef CXS_VMSTAT_H
#define CXS_VMSTAT_H

#include <stddef.h>
#include <stdint.h>

#define CXS_VMSTAT_N 15
extern const char *const cxs_vmstat_names[CXS_VMSTAT_N];

struct cxs_vmstat {
    uint64_t v[CXS_VMSTAT_N];
    unsigned char have[CXS_VMSTAT_N];
};

int cxs_vmstat_parse(const char *text, struct cxs_vmstat *s, char *err, size_t errlen);
int cxs_vmstat_read(struct cxs_vmstat *s, char *err, size_t errlen);
void cxs_vmstat_delta(const struct cxs_vmstat *before, const struct cxs_vmstat *now,
                      struct cxs_vmstat *d);
void cxs_vmstat_absent(const struct cxs_vmstat *s, char *buf, size_t len);
int cxs_vmstat_index(const char *name);

#endif
