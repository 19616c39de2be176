/* test_topology.c — topology.c and sysfs.c against fake sysfs trees.
 *
 * Each setup builds a small sysfs tree under a mkdtemp directory (files,
 * directories, symlinks as the kernel lays them out), points
 * CXLSCOPE_SYSFS_ROOT at it and loads the topology; teardown removes it.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "faketree.h"
#include "sysfs.h"
#include "topology.h"

/* Tree 1: one node 0 with CPUs 0-1; no "online" file (nodeN scan). */
static void build_single(struct fixture *f)
{
    node(f, 0, "0-1", 4194304, 1048576, "10");
    put(f, NODE "possible", "0\n");
    tier(f, 4, "0");
    dir(f, "bus/dax/devices");
    put(f, "meminfo", "MemTotal:        4194304 kB\nMemAvailable:    3000000 kB\n");
}

/* Tree 2: sockets 0 and 1, CPU-less node 2 (pure NUMA, with HMAT) and
 * CPU-less node 3 onlined from a CXL region through dax/kmem. */
static void build_cxl(struct fixture *f)
{
    static const int n0[] = {0};
    put(f, NODE "online", "0-3\n");
    node(f, 0, "0-3", 8388608, 4194304, "10 21 17 24");
    node(f, 1, "4-7", 8388608, 2097152, "21 10 28 24");
    node(f, 2, "", 2097152, 2097152, "17 28 10 28");
    node(f, 3, "", 16777216, 16000000, "24 24 28 10");
    hmat(f, 0, 0, n0, 1, 80, 85, 100000, 90000);
    hmat(f, 0, 1, n0, 1, 80, 85, 100000, 90000);
    hmat(f, 2, 0, n0, 1, 150, 160, 20000, 18000);
    hmat(f, 2, 1, n0, 1, 150, 160, 20000, 18000);
    put(f, NODE "node3/access0/initiators/read_latency", "250\n"); /* partial HMAT */
    link_to(f, NODE "node3/access0/initiators/node0", "../../../node0");
    link_to(f, NODE "node3/access0/initiators/node1", "../../../node1");
    tier(f, 4, "0-2");
    tier(f, 22, "3");

    /* CXL: ACPI0017 root, decoder, region0 on the cxl bus, its dax region
     * and device with target_node 3, reached through bus/dax/devices. */
    dir(f, "bus/cxl/devices");
    link_to(f, REGION "/subsystem", "../../../../../bus/cxl");
    put(f, REGION "/dax_region0/dax0.0/target_node", "3\n");
    put(f, REGION "/dax_region0/dax0.0/numa_node", "-1\n");
    link_to(f, "bus/dax/devices/dax0.0", "../../../" REGION "/dax_region0/dax0.0");
    /* Not CXL: an HMEM dax device targeting node 2 (soft-reserved memory). */
    put(f, "devices/platform/hmem.0/dax1.0/target_node", "2\n");
    link_to(f, "devices/platform/hmem.0/subsystem", "../../../bus/platform");
    link_to(f, "bus/dax/devices/dax1.0", "../../../devices/platform/hmem.0/dax1.0");
    /* Large system-wide MemAvailable: must not be used with 4 memory nodes. */
    put(f, "meminfo", "MemTotal:       35651584 kB\nMemAvailable:   99999999 kB\n");
}

/* Tree 3: non-contiguous IDs 0, 2, 5; node 2 has CPUs but no memory; node 5
 * is CXL by ancestry alone (ACPI0017, no subsystem links). */
static void build_sparse(struct fixture *f)
{
    put(f, NODE "online", "0,2,5\n");
    node(f, 0, "0-3", 4194304, 3000000, "10 20 30");
    node(f, 2, "4-7", 0, 0, "20 10 30");
    node(f, 5, "", 8388608, 8000000, "30 30 10");
    put(f, "devices/platform/ACPI0017:00/root0/decoder0.1/region3/dax_region3/dax3.0/target_node",
        "5\n");
    link_to(f, "bus/dax/devices/dax3.0",
            "../../../devices/platform/ACPI0017:00/root0/decoder0.1/region3/dax_region3/dax3.0");
}

static int setup_single(void **state)
{
    return setup_tree(state, build_single);
}

static int setup_cxl(void **state)
{
    return setup_tree(state, build_cxl);
}

static int setup_sparse(void **state)
{
    return setup_tree(state, build_sparse);
}

/* ---- helpers for assertions --------------------------------------------- */

struct selection {
    int rc;
    size_t n;
    int ids[CXS_MAX_NODES];
    char err[256];
};

static struct selection sel(const struct fixture *f, const char *spec, enum cxs_select_kind kind,
                            int cpu_node)
{
    struct selection s = {0};
    s.rc = cxs_topo_select(&f->topo, spec, kind, cpu_node, s.ids, CXS_MAX_NODES, &s.n, s.err,
                           sizeof s.err);
    return s;
}

static void assert_sel(const struct fixture *f, const char *spec, int cpu_node, const int *want,
                       size_t nwant)
{
    struct selection s = sel(f, spec, CXS_SELECT_MEM, cpu_node);
    if (s.rc != CXS_SEL_OK)
        fail_msg("select '%s': rc %d: %s", spec, s.rc, s.err);
    assert_int_equal(s.n, nwant);
    for (size_t i = 0; i < nwant; i++)
        assert_int_equal(s.ids[i], want[i]);
}

static void assert_err_has(const struct selection *s, int rc, const char *needle)
{
    assert_int_equal(s->rc, rc);
    assert_int_equal(s->n, 0);
    if (!strstr(s->err, needle))
        fail_msg("error '%s' lacks '%s'", s->err, needle);
}

/* ---- sysfs.c -------------------------------------------------------------- */

static void test_sysfs_reads(void **state)
{
    struct fixture *f = *state;
    char buf[64], path[PATH_MAX], want[PATH_MAX];
    int64_t v = 0;
    assert_string_equal(cxs_sysfs_root(), f->root);
    full_path(f, NODE "node0/cpulist", want, sizeof want);
    assert_string_equal(cxs_sysfs_path(path, sizeof path, NODE "node%d/cpulist", 0), want);
    assert_int_equal(cxs_sysfs_read_str(NODE "node0/cpulist", buf, sizeof buf), 0);
    assert_string_equal(buf, "0-1");
    assert_int_equal(cxs_sysfs_read_str("no/such/file", buf, sizeof buf), -1);
    assert_int_equal(cxs_sysfs_read_str(NODE "node0/meminfo", buf, 8), -1); /* too big */
    put(f, "num", "-42\n");
    assert_int_equal(cxs_sysfs_read_i64("num", &v), 0);
    assert_int_equal(v, -42);
    assert_int_equal(cxs_sysfs_read_i64(NODE "node0/cpulist", &v), -1); /* not a number */
    assert_int_equal(cxs_sysfs_read_i64("missing", &v), -1);
    assert_int_equal(cxs_sysfs_write_str("num", "7"), 0);
    assert_int_equal(cxs_sysfs_read_i64("num", &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(cxs_sysfs_write_str("missing", "1"), -1); /* never creates files */
    assert_int_equal(setenv("CXLSCOPE_SYSFS_ROOT", "", 1), 0);
    assert_string_equal(cxs_sysfs_root(), "/sys");
    assert_int_equal(setenv("CXLSCOPE_SYSFS_ROOT", f->root, 1), 0);
}

/* ---- tree 1: one node --------------------------------------------------- */

static void test_single_node(void **state)
{
    struct fixture *f = *state;
    const struct cxs_topo *t = &f->topo;
    assert_int_equal(t->nnodes, 1);
    const struct cxs_node *n = cxs_topo_node(t, 0);
    assert_non_null(n);
    assert_int_equal(n->ncpus, 2);
    assert_int_equal(n->cpus[0], 0);
    assert_int_equal(n->cpus[1], 1);
    assert_int_equal(n->mem_total, 4ULL * GiB);
    assert_true(cxs_node_has_memory(n));
    assert_int_equal(n->tier, 4);
    assert_int_equal(n->cxl, 0);
    assert_string_equal(n->cxl_evidence, "");
    assert_int_equal(n->hmat[0].present, 0);
    assert_int_equal(n->hmat[0].read_latency_ns, -1);
    assert_int_equal(cxs_topo_distance(t, 0, 0), 10);
    assert_int_equal(cxs_topo_default_cpu_node(t), 0);
    assert_int_equal(cxs_topo_classify(t, 0, 0), CXS_LDRAM);
    assert_null(cxs_topo_node(t, 1));
    assert_int_equal(cxs_topo_index(t, 1), -1);
}

static void test_single_select(void **state)
{
    struct fixture *f = *state;
    static const int zero[] = {0};
    assert_sel(f, "all", 0, zero, 1);
    assert_sel(f, "ldram", 0, zero, 1);
    assert_sel(f, "cxl,0", 0, zero, 1); /* a class matching nothing beside a hit */
    struct selection s = sel(f, "cxl", CXS_SELECT_MEM, 0);
    assert_err_has(&s, CXS_SEL_EMPTY, "no CXL memory node on this machine (memory nodes: 0)");
    s = sel(f, "rdram", CXS_SELECT_MEM, 0);
    assert_err_has(&s, CXS_SEL_EMPTY, "no RDRAM memory node");
}

/* The only memory node: the larger of its own count and MemAvailable. */
static void test_single_avail(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(cxs_node_avail_bytes(&f->topo, 0), 3000000ULL * 1024);
    put(f, "meminfo", "MemAvailable:    1000 kB\n");
    assert_int_equal(cxs_node_avail_bytes(&f->topo, 0), (1048576ULL + 100 + 200 + 50) * 1024);
    assert_int_equal(cxs_node_avail_bytes(&f->topo, 9), 0);
}

/* ---- tree 2: two sockets, a CPU-less node, a CXL node ------------------- */

static void test_cxl_nodes(void **state)
{
    struct fixture *f = *state;
    const struct cxs_topo *t = &f->topo;
    assert_int_equal(t->nnodes, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(t->nodes[i].id, i);
    assert_int_equal(cxs_topo_node(t, 1)->ncpus, 4);
    assert_int_equal(cxs_topo_node(t, 1)->cpus[0], 4);
    assert_int_equal(cxs_topo_node(t, 2)->ncpus, 0);
    assert_int_equal(cxs_topo_node(t, 3)->mem_total, 16ULL * GiB);
    assert_int_equal(cxs_topo_node(t, 0)->tier, 4);
    assert_int_equal(cxs_topo_node(t, 2)->tier, 4);
    assert_int_equal(cxs_topo_node(t, 3)->tier, 22);
    assert_int_equal(cxs_topo_distance(t, 0, 1), 21);
    assert_int_equal(cxs_topo_distance(t, 1, 3), 24);
    assert_int_equal(cxs_topo_distance(t, 2, 0), 17);
    assert_int_equal(cxs_topo_distance(t, 0, 9), -1);
    assert_int_equal(cxs_topo_default_cpu_node(t), 0);
}

static void test_cxl_evidence(void **state)
{
    struct fixture *f = *state;
    const struct cxs_topo *t = &f->topo;
    const struct cxs_node *n3 = cxs_topo_node(t, 3), *n2 = cxs_topo_node(t, 2);
    assert_int_equal(n3->cxl, 1);
    assert_string_equal(n3->cxl_evidence, "dax0.0 (CXL region0) target_node=3");
    assert_int_equal(n2->cxl, 0); /* its dax device is HMEM, not CXL */
    assert_string_equal(n2->cxl_evidence, "");
    assert_int_equal(cxs_topo_node(t, 0)->cxl, 0);
}

/* Each evidence rule alone, and dax devices that are not evidence. */
static void test_evidence_rules(void **state)
{
    struct fixture *f = *state;
    struct cxs_topo t;
    char err[256];
    /* On the cxl bus by its subsystem link only (no ACPI0017 above). */
    put(f, "devices/host0/port1/region7/dax_region7/dax7.0/target_node", "2\n");
    link_to(f, "devices/host0/port1/region7/subsystem", "../../../../bus/cxl");
    link_to(f, "bus/dax/devices/dax7.0", "../../../devices/host0/port1/region7/dax_region7/dax7.0");
    /* A region under a cxl path only. */
    put(f, "devices/cxl/region8/dax8.0/target_node", "1\n");
    link_to(f, "bus/dax/devices/dax8.0", "../../../devices/cxl/region8/dax8.0");
    /* Not evidence: an nvdimm region, no target, an absent node. */
    put(f, "devices/platform/ndbus0/region5/dax5.0/target_node", "0\n");
    link_to(f, "bus/dax/devices/dax5.0", "../../../devices/platform/ndbus0/region5/dax5.0");
    put(f, "devices/platform/hmem.1/dax6.0/target_node", "-1\n");
    link_to(f, "bus/dax/devices/dax6.0", "../../../devices/platform/hmem.1/dax6.0");
    put(f, REGION "/dax_region0/dax0.1/target_node", "9\n");
    link_to(f, "bus/dax/devices/dax0.1", "../../../" REGION "/dax_region0/dax0.1");

    if (cxs_topo_load(&t, err, sizeof err) != 0)
        fail_msg("cxs_topo_load: %s", err);
    assert_string_equal(cxs_topo_node(&t, 2)->cxl_evidence, "dax7.0 (CXL region7) target_node=2");
    assert_string_equal(cxs_topo_node(&t, 1)->cxl_evidence, "dax8.0 (CXL region8) target_node=1");
    assert_int_equal(cxs_topo_node(&t, 0)->cxl, 0);
    assert_int_equal(cxs_topo_node(&t, 3)->cxl, 1);
    assert_int_equal(cxs_topo_classify(&t, 2, 0), CXS_CXL);
    assert_int_equal(cxs_topo_classify(&t, 1, 0), CXS_RDRAM); /* CPUs win */
    cxs_topo_free(&t);
}

static void test_cxl_hmat(void **state)
{
    struct fixture *f = *state;
    const struct cxs_node *n2 = cxs_topo_node(&f->topo, 2), *n3 = cxs_topo_node(&f->topo, 3);
    const struct cxs_hmat *h = &n2->hmat[1];
    assert_int_equal(h->present, 1);
    assert_int_equal(h->read_latency_ns, 150);
    assert_int_equal(h->write_latency_ns, 160);
    assert_int_equal(h->read_bandwidth_mbps, 20000);
    assert_int_equal(h->write_bandwidth_mbps, 18000);
    assert_string_equal(h->initiators, "0");
    h = &n3->hmat[0];
    assert_int_equal(h->present, 1);
    assert_int_equal(h->read_latency_ns, 250);
    assert_int_equal(h->write_latency_ns, -1);
    assert_int_equal(h->read_bandwidth_mbps, -1);
    assert_string_equal(h->initiators, "0,1");
    assert_int_equal(n3->hmat[1].present, 0);
    assert_int_equal(cxs_topo_node(&f->topo, 1)->hmat[0].present, 0);
}

static void test_cxl_classes(void **state)
{
    struct fixture *f = *state;
    const struct cxs_topo *t = &f->topo;
    assert_int_equal(cxs_topo_classify(t, 0, 0), CXS_LDRAM);
    assert_int_equal(cxs_topo_classify(t, 1, 0), CXS_RDRAM);
    assert_int_equal(cxs_topo_classify(t, 2, 0), CXS_CPULESS);
    assert_int_equal(cxs_topo_classify(t, 3, 0), CXS_CXL);
    assert_int_equal(cxs_topo_classify(t, 1, 1), CXS_LDRAM);
    assert_int_equal(cxs_topo_classify(t, 0, 1), CXS_RDRAM);
    assert_int_equal(cxs_topo_classify(t, 2, 1), CXS_CPULESS);
    assert_int_equal(cxs_topo_classify(t, 3, 1), CXS_CXL);
    assert_int_equal(cxs_topo_classify(t, 7, 0), CXS_NCLASSES);
}

static void test_class_names(void **state)
{
    (void)state;
    assert_string_equal(cxs_class_name(CXS_LDRAM), "LDRAM");
    assert_string_equal(cxs_class_name(CXS_RDRAM), "RDRAM");
    assert_string_equal(cxs_class_name(CXS_CXL), "CXL");
    assert_string_equal(cxs_class_name(CXS_CPULESS), "CPULESS");
    assert_int_equal(cxs_class_parse("ldram"), CXS_LDRAM);
    assert_int_equal(cxs_class_parse("RDram"), CXS_RDRAM);
    assert_int_equal(cxs_class_parse("CXL"), CXS_CXL);
    assert_int_equal(cxs_class_parse("cpuless"), CXS_CPULESS);
    assert_int_equal(cxs_class_parse("hbm"), -1);
    assert_int_equal(cxs_class_parse(""), -1);
}

static void test_cxl_select_ok(void **state)
{
    struct fixture *f = *state;
    static const int all[] = {0, 1, 2, 3}, first2[] = {0, 1}, cxl[] = {3}, ld_cxl[] = {0, 3},
                     ld_cxl1[] = {1, 3}, mixed[] = {0, 1, 3};
    assert_sel(f, "all", 0, all, 4);
    assert_sel(f, "0-1", 0, first2, 2);
    assert_sel(f, "cxl", 0, cxl, 1);
    assert_sel(f, "ldram,cxl", 0, ld_cxl, 2);
    assert_sel(f, "ldram,cxl", 1, ld_cxl1, 2);
    assert_sel(f, "CXL,1,0,1", 0, mixed, 3);
    assert_sel(f, " 1 , 0 ", 0, first2, 2);
    assert_sel(f, "0-3,all", 0, all, 4);

    struct selection s = sel(f, "all", CXS_SELECT_CPU, 0);
    assert_int_equal(s.rc, CXS_SEL_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ids[1], 1);
    s = sel(f, "0-1", CXS_SELECT_CPU, 0);
    assert_int_equal(s.rc, CXS_SEL_OK);
    assert_int_equal(s.n, 2);

    int one[1];
    size_t n = 9;
    char err[128];
    assert_int_equal(
        cxs_topo_select(&f->topo, "all", CXS_SELECT_MEM, 0, one, 1, &n, err, sizeof err),
        CXS_SEL_BAD);
    assert_int_equal(n, 0);
}

static void test_cxl_select_bad(void **state)
{
    struct fixture *f = *state;
    struct selection s = sel(f, "7", CXS_SELECT_MEM, 0);
    assert_err_has(&s, CXS_SEL_BAD, "node 7 does not exist (memory nodes: 0,1,2,3)");
    s = sel(f, "2", CXS_SELECT_CPU, 0);
    assert_err_has(&s, CXS_SEL_BAD, "node 2 has no CPUs (CPU nodes: 0,1)");
    s = sel(f, "0-2", CXS_SELECT_CPU, 0);
    assert_err_has(&s, CXS_SEL_BAD, "node 2 has no CPUs");
    s = sel(f, "cxl", CXS_SELECT_CPU, 0);
    assert_err_has(&s, CXS_SEL_BAD, "not a CPU node (CPU nodes: 0,1)");
    s = sel(f, "x-", CXS_SELECT_MEM, 0);
    assert_err_has(&s, CXS_SEL_BAD, "'x-'");
    assert_non_null(strstr(s.err, "ranges (0-3)"));
    assert_non_null(strstr(s.err, "cxl"));
    const char *bad[] = {"", "0,", ",1", "1-", "-1", "3-1", "0-1-2", "node0", "1234567890", "a"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        s = sel(f, bad[i], CXS_SELECT_MEM, 0);
        if (s.rc != CXS_SEL_BAD)
            fail_msg("spec '%s' accepted", bad[i]);
        assert_int_equal(s.n, 0);
        assert_true(s.err[0] != '\0');
    }
    s = sel(f, "x", CXS_SELECT_CPU, 0);
    assert_err_has(&s, CXS_SEL_BAD, "bad CPU node item 'x'");
    s = sel(f, "ldram", CXS_SELECT_MEM, 2); /* a CPU-less initiator */
    assert_err_has(&s, CXS_SEL_BAD, "CPU nodes: 0,1");
    assert_int_equal(
        cxs_topo_select(&f->topo, NULL, CXS_SELECT_MEM, 0, s.ids, 4, &s.n, s.err, sizeof s.err),
        CXS_SEL_BAD);
}

static void test_cxl_list(void **state)
{
    struct fixture *f = *state;
    char buf[64];
    cxs_topo_list(&f->topo, 0, 0, buf, sizeof buf);
    assert_string_equal(buf, "0,1,2,3");
    cxs_topo_list(&f->topo, 1, 0, buf, sizeof buf);
    assert_string_equal(buf, "0,1");
    cxs_topo_list(&f->topo, 0, 1, buf, sizeof buf);
    assert_string_equal(buf, "0,1,2,3");
    cxs_topo_list(&f->topo, 0, 0, buf, 6);
    assert_string_equal(buf, "0,...");
}

/* Several memory nodes: the node's own count, never MemAvailable. */
static void test_cxl_avail(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(cxs_node_avail_bytes(&f->topo, 0), (4194304ULL + 350) * 1024);
    assert_int_equal(cxs_node_avail_bytes(&f->topo, 3), (16000000ULL + 350) * 1024);
    put(f, NODE "node1/meminfo", "Node 1 MemFree: 10 kB\n"); /* read fresh */
    assert_int_equal(cxs_node_avail_bytes(&f->topo, 1), 10ULL * 1024);
}

/* ---- tree 3: IDs 0, 2, 5 ------------------------------------------------ */

static void test_sparse_nodes(void **state)
{
    struct fixture *f = *state;
    const struct cxs_topo *t = &f->topo;
    assert_int_equal(t->nnodes, 3);
    assert_int_equal(t->nodes[0].id, 0);
    assert_int_equal(t->nodes[1].id, 2);
    assert_int_equal(t->nodes[2].id, 5);
    assert_int_equal(cxs_topo_index(t, 5), 2);
    assert_int_equal(cxs_topo_distance(t, 0, 5), 30);
    assert_int_equal(cxs_topo_distance(t, 2, 0), 20);
    assert_int_equal(cxs_topo_distance(t, 5, 5), 10);
    assert_false(cxs_node_has_memory(cxs_topo_node(t, 2)));
    assert_int_equal(cxs_topo_node(t, 2)->ncpus, 4);
    assert_int_equal(cxs_topo_node(t, 5)->cxl, 1);
    assert_string_equal(cxs_topo_node(t, 5)->cxl_evidence, "dax3.0 (CXL region3) target_node=5");
    assert_int_equal(cxs_topo_classify(t, 5, 2), CXS_CXL);
    assert_int_equal(cxs_topo_classify(t, 0, 2), CXS_RDRAM);
    assert_int_equal(cxs_topo_node(t, 0)->tier, -1);
}

static void test_sparse_select(void **state)
{
    struct fixture *f = *state;
    static const int mem[] = {0, 5}, cxl[] = {5};
    assert_sel(f, "all", 0, mem, 2);
    assert_sel(f, "0-5", 0, mem, 2); /* 2 lies between and has no memory: skipped */
    assert_sel(f, "cxl", 2, cxl, 1);
    struct selection s = sel(f, "2", CXS_SELECT_MEM, 0);
    assert_err_has(&s, CXS_SEL_BAD, "node 2 has no memory (memory nodes: 0,5)");
    s = sel(f, "1", CXS_SELECT_MEM, 0);
    assert_err_has(&s, CXS_SEL_BAD, "node 1 does not exist (memory nodes: 0,5)");
    s = sel(f, "0-2", CXS_SELECT_MEM, 0);
    assert_err_has(&s, CXS_SEL_BAD, "node 2 has no memory");
    s = sel(f, "ldram", CXS_SELECT_MEM, 2); /* node 2's own memory: none */
    assert_err_has(&s, CXS_SEL_EMPTY, "no LDRAM memory node for CPU node 2");
    s = sel(f, "all", CXS_SELECT_CPU, 0);
    assert_int_equal(s.rc, CXS_SEL_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ids[1], 2);
    s = sel(f, "5", CXS_SELECT_CPU, 0);
    assert_err_has(&s, CXS_SEL_BAD, "node 5 has no CPUs (CPU nodes: 0,2)");
    /* Two memory nodes, so the fake root's meminfo is not consulted. */
    assert_int_equal(cxs_node_avail_bytes(&f->topo, 5), (8000000ULL + 350) * 1024);
}

/* ---- no NUMA in the kernel, and no usable tree -------------------------- */

static void test_flat_and_empty(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    assert_int_equal(cxs_topo_load(&f->topo, err, sizeof err), -1);
    assert_non_null(strstr(err, "no NUMA nodes or CPUs"));
    assert_int_equal(f->topo.nnodes, 0);

    /* A kernel without CONFIG_NUMA: one node 0 with every CPU. */
    put(f, "devices/system/cpu/online", "0-3\n");
    put(f, "meminfo", "MemTotal:  2097152 kB\nMemFree:  10 kB\nMemAvailable:  1000000 kB\n");
    if (cxs_topo_load(&f->topo, err, sizeof err) != 0)
        fail_msg("cxs_topo_load: %s", err);
    assert_int_equal(f->topo.nnodes, 1);
    assert_int_equal(f->topo.nodes[0].id, 0);
    assert_int_equal(f->topo.nodes[0].ncpus, 4);
    assert_int_equal(f->topo.nodes[0].mem_total, 2 * GiB);
    assert_int_equal(cxs_node_avail_bytes(&f->topo, 0), 1000000ULL * 1024);
    cxs_topo_free(&f->topo);

    /* A node list that does not parse is an error, not an empty table. */
    put(f, NODE "online", "0-x\n");
    assert_int_equal(cxs_topo_load(&f->topo, err, sizeof err), -1);
    assert_non_null(strstr(err, "online"));
}

/* ---- the real machine --------------------------------------------------- */

static void test_real_machine(void **state)
{
    (void)state;
    struct cxs_topo t;
    char err[256] = "";
    unsetenv("CXLSCOPE_SYSFS_ROOT");
    if (cxs_topo_load(&t, err, sizeof err) != 0)
        fail_msg("cxs_topo_load on this machine: %s", err);
    assert_true(t.nnodes >= 1);
    int cpu_node = cxs_topo_default_cpu_node(&t);
    const struct cxs_node *n = cxs_topo_node(&t, cpu_node);
    assert_non_null(n);
    assert_true(n->ncpus > 0);
    int with_mem = -1;
    for (int i = 0; i < t.nnodes && with_mem < 0; i++)
        if (cxs_node_has_memory(&t.nodes[i]))
            with_mem = t.nodes[i].id;
    assert_true(with_mem >= 0);
    assert_true(cxs_node_avail_bytes(&t, with_mem) > 0);
    int ids[CXS_MAX_NODES];
    size_t nids = 0;
    assert_int_equal(cxs_topo_select(&t, "all", CXS_SELECT_MEM, cpu_node, ids, CXS_MAX_NODES, &nids,
                                     err, sizeof err),
                     CXS_SEL_OK);
    assert_true(nids >= 1);
    cxs_topo_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sysfs_reads, setup_single, teardown_tree),
        cmocka_unit_test_setup_teardown(test_single_node, setup_single, teardown_tree),
        cmocka_unit_test_setup_teardown(test_single_select, setup_single, teardown_tree),
        cmocka_unit_test_setup_teardown(test_single_avail, setup_single, teardown_tree),
        cmocka_unit_test_setup_teardown(test_cxl_nodes, setup_cxl, teardown_tree),
        cmocka_unit_test_setup_teardown(test_cxl_evidence, setup_cxl, teardown_tree),
        cmocka_unit_test_setup_teardown(test_evidence_rules, setup_cxl, teardown_tree),
        cmocka_unit_test_setup_teardown(test_cxl_hmat, setup_cxl, teardown_tree),
        cmocka_unit_test_setup_teardown(test_cxl_classes, setup_cxl, teardown_tree),
        cmocka_unit_test(test_class_names),
        cmocka_unit_test_setup_teardown(test_cxl_select_ok, setup_cxl, teardown_tree),
        cmocka_unit_test_setup_teardown(test_cxl_select_bad, setup_cxl, teardown_tree),
        cmocka_unit_test_setup_teardown(test_cxl_list, setup_cxl, teardown_tree),
        cmocka_unit_test_setup_teardown(test_cxl_avail, setup_cxl, teardown_tree),
        cmocka_unit_test_setup_teardown(test_sparse_nodes, setup_sparse, teardown_tree),
        cmocka_unit_test_setup_teardown(test_sparse_select, setup_sparse, teardown_tree),
        cmocka_unit_test_setup_teardown(test_flat_and_empty, setup_bare, teardown_tree),
        cmocka_unit_test(test_real_machine),
    };
    return cmocka_run_group_tests_name("topology", tests, NULL, NULL);
}
