/* memory.c — node-placed buffers: check capacity, map, bind, touch, verify. */
#include "memory.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <numaif.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"
#include "interrupt.h"
#include "sysfs.h"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif

#define KIB 1024ull
#define MIB (1024ull * KIB)
#define GIB (1024ull * MIB)
#define BASE_PAGE 4096ull
/* Left free on a node so the kernel and the rest of the system can live. */
#define HEADROOM (64 * MIB)

static const struct page_kind {
    const char *name;
    size_t bytes;     /* granule */
    int hugetlb;      /* from the hugetlb pool */
    const char *pool; /* sysfs pool directory name */
} page_kinds[CXS_NPAGES] = {
    [CXS_PAGE_4K] = {"4k", 4 * KIB, 0, NULL},
    [CXS_PAGE_THP] = {"thp", 2 * MIB, 0, NULL},
    [CXS_PAGE_2M] = {"2m", 2 * MIB, 1, "hugepages-2048kB"},
    [CXS_PAGE_1G] = {"1g", 1 * GIB, 1, "hugepages-1048576kB"},
};

static const struct policy_kind {
    const char *name;
    int mode;
} policies[CXS_NPOLICIES] = {
    [CXS_POL_BIND] = {"bind", MPOL_BIND},
    [CXS_POL_PREFERRED] = {"preferred", MPOL_PREFERRED},
    [CXS_POL_INTERLEAVE] = {"interleave", MPOL_INTERLEAVE},
};

const char *cxs_policy_name(enum cxs_policy p)
{
    return policies[p].name;
}

int cxs_policy_parse(const char *s)
{
    for (int i = 0; i < CXS_NPOLICIES; i++)
        if (!strcmp(s, policies[i].name))
            return i;
    return -1;
}

const char *cxs_page_name(enum cxs_page p)
{
    return page_kinds[p].name;
}

int cxs_page_parse(const char *s)
{
    for (int i = 0; i < CXS_NPAGES; i++)
        if (!strcasecmp(s, page_kinds[i].name))
            return i;
    return -1;
}

size_t cxs_page_bytes(enum cxs_page p)
{
    return page_kinds[p].bytes;
}

static int fail(int code, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(int code, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return code;
}

static void human(uint64_t bytes, char *buf, size_t len)
{
    if (bytes >= GIB)
        snprintf(buf, len, "%.1f GiB", (double)bytes / (double)GIB);
    else
        snprintf(buf, len, "%.1f MiB", (double)bytes / (double)MIB);
}

/* ---- hugetlb pool reservations, given back at free and at any exit ---- */

static struct reservation {
    int used;
    char path[256]; /* absolute path of nr_hugepages */
    char prev[24];  /* value to write back */
} reservations[CXS_MAX_NODES];

static void restore_one(struct reservation *r)
{
    if (!r->used)
        return;
    int fd = open(r->path, O_WRONLY);
    if (fd >= 0) {
        ssize_t w = write(fd, r->prev, strlen(r->prev));
        (void)w;
        close(fd);
    }
    r->used = 0;
}

/* Exit hook: async-signal-safe (open/write/close only). */
static void restore_all(void *arg)
{
    (void)arg;
    for (int i = 0; i < CXS_MAX_NODES; i++)
        restore_one(&reservations[i]);
}

static int pool_read(int node, enum cxs_page pg, const char *what, int64_t *v)
{
    char rel[160];
    snprintf(rel, sizeof rel, "devices/system/node/node%d/hugepages/%s/%s", node,
             page_kinds[pg].pool, what);
    return cxs_sysfs_read_i64(rel, v);
}

/* Make sure node has `need` free huge pages of kind pg, reserving if asked.
 * With b == NULL only check (a reservation is assumed possible for root). */
static int ensure_pool(struct cxs_buf *b, int node, enum cxs_page pg, uint64_t need, int reserve,
                       char *err, size_t errlen)
{
    int64_t nr = 0, fr = 0;
    char rel[160];
    snprintf(rel, sizeof rel, "devices/system/node/node%d/hugepages/%s/nr_hugepages", node,
             page_kinds[pg].pool);
    if (pool_read(node, pg, "nr_hugepages", &nr) || pool_read(node, pg, "free_hugepages", &fr))
        return fail(CXS_EXIT_FAIL, err, errlen,
                    "node %d has no %s hugetlb pool (kernel without %s pages?)", node,
                    page_kinds[pg].name, page_kinds[pg].name);
    if ((uint64_t)fr >= need)
        return 0;
    uint64_t want = (uint64_t)nr + (need - (uint64_t)fr);
    char path[256];
    cxs_sysfs_path(path, sizeof path, "%s", rel);
    if (!reserve)
        return fail(CXS_EXIT_FAIL, err, errlen,
                    "node %d has %" PRId64 " free %s huge pages, %" PRIu64
                    " needed: reserve them with 'echo %" PRIu64 " > %s' (as root) or run with "
                    "--reserve-hugepages",
                    node, fr, page_kinds[pg].name, need, want, path);
    if (!b)
        return geteuid() == 0 ? 0
                              : fail(CXS_EXIT_FAIL, err, errlen,
                                     "--reserve-hugepages needs root (node %d has %" PRId64
                                     " free %s huge pages, %" PRIu64 " needed)",
                                     node, fr, page_kinds[pg].name, need);
    int slot = -1;
    for (int i = 0; i < CXS_MAX_NODES && slot < 0; i++)
        if (!reservations[i].used)
            slot = i;
    if (slot < 0)
        return fail(CXS_EXIT_FAIL, err, errlen, "too many huge page reservations");
    struct reservation *r = &reservations[slot];
    snprintf(r->path, sizeof r->path, "%s", path);
    snprintf(r->prev, sizeof r->prev, "%" PRId64, nr);
    static int hook;
    if (!hook && cxs_exit_hook_add(restore_all, NULL) == 0)
        hook = 1;
    r->used = 1;
    b->reserved[b->nreserved++] = slot;
    char val[24];
    snprintf(val, sizeof val, "%" PRIu64, want);
    if (cxs_sysfs_write_str(rel, val))
        return fail(CXS_EXIT_FAIL, err, errlen, "cannot reserve huge pages: writing %s to %s: %s",
                    val, path, strerror(errno));
    if (pool_read(node, pg, "free_hugepages", &fr) || (uint64_t)fr < need)
        return fail(CXS_EXIT_FAIL, err, errlen,
                    "asked the kernel for %" PRIu64 " %s huge pages on node %d but only %" PRId64
                    " are free (memory too fragmented?)",
                    need, page_kinds[pg].name, node, fr);
    return 0;
}

/* ---- capacity ---- */

static int check_capacity(const struct cxs_topo *t, const struct cxs_alloc_req *q, size_t map_size,
                          struct cxs_buf *b, char *err, size_t errlen)
{
    /* Interleave spreads evenly; bind/preferred must fit on the first node
     * (anything else would be the silent fallback we refuse). */
    int spread = q->policy == CXS_POL_INTERLEAVE ? q->nnodes : 1;
    size_t g = page_kinds[q->page].bytes;
    uint64_t per_node = (map_size / g + (uint64_t)spread - 1) / (uint64_t)spread * g;
    for (int i = 0; i < spread; i++) {
        int node = q->nodes[i];
        if (page_kinds[q->page].hugetlb) {
            int rc = ensure_pool(b, node, q->page, per_node / g, q->reserve_hugepages, err, errlen);
            if (rc)
                return rc;
            continue;
        }
        uint64_t avail = cxs_node_avail_bytes(t, node);
        if (per_node + HEADROOM > avail) {
            char want[32], have[32];
            human(per_node, want, sizeof want);
            human(avail, have, sizeof have);
            return fail(CXS_EXIT_FAIL, err, errlen,
                        "node %d cannot hold %s: it has %s free (free + reclaimable, "
                        "keeping 64 MiB for the system)",
                        node, want, have);
        }
    }
    return 0;
}

/* ---- touching, with hugetlb shortages turned into errors ---- */

static sigjmp_buf touch_jmp;
static void on_sigbus(int sig)
{
    (void)sig;
    siglongjmp(touch_jmp, 1);
}

static int touch(void *p, size_t len)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigbus;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &old);
    volatile int ok = 1;
    if (sigsetjmp(touch_jmp, 1) == 0) {
        for (size_t off = 0; off < len; off += BASE_PAGE)
            ((volatile char *)p)[off] = 0;
    } else {
        ok = 0;
    }
    sigaction(SIGBUS, &old, NULL);
    return ok ? 0 : -1;
}

/* ---- verification ---- */

uint64_t cxs_pages_where(const struct cxs_topo *t, const void *p, size_t len,
                         uint64_t counts[CXS_MAX_NODES])
{
    enum { CHUNK = 65536 };
    static void *pages[CHUNK];
    static int status[CHUNK];
    uint64_t bad = 0, n = len / BASE_PAGE;
    memset(counts, 0, CXS_MAX_NODES * sizeof counts[0]);
    for (uint64_t done = 0; done < n;) {
        size_t k = n - done < CHUNK ? (size_t)(n - done) : CHUNK;
        for (size_t i = 0; i < k; i++)
            pages[i] = (char *)p + (done + i) * BASE_PAGE;
        if (move_pages(0, k, pages, NULL, status, 0) != 0) {
            bad += k;
        } else {
            for (size_t i = 0; i < k; i++) {
                int idx = status[i] >= 0 ? cxs_topo_index(t, status[i]) : -1;
                if (idx >= 0)
                    counts[idx]++;
                else
                    bad++;
            }
        }
        done += k;
    }
    return bad;
}

static int verify(const struct cxs_topo *t, const struct cxs_alloc_req *q, struct cxs_buf *b,
                  char *err, size_t errlen)
{
    int nexpect = q->policy == CXS_POL_PREFERRED ? 1 : q->nnodes;
    b->pages_unknown = cxs_pages_where(t, b->p, b->map_size, b->pages_on);
    b->pages_elsewhere = 0;
    int worst = -1;
    for (int i = 0; i < t->nnodes; i++) {
        int expected = 0;
        for (int j = 0; j < nexpect; j++)
            expected |= q->nodes[j] == t->nodes[i].id;
        if (!expected && b->pages_on[i]) {
            b->pages_elsewhere += b->pages_on[i];
            if (worst < 0 || b->pages_on[i] > b->pages_on[worst])
                worst = i;
        }
    }
    if (q->allow_fallback)
        return 0;
    uint64_t total = b->map_size / BASE_PAGE;
    if (b->pages_elsewhere)
        return fail(CXS_EXIT_FAIL, err, errlen,
                    "placement check failed: %" PRIu64 " of %" PRIu64
                    " pages landed on node %d (and elsewhere), not where the %s policy put them "
                    "(--allow-fallback measures anyway)",
                    b->pages_elsewhere, total, t->nodes[worst].id, cxs_policy_name(q->policy));
    if (b->pages_unknown)
        return fail(CXS_EXIT_FAIL, err, errlen,
                    "placement check failed: move_pages() could not place %" PRIu64 " of %" PRIu64
                    " pages (--allow-fallback measures anyway)",
                    b->pages_unknown, total);
    return 0;
}

/* Page size in effect, from the smaps entries covering the buffer. */
static void read_page_size(struct cxs_buf *b)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    uintptr_t lo = (uintptr_t)b->p, hi = lo + b->map_size;
    uint64_t kps = 0, thp = 0, hugetlb = 0;
    int in = 0;
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        uintptr_t s, e;
        unsigned long long v;
        if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &s, &e) == 2 && strchr(line, ' ') &&
            line[strcspn(line, " ") - 1] != ':') {
            in = s < hi && e > lo;
            continue;
        }
        if (!in)
            continue;
        if (sscanf(line, "KernelPageSize: %llu kB", &v) == 1)
            kps = v * KIB > kps ? v * KIB : kps;
        else if (sscanf(line, "AnonHugePages: %llu kB", &v) == 1)
            thp += v * KIB;
        else if (sscanf(line, "Private_Hugetlb: %llu kB", &v) == 1 ||
                 sscanf(line, "Shared_Hugetlb: %llu kB", &v) == 1)
            hugetlb += v * KIB;
    }
    if (f)
        fclose(f);
    b->kernel_page_bytes = kps;
    if (kps >= GIB || (hugetlb && kps >= 2 * MIB)) {
        snprintf(b->page_used, sizeof b->page_used, "%s", kps >= GIB ? "1g" : "2m");
        b->huge_fraction = (double)hugetlb / (double)b->map_size;
    } else {
        b->huge_fraction = (double)thp / (double)b->map_size;
        snprintf(b->page_used, sizeof b->page_used, "%s",
                 thp == 0 ? "4k" : (b->huge_fraction >= 0.99 ? "thp" : "4k+thp"));
    }
}

/* ---- allocation ---- */

static void *map_aligned(size_t len, size_t align, int flags)
{
    if (flags & MAP_HUGETLB || align <= BASE_PAGE)
        return mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
    /* THP wants 2 MiB-aligned ranges: over-map, then trim. */
    char *p = mmap(NULL, len + align, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED)
        return p;
    uintptr_t a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
    if (a > (uintptr_t)p)
        munmap(p, a - (uintptr_t)p);
    size_t tail = (size_t)((uintptr_t)p + len + align - (a + len));
    if (tail)
        munmap((char *)a + len, tail);
    return (void *)a;
}

/* Checks a request can make sense on this topology; fills the mbind mask. */
static int validate(const struct cxs_topo *t, const struct cxs_alloc_req *q, unsigned long *mask,
                    int *maxid, char *err, size_t errlen)
{
    if (q->size == 0)
        return fail(CXS_EXIT_USAGE, err, errlen, "size must be greater than 0");
    if (q->nnodes < 1 || (q->policy != CXS_POL_INTERLEAVE && q->nnodes != 1))
        return fail(CXS_EXIT_USAGE, err, errlen, "the %s policy takes %s",
                    cxs_policy_name(q->policy),
                    q->policy == CXS_POL_INTERLEAVE ? "one or more nodes" : "exactly one node");
    *maxid = 0;
    for (int i = 0; i < q->nnodes; i++) {
        const struct cxs_node *n = cxs_topo_node(t, q->nodes[i]);
        if (!n || !cxs_node_has_memory(n))
            return fail(CXS_EXIT_USAGE, err, errlen, "node %d has no memory", q->nodes[i]);
        if (q->nodes[i] >= CXS_MAX_NODES)
            return fail(CXS_EXIT_USAGE, err, errlen, "node ID %d is too large", q->nodes[i]);
        mask[q->nodes[i] / 64] |= 1ul << (q->nodes[i] % 64);
        *maxid = q->nodes[i] > *maxid ? q->nodes[i] : *maxid;
    }
    return 0;
}

static size_t rounded(const struct cxs_alloc_req *q)
{
    size_t g = page_kinds[q->page].bytes;
    return (q->size + g - 1) / g * g;
}

int cxs_buf_precheck(const struct cxs_topo *t, const struct cxs_alloc_req *q, char *err,
                     size_t errlen)
{
    unsigned long mask[CXS_MAX_NODES / 64 + 1] = {0};
    int maxid;
    int rc = validate(t, q, mask, &maxid, err, errlen);
    return rc ? rc : check_capacity(t, q, rounded(q), NULL, err, errlen);
}

int cxs_buf_alloc(const struct cxs_topo *t, const struct cxs_alloc_req *q, struct cxs_buf *b,
                  char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    unsigned long mask[CXS_MAX_NODES / 64 + 1] = {0};
    int maxid;
    int rc = validate(t, q, mask, &maxid, err, errlen);
    if (rc)
        return rc;
    const struct page_kind *pk = &page_kinds[q->page];
    b->page = q->page;
    b->size = q->size;
    b->map_size = rounded(q);
    rc = check_capacity(t, q, b->map_size, b, err, errlen);
    if (rc)
        goto out;

    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
    if (pk->hugetlb)
        flags |= MAP_HUGETLB | ((pk->bytes == GIB ? 30 : 21) << MAP_HUGE_SHIFT);
    b->p = map_aligned(b->map_size, pk->bytes, flags);
    if (b->p == MAP_FAILED) {
        b->p = NULL;
        rc = fail(CXS_EXIT_FAIL, err, errlen, "mmap of %zu bytes (%s pages) failed: %s",
                  b->map_size, pk->name, strerror(errno));
        goto out;
    }
    if (!pk->hugetlb &&
        madvise(b->p, b->map_size, q->page == CXS_PAGE_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) {
        rc = fail(CXS_EXIT_FAIL, err, errlen, "madvise(%s) failed: %s",
                  q->page == CXS_PAGE_THP ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE", strerror(errno));
        goto out;
    }
    if (mbind(b->p, b->map_size, policies[q->policy].mode, mask,
              (unsigned long)(maxid / 64 + 1) * 64 + 1, 0)) {
        rc = fail(CXS_EXIT_FAIL, err, errlen, "mbind(%s) failed: %s", cxs_policy_name(q->policy),
                  strerror(errno));
        goto out;
    }
    if (touch(b->p, b->map_size)) {
        rc = fail(CXS_EXIT_FAIL, err, errlen,
                  "ran out of %s huge pages while touching the buffer (SIGBUS): the pool on "
                  "node %d is smaller than it said",
                  pk->name, q->nodes[0]);
        goto out;
    }
    read_page_size(b);
    rc = verify(t, q, b, err, errlen);
out:
    if (rc)
        cxs_buf_free(b);
    return rc;
}

double cxs_buf_on_node_pct(const struct cxs_buf *b)
{
    uint64_t total = b->map_size / 4096, on = 0;
    for (int i = 0; i < CXS_MAX_NODES; i++)
        on += b->pages_on[i];
    on -= b->pages_elsewhere;
    return total ? 100.0 * (double)on / (double)total : 0;
}

void cxs_buf_free(struct cxs_buf *b)
{
    if (b->p)
        munmap(b->p, b->map_size);
    b->p = NULL;
    for (int i = 0; i < b->nreserved; i++)
        restore_one(&reservations[b->reserved[i]]);
    b->nreserved = 0;
}
