/* vm_check — checks that need a kernel with several NUMA nodes, run inside
 * the QEMU test guests (tests/vm/). Prints TAP lines ("ok - ...",
 * "not ok - ...", "ok - ... # SKIP why"); exit 0 when nothing failed.
 *
 *   vm_check topo            nodes, CPU-less nodes, classes per initiator,
 *                            SLIT distances and HMAT values against what the
 *                            guest shape declares (environment, see below)
 *   vm_check place           bind / preferred on every memory node and
 *                            interleave over all of them through the
 *                            project's allocator, each page checked with an
 *                            independent move_pages() query; pages moved
 *                            behind the allocator's back are seen elsewhere
 *   vm_check weighted        MPOL_WEIGHTED_INTERLEAVE (kernel >= 6.9) gives
 *                            pages in the ratio of the node weights
 *   vm_check words NODE SIZE [STEP]
 *                            a SIZE buffer bound to NODE (SIZE "all": all
 *                            the node has available, less 8 MiB) written,
 *                            then read back: every 8-byte word of its first
 *                            and last MiB, and between them the first and
 *                            last word of every STEP-byte block (default
 *                            256, the smallest CXL interleave granule, the
 *                            unit an address decoder routes; 8: every word)
 *
 * Expectations (from the kernel command line of the guest shape):
 *   VM_NODES     online node IDs, e.g. "0,1,2,4"
 *   VM_CPUNODES  nodes with CPUs, e.g. "0,1"
 *   VM_CXL       nodes that are CXL memory, e.g. "4" (may be empty)
 *   VM_DIST      SLIT entries "a-b:d,...", e.g. "0-1:21,0-2:30,1-2:35"
 *   VM_HMAT      access0 entries target@initiator:latency_ns:bandwidth_MBps,
 *                e.g. "2@0:250:5120"
 */
#include <errno.h>
#include <numaif.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"
#include "memory.h"
#include "topology.h"

#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif

static int failures;

static void tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tap(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s - ", ok ? "ok" : "not ok");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    if (!ok)
        failures++;
}

static void skip(const char *name, const char *why)
{
    printf("ok - %s # SKIP %s\n", name, why);
    fflush(stdout);
}

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("# ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

/* A node ID list from the environment; -1 when the variable is malformed. */
static int env_ids(const char *var, int *out, size_t max, size_t *n)
{
    const char *s = getenv(var);
    char err[256];
    *n = 0;
    if (!s || !*s)
        return 0;
    if (cxs_parse_idlist(s, out, max, n, err, sizeof err) != 0) {
        tap(0, "%s=%s parses: %s", var, s, err);
        return -1;
    }
    return 0;
}

static int in_list(int id, const int *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (l[i] == id)
            return 1;
    return 0;
}

static const char *list_str(const int *l, size_t n, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%d", i ? "," : "", l[i]);
    return buf;
}

static int load_topo(struct cxs_topo *t)
{
    char err[256];
    if (cxs_topo_load(t, err, sizeof err) != 0) {
        tap(0, "topology loads: %s", err);
        return -1;
    }
    return 0;
}

/* Load the topology; the IDs of the nodes with memory into mem[]. Returns
 * their number, -1 (reported) if the topology does not load. */
static int load_mem_nodes(struct cxs_topo *t, int mem[CXS_MAX_NODES])
{
    int nm = 0;
    if (load_topo(t))
        return -1;
    for (int i = 0; i < t->nnodes; i++)
        if (cxs_node_has_memory(&t->nodes[i]))
            mem[nm++] = t->nodes[i].id;
    return nm;
}

static int cmd_topo(void)
{
    struct cxs_topo t;
    int want[CXS_MAX_NODES], cpun[CXS_MAX_NODES], cxl[CXS_MAX_NODES];
    size_t nwant, ncpun, ncxl;
    char a[256], b[256];

    if (env_ids("VM_NODES", want, CXS_MAX_NODES, &nwant) || !nwant ||
        env_ids("VM_CPUNODES", cpun, CXS_MAX_NODES, &ncpun) ||
        env_ids("VM_CXL", cxl, CXS_MAX_NODES, &ncxl)) {
        tap(0, "guest shape declares VM_NODES, VM_CPUNODES, VM_CXL");
        return 1;
    }
    if (load_topo(&t))
        return 1;

    int have[CXS_MAX_NODES], nhave = 0;
    for (int i = 0; i < t.nnodes; i++)
        have[nhave++] = t.nodes[i].id;
    tap(nhave == (int)nwant && memcmp(have, want, nwant * sizeof *have) == 0,
        "topology: nodes %s (expected %s)", list_str(have, (size_t)nhave, a, sizeof a),
        list_str(want, nwant, b, sizeof b));

    /* Which nodes have CPUs, and therefore which are CPU-less. */
    int got_cpun[CXS_MAX_NODES], ngot = 0;
    for (int i = 0; i < t.nnodes; i++)
        if (t.nodes[i].ncpus > 0)
            got_cpun[ngot++] = t.nodes[i].id;
    tap(ngot == (int)ncpun && memcmp(got_cpun, cpun, ncpun * sizeof *cpun) == 0,
        "topology: nodes with CPUs %s (expected %s), the others CPU-less",
        list_str(got_cpun, (size_t)ngot, a, sizeof a), list_str(cpun, ncpun, b, sizeof b));

    for (int i = 0; i < t.nnodes; i++) {
        const struct cxs_node *m = &t.nodes[i];
        tap(m->mem_total > 0, "topology: node %d has memory (%llu MiB)", m->id,
            (unsigned long long)(m->mem_total >> 20));
        int is_cxl = in_list(m->id, cxl, ncxl);
        tap(m->cxl == is_cxl, "topology: node %d CXL evidence %s (expected %s)%s%s", m->id,
            m->cxl ? "found" : "none", is_cxl ? "some" : "none", m->cxl ? ": " : "",
            m->cxl_evidence);
    }

    /* Classes for each initiator node: itself LDRAM, other CPU nodes RDRAM,
     * CXL nodes CXL, other CPU-less nodes CPULESS. */
    for (size_t c = 0; c < ncpun; c++) {
        for (int i = 0; i < t.nnodes; i++) {
            int m = t.nodes[i].id;
            enum cxs_mem_class want_class = m == cpun[c]              ? CXS_LDRAM
                                            : in_list(m, cpun, ncpun) ? CXS_RDRAM
                                            : in_list(m, cxl, ncxl)   ? CXS_CXL
                                                                      : CXS_CPULESS;
            enum cxs_mem_class got = cxs_topo_classify(&t, m, cpun[c]);
            tap(got == want_class,
                "classes: memory node %d seen from CPU node %d is %s (expected %s)", m, cpun[c],
                cxs_class_name(got), cxs_class_name(want_class));
        }
    }

    /* CXL memory sits in a memory tier of its own, below the DRAM nodes. */
    for (size_t k = 0; k < ncxl; k++) {
        const struct cxs_node *x = cxs_topo_node(&t, cxl[k]);
        const struct cxs_node *d = cxs_topo_node(&t, cpun[0]);
        if (!x || !d || x->tier < 0 || d->tier < 0) {
            skip("topology: CXL node in its own memory tier", "no memory_tiering in sysfs");
            continue;
        }
        tap(x->tier != d->tier, "topology: CXL node %d in memory tier %d, DRAM node %d in tier %d",
            x->id, x->tier, d->id, d->tier);
    }

    /* SLIT distances, both directions. */
    const char *dist = getenv("VM_DIST");
    char buf[512];
    snprintf(buf, sizeof buf, "%s", dist ? dist : "");
    for (char *save = NULL, *e = strtok_r(buf, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
        int x, y, d;
        if (sscanf(e, "%d-%d:%d", &x, &y, &d) != 3) {
            tap(0, "VM_DIST entry '%s' is a-b:d", e);
            continue;
        }
        int dxy = cxs_topo_distance(&t, x, y), dyx = cxs_topo_distance(&t, y, x);
        tap(dxy == d && dyx == d, "topology: distance %d<->%d is %d/%d (expected %d)", x, y, dxy,
            dyx, d);
    }

    /* HMAT access0 attributes. */
    const char *hmat = getenv("VM_HMAT");
    snprintf(buf, sizeof buf, "%s", hmat ? hmat : "");
    for (char *save = NULL, *e = strtok_r(buf, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
        int tgt, ini;
        long long lat, bw;
        if (sscanf(e, "%d@%d:%lld:%lld", &tgt, &ini, &lat, &bw) != 4) {
            tap(0, "VM_HMAT entry '%s' is target@initiator:latency:bandwidth", e);
            continue;
        }
        const struct cxs_node *n = cxs_topo_node(&t, tgt);
        if (!n) {
            tap(0, "HMAT: node %d exists", tgt);
            continue;
        }
        const struct cxs_hmat *h = &n->hmat[0];
        char ini_s[16];
        snprintf(ini_s, sizeof ini_s, "%d", ini);
        tap(h->present && strcmp(h->initiators, ini_s) == 0 && h->read_latency_ns == lat &&
                h->write_latency_ns == lat && h->read_bandwidth_mbps == bw &&
                h->write_bandwidth_mbps == bw,
            "HMAT: node %d access0 initiators '%s' latency %lld/%lld ns bandwidth %lld/%lld MB/s "
            "(expected '%d' %lld ns %lld MB/s)",
            tgt, h->initiators, (long long)h->read_latency_ns, (long long)h->write_latency_ns,
            (long long)h->read_bandwidth_mbps, (long long)h->write_bandwidth_mbps, ini, lat, bw);
    }
    cxs_topo_free(&t);
    return failures ? 1 : 0;
}

/* Independent of the project's code: one move_pages() query for every
 * 4 KiB page; counts per node ID (index = node ID), returns pages whose
 * status was an error. */
static long where(const void *p, size_t len, long counts[CXS_MAX_NODES])
{
    size_t n = len / 4096;
    void **pages = calloc(n, sizeof *pages);
    int *status = calloc(n, sizeof *status);
    long bad = 0;
    memset(counts, 0, CXS_MAX_NODES * sizeof counts[0]);
    if (!pages || !status || n == 0) {
        bad = (long)n + 1;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        pages[i] = (char *)p + i * 4096;
    if (move_pages(0, n, pages, NULL, status, 0) != 0) {
        bad = (long)n;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (status[i] >= 0 && status[i] < CXS_MAX_NODES)
            counts[status[i]]++;
        else
            bad++;
    }
out:
    free(pages);
    free(status);
    return bad;
}

static const char *counts_str(const long counts[CXS_MAX_NODES], char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < CXS_MAX_NODES && o < len; i++)
        if (counts[i])
            o += (size_t)snprintf(buf + o, len - o, "%sN%d=%ld", o ? " " : "", i, counts[i]);
    return buf;
}

enum { NPAGES = 256 };

static void place_one(const struct cxs_topo *t, enum cxs_policy pol, const int *nodes, int nn)
{
    struct cxs_alloc_req q = {
        .size = (size_t)NPAGES * nn * 4096, .policy = pol, .nnodes = nn, .page = CXS_PAGE_4K};
    struct cxs_buf b;
    char err[512], what[128], cs[256];
    long counts[CXS_MAX_NODES];
    memcpy(q.nodes, nodes, (size_t)nn * sizeof *nodes);
    snprintf(what, sizeof what, "placement: %s on node%s %s", cxs_policy_name(pol),
             nn > 1 ? "s" : "", list_str(nodes, (size_t)nn, cs, sizeof cs));
    int rc = cxs_buf_alloc(t, &q, &b, err, sizeof err);
    if (rc != 0) {
        tap(0, "%s: allocation failed: %s", what, err);
        return;
    }
    long bad = where(b.p, b.map_size, counts);
    int ok = bad == 0;
    if (pol == CXS_POL_INTERLEAVE) {
        /* The VMA policy is set before the first touch: exact round robin. */
        for (int i = 0; i < nn; i++)
            ok = ok && counts[nodes[i]] == NPAGES;
    } else {
        ok = ok && counts[nodes[0]] == NPAGES;
    }
    /* The allocator's own account must agree with the independent query. */
    int agree = b.pages_elsewhere == 0 && b.pages_unknown == 0;
    for (int i = 0; i < t->nnodes; i++)
        agree = agree && (long)b.pages_on[i] == counts[t->nodes[i].id];
    tap(ok && agree, "%s: %s, %ld unknown; allocator agrees: %s", what,
        counts_str(counts, cs, sizeof cs), bad, agree ? "yes" : "no");
    cxs_buf_free(&b);
}

/* Pages moved after allocation are seen where they went: the verification
 * the benchmarks rely on reads the kernel, not the request. */
static void moved_behind_back(const struct cxs_topo *t, int from, int to)
{
    struct cxs_alloc_req q = {
        .size = NPAGES * 4096, .policy = CXS_POL_BIND, .nnodes = 1, .page = CXS_PAGE_4K};
    struct cxs_buf b;
    char err[512];
    q.nodes[0] = from;
    if (cxs_buf_alloc(t, &q, &b, err, sizeof err) != 0) {
        tap(0, "placement: pages moved %d->%d are seen there: allocation failed: %s", from, to,
            err);
        return;
    }
    /* A bound VMA only lets pages go where its policy allows: widen it to
     * both nodes. (Not MPOL_DEFAULT: NUMA balancing scans default-policy
     * memory, and while a page carries a NUMA hint, kernel 6.1's
     * move_pages() reports it as absent, -ENOENT.) */
    unsigned long both[CXS_MAX_NODES / 64 + 1] = {0};
    both[from / 64] |= 1UL << (from % 64);
    both[to / 64] |= 1UL << (to % 64);
    int mbrc = mbind(b.p, b.map_size, MPOL_BIND, both, CXS_MAX_NODES + 1, 0);
    void *pages[NPAGES / 2];
    int nodes[NPAGES / 2], status[NPAGES / 2];
    for (int i = 0; i < NPAGES / 2; i++) {
        pages[i] = (char *)b.p + (size_t)i * 2 * 4096; /* every other page */
        nodes[i] = to;
    }
    long mr = move_pages(0, NPAGES / 2, pages, nodes, status, MPOL_MF_MOVE);
    int merr = errno;
    uint64_t counts[CXS_MAX_NODES];
    errno = 0;
    uint64_t bad = cxs_pages_where(t, b.p, b.map_size, counts);
    if (bad || mr) {
        long mine[CXS_MAX_NODES], mbad = where(b.p, b.map_size, mine);
        char cs[256];
        diag("move_pages(MOVE) returned %ld (%s), statuses %d %d %d; cxs_pages_where errno %s; "
             "an independent query: %s, %ld unknown",
             mr, mr < 0 ? strerror(merr) : "-", status[0], status[1], status[2],
             errno ? strerror(errno) : "0", counts_str(mine, cs, sizeof cs), mbad);
    }
    int fi = cxs_topo_index(t, from), ti = cxs_topo_index(t, to);
    tap(mbrc == 0 && mr == 0 && bad == 0 && counts[fi] == NPAGES / 2 && counts[ti] == NPAGES / 2,
        "placement: %d of %d pages moved %d->%d are seen there (cxs_pages_where: %llu on %d, %llu "
        "on %d, %llu unknown)",
        NPAGES / 2, NPAGES, from, to, (unsigned long long)counts[fi], from,
        (unsigned long long)counts[ti], to, (unsigned long long)bad);
    cxs_buf_free(&b);
}

static int cmd_place(void)
{
    struct cxs_topo t;
    int mem[CXS_MAX_NODES], nm = load_mem_nodes(&t, mem);
    if (nm < 0)
        return 1;
    for (int i = 0; i < nm; i++) {
        place_one(&t, CXS_POL_BIND, &mem[i], 1);
        place_one(&t, CXS_POL_PREFERRED, &mem[i], 1);
    }
    if (nm >= 2) {
        place_one(&t, CXS_POL_INTERLEAVE, mem, nm);
        for (int i = 0; i + 1 < nm; i++) {
            int pair[2] = {mem[i], mem[nm - 1]};
            if (pair[0] != pair[1])
                place_one(&t, CXS_POL_INTERLEAVE, pair, 2);
        }
        for (int i = 0; i < nm; i++)
            moved_behind_back(&t, mem[i], mem[(i + 1) % nm]);
    } else {
        skip("placement: interleave", "fewer than two memory nodes");
    }
    cxs_topo_free(&t);
    return failures ? 1 : 0;
}

static int write_sysfs(const char *path, const char *val)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int rc = fputs(val, f) < 0;
    rc |= fclose(f) != 0;
    return rc ? -1 : 0;
}

static int cmd_weighted(void)
{
    const char *dir = "/sys/kernel/mm/mempolicy/weighted_interleave";
    struct cxs_topo t;
    char path[256];
    if (access(dir, F_OK) != 0) {
        skip("placement: weighted interleave", "the guest kernel has no weighted interleave "
                                               "(/sys/kernel/mm/mempolicy/weighted_interleave)");
        return 0;
    }
    int mem[CXS_MAX_NODES], nm = load_mem_nodes(&t, mem);
    if (nm < 0)
        return 1;
    if (nm < 2) {
        skip("placement: weighted interleave", "fewer than two memory nodes");
        cxs_topo_free(&t);
        return 0;
    }
    /* Weights 1, 2, 3, ... on the memory nodes: pages in that ratio. */
    unsigned long mask[CXS_MAX_NODES / 64 + 1] = {0};
    int wsum = 0, ok = 1;
    for (int i = 0; i < nm; i++) {
        char w[16];
        snprintf(path, sizeof path, "%s/node%d", dir, mem[i]);
        snprintf(w, sizeof w, "%d", i + 1);
        if (write_sysfs(path, w) != 0) {
            tap(0, "placement: weighted interleave: write %s: %s", path, strerror(errno));
            ok = 0;
        }
        mask[mem[i] / 64] |= 1UL << (mem[i] % 64);
        wsum += i + 1;
    }
    size_t len = (size_t)wsum * 64 * 4096;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long counts[CXS_MAX_NODES], bad = -1;
    char cs[256];
    if (p != MAP_FAILED && ok) {
        madvise(p, len, MADV_NOHUGEPAGE);
        if (mbind(p, len, MPOL_WEIGHTED_INTERLEAVE, mask, CXS_MAX_NODES + 1, 0) != 0) {
            tap(0, "placement: weighted interleave: mbind: %s", strerror(errno));
            ok = 0;
        } else {
            for (size_t o = 0; o < len; o += 4096)
                ((volatile char *)p)[o] = 1;
            bad = where(p, len, counts);
            ok = bad == 0;
            for (int i = 0; i < nm; i++)
                ok = ok && counts[mem[i]] == (long)(i + 1) * 64;
            tap(ok, "placement: weighted interleave with weights 1..%d over %d nodes: %s", nm, nm,
                counts_str(counts, cs, sizeof cs));
        }
    }
    if (p != MAP_FAILED)
        munmap(p, len);
    cxs_topo_free(&t);
    return failures ? 1 : 0;
}

/* The value word i of a pass holds: its own offset mixed with a per-pass
 * seed, so two addresses decoding to one cell, a lost write or a read from
 * the wrong place all show. */
static uint64_t pattern(uint64_t i, uint64_t seed)
{
    return (i * 8) ^ seed;
}

/* A buffer bound to one node, without the allocator's 64 MiB keep-back, so
 * that nearly all of a node can be tested: mbind(MPOL_BIND) before the
 * first touch, 4 KiB pages. */
static void *map_bound(int node, size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    unsigned long mask[CXS_MAX_NODES / 64 + 1] = {0};
    mask[node / 64] |= 1UL << (node % 64);
    if (madvise(p, len, MADV_NOHUGEPAGE) != 0 ||
        mbind(p, len, MPOL_BIND, mask, CXS_MAX_NODES + 1, MPOL_MF_STRICT) != 0) {
        munmap(p, len);
        return NULL;
    }
    return p;
}

/* One pass over the words of w[0..n) the test covers, in address order:
 * every word of the first and last edge words, and between them the first
 * and last word of each block of bw words (bw 1: every word). Writes the
 * pattern (check 0) or counts the words that differ from it into *wrong,
 * the first at *first (check 1). Returns the words visited. */
static uint64_t words_pass(uint64_t *w, size_t n, size_t bw, size_t edge, uint64_t seed, int check,
                           uint64_t *wrong, size_t *first)
{
    uint64_t visited = 0;
    for (size_t i = 0; i < n;) {
        size_t at[2] = {i, i + bw - 1}, k = 1, step = 1;
        if (bw > 1 && i >= edge && i + bw + edge <= n)
            k = 2, step = bw; /* a block in the middle: its two ends */
        for (size_t j = 0; j < k; j++, visited++) {
            if (!check)
                w[at[j]] = pattern(at[j], seed);
            else if (w[at[j]] != pattern(at[j], seed) && !(*wrong)++)
                *first = at[j];
        }
        i += step;
    }
    return visited;
}

static int cmd_words(const char *node_s, const char *size_s, const char *step_s)
{
    struct cxs_topo t;
    uint64_t size = 0, node, step = 256;
    char err[512];
    if (cxs_parse_u64(node_s, 0, CXS_MAX_NODES - 1, &node, err, sizeof err) ||
        (strcmp(size_s, "all") != 0 && cxs_parse_size(size_s, &size, err, sizeof err)) ||
        (step_s && cxs_parse_u64(step_s, 8, 1 << 20, &step, err, sizeof err)) || step % 8) {
        fprintf(stderr, "vm_check words NODE SIZE|all [STEP]: %s\n",
                step % 8 ? "STEP is a multiple of 8" : err);
        return 2;
    }
    if (load_topo(&t))
        return 1;
    const struct cxs_node *nd = cxs_topo_node(&t, (int)node);
    uint64_t avail = cxs_node_avail_bytes(&t, (int)node), margin = 8ULL << 20;
    if (strcmp(size_s, "all") == 0)
        size = avail > 2 * margin ? (avail - margin) & ~((2ULL << 20) - 1) : 0;
    diag("node %d: %llu MiB total, %llu MiB available, testing %llu MiB", (int)node,
         nd ? (unsigned long long)(nd->mem_total >> 20) : 0ULL, (unsigned long long)(avail >> 20),
         (unsigned long long)(size >> 20));
    uint64_t *w = size ? map_bound((int)node, size) : NULL;
    if (!nd || !w) {
        tap(0, "words: %s of node %d bound there: %s", size_s, (int)node,
            !nd    ? "no such node"
            : size ? strerror(errno)
                   : "nothing available");
        cxs_topo_free(&t);
        return 1;
    }
    size_t n = size / 8, first = 0, edge = (1u << 20) / 8;
    const uint64_t seed = 0x5a5aa5a5c3c33c3cULL;
    uint64_t wrong = 0;
    uint64_t visited = words_pass(w, n, step / 8, edge, seed, 0, &wrong, &first);
    /* every page touched, so the placement check sees the whole buffer */
    for (size_t o = 0; o < n; o += 4096 / 8)
        ((volatile uint64_t *)w)[o] = pattern(o, seed);
    long counts[CXS_MAX_NODES], bad = where(w, size, counts);
    char cs[256], what[128];
    tap(bad == 0 && counts[node] == (long)(size / 4096),
        "words: all %llu pages of the %llu MiB buffer on node %d (%s)",
        (unsigned long long)(size / 4096), (unsigned long long)(size >> 20), (int)node,
        counts_str(counts, cs, sizeof cs));
    __asm__ __volatile__("" ::: "memory"); /* every store before any load */
    words_pass(w, n, step / 8, edge, seed, 1, &wrong, &first);
    if (step == 8)
        snprintf(what, sizeof what, "every one of %zu words", n);
    else
        snprintf(what, sizeof what,
                 "%llu words (the first and last MiB whole, both ends of every %llu-byte block "
                 "between)",
                 (unsigned long long)visited, (unsigned long long)step);
    tap(wrong == 0, "words: node %d, %s of %llu MiB written and read back: %llu wrong", (int)node,
        what, (unsigned long long)(size >> 20), (unsigned long long)wrong);
    if (wrong)
        diag("first wrong word at byte offset %llu: 0x%016llx, expected 0x%016llx",
             (unsigned long long)first * 8, (unsigned long long)w[first],
             (unsigned long long)pattern(first, seed));
    munmap(w, size);
    cxs_topo_free(&t);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 2 && strcmp(argv[1], "topo") == 0)
        return cmd_topo();
    if (argc == 2 && strcmp(argv[1], "place") == 0)
        return cmd_place();
    if (argc == 2 && strcmp(argv[1], "weighted") == 0)
        return cmd_weighted();
    if ((argc == 4 || argc == 5) && strcmp(argv[1], "words") == 0)
        return cmd_words(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
    fprintf(stderr, "usage: vm_check topo | place | weighted | words NODE SIZE|all [STEP]\n");
    return 2;
}
