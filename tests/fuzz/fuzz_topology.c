/* fuzz_topology.c — --cpu-node / --mem-node specifications
 * (cxs_topo_select, common/topology.h) against three fixed topologies built
 * in memory (no sysfs):
 *   small: 0 (CPUs 0-1), 1 (CPUs 2-3), 2 (CPU-less, CXL), 3 (CPU-less),
 *          5 (CPU 4, no memory), 9 (CXL evidence, no memory);
 *   full:  CXS_MAX_NODES nodes with IDs 0, 1001, 2002, ... (every third
 *          without CPUs, every fourth without memory), so the node lists in
 *          the messages are cut;
 *   one:   node 0 with CPUs and memory (no RDRAM, no CXL: empty classes).
 * Each spec is tried as a memory spec from several initiators (a CPU node,
 * a memoryless CPU node, a CPU-less node, a node that does not exist) and
 * as a CPU spec, with room for every node and for two. */
#include "fuzz.h"
#include "topology.h"

#define GIB (UINT64_C(1) << 30)

static struct cxs_topo small, full, one;

static void add(struct cxs_topo *t, int id, int *cpus, int ncpus, uint64_t mem, int cxl)
{
    struct cxs_node *nd = &t->nodes[t->nnodes++];
    *nd = (struct cxs_node){.id = id, .ncpus = ncpus, .cpus = cpus, .mem_total = mem, .cxl = cxl};
    nd->tier = -1;
    for (int j = 0; j < CXS_MAX_NODES; j++)
        nd->distance[j] = -1;
}

static void build(void)
{
    static int c0[] = {0, 1}, c1[] = {2, 3}, c5[] = {4}, cf[CXS_MAX_NODES];
    add(&small, 0, c0, 2, 16 * GIB, 0);
    add(&small, 1, c1, 2, 16 * GIB, 0);
    add(&small, 2, NULL, 0, 64 * GIB, 1);
    add(&small, 3, NULL, 0, 8 * GIB, 0);
    add(&small, 5, c5, 1, 0, 0);
    add(&small, 9, NULL, 0, 0, 1);
    add(&one, 0, c0, 2, 16 * GIB, 0);
    for (int i = 0; i < CXS_MAX_NODES; i++) {
        cf[i] = i;
        add(&full, i * 1001, i % 3 == 2 ? NULL : &cf[i], i % 3 == 2 ? 0 : 1, i % 4 == 3 ? 0 : GIB,
            i % 6 == 2);
    }
}

/* OK: 1..max IDs, ascending, each a node that qualifies. Otherwise a reason. */
static void select_one(const struct cxs_topo *t, const char *spec, enum cxs_select_kind kind,
                       int cpu_node, size_t max)
{
    int out[CXS_MAX_NODES];
    size_t n = 0;
    char err[512] = "";
    int rc = cxs_topo_select(t, spec, kind, cpu_node, out, max, &n, err, sizeof err);
    if (rc != CXS_SEL_OK) {
        FUZZ_CHECK(rc == CXS_SEL_BAD || rc == CXS_SEL_EMPTY);
        FUZZ_CHECK(err[0]);
        return;
    }
    FUZZ_CHECK(n >= 1 && n <= max);
    for (size_t i = 0; i < n; i++) {
        const struct cxs_node *nd = cxs_topo_node(t, out[i]);
        FUZZ_CHECK(nd != NULL && (i == 0 || out[i] > out[i - 1]));
        FUZZ_CHECK(kind == CXS_SELECT_CPU ? nd->ncpus > 0 : cxs_node_has_memory(nd));
    }
}

static void select_all(const struct cxs_topo *t, const char *spec, const int *initiators,
                       size_t ninit)
{
    for (size_t max = 2; max <= CXS_MAX_NODES; max += CXS_MAX_NODES - 2) {
        for (size_t i = 0; i < ninit; i++)
            select_one(t, spec, CXS_SELECT_MEM, initiators[i], max);
        select_one(t, spec, CXS_SELECT_CPU, initiators[0], max);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    static const int small_init[] = {0, 5, 2, 7}, full_init[] = {1001, 2002, 4}, one_init[] = {0};
    if (small.nnodes == 0)
        build();
    char *s = fuzz_str(data, len);
    select_all(&small, s, small_init, sizeof small_init / sizeof small_init[0]);
    select_all(&full, s, full_init, sizeof full_init / sizeof full_init[0]);
    select_all(&one, s, one_init, 1);
    free(s);
    return 0;
}
