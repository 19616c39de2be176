/* memory.c — node-placed buffers: check capacity, map, bind, touch, verify. */
#include "memory.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <numaif.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
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

static void human(uint64_t bytes, char *buf, size_t len)
{
    if (bytes >= GIB)
        snprintf(buf, len, "%.1f GiB", (double)bytes / (double)GIB);
    else
        snprintf(buf, len, "%.1f MiB", (double)bytes / (double)MIB);
}

/* ---- the lock ----
 *
 * One mutex, alloc_lock, serialises what in this file is shared between
 * threads (callers need no lock of their own):
 * - the capacity check and the first touch that uses the capacity up: two
 *   threads checking one node's free memory before either touched would both
 *   pass and together meet the OOM killer; under the lock the later check
 *   sees what the earlier allocation took (cxs_buf_alloc_segs holds it from
 *   check_capacity through touch; the placement check after it needs none);
 * - the hugetlb pools: reading nr_hugepages/free_hugepages, writing
 *   nr_hugepages (a read-modify-write of a system-wide value), the table of
 *   reservations and its counts of buffers using each;
 * - touch()'s SIGBUS handler (a process-wide setting, saved and restored)
 *   and its jump buffer.
 * cxs_buf_precheck() takes it to read the pools consistently, cxs_buf_free()
 * to give reservations back. munmap(), smaps and move_pages() need none
 * (cxs_pages_where's buffers are on the caller's stack).
 *
 * The exit hook (restore_all) never takes it: it runs at exit(), maybe while
 * another thread is inside an allocation holding the lock, and on a second
 * Ctrl-C in a signal handler that may have interrupted the holder itself (a
 * mutex there would deadlock). Instead each reservation slot carries an
 * atomic state (lock-free, so usable in a signal handler) that the hook
 * claims with a compare-and-swap:
 *   FREE -> ARMED       under the lock, after path and prev are filled in and
 *                       before nr_hugepages is written (an interruption
 *                       after the write finds the slot armed);
 *   ARMED -> FREE       under the lock, when the last buffer using it is
 *                       freed, after prev is written back;
 *   ARMED -> RESTORING -> FREE   by the hook, which writes prev in between.
 * Writing prev twice (free and hook racing at exit) is harmless. The hook
 * first sets `exiting`; a reservation checks it after its write and, if set,
 * writes prev back itself and fails, so one racing the hook at exit() cannot
 * leave the pool raised either way round.
 */

static pthread_mutex_t alloc_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- hugetlb pool reservations, given back at free and at any exit ---- */

enum { RES_FREE, RES_ARMED, RES_RESTORING };

/* One slot per pool (node and page size) raised; buffers on the same pool
 * share it, and the pool goes back to its value before the first of them
 * when the last is freed (freeing in any order leaves it as it was). */
static struct reservation {
    atomic_int state; /* RES_*: read and claimed by the hook without the lock */
    int users;        /* buffers holding it (under the lock) */
    char path[256];   /* absolute path of nr_hugepages */
    char prev[24];    /* value to write back */
} reservations[2 * CXS_MAX_NODES];
static atomic_int exiting;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2,
               "the exit hook needs lock-free atomics in a signal handler");

/* async-signal-safe: open/write/close only. */
static void write_prev(const struct reservation *r)
{
    int fd = open(r->path, O_WRONLY | O_TRUNC);
    if (fd >= 0) {
        ssize_t w = write(fd, r->prev, strlen(r->prev));
        (void)w;
        close(fd);
    }
}

/* Exit hook: takes no lock (see "the lock" above). */
static void restore_all(void *arg)
{
    (void)arg;
    atomic_store(&exiting, 1);
    for (size_t i = 0; i < sizeof reservations / sizeof reservations[0]; i++) {
        int armed = RES_ARMED;
        if (atomic_compare_exchange_strong(&reservations[i].state, &armed, RES_RESTORING)) {
            write_prev(&reservations[i]);
            atomic_store(&reservations[i].state, RES_FREE);
        }
    }
}

/* Under the lock: a buffer stops using slot i. */
static void release_locked(int i)
{
    struct reservation *r = &reservations[i];
    if (--r->users > 0)
        return;
    write_prev(r);
    int armed = RES_ARMED;
    atomic_compare_exchange_strong(&r->state, &armed, RES_FREE); /* else the hook has it */
}

/* Under the lock: the slot for the pool at path (shared if already raised),
 * armed, with one more user; -1 if none is free or the program is exiting. */
static int claim_locked(const char *path, int64_t nr)
{
    static int hook;
    if (!hook && cxs_exit_hook_add(restore_all, NULL) == 0)
        hook = 1;
    int slot = -1;
    for (int i = 0; i < (int)(sizeof reservations / sizeof reservations[0]); i++) {
        int st = atomic_load(&reservations[i].state);
        if (st == RES_ARMED && !strcmp(reservations[i].path, path)) {
            reservations[i].users++;
            return i;
        }
        if (st == RES_FREE && slot < 0)
            slot = i;
    }
    if (slot < 0 || atomic_load(&exiting))
        return -1;
    struct reservation *r = &reservations[slot];
    snprintf(r->path, sizeof r->path, "%s", path);
    snprintf(r->prev, sizeof r->prev, "%" PRId64, nr);
    r->users = 1;
    atomic_store(&r->state, RES_ARMED);
    return slot;
}

static int pool_read(int node, enum cxs_page pg, const char *what, int64_t *v)
{
    char rel[160];
    snprintf(rel, sizeof rel, "devices/system/node/node%d/hugepages/%s/%s", node,
             page_kinds[pg].pool, what);
    return cxs_sysfs_read_i64(rel, v);
}

/* A reservation of `more` pages of kind pg on node must leave the same
 * headroom the 4 KiB capacity check keeps: 0, or fail with the node's free
 * memory (and its size when that is what is short). */
static int room_for_pages(const struct cxs_topo *t, int node, enum cxs_page pg, uint64_t more,
                          char *err, size_t errlen)
{
    uint64_t bytes = more * page_kinds[pg].bytes, avail = cxs_node_avail_bytes(t, node);
    const struct cxs_node *nd = cxs_topo_node(t, node);
    if (bytes + HEADROOM <= avail)
        return 0;
    char want[32], have[32], total[32];
    human(bytes, want, sizeof want);
    human(avail, have, sizeof have);
    human(nd ? nd->mem_total : 0, total, sizeof total);
    if (nd && bytes + HEADROOM > nd->mem_total)
        return cxs_errc(CXS_EXIT_FAIL, err, errlen,
                        "node %d is too small for %" PRIu64
                        " more %s huge pages (%s): it has %s in "
                        "all, keeping 64 MiB for the system",
                        node, more, page_kinds[pg].name, want, total);
    return cxs_errc(CXS_EXIT_FAIL, err, errlen,
                    "node %d cannot hold %" PRIu64
                    " more %s huge pages (%s): it has %s free (free + "
                    "reclaimable, keeping 64 MiB for the system)",
                    node, more, page_kinds[pg].name, want, have);
}

/* Make sure node has `need` free huge pages of kind pg, reserving if asked
 * (only what the node can give with the usual headroom). With b == NULL
 * only check (a reservation is assumed possible for root). Called under the
 * lock. */
static int ensure_pool(const struct cxs_topo *t, struct cxs_buf *b, int node, enum cxs_page pg,
                       uint64_t need, int reserve, char *err, size_t errlen)
{
    int64_t nr = 0, fr = 0;
    char rel[160];
    snprintf(rel, sizeof rel, "devices/system/node/node%d/hugepages/%s/nr_hugepages", node,
             page_kinds[pg].pool);
    if (pool_read(node, pg, "nr_hugepages", &nr) || pool_read(node, pg, "free_hugepages", &fr))
        return cxs_errc(CXS_EXIT_FAIL, err, errlen,
                        "node %d has no %s hugetlb pool (kernel without %s pages?)", node,
                        page_kinds[pg].name, page_kinds[pg].name);
    if ((uint64_t)fr >= need)
        return 0;
    uint64_t want = (uint64_t)nr + (need - (uint64_t)fr);
    char path[256];
    cxs_sysfs_path(path, sizeof path, "%s", rel);
    if (!reserve)
        return cxs_errc(CXS_EXIT_FAIL, err, errlen,
                        "node %d has %" PRId64 " free %s huge pages, %" PRIu64
                        " needed: reserve them with 'echo %" PRIu64 " > %s' (as root) or run with "
                        "--reserve-hugepages",
                        node, fr, page_kinds[pg].name, need, want, path);
    if (geteuid() != 0)
        return cxs_errc(CXS_EXIT_FAIL, err, errlen,
                        "--reserve-hugepages needs root (node %d has %" PRId64
                        " free %s huge pages, %" PRIu64 " needed)",
                        node, fr, page_kinds[pg].name, need);
    if (room_for_pages(t, node, pg, need - (uint64_t)fr, err, errlen))
        return CXS_EXIT_FAIL;
    if (!b)
        return 0;
    int slot = claim_locked(path, nr);
    if (slot < 0)
        return cxs_errc(CXS_EXIT_FAIL, err, errlen,
                        atomic_load(&exiting) ? "not reserving huge pages: the program is exiting"
                                              : "too many huge page reservations");
    b->reserved[b->nreserved++] = slot;
    char val[24];
    snprintf(val, sizeof val, "%" PRIu64, want);
    if (cxs_sysfs_write_str(rel, val))
        return cxs_errc(CXS_EXIT_FAIL, err, errlen,
                        "cannot reserve huge pages: writing %s to %s: %s", val, path,
                        strerror(errno));
    if (atomic_load(&exiting)) { /* the hook may have run before our write */
        write_prev(&reservations[slot]);
        return cxs_errc(CXS_EXIT_FAIL, err, errlen,
                        "not reserving huge pages: the program is exiting");
    }
    if (pool_read(node, pg, "free_hugepages", &fr) || (uint64_t)fr < need)
        return cxs_errc(CXS_EXIT_FAIL, err, errlen,
                        "asked the kernel for %" PRIu64
                        " %s huge pages on node %d but only %" PRId64
                        " are free (the node had room for them: its free memory is too fragmented "
                        "into smaller pieces)",
                        need, page_kinds[pg].name, node, fr);
    return 0;
}

/* ---- capacity ---- */

/* Bytes each node (by topology index) must hold for the segments: a
 * one-node policy puts the whole range there, the spreading ones an even
 * share (weighted: as if even; the check guards against the OOM killer, not
 * a forecast). The segments' nodes are in the topology (validated). */
static void node_needs(const struct cxs_topo *t, const struct cxs_seg *segs, int nsegs, size_t g,
                       uint64_t need[CXS_MAX_NODES])
{
    memset(need, 0, CXS_MAX_NODES * sizeof need[0]);
    for (int i = 0; i < nsegs; i++) {
        const struct cxs_nodeset *ns = &segs[i].nodes;
        uint64_t units = (segs[i].len + g - 1) / g, k = (uint64_t)cxs_nodeset_count(ns);
        for (int id = cxs_nodeset_next(ns, -1); id >= 0; id = cxs_nodeset_next(ns, id)) {
            int idx = cxs_topo_index(t, id);
            if (idx >= 0)
                need[idx] += (units + k - 1) / k * g;
        }
    }
}

/* Whether each node can hold need[idx] bytes now (the hugetlb pool raised
 * for b when reserving; b NULL: checked only). */
static int check_needs(const struct cxs_topo *t, const uint64_t *need, enum cxs_page page,
                       int reserve, struct cxs_buf *b, char *err, size_t errlen)
{
    size_t g = page_kinds[page].bytes;
    for (int idx = 0; idx < t->nnodes; idx++) {
        int node = t->nodes[idx].id;
        if (!need[idx])
            continue;
        if (page_kinds[page].hugetlb) {
            int rc = ensure_pool(t, b, node, page, need[idx] / g, reserve, err, errlen);
            if (rc)
                return rc;
            continue;
        }
        uint64_t avail = cxs_node_avail_bytes(t, node);
        if (need[idx] + HEADROOM > avail) {
            char want[32], have[32];
            human(need[idx], want, sizeof want);
            human(avail, have, sizeof have);
            return cxs_errc(CXS_EXIT_FAIL, err, errlen,
                            "node %d cannot hold %s: it has %s free (free + reclaimable, "
                            "keeping 64 MiB for the system)",
                            node, want, have);
        }
    }
    return 0;
}

static int check_capacity(const struct cxs_topo *t, const struct cxs_seg *segs, int nsegs,
                          enum cxs_page page, int reserve, struct cxs_buf *b, char *err,
                          size_t errlen)
{
    uint64_t need[CXS_MAX_NODES];
    node_needs(t, segs, nsegs, page_kinds[page].bytes, need);
    return check_needs(t, need, page, reserve, b, err, errlen);
}

/* ---- touching, with hugetlb shortages turned into errors ---- */

/* Under the lock: the SIGBUS handler is process-wide and the jump buffer
 * shared. */

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
    enum { CHUNK = 1024 }; /* pages per move_pages() call; 12 KiB of stack */
    void *pages[CHUNK];
    int status[CHUNK];
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
            if (counts[i] && !cxs_nodeset_has(&segs[s].nodes, id)) {
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
        return cxs_errc(
            CXS_EXIT_FAIL, err, errlen,
            "placement check failed: %" PRIu64 " of %" PRIu64
            " pages landed on node %d (and elsewhere), not where the %s policy put them "
            "(--allow-fallback measures anyway)",
            b->pages_elsewhere, total, t->nodes[worst].id, cxs_policy_name(segs[worst_seg].policy));
    }
    if (b->pages_unknown)
        return cxs_errc(CXS_EXIT_FAIL, err, errlen,
                        "placement check failed: move_pages() could not place %" PRIu64
                        " of %" PRIu64 " pages (--allow-fallback measures anyway)",
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
        return cxs_errc(CXS_EXIT_USAGE, err, errlen, "size must be greater than 0");
    int one = q->policy == CXS_POL_PREFERRED;
    if (q->nnodes < 1 || (one && q->nnodes != 1))
        return cxs_errc(CXS_EXIT_USAGE, err, errlen, "the %s policy takes %s",
                        cxs_policy_name(q->policy), one ? "exactly one node" : "one or more nodes");
    memset(seg, 0, sizeof *seg);
    seg->len = q->size;
    seg->policy = q->policy;
    for (int i = 0; i < q->nnodes; i++) {
        const struct cxs_node *n = cxs_topo_node(t, q->nodes[i]);
        if (!n || !cxs_node_has_memory(n))
            return cxs_errc(CXS_EXIT_USAGE, err, errlen, "node %d has no memory", q->nodes[i]);
        if (q->nodes[i] >= CXS_NODESET_MAX)
            return cxs_errc(CXS_EXIT_USAGE, err, errlen, "node ID %d is too large", q->nodes[i]);
        if (cxs_nodeset_has(&seg->nodes, q->nodes[i]))
            return cxs_errc(CXS_EXIT_USAGE, err, errlen, "node %d is named twice", q->nodes[i]);
        cxs_nodeset_add(&seg->nodes, q->nodes[i]);
    }
    return 0;
}

/* Checks segments against the topology and sums their length. */
static int validate_segs(const struct cxs_topo *t, const struct cxs_seg *segs, int nsegs,
                         enum cxs_page page, size_t *total, char *err, size_t errlen)
{
    if (nsegs < 1 || nsegs > CXS_MAX_SEGS)
        return cxs_errc(CXS_EXIT_USAGE, err, errlen, "%d ranges: between 1 and %d allowed", nsegs,
                        CXS_MAX_SEGS);
    *total = 0;
    for (int s = 0; s < nsegs; s++) {
        const struct cxs_seg *g = &segs[s];
        if (g->len == 0 || (s < nsegs - 1 && g->len % page_kinds[page].bytes))
            return cxs_errc(CXS_EXIT_USAGE, err, errlen,
                            "range %d: %zu bytes is not a positive multiple of the %s page", s,
                            g->len, page_kinds[page].name);
        int k = cxs_nodeset_count(&g->nodes);
        if (!k || (g->policy == CXS_POL_PREFERRED && k != 1))
            return cxs_errc(CXS_EXIT_USAGE, err, errlen, "range %d: the %s policy takes %s", s,
                            cxs_policy_name(g->policy),
                            g->policy == CXS_POL_PREFERRED ? "exactly one node"
                                                           : "one or more nodes");
        for (int id = cxs_nodeset_next(&g->nodes, -1); id >= 0;
             id = cxs_nodeset_next(&g->nodes, id)) {
            const struct cxs_node *n = cxs_topo_node(t, id);
            if (!n || !cxs_node_has_memory(n))
                return cxs_errc(CXS_EXIT_USAGE, err, errlen, "node %d has no memory", id);
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
    pthread_mutex_lock(&alloc_lock);
    rc = check_capacity(t, &seg, 1, q->page, q->reserve_hugepages, NULL, err, errlen);
    pthread_mutex_unlock(&alloc_lock);
    return rc;
}

int cxs_segs_need(const struct cxs_topo *t, const struct cxs_seg *segs, int nsegs,
                  enum cxs_page page, uint64_t need[CXS_MAX_NODES], char *err, size_t errlen)
{
    size_t size;
    int rc = validate_segs(t, segs, nsegs, page, &size, err, errlen);
    if (rc)
        return rc;
    uint64_t add[CXS_MAX_NODES];
    node_needs(t, segs, nsegs, page_kinds[page].bytes, add);
    for (int idx = 0; idx < CXS_MAX_NODES; idx++)
        need[idx] += add[idx];
    return 0;
}

int cxs_needs_precheck(const struct cxs_topo *t, const uint64_t need[CXS_MAX_NODES],
                       enum cxs_page page, int reserve_hugepages, char *err, size_t errlen)
{
    pthread_mutex_lock(&alloc_lock);
    int rc = check_needs(t, need, page, reserve_hugepages, NULL, err, errlen);
    pthread_mutex_unlock(&alloc_lock);
    return rc;
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

static int bind_range(void *p, size_t len, const struct cxs_seg *g, char *err, size_t errlen)
{
    /* maxnode = highest ID + 2: the kernel reads maxnode - 1 bits */
    int maxid = cxs_nodeset_max(&g->nodes);
    if (!mbind(p, len, policies[g->policy].mode, g->nodes.bits, (unsigned long)maxid + 2, 0))
        return 0;
    int e = errno;
    return cxs_errc(
        e == EINVAL && g->policy >= CXS_POL_PREFERRED_MANY ? CXS_EXIT_SKIP : CXS_EXIT_FAIL, err,
        errlen, "mbind(%s) failed: %s%s", cxs_policy_name(g->policy), strerror(e),
        e == EINVAL && g->policy == CXS_POL_WEIGHTED ? " (weighted interleave needs Linux >= 6.9)"
        : e == EINVAL && g->policy == CXS_POL_PREFERRED_MANY
            ? " (preferred-many needs Linux >= 5.15)"
            : "");
}

/* Under the lock: map b->map_size bytes, apply each range's policy, touch. */
static int map_bind_touch(const struct cxs_seg *segs, int nsegs, enum cxs_page page,
                          struct cxs_buf *b, char *err, size_t errlen)
{
    const struct page_kind *pk = &page_kinds[page];
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
    if (pk->hugetlb)
        flags |= MAP_HUGETLB | ((pk->bytes == GIB ? 30 : 21) << MAP_HUGE_SHIFT);
    b->p = map_aligned(b->map_size, pk->bytes, flags);
    if (b->p == MAP_FAILED) {
        b->p = NULL;
        return cxs_errc(CXS_EXIT_FAIL, err, errlen, "mmap of %zu bytes (%s pages) failed: %s",
                        b->map_size, pk->name, strerror(errno));
    }
    if (!pk->hugetlb &&
        madvise(b->p, b->map_size, page == CXS_PAGE_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
        return cxs_errc(CXS_EXIT_FAIL, err, errlen, "madvise(%s) failed: %s",
                        page == CXS_PAGE_THP ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE",
                        strerror(errno));
    size_t off = 0;
    for (int s = 0; s < nsegs; s++) {
        size_t len = s == nsegs - 1 ? b->map_size - off : segs[s].len;
        int rc = bind_range((char *)b->p + off, len, &segs[s], err, errlen);
        if (rc)
            return rc;
        off += len;
    }
    if (touch(b->p, b->map_size))
        return cxs_errc(
            CXS_EXIT_FAIL, err, errlen,
            "ran out of %s huge pages while touching the buffer (SIGBUS): a node's pool "
            "is smaller than it said",
            pk->name);
    return 0;
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
    b->page = page;
    b->size = size;
    b->map_size = rounded(size, page);
    pthread_mutex_lock(&alloc_lock);
    rc = check_capacity(t, segs, nsegs, page, reserve_hugepages, b, err, errlen);
    if (!rc)
        rc = map_bind_touch(segs, nsegs, page, b, err, errlen);
    pthread_mutex_unlock(&alloc_lock);
    if (!rc) {
        read_page_size(b);
        rc = verify(t, segs, nsegs, allow_fallback, b, err, errlen);
    }
    if (rc)
        cxs_buf_free(b);
    return rc;
}

double cxs_buf_on_node_pct(const struct cxs_buf *b)
{
    uint64_t on = 0;
    for (int i = 0; i < CXS_MAX_NODES; i++)
        on += b->pages_on[i];
    return cxs_pages_pct(on - b->pages_elsewhere, cxs_buf_pages(b));
}

uint64_t cxs_buf_pages(const struct cxs_buf *b)
{
    return b->map_size / BASE_PAGE;
}

uint64_t cxs_buf_pages_on(const struct cxs_buf *b, const struct cxs_topo *t, int node_id)
{
    int idx = cxs_topo_index(t, node_id);
    return idx >= 0 ? b->pages_on[idx] : 0;
}

uint64_t cxs_buf_pages_on_set(const struct cxs_buf *b, const struct cxs_topo *t,
                              const struct cxs_nodeset *s)
{
    uint64_t on = 0;
    for (int i = 0; i < t->nnodes; i++)
        if (cxs_nodeset_has(s, t->nodes[i].id))
            on += b->pages_on[i];
    return on;
}

double cxs_pages_pct(uint64_t on, uint64_t all)
{
    return all ? 100.0 * (double)on / (double)all : 0;
}

double cxs_buf_pct_on(const struct cxs_buf *b, const struct cxs_topo *t,
                      const struct cxs_nodeset *s)
{
    return cxs_pages_pct(cxs_buf_pages_on_set(b, t, s), cxs_buf_pages(b));
}

void cxs_buf_free(struct cxs_buf *b)
{
    if (b->p)
        munmap(b->p, b->map_size);
    b->p = NULL;
    if (b->nreserved) {
        pthread_mutex_lock(&alloc_lock);
        for (int i = 0; i < b->nreserved; i++)
            release_locked(b->reserved[i]);
        pthread_mutex_unlock(&alloc_lock);
    }
    b->nreserved = 0;
}
