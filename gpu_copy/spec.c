/* spec.c — kinds, directions, sizes and row strings of cxlscope-gpucopy. */
#include "spec.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "memory.h"
#include "sysfs.h"

const struct gc_kind gc_kinds[GC_NKINDS] = {
    [GC_K_PAGEABLE] = {"pageable", GC_PAGEABLE, CXS_POL_BIND, 0},
    [GC_K_PINNED] = {"pinned", GC_REGISTERED, CXS_POL_BIND, 0},
    [GC_K_MALLOCHOST] = {"mallochost", GC_MALLOCHOST, -1, 0},
    [GC_K_INTERLEAVE] = {"interleave", GC_REGISTERED, CXS_POL_INTERLEAVE, 1},
    [GC_K_WEIGHTED] = {"weighted", GC_REGISTERED, CXS_POL_WEIGHTED, 1},
};

const struct gc_dir_desc gc_dirs[GC_NDIRS] = {
    [GC_H2D] = {"h2d", 1, {"h2d"}, 1, 1},
    [GC_D2H] = {"d2h", 1, {"d2h"}, 1, 1},
    [GC_BIDIR] = {"bidir", 3, {"bidir-h2d", "bidir-d2h", "bidir-total"}, 1, 2},
    [GC_D2D] = {"d2d", 1, {"d2d"}, 0, 0},
};

int gc_kind_parse(const char *s)
{
    return CXS_NAME_LOOKUP_IN(gc_kinds, GC_NKINDS, name, 1, s);
}

int gc_dir_parse(const char *s)
{
    return CXS_NAME_LOOKUP_IN(gc_dirs, GC_NDIRS, name, 1, s);
}

const char *gc_kind_name(int k)
{
    return k >= 0 && k < GC_NKINDS ? gc_kinds[k].name : NULL;
}

const char *gc_dir_name(int d)
{
    return d >= 0 && d < GC_NDIRS ? gc_dirs[d].name : NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

int gc_parse_sizes(const char *s, uint64_t *out, size_t *n, char *err, size_t errlen)
{
    *n = 0;
    if (strchr(s, ':')) {
        if (cxs_parse_sweep(s, out, GC_MAX_SIZES, n, err, errlen))
            return -1;
    } else {
        char buf[512], *items[GC_MAX_SIZES + 1];
        if (strlen(s) >= sizeof buf)
            return cxs_errf(err, errlen, "list too long");
        strcpy(buf, s);
        size_t k = cxs_split_commas(buf, items, GC_MAX_SIZES + 1);
        if (k > GC_MAX_SIZES)
            return cxs_errf(err, errlen, "more than %d sizes", GC_MAX_SIZES);
        for (size_t i = 0; i < k; i++)
            if (cxs_parse_size(items[i], &out[(*n)++], err, errlen))
                return -1;
    }
    if (*n == 0)
        return cxs_errf(err, errlen, "no sizes");
    qsort(out, *n, sizeof *out, cmp_u64);
    size_t m = 0;
    for (size_t i = 0; i < *n; i++)
        if (m == 0 || out[i] != out[m - 1])
            out[m++] = out[i];
    *n = m;
    if (out[m - 1] > GC_MAX_SIZE)
        return cxs_errf(err, errlen, "%" PRIu64 " bytes is over the 64G limit", out[m - 1]);
    return 0;
}

int gc_parse_devices(const char *s, int *out, size_t *n, int *all, char *err, size_t errlen)
{
    *all = strcmp(s, "all") == 0;
    *n = 0;
    if (*all)
        return 0;
    if (cxs_parse_idlist(s, out, GC_MAX_DEVICES, n, err, errlen))
        return -1;
    if (*n == 0)
        return cxs_errf(err, errlen, "an empty list");
    return 0;
}

size_t gc_plan_buffers(const int *kinds, size_t nkinds, const int *mem, size_t nmem,
                       struct gc_hostbuf *out, size_t max, char *note, size_t notelen)
{
    size_t nb = 0;
    if (note && notelen)
        note[0] = '\0';
    for (size_t k = 0; k < nkinds; k++) {
        const struct gc_kind *kd = &gc_kinds[kinds[k]];
        if (kd->pin == GC_MALLOCHOST) {
            if (nb < max)
                out[nb++] = (struct gc_hostbuf){.kind = kinds[k]};
        } else if (kd->node_set) {
            if (nmem < 2) {
                if (note && notelen) {
                    size_t l = strlen(note);
                    snprintf(note + l, notelen - l, "%s%s left out: it needs two memory nodes",
                             l ? "; " : "", kd->name);
                }
                continue;
            }
            if (nb < max) {
                out[nb] = (struct gc_hostbuf){.kind = kinds[k], .nnodes = (int)nmem};
                memcpy(out[nb++].nodes, mem, nmem * sizeof *mem);
            }
        } else {
            for (size_t i = 0; i < nmem && nb < max; i++)
                out[nb++] = (struct gc_hostbuf){.kind = kinds[k], .nodes = {mem[i]}, .nnodes = 1};
        }
    }
    return nb;
}

uint64_t gc_host_bytes(uint64_t max_size, const int *dirs, size_t ndirs)
{
    int copies = 0;
    for (size_t i = 0; i < ndirs; i++)
        if (gc_dirs[dirs[i]].host_copies > copies)
            copies = gc_dirs[dirs[i]].host_copies;
    return max_size * (uint64_t)copies;
}

unsigned gc_batch_for(double one_s, double target_s, unsigned max)
{
    if (!(one_s > 0) || one_s >= target_s)
        return 1;
    double b = target_s / one_s + 0.999999;
    return b >= max ? max : (unsigned)b;
}

void gc_fmt_nodes(const int *nodes, size_t n, char *buf, size_t len)
{
    size_t l = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && l < len; i++)
        l += (size_t)snprintf(buf + l, len - l, "%s%d", i ? "+" : "", nodes[i]);
}

void gc_fmt_classes(const struct cxs_topo *t, int cpu_node, const int *nodes, size_t n, char *buf,
                    size_t len)
{
    size_t l = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && l < len; i++)
        l += (size_t)snprintf(buf + l, len - l, "%s%s", i ? "+" : "",
                              cxs_class_name(cxs_topo_classify(t, nodes[i], cpu_node)));
}

void gc_fmt_placement(const struct cxs_topo *t, const uint64_t *pages4k, char *buf, size_t len)
{
    size_t l = 0;
    buf[0] = '\0';
    for (int i = 0; i < t->nnodes && l < len; i++)
        if (pages4k[i])
            l += (size_t)snprintf(buf + l, len - l, "%s%d:%" PRIu64, l ? " " : "", t->nodes[i].id,
                                  pages4k[i] * 4096);
}

size_t gc_nodes_holding(const struct cxs_topo *t, const uint64_t *pages4k, int *out)
{
    size_t n = 0;
    for (int i = 0; i < t->nnodes; i++)
        if (pages4k[i])
            out[n++] = t->nodes[i].id;
    return n;
}

int gc_pci_node(const char *busid)
{
    char id[64], rel[128];
    size_t i;
    for (i = 0; busid[i] && i + 1 < sizeof id; i++)
        id[i] = (char)tolower((unsigned char)busid[i]);
    id[i] = '\0';
    if (!id[0] || strchr(id, '/'))
        return -1;
    snprintf(rel, sizeof rel, "bus/pci/devices/%s/numa_node", id);
    int64_t v;
    if (cxs_sysfs_read_i64(rel, &v) || v < 0 || v >= 65536)
        return -1;
    return (int)v;
}
