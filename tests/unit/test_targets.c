/* test_targets.c — the planner (targets.c) on fake sysfs trees: two sockets,
 * a CPU-less node, an online CXL node, CXL memory that is not online (kmem
 * with offline blocks, a devdax device), and huge pages on one node only.
 */
#include "faketree.h"
#include "targets.h"

#define REG(n) "devices/platform/ACPI0017:00/root0/decoder0." #n "/region" #n

/* A dax device under CXL region n (a directory on the cxl bus), targeting
 * node, bound to driver ("kmem", "device_dax") or none (""). */
static void cxl_dax(const struct fixture *f, const char *region, const char *dev, int node,
                    const char *driver)
{
    char rel[256], target[256];
    snprintf(rel, sizeof rel, "%s/subsystem", region);
    link_to(f, rel, "../../../../../bus/cxl");
    snprintf(rel, sizeof rel, "%s/dax_%s/%s/target_node", region, region + strlen(region) - 7, dev);
    put(f, rel, "%d\n", node);
    snprintf(rel, sizeof rel, "bus/dax/devices/%s", dev);
    snprintf(target, sizeof target, "../../../%s/dax_%s/%s", region, region + strlen(region) - 7,
             dev);
    link_to(f, rel, target);
    if (driver[0]) {
        snprintf(rel, sizeof rel, "%s/dax_%s/%s/driver", region, region + strlen(region) - 7, dev);
        snprintf(target, sizeof target, "../../../../../../../../bus/dax/drivers/%s", driver);
        link_to(f, rel, target);
    }
}

static void pool(const struct fixture *f, int node, int nr, int free_pages)
{
    char rel[160];
    snprintf(rel, sizeof rel, NODE "node%d/hugepages/hugepages-2048kB/nr_hugepages", node);
    put(f, rel, "%d\n", nr);
    snprintf(rel, sizeof rel, NODE "node%d/hugepages/hugepages-2048kB/free_hugepages", node);
    put(f, rel, "%d\n", free_pages);
}

/* Sockets 0 (CPUs 0-1) and 1 (CPUs 2-3), CPU-less node 2, CXL node 3
 * online, CXL node 4 with its two memory blocks offline, and a devdax
 * device for node 5 (not online). 2 MiB pages: 64 free on node 1, none on
 * node 0, no pool on nodes 2 and 3. */
static void build_full(struct fixture *f)
{
    put(f, NODE "online", "0-4\n");
    node(f, 0, "0-1", 8388608, 4194304, "10 21 17 24 24");
    node(f, 1, "2-3", 8388608, 4194304, "21 10 28 24 24");
    node(f, 2, "", 2097152, 2097152, "17 28 10 28 28");
    node(f, 3, "", 16777216, 16000000, "24 24 28 10 28");
    node(f, 4, "", 0, 0, "24 24 28 28 10");
    pool(f, 0, 0, 0);
    pool(f, 1, 64, 64);
    dir(f, "bus/dax/drivers/kmem");
    dir(f, "bus/dax/drivers/device_dax");
    cxl_dax(f, REG(0), "dax0.0", 3, "kmem");
    cxl_dax(f, REG(1), "dax1.0", 4, "kmem");
    put(f, NODE "node4/memory40/state", "offline\n");
    put(f, NODE "node4/memory41/state", "offline\n");
    cxl_dax(f, REG(2), "dax2.0", 5, "device_dax");
}

/* One socket and CXL memory that is only offline. */
static void build_offline(struct fixture *f)
{
    put(f, NODE "online", "0,4\n");
    node(f, 0, "0-1", 8388608, 4194304, "10 24");
    node(f, 4, "", 0, 0, "24 10");
    dir(f, "bus/dax/drivers/kmem");
    cxl_dax(f, REG(1), "dax1.0", 4, "kmem");
    put(f, NODE "node4/memory40/state", "offline\n");
    put(f, NODE "node4/memory41/state", "online\n");
}

/* One socket and a devdax CXL device (6.1 without the conversion). */
static void build_devdax(struct fixture *f)
{
    put(f, NODE "online", "0\n");
    node(f, 0, "0-1", 8388608, 4194304, "10");
    dir(f, "bus/dax/drivers/device_dax");
    cxl_dax(f, REG(2), "dax2.0", 5, "device_dax");
}

static int setup_full(void **state)
{
    return setup_tree(state, build_full);
}
static int setup_offline(void **state)
{
    return setup_tree(state, build_offline);
}
static int setup_devdax(void **state)
{
    return setup_tree(state, build_devdax);
}

static void assert_has(const char *s, const char *needle)
{
    if (!strstr(s, needle))
        fail_msg("'%s' lacks '%s'", s, needle);
}

/* ---- classes from the CPUs that run ---- */

static void test_class_of_cpus(void **state)
{
    const struct fixture *f = *state;
    char buf[64];
    const int n1[] = {2, 3}, mixed[] = {1, 2}, one[] = {2};
    cxs_class_of_cpus(&f->topo, 0, n1, 2, buf, sizeof buf);
    assert_string_equal(buf, "RDRAM"); /* node 0 seen from CPUs of node 1 */
    cxs_class_of_cpus(&f->topo, 1, n1, 2, buf, sizeof buf);
    assert_string_equal(buf, "LDRAM");
    cxs_class_of_cpus(&f->topo, 0, mixed, 2, buf, sizeof buf);
    assert_string_equal(buf, "LDRAM/RDRAM");
    cxs_class_of_cpus(&f->topo, 3, one, 1, buf, sizeof buf);
    assert_string_equal(buf, "CXL");
    cxs_class_of_cpus(&f->topo, 2, one, 1, buf, sizeof buf);
    assert_string_equal(buf, "CPULESS");
    assert_int_equal(cxs_topo_cpu_node(&f->topo, 3), 1);
    assert_int_equal(cxs_topo_cpu_node(&f->topo, 9), -1);
}

/* ---- CPU nodes from explicit CPUs ---- */

static void test_cpu_nodes(void **state)
{
    const struct fixture *f = *state;
    int out[CXS_MAX_NODES];
    size_t n;
    char err[512];
    const int c3[] = {3}, split[] = {1, 2};
    assert_int_equal(
        cxs_tgt_cpu_nodes(&f->topo, NULL, NULL, 0, out, CXS_MAX_NODES, &n, err, sizeof err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], 0); /* the first CPU node of a fake tree */
    /* --chase-cpu 3 alone: the row's CPU node is CPU 3's node */
    assert_int_equal(
        cxs_tgt_cpu_nodes(&f->topo, NULL, c3, 1, out, CXS_MAX_NODES, &n, err, sizeof err), 0);
    assert_int_equal(out[0], 1);
    assert_int_equal(
        cxs_tgt_cpu_nodes(&f->topo, NULL, split, 2, out, CXS_MAX_NODES, &n, err, sizeof err),
        CXS_EXIT_USAGE);
    assert_has(err, "nodes 0 and 1");
    assert_int_equal(
        cxs_tgt_cpu_nodes(&f->topo, "2", NULL, 0, out, CXS_MAX_NODES, &n, err, sizeof err),
        CXS_EXIT_USAGE);
    assert_has(err, "--cpu-node: node 2 has no CPUs");
    assert_int_equal(
        cxs_tgt_cpu_nodes(&f->topo, "all", NULL, 0, out, CXS_MAX_NODES, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
}

/* A CPU outside the CPU node is an error naming the CPU's node. */
static void test_check_cpus(void **state)
{
    const struct fixture *f = *state;
    char err[512];
    const int c3[] = {3}, c9[] = {9};
    assert_int_equal(cxs_tgt_check_cpus(&f->topo, "--chase-cpu", c3, 1, 0, err, sizeof err),
                     CXS_EXIT_USAGE);
    assert_has(err, "--chase-cpu 3: CPU 3 is on node 1, not on CPU node 0");
    assert_int_equal(cxs_tgt_check_cpus(&f->topo, "--load-cpus", c9, 1, 0, err, sizeof err),
                     CXS_EXIT_USAGE);
    assert_has(err, "--load-cpus 9: no NUMA node lists this CPU");
}

/* ---- memory nodes, and CXL memory that is not online ---- */

struct msel {
    int rc;
    size_t n;
    int ids[CXS_MAX_NODES];
    char err[1024];
};

static struct msel mem_sel(const struct fixture *f, const char *spec, int cpu_node)
{
    struct msel m = {0};
    m.rc = cxs_tgt_mem_nodes(&f->topo, spec, cpu_node, m.ids, CXS_MAX_NODES, &m.n, m.err,
                             sizeof m.err);
    return m;
}

static void test_mem_nodes(void **state)
{
    const struct fixture *f = *state;
    struct msel m = mem_sel(f, "cxl", 0);
    assert_int_equal(m.rc, 0);
    assert_int_equal(m.n, 1);
    assert_int_equal(m.ids[0], 3);
    m = mem_sel(f, NULL, 1);
    assert_int_equal(m.rc, 0);
    assert_int_equal(m.n, 4); /* 0-3; node 4 has no online memory */
    assert_int_equal(mem_sel(f, "4", 0).rc, CXS_EXIT_USAGE);
    char lines[2048];
    assert_int_equal(cxs_topo_unusable(&f->topo, -1, lines, sizeof lines), 2);
    assert_has(lines, "node 4 is CXL memory (dax1.0, region1) with no online memory: online it "
                      "with `daxctl online-memory dax1.0` (or echo online > "
                      "/sys/devices/system/memory/memory40/state, for each of its 2 offline "
                      "blocks)");
    assert_has(lines, "node 5 is CXL memory (dax2.0, region2) set up as a device-dax device, not "
                      "system RAM: convert it with `daxctl reconfigure-device --mode=system-ram "
                      "dax2.0`");
    assert_int_equal(cxs_topo_unusable(&f->topo, 3, lines, sizeof lines), 0);
}

static void test_offline_cxl(void **state)
{
    const struct fixture *f = *state;
    struct msel m = mem_sel(f, "cxl", 0);
    assert_int_equal(m.rc, CXS_EXIT_SKIP);
    assert_has(m.err, "--mem-node: node 4 is CXL memory (dax1.0, region1) with no online memory");
    assert_has(m.err, "memory40/state, for each of its 1 offline blocks");
    assert_true(f->topo.nodes[1].cxl); /* the evidence is still there */
}

static void test_devdax_cxl(void **state)
{
    const struct fixture *f = *state;
    struct msel m = mem_sel(f, "cxl", 0);
    assert_int_equal(m.rc, CXS_EXIT_SKIP);
    assert_has(m.err, "node 5 is CXL memory (dax2.0, region2) set up as a device-dax device");
    assert_int_equal(f->topo.ndax, 1);
    assert_string_equal(f->topo.dax[0].driver, "device_dax");
}

/* ---- targets and per-target prechecks ---- */

static const enum cxs_page pages_2m_4k[] = {CXS_PAGE_2M, CXS_PAGE_4K};

/* From CPU node 0 to mem_spec, 2m then 4k pages, 64 MiB each. */
static struct cxs_target_req req_from0(const char *mem_spec)
{
    return (struct cxs_target_req){.cpu_spec = "0",
                                   .mem_spec = mem_spec,
                                   .cpu = -1,
                                   .pages = pages_2m_4k,
                                   .npages = 2,
                                   .bytes = 64u << 20};
}

static void test_plan_order(void **state)
{
    const struct fixture *f = *state;
    struct cxs_target_req r = req_from0("0,1");
    struct cxs_targets ts = {0};
    char err[1024];
    assert_int_equal(cxs_targets_plan(&f->topo, &r, &ts, err, sizeof err), 0);
    assert_int_equal(ts.n, 4);
    int want_mem[] = {0, 0, 1, 1};
    enum cxs_page want_page[] = {CXS_PAGE_2M, CXS_PAGE_4K, CXS_PAGE_2M, CXS_PAGE_4K};
    for (size_t i = 0; i < ts.n; i++) {
        assert_int_equal(ts.v[i].cpu_node, 0);
        assert_int_equal(ts.v[i].nmem, 1);
        assert_int_equal(ts.v[i].mem[0], want_mem[i]);
        assert_int_equal(ts.v[i].page, want_page[i]);
    }
    cxs_targets_free(&ts);
    r.grouped = 1;
    r.npages = 1;
    assert_int_equal(cxs_targets_plan(&f->topo, &r, &ts, err, sizeof err), 0);
    assert_int_equal(ts.n, 1);
    assert_int_equal(ts.v[0].nmem, 2);
    cxs_targets_free(&ts);
}

/* Huge pages on node 1 only: every short target is named, the rest kept. */
static void test_precheck_each(void **state)
{
    const struct fixture *f = *state;
    struct cxs_target_req r = req_from0("all");
    struct cxs_targets ts = {0};
    struct cxs_precheck pc = {.policy = CXS_POL_BIND};
    char err[1024];
    assert_int_equal(cxs_targets_plan(&f->topo, &r, &ts, err, sizeof err), 0);
    assert_int_equal(ts.n, 8); /* nodes 0-3, two page sizes each */
    assert_int_equal(cxs_targets_precheck(&f->topo, &ts, &pc, err, sizeof err), 0);
    for (size_t i = 0; i < ts.n; i++) {
        const struct cxs_target *tg = &ts.v[i];
        int want_skip = tg->page == CXS_PAGE_2M && tg->mem[0] != 1;
        if (tg->skip != want_skip)
            fail_msg("target %zu (node %d, %s): skip %d: %s", i, tg->mem[0],
                     cxs_page_name(tg->page), tg->skip, tg->why);
    }
    assert_has(ts.v[0].why, "node 0 has 0 free 2m huge pages, 32 needed");
    assert_has(ts.v[4].why, "node 2 has no 2m hugetlb pool");
    assert_int_equal(cxs_targets_left(&ts), 5);
    char what[256];
    cxs_target_str(&ts.v[0], what, sizeof what);
    assert_has(what, "CPU node 0 (CPU ");
    assert_has(what, "), memory node 0, 2m pages");
    cxs_targets_free(&ts);
}

/* A reservation the node cannot give says so: its size or its free memory
 * against the request, with the 4 KiB check's headroom (root only: a
 * reservation is only planned for root). */
static void test_reserve_too_small(void **state)
{
    const struct fixture *f = *state;
    if (geteuid() != 0)
        skip();
    struct cxs_target_req r = req_from0("0");
    r.npages = 1; /* 2m */
    struct cxs_precheck pc = {.policy = CXS_POL_BIND, .reserve_hugepages = 1};
    uint64_t sizes[] = {16ULL << 30, 6ULL << 30, 1ULL << 30};
    const char *want[] = {"node 0 is too small for 8192 more 2m huge pages (16.0 GiB): it has 8.0 "
                          "GiB in all",
                          "node 0 cannot hold 3072 more 2m huge pages (6.0 GiB): it has 4.0 GiB "
                          "free",
                          NULL};
    for (int i = 0; i < 3; i++) {
        struct cxs_targets ts = {0};
        char err[1024];
        r.bytes = sizes[i];
        assert_int_equal(cxs_targets_plan(&f->topo, &r, &ts, err, sizeof err), 0);
        assert_int_equal(cxs_targets_precheck(&f->topo, &ts, &pc, err, sizeof err), 0);
        assert_int_equal(ts.v[0].skip, want[i] != NULL);
        if (want[i])
            assert_has(ts.v[0].why, want[i]);
        cxs_targets_free(&ts);
    }
}

/* THP set to never: --page-size thp measures 4k pages, and says so. */
static void test_thp_never(void **state)
{
    const struct fixture *f = *state;
    const enum cxs_page thp = CXS_PAGE_THP, k4 = CXS_PAGE_4K;
    put(f, "kernel/mm/transparent_hugepage/enabled", "always madvise [never]\n");
    assert_non_null(cxs_thp_note(&thp, 1));
    assert_has(cxs_thp_note(&thp, 1), "--page-size thp measured 4k pages");
    assert_null(cxs_thp_note(&k4, 1));
    put(f, "kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
    assert_null(cxs_thp_note(&thp, 1));
}

/* The far node: CXL first; without one the farthest, a CPU-less node before
 * another socket's on a tie. */
static void test_far_node(void **state)
{
    const struct fixture *f = *state;
    assert_int_equal(cxs_tgt_far_node(&f->topo, 0), 3); /* CXL, though node 2 is nearer */
    assert_int_equal(cxs_tgt_nearest_node(&f->topo, 0), 2);
}

static void build_tie(struct fixture *f)
{
    put(f, NODE "online", "0-2\n");
    node(f, 0, "0-1", 8388608, 4194304, "10 20 20");
    node(f, 1, "2-3", 8388608, 4194304, "20 10 20");
    node(f, 2, "", 2097152, 2097152, "20 20 10");
}
static int setup_tie(void **state)
{
    return setup_tree(state, build_tie);
}

static void test_far_tie(void **state)
{
    const struct fixture *f = *state;
    assert_int_equal(cxs_tgt_far_node(&f->topo, 0), 2); /* not node 1, another socket */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_class_of_cpus, setup_full, teardown_tree),
        cmocka_unit_test_setup_teardown(test_cpu_nodes, setup_full, teardown_tree),
        cmocka_unit_test_setup_teardown(test_check_cpus, setup_full, teardown_tree),
        cmocka_unit_test_setup_teardown(test_mem_nodes, setup_full, teardown_tree),
        cmocka_unit_test_setup_teardown(test_offline_cxl, setup_offline, teardown_tree),
        cmocka_unit_test_setup_teardown(test_devdax_cxl, setup_devdax, teardown_tree),
        cmocka_unit_test_setup_teardown(test_plan_order, setup_full, teardown_tree),
        cmocka_unit_test_setup_teardown(test_precheck_each, setup_full, teardown_tree),
        cmocka_unit_test_setup_teardown(test_thp_never, setup_full, teardown_tree),
        cmocka_unit_test_setup_teardown(test_reserve_too_small, setup_full, teardown_tree),
        cmocka_unit_test_setup_teardown(test_far_node, setup_full, teardown_tree),
        cmocka_unit_test_setup_teardown(test_far_tie, setup_tie, teardown_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
