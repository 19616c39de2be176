/* fuzz_plan.c — placement plans (cxs_plan_load, common/plan.h) from a JSON
 * file, and what a loaded plan drives: cxs_place_str, cxs_plan_check with
 * the plan's own names, cxs_plan_save (what it writes loads back the same),
 * and cxs_place_segments for every object as cxlscope-interleave calls it
 * (4 KiB pages, up to 1024 ranges, kernel and emulated weights, with and
 * without a limit on one of its nodes), and with room for only 3 ranges and
 * no node to spill to. */
#include "fuzz.h"
#include "plan.h"

#define PAGE 4096u

static void check_place(const struct cxs_place *pl)
{
    FUZZ_CHECK(pl->nnodes >= 1 && pl->nnodes <= CXS_MAX_NODES);
    for (int k = 0; k < pl->nnodes; k++) {
        FUZZ_CHECK(pl->nodes[k] >= 0 && pl->nodes[k] < 64);
        for (int j = 0; j < k; j++)
            FUZZ_CHECK(pl->nodes[j] != pl->nodes[k]);
        if (pl->policy == CXS_POL_WEIGHTED)
            FUZZ_CHECK(pl->weights[k] >= 1 && pl->weights[k] <= 255);
    }
    char buf[1024];
    cxs_place_str(pl, buf, sizeof buf);
    FUZZ_CHECK(buf[0] && !strchr(buf, ','));
}

/* The ranges cover the object exactly, on the placement's nodes (and the
 * spill node), and a limit only ever goes down. */
static void segments(const struct cxs_place *pl, size_t size, int emulate, int max,
                     struct cxs_limit *lim)
{
    static struct cxs_seg segs[1024];
    int n = 0;
    char err[512] = "";
    struct cxs_nodeset allowed = {0};
    uint64_t left = lim ? lim->left : 0;
    if (lim && lim->spill >= 0)
        cxs_nodeset_add(&allowed, lim->spill);
    for (int k = 0; k < pl->nnodes; k++)
        cxs_nodeset_add(&allowed, pl->nodes[k]);
    int rc = cxs_place_segments(pl, size, PAGE, emulate, max, lim, segs, &n, err, sizeof err);
    if (rc) {
        FUZZ_CHECK(err[0]);
        return;
    }
    FUZZ_CHECK(n >= 1 && n <= max);
    size_t sum = 0;
    for (int i = 0; i < n; i++) {
        FUZZ_CHECK(segs[i].len > 0 && !cxs_nodeset_empty(&segs[i].nodes));
        for (int id = cxs_nodeset_next(&segs[i].nodes, -1); id >= 0;
             id = cxs_nodeset_next(&segs[i].nodes, id))
            FUZZ_CHECK(cxs_nodeset_has(&allowed, id));
        sum += segs[i].len;
    }
    FUZZ_CHECK(sum == size);
    FUZZ_CHECK(!lim || lim->left <= left);
}

static void place_all(const struct cxs_place *pl)
{
    static const size_t sizes[] = {1, 3 * PAGE + 5, (size_t)64 << 20};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int emulate = 0; emulate < 2; emulate++) {
            segments(pl, sizes[s], emulate, 1024, NULL);
            /* a limit on the first and on the last node, spilling to 63;
             * then no spill node and little room */
            struct cxs_limit a = {.node = pl->nodes[0], .left = 8 * PAGE + 1, .spill = 63};
            struct cxs_limit b = {.node = pl->nodes[pl->nnodes - 1], .left = 0, .spill = 63};
            struct cxs_limit c = {.node = pl->nodes[0], .left = PAGE, .spill = -1};
            segments(pl, sizes[s], emulate, 1024, &a);
            segments(pl, sizes[s], emulate, 1024, &b);
            segments(pl, sizes[s], emulate, 3, &c);
            segments(pl, sizes[s], emulate, 3, NULL);
        }
}

/* Saved and loaded again: the same plan. */
static void round_trip(const struct cxs_plan *p)
{
    struct cxs_plan q;
    char err[1024] = "", a[1024], b[1024];
    const char *path = fuzz_tmp_path("plan.json");
    FUZZ_CHECK(cxs_plan_save(p, path, err, sizeof err) == 0);
    FUZZ_CHECK(cxs_plan_load(path, &q, err, sizeof err) == 0);
    FUZZ_CHECK(q.nobj == p->nobj && !strcmp(q.workload, p->workload));
    for (int i = 0; i < p->nobj; i++) {
        FUZZ_CHECK(!strcmp(q.obj[i].name, p->obj[i].name) && !strcmp(q.obj[i].why, p->obj[i].why));
        cxs_place_str(&p->obj[i].place, a, sizeof a);
        cxs_place_str(&q.obj[i].place, b, sizeof b);
        FUZZ_CHECK(!strcmp(a, b));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    struct cxs_plan p;
    char err[1024] = "";
    int rc = cxs_plan_load(fuzz_file(data, len), &p, err, sizeof err);
    if (rc) {
        FUZZ_CHECK(rc == 2 && err[0]);
        return 0;
    }
    FUZZ_CHECK(p.nobj >= 1 && p.nobj <= CXS_PLAN_MAXOBJ);
    const char *names[CXS_PLAN_MAXOBJ];
    for (int i = 0; i < p.nobj; i++) {
        names[i] = p.obj[i].name;
        FUZZ_CHECK(names[i][0] && cxs_plan_find(&p, names[i]) == &p.obj[i]);
        check_place(&p.obj[i].place);
        place_all(&p.obj[i].place);
    }
    round_trip(&p);
    FUZZ_CHECK(cxs_plan_check(&p, names, (size_t)p.nobj, err, sizeof err) == 0);
    FUZZ_CHECK(p.nobj == 1 || cxs_plan_check(&p, names + 1, (size_t)p.nobj - 1, err, sizeof err));
    return 0;
}
