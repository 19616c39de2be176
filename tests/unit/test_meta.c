/* test_meta.c — meta.json contents, merging of tests, refusal to clobber. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "caches.h"
#include "cli.h"
#include "meta.h"
#include "topology.h"

/* ---- fixtures ------------------------------------------------------- */

static char sysroot[64]; /* fake sysfs tree, CXLSCOPE_SYSFS_ROOT */
static char resdir[64];  /* results directory of the current test */

static void put_file(const char *rel, const char *content)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", sysroot, rel);
    /* mkdir -p the parent */
    for (char *p = path + strlen(sysroot) + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            fail_msg("mkdir %s: %s", path, strerror(errno));
        *p = '/';
    }
    FILE *f = fopen(path, "w");
    if (!f)
        fail_msg("create %s: %s", path, strerror(errno));
    fputs(content, f);
    assert_int_equal(fclose(f), 0);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(sysroot, sizeof(sysroot), "/tmp/cxs-test-sysfs-XXXXXX");
    if (!mkdtemp(sysroot))
        return -1;
    put_file("devices/system/node/online", "0,2\n");
    put_file("devices/system/node/node0/cpulist", "0-1\n");
    put_file("devices/system/node/node0/meminfo", "Node 0 MemTotal:        1048576 kB\n"
                                                  "Node 0 MemFree:          524288 kB\n");
    put_file("devices/system/node/node0/distance", "10 20\n");
    put_file("devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "4\n");
    put_file("devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages", "3\n");
    put_file("devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages", "1\n");
    put_file("devices/system/node/node0/hugepages/hugepages-1048576kB/free_hugepages", "0\n");
    put_file("devices/system/node/node2/cpulist", "\n");
    put_file("devices/system/node/node2/meminfo", "Node 2 MemTotal:        2097152 kB\n");
    put_file("devices/system/node/node2/distance", "20 10\n");
    /* three CPUs in two packages, and cpu9 without a topology (offline) */
    put_file("devices/system/cpu/cpu0/topology/physical_package_id", "0\n");
    put_file("devices/system/cpu/cpu1/topology/physical_package_id", "1\n");
    put_file("devices/system/cpu/cpu12/topology/physical_package_id", "0\n");
    put_file("devices/system/cpu/cpu9/online", "0\n");
    put_file("devices/system/cpu/cpufreq/x", "\n");
    put_file("kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
    put_file("kernel/mm/transparent_hugepage/defrag",
             "always defer defer+madvise [madvise] never\n");
    static const char *const cache[4][3] = {
        {"1", "Data", "48K"},
        {"1", "Instruction", "32K"},
        {"2", "Unified", "2048K"},
        {"3", "Unified", "32M"},
    };
    for (int i = 0; i < 4; i++) {
        static const char *const f[3] = {"level", "type", "size"};
        for (int j = 0; j < 3; j++) {
            char rel[128];
            snprintf(rel, sizeof(rel), "devices/system/cpu/cpu0/cache/index%d/%s", i, f[j]);
            put_file(rel, cache[i][j]);
        }
    }
    return setenv("CXLSCOPE_SYSFS_ROOT", sysroot, 1);
}

static int group_teardown(void **state)
{
    (void)state;
    unsetenv("CXLSCOPE_SYSFS_ROOT");
    rm_tree(sysroot);
    return 0;
}

static int test_setup(void **state)
{
    (void)state;
    snprintf(resdir, sizeof(resdir), "/tmp/cxs-test-meta-XXXXXX");
    return mkdtemp(resdir) ? 0 : -1;
}

static int test_teardown(void **state)
{
    (void)state;
    rm_tree(resdir);
    return 0;
}

/* The fake tree's machine, built by hand so the assertions do not depend on
 * how topology.c reads sysfs: node 0 with two CPUs, node 2 CPU-less CXL. */
static int cpus0[] = {0, 1};

static void fake_topo(struct cxs_topo *t)
{
    memset(t, 0, sizeof(*t));
    t->nnodes = 2;
    struct cxs_node *n = &t->nodes[0];
    n->id = 0;
    n->ncpus = 2;
    n->cpus = cpus0;
    n->mem_total = 1048576ull * 1024;
    n->tier = 4;
    n->distance[0] = 10;
    n->distance[1] = 20;
    for (int k = 0; k < 2; k++)
        n->hmat[k].read_latency_ns = n->hmat[k].write_latency_ns = n->hmat[k].read_bandwidth_mbps =
            n->hmat[k].write_bandwidth_mbps = -1;

    n = &t->nodes[1];
    n->id = 2;
    n->mem_total = 2097152ull * 1024;
    n->tier = -1;
    n->cxl = 1;
    snprintf(n->cxl_evidence, sizeof(n->cxl_evidence), "dax0.0 on the cxl bus (region0)");
    n->distance[0] = 20;
    n->distance[1] = -1; /* unknown: left out */
    n->hmat[0] = (struct cxs_hmat){1, 250, -1, 20000, -1, "0"};
    n->hmat[1] = (struct cxs_hmat){1, 260, 270, 18000, 9000, "0-1"};
}

static char *argv_latency[] = {"cxlscope-latency", "--mem-node", "0,2", "--note",
                               "it's here",        "",           NULL};

static struct cxs_meta_test latency_test(void)
{
    struct cxs_meta_test m = {
        .name = "latency",
        .argc = 6,
        .argv = argv_latency,
        .start = 1700000000,
        .end = 1700000065,
        .complete = 1,
        .csv = "latency.csv",
        .rows = 12,
        .notes = {"counters: no PMU in this VM", NULL},
    };
    return m;
}

static json_t *load_meta(void)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/meta.json", resdir);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root)
        fail_msg("%s: %s", path, je.text);
    assert_true(json_is_object(root));
    return root;
}

static void write_ok(const struct cxs_topo *t, const struct cxs_meta_test *m)
{
    char err[512] = "";
    int rc = cxs_meta_write(resdir, t, m, err, sizeof(err));
    if (rc != 0)
        fail_msg("cxs_meta_write: %s", err);
}

/* Write meta.json for the fake topology and test m, read it back: returns
 * the document (caller decrefs). */
static json_t *write_and_load(const struct cxs_meta_test *m)
{
    struct cxs_topo t;
    fake_topo(&t);
    write_ok(&t, m);
    return load_meta();
}

static const char *get_str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("\"%s\" is not a string", key);
    return json_string_value(v);
}

static json_int_t get_int(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("\"%s\" is not an integer", key);
    return json_integer_value(v);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

/* ---- cxs_utc_iso ---------------------------------------------------- */

static void test_utc_iso(void **state)
{
    (void)state;
    char buf[32];
    cxs_utc_iso(0, buf, sizeof(buf));
    assert_string_equal(buf, "1970-01-01T00:00:00Z");
    cxs_utc_iso(1700000000, buf, sizeof(buf));
    assert_string_equal(buf, "2023-11-14T22:13:20Z");
    cxs_utc_iso(1700000000, buf, 8); /* too small: empty, not truncated */
    assert_string_equal(buf, "");
}

/* ---- meta.json ------------------------------------------------------ */

static void test_machine_fields(void **state)
{
    (void)state;
    struct cxs_meta_test m = latency_test();
    json_t *root = write_and_load(&m);

    assert_string_equal(get_str(root, "tool"), "cxlscope");
    assert_string_equal(get_str(root, "version"), CXS_VERSION);
    assert_int_equal(get_int(root, "schema"), 1);
    assert_true(get_str(root, "host")[0] != '\0');
    assert_true(get_str(root, "kernel")[0] != '\0');
    assert_true(get_str(root, "arch")[0] != '\0');
    json_t *model = json_object_get(root, "cpu_model");
    assert_true(json_is_string(model) || json_is_null(model));
    assert_true(get_int(root, "ncpus_online") >= 1);
    assert_int_equal(get_int(root, "sockets"), 2); /* distinct packages of the fake tree */
    assert_true(json_is_string(json_object_get(root, "updated")));

    json_t *c = json_object_get(root, "caches");
    assert_true(json_is_object(c));
    const char *src = get_str(c, "source");
    if (strcmp(src, "sysfs") == 0) { /* from the fake tree */
        assert_int_equal(get_int(c, "L1d_bytes"), 48 * 1024);
        assert_int_equal(get_int(c, "L2_bytes"), 2048 * 1024);
        assert_int_equal(get_int(c, "L3_bytes"), 32 * 1024 * 1024);
    } else { /* hwloc describes the real machine */
        assert_string_equal(src, "hwloc");
        static const char *const keys[] = {"L1d_bytes", "L2_bytes", "L3_bytes"};
        for (int i = 0; i < 3; i++) {
            json_t *v = json_object_get(c, keys[i]);
            assert_true(json_is_null(v) || (json_is_integer(v) && json_integer_value(v) > 0));
        }
    }

    json_t *tm = json_object_get(root, "timer");
    assert_true(json_is_object(tm));
    const char *ts = get_str(tm, "source");
    assert_true(strcmp(ts, "tsc") == 0 || strcmp(ts, "clock_gettime") == 0);
    assert_true(json_is_number(json_object_get(tm, "ticks_per_ns")));
    assert_true(json_is_boolean(json_object_get(tm, "tsc_invariant")));
    assert_true(json_is_number(json_object_get(tm, "overhead_ns")));

    json_t *thp = json_object_get(root, "thp");
    assert_string_equal(get_str(thp, "enabled"), "madvise");
    assert_string_equal(get_str(thp, "defrag"), "madvise");

    /* Top-level order is the order written (no key sorting). */
    const char *first = json_object_iter_key(json_object_iter(root));
    assert_string_equal(first, "tool");

    json_decref(root);
}

static void test_node_table(void **state)
{
    (void)state;
    json_t *root = write_and_load(NULL);
    json_t *nodes = json_object_get(root, "nodes");
    assert_true(json_is_array(nodes));
    assert_int_equal(json_array_size(nodes), 2);

    json_t *n0 = json_array_get(nodes, 0);
    assert_int_equal(get_int(n0, "id"), 0);
    json_t *cpus = json_object_get(n0, "cpus");
    assert_int_equal(json_array_size(cpus), 2);
    assert_int_equal(json_integer_value(json_array_get(cpus, 0)), 0);
    assert_int_equal(json_integer_value(json_array_get(cpus, 1)), 1);
    assert_int_equal(get_int(n0, "mem_total_bytes"), 1073741824);
    assert_true(json_is_true(json_object_get(n0, "has_memory")));
    assert_int_equal(get_int(n0, "tier"), 4);
    assert_true(json_is_false(json_object_get(n0, "cxl")));
    assert_true(json_is_null(json_object_get(n0, "cxl_evidence")));
    assert_int_equal(json_array_size(json_object_get(n0, "hmat")), 0);
    json_t *d = json_object_get(n0, "distances");
    assert_int_equal(json_object_size(d), 2);
    assert_int_equal(get_int(d, "0"), 10);
    assert_int_equal(get_int(d, "2"), 20);
    json_t *hp = json_object_get(n0, "hugepages");
    assert_int_equal(json_object_size(hp), 2);
    assert_string_equal(json_object_iter_key(json_object_iter(hp)), "2048kB");
    assert_int_equal(get_int(json_object_get(hp, "2048kB"), "nr"), 4);
    assert_int_equal(get_int(json_object_get(hp, "2048kB"), "free"), 3);
    assert_int_equal(get_int(json_object_get(hp, "1048576kB"), "nr"), 1);
    assert_int_equal(get_int(json_object_get(hp, "1048576kB"), "free"), 0);
    json_t *cf = json_object_get(n0, "class_from");
    assert_int_equal(json_object_size(cf), 1);
    assert_string_equal(get_str(cf, "0"), "LDRAM");

    json_t *n2 = json_array_get(nodes, 1);
    assert_int_equal(get_int(n2, "id"), 2);
    assert_int_equal(json_array_size(json_object_get(n2, "cpus")), 0);
    assert_int_equal(get_int(n2, "mem_total_bytes"), 2147483648);
    assert_true(json_is_true(json_object_get(n2, "has_memory")));
    assert_true(json_is_null(json_object_get(n2, "tier")));
    assert_true(json_is_true(json_object_get(n2, "cxl")));
    assert_string_equal(get_str(n2, "cxl_evidence"), "dax0.0 on the cxl bus (region0)");
    d = json_object_get(n2, "distances");
    assert_int_equal(json_object_size(d), 1);
    assert_int_equal(get_int(d, "0"), 20);
    assert_int_equal(json_object_size(json_object_get(n2, "hugepages")), 0);
    cf = json_object_get(n2, "class_from");
    assert_int_equal(json_object_size(cf), 1);
    assert_string_equal(get_str(cf, "0"), "CXL");

    json_t *hm = json_object_get(n2, "hmat");
    assert_int_equal(json_array_size(hm), 2);
    json_t *a0 = json_array_get(hm, 0);
    assert_int_equal(get_int(a0, "access"), 0);
    assert_int_equal(get_int(a0, "read_latency_ns"), 250);
    assert_null(json_object_get(a0, "write_latency_ns"));
    assert_int_equal(get_int(a0, "read_bandwidth_mbps"), 20000);
    assert_null(json_object_get(a0, "write_bandwidth_mbps"));
    json_t *ini = json_object_get(a0, "initiators");
    assert_int_equal(json_array_size(ini), 1);
    assert_int_equal(json_integer_value(json_array_get(ini, 0)), 0);
    json_t *a1 = json_array_get(hm, 1);
    assert_int_equal(get_int(a1, "access"), 1);
    assert_int_equal(get_int(a1, "write_latency_ns"), 270);
    assert_int_equal(get_int(a1, "write_bandwidth_mbps"), 9000);
    assert_int_equal(json_array_size(json_object_get(a1, "initiators")), 2);

    /* No test given: an empty "tests" object. */
    json_t *tests = json_object_get(root, "tests");
    assert_true(json_is_object(tests));
    assert_int_equal(json_object_size(tests), 0);
    json_decref(root);
}

static void test_test_entry(void **state)
{
    (void)state;
    struct cxs_meta_test m = latency_test();
    json_t *root = write_and_load(&m);
    json_t *e = json_object_get(json_object_get(root, "tests"), "latency");
    assert_true(json_is_object(e));
    json_t *argv = json_object_get(e, "argv");
    assert_int_equal(json_array_size(argv), 6);
    assert_string_equal(json_string_value(json_array_get(argv, 4)), "it's here");
    assert_string_equal(json_string_value(json_array_get(argv, 5)), "");
    assert_string_equal(get_str(e, "command"),
                        "cxlscope-latency --mem-node 0,2 --note 'it'\\''s here' ''");
    assert_string_equal(get_str(e, "start"), "2023-11-14T22:13:20Z");
    assert_string_equal(get_str(e, "end"), "2023-11-14T22:14:25Z");
    assert_true(json_is_true(json_object_get(e, "complete")));
    assert_string_equal(get_str(e, "csv"), "latency.csv");
    assert_int_equal(get_int(e, "rows"), 12);
    json_t *notes = json_object_get(e, "notes");
    assert_int_equal(json_array_size(notes), 1);
    assert_string_equal(json_string_value(json_array_get(notes, 0)), "counters: no PMU in this VM");
    json_decref(root);

    /* Nothing left under the temporary name. */
    char tmp[128];
    snprintf(tmp, sizeof(tmp), "%s/meta.json.tmp", resdir);
    assert_int_equal(access(tmp, F_OK), -1);
}

static void test_unfinished_test_entry(void **state)
{
    (void)state;
    char *argv[] = {"cxlscope-bandwidth", NULL};
    struct cxs_meta_test m = {.name = "bandwidth", .argc = 1, .argv = argv, .start = 1700000000};
    json_t *root = write_and_load(&m);
    json_t *e = json_object_get(json_object_get(root, "tests"), "bandwidth");
    assert_true(json_is_null(json_object_get(e, "end")));
    assert_true(json_is_false(json_object_get(e, "complete")));
    assert_true(json_is_null(json_object_get(e, "csv")));
    assert_int_equal(get_int(e, "rows"), 0);
    assert_int_equal(json_array_size(json_object_get(e, "notes")), 0);
    assert_string_equal(get_str(e, "command"), "cxlscope-bandwidth");
    json_decref(root);
}

static void test_second_write_keeps_first(void **state)
{
    (void)state;
    struct cxs_topo t;
    fake_topo(&t);
    struct cxs_meta_test m = latency_test();
    write_ok(&t, &m);

    /* Another tool's key survives too. */
    json_t *root = load_meta();
    json_object_set_new(root, "harness", json_string("run-all"));
    char path[128];
    snprintf(path, sizeof(path), "%s/meta.json", resdir);
    assert_int_equal(json_dump_file(root, path, JSON_INDENT(2)), 0);
    json_decref(root);

    char *argv[] = {"cxlscope-bandwidth", "--threads", "4", NULL};
    struct cxs_meta_test b = {.name = "bandwidth",
                              .argc = 3,
                              .argv = argv,
                              .start = 1700000100,
                              .end = 1700000200,
                              .complete = 1,
                              .csv = "bandwidth.csv",
                              .rows = 3};
    write_ok(&t, &b);
    root = load_meta();
    json_t *tests = json_object_get(root, "tests");
    assert_int_equal(json_object_size(tests), 2);
    assert_int_equal(get_int(json_object_get(tests, "latency"), "rows"), 12);
    assert_int_equal(get_int(json_object_get(tests, "bandwidth"), "rows"), 3);
    assert_string_equal(get_str(root, "harness"), "run-all");
    json_decref(root);

    /* The same test again replaces its own entry only. */
    m.complete = 0;
    m.rows = 5;
    write_ok(&t, &m);
    root = load_meta();
    tests = json_object_get(root, "tests");
    assert_int_equal(json_object_size(tests), 2);
    assert_int_equal(get_int(json_object_get(tests, "latency"), "rows"), 5);
    assert_true(json_is_false(json_object_get(json_object_get(tests, "latency"), "complete")));
    assert_int_equal(get_int(json_object_get(tests, "bandwidth"), "rows"), 3);
    json_decref(root);
}

static void check_refused(const char *content)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/meta.json", resdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    assert_int_equal(fclose(f), 0);

    struct cxs_topo t;
    fake_topo(&t);
    struct cxs_meta_test m = latency_test();
    char err[512] = "";
    assert_int_equal(cxs_meta_write(resdir, &t, &m, err, sizeof(err)), -1);
    assert_non_null(strstr(err, path));

    char *after = slurp(path);
    assert_non_null(after);
    assert_string_equal(after, content);
    free(after);
    char tmp[160];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    assert_int_equal(access(tmp, F_OK), -1);
}

static void test_corrupt_meta_refused(void **state)
{
    (void)state;
    check_refused("{\"tool\": \"cxlscope\", \"tests\": {\n");
}

static void test_non_object_meta_refused(void **state)
{
    (void)state;
    check_refused("[1, 2, 3]\n");
    check_refused("{\"tests\": 7}\n");
}

static void test_missing_dir(void **state)
{
    (void)state;
    struct cxs_topo t;
    fake_topo(&t);
    char err[512] = "";
    assert_int_equal(cxs_meta_write("/nonexistent-cxlscope-dir", &t, NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent-cxlscope-dir"));
}

/* The machine this runs on, read by topology.c from the real /sys. */
static void test_real_topology(void **state)
{
    (void)state;
    char *saved = strdup(getenv("CXLSCOPE_SYSFS_ROOT"));
    unsetenv("CXLSCOPE_SYSFS_ROOT");
    struct cxs_topo t;
    char err[256] = "";
    int rc = cxs_topo_load(&t, err, sizeof(err));
    if (rc != 0) {
        setenv("CXLSCOPE_SYSFS_ROOT", saved, 1);
        free(saved);
        fail_msg("cxs_topo_load: %s", err);
    }
    struct cxs_meta_test m = latency_test();
    char werr[512] = "";
    rc = cxs_meta_write(resdir, &t, &m, werr, sizeof(werr));
    setenv("CXLSCOPE_SYSFS_ROOT", saved, 1);
    free(saved);
    if (rc != 0)
        fail_msg("cxs_meta_write: %s", werr);

    json_t *root = load_meta();
    json_t *nodes = json_object_get(root, "nodes");
    assert_int_equal(json_array_size(nodes), (size_t)t.nnodes);
    for (int i = 0; i < t.nnodes; i++) {
        json_t *n = json_array_get(nodes, (size_t)i);
        assert_int_equal(get_int(n, "id"), t.nodes[i].id);
        assert_int_equal(json_array_size(json_object_get(n, "cpus")), (size_t)t.nodes[i].ncpus);
        /* Every CPU node classifies every node, itself as LDRAM. */
        json_t *cf = json_object_get(n, "class_from");
        if (t.nodes[i].ncpus > 0) {
            char key[16];
            snprintf(key, sizeof(key), "%d", t.nodes[i].id);
            assert_string_equal(get_str(cf, key), "LDRAM");
        }
    }
    json_decref(root);
    cxs_topo_free(&t);
}

/* The LLC a streaming buffer must exceed: each shared instance once. */
static void test_llc_total(void **state)
{
    (void)state;
    /* cpu0..3, L3 of 32M shared by 0-1 and by 2-3; cpu0 exists already */
    for (int cpu = 0; cpu < 4; cpu++) {
        static const char *const f[4] = {"level", "type", "size", "shared_cpu_list"};
        const char *v[4] = {"3", "Unified", "32M", cpu < 2 ? "0-1" : "2-3"};
        for (int j = 0; j < 4; j++) {
            char rel[128];
            snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index3/%s", cpu, f[j]);
            put_file(rel, v[j]);
        }
        char rel[128];
        snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index0/level", cpu);
        put_file(rel, "1");
        snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index0/type", cpu);
        put_file(rel, "Data");
    }
    assert_int_equal(cxs_llc_total_bytes(), 64ULL << 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utc_iso),
        cmocka_unit_test_setup_teardown(test_machine_fields, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_node_table, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_test_entry, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_unfinished_test_entry, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_second_write_keeps_first, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_meta_refused, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_non_object_meta_refused, test_setup, test_teardown),
        cmocka_unit_test(test_missing_dir),
        cmocka_unit_test(test_llc_total),
        cmocka_unit_test_setup_teardown(test_real_topology, test_setup, test_teardown),
    };
    return cmocka_run_group_tests_name("meta", tests, group_setup, group_teardown);
}
