/* test_gpucopy.c — cxlscope-gpucopy's CUDA-free part (gpu_copy/spec.c): kinds
 * and directions, size and device lists, the host buffers a run sets up, the
 * row strings (node sets, classes, placement), copies per sample, and the
 * GPU's NUMA node from a fake sysfs. */
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

#include "columns.h"
#include "spec.h"

static void test_kinds_and_directions(void **state)
{
    (void)state;
    static const char *const kinds[] = {"pageable", "pinned", "mallochost", "interleave",
                                        "weighted"};
    for (int i = 0; i < GC_NKINDS; i++)
        assert_int_equal(gc_kind_parse(kinds[i]), i);
    assert_int_equal(gc_kind_parse("Pinned"), -1);
    assert_int_equal(gc_kind_parse(""), -1);
    assert_int_equal(gc_dir_parse("h2d"), GC_H2D);
    assert_int_equal(gc_dir_parse("bidir"), GC_BIDIR);
    assert_int_equal(gc_dir_parse("bidir-total"), -1); /* a row name, not a direction */
    assert_int_equal(gc_dirs[GC_BIDIR].nrows, 3);
    assert_string_equal(gc_dirs[GC_BIDIR].rows[2], "bidir-total");
    assert_int_equal(gc_dirs[GC_D2D].uses_host, 0);
    /* the pinned kinds are registered, mallochost is the driver's */
    assert_int_equal(gc_kinds[GC_K_PINNED].pin, GC_REGISTERED);
    assert_int_equal(gc_kinds[GC_K_WEIGHTED].pin, GC_REGISTERED);
    assert_int_equal(gc_kinds[GC_K_PAGEABLE].pin, GC_PAGEABLE);
    assert_int_equal(gc_kinds[GC_K_MALLOCHOST].policy, -1);
}

static void test_sizes(void **state)
{
    (void)state;
    uint64_t s[GC_MAX_SIZES];
    size_t n;
    char err[200];
    assert_int_equal(gc_parse_sizes("128:4G", s, &n, err, sizeof err), 0);
    assert_int_equal(n, 26); /* 2^7 .. 2^32 */
    assert_int_equal(s[0], 128);
    assert_int_equal(s[25], 4ULL << 30);
    assert_int_equal(gc_parse_sizes("1M,64,1M,4K", s, &n, err, sizeof err), 0);
    assert_int_equal(n, 3); /* sorted, duplicates once */
    assert_int_equal(s[0], 64);
    assert_int_equal(s[1], 4096);
    assert_int_equal(s[2], 1 << 20);
    assert_int_equal(gc_parse_sizes("4K:1M:4", s, &n, err, sizeof err), 0);
    assert_int_equal(n, 5);
    assert_int_equal(gc_parse_sizes("0", s, &n, err, sizeof err), -1);
    assert_int_equal(gc_parse_sizes("1M,x", s, &n, err, sizeof err), -1);
    assert_int_equal(gc_parse_sizes("", s, &n, err, sizeof err), -1);
    assert_int_equal(gc_parse_sizes("128G", s, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "64G"));
    assert_int_equal(gc_parse_sizes("1M:4K", s, &n, err, sizeof err), -1);
    assert_int_equal(gc_parse_sizes("1:64G:1", s, &n, err, sizeof err), -1);
}

static void test_devices(void **state)
{
    (void)state;
    int d[GC_MAX_DEVICES], all;
    size_t n;
    char err[200];
    assert_int_equal(gc_parse_devices("all", d, &n, &all, err, sizeof err), 0);
    assert_int_equal(all, 1);
    assert_int_equal(gc_parse_devices("2,0-1", d, &n, &all, err, sizeof err), 0);
    assert_int_equal(all, 0);
    assert_int_equal(n, 3);
    assert_int_equal(d[0], 0);
    assert_int_equal(d[2], 2);
    assert_int_equal(gc_parse_devices("", d, &n, &all, err, sizeof err), -1);
    assert_int_equal(gc_parse_devices("gpu0", d, &n, &all, err, sizeof err), -1);
}

static void test_plan_buffers(void **state)
{
    (void)state;
    int kinds[] = {GC_K_PAGEABLE, GC_K_PINNED, GC_K_MALLOCHOST, GC_K_INTERLEAVE, GC_K_WEIGHTED};
    struct gc_hostbuf b[32];
    char note[256];
    int three[] = {0, 2, 5};
    size_t n = gc_plan_buffers(kinds, 5, three, 3, b, 32, note, sizeof note);
    assert_int_equal(n, 3 + 3 + 1 + 1 + 1);
    assert_string_equal(note, "");
    assert_int_equal(b[0].kind, GC_K_PAGEABLE);
    assert_int_equal(b[2].nodes[0], 5);
    assert_int_equal(b[3].kind, GC_K_PINNED);
    assert_int_equal(b[6].kind, GC_K_MALLOCHOST);
    assert_int_equal(b[6].nnodes, 0);
    assert_int_equal(b[7].kind, GC_K_INTERLEAVE);
    assert_int_equal(b[7].nnodes, 3);
    assert_int_equal(b[7].nodes[2], 5);
    int one[] = {0};
    n = gc_plan_buffers(kinds, 5, one, 1, b, 32, note, sizeof note);
    assert_int_equal(n, 3);
    assert_non_null(strstr(note, "interleave left out: it needs two memory nodes"));
    assert_non_null(strstr(note, "; weighted left out"));
    /* the order given is the order measured; max is respected */
    int rev[] = {GC_K_MALLOCHOST, GC_K_PINNED};
    n = gc_plan_buffers(rev, 2, three, 3, b, 2, NULL, 0);
    assert_int_equal(n, 2);
    assert_int_equal(b[0].kind, GC_K_MALLOCHOST);
    assert_int_equal(b[1].nodes[0], 0);
}

static void test_host_bytes_and_batch(void **state)
{
    (void)state;
    int d1[] = {GC_H2D, GC_D2H, GC_D2D}, d2[] = {GC_D2H, GC_BIDIR}, d3[] = {GC_D2D};
    assert_int_equal(gc_host_bytes(1 << 20, d1, 3), 1 << 20);
    assert_int_equal(gc_host_bytes(1 << 20, d2, 2), 2 << 20); /* bidir writes a second half */
    assert_int_equal(gc_host_bytes(1 << 20, d3, 1), 0);
    assert_int_equal(gc_batch_for(2e-6, 1e-3, 1000), 500);
    assert_int_equal(gc_batch_for(3e-7, 1e-3, 1000), 1000); /* capped */
    assert_int_equal(gc_batch_for(0.08, 1e-3, 1000), 1);    /* one copy is long enough */
    assert_int_equal(gc_batch_for(0, 1e-3, 1000), 1);       /* no timing: no guess */
    assert_int_equal(gc_batch_for(3e-4, 1e-3, 1000), 4);    /* rounded up */
}

/* Two CPU nodes (0, 1), a CPU-less DRAM node 2 and a CXL node 5. */
static void make_topo(struct cxs_topo *t)
{
    static int cpus0[] = {0, 1}, cpus1[] = {2, 3};
    memset(t, 0, sizeof *t);
    t->nnodes = 4;
    int ids[] = {0, 1, 2, 5};
    for (int i = 0; i < 4; i++) {
        t->nodes[i].id = ids[i];
        t->nodes[i].mem_total = 1ULL << 30;
    }
    t->nodes[0].cpus = cpus0, t->nodes[0].ncpus = 2;
    t->nodes[1].cpus = cpus1, t->nodes[1].ncpus = 2;
    t->nodes[3].cxl = 1;
}

static void test_row_strings(void **state)
{
    (void)state;
    struct cxs_topo t;
    make_topo(&t);
    char buf[256];
    int set[] = {0, 1, 5};
    gc_fmt_nodes(set, 3, buf, sizeof buf);
    assert_string_equal(buf, "0+1+5");
    gc_fmt_nodes(set, 0, buf, sizeof buf);
    assert_string_equal(buf, "");
    gc_fmt_classes(&t, 0, set, 3, buf, sizeof buf);
    assert_string_equal(buf, "LDRAM+RDRAM+CXL");
    gc_fmt_classes(&t, 1, set, 1, buf, sizeof buf);
    assert_string_equal(buf, "RDRAM");
    uint64_t pages[CXS_MAX_NODES] = {3, 0, 0, 1};
    gc_fmt_placement(&t, pages, buf, sizeof buf);
    assert_string_equal(buf, "0:12288 5:4096");
    int held[CXS_MAX_NODES];
    assert_int_equal(gc_nodes_holding(&t, pages, held), 2);
    assert_int_equal(held[1], 5);
    uint64_t none[CXS_MAX_NODES] = {0};
    gc_fmt_placement(&t, none, buf, sizeof buf);
    assert_string_equal(buf, "");
    /* a short buffer is cut, never overrun */
    char small[6];
    gc_fmt_placement(&t, pages, small, sizeof small);
    assert_int_equal(strlen(small), 5);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_pci_node(void **state)
{
    (void)state;
    char root[] = "/tmp/gpucopy-sysfs-XXXXXX", p[512];
    assert_non_null(mkdtemp(root));
    snprintf(p, sizeof p, "%s/bus", root);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/bus/pci", root);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/bus/pci/devices", root);
    mkdir(p, 0755);
    const char *devs[][2] = {{"0000:3b:00.0", "1\n"}, {"0000:af:00.0", "-1\n"}};
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/bus/pci/devices/%s", root, devs[i][0]);
        mkdir(p, 0755);
        snprintf(p, sizeof p, "%s/bus/pci/devices/%s/numa_node", root, devs[i][0]);
        write_file(p, devs[i][1]);
    }
    setenv("CXLSCOPE_SYSFS_ROOT", root, 1);
    assert_int_equal(gc_pci_node("0000:3B:00.0"), 1); /* CUDA writes upper case */
    assert_int_equal(gc_pci_node("0000:3b:00.0"), 1);
    assert_int_equal(gc_pci_node("0000:AF:00.0"), -1); /* the kernel does not know */
    assert_int_equal(gc_pci_node("0000:00:00.0"), -1); /* no such device */
    assert_int_equal(gc_pci_node("../../x"), -1);
    assert_int_equal(gc_pci_node(""), -1);
    unsetenv("CXLSCOPE_SYSFS_ROOT");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

static void test_columns(void **state)
{
    (void)state;
    const struct cxs_col *bw = cxs_cols_gpu_copy, *lat = cxs_cols_gpu_copy_latency;
    assert_int_equal(cxs_ncols_gpu_copy, 23);
    assert_string_equal(bw[0].name, "gpu");
    assert_string_equal(bw[16].name, "median_gbps");
    assert_string_equal(bw[cxs_ncols_gpu_copy - 1].name, "median_us");
    assert_int_equal(cxs_ncols_gpu_copy_latency, 19);
    assert_string_equal(lat[10].name, "direction");
    assert_string_equal(lat[14].name, "median_ns");
    /* the columns every row starts with are the same in both files */
    for (int i = 0; i < 10; i++)
        assert_string_equal(bw[i].name, lat[i].name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_and_directions),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_devices),
        cmocka_unit_test(test_plan_buffers),
        cmocka_unit_test(test_host_bytes_and_batch),
        cmocka_unit_test(test_row_strings),
        cmocka_unit_test(test_pci_node),
        cmocka_unit_test(test_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
