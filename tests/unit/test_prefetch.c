/* test_prefetch.c — prefetch.c against fake MSR trees: the model table, what
 * ON/OFF/KEEP write (exactly the row's bits), restore (exact old values,
 * reverse order, idempotent), hyperthread siblings handled once, the state
 * read-back, the exit paths (exit hooks, cxs_die(), exit(), a second
 * signal, in children), failures that leave nothing changed, and the real
 * /dev/cpu path refusing with a reason on a machine that cannot write MSRs.
 *
 * Each test's tree lives in a mkdtemp directory: ROOT/msr/N/msr are sparse
 * plain files (the values written with pwrite at the MSR's address, as the
 * msr driver lays them out), pointed at by CXLSCOPE_MSR_ROOT; ROOT itself is
 * CXLSCOPE_SYSFS_ROOT (thread_siblings_list files); CXLSCOPE_CPU_MODEL
 * names the CPU (Sapphire Rapids unless a test says otherwise). No test
 * touches a real MSR: the one on /dev/cpu skips where a write could
 * succeed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "child.h"
#include "cli.h"
#include "faketree.h"
#include "interrupt.h"
#include "prefetch.h"
#include "testutil.h"

#define SPR "intel:6:143"
#define MISC_FEATURE_CONTROL 0x1A4u
#define MISC_ENABLE 0x1A0u
#define AMD_PREFETCH_CONTROL 0xC0000108u
#define SPR_BITS UINT64_C(0x2F)
#define CORE2_BITS                                                                                 \
    ((UINT64_C(1) << 9) | (UINT64_C(1) << 19) | (UINT64_C(1) << 37) | (UINT64_C(1) << 39))
/* Bits no row names: set in initial values, they must come through. */
#define RESERVED (UINT64_C(1) << 40 | UINT64_C(1) << 4 | UINT64_C(1) << 6)

static char msr_dir[PATH_MAX / 2];

static int setup(void **state)
{
    setup_bare(state);
    struct fixture *f = *state;
    snprintf(msr_dir, sizeof msr_dir, "%s/msr", f->root);
    mkdir_p(msr_dir);
    assert_int_equal(setenv("CXLSCOPE_MSR_ROOT", msr_dir, 1), 0);
    assert_int_equal(setenv("CXLSCOPE_CPU_MODEL", SPR, 1), 0);
    return 0;
}

static int teardown(void **state)
{
    cxs_pf_restore();
    unsetenv("CXLSCOPE_MSR_ROOT");
    unsetenv("CXLSCOPE_CPU_MODEL");
    return teardown_tree(state);
}

/* ---- the fake msr files ------------------------------------------------- */

static void msr_path(int cpu, char *buf, size_t len)
{
    int w = snprintf(buf, len, "%s/%d/msr", msr_dir, cpu);
    assert_true(w > 0 && (size_t)w < len);
}

static void msr_put(int cpu, uint32_t msr, uint64_t v)
{
    char path[PATH_MAX];
    msr_path(cpu, path, sizeof path);
    parent_dir(path);
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, &v, sizeof v, (off_t)msr), (ssize_t)sizeof v);
    assert_int_equal(close(fd), 0);
}

static uint64_t msr_get(int cpu, uint32_t msr)
{
    char path[PATH_MAX];
    uint64_t v = 0;
    msr_path(cpu, path, sizeof path);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, &v, sizeof v, (off_t)msr), (ssize_t)sizeof v);
    assert_int_equal(close(fd), 0);
    return v;
}

/* CPU cpu's msr "file" is a link to dev (/dev/zero, /dev/full). */
static int msr_link(int cpu, const char *dev)
{
    char path[PATH_MAX];
    if (access(dev, R_OK | W_OK))
        return -1;
    msr_path(cpu, path, sizeof path);
    parent_dir(path);
    assert_int_equal(symlink(dev, path), 0);
    return 0;
}

static void siblings(const struct fixture *f, int cpu, const char *list)
{
    char rel[128];
    snprintf(rel, sizeof rel, "devices/system/cpu/cpu%d/topology/thread_siblings_list", cpu);
    put(f, rel, "%s\n", list);
}

static int apply(enum cxs_pf_mode mode, const int *cpus, size_t n, char *err, size_t len)
{
    err[0] = '\0';
    return cxs_pf_apply(mode, cpus, n, err, len);
}

/* ---- the table ---------------------------------------------------------- */

static void expect_row(enum cxs_pf_vendor v, unsigned fam, unsigned model, uint32_t msr,
                       uint64_t mask)
{
    const struct cxs_pf_model *m = cxs_pf_lookup(v, fam, model);
    if (!m)
        fail_msg("no row for %u:0x%x", fam, model);
    assert_int_equal(m->msr, msr);
    assert_int_equal(m->mask, mask);
    assert_true(m->source && strlen(m->source) > 20);
}

static void test_table_rows(void **state)
{
    (void)state;
    expect_row(CXS_PF_INTEL, 6, 0x8F, MISC_FEATURE_CONTROL, SPR_BITS); /* Sapphire Rapids */
    expect_row(CXS_PF_INTEL, 6, 0xCF, MISC_FEATURE_CONTROL, SPR_BITS); /* Emerald Rapids */
    expect_row(CXS_PF_INTEL, 6, 0x55, MISC_FEATURE_CONTROL, 0xF);      /* Skylake-SP, CLX */
    expect_row(CXS_PF_INTEL, 6, 0x5E, MISC_FEATURE_CONTROL, 0xF);      /* Skylake client */
    expect_row(CXS_PF_INTEL, 6, 0x1A, MISC_FEATURE_CONTROL, 0xF);      /* Nehalem-EP */
    expect_row(CXS_PF_INTEL, 6, 0x4F, MISC_FEATURE_CONTROL, 0xF);      /* Broadwell-EP */
    expect_row(CXS_PF_INTEL, 6, 0x6A, MISC_FEATURE_CONTROL, 0xF);      /* Ice Lake-SP */
    expect_row(CXS_PF_INTEL, 6, 0x6C, MISC_FEATURE_CONTROL, 0xF);
    expect_row(CXS_PF_INTEL, 6, 0x7D, MISC_FEATURE_CONTROL, 0xF); /* Ice Lake client */
    expect_row(CXS_PF_INTEL, 6, 0x7E, MISC_FEATURE_CONTROL, 0xF);
    expect_row(CXS_PF_INTEL, 6, 0x8C, MISC_FEATURE_CONTROL, 0xF); /* Tiger Lake */
    expect_row(CXS_PF_INTEL, 6, 0x5C, MISC_FEATURE_CONTROL, 0x5); /* Goldmont */
    expect_row(CXS_PF_INTEL, 6, 0x5F, MISC_FEATURE_CONTROL, 0x5);
    expect_row(CXS_PF_INTEL, 6, 0x7A, MISC_FEATURE_CONTROL, 0x5);
    expect_row(CXS_PF_INTEL, 6, 0x0F, MISC_ENABLE, CORE2_BITS); /* Core 2 */
    expect_row(CXS_PF_INTEL, 6, 0x17, MISC_ENABLE, CORE2_BITS);
    expect_row(CXS_PF_AMD, 0x19, 0x01, AMD_PREFETCH_CONTROL, 0x2F); /* Milan */
    expect_row(CXS_PF_AMD, 0x19, 0x11, AMD_PREFETCH_CONTROL, 0x2F); /* Genoa */
    /* Not documented, so refused: Alder Lake (hybrid), Zen 1/2, Granite
     * Rapids, and a model whose number another vendor's row covers. */
    assert_null(cxs_pf_lookup(CXS_PF_INTEL, 6, 0x97));
    assert_null(cxs_pf_lookup(CXS_PF_INTEL, 6, 0xAD));
    assert_null(cxs_pf_lookup(CXS_PF_AMD, 0x17, 0x31));
    assert_null(cxs_pf_lookup(CXS_PF_AMD, 6, 0x8F));
    assert_null(cxs_pf_lookup(CXS_PF_INTEL, 0x19, 0x11));
    assert_null(cxs_pf_lookup(CXS_PF_INTEL, 0xF, 0x04)); /* NetBurst */
}

/* Every row well formed and no two rows claiming the same CPU. */
static void test_table_consistent(void **state)
{
    (void)state;
    assert_true(cxs_pf_nmodels >= 30);
    for (size_t i = 0; i < cxs_pf_nmodels; i++) {
        const struct cxs_pf_model *a = &cxs_pf_models[i];
        assert_true(a->name && *a->name && a->source && *a->source);
        assert_true(a->model_lo <= a->model_hi && a->mask != 0);
        for (size_t j = i + 1; j < cxs_pf_nmodels; j++) {
            const struct cxs_pf_model *b = &cxs_pf_models[j];
            if (a->vendor == b->vendor && a->family == b->family && a->model_lo <= b->model_hi &&
                b->model_lo <= a->model_hi)
                fail_msg("rows '%s' and '%s' overlap", a->name, b->name);
        }
        assert_ptr_equal(cxs_pf_lookup(a->vendor, a->family, a->model_hi), a);
    }
}

static void test_modes(void **state)
{
    (void)state;
    assert_int_equal(cxs_pf_mode_parse("keep"), CXS_PF_KEEP);
    assert_int_equal(cxs_pf_mode_parse("on"), CXS_PF_ON);
    assert_int_equal(cxs_pf_mode_parse("off"), CXS_PF_OFF);
    assert_int_equal(cxs_pf_mode_parse("maybe"), -1);
    assert_int_equal(cxs_pf_mode_parse(""), -1);
    assert_string_equal(cxs_pf_mode_name(CXS_PF_OFF), "off");
    assert_string_equal(cxs_pf_mode_name(CXS_PF_KEEP), "keep");
}

/* ---- identity ----------------------------------------------------------- */

static void test_identify_override(void **state)
{
    (void)state;
    static const char *const bad[] = {"intel:6",     "via:6:1", "intel:x:1",
                                      "intel:6:300", "amd::1",  "intel:6:0x8f"};
    enum cxs_pf_vendor v;
    unsigned fam = 0, model = 0;
    char err[256];
    assert_int_equal(setenv("CXLSCOPE_CPU_MODEL", "amd:25:17", 1), 0);
    assert_int_equal(cxs_pf_identify(&v, &fam, &model, err, sizeof err), 0);
    assert_int_equal(v, CXS_PF_AMD);
    assert_int_equal(fam, 25);
    assert_int_equal(model, 17);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(setenv("CXLSCOPE_CPU_MODEL", bad[i], 1), 0);
        assert_int_equal(cxs_pf_identify(&v, &fam, &model, err, sizeof err), -1);
        assert_non_null(strstr(err, "CXLSCOPE_CPU_MODEL"));
    }
}

/* A field "key\t: value" of /proc/cpuinfo's first CPU. */
static int cpuinfo_field(const char *key, char *out, size_t len)
{
    char line[512];
    int found = 0;
    FILE *fp = fopen("/proc/cpuinfo", "r");
    if (!fp)
        return -1;
    while (!found && fgets(line, sizeof line, fp)) {
        char *colon = strchr(line, ':');
        size_t k = strlen(key);
        if (colon && !strncmp(line, key, k) && (line[k] == '\t' || line[k] == ' ')) {
            snprintf(out, len, "%s", colon + 2);
            out[strcspn(out, "\n")] = '\0';
            found = 1;
        }
    }
    fclose(fp);
    return found ? 0 : -1;
}

/* Without a fake root, CPUID decides (the override is ignored); its display
 * family/model are the kernel's. */
static void test_identify_cpuid(void **state)
{
    (void)state;
    char vendor[64], fam[32], model[32], err[256] = "";
    enum cxs_pf_vendor v;
    unsigned f = 0, m = 0;
    unsetenv("CXLSCOPE_MSR_ROOT");
    int rc = cxs_pf_identify(&v, &f, &m, err, sizeof err);
    if (cpuinfo_field("vendor_id", vendor, sizeof vendor) ||
        cpuinfo_field("cpu family", fam, sizeof fam) || cpuinfo_field("model", model, sizeof model))
        SKIP_BECAUSE("no x86 /proc/cpuinfo here (identify said %d: %s)", rc, err);
    if (strcmp(vendor, "GenuineIntel") && strcmp(vendor, "AuthenticAMD")) {
        assert_int_equal(rc, -1);
        assert_non_null(strstr(err, vendor));
        return;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(v, strcmp(vendor, "GenuineIntel") ? CXS_PF_AMD : CXS_PF_INTEL);
    assert_int_equal(f, (unsigned)atoi(fam));
    assert_int_equal(m, (unsigned)atoi(model));
}

static void test_unknown_model(void **state)
{
    (void)state;
    int cpus[] = {0};
    char err[256];
    msr_put(0, MISC_FEATURE_CONTROL, 0);
    assert_int_equal(setenv("CXLSCOPE_CPU_MODEL", "amd:23:49", 1), 0); /* Zen 2 */
    assert_int_equal(apply(CXS_PF_OFF, cpus, 1, err, sizeof err), CXS_EXIT_SKIP);
    assert_non_null(strstr(err, "AMD"));
    assert_non_null(strstr(err, "0x17"));
    assert_non_null(strstr(err, "0x31"));
    assert_string_equal(cxs_pf_state(cpus, 1), "unknown");
    assert_int_equal(setenv("CXLSCOPE_CPU_MODEL", "intel:6:151", 1), 0); /* Alder Lake */
    assert_int_equal(apply(CXS_PF_ON, cpus, 1, err, sizeof err), CXS_EXIT_SKIP);
    assert_non_null(strstr(err, "Intel"));
    assert_non_null(strstr(err, "0x97"));
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0);
}

/* ---- OFF, ON, KEEP, restore --------------------------------------------- */

static void test_off_sets_exactly_the_bits(void **state)
{
    (void)state;
    int cpus[] = {0, 1};
    char err[256];
    msr_put(0, MISC_FEATURE_CONTROL, RESERVED | 0x1);
    msr_put(1, MISC_FEATURE_CONTROL, 0);
    msr_put(1, MISC_FEATURE_CONTROL + 8, 0x1234); /* the next MSR in the file */
    assert_int_equal(apply(CXS_PF_OFF, cpus, 2, err, sizeof err), 0);
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), RESERVED | SPR_BITS);
    assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL), SPR_BITS);
    assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL + 8), 0x1234);
    assert_string_equal(cxs_pf_state(cpus, 2), "off");
    cxs_pf_restore();
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), RESERVED | 0x1);
    assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL), 0);
}

static void test_on_clears_exactly_the_bits(void **state)
{
    (void)state;
    int cpus[] = {0, 1};
    char err[256];
    msr_put(0, MISC_FEATURE_CONTROL, RESERVED | SPR_BITS);
    msr_put(1, MISC_FEATURE_CONTROL, 0x3);
    assert_int_equal(apply(CXS_PF_ON, cpus, 2, err, sizeof err), 0);
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), RESERVED);
    assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL), 0);
    assert_string_equal(cxs_pf_state(cpus, 2), "on");
    cxs_pf_restore();
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), RESERVED | SPR_BITS);
    assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL), 0x3);
}

/* Other rows: their own MSR (at its own offset) and bits. (In a fake file
 * MSRs 0x1A0 and 0x1A4 overlap, so each row has a CPU of its own.) */
static void test_other_rows(void **state)
{
    (void)state;
    int penryn[] = {0}, goldmont[] = {1}, genoa[] = {2};
    char err[256];
    uint64_t misc = UINT64_C(1) << 0 | UINT64_C(1) << 38 | UINT64_C(1) << 22; /* not prefetch */
    assert_int_equal(setenv("CXLSCOPE_CPU_MODEL", "intel:6:23", 1), 0);       /* Penryn */
    msr_put(0, MISC_ENABLE, misc);
    msr_put(0, MISC_ENABLE + 8, 0x77);
    assert_int_equal(apply(CXS_PF_OFF, penryn, 1, err, sizeof err), 0);
    assert_int_equal(msr_get(0, MISC_ENABLE), misc | CORE2_BITS);
    assert_int_equal(msr_get(0, MISC_ENABLE + 8), 0x77);
    cxs_pf_restore();
    assert_int_equal(msr_get(0, MISC_ENABLE), misc);

    assert_int_equal(setenv("CXLSCOPE_CPU_MODEL", "intel:6:92", 1), 0); /* Goldmont */
    msr_put(1, MISC_FEATURE_CONTROL, 0x8);
    assert_int_equal(apply(CXS_PF_OFF, goldmont, 1, err, sizeof err), 0);
    assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL), 0x8 | 0x5);
    cxs_pf_restore();
    assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL), 0x8);

    assert_int_equal(setenv("CXLSCOPE_CPU_MODEL", "amd:25:17", 1), 0); /* Genoa */
    msr_put(2, AMD_PREFETCH_CONTROL, 0x3C0);
    msr_put(2, MISC_FEATURE_CONTROL, 0);
    assert_int_equal(apply(CXS_PF_OFF, genoa, 1, err, sizeof err), 0);
    assert_int_equal(msr_get(2, AMD_PREFETCH_CONTROL), 0x3C0 | 0x2F);
    assert_int_equal(msr_get(2, MISC_FEATURE_CONTROL), 0);
    assert_string_equal(cxs_pf_state(genoa, 1), "off");
    cxs_pf_restore();
    assert_int_equal(msr_get(2, AMD_PREFETCH_CONTROL), 0x3C0);
    assert_string_equal(cxs_pf_state(genoa, 1), "on");
}

static void test_keep_writes_nothing(void **state)
{
    (void)state;
    int cpus[] = {0, 7};
    char err[256];
    msr_put(0, MISC_FEATURE_CONTROL, 0x5);
    strcpy(err, "untouched");
    assert_int_equal(cxs_pf_apply(CXS_PF_KEEP, cpus, 2, err, sizeof err), 0); /* 7: no file */
    assert_string_equal(err, "untouched");
    assert_int_equal(cxs_pf_apply(CXS_PF_KEEP, NULL, 0, err, sizeof err), 0);
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x5);
    /* nothing saved: a restore writes nothing either */
    msr_put(0, MISC_FEATURE_CONTROL, 0x9);
    cxs_pf_restore();
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x9);
}

static void test_restore_twice(void **state)
{
    (void)state;
    int cpus[] = {0, 1};
    char err[256];
    msr_put(0, MISC_FEATURE_CONTROL, 0x10);
    msr_put(1, MISC_FEATURE_CONTROL, 0x21);
    assert_int_equal(apply(CXS_PF_OFF, cpus, 2, err, sizeof err), 0);
    cxs_pf_restore();
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x10);
    assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL), 0x21);
    /* someone else changes them now: a second restore must not write */
    msr_put(0, MISC_FEATURE_CONTROL, 0x7);
    cxs_pf_restore();
    cxs_exit_hooks_run();
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x7);
    assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL), 0x21);
}

/* CPUs 0 and 1 share one file (1 links to 0's directory): restoring in the
 * reverse order of the changes ends with 0's original value; the forward
 * order would leave 1's saved value, which is 0's changed one. */
static void test_restore_reverse_order(void **state)
{
    (void)state;
    int cpus[] = {0, 1};
    char err[256], link[PATH_MAX];
    msr_put(0, MISC_FEATURE_CONTROL, 0x100);
    int w = snprintf(link, sizeof link, "%s/1", msr_dir);
    assert_true(w > 0 && (size_t)w < sizeof link);
    assert_int_equal(symlink("0", link), 0);
    assert_int_equal(apply(CXS_PF_OFF, cpus, 2, err, sizeof err), 0);
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x100 | SPR_BITS);
    cxs_pf_restore();
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x100);
    /* the exit hook too */
    assert_int_equal(apply(CXS_PF_OFF, cpus, 2, err, sizeof err), 0);
    cxs_exit_hooks_run();
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x100);
}

/* ---- siblings ----------------------------------------------------------- */

static void test_siblings_once(void **state)
{
    struct fixture *f = *state;
    int cpus[] = {0, 1, 2, 3}, rev[] = {2, 0};
    char err[256];
    siblings(f, 0, "0,2");
    siblings(f, 2, "0,2");
    siblings(f, 1, "1,3");
    siblings(f, 3, "1,3");
    for (int c = 0; c < 4; c++)
        msr_put(c, MISC_FEATURE_CONTROL, c == 2 ? 0x7 : 0);
    assert_int_equal(apply(CXS_PF_OFF, cpus, 4, err, sizeof err), 0);
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), SPR_BITS);
    assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL), SPR_BITS);
    assert_int_equal(msr_get(2, MISC_FEATURE_CONTROL), 0x7); /* 0's sibling: untouched */
    assert_int_equal(msr_get(3, MISC_FEATURE_CONTROL), 0);   /* 1's sibling */
    /* state reads cores 0 and 1 only (2's partial value would say partial) */
    assert_string_equal(cxs_pf_state(cpus, 4), "off");
    cxs_pf_restore();
    for (int c = 0; c < 4; c++)
        assert_int_equal(msr_get(c, MISC_FEATURE_CONTROL), c == 2 ? 0x7 : 0);
    /* the first of the caller's list stands for the core */
    assert_int_equal(apply(CXS_PF_OFF, rev, 2, err, sizeof err), 0);
    assert_int_equal(msr_get(2, MISC_FEATURE_CONTROL), SPR_BITS);
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0);
    assert_string_equal(cxs_pf_state(rev, 2), "off");
    cxs_pf_restore();
    assert_int_equal(msr_get(2, MISC_FEATURE_CONTROL), 0x7);
}

/* No siblings file: every CPU is its own core; a CPU listed twice once. */
static void test_no_siblings_file(void **state)
{
    (void)state;
    int cpus[] = {0, 1, 0};
    char err[256];
    msr_put(0, MISC_FEATURE_CONTROL, 0);
    msr_put(1, MISC_FEATURE_CONTROL, 0x1);
    assert_int_equal(apply(CXS_PF_OFF, cpus, 3, err, sizeof err), 0);
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), SPR_BITS);
    assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL), SPR_BITS);
    cxs_pf_restore();
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0);
    assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL), 0x1);
}

/* ---- state -------------------------------------------------------------- */

static void test_state(void **state)
{
    (void)state;
    int cpus[] = {0, 1}, missing[] = {0, 5};
    msr_put(0, MISC_FEATURE_CONTROL, 0);
    msr_put(1, MISC_FEATURE_CONTROL, RESERVED);
    assert_string_equal(cxs_pf_state(cpus, 2), "on");
    msr_put(0, MISC_FEATURE_CONTROL, SPR_BITS);
    assert_string_equal(cxs_pf_state(cpus, 2), "partial"); /* cores that differ */
    msr_put(1, MISC_FEATURE_CONTROL, RESERVED | SPR_BITS);
    assert_string_equal(cxs_pf_state(cpus, 2), "off");
    msr_put(1, MISC_FEATURE_CONTROL, 0xF); /* bit 5 (AMP) still on */
    assert_string_equal(cxs_pf_state(cpus, 2), "partial");
    msr_put(0, MISC_FEATURE_CONTROL, 0x1);
    msr_put(1, MISC_FEATURE_CONTROL, 0x1);
    assert_string_equal(cxs_pf_state(cpus, 2), "partial"); /* same, some off */
    assert_string_equal(cxs_pf_state(missing, 2), "unknown");
    assert_string_equal(cxs_pf_state(NULL, 0), "unknown");
    assert_int_equal(setenv("CXLSCOPE_CPU_MODEL", "intel:6:0", 1), 0);
    assert_string_equal(cxs_pf_state(cpus, 2), "unknown");
    assert_int_equal(setenv("CXLSCOPE_CPU_MODEL", "bogus", 1), 0);
    assert_string_equal(cxs_pf_state(cpus, 2), "unknown");
    /* it never writes */
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x1);
    assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL), 0x1);
}

/* ---- exit paths --------------------------------------------------------- */

/* What a second Ctrl-C or an exit runs: the hooks. */
static void test_exit_hooks_restore(void **state)
{
    (void)state;
    int cpus[] = {0, 1};
    char err[256];
    msr_put(0, MISC_FEATURE_CONTROL, 0x40);
    msr_put(1, MISC_FEATURE_CONTROL, 0);
    assert_int_equal(apply(CXS_PF_OFF, cpus, 2, err, sizeof err), 0);
    cxs_exit_hooks_run();
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x40);
    assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL), 0);
    msr_put(0, MISC_FEATURE_CONTROL, 0x41); /* changed by someone else since */
    cxs_pf_restore();                       /* harmless after the hook: writes nothing */
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x41);
    msr_put(0, MISC_FEATURE_CONTROL, 0x40);
    /* a later change registers the hook again */
    assert_int_equal(apply(CXS_PF_ON, cpus, 2, err, sizeof err), 0);
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x40);
    msr_put(1, MISC_FEATURE_CONTROL, 0x3); /* (as if it had been so) */
    cxs_exit_hooks_run();
    assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL), 0);
}

enum exit_how { BY_DIE, BY_EXIT, BY_SIGNALS };

static void off_then_exit(void *arg)
{
    enum exit_how how = *(enum exit_how *)arg;
    int cpus[] = {0, 1};
    char err[256];
    if (how != BY_DIE)
        cxs_interrupt_install();
    if (cxs_pf_apply(CXS_PF_OFF, cpus, 2, err, sizeof err) != 0) {
        printf("apply: %s\n", err);
        _exit(3);
    }
    if (msr_get(0, MISC_FEATURE_CONTROL) != (0x40 | SPR_BITS))
        _exit(4);
    if (how == BY_DIE)
        cxs_die("stopping with the prefetchers off");
    if (how == BY_EXIT)
        exit(1);
    raise(SIGINT); /* the first sets the flag */
    raise(SIGINT); /* the second runs the hooks and exits 128 + 2 */
    _exit(5);
}

static void test_child_exits_restore(void **state)
{
    (void)state;
    static const struct {
        enum exit_how how;
        int status;
    } cases[] = {{BY_DIE, 1}, {BY_EXIT, 1}, {BY_SIGNALS, 128 + SIGINT}};
    char out[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        msr_put(0, MISC_FEATURE_CONTROL, 0x40);
        msr_put(1, MISC_FEATURE_CONTROL, 0);
        enum exit_how how = cases[i].how;
        int st = run_in_child(off_then_exit, &how, out, sizeof out);
        if (st != cases[i].status)
            fail_msg("case %zu: exit %d, output: %s", i, st, out);
        assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x40);
        assert_int_equal(msr_get(1, MISC_FEATURE_CONTROL), 0);
    }
    assert_non_null(strstr(out, "second signal"));
}

/* ---- failures leave nothing changed ------------------------------------- */

static void test_missing_file(void **state)
{
    (void)state;
    int cpus[] = {0, 1, 2};
    char err[256];
    msr_put(0, MISC_FEATURE_CONTROL, 0x10);
    msr_put(2, MISC_FEATURE_CONTROL, 0x20);
    assert_int_equal(apply(CXS_PF_OFF, cpus, 3, err, sizeof err), CXS_EXIT_SKIP);
    assert_non_null(strstr(err, "CPU 1"));
    assert_null(strchr(err, '\n'));
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x10);
    assert_int_equal(msr_get(2, MISC_FEATURE_CONTROL), 0x20);
    /* nothing is held: a restore writes nothing, and a new apply may run */
    msr_put(0, MISC_FEATURE_CONTROL, 0x11);
    cxs_pf_restore();
    cxs_exit_hooks_run();
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x11);
    msr_put(1, MISC_FEATURE_CONTROL, 0);
    assert_int_equal(apply(CXS_PF_OFF, cpus, 3, err, sizeof err), 0);
    cxs_pf_restore();
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x11);
}

/* A file too short to hold the MSR: it cannot be read, nothing changes. */
static void test_unreadable_msr(void **state)
{
    (void)state;
    int cpus[] = {0, 1};
    char err[256];
    msr_put(0, MISC_FEATURE_CONTROL, 0x10);
    msr_put(1, 0x10, 0x99); /* ends before 0x1A4 */
    assert_int_equal(apply(CXS_PF_OFF, cpus, 2, err, sizeof err), CXS_EXIT_SKIP);
    assert_non_null(strstr(err, "CPU 1"));
    assert_non_null(strstr(err, "0x1a4"));
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x10);
    assert_string_equal(cxs_pf_state(cpus, 2), "unknown");
}

/* CPU 1 ignores writes (/dev/zero reads 0 whatever was written): 77, and
 * CPU 0, already changed, is put back. */
static void test_ignored_write_undone(void **state)
{
    (void)state;
    int cpus[] = {0, 1};
    char err[256];
    msr_put(0, MISC_FEATURE_CONTROL, 0x10);
    if (msr_link(1, "/dev/zero"))
        SKIP_BECAUSE("no writable /dev/zero");
    assert_int_equal(apply(CXS_PF_OFF, cpus, 2, err, sizeof err), CXS_EXIT_SKIP);
    assert_non_null(strstr(err, "CPU 1 ignored the write"));
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x10);
}

/* CPU 1's write fails with an I/O error (/dev/full: ENOSPC): 1, and CPU 0
 * is put back. */
static void test_write_error_undone(void **state)
{
    (void)state;
    int cpus[] = {0, 1};
    char err[256];
    msr_put(0, MISC_FEATURE_CONTROL, 0x10);
    if (msr_link(1, "/dev/full"))
        SKIP_BECAUSE("no writable /dev/full");
    assert_int_equal(apply(CXS_PF_OFF, cpus, 2, err, sizeof err), CXS_EXIT_FAIL);
    assert_non_null(strstr(err, "CPU 1"));
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0x10);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    int cpus[] = {0}, neg[] = {0, -1};
    char err[256];
    msr_put(0, MISC_FEATURE_CONTROL, 0);
    assert_int_equal(apply(CXS_PF_OFF, cpus, 0, err, sizeof err), CXS_EXIT_USAGE);
    assert_int_equal(apply(CXS_PF_OFF, NULL, 1, err, sizeof err), CXS_EXIT_USAGE);
    assert_int_equal(apply(CXS_PF_OFF, neg, 2, err, sizeof err), CXS_EXIT_USAGE);
    assert_int_equal(apply((enum cxs_pf_mode)7, cpus, 1, err, sizeof err), CXS_EXIT_USAGE);
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0);
    /* once per run: a second change before a restore is refused */
    assert_int_equal(apply(CXS_PF_OFF, cpus, 1, err, sizeof err), 0);
    assert_int_equal(apply(CXS_PF_ON, cpus, 1, err, sizeof err), CXS_EXIT_USAGE);
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), SPR_BITS);
    cxs_pf_restore();
    assert_int_equal(msr_get(0, MISC_FEATURE_CONTROL), 0);
}

/* ---- the real device ---------------------------------------------------- */

/* Whether cxs_pf_apply() on /dev/cpu could change a real MSR here: a known
 * model, root, and an msr file present or a module modprobe would load. */
static int real_write_possible(const char **why)
{
    enum cxs_pf_vendor v;
    unsigned f, m;
    *why = NULL;
    if (cxs_pf_identify(&v, &f, &m, NULL, 0) || !cxs_pf_lookup(v, f, m) || geteuid() != 0)
        return 0;
    if (access("/dev/cpu/0/msr", W_OK) == 0)
        *why = "/dev/cpu/0/msr is writable by this root process";
    else if (access("/dev/cpu/0/msr", F_OK) &&
             system("(modprobe -n msr || /sbin/modprobe -n msr) >/dev/null 2>&1") == 0)
        *why = "'modprobe msr' would load the msr driver for this root process";
    return *why != NULL;
}

static void test_real_device_refuses(void **state)
{
    (void)state;
    int cpus[] = {0};
    char err[512];
    const char *why;
    unsetenv("CXLSCOPE_MSR_ROOT");
    if (real_write_possible(&why))
        SKIP_BECAUSE("%s: the test would change a real MSR", why);
    int rc = apply(CXS_PF_OFF, cpus, 1, err, sizeof err);
    printf("# real device: %d: %s\n", rc, err);
    assert_int_equal(rc, CXS_EXIT_SKIP);
    assert_true(strlen(err) > 10);
    assert_null(strchr(err, '\n'));
    const char *st = cxs_pf_state(cpus, 1);
    assert_true(!strcmp(st, "on") || !strcmp(st, "off") || !strcmp(st, "partial") ||
                !strcmp(st, "unknown"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_table_rows),
        T(test_table_consistent),
        T(test_modes),
        T(test_identify_override),
        T(test_identify_cpuid),
        T(test_unknown_model),
        T(test_off_sets_exactly_the_bits),
        T(test_on_clears_exactly_the_bits),
        T(test_other_rows),
        T(test_keep_writes_nothing),
        T(test_restore_twice),
        T(test_restore_reverse_order),
        T(test_siblings_once),
        T(test_no_siblings_file),
        T(test_state),
        T(test_exit_hooks_restore),
        T(test_child_exits_restore),
        T(test_missing_file),
        T(test_unreadable_msr),
        T(test_ignored_write_undone),
        T(test_write_error_undone),
        T(test_bad_arguments),
        T(test_real_device_refuses),
    };
#undef T
    return cmocka_run_group_tests_name("prefetch", tests, NULL, NULL);
}
