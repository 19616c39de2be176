/* filler.c — locked filler pages on one node, until a chosen size is free. */
#include "filler.h"

#include <errno.h>
#include <inttypes.h>
#include <numaif.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "cli.h"
#include "nodeset.h"
#include "sysfs.h"

int64_t cxs_node_free_bytes(int node)
{
    char rel[96], text[8192];
    snprintf(rel, sizeof rel, "devices/system/node/node%d/meminfo", node);
    if (cxs_sysfs_read_str(rel, text, sizeof text) != 0)
        return -1;
    const char *p = strstr(text, "MemFree:");
    unsigned long long kb;
    int end = 0; /* set only when " kB" follows the number */
    if (!p || sscanf(p, "MemFree: %llu kB%n", &kb, &end) != 1 || !end ||
        kb > (unsigned long long)INT64_MAX / 1024) /* a "-" read by %llu wraps to here too */
        return -1;
    return (int64_t)(kb * 1024);
}

uint64_t cxs_fill_step(uint64_t free, uint64_t want, uint64_t max_chunk)
{
    if (free <= want)
        return 0;
    uint64_t take = free - want, max = max_chunk & ~4095ULL;
    if (take > max)
        take = max;
    return take & ~4095ULL;
}

/* One chunk of len bytes bound to node and locked; 0, or an exit code. */
static int take_chunk(int node, size_t len, void **out, char *err, size_t errlen)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return cxs_errf(err, errlen, "filler: mmap of %zu bytes: %s", len, strerror(errno)),
               CXS_EXIT_FAIL;
    struct cxs_nodeset ns = {0};
    cxs_nodeset_add(&ns, node);
    if (mbind(p, len, MPOL_BIND, ns.bits, CXS_NODESET_MAX, 0) != 0) {
        int e = errno;
        munmap(p, len);
        return cxs_errf(err, errlen, "filler: mbind to node %d: %s", node, strerror(e)),
               CXS_EXIT_FAIL;
    }
    madvise(p, len, MADV_NOHUGEPAGE); /* 4 KiB pages: the filler lands to the page */
    if (mlock(p, len) != 0) {
        int e = errno;
        munmap(p, len);
        if (e == EPERM || e == EAGAIN || e == ENOMEM)
            return cxs_errf(err, errlen,
                            "filler: cannot lock %zu bytes on node %d (%s): run as root or raise "
                            "RLIMIT_MEMLOCK (ulimit -l)",
                            len, node, strerror(e)),
                   CXS_EXIT_SKIP;
        return cxs_errf(err, errlen, "filler: mlock on node %d: %s", node, strerror(e)),
               CXS_EXIT_FAIL;
    }
    *out = p;
    return 0;
}

int cxs_filler_fill(int node, uint64_t want, struct cxs_filler *f, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    f->node = node;
    f->free_before = f->free_after = cxs_node_free_bytes(node);
    if (f->free_before < 0)
        return cxs_errf(err, errlen,
                        "cannot read node %d's free memory (devices/system/node/"
                        "node%d/meminfo under %s)",
                        node, node, cxs_sysfs_root()),
               CXS_EXIT_FAIL;
    while (f->nchunks < CXS_FILL_MAX_CHUNKS) {
        uint64_t len = cxs_fill_step((uint64_t)f->free_after, want, CXS_FILL_CHUNK);
        if (!len)
            break;
        int rc = take_chunk(node, (size_t)len, &f->chunk[f->nchunks], err, errlen);
        if (rc) {
            cxs_filler_free(f);
            return rc;
        }
        f->len[f->nchunks++] = (size_t)len;
        f->bytes += len;
        int64_t now = cxs_node_free_bytes(node);
        if (now < 0)
            break;
        f->free_after = now;
    }
    return 0;
}

void cxs_filler_free(struct cxs_filler *f)
{
    for (int i = 0; i < f->nchunks; i++)
        munmap(f->chunk[i], f->len[i]);
    f->nchunks = 0;
    f->bytes = 0;
}
