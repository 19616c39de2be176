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

/* Debian 12's headers predate these modes. */
#ifndef MPOL_PREFERRED_MANY
#define MPOL_PREFERRED_MANY 5
#endif
#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif

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
    [CXS_POL_PREFERRED_MANY] = {"preferred-many", MPOL_PREFERRED_MANY},
    [CXS_POL_WEIGHTED] = {"weighted", MPOL_WEIGHTED_INTERLEAVE},
};

const char *cxs_policy_name(enum cxs_policy p)
{
    return policies[p].name;
}

int cxs_policy_parse(const char *s)
{
    return CXS_NAME_LOOKUP_IN(policies, CXS_NPOLICIES, name, 1, s);
}

const char *cxs_page_name(enum cxs_page p)
{
    return page_kinds[p].name;
}

int cxs_page_parse(const char *s)
{
    return CXS_NAME_LOOKUP_IN(page_kinds, CXS_NPAGES, name, 0, s);
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

static int popcount64(uint64_t m)
{
    return __builtin_popcountll(m);
}

/* Bytes each node (by ID) must hold for the segments: a one-node policy puts
 * the whole range there, the spreading ones an even share (weighted: as if
 * even; the check guards against the OOM killer, not a forecast). */
static void node_needs(const struct cxs_seg *segs, int nsegs, size_t g,
                       uint64_t need[CXS_MAX_NODES])
{
    memset(need, 0, CXS_MAX_NODES * sizeof need[0]);
    for (int i = 0; i < nsegs; i++) {
        uint64_t units = (segs[i].len + g - 1) / g, k = (uint64_t)popcount64(segs[i].nodes);
        for (int id = 0; id < CXS_MAX_NODES; id++)
            if (segs[i].nodes >> id & 1)
                need[id] += (units + k - 1) / k * g;
    }
}

static int check_capacity(const struct cxs_topo *t, const struct cxs_seg *segs, int nsegs,
                          enum cxs_page page, int reserve, struct cxs_buf *b, char *err,
                          size_t errlen)
{
    size_t g = page_kinds[page].bytes;
    uint64_t need[CXS_MAX_NODES];
    node_needs(segs, nsegs, g, need);
    for (int node = 0; node < CXS_MAX_NODES; node++) {
        if (!need[node])
            continue;
        if (page_kinds[page].hugetlb) {
            int rc = ensure_pool(b, node, page, need[node] / g, reserve, err, errlen);
            if (rc)
                return rc;
            continue;
        }
        uint64_t avail = cxs_node_avail_bytes(t, node);
        if (need[node] + HEADROOM > avail) {
            char want[32], have[32];
            human(need[node], want, sizeof want);
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

/* Count where the pages of each segment are and check them against the
 * segment's policy: preferred and bind/spreading policies alike accept only
 * the nodes named (preferred names one). */
static int verify(const struct cxs_topo *t, const struct cxs_seg *segs, int nsegs,
                  int allow_fallback, struct cxs_buf *b, char *err, size_t errlen)
{
    memset(b->pages_on, 0, sizeof b->pages_on);
    b->pages_unknown = b->pages_elsewhere = 0;
    uint64_t worst_n[CXS_MAX_NODES] = {0};
    int worst_seg = -1;
    size_t off = 0;
    for (int s = 0; s < nsegs; s++) {
        size_t len = s == nsegs - 1 ? b->map_size - off : segs[s].len;
        uint64_t counts[CXS_MAX_NODES];
        b->pages_unknown += cxs_pages_where(t, (char *)b->p + off, len, counts);
        for (int i = 0; i < t->nnodes; i++) {
            b->pages_on[i] += counts[i];
            int id = t->nodes[i].id;
            if (counts[i] && !(id < 64 && segs[s].nodes >> id & 1)) {
                b->pages_elsewhere += counts[i];
                worst_n[i] += counts[i];
                if (worst_seg < 0)
                    worst_seg = s;
            }
        }
        off += len;
    }
    if (allow_fallback)
        return 0;
    uint64_t total = b->map_size / BASE_PAGE;
    if (b->pages_elsewhere) {
        int worst = 0;
        for (int i = 1; i < t->nnodes; i++)
            worst = worst_n[i] > worst_n[worst] ? i : worst;
        return fail(CXS_EXIT_FAIL, err, errlen,
                    "placement check failed: %" PRIu64 " of %" PRIu64
                    " pages landed on node %d (and elsewhere), not where the %s policy put them "
                    "(--allow-fallback measures anyway)",
                    b->pages_elsewhere, total, t->nodes[worst].id,
                    cxs_policy_name(segs[worst_seg].policy));
    }
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

/* Checks a request can make sense on this topology and turns it into one
 * segment. */
static int validate(const struct cxs_topo *t, const struct cxs_alloc_req *q, struct cxs_seg *seg,
                    char *err, size_t errlen)
{
    if (q->size == 0)
        return fail(CXS_EXIT_USAGE, err, errlen, "size must be greater than 0");
    int one = q->policy == CXS_POL_PREFERRED;
    if (q->nnodes < 1 || (one && q->nnodes != 1))
        return fail(CXS_EXIT_USAGE, err, errlen, "the %s policy takes %s",
                    cxs_policy_name(q->policy), one ? "exactly one node" : "one or more nodes");
    memset(seg, 0, sizeof *seg);
    seg->len = q->size;
    seg->policy = q->policy;
    for (int i = 0; i < q->nnodes; i++) {
        const struct cxs_node *n = cxs_topo_node(t, q->nodes[i]);
        if (!n || !cxs_node_has_memory(n))
            return fail(CXS_EXIT_USAGE, err, errlen, "node %d has no memory", q->nodes[i]);
        if (q->nodes[i] >= CXS_MAX_NODES || q->nodes[i] >= 64)
            return fail(CXS_EXIT_USAGE, err, errlen, "node ID %d is too large", q->nodes[i]);
        if (seg->nodes >> q->nodes[i] & 1)
            return fail(CXS_EXIT_USAGE, err, errlen, "node %d is named twice", q->nodes[i]);
        seg->nodes |= UINT64_C(1) << q->nodes[i];
    }
    return 0;
}

/* Checks segments against the topology and sums their length. */
static int validate_segs(const struct cxs_topo *t, const struct cxs_seg *segs, int nsegs,
                         enum cxs_page page, size_t *total, char *err, size_t errlen)
{
    if (nsegs < 1 || nsegs > CXS_MAX_SEGS)
        return fail(CXS_EXIT_USAGE, err, errlen, "%d ranges: between 1 and %d allowed", nsegs,
                    CXS_MAX_SEGS);
    *total = 0;
    for (int s = 0; s < nsegs; s++) {
        const struct cxs_seg *g = &segs[s];
        if (g->len == 0 || (s < nsegs - 1 && g->len % page_kinds[page].bytes))
            return fail(CXS_EXIT_USAGE, err, errlen,
                        "range %d: %zu bytes is not a positive multiple of the %s page", s, g->len,
                        page_kinds[page].name);
        if (!g->nodes || (g->policy == CXS_POL_PREFERRED && popcount64(g->nodes) != 1))
            return fail(CXS_EXIT_USAGE, err, errlen, "range %d: the %s policy takes %s", s,
                        cxs_policy_name(g->policy),
                        g->policy == CXS_POL_PREFERRED ? "exactly one node" : "one or more nodes");
        for (int id = 0; id < 64; id++) {
            const struct cxs_node *n = g->nodes >> id & 1 ? cxs_topo_node(t, id) : NULL;
            if (g->nodes >> id & 1 && (!n || !cxs_node_has_memory(n)))
                return fail(CXS_EXIT_USAGE, err, errlen, "node %d has no memory", id);
        }
        *total += g->len;
    }
    return 0;
}

static size_t rounded(size_t size, enum cxs_page page)
{
    size_t g = page_kinds[page].bytes;
    return (size + g - 1) / g * g;
}

int cxs_buf_precheck(const struct cxs_topo *t, const struct cxs_alloc_req *q, char *err,
                     size_t errlen)
{
    struct cxs_seg seg;
    int rc = validate(t, q, &seg, err, errlen);
    if (rc)
        return rc;
    seg.len = rounded(q->size, q->page);
    return check_capacity(t, &seg, 1, q->page, q->reserve_hugepages, NULL, err, errlen);
}

int cxs_buf_alloc(const struct cxs_topo *t, const struct cxs_alloc_req *q, struct cxs_buf *b,
                  char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    struct cxs_seg seg;
    int rc = validate(t, q, &seg, err, errlen);
    if (rc)
        return rc;
    return cxs_buf_alloc_segs(t, &seg, 1, q->page, q->allow_fallback, q->reserve_hugepages, b, err,
                              errlen);
}

int cxs_buf_alloc_segs(const struct cxs_topo *t, const struct cxs_seg *segs, int nsegs,
                       enum cxs_page page, int allow_fallback, int reserve_hugepages,
                       struct cxs_buf *b, char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    size_t size = 0;
    int rc = validate_segs(t, segs, nsegs, page, &size, err, errlen);
    if (rc)
        return rc;
    const struct page_kind *pk = &page_kinds[page];
    b->page = page;
    b->size = size;
    b->map_size = rounded(size, page);
    rc = check_capacity(t, segs, nsegs, page, reserve_hugepages, b, err, errlen);
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
        madvise(b->p, b->map_size, page == CXS_PAGE_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) {
        rc = fail(CXS_EXIT_FAIL, err, errlen, "madvise(%s) failed: %s",
                  page == CXS_PAGE_THP ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE", strerror(errno));
        goto out;
    }
    size_t off = 0;
    for (int s = 0; s < nsegs; s++) {
        size_t len = s == nsegs - 1 ? b->map_size - off : segs[s].len;
        unsigned long mask[1] = {(unsigned long)segs[s].nodes};
        int maxid = 63 - __builtin_clzll(segs[s].nodes);
        if (mbind((char *)b->p + off, len, policies[segs[s].policy].mode, mask,
                  (unsigned long)maxid + 2, 0)) {
            int e = errno;
            rc = fail(e == EINVAL && segs[s].policy >= CXS_POL_PREFERRED_MANY ? CXS_EXIT_SKIP
                                                                              : CXS_EXIT_FAIL,
                      err, errlen, "mbind(%s) failed: %s%s", cxs_policy_name(segs[s].policy),
                      strerror(e),
                      e == EINVAL && segs[s].policy == CXS_POL_WEIGHTED
                          ? " (weighted interleave needs Linux >= 6.9)"
                      : e == EINVAL && segs[s].policy == CXS_POL_PREFERRED_MANY
                          ? " (preferred-many needs Linux >= 5.15)"
                          : "");
            goto out;
        }
        off += len;
    }
    if (touch(b->p, b->map_size)) {
        rc = fail(CXS_EXIT_FAIL, err, errlen,
                  "ran out of %s huge pages while touching the buffer (SIGBUS): a node's pool "
                  "is smaller than it said",
                  pk->name);
        goto out;
    }
    read_page_size(b);
    rc = verify(t, segs, nsegs, allow_fallback, b, err, errlen);
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
