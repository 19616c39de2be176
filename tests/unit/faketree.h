/* faketree.h — fake sysfs trees for the unit tests (topology, targets).
 *
 * A test builds a small tree under a mkdtemp directory with put() (a file),
 * dir(), link_to() (a symlink), node() (cpulist, meminfo, distance), hmat()
 * and tier(), as the kernel lays them out; setup_tree() points
 * CXLSCOPE_SYSFS_ROOT at it and loads the topology, teardown_tree() removes
 * it. All helpers are static inline so each test uses what it needs.
 */
#ifndef CXS_FAKETREE_H
#define CXS_FAKETREE_H

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "topology.h"

#define GiB (1024ULL * 1024 * 1024)
#define NODE "devices/system/node/"
#define REGION "devices/platform/ACPI0017:00/root0/decoder0.0/region0"

struct fixture {
    char root[256];
    struct cxs_topo topo;
};

/* ---- building fake trees ------------------------------------------------ */

static inline void mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        assert_true(mkdir(buf, 0755) == 0 || errno == EEXIST);
        *p = '/';
    }
    assert_true(mkdir(buf, 0755) == 0 || errno == EEXIST);
}

static inline void full_path(const struct fixture *f, const char *rel, char *buf, size_t len)
{
    int w = snprintf(buf, len, "%s/%s", f->root, rel);
    assert_true(w > 0 && (size_t)w < len);
}

static inline void parent_dir(const char *path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    assert_non_null(slash);
    *slash = '\0';
    mkdir_p(dir);
}

__attribute__((format(printf, 3, 4))) static inline void put(const struct fixture *f,
                                                             const char *rel, const char *fmt, ...)
{
    char path[PATH_MAX];
    full_path(f, rel, path, sizeof path);
    parent_dir(path);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(fp, fmt, ap);
    va_end(ap);
    assert_int_equal(fclose(fp), 0);
}

static inline void dir(const struct fixture *f, const char *rel)
{
    char path[PATH_MAX];
    full_path(f, rel, path, sizeof path);
    mkdir_p(path);
}

static inline void link_to(const struct fixture *f, const char *rel, const char *target)
{
    char path[PATH_MAX];
    full_path(f, rel, path, sizeof path);
    parent_dir(path);
    assert_int_equal(symlink(target, path), 0);
}

/* A node directory: cpulist, meminfo (sizes in kB), distance row. */
static inline void node(const struct fixture *f, int id, const char *cpus, uint64_t total_kb,
                        uint64_t free_kb, const char *distance)
{
    char rel[128];
    snprintf(rel, sizeof rel, NODE "node%d/cpulist", id);
    put(f, rel, "%s\n", cpus);
    snprintf(rel, sizeof rel, NODE "node%d/distance", id);
    put(f, rel, "%s\n", distance);
    snprintf(rel, sizeof rel, NODE "node%d/meminfo", id);
    put(f, rel,
        "Node %d MemTotal:       %8llu kB\n"
        "Node %d MemFree:        %8llu kB\n"
        "Node %d MemUsed:        %8llu kB\n"
        "Node %d Active(anon):          4 kB\n"
        "Node %d Active(file):        100 kB\n"
        "Node %d Inactive(file):      200 kB\n"
        "Node %d SReclaimable:         50 kB\n"
        "Node %d SUnreclaim:           20 kB\n"
        "Node %d HugePages_Total:     0\n",
        id, (unsigned long long)total_kb, id, (unsigned long long)free_kb, id,
        (unsigned long long)(total_kb - free_kb), id, id, id, id, id, id);
}

/* HMAT access class k of target node id, from the initiators in list. */
static inline void hmat(const struct fixture *f, int id, int k, const int *inits, int n, int rlat,
                        int wlat, int rbw, int wbw)
{
    char rel[160], target[64];
    const char *names[4] = {"read_latency", "write_latency", "read_bandwidth", "write_bandwidth"};
    int vals[4] = {rlat, wlat, rbw, wbw};
    for (int i = 0; i < 4; i++) {
        snprintf(rel, sizeof rel, NODE "node%d/access%d/initiators/%s", id, k, names[i]);
        put(f, rel, "%d\n", vals[i]);
    }
    for (int i = 0; i < n; i++) {
        snprintf(rel, sizeof rel, NODE "node%d/access%d/initiators/node%d", id, k, inits[i]);
        snprintf(target, sizeof target, "../../../node%d", inits[i]);
        link_to(f, rel, target);
    }
}

static inline void tier(const struct fixture *f, int k, const char *nodelist)
{
    char rel[128];
    snprintf(rel, sizeof rel, "devices/virtual/memory_tiering/memory_tier%d/nodelist", k);
    put(f, rel, "%s\n", nodelist);
}

/* ---- fixtures ----------------------------------------------------------- */

static inline int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* An empty root: the test builds and loads the tree itself. */
static inline int setup_bare(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    const char *tmp = getenv("TMPDIR");
    assert_non_null(f);
    snprintf(f->root, sizeof f->root, "%s/cxs-topo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(f->root));
    assert_int_equal(setenv("CXLSCOPE_SYSFS_ROOT", f->root, 1), 0);
    *state = f;
    return 0;
}

static inline int setup_tree(void **state, void (*build)(struct fixture *))
{
    char err[256] = "";
    setup_bare(state);
    struct fixture *f = *state;
    build(f);
    if (cxs_topo_load(&f->topo, err, sizeof err) != 0)
        fail_msg("cxs_topo_load: %s", err);
    return 0;
}

static inline int teardown_tree(void **state)
{
    struct fixture *f = *state;
    if (!f)
        return 0;
    cxs_topo_free(&f->topo);
    unsetenv("CXLSCOPE_SYSFS_ROOT");
    nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

#endif
