/* topology.c — NUMA nodes, their memory, and what kind of memory each is.
 *
 * Everything is read relative to the sysfs root (sysfs.h), so tests can
 * point CXLSCOPE_SYSFS_ROOT at a fake tree. Sources that are not under that
 * root (/proc/meminfo, sched_getcpu(), hwloc) are only consulted when the
 * root is the real /sys, so a fake tree never mixes with the real machine.
 */
#include "topology.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "sysfs.h"

#ifdef CXS_HAVE_HWLOC
#include <hwloc.h>
#if HWLOC_API_VERSION >= 0x00020a00
#define CXS_HWLOC_CXL 1 /* hwloc >= 2.10 marks CXL NUMA nodes "CXL-DRAM" */
#endif
#endif

#define NODE_DIR "devices/system/node"
#define TIER_DIR "devices/virtual/memory_tiering"
#define DAX_DIR "bus/dax/devices"
#define MAX_IDS 65536 /* cxs_parse_idlist accepts IDs 0..65535 */
#define LIST_LEN 256  /* node lists in messages */
#define MAX_TIERS 64

static const char *const class_names[CXS_NCLASSES] = {"LDRAM", "RDRAM", "CXL", "CPULESS"};

static int root_is_real(void)
{
    const char *root = cxs_sysfs_root();
    return strcmp(root, "/sys") == 0 || strcmp(root, "/sys/") == 0;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The number in a name like "node12" or "memory_tier4" (prefix, then only
 * digits); -1 if the name is not of that form. */
static int name_id(const char *name, const char *prefix)
{
    size_t pl = strlen(prefix), len = strlen(name);
    if (strncmp(name, prefix, pl) != 0 || len == pl || len - pl > 5)
        return -1;
    int v = 0;
    for (const char *p = name + pl; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v <= 65535 ? v : -1;
}

/* IDs of the entries prefix+digits of a directory under the sysfs root,
 * ascending. 0 on success, -1 if the directory is missing, -2 if it holds
 * more than max (the first max found are kept). */
static int dir_ids(const char *rel, const char *prefix, int *ids, size_t max, size_t *n)
{
    char path[PATH_MAX];
    DIR *d = opendir(cxs_sysfs_path(path, sizeof path, "%s", rel));
    *n = 0;
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int id = name_id(e->d_name, prefix);
        if (id < 0)
            continue;
        if (*n == max) {
            rc = -2;
            break;
        }
        ids[(*n)++] = id;
    }
    closedir(d);
    qsort(ids, *n, sizeof *ids, cmp_int);
    return rc;
}

/* Copy src into dst, cut to fit. */
static void copy_str(char *dst, size_t len, const char *src)
{
    size_t n = strnlen(src, len - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* "0,1,4" (at most CXS_MAX_NODES IDs); when it does not fit, the IDs that
 * fit and then ",...". */
static void format_ids(const int *ids, size_t n, char *buf, size_t len)
{
    char full[CXS_MAX_NODES * 8 + 8];
    size_t used = 0;
    full[0] = '\0';
    for (size_t i = 0; i < n && i < CXS_MAX_NODES; i++)
        used += (size_t)snprintf(full + used, sizeof full - used, "%s%d", i ? "," : "", ids[i]);
    if (!len)
        return;
    if (used < len) {
        memcpy(buf, full, used + 1);
        return;
    }
    size_t cut = len >= 5 ? len - 5 : 0; /* room for ",..." and the NUL */
    while (cut > 0 && full[cut] != ',')
        cut--;
    if (cut == 0) {
        copy_str(buf, len, "...");
        return;
    }
    memcpy(buf, full, cut);
    memcpy(buf + cut, ",...", 5);
}

static int read_node_str(int id, const char *file, char *buf, size_t len)
{
    char rel[128];
    snprintf(rel, sizeof rel, NODE_DIR "/node%d/%s", id, file);
    return cxs_sysfs_read_str(rel, buf, len);
}

/* Sum in kB of the keys' values in a meminfo file ("Key: N kB" lines, node
 * files prefix them with "Node N "). Returns how many keys were found, or
 * -1 if the file cannot be read. */
static int meminfo_sum(const char *path, const char *const *keys, uint64_t *kb)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    char line[256];
    int found = 0;
    *kb = 0;
    while (fgets(line, sizeof line, f)) {
        char *p = line, *end;
        if (strncmp(p, "Node ", 5) == 0) {
            p += 5;
            while (isdigit((unsigned char)*p) || *p == ' ')
                p++;
        }
        char *colon = strchr(p, ':');
        if (!colon)
            continue;
        for (const char *const *k = keys; *k; k++) {
            if (strlen(*k) != (size_t)(colon - p) || strncmp(p, *k, (size_t)(colon - p)) != 0)
                continue;
            unsigned long long v = strtoull(colon + 1, &end, 10);
            if (end != colon + 1) {
                *kb += v;
                found++;
            }
        }
    }
    fclose(f);
    return found;
}

/* System-wide meminfo: /proc/meminfo on the real machine, "meminfo" at the
 * root of a fake tree. */
static const char *sys_meminfo_path(char *buf, size_t len)
{
    return root_is_real() ? "/proc/meminfo" : cxs_sysfs_path(buf, len, "meminfo");
}

static void init_node(struct cxs_node *nd, int id)
{
    memset(nd, 0, sizeof *nd);
    nd->id = id;
    nd->tier = -1;
    for (int j = 0; j < CXS_MAX_NODES; j++)
        nd->distance[j] = -1;
    for (int k = 0; k < 2; k++) {
        struct cxs_hmat *h = &nd->hmat[k];
        h->read_latency_ns = h->write_latency_ns = -1;
        h->read_bandwidth_mbps = h->write_bandwidth_mbps = -1;
    }
}

static int set_cpus(struct cxs_node *nd, const char *list, int *scratch, const char *what,
                    char *err, size_t errlen)
{
    char why[160];
    size_t n = 0;
    if (cxs_parse_idlist(list, scratch, MAX_IDS, &n, why, sizeof why) < 0)
        return cxs_errf(err, errlen, "%s: %s", what, why);
    if (n) {
        nd->cpus = malloc(n * sizeof *nd->cpus);
        if (!nd->cpus)
            return cxs_errf(err, errlen, "out of memory");
        memcpy(nd->cpus, scratch, n * sizeof *nd->cpus);
    }
    nd->ncpus = (int)n;
    return 0;
}

static int load_cpus(struct cxs_node *nd, int *scratch, char *err, size_t errlen)
{
    char buf[16384], what[64];
    if (read_node_str(nd->id, "cpulist", buf, sizeof buf) < 0)
        return 0; /* no cpulist: no CPUs */
    snprintf(what, sizeof what, "node%d/cpulist", nd->id);
    return set_cpus(nd, buf, scratch, what, err, errlen);
}

static uint64_t node_mem_total(int id)
{
    static const char *const keys[] = {"MemTotal", NULL};
    char path[PATH_MAX];
    uint64_t kb = 0;
    if (meminfo_sum(cxs_sysfs_path(path, sizeof path, NODE_DIR "/node%d/meminfo", id), keys, &kb) <=
        0)
        return 0;
    return kb * 1024;
}

/* SLIT row: distances to the online nodes, in their (ascending) order. */
static void load_distances(struct cxs_topo *t, struct cxs_node *nd)
{
    char buf[1024], *p = buf, *end;
    if (read_node_str(nd->id, "distance", buf, sizeof buf) < 0)
        return;
    for (int j = 0; j < t->nnodes; j++, p = end) {
        long v = strtol(p, &end, 10);
        if (end == p || v < 0 || v > INT_MAX)
            break;
        nd->distance[j] = (int)v;
    }
}

static void load_hmat(struct cxs_hmat *h, int id, int k)
{
    static const char *const files[4] = {"read_latency", "write_latency", "read_bandwidth",
                                         "write_bandwidth"};
    int64_t *vals[4] = {&h->read_latency_ns, &h->write_latency_ns, &h->read_bandwidth_mbps,
                        &h->write_bandwidth_mbps};
    char rel[128], file[192];
    int ids[CXS_MAX_NODES];
    size_t n = 0;
    snprintf(rel, sizeof rel, NODE_DIR "/node%d/access%d/initiators", id, k);
    if (dir_ids(rel, "node", ids, CXS_MAX_NODES, &n) == -1)
        return; /* no such access class */
    h->present = 1;
    for (int f = 0; f < 4; f++) {
        snprintf(file, sizeof file, "%s/%s", rel, files[f]);
        if (cxs_sysfs_read_i64(file, vals[f]) < 0)
            *vals[f] = -1;
    }
    format_ids(ids, n, h->initiators, sizeof h->initiators);
}

/* Online node IDs, from the "online" list or else the nodeN directories.
 * 0: found; 1: this kernel shows no NUMA nodes; -1: error (in err). */
static int load_node_ids(int *ids, size_t *n, char *err, size_t errlen)
{
    char buf[4096], why[160];
    if (cxs_sysfs_read_str(NODE_DIR "/online", buf, sizeof buf) == 0 && buf[0]) {
        if (cxs_parse_idlist(buf, ids, CXS_MAX_NODES, n, why, sizeof why) < 0)
            return cxs_errf(err, errlen, "%s/" NODE_DIR "/online: %s", cxs_sysfs_root(), why);
        return 0;
    }
    int rc = dir_ids(NODE_DIR, "node", ids, CXS_MAX_NODES, n);
    if (rc == -2)
        return cxs_errf(err, errlen, "more than %d NUMA nodes under %s/" NODE_DIR, CXS_MAX_NODES,
                        cxs_sysfs_root());
    return rc == 0 && *n > 0 ? 0 : 1;
}

static int load_nodes(struct cxs_topo *t, const int *ids, size_t n, int *scratch, char *err,
                      size_t errlen)
{
    t->nnodes = (int)n;
    for (size_t i = 0; i < n; i++)
        init_node(&t->nodes[i], ids[i]);
    for (int i = 0; i < t->nnodes; i++) {
        struct cxs_node *nd = &t->nodes[i];
        if (load_cpus(nd, scratch, err, errlen) < 0)
            return -1;
        nd->mem_total = node_mem_total(nd->id);
        load_distances(t, nd);
        load_hmat(&nd->hmat[0], nd->id, 0);
        load_hmat(&nd->hmat[1], nd->id, 1);
    }
    return 0;
}

/* A kernel without NUMA: one node 0 with every online CPU and all memory. */
static int load_flat(struct cxs_topo *t, int *scratch, char *err, size_t errlen)
{
    static const char *const keys[] = {"MemTotal", NULL};
    char buf[16384], path[PATH_MAX];
    uint64_t kb = 0;
    if (cxs_sysfs_read_str("devices/system/cpu/online", buf, sizeof buf) < 0)
        return cxs_errf(err, errlen, "no NUMA nodes or CPUs found under %s/devices/system",
                        cxs_sysfs_root());
    t->nnodes = 1;
    init_node(&t->nodes[0], 0);
    if (set_cpus(&t->nodes[0], buf, scratch, "cpu/online", err, errlen) < 0)
        return -1;
    if (meminfo_sum(sys_meminfo_path(path, sizeof path), keys, &kb) > 0)
        t->nodes[0].mem_total = kb * 1024;
    return 0;
}

/* memory_tierK/nodelist names the nodes of tier K. */
static void load_tiers(struct cxs_topo *t, int *scratch)
{
    int tiers[MAX_TIERS];
    size_t nt = 0;
    if (dir_ids(TIER_DIR, "memory_tier", tiers, MAX_TIERS, &nt) == -1)
        return;
    for (size_t k = 0; k < nt; k++) {
        char rel[96], buf[4096], why[160];
        size_t n = 0;
        snprintf(rel, sizeof rel, TIER_DIR "/memory_tier%d/nodelist", tiers[k]);
        if (cxs_sysfs_read_str(rel, buf, sizeof buf) < 0 ||
            cxs_parse_idlist(buf, scratch, MAX_IDS, &n, why, sizeof why) < 0)
            continue;
        for (size_t i = 0; i < n; i++) {
            int idx = cxs_topo_index(t, scratch[i]);
            if (idx >= 0)
                t->nodes[idx].tier = tiers[k];
        }
    }
}

/* Whether a sysfs device directory is CXL: its subsystem is the cxl bus, it
 * is the CXL ACPI root (ACPI0017), or it is a region under a cxl path (below
 * the first rootlen characters, the sysfs root). */
static int is_cxl_dir(const char *path, size_t rootlen)
{
    char link[PATH_MAX + 16], target[PATH_MAX];
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(link, sizeof link, "%s/subsystem", path);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n > 0) {
        target[n] = '\0';
        const char *tb = strrchr(target, '/');
        if (strcmp(tb ? tb + 1 : target, "cxl") == 0)
            return 1;
    }
    if (strncmp(base, "ACPI0017", 8) == 0)
        return 1;
    return name_id(base, "region") >= 0 && strstr(path + rootlen, "/cxl") != NULL;
}

/* Walks up from a dax device's real path (modified in place) to just below
 * the first rootlen characters (the sysfs root). Returns 1 if an ancestor is
 * CXL, with label set to the nearest region (else the CXL ancestor's name). */
static int cxl_ancestry(char *path, size_t rootlen, char *label, size_t len)
{
    char cxl_dev[NAME_MAX + 1] = "";
    char *slash;
    label[0] = '\0';
    while ((slash = strrchr(path, '/')) != NULL && (size_t)(slash - path) > rootlen) {
        *slash = '\0';
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        if (!label[0] && name_id(base, "region") >= 0)
            copy_str(label, len, base);
        if (!cxl_dev[0] && is_cxl_dir(path, rootlen))
            copy_str(cxl_dev, sizeof cxl_dev, base);
    }
    if (!cxl_dev[0])
        return 0;
    if (!label[0])
        copy_str(label, len, cxl_dev);
    return 1;
}

/* The name of the driver a dax device is bound to ("kmem", "device_dax"),
 * "" when none. */
static void dax_driver(const char *name, char *buf, size_t len)
{
    char path[PATH_MAX], target[PATH_MAX];
    buf[0] = '\0';
    ssize_t n = readlink(cxs_sysfs_path(path, sizeof path, DAX_DIR "/%s/driver", name), target,
                         sizeof target - 1);
    if (n <= 0)
        return;
    target[n] = '\0';
    const char *base = strrchr(target, '/');
    copy_str(buf, len, base ? base + 1 : target);
}

/* One dax device: recorded in t->dax; if its target node is in the table
 * and its ancestry is CXL, the node gets CXL evidence. */
static void dax_device_evidence(struct cxs_topo *t, const char *name, size_t rootlen)
{
    char rel[NAME_MAX + 64], path[PATH_MAX], real[PATH_MAX], label[64];
    int64_t node;
    snprintf(rel, sizeof rel, DAX_DIR "/%s/target_node", name);
    if (cxs_sysfs_read_i64(rel, &node) < 0 || node < -1 || node > INT_MAX)
        node = -1;
    int cxl = realpath(cxs_sysfs_path(path, sizeof path, DAX_DIR "/%s", name), real) &&
              cxl_ancestry(real, rootlen, label, sizeof label);
    if (t->ndax < CXS_MAX_DAX) {
        struct cxs_dax *d = &t->dax[t->ndax++];
        copy_str(d->name, sizeof d->name, name);
        d->target_node = (int)node;
        d->cxl = cxl;
        copy_str(d->region, sizeof d->region, cxl && strncmp(label, "region", 6) == 0 ? label : "");
        dax_driver(name, d->driver, sizeof d->driver);
    }
    int idx = node < 0 ? -1 : cxs_topo_index(t, (int)node);
    if (idx < 0 || t->nodes[idx].cxl || !cxl)
        return;
    struct cxs_node *nd = &t->nodes[idx];
    nd->cxl = 1;
    snprintf(nd->cxl_evidence, sizeof nd->cxl_evidence, "%.64s (CXL %s) target_node=%d", name,
             label, nd->id);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dax_evidence(struct cxs_topo *t)
{
    char path[PATH_MAX], root[PATH_MAX];
    DIR *d = opendir(cxs_sysfs_path(path, sizeof path, DAX_DIR));
    if (!d)
        return;
    size_t rootlen = realpath(cxs_sysfs_root(), root) ? strlen(root) : 0;
    char *names[CXS_MAX_DAX * 4];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < sizeof names / sizeof names[0])
        if (e->d_name[0] != '.' && (names[n] = strdup(e->d_name)) != NULL)
            n++;
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_str); /* readdir order is arbitrary */
    for (size_t i = 0; i < n; i++) {
        dax_device_evidence(t, names[i], rootlen);
        free(names[i]);
    }
}

#ifdef CXS_HWLOC_CXL
static void hwloc_evidence(struct cxs_topo *t)
{
    hwloc_topology_t topo;
    if (!root_is_real() || hwloc_topology_init(&topo) < 0)
        return;
    if (hwloc_topology_load(topo) == 0) {
        hwloc_obj_t o = NULL;
        while ((o = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, o)) != NULL) {
            int idx = o->os_index <= INT_MAX ? cxs_topo_index(t, (int)o->os_index) : -1;
            if (idx < 0 || t->nodes[idx].cxl || !o->subtype || strcmp(o->subtype, "CXL-DRAM"))
                continue;
            t->nodes[idx].cxl = 1;
            snprintf(t->nodes[idx].cxl_evidence, sizeof t->nodes[idx].cxl_evidence,
                     "hwloc subtype CXL-DRAM");
        }
    }
    hwloc_topology_destroy(topo);
}
#endif

int cxs_topo_load(struct cxs_topo *t, char *err, size_t errlen)
{
    int ids[CXS_MAX_NODES];
    size_t n = 0;
    memset(t, 0, sizeof *t);
    int rc = load_node_ids(ids, &n, err, errlen);
    if (rc < 0)
        return -1;
    int *scratch = malloc(MAX_IDS * sizeof *scratch);
    if (!scratch)
        return cxs_errf(err, errlen, "out of memory");
    rc = rc == 0 ? load_nodes(t, ids, n, scratch, err, errlen) : load_flat(t, scratch, err, errlen);
    if (rc == 0) {
        load_tiers(t, scratch);
        dax_evidence(t);
#ifdef CXS_HWLOC_CXL
        hwloc_evidence(t);
#endif
    }
    free(scratch);
    if (rc < 0)
        cxs_topo_free(t);
    return rc;
}

void cxs_topo_free(struct cxs_topo *t)
{
    for (int i = 0; i < t->nnodes; i++) {
        free(t->nodes[i].cpus);
        t->nodes[i].cpus = NULL;
        t->nodes[i].ncpus = 0;
    }
    t->nnodes = 0;
}

int cxs_topo_index(const struct cxs_topo *t, int id)
{
    for (int i = 0; i < t->nnodes; i++)
        if (t->nodes[i].id == id)
            return i;
    return -1;
}

const struct cxs_node *cxs_topo_node(const struct cxs_topo *t, int id)
{
    int i = cxs_topo_index(t, id);
    return i < 0 ? NULL : &t->nodes[i];
}

int cxs_topo_distance(const struct cxs_topo *t, int from, int to)
{
    int i = cxs_topo_index(t, from), j = cxs_topo_index(t, to);
    return i < 0 || j < 0 ? -1 : t->nodes[i].distance[j];
}

int cxs_node_has_memory(const struct cxs_node *n)
{
    return n && n->mem_total > 0;
}

enum cxs_mem_class cxs_topo_classify(const struct cxs_topo *t, int mem_node, int cpu_node)
{
    const struct cxs_node *m = cxs_topo_node(t, mem_node);
    if (!m)
        return CXS_NCLASSES;
    if (mem_node == cpu_node)
        return CXS_LDRAM;
    if (m->ncpus > 0)
        return CXS_RDRAM;
    return m->cxl ? CXS_CXL : CXS_CPULESS;
}

const char *cxs_class_name(enum cxs_mem_class c)
{
    return (unsigned)c < CXS_NCLASSES ? class_names[c] : "UNKNOWN";
}

int cxs_class_parse(const char *s)
{
    return cxs_name_lookup(class_names, CXS_NCLASSES, s);
}

static int node_has_cpu(const struct cxs_node *nd, int cpu)
{
    return bsearch(&cpu, nd->cpus, (size_t)nd->ncpus, sizeof *nd->cpus, cmp_int) != NULL;
}

int cxs_topo_default_cpu_node(const struct cxs_topo *t)
{
    int cpu = root_is_real() ? sched_getcpu() : -1, first = -1;
    for (int i = 0; i < t->nnodes; i++) {
        const struct cxs_node *nd = &t->nodes[i];
        if (nd->ncpus == 0)
            continue;
        if (first < 0)
            first = nd->id;
        if (cpu >= 0 && node_has_cpu(nd, cpu))
            return nd->id;
    }
    return first;
}

void cxs_topo_list(const struct cxs_topo *t, int want_cpu, int want_mem, char *buf, size_t len)
{
    int ids[CXS_MAX_NODES];
    size_t n = 0;
    for (int i = 0; i < t->nnodes; i++) {
        const struct cxs_node *nd = &t->nodes[i];
        if ((!want_cpu || nd->ncpus > 0) && (!want_mem || cxs_node_has_memory(nd)))
            ids[n++] = nd->id;
    }
    format_ids(ids, n, buf, len);
}

/* ---- node selection ---------------------------------------------------- */

struct sel {
    const struct cxs_topo *t;
    enum cxs_select_kind kind;
    int cpu_node;
    int chosen[CXS_MAX_NODES]; /* by table index */
    int empty_cause;           /* a class (or CXS_NCLASSES: "all") that matched nothing */
    char *err;
    size_t errlen;
};

static int sel_qualifies(const struct sel *s, const struct cxs_node *nd)
{
    return s->kind == CXS_SELECT_CPU ? nd->ncpus > 0 : cxs_node_has_memory(nd);
}

/* "CPU nodes: 0,1" or "memory nodes: 0,1,3" ("none" when there are none). */
static void kind_nodes(const struct cxs_topo *t, enum cxs_select_kind kind, char *buf, size_t len)
{
    char list[LIST_LEN];
    int cpu = kind == CXS_SELECT_CPU;
    cxs_topo_list(t, cpu, !cpu, list, sizeof list);
    snprintf(buf, len, "%s nodes: %s", cpu ? "CPU" : "memory", list[0] ? list : "none");
}

static int sel_syntax(const struct sel *s, const char *item, const char *spec)
{
    if (s->kind == CXS_SELECT_CPU)
        cxs_errf(s->err, s->errlen,
                 "bad CPU node item '%s' in '%s': use node IDs (0,2), ranges (0-3) or all", item,
                 spec);
    else
        cxs_errf(s->err, s->errlen,
                 "bad memory node item '%s' in '%s': use node IDs (0,2), ranges (0-3), all, or a "
                 "class (ldram, rdram, cxl, cpuless)",
                 item, spec);
    return CXS_SEL_BAD;
}

static int sel_bad_node(const struct sel *s, int id)
{
    char nodes[LIST_LEN + 16];
    const char *why = s->kind == CXS_SELECT_CPU ? "has no CPUs" : "has no memory";
    kind_nodes(s->t, s->kind, nodes, sizeof nodes);
    if (cxs_topo_index(s->t, id) < 0)
        why = "does not exist";
    cxs_errf(s->err, s->errlen, "node %d %s (%s)", id, why, nodes);
    return CXS_SEL_BAD;
}

static int sel_all(struct sel *s)
{
    int hit = 0;
    for (int i = 0; i < s->t->nnodes; i++)
        if (sel_qualifies(s, &s->t->nodes[i]))
            s->chosen[i] = hit = 1;
    if (!hit && s->empty_cause < 0)
        s->empty_cause = CXS_NCLASSES;
    return CXS_SEL_OK;
}

/* a-b: both ends must exist and qualify; nodes between that do not are
 * skipped (as numactl does). */
static int sel_range(struct sel *s, int a, int b)
{
    int ends[2] = {a, b};
    for (int e = 0; e < 2; e++) {
        const struct cxs_node *nd = cxs_topo_node(s->t, ends[e]);
        if (!nd || !sel_qualifies(s, nd))
            return sel_bad_node(s, ends[e]);
    }
    for (int i = 0; i < s->t->nnodes; i++) {
        const struct cxs_node *nd = &s->t->nodes[i];
        if (nd->id >= a && nd->id <= b && sel_qualifies(s, nd))
            s->chosen[i] = 1;
    }
    return CXS_SEL_OK;
}

static int sel_class(struct sel *s, int c, const char *item)
{
    char nodes[LIST_LEN + 16];
    const struct cxs_node *cn = cxs_topo_node(s->t, s->cpu_node);
    if (s->kind == CXS_SELECT_CPU || !cn || cn->ncpus == 0) {
        kind_nodes(s->t, CXS_SELECT_CPU, nodes, sizeof nodes);
        if (s->kind == CXS_SELECT_CPU)
            cxs_errf(s->err, s->errlen, "'%s' is a class name, not a CPU node (%s)", item, nodes);
        else
            cxs_errf(s->err, s->errlen,
                     "class '%s' needs an initiator CPU node; %d is not one (%s)", item,
                     s->cpu_node, nodes);
        return CXS_SEL_BAD;
    }
    int hit = 0;
    for (int i = 0; i < s->t->nnodes; i++) {
        const struct cxs_node *nd = &s->t->nodes[i];
        if (cxs_node_has_memory(nd) && (int)cxs_topo_classify(s->t, nd->id, s->cpu_node) == c)
            s->chosen[i] = hit = 1;
    }
    if (!hit && s->empty_cause < 0)
        s->empty_cause = c;
    return CXS_SEL_OK;
}

/* A node ID: 1 to 9 decimal digits; -1 if s[0..len) is not one. */
static int parse_id(const char *s, size_t len)
{
    int v = 0;
    if (len == 0 || len > 9)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int sel_item(struct sel *s, const char *item, const char *spec)
{
    if (strcasecmp(item, "all") == 0)
        return sel_all(s);
    int c = cxs_class_parse(item);
    if (c >= 0)
        return sel_class(s, c, item);
    const char *dash = strchr(item, '-');
    int a = parse_id(item, dash ? (size_t)(dash - item) : strlen(item));
    int b = dash ? parse_id(dash + 1, strlen(dash + 1)) : a;
    if (a < 0 || b < 0 || a > b)
        return sel_syntax(s, item, spec);
    return sel_range(s, a, b);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int sel_empty(const struct sel *s)
{
    char nodes[LIST_LEN + 16];
    int c = s->empty_cause;
    kind_nodes(s->t, s->kind, nodes, sizeof nodes);
    if (c == CXS_LDRAM || c == CXS_RDRAM)
        cxs_errf(s->err, s->errlen, "no %s memory node for CPU node %d (%s)", cxs_class_name(c),
                 s->cpu_node, nodes);
    else if (c >= 0 && c < CXS_NCLASSES)
        cxs_errf(s->err, s->errlen, "no %s memory node on this machine (%s)", cxs_class_name(c),
                 nodes);
    else
        cxs_errf(s->err, s->errlen, "no node on this machine matches (%s)", nodes);
    return CXS_SEL_EMPTY;
}

static int sel_collect(const struct sel *s, int *out, size_t max, size_t *n)
{
    size_t k = 0;
    for (int i = 0; i < s->t->nnodes; i++) {
        if (!s->chosen[i])
            continue;
        if (k == max) {
            cxs_errf(s->err, s->errlen, "more than %zu nodes selected", max);
            return CXS_SEL_BAD;
        }
        out[k++] = s->t->nodes[i].id;
    }
    if (k == 0)
        return sel_empty(s);
    *n = k;
    return CXS_SEL_OK;
}

int cxs_topo_select(const struct cxs_topo *t, const char *spec, enum cxs_select_kind kind,
                    int cpu_node, int *out, size_t max, size_t *n, char *err, size_t errlen)
{
    struct sel s = {.t = t, .kind = kind, .cpu_node = cpu_node, .empty_cause = -1};
    s.err = err;
    s.errlen = errlen;
    *n = 0;
    if (!spec || !*spec) {
        cxs_errf(err, errlen,
                 "empty %s node specification: use node IDs (0,2), ranges (0-3), all%s",
                 kind == CXS_SELECT_CPU ? "CPU" : "memory",
                 kind == CXS_SELECT_CPU ? "" : ", or a class (ldram, rdram, cxl, cpuless)");
        return CXS_SEL_BAD;
    }
    char *copy = strdup(spec);
    if (!copy) {
        cxs_errf(err, errlen, "out of memory");
        return CXS_SEL_BAD;
    }
    int rc = CXS_SEL_OK;
    for (char *item = copy, *comma; rc == CXS_SEL_OK && item; item = comma ? comma + 1 : NULL) {
        comma = strchr(item, ',');
        if (comma)
            *comma = '\0';
        rc = sel_item(&s, trim(item), spec);
    }
    free(copy);
    return rc == CXS_SEL_OK ? sel_collect(&s, out, max, n) : rc;
}

/* ---- available memory -------------------------------------------------- */

static int only_memory_node(const struct cxs_topo *t, const struct cxs_node *nd)
{
    int count = 0;
    for (int i = 0; i < t->nnodes; i++)
        count += cxs_node_has_memory(&t->nodes[i]);
    return count == 1 && cxs_node_has_memory(nd);
}

uint64_t cxs_node_avail_bytes(const struct cxs_topo *t, int node)
{
    static const char *const node_keys[] = {"MemFree", "Active(file)", "Inactive(file)",
                                            "SReclaimable", NULL};
    static const char *const sys_keys[] = {"MemAvailable", NULL};
    char path[PATH_MAX];
    uint64_t kb = 0, sys_kb = 0;
    const struct cxs_node *nd = cxs_topo_node(t, node);
    if (!nd)
        return 0;
    int found = meminfo_sum(cxs_sysfs_path(path, sizeof path, NODE_DIR "/node%d/meminfo", node),
                            node_keys, &kb);
    if (found <= 0)
        kb = 0;
    if (only_memory_node(t, nd) &&
        meminfo_sum(sys_meminfo_path(path, sizeof path), sys_keys, &sys_kb) > 0 && sys_kb > kb) {
        kb = sys_kb;
        found = 1;
    }
    return found > 0 ? kb * 1024 : 0;
}

int cxs_topo_cpu_node(const struct cxs_topo *t, int cpu)
{
    for (int i = 0; i < t->nnodes; i++)
        if (t->nodes[i].ncpus > 0 && node_has_cpu(&t->nodes[i], cpu))
            return t->nodes[i].id;
    return -1;
}

/* ---- CXL memory that is not online ------------------------------------- */

/* The node's memory blocks that are offline: how many, and the first one's
 * name ("memory42"). */
static int offline_blocks(int node, char *first, size_t len)
{
    char rel[64], path[PATH_MAX], state[32];
    size_t n = 0;
    int count = 0;
    first[0] = '\0';
    snprintf(rel, sizeof rel, NODE_DIR "/node%d", node);
    int *ids = malloc(MAX_IDS * sizeof *ids); /* block names have at most 5 digits */
    if (!ids || dir_ids(rel, "memory", ids, MAX_IDS, &n) == -1)
        n = 0;
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, NODE_DIR "/node%d/memory%d/state", node, ids[i]);
        if (cxs_sysfs_read_str(path, state, sizeof state) < 0 || strcmp(state, "offline") != 0)
            continue;
        if (!count++)
            snprintf(first, len, "memory%d", ids[i]);
    }
    free(ids);
    return count;
}

/* One line for a CXL dax device whose memory is not usable; 0 if it is. */
static int unusable_line(const struct cxs_topo *t, const struct cxs_dax *d, char *buf, size_t len)
{
    const struct cxs_node *nd = cxs_topo_node(t, d->target_node);
    if (!d->cxl || d->target_node < 0 || cxs_node_has_memory(nd))
        return 0;
    char what[96], block[32];
    snprintf(what, sizeof what, "%s%s%s", d->name, d->region[0] ? ", " : "", d->region);
    if (strcmp(d->driver, "kmem") == 0) {
        int off = offline_blocks(d->target_node, block, sizeof block);
        if (off)
            snprintf(buf, len,
                     "node %d is CXL memory (%s) with no online memory: online it with `daxctl "
                     "online-memory %s` (or echo online > /sys/devices/system/memory/%s/state, "
                     "for each of its %d offline blocks)",
                     d->target_node, what, d->name, block, off);
        else
            snprintf(buf, len,
                     "node %d is CXL memory (%s) with no online memory: online it with `daxctl "
                     "online-memory %s`",
                     d->target_node, what, d->name);
    } else {
        snprintf(buf, len,
                 "node %d is CXL memory (%s) %s, not system RAM: convert it with `daxctl "
                 "reconfigure-device --mode=system-ram %s`",
                 d->target_node, what,
                 strcmp(d->driver, "device_dax") == 0 ? "set up as a device-dax device"
                                                      : "not bound to any driver",
                 d->name);
    }
    return 1;
}

int cxs_topo_unusable(const struct cxs_topo *t, int node_id, char *buf, size_t len)
{
    int n = 0;
    size_t o = 0;
    if (len)
        buf[0] = '\0';
    for (int i = 0; i < t->ndax; i++) {
        char line[512];
        if ((node_id >= 0 && t->dax[i].target_node != node_id) ||
            !unusable_line(t, &t->dax[i], line, sizeof line))
            continue;
        if (o < len)
            o += (size_t)snprintf(buf + o, len - o, "%s%s", n ? "\n" : "", line);
        n++;
    }
    return n;
}
