/* place.c — cxlscope-tiering's nodes, fast-tier filler and page placement
 * (tier.h).
 *
 * NUMA balancing scans (and so can promote) only pages whose memory policy
 * allows migrate-on-fault: the default policy does, an mbind() policy
 * (interleave, bind, preferred) does not. So first-touch and cxl pages end
 * up under the default policy once placed (cxl: bound to the slow node for
 * the first touch, then the range's policy reset with MPOL_DEFAULT), while
 * interleave keeps its interleave policy, as an application that
 * interleaves would (the paper's observation: such pages take almost no
 * hint faults). */
#include <numaif.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "cli.h"
#include "filler.h"
#include "nodeset.h"
#include "targets.h"
#include "threads.h"
#include "tier.h"

const char *const placement_names[NPLACEMENTS + 1] = {"first-touch", "cxl", "interleave", "oli",
                                                      NULL};

void pick_nodes(struct tctx *x)
{
    struct tnodes *nd = &x->nd;
    nd->cpu_node = cxs_run_cpu_node(x->c.std.cpu_spec);
    const struct cxs_node *cn = cxs_topo_node(x->t, nd->cpu_node);
    if (!cxs_node_has_memory(cn))
        cxs_skip("CPU node %d has no memory of its own to be the fast tier", nd->cpu_node);
    nd->fast = nd->cpu_node;
    nd->slow = cxs_tgt_far_node(x->t, nd->cpu_node);
    if (nd->slow < 0 || nd->slow == nd->fast) {
        nd->slow = nd->fast;
        snprintf(nd->slow_tag, sizeof nd->slow_tag, "none");
    } else if (cxs_topo_classify(x->t, nd->slow, nd->cpu_node) == CXS_CXL)
        snprintf(nd->slow_tag, sizeof nd->slow_tag, "cxl");
    else {
        static char note[200];
        snprintf(nd->slow_tag, sizeof nd->slow_tag, "far%d", nd->slow);
        snprintf(
            note, sizeof note,
            "no CXL node: node %d (%s, the farthest) stands in for the slow tier (slow_tag %s)",
            nd->slow, cxs_class_name(cxs_topo_classify(x->t, nd->slow, nd->cpu_node)),
            nd->slow_tag);
        cxs_note("%s", note);
        cxs_run_note(note);
    }
    for (int i = 0; i < cn->ncpus && nd->ncpus < CXS_WL_MAXTHREADS; i++)
        if (cxs_cpu_allowed(cn->cpus[i]))
            nd->cpus[nd->ncpus++] = cn->cpus[i];
    if (!nd->ncpus)
        cxs_skip("CPU node %d has no CPU this process may use", nd->cpu_node);
    x->nthreads = x->c.threads ? x->c.threads : nd->ncpus;
    if (x->nthreads > nd->ncpus)
        cxs_usage_die("--threads %d: CPU node %d has %d usable CPUs", x->nthreads, nd->cpu_node,
                      nd->ncpus);
}

void check_fast_tier(const struct tctx *x)
{
    if (x->c.fast_capacity && x->nd.slow == x->nd.fast)
        cxs_skip("--fast-capacity needs a slower tier: node %d is the only memory node (a CXL "
                 "node, or a CPU-less or remote node to stand in for one)",
                 x->nd.fast);
}

void fill_fast_tier(struct tctx *x)
{
    static struct cxs_filler f;
    static char note[300];
    char err[512], want[32], held[32], left[32];
    if (!x->c.fast_capacity)
        return;
    int rc = cxs_filler_fill(x->nd.fast, x->c.fast_capacity, &f, err, sizeof err);
    if (rc)
        cxs_run_fail(rc, "--fast-capacity: %s", err);
    cxs_format_size(x->c.fast_capacity, want, sizeof want);
    cxs_format_amount(f.bytes, held, sizeof held);
    cxs_format_amount(f.free_after > 0 ? (uint64_t)f.free_after : 0, left, sizeof left);
    snprintf(note, sizeof note,
             "fast tier: node %d limited to %s free by %s of locked filler (%s free after "
             "filling)%s",
             x->nd.fast, want, held, left,
             f.bytes ? "" : ": it had no more than that free already");
    cxs_note("%s", note);
    cxs_run_note(note);
    x->fast_capacity_used = x->c.fast_capacity;
}

int placement_possible(const struct tctx *x, int placement, char *why, size_t len)
{
    if (placement == PL_FIRST_TOUCH || x->nd.slow != x->nd.fast)
        return 0;
    snprintf(why, len, "placement %s needs a slower tier (node %d is the only memory node)",
             placement_names[placement], x->nd.fast);
    return CXS_EXIT_SKIP;
}

/* Whether the nodes the placement may use hold bytes now (free + reclaimable,
 * less HEADROOM: never bind past what a node has and meet the OOM killer). */
#define HEADROOM (16ULL << 20)
static void check_room(const struct tctx *x, int placement, size_t bytes, const char *what)
{
    uint64_t slow = cxs_node_avail_bytes(x->t, x->nd.slow), fast = 0;
    if (placement != PL_CXL && x->nd.slow != x->nd.fast)
        fast = cxs_node_avail_bytes(x->t, x->nd.fast);
    uint64_t have = slow + fast;
    if (bytes + HEADROOM <= have)
        return;
    char want[32], got[32], nodes[32];
    cxs_format_size(bytes, want, sizeof want);
    cxs_format_amount(have > HEADROOM ? have - HEADROOM : 0, got, sizeof got);
    if (fast)
        snprintf(nodes, sizeof nodes, "nodes %d and %d", x->nd.fast, x->nd.slow);
    else
        snprintf(nodes, sizeof nodes, "node %d", x->nd.slow);
    cxs_run_fail(CXS_EXIT_FAIL,
                 "%s under %s: %s does not fit in %s (%s free + reclaimable, keeping 16 MiB)", what,
                 placement_names[placement], want, nodes, got);
}

/* One buffer of bytes under a placement, touched from this thread (pinned
 * to the CPU node) and checked with move_pages: interleave over fast and
 * slow (the policy kept), cxl bound to slow, first-touch the kernel's
 * choice (not checked: the fallback may put pages anywhere, and reclaim or
 * demotion may be moving them already); cxl under the default policy once
 * checked. Dies on failure, naming what; for cxl and interleave a page on
 * a node the placement does not allow, or one move_pages cannot place, is
 * a failure. */
static void place_buffer(const struct tctx *x, int placement, size_t bytes, const char *what,
                         struct cxs_buf *b)
{
    memset(b, 0, sizeof *b);
    check_room(x, placement, bytes, what);
    b->size = bytes;
    b->map_size = (bytes + 4095) & ~(size_t)4095;
    b->page = CXS_PAGE_4K;
    b->p = mmap(NULL, b->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (b->p == MAP_FAILED) {
        b->p = NULL;
        cxs_run_fail(CXS_EXIT_FAIL, "%s: mmap of %zu bytes: %m", what, b->map_size);
    }
    madvise(b->p, b->map_size, MADV_NOHUGEPAGE); /* 4 KiB pages: each one migrates alone */
    struct cxs_nodeset ns = {0};
    cxs_nodeset_add(&ns, x->nd.slow);
    if (placement == PL_INTERLEAVE)
        cxs_nodeset_add(&ns, x->nd.fast);
    int mode = placement == PL_INTERLEAVE ? MPOL_INTERLEAVE : MPOL_BIND;
    if (placement != PL_FIRST_TOUCH &&
        mbind(b->p, b->map_size, mode, ns.bits, CXS_NODESET_MAX, 0) != 0)
        cxs_run_fail(CXS_EXIT_FAIL, "%s: mbind (%s): %m", what, placement_names[placement]);
    for (size_t off = 0; off < b->map_size; off += 4096)
        ((volatile char *)b->p)[off] = 0;
    /* Checked while the policy still holds the pages (a bound or
     * interleaved range is not scanned, so nothing moves them yet). */
    uint64_t bad = cxs_pages_where(x->t, b->p, b->map_size, b->pages_on);
    uint64_t off_nodes = cxs_buf_pages(b) - cxs_buf_pages_on(b, x->t, x->nd.slow);
    if (placement == PL_INTERLEAVE)
        off_nodes -= cxs_buf_pages_on(b, x->t, x->nd.fast);
    if (placement != PL_FIRST_TOUCH && (bad || off_nodes))
        cxs_run_fail(CXS_EXIT_FAIL,
                     "%s under %s: %llu of %llu pages are not where the placement puts them "
                     "(%llu unknown to move_pages)",
                     what, placement_names[placement], (unsigned long long)(off_nodes + bad),
                     (unsigned long long)cxs_buf_pages(b), (unsigned long long)bad);
    if (placement == PL_CXL && mbind(b->p, b->map_size, MPOL_DEFAULT, NULL, 0, 0) != 0)
        cxs_run_fail(CXS_EXIT_FAIL, "%s: resetting the memory policy to the default: %m", what);
}

void place_pages(const struct tctx *x, int placement, struct tworkload *wl, struct tpages *pg)
{
    memset(pg, 0, sizeof *pg);
    if (cxs_pin_self_node(x->t, x->nd.cpu_node) != 0) /* first touch from the CPU node */
        cxs_run_fail(CXS_EXIT_FAIL, "cannot run on CPU node %d: %m", x->nd.cpu_node);
    if (!wl->w) {
        place_buffer(x, placement == PL_OLI ? PL_INTERLEAVE : placement, x->c.size, "hotset",
                     &pg->buf[0]);
        pg->nbuf = 1;
        return;
    }
    pg->ctx.nobj = wl->nobj;
    memcpy(pg->ctx.obj, wl->obj, sizeof wl->obj);
    for (size_t i = 0; i < wl->nobj; i++) {
        char what[96];
        snprintf(what, sizeof what, "%s object %s", wl->name, wl->obj[i].name);
        int p = placement == PL_OLI ? (wl->oli[i] ? PL_INTERLEAVE : PL_FIRST_TOUCH) : placement;
        place_buffer(x, p, wl->obj[i].bytes, what, &pg->buf[i]);
        pg->ctx.ptr[i] = pg->buf[i].p;
        pg->nbuf++;
    }
}

void free_pages(struct tpages *pg)
{
    for (size_t i = 0; i < pg->nbuf; i++)
        cxs_buf_free(&pg->buf[i]);
    pg->nbuf = 0;
    if (pg->hs.perm)
        cxs_hotset_free(&pg->hs);
}

double fast_pct(const struct tctx *x, void *const *pages, size_t n)
{
    int status[SAMPLE_MAX];
    if (!n)
        return -1;
    if (n > SAMPLE_MAX)
        n = SAMPLE_MAX;
    if (move_pages(0, (unsigned long)n, (void **)pages, NULL, status, 0) != 0)
        cxs_run_fail(CXS_EXIT_FAIL, "move_pages (where are the sampled pages): %m");
    size_t on = 0;
    for (size_t i = 0; i < n; i++)
        on += status[i] == x->nd.fast;
    return 100.0 * (double)on / (double)n;
}
