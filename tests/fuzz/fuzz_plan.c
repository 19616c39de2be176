/* fuzz_plan.c — placement plans (cxs_plan_load, common/plan.h) from a JSON
 * file, and what a loaded plan drives: cxs_place_str, cxs_plan_check with
 * the plan's own names, and cxs_place_segments for every object as
 * cxlscope-interleave calls it (4 KiB pages, up to 1024 ranges, kernel and
 * emulated weights, with and without a limit on one of its nodes). */
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
static void segments(const struct cxs_place *pl, size_t size, int emulate, struct cxs_limit *lim)
{
    static struct cxs_seg segs[1024];
    int n = 0;
    char err[512] = "";
    uint64_t allowed = lim ? UINT64_C(1) << lim->spill : 0, left = lim ? lim->left : 0;
    for (int k = 0; k < pl->nnodes; k++)
        allowed |= UINT64_C(1) << pl->nodes[k];
    int rc = cxs_place_segments(pl, size, PAGE, emulate, 1024, lim, segs, &n, err, sizeof err);
    if (rc) {
        FUZZ_CHECK(err[0]);
        return;
    }
    FUZZ_CHECK(n >= 1 && n <= 1024);
    size_t sum = 0;
    for (int i = 0; i < n; i++) {
        FUZZ_CHECK(segs[i].len > 0 && segs[i].nodes != 0 && (segs[i].nodes & ~allowed) == 0);
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
            segments(pl, sizes[s], emulate, NULL);
            /* a limit on the first and on the last node, spilling to 63 */
            struct cxs_limit a = {.node = pl->nodes[0], .left = 8 * PAGE + 1, .spill = 63};
            struct cxs_limit b = {.node = pl->nodes[pl->nnodes - 1], .left = 0, .spill = 63};
            segments(pl, sizes[s], emulate, &a);
            segments(pl, sizes[s], emulate, &b);
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
    FUZZ_CHECK(cxs_plan_check(&p, names, (size_t)p.nobj, err, sizeof err) == 0);
    FUZZ_CHECK(p.nobj == 1 || cxs_plan_check(&p, names + 1, (size_t)p.nobj - 1, err, sizeof err));
    return 0;
}
