/* caches.c — cache sizes from hwloc or sysfs. */
#include "caches.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef CXS_HAVE_HWLOC
#include <hwloc.h>
#endif

#include "sysfs.h"

/* "48K" -> 49152; -1 when unparsable. */
static int64_t cache_size_bytes(const char *s)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || v < 0)
        return -1;
    switch (*end) {
    case 'K':
        return (int64_t)v << 10;
    case 'M':
        return (int64_t)v << 20;
    case 'G':
        return (int64_t)v << 30;
    case '\0':
        return v;
    default:
        return -1;
    }
}

/* L1d, L2, L3 sizes of CPU 0's caches from sysfs, -1 when absent. */
static void caches_sysfs(int64_t sz[3])
{
    for (int i = 0; i < 16; i++) {
        char rel[128], type[32], size[32];
        int64_t lvl;
        snprintf(rel, sizeof(rel), "devices/system/cpu/cpu0/cache/index%d/level", i);
        if (cxs_sysfs_read_i64(rel, &lvl) != 0)
            continue; /* indexes are contiguous today, but do not rely on it */
        snprintf(rel, sizeof(rel), "devices/system/cpu/cpu0/cache/index%d/type", i);
        if (cxs_sysfs_read_str(rel, type, sizeof(type)) != 0)
            continue;
        snprintf(rel, sizeof(rel), "devices/system/cpu/cpu0/cache/index%d/size", i);
        if (cxs_sysfs_read_str(rel, size, sizeof(size)) != 0)
            continue;
        if (lvl < 1 || lvl > 3 || strcmp(type, "Instruction") == 0)
            continue;
        int64_t b = cache_size_bytes(size);
        if (b > 0 && sz[lvl - 1] < 0)
            sz[lvl - 1] = b;
    }
}

#ifdef CXS_HAVE_HWLOC
/* 0 when hwloc found at least one of the caches. */
static int caches_hwloc(int64_t sz[3])
{
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0)
        return -1;
    if (hwloc_topology_load(topo) != 0) {
        hwloc_topology_destroy(topo);
        return -1;
    }
    static const hwloc_obj_type_t types[3] = {HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE,
                                              HWLOC_OBJ_L3CACHE};
    int found = 0;
    for (int i = 0; i < 3; i++) {
        hwloc_obj_t o = hwloc_get_obj_by_type(topo, types[i], 0);
        if (o && o->attr && o->attr->cache.size > 0) {
            sz[i] = (int64_t)o->attr->cache.size;
            found = 1;
        }
    }
    hwloc_topology_destroy(topo);
    return found ? 0 : -1;
}

/* Sum of every instance of the highest cache level hwloc knows (it reads
 * CPUID where sysfs has no cache directory, as in some VMs); 0 when none. */
static uint64_t llc_total_hwloc(void)
{
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0)
        return 0;
    uint64_t total = 0;
    if (hwloc_topology_load(topo) == 0) {
        static const hwloc_obj_type_t types[] = {HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L2CACHE,
                                                 HWLOC_OBJ_L1CACHE};
        for (size_t t = 0; t < sizeof types / sizeof types[0] && total == 0; t++) {
            int n = hwloc_get_nbobjs_by_type(topo, types[t]);
            for (int i = 0; i < n; i++) {
                hwloc_obj_t o = hwloc_get_obj_by_type(topo, types[t], (unsigned)i);
                if (o && o->attr)
                    total += o->attr->cache.size;
            }
        }
    }
    hwloc_topology_destroy(topo);
    return total;
}
#endif

const char *cxs_cache_sizes(int64_t sz[3])
{
    sz[0] = sz[1] = sz[2] = -1;
#ifdef CXS_HAVE_HWLOC
    if (caches_hwloc(sz) == 0)
        return "hwloc";
#endif
    caches_sysfs(sz);
    return "sysfs";
}

uint64_t cxs_llc_total_bytes(void)
{
    enum { MAXINST = 256 };
    char seen[MAXINST][64];
    int nseen = 0, top = 0;
    uint64_t total = 0;
    for (int pass = 0; pass < 2; pass++) { /* pass 0 finds the level, 1 adds up */
        for (int cpu = 0; cpu < 4096; cpu++) {
            char rel[128];
            snprintf(rel, sizeof rel, "devices/system/cpu/cpu%d", cpu);
            int64_t dummy;
            char probe[160];
            snprintf(probe, sizeof probe, "%s/cache/index0/level", rel);
            if (cxs_sysfs_read_i64(probe, &dummy) != 0)
                continue;
            for (int i = 0; i < 16; i++) {
                char p[192], type[32], size[32], shared[64];
                int64_t lvl;
                snprintf(p, sizeof p, "%s/cache/index%d/level", rel, i);
                if (cxs_sysfs_read_i64(p, &lvl) != 0)
                    continue;
                snprintf(p, sizeof p, "%s/cache/index%d/type", rel, i);
                if (cxs_sysfs_read_str(p, type, sizeof type) != 0 ||
                    strcmp(type, "Instruction") == 0)
                    continue;
                if (pass == 0) {
                    if (lvl > top)
                        top = (int)lvl;
                    continue;
                }
                if (lvl != top)
                    continue;
                snprintf(p, sizeof p, "%s/cache/index%d/shared_cpu_list", rel, i);
                snprintf(shared, sizeof shared, "?%d", cpu);
                cxs_sysfs_read_str(p, shared, sizeof shared);
                int dup = 0;
                for (int k = 0; k < nseen && !dup; k++)
                    dup = strcmp(seen[k], shared) == 0;
                if (dup || nseen == MAXINST)
                    continue;
                snprintf(seen[nseen++], sizeof seen[0], "%s", shared);
                snprintf(p, sizeof p, "%s/cache/index%d/size", rel, i);
                int64_t b =
                    cxs_sysfs_read_str(p, size, sizeof size) == 0 ? cache_size_bytes(size) : -1;
                if (b > 0)
                    total += (uint64_t)b;
            }
        }
    }
#ifdef CXS_HAVE_HWLOC
    if (top == 0) /* no cache directory in sysfs at all */
        total = llc_total_hwloc();
#endif
    return total;
}
