/* memory.h — buffers placed on chosen NUMA nodes, with the placement verified.
 *
 * Promises:
 * - cxs_buf_alloc() maps anonymous memory, applies the policy with mbind()
 *   before any page exists, asks for the page size (4k: MADV_NOHUGEPAGE;
 *   thp: MADV_HUGEPAGE; 2m/1g: MAP_HUGETLB from the node's hugetlb pool),
 *   touches every page from the calling thread (so call it from the thread
 *   that will measure), then asks move_pages() where every page is.
 * - Before mapping it checks the nodes can hold the request (topology.h
 *   cxs_node_avail_bytes; hugetlb: the node's free huge pages) and fails with
 *   a message naming the free memory, instead of meeting the OOM killer.
 * - With a short hugetlb pool the message says how many pages to reserve and
 *   where; with reserve_hugepages set (root) it raises the node's pool for the
 *   run and gives the pages back in cxs_buf_free() and on any exit, Ctrl-C
 *   included (interrupt.h hooks).
 * - Placement: preferred expects every page on its node (the first given);
 *   bind, interleave, preferred-many and weighted every page on one of the
 *   nodes given. Any other page is an
 *   error that names the node it landed on, unless allow_fallback is set, in
 *   which case the counts are still reported.
 * - Thread-safe: callers need no lock. cxs_buf_alloc(), cxs_buf_alloc_segs(),
 *   cxs_buf_precheck(), cxs_buf_free() and cxs_pages_where() may run in
 *   several threads at once (each on its own struct cxs_buf, which is not
 *   locked); memory.c's own lock serialises the
 *   capacity check with the mapping and first touch that use it (so two
 *   threads cannot both count the same free memory), the hugetlb pools and
 *   their reservations, and the touch's SIGBUS handling. So allocations'
 *   first touches run one at a time; placement checks run in parallel.
 *   The exit hook that gives reserved pages back takes no lock (it may run
 *   in a signal handler that interrupted the lock's holder).
 * - Reservations are counted per pool: buffers on the same node's pool share
 *   one, and the pool goes back to its value before the first when the last
 *   of them is freed, whatever the order of the frees.
 * - Node IDs: any up to CXS_NODESET_MAX - 1 (nodeset.h). A request's nodes
 *   (struct cxs_alloc_req.nodes[]) are an ordered array, as the user gave
 *   them (preferred takes exactly one); a range's (struct cxs_seg.nodes)
 *   are a set, as mbind() takes them.
 * - Return codes: 0; CXS_EXIT_USAGE (2) for a request that can never work
 *   (bad node list, size 0); CXS_EXIT_FAIL (1) when the system cannot do it
 *   now (memory short, pool short, placement wrong, syscall failed).
 */
#ifndef CXS_MEMORY_H
#define CXS_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "nodeset.h"
#include "topology.h"

/* Linux memory policies (mbind modes). preferred-many needs kernel >= 5.15,
 * weighted (MPOL_WEIGHTED_INTERLEAVE, 6; weights from
 * /sys/kernel/mm/mempolicy/weighted_interleave, see weights.h) >= 6.9: mbind
 * fails with EINVAL before that, reported as CXS_EXIT_SKIP (77). */
enum cxs_policy {
    CXS_POL_BIND,
    CXS_POL_PREFERRED,
    CXS_POL_INTERLEAVE,
    CXS_POL_PREFERRED_MANY,
    CXS_POL_WEIGHTED,
    CXS_NPOLICIES
};
enum cxs_page { CXS_PAGE_4K, CXS_PAGE_THP, CXS_PAGE_2M, CXS_PAGE_1G, CXS_NPAGES };

const char *cxs_policy_name(enum cxs_policy p);
int cxs_policy_parse(const char *s);        /* -1 if unknown */
const char *cxs_page_name(enum cxs_page p); /* "4k", "thp", "2m", "1g" */
int cxs_page_parse(const char *s);          /* -1 if unknown */
/* Granule the mapping is rounded to and placement is tracked in. */
size_t cxs_page_bytes(enum cxs_page p);

struct cxs_alloc_req {
    size_t size;
    enum cxs_policy policy;
    int nodes[CXS_MAX_NODES];
    int nnodes;
    enum cxs_page page;
    int allow_fallback;    /* report misplaced pages instead of failing */
    int reserve_hugepages; /* raise the node's hugetlb pool if short */
};

struct cxs_buf {
    void *p;
    size_t size;     /* as requested */
    size_t map_size; /* rounded up to the page granule */
    enum cxs_page page;
    /* Where the pages are, from move_pages(), in 4 KiB units:
     * pages_on[i] counts pages on topology node index i (by ID: read it
     * with cxs_buf_pages_on()). */
    uint64_t pages_on[CXS_MAX_NODES];
    uint64_t pages_elsewhere; /* on a node we asked for none of */
    uint64_t pages_unknown;   /* move_pages() gave an error status */
    /* Page size in effect, read back from /proc/self/smaps. */
    uint64_t kernel_page_bytes; /* KernelPageSize of the mapping */
    double huge_fraction;       /* (AnonHugePages or hugetlb) / mapping */
    char page_used[16];         /* "4k", "thp", "2m", "1g", or "4k+thp" */
    /* Huge-page reservations this allocation uses (reserve_hugepages),
     * released by cxs_buf_free(): indexes into memory.c's table. */
    int nreserved;
    int reserved[CXS_MAX_NODES];
};

int cxs_buf_alloc(const struct cxs_topo *t, const struct cxs_alloc_req *req, struct cxs_buf *b,
                  char *err, size_t errlen);
void cxs_buf_free(struct cxs_buf *b);
/* Percent of the mapping's 4 KiB pages found on the nodes requested. */
double cxs_buf_on_node_pct(const struct cxs_buf *b);
/* The mapping's 4 KiB pages (map_size / 4096). */
uint64_t cxs_buf_pages(const struct cxs_buf *b);
/* 4 KiB pages of b on the node with ID node_id (0 for a node not in t;
 * t is the topology b was allocated with). */
uint64_t cxs_buf_pages_on(const struct cxs_buf *b, const struct cxs_topo *t, int node_id);
/* 4 KiB pages of b on any node of s. */
uint64_t cxs_buf_pages_on_set(const struct cxs_buf *b, const struct cxs_topo *t,
                              const struct cxs_nodeset *s);
/* 100 * on / all, 0 when all is 0: the percent of pages on some nodes,
 * summed over one buffer or several (all from cxs_buf_pages()). */
double cxs_pages_pct(uint64_t on, uint64_t all);
/* cxs_pages_pct(cxs_buf_pages_on_set(b, t, s), cxs_buf_pages(b)). */
double cxs_buf_pct_on(const struct cxs_buf *b, const struct cxs_topo *t,
                      const struct cxs_nodeset *s);

/* A buffer made of consecutive ranges, each with its own policy (used to
 * place an object part here, part there: emulated weighted interleave, a
 * spill past a capacity limit). Nodes are a set of node IDs (nodeset.h;
 * a range's policy needs no node order: preferred names one node, weighted
 * ranges come from plan.h's emulation, one node each, or use the kernel's
 * weights by node ID). */
struct cxs_seg {
    size_t len; /* a multiple of the page granule, except the last */
    enum cxs_policy policy;
    struct cxs_nodeset nodes; /* preferred: exactly one node */
};
#define CXS_MAX_SEGS 4096
/* As cxs_buf_alloc(), range by range: one mapping, segs[i] applied to the
 * i-th range with mbind(), touched, and every range verified against its
 * own policy; b->pages_on counts the whole buffer. */
int cxs_buf_alloc_segs(const struct cxs_topo *t, const struct cxs_seg *segs, int nsegs,
                       enum cxs_page page, int allow_fallback, int reserve_hugepages,
                       struct cxs_buf *b, char *err, size_t errlen);

/* The checks cxs_buf_alloc() makes before mapping (request sane, nodes able
 * to hold it, hugetlb pool large enough or reservable by root), without
 * allocating or reserving anything: lets a sweep fail before it starts
 * rather than at its largest point. Same return codes. */
int cxs_buf_precheck(const struct cxs_topo *t, const struct cxs_alloc_req *q, char *err,
                     size_t errlen);

/* The same checks for several buffers that will be held at once (e.g. a
 * workload's objects, each its own ranges): cxs_segs_need() validates one
 * buffer's ranges as cxs_buf_alloc_segs() does and adds the bytes each node
 * must give it (whole pages) into need[topology index] (zeroed by the
 * caller); cxs_needs_precheck() then checks every node's total, reserving
 * nothing. Same return codes. */
int cxs_segs_need(const struct cxs_topo *t, const struct cxs_seg *segs, int nsegs,
                  enum cxs_page page, uint64_t need[CXS_MAX_NODES], char *err, size_t errlen);
int cxs_needs_precheck(const struct cxs_topo *t, const uint64_t need[CXS_MAX_NODES],
                       enum cxs_page page, int reserve_hugepages, char *err, size_t errlen);

/* Ask move_pages() where each 4 KiB page of [p, p+len) is; counts go to
 * counts[topology index]; returns the number of pages whose node is not in
 * the topology or could not be determined (move_pages status < 0). */
uint64_t cxs_pages_where(const struct cxs_topo *t, const void *p, size_t len,
                         uint64_t counts[CXS_MAX_NODES]);

#endif
