/* test_memory.c — placement on node 0 of this machine, verified with
 * move_pages(), and the clear failures: too large, hugetlb pool short;
 * allocations from several threads with no lock of the caller's; huge-page
 * reservations shared by buffers and freed in any order, given back when
 * a reservation fails (on a fake pool) and by the exit hook on a second
 * Ctrl-C and at exit() (in a child); several buffers' needs checked as one. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "interrupt.h"
#include "testutil.h"
#include "memory.h"
#include "sysfs.h"
#include "topology.h"

static struct cxs_topo topo;
static int node0_idx;

static int setup(void **state)
{
    (void)state;
    char err[256];
    unsetenv("CXLSCOPE_SYSFS_ROOT");
    if (cxs_topo_load(&topo, err, sizeof err))
        return -1;
    node0_idx = cxs_topo_index(&topo, topo.nodes[0].id);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cxs_topo_free(&topo);
    return 0;
}

static struct cxs_alloc_req req(size_t size, enum cxs_policy pol, enum cxs_page page)
{
    struct cxs_alloc_req q = {.size = size, .policy = pol, .nnodes = 1, .page = page};
    q.nodes[0] = topo.nodes[0].id;
    return q;
}

static void alloc_and_check(enum cxs_policy pol, enum cxs_page page, size_t size)
{
    struct cxs_alloc_req q = req(size, pol, page);
    struct cxs_buf b;
    char err[512];
    int rc = cxs_buf_alloc(&topo, &q, &b, err, sizeof err);
    if (rc)
        fail_msg("%s/%s: %s", cxs_policy_name(pol), cxs_page_name(page), err);
    assert_non_null(b.p);
    assert_true(b.map_size >= size && b.map_size % cxs_page_bytes(page) == 0);
    assert_int_equal(b.pages_on[node0_idx], b.map_size / 4096);
    assert_int_equal(b.pages_elsewhere, 0);
    assert_int_equal(b.pages_unknown, 0);
    /* Every byte is usable. */
    memset(b.p, 0xa5, size);
    if (page == CXS_PAGE_4K) {
        assert_string_equal(b.page_used, "4k");
        assert_int_equal(b.kernel_page_bytes, 4096);
    }
    cxs_buf_free(&b);
    assert_null(b.p);
}

static void test_bind_4k(void **state)
{
    (void)state;
    alloc_and_check(CXS_POL_BIND, CXS_PAGE_4K, 8 << 20);
    alloc_and_check(CXS_POL_BIND, CXS_PAGE_4K, 12345); /* rounded up to pages */
}

static void test_preferred_and_interleave(void **state)
{
    (void)state;
    alloc_and_check(CXS_POL_PREFERRED, CXS_PAGE_4K, 4 << 20);
    alloc_and_check(CXS_POL_INTERLEAVE, CXS_PAGE_4K, 4 << 20);
}

static void test_thp_reports_what_it_got(void **state)
{
    (void)state;
    struct cxs_alloc_req q = req(64 << 20, CXS_POL_BIND, CXS_PAGE_THP);
    struct cxs_buf b;
    char err[512];
    assert_int_equal(cxs_buf_alloc(&topo, &q, &b, err, sizeof err), 0);
    assert_int_equal(b.pages_on[node0_idx], b.map_size / 4096);
    /* THP may be off on a machine; what the buffer got is read back either way. */
    assert_true(!strcmp(b.page_used, "thp") || !strcmp(b.page_used, "4k") ||
                !strcmp(b.page_used, "4k+thp"));
    assert_true(b.huge_fraction >= 0 && b.huge_fraction <= 1.0001);
    if (!strcmp(b.page_used, "thp"))
        assert_true(b.huge_fraction >= 0.99);
    cxs_buf_free(&b);
}

static void test_too_large_names_free_memory(void **state)
{
    (void)state;
    struct cxs_alloc_req q = req((size_t)1 << 40, CXS_POL_BIND, CXS_PAGE_4K);
    struct cxs_buf b;
    char err[512] = "";
    assert_int_equal(cxs_buf_alloc(&topo, &q, &b, err, sizeof err), CXS_EXIT_FAIL);
    assert_non_null(strstr(err, "cannot hold"));
    assert_non_null(strstr(err, "free"));
    assert_null(b.p);
}

/* Buffers held at once: their needs add up per node, in whole pages, and
 * the total is what is checked; each alone would fit, both do not. */
static void test_needs_add_up(void **state)
{
    (void)state;
    char err[512] = "";
    uint64_t need[CXS_MAX_NODES] = {0};
    int id = topo.nodes[0].id;
    uint64_t avail = cxs_node_avail_bytes(&topo, id);
    struct cxs_seg small = {.len = 4097, .policy = CXS_POL_BIND};
    cxs_nodeset_add(&small.nodes, id);
    assert_int_equal(cxs_segs_need(&topo, &small, 1, CXS_PAGE_4K, need, err, sizeof err), 0);
    assert_int_equal(need[node0_idx], 8192); /* two pages */
    struct cxs_seg big = {.len = (size_t)(avail / 10 * 6) & ~(size_t)4095, .policy = CXS_POL_BIND};
    cxs_nodeset_add(&big.nodes, id);
    assert_int_equal(cxs_segs_need(&topo, &big, 1, CXS_PAGE_4K, need, err, sizeof err), 0);
    assert_int_equal(cxs_needs_precheck(&topo, need, CXS_PAGE_4K, 0, err, sizeof err), 0);
    assert_int_equal(cxs_segs_need(&topo, &big, 1, CXS_PAGE_4K, need, err, sizeof err), 0);
    assert_int_equal(need[node0_idx], 8192 + 2 * (uint64_t)big.len);
    assert_int_equal(cxs_needs_precheck(&topo, need, CXS_PAGE_4K, 0, err, sizeof err),
                     CXS_EXIT_FAIL);
    assert_non_null(strstr(err, "cannot hold"));
    struct cxs_seg none = {.len = 4096, .policy = CXS_POL_BIND}; /* no node */
    assert_int_equal(cxs_segs_need(&topo, &none, 1, CXS_PAGE_4K, need, err, sizeof err),
                     CXS_EXIT_USAGE);
}

static void test_bad_requests(void **state)
{
    (void)state;
    struct cxs_buf b;
    char err[512];
    struct cxs_alloc_req q = req(0, CXS_POL_BIND, CXS_PAGE_4K);
    assert_int_equal(cxs_buf_alloc(&topo, &q, &b, err, sizeof err), CXS_EXIT_USAGE);
    q = req(4096, CXS_POL_BIND, CXS_PAGE_4K);
    q.nodes[0] = 999;
    assert_int_equal(cxs_buf_alloc(&topo, &q, &b, err, sizeof err), CXS_EXIT_USAGE);
    q = req(4096, CXS_POL_BIND, CXS_PAGE_4K);
    q.nnodes = 2;
    q.nodes[1] = q.nodes[0];
    assert_int_equal(cxs_buf_alloc(&topo, &q, &b, err, sizeof err), CXS_EXIT_USAGE);
}

static int64_t pool(const char *what)
{
    char rel[160];
    int64_t v = -1;
    snprintf(rel, sizeof rel, "devices/system/node/node%d/hugepages/hugepages-2048kB/%s",
             topo.nodes[0].id, what);
    cxs_sysfs_read_i64(rel, &v);
    return v;
}

static void test_hugetlb_short_pool_says_what_to_do(void **state)
{
    (void)state;
    int64_t fr = pool("free_hugepages");
    if (fr < 0)
        SKIP_BECAUSE("node %d has no 2 MiB hugetlb pool", topo.nodes[0].id);
    /* Ask for more 2 MiB pages than are free. */
    struct cxs_alloc_req q = req((size_t)(fr + 4) * (2u << 20), CXS_POL_BIND, CXS_PAGE_2M);
    struct cxs_buf b;
    char err[512] = "";
    assert_int_equal(cxs_buf_alloc(&topo, &q, &b, err, sizeof err), CXS_EXIT_FAIL);
    assert_non_null(strstr(err, "free 2m huge pages"));
    assert_non_null(strstr(err, "nr_hugepages"));
    assert_non_null(strstr(err, "--reserve-hugepages"));
}

static void test_hugetlb_reserve_gives_back(void **state)
{
    (void)state;
    int64_t nr = pool("nr_hugepages");
    if (nr < 0)
        SKIP_BECAUSE("node %d has no 2 MiB hugetlb pool", topo.nodes[0].id);
    if (geteuid() != 0)
        SKIP_BECAUSE("reserving huge pages needs root");
    struct cxs_alloc_req q = req(8u << 20, CXS_POL_BIND, CXS_PAGE_2M);
    q.reserve_hugepages = 1;
    struct cxs_buf b;
    char err[512] = "";
    int rc = cxs_buf_alloc(&topo, &q, &b, err, sizeof err);
    if (rc)
        fail_msg("%s", err);
    assert_string_equal(b.page_used, "2m");
    assert_int_equal(b.kernel_page_bytes, 2u << 20);
    assert_int_equal(b.pages_on[node0_idx], b.map_size / 4096);
    assert_true(pool("nr_hugepages") >= nr + 4 || nr >= 4);
    cxs_buf_free(&b);
    assert_int_equal(pool("nr_hugepages"), nr);
}

/* Several threads allocate at once, with no lock of their own. */
#define NTHREADS 4
struct worker {
    int rc;
    char err[512];
    struct cxs_buf b;
};

static void *alloc_thread(void *arg)
{
    struct worker *w = arg;
    for (int k = 0; k < 8 && !w->rc; k++) {
        struct cxs_alloc_req q = req((size_t)(2 + k) << 20, CXS_POL_BIND, CXS_PAGE_4K);
        w->rc = cxs_buf_alloc(&topo, &q, &w->b, w->err, sizeof w->err);
        if (!w->rc && (w->b.pages_on[node0_idx] != w->b.map_size / 4096 || w->b.pages_unknown))
            w->rc = -1, snprintf(w->err, sizeof w->err, "pages not all on node 0");
        if (!w->rc)
            memset(w->b.p, k, w->b.size);
        cxs_buf_free(&w->b);
    }
    return NULL;
}

static void test_threads_need_no_lock(void **state)
{
    (void)state;
    pthread_t th[NTHREADS];
    static struct worker w[NTHREADS];
    memset(w, 0, sizeof w);
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, alloc_thread, &w[i]), 0);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < NTHREADS; i++)
        if (w[i].rc)
            fail_msg("thread %d: %s", i, w[i].err);
}

/* A reservation that cannot be had is given back at once: a fake pool (a
 * plain file stands for nr_hugepages; free_hugepages never grows). */
static void test_failed_reservation_gives_back(void **state)
{
    (void)state;
    char root[] = "/tmp/cxs-memtest-XXXXXX", dir[256], path[300], cmd[1024];
    assert_non_null(mkdtemp(root));
    snprintf(dir, sizeof dir, "%s/devices/system/node/node%d/hugepages/hugepages-2048kB", root,
             topo.nodes[0].id);
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s && echo 3 > %s/nr_hugepages && echo 0 > %s/free_hugepages", dir, dir,
             dir);
    assert_int_equal(system(cmd), 0);
    setenv("CXLSCOPE_SYSFS_ROOT", root, 1);
    struct cxs_alloc_req q = req(4u << 20, CXS_POL_BIND, CXS_PAGE_2M);
    q.reserve_hugepages = 1;
    struct cxs_buf b;
    char err[512] = "";
    int rc = cxs_buf_alloc(&topo, &q, &b, err, sizeof err);
    int64_t nr = -1;
    snprintf(path, sizeof path, "%s/nr_hugepages", dir);
    cxs_sysfs_read_i64(path, &nr);
    unsetenv("CXLSCOPE_SYSFS_ROOT");
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(rc, CXS_EXIT_FAIL);
    assert_null(b.p);
    assert_int_equal(b.nreserved, 0);
    assert_int_equal(nr, 3); /* raised to 5 for the attempt, then back */
}

static int reserve_ok(int64_t *nr)
{
    *nr = pool("nr_hugepages");
    return *nr >= 0 && geteuid() == 0;
}

static void alloc_reserved(struct cxs_buf *b, size_t bytes)
{
    struct cxs_alloc_req q = req(bytes, CXS_POL_BIND, CXS_PAGE_2M);
    q.reserve_hugepages = 1;
    char err[512] = "";
    if (cxs_buf_alloc(&topo, &q, b, err, sizeof err))
        fail_msg("%s", err);
}

/* Two buffers on one pool, freed first-in first-out: the pool stays up
 * while the second lives and ends as it was. */
static void test_shared_reservation_any_order(void **state)
{
    (void)state;
    int64_t nr;
    if (!reserve_ok(&nr))
        SKIP_BECAUSE("needs root and a 2 MiB hugetlb pool on node %d", topo.nodes[0].id);
    struct cxs_buf a, b;
    alloc_reserved(&a, 4u << 20);
    alloc_reserved(&b, 6u << 20);
    assert_true(pool("nr_hugepages") >= 5);
    cxs_buf_free(&a);
    assert_true(pool("nr_hugepages") >= 3); /* b's 3 pages are still there */
    memset(b.p, 1, b.size);
    cxs_buf_free(&b);
    assert_int_equal(pool("nr_hugepages"), nr);
}

/* In a child: reserve, then end the way the hook must cover (a second
 * Ctrl-C, or exit() without freeing); the parent sees the pool as it was. */
static void child_exits_holding(int how)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, 2); /* "second signal: stopping now" */
        cxs_interrupt_install();
        struct cxs_alloc_req q = req(4u << 20, CXS_POL_BIND, CXS_PAGE_2M);
        q.reserve_hugepages = 1;
        struct cxs_buf b;
        char err[512];
        if (cxs_buf_alloc(&topo, &q, &b, err, sizeof err))
            _exit(3);
        if (how == 0) {
            raise(SIGINT); /* first: the stop flag */
            raise(SIGINT); /* second: hooks, then _exit(130) */
            _exit(4);
        }
        exit(0); /* atexit runs the hooks */
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), how == 0 ? 128 + SIGINT : 0);
}

static void test_exit_hook_gives_back(void **state)
{
    (void)state;
    int64_t nr;
    if (!reserve_ok(&nr))
        SKIP_BECAUSE("needs root and a 2 MiB hugetlb pool on node %d", topo.nodes[0].id);
    child_exits_holding(0);
    assert_int_equal(pool("nr_hugepages"), nr);
    child_exits_holding(1);
    assert_int_equal(pool("nr_hugepages"), nr);
}

static void test_pages_where_unknown_node(void **state)
{
    (void)state;
    /* A topology that lacks the node the pages are on: they count as unknown. */
    struct cxs_topo fake = {.nnodes = 1};
    fake.nodes[0].id = topo.nodes[0].id + 1;
    fake.nodes[0].mem_total = 1 << 30;
    size_t len = 16 * 4096;
    char *p = aligned_alloc(4096, len);
    memset(p, 1, len);
    uint64_t counts[CXS_MAX_NODES];
    assert_int_equal(cxs_pages_where(&fake, p, len, counts), 16);
    assert_int_equal(counts[0], 0);
    assert_int_equal(cxs_pages_where(&topo, p, len, counts), 0);
    assert_int_equal(counts[node0_idx], 16);
    free(p);
}

/* Pages on a node by ID, on a set, and as a percent, on a made-up
 * topology whose IDs are not its indexes. */
static void test_pages_on_accessors(void **state)
{
    (void)state;
    struct cxs_topo t = {.nnodes = 3};
    t.nodes[0].id = 0;
    t.nodes[1].id = 2;
    t.nodes[2].id = 700;
    struct cxs_buf b = {.map_size = 40 * 4096};
    b.pages_on[0] = 10;
    b.pages_on[1] = 25;
    b.pages_on[2] = 5;
    assert_int_equal(cxs_buf_pages(&b), 40);
    assert_int_equal(cxs_buf_pages_on(&b, &t, 0), 10);
    assert_int_equal(cxs_buf_pages_on(&b, &t, 2), 25);
    assert_int_equal(cxs_buf_pages_on(&b, &t, 700), 5);
    assert_int_equal(cxs_buf_pages_on(&b, &t, 1), 0); /* not in the topology */
    assert_int_equal(cxs_buf_pages_on(&b, &t, -1), 0);
    struct cxs_nodeset s = {0};
    assert_int_equal(cxs_buf_pages_on_set(&b, &t, &s), 0);
    assert_true(cxs_buf_pct_on(&b, &t, &s) == 0.0);
    cxs_nodeset_add(&s, 2);
    cxs_nodeset_add(&s, 700);
    cxs_nodeset_add(&s, 5); /* not in the topology: counts nothing */
    assert_int_equal(cxs_buf_pages_on_set(&b, &t, &s), 30);
    assert_true(cxs_buf_pct_on(&b, &t, &s) == 75.0);
    assert_true(cxs_pages_pct(1, 3) == 100.0 * 1.0 / 3.0);
    assert_true(cxs_pages_pct(0, 0) == 0.0);
    struct cxs_buf empty = {0};
    assert_true(cxs_buf_pct_on(&empty, &t, &s) == 0.0);
    /* and on a real buffer of this machine */
    struct cxs_alloc_req q = req(1u << 20, CXS_POL_BIND, CXS_PAGE_4K);
    char err[512];
    assert_int_equal(cxs_buf_alloc(&topo, &q, &b, err, sizeof err), 0);
    assert_int_equal(cxs_buf_pages_on(&b, &topo, topo.nodes[0].id), cxs_buf_pages(&b));
    cxs_nodeset_clear(&s);
    cxs_nodeset_add(&s, topo.nodes[0].id);
    assert_true(cxs_buf_pct_on(&b, &topo, &s) == 100.0);
    assert_true(cxs_buf_on_node_pct(&b) == 100.0);
    cxs_buf_free(&b);
}

static void test_names(void **state)
{
    (void)state;
    assert_int_equal(cxs_page_parse("4k"), CXS_PAGE_4K);
    assert_int_equal(cxs_page_parse("THP"), CXS_PAGE_THP);
    assert_int_equal(cxs_page_parse("1g"), CXS_PAGE_1G);
    assert_int_equal(cxs_page_parse("8k"), -1);
    assert_int_equal(cxs_policy_parse("interleave"), CXS_POL_INTERLEAVE);
    assert_int_equal(cxs_policy_parse("spread"), -1);
    assert_int_equal(cxs_page_bytes(CXS_PAGE_2M), 2u << 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bind_4k),
        cmocka_unit_test(test_preferred_and_interleave),
        cmocka_unit_test(test_thp_reports_what_it_got),
        cmocka_unit_test(test_too_large_names_free_memory),
        cmocka_unit_test(test_needs_add_up),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_hugetlb_short_pool_says_what_to_do),
        cmocka_unit_test(test_hugetlb_reserve_gives_back),
        cmocka_unit_test(test_threads_need_no_lock),
        cmocka_unit_test(test_failed_reservation_gives_back),
        cmocka_unit_test(test_shared_reservation_any_order),
        cmocka_unit_test(test_exit_hook_gives_back),
        cmocka_unit_test(test_pages_where_unknown_node),
        cmocka_unit_test(test_pages_on_accessors),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests_name("memory", tests, setup, teardown);
}
