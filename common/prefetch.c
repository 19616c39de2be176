/* prefetch.c — the hardware data prefetchers under control through the msr
 * driver's per-CPU files (see prefetch.h for the promises).
 *
 * The saved values live in a static table of slots, one per core changed,
 * in the order of the changes. The exit hook (restore_hook) may run in a
 * signal handler, so it takes no lock and calls only pwrite(): each slot
 * carries an atomic state that the hook and cxs_pf_restore() claim with an
 * exchange (ARMED -> DONE), so a value is written back at most once, and
 * the slot's descriptor stays open until cxs_pf_restore() closes it. A slot
 * is armed before its MSR is written, so an interruption just after the
 * write finds it armed (writing back a value that was never changed is
 * harmless).
 */
#include "prefetch.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define HAVE_CPUID 1
#endif

#include "cli.h"
#include "interrupt.h"
#include "sysfs.h"

_Static_assert(sizeof(off_t) >= 8, "MSR addresses such as 0xC0000108 are file offsets");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2,
               "the exit hook needs lock-free atomics in a signal handler");

/* ---- the table ---------------------------------------------------------- */

#define MSR_MISC_ENABLE 0x1A0u          /* IA32_MISC_ENABLE */
#define MSR_MISC_FEATURE_CONTROL 0x1A4u /* MSR_MISC_FEATURE_CONTROL */
#define MSR_AMD_PREFETCH_CONTROL 0xC0000108u

/* IA32_MISC_ENABLE on Core 2: bit 9 hardware prefetcher, 19 adjacent cache
 * line, 37 DCU prefetcher, 39 IP prefetcher disable. */
#define CORE2_BITS                                                                                 \
    ((UINT64_C(1) << 9) | (UINT64_C(1) << 19) | (UINT64_C(1) << 37) | (UINT64_C(1) << 39))
/* 0x1A4: bit 0 L2 streamer, 1 L2 adjacent line, 2 DCU (L1 next line), 3 DCU
 * IP; bit 5 L2 AMP on Sapphire/Emerald Rapids. Goldmont: bits 0 and 2 only;
 * Xeon Phi: bit 0 DCU, bit 1 L2. */
#define CORE_BITS UINT64_C(0xF)
#define AMP_BITS UINT64_C(0x2F)
#define GOLDMONT_BITS UINT64_C(0x5)
#define PHI_BITS UINT64_C(0x3)
/* AMD PrefetchControl: 0 L1Stream, 1 L1Stride, 2 L1Region, 3 L2Stream,
 * 5 UpDown (bit 4 reserved). */
#define AMD_BITS UINT64_C(0x2F)

#define SRC_CORE2                                                                                  \
    "Intel SDM vol. 4, Table 2-3 (MSRs in processors based on Intel Core microarchitecture): "     \
    "IA32_MISC_ENABLE bits 9, 19, 37, 39"
#define SRC_DISCLOSURE                                                                             \
    "Intel: Disclosure of H/W prefetcher control on some Intel processors (2014): MSR 0x1A4 "      \
    "bits 0-3"
#define SRC_PEPC                                                                                   \
    "Intel pepc (github.com/intel/pepc), pepclibs/msr/MiscFeatureControl.py: MSR 0x1A4 bits 0-3 "  \
    "on this model, the layout of Intel's 2014 prefetcher disclosure"
#define SRC_AMP                                                                                    \
    "Intel 2014 prefetcher disclosure (0x1A4 bits 0-3) and Intel Memory Latency Checker's "        \
    "prefetcher-disable mask 0x2F for Sapphire/Emerald Rapids (bit 5: L2 AMP prefetcher)"
#define SRC_GOLDMONT                                                                               \
    "Intel SDM, MSRs in Intel Atom processors based on the Goldmont microarchitecture: "           \
    "MSR_MISC_FEATURE_CONTROL 1A4H bit 0 L2, bit 2 DCU (models as in Intel pepc's Goldmont list)"
#define SRC_PHI                                                                                    \
    "Intel pepc (github.com/intel/pepc), pepclibs/msr/MiscFeatureControl.py: Xeon Phi MSR 0x1A4 "  \
    "bit 0 DCU, bit 1 L2"
#define SRC_AMD19                                                                                  \
    "AMD PPR for family 19h processors: MSRC000_0108 Prefetch Control, bits 0-3 (L1Stream, "       \
    "L1Stride, L1Region, L2Stream) and 5 (UpDown), set = disabled"
#define SRC_AMD1A                                                                                  \
    "AMD PPR for family 1Ah models 00h-0Fh (57238): MSRC000_0108 Prefetch Control, bits 0-3 and 5"

#define INTEL(name, lo, hi, msr, mask, src)                                                        \
    {                                                                                              \
        name, CXS_PF_INTEL, 6, lo, hi, msr, mask, src                                              \
    }

const struct cxs_pf_model cxs_pf_models[] = {
    INTEL("Intel Core 2 (Merom)", 0x0F, 0x0F, MSR_MISC_ENABLE, CORE2_BITS, SRC_CORE2),
    INTEL("Intel Core 2 (Penryn)", 0x17, 0x17, MSR_MISC_ENABLE, CORE2_BITS, SRC_CORE2),
    INTEL("Intel Nehalem-EP", 0x1A, 0x1A, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_DISCLOSURE),
    INTEL("Intel Nehalem", 0x1E, 0x1F, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_DISCLOSURE),
    INTEL("Intel Nehalem-EX", 0x2E, 0x2E, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_DISCLOSURE),
    INTEL("Intel Westmere", 0x25, 0x25, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_DISCLOSURE),
    INTEL("Intel Westmere-EP", 0x2C, 0x2C, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_DISCLOSURE),
    INTEL("Intel Westmere-EX", 0x2F, 0x2F, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_DISCLOSURE),
    INTEL("Intel Sandy Bridge", 0x2A, 0x2A, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_DISCLOSURE),
    INTEL("Intel Sandy Bridge-EP", 0x2D, 0x2D, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_DISCLOSURE),
    INTEL("Intel Ivy Bridge", 0x3A, 0x3A, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_DISCLOSURE),
    INTEL("Intel Ivy Bridge-EP", 0x3E, 0x3E, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_DISCLOSURE),
    INTEL("Intel Haswell", 0x3C, 0x3C, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_DISCLOSURE),
    INTEL("Intel Haswell-EP", 0x3F, 0x3F, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_DISCLOSURE),
    INTEL("Intel Haswell (ULT, GT3e)", 0x45, 0x46, MSR_MISC_FEATURE_CONTROL, CORE_BITS,
          SRC_DISCLOSURE),
    INTEL("Intel Broadwell", 0x3D, 0x3D, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_DISCLOSURE),
    INTEL("Intel Broadwell (GT3e)", 0x47, 0x47, MSR_MISC_FEATURE_CONTROL, CORE_BITS,
          SRC_DISCLOSURE),
    INTEL("Intel Broadwell-EP", 0x4F, 0x4F, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_DISCLOSURE),
    INTEL("Intel Broadwell-DE", 0x56, 0x56, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_DISCLOSURE),
    INTEL("Intel Skylake (mobile)", 0x4E, 0x4E, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_PEPC),
    INTEL("Intel Skylake (desktop)", 0x5E, 0x5E, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_PEPC),
    INTEL("Intel Skylake-SP/Cascade Lake/Cooper Lake", 0x55, 0x55, MSR_MISC_FEATURE_CONTROL,
          CORE_BITS, SRC_PEPC),
    INTEL("Intel Kaby/Coffee/Whiskey/Amber Lake (mobile)", 0x8E, 0x8E, MSR_MISC_FEATURE_CONTROL,
          CORE_BITS, SRC_PEPC),
    INTEL("Intel Kaby/Coffee Lake (desktop)", 0x9E, 0x9E, MSR_MISC_FEATURE_CONTROL, CORE_BITS,
          SRC_PEPC),
    INTEL("Intel Comet Lake", 0xA5, 0xA6, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_PEPC),
    INTEL("Intel Cannon Lake", 0x66, 0x66, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_PEPC),
    INTEL("Intel Ice Lake-SP", 0x6A, 0x6A, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_PEPC),
    INTEL("Intel Ice Lake-D", 0x6C, 0x6C, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_PEPC),
    INTEL("Intel Ice Lake (client)", 0x7D, 0x7E, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_PEPC),
    INTEL("Intel Tiger Lake", 0x8C, 0x8D, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_PEPC),
    INTEL("Intel Rocket Lake", 0xA7, 0xA7, MSR_MISC_FEATURE_CONTROL, CORE_BITS, SRC_PEPC),
    INTEL("Intel Sapphire Rapids", 0x8F, 0x8F, MSR_MISC_FEATURE_CONTROL, AMP_BITS, SRC_AMP),
    INTEL("Intel Emerald Rapids", 0xCF, 0xCF, MSR_MISC_FEATURE_CONTROL, AMP_BITS, SRC_AMP),
    INTEL("Intel Goldmont (Apollo Lake)", 0x5C, 0x5C, MSR_MISC_FEATURE_CONTROL, GOLDMONT_BITS,
          SRC_GOLDMONT),
    INTEL("Intel Goldmont (Denverton)", 0x5F, 0x5F, MSR_MISC_FEATURE_CONTROL, GOLDMONT_BITS,
          SRC_GOLDMONT),
    INTEL("Intel Goldmont Plus (Gemini Lake)", 0x7A, 0x7A, MSR_MISC_FEATURE_CONTROL, GOLDMONT_BITS,
          SRC_GOLDMONT),
    INTEL("Intel Xeon Phi (Knights Landing)", 0x57, 0x57, MSR_MISC_FEATURE_CONTROL, PHI_BITS,
          SRC_PHI),
    INTEL("Intel Xeon Phi (Knights Mill)", 0x85, 0x85, MSR_MISC_FEATURE_CONTROL, PHI_BITS, SRC_PHI),
    {"AMD Zen 3/4", CXS_PF_AMD, 0x19, 0x00, 0xFF, MSR_AMD_PREFETCH_CONTROL, AMD_BITS, SRC_AMD19},
    {"AMD Zen 5", CXS_PF_AMD, 0x1A, 0x00, 0xFF, MSR_AMD_PREFETCH_CONTROL, AMD_BITS, SRC_AMD1A},
};
const size_t cxs_pf_nmodels = sizeof cxs_pf_models / sizeof cxs_pf_models[0];

const struct cxs_pf_model *cxs_pf_lookup(enum cxs_pf_vendor v, unsigned family, unsigned model)
{
    for (size_t i = 0; i < cxs_pf_nmodels; i++) {
        const struct cxs_pf_model *m = &cxs_pf_models[i];
        if (m->vendor == v && m->family == family && m->model_lo <= model && model <= m->model_hi)
            return m;
    }
    return NULL;
}

/* ---- modes -------------------------------------------------------------- */

static const char *const mode_names[] = {"keep", "on", "off"};

int cxs_pf_mode_parse(const char *s)
{
    return cxs_name_lookup(mode_names, sizeof mode_names / sizeof mode_names[0], s);
}

const char *cxs_pf_mode_name(enum cxs_pf_mode m)
{
    return (unsigned)m < sizeof mode_names / sizeof mode_names[0] ? mode_names[m] : "?";
}

/* ---- identity ----------------------------------------------------------- */

static const char *vendor_name(enum cxs_pf_vendor v)
{
    return v == CXS_PF_INTEL ? "Intel" : "AMD";
}

/* The directory holding N/msr; *fake set when it is a test tree. */
static const char *msr_root(int *fake)
{
    const char *r = getenv("CXLSCOPE_MSR_ROOT");
    *fake = r && *r;
    return *fake ? r : "/dev/cpu";
}

/* "intel:6:143" (vendor, family, model in decimal). */
static int parse_override(const char *s, enum cxs_pf_vendor *v, unsigned *family, unsigned *model,
                          char *err, size_t errlen)
{
    char buf[64], *f, *m;
    uint64_t fam, mod;
    snprintf(buf, sizeof buf, "%s", s);
    f = strchr(buf, ':');
    m = f ? strchr(f + 1, ':') : NULL;
    if (!m)
        return cxs_errf(err, errlen,
                        "bad CXLSCOPE_CPU_MODEL '%s' (expected VENDOR:FAMILY:MODEL, e.g. "
                        "intel:6:143)",
                        s);
    *f++ = '\0';
    *m++ = '\0';
    if (!strcasecmp(buf, "intel"))
        *v = CXS_PF_INTEL;
    else if (!strcasecmp(buf, "amd"))
        *v = CXS_PF_AMD;
    else
        return cxs_errf(err, errlen, "bad CXLSCOPE_CPU_MODEL '%s': vendor intel or amd", s);
    if (cxs_parse_u64(f, 0, 0x10E, &fam, NULL, 0) || cxs_parse_u64(m, 0, 0xFF, &mod, NULL, 0))
        return cxs_errf(err, errlen,
                        "bad CXLSCOPE_CPU_MODEL '%s': family and model in decimal (0-270, 0-255)",
                        s);
    *family = (unsigned)fam;
    *model = (unsigned)mod;
    return 0;
}

#ifdef HAVE_CPUID
/* Display family/model from CPUID leaf 1's EAX (Intel SDM vol. 2, CPUID). */
static void decode_signature(unsigned eax, unsigned *family, unsigned *model)
{
    unsigned base_family = (eax >> 8) & 0xF, base_model = (eax >> 4) & 0xF;
    unsigned ext_family = (eax >> 20) & 0xFF, ext_model = (eax >> 16) & 0xF;
    *family = base_family == 0xF ? base_family + ext_family : base_family;
    *model = base_family == 0x6 || base_family == 0xF ? (ext_model << 4) | base_model : base_model;
}

static int cpuid_identify(enum cxs_pf_vendor *v, unsigned *family, unsigned *model, char *err,
                          size_t errlen)
{
    unsigned a, b, c, d;
    char vendor[13];
    if (!__get_cpuid(0, &a, &b, &c, &d) || a < 1)
        return cxs_errf(err, errlen, "CPUID leaf 1 is not available");
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    vendor[12] = '\0';
    if (!strcmp(vendor, "GenuineIntel"))
        *v = CXS_PF_INTEL;
    else if (!strcmp(vendor, "AuthenticAMD"))
        *v = CXS_PF_AMD;
    else
        return cxs_errf(err, errlen, "CPU vendor '%s' is neither Intel nor AMD", vendor);
    __get_cpuid(1, &a, &b, &c, &d);
    decode_signature(a, family, model);
    return 0;
}
#else
static int cpuid_identify(enum cxs_pf_vendor *v, unsigned *family, unsigned *model, char *err,
                          size_t errlen)
{
    (void)v, (void)family, (void)model;
    return cxs_errf(err, errlen,
                    "this is not an x86 build: no CPUID, and no Intel or AMD prefetcher "
                    "control");
}
#endif

int cxs_pf_identify(enum cxs_pf_vendor *v, unsigned *family, unsigned *model, char *err,
                    size_t errlen)
{
    int fake;
    const char *over = getenv("CXLSCOPE_CPU_MODEL");
    msr_root(&fake);
    if (fake && over && *over)
        return parse_override(over, v, family, model, err, errlen);
    return cpuid_identify(v, family, model, err, errlen);
}

/* ---- small helpers ------------------------------------------------------ */

/* This CPU's row, or 77 naming what it is. */
static int model_for(const struct cxs_pf_model **out, char *err, size_t errlen)
{
    enum cxs_pf_vendor v;
    unsigned family, model;
    char why[200];
    if (cxs_pf_identify(&v, &family, &model, why, sizeof why))
        return cxs_errc(CXS_EXIT_SKIP, err, errlen, "cannot control the prefetchers: %s", why);
    *out = cxs_pf_lookup(v, family, model);
    if (!*out)
        return cxs_errc(
            CXS_EXIT_SKIP, err, errlen,
            "no publicly documented prefetcher control for this CPU (%s family 0x%x model "
            "0x%x, i.e. %u:%u): it is not in cxlscope's table",
            vendor_name(v), family, model, family, model);
    return 0;
}

static int msr_read(int fd, uint32_t msr, uint64_t *v)
{
    ssize_t r = pread(fd, v, sizeof *v, (off_t)msr);
    if (r == (ssize_t)sizeof *v)
        return 0;
    if (r >= 0)
        errno = EIO; /* short: no such MSR (a fake file that ends before it) */
    return -1;
}

/* async-signal-safe: pwrite() only. */
static int msr_write(int fd, uint32_t msr, uint64_t v)
{
    ssize_t r = pwrite(fd, &v, sizeof v, (off_t)msr);
    if (r == (ssize_t)sizeof v)
        return 0;
    if (r >= 0)
        errno = EIO;
    return -1;
}

/* ---- cores: the first CPU of the caller's list among its siblings ------- */

static int in_list(const int *ids, size_t n, int id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return 1;
    return 0;
}

/* Whether cpus[i] is the first of its core in cpus[0..i]. Without a
 * siblings file (or with one that does not parse) a CPU is its own core. */
static int first_of_core(const int *cpus, size_t i)
{
    char rel[96], buf[1024];
    int sibs[256];
    size_t ns = 0;
    snprintf(rel, sizeof rel, "devices/system/cpu/cpu%d/topology/thread_siblings_list", cpus[i]);
    if (cxs_sysfs_read_str(rel, buf, sizeof buf) ||
        cxs_parse_idlist(buf, sibs, sizeof sibs / sizeof sibs[0], &ns, NULL, 0))
        ns = 0;
    for (size_t j = 0; j < i; j++)
        if (cpus[j] == cpus[i] || in_list(sibs, ns, cpus[j]))
            return 0;
    return 1;
}

/* The cores of cpus[0..n) as one CPU each, in the caller's order (malloc'd
 * into *cores); -1 when out of memory. */
static int pick_cores(const int *cpus, size_t n, int **cores, size_t *ncores)
{
    *ncores = 0;
    *cores = malloc((n ? n : 1) * sizeof **cores);
    if (!*cores)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (first_of_core(cpus, i))
            (*cores)[(*ncores)++] = cpus[i];
    return 0;
}

/* ---- opening the msr files ---------------------------------------------- */

/* modprobe msr, once per process, quietly: 0 when it succeeded. */
static int load_msr_module(void)
{
    static int tried, rc = -1;
    if (tried)
        return rc;
    tried = 1;
    pid_t pid = fork();
    if (pid < 0)
        return rc;
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        execlp("modprobe", "modprobe", "msr", (char *)NULL);
        execl("/sbin/modprobe", "modprobe", "msr", (char *)NULL);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return rc;
    rc = WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
    return rc;
}

static int open_msr(const char *root, int cpu, int flags, char *path, size_t len)
{
    snprintf(path, len, "%s/%d/msr", root, cpu);
    return open(path, flags | O_CLOEXEC);
}

/* Open cpu's msr file for writing; on the real device, load the msr module
 * when it is missing. 77 with the reason when it cannot be opened. */
static int open_for_change(int cpu, int *fd, char *err, size_t errlen)
{
    char path[PATH_MAX];
    int fake;
    const char *root = msr_root(&fake);
    int loaded = -1;
    *fd = open_msr(root, cpu, O_RDWR, path, sizeof path);
    if (*fd < 0 && errno == ENOENT && !fake) {
        loaded = load_msr_module();
        *fd = open_msr(root, cpu, O_RDWR, path, sizeof path);
    }
    if (*fd >= 0)
        return 0;
    int e = errno;
    if (e == EACCES || e == EPERM)
        return cxs_errc(
            CXS_EXIT_SKIP, err, errlen,
            "cannot open %s: %s (changing the prefetchers needs root and CAP_SYS_RAWIO: "
            "the msr driver's files are root-only)",
            path, strerror(e));
    if (fake)
        return cxs_errc(CXS_EXIT_SKIP, err, errlen, "no MSR file for CPU %d: %s: %s", cpu, path,
                        strerror(e));
    return cxs_errc(CXS_EXIT_SKIP, err, errlen, "no msr device for CPU %d: %s: %s%s", cpu, path,
                    strerror(e),
                    e != ENOENT   ? ""
                    : loaded == 0 ? " (even after 'modprobe msr': is the CPU online?)"
                                  : " (the msr module is not loaded and 'modprobe msr' failed)");
}

/* Every core's file opened (fds[i] for cores[i]) before anything changes,
 * or none (77). */
static int open_all(const int *cores, size_t n, int *fds, char *err, size_t errlen)
{
    int fake;
    msr_root(&fake);
    if (!fake && geteuid() != 0)
        return cxs_errc(
            CXS_EXIT_SKIP, err, errlen,
            "changing the prefetchers needs root (the msr driver's files are root-only)");
    for (size_t i = 0; i < n; i++) {
        int rc = open_for_change(cores[i], &fds[i], err, errlen);
        if (rc) {
            while (i > 0)
                close(fds[--i]);
            return rc;
        }
    }
    return 0;
}

/* ---- the saved values and the exit hook --------------------------------- */

#define MAX_CORES 4096

enum { SLOT_FREE, SLOT_ARMED, SLOT_DONE };

static struct slot {
    atomic_int state; /* SLOT_*: claimed by exchange, no lock */
    int fd;           /* open from the change until cxs_pf_restore() */
    int cpu;
    uint32_t msr;
    uint64_t old;
} slots[MAX_CORES];
static atomic_int nslots; /* slots in use, in the order of the changes */
static atomic_int hooked; /* restore_hook is registered */

/* Write back every armed slot, last change first. async-signal-safe. */
static void restore_writes(void)
{
    for (int i = atomic_load(&nslots) - 1; i >= 0; i--)
        if (atomic_exchange(&slots[i].state, SLOT_DONE) == SLOT_ARMED)
            msr_write(slots[i].fd, slots[i].msr, slots[i].old);
}

/* The exit hook: exit(), cxs_die() and its kin, a second signal. The hook
 * list drops it as it runs it. */
static void restore_hook(void *arg)
{
    (void)arg;
    atomic_store(&hooked, 0);
    restore_writes();
}

void cxs_pf_restore(void)
{
    restore_writes();
    if (atomic_exchange(&hooked, 0))
        cxs_exit_hook_remove(restore_hook, NULL);
    int n = atomic_load(&nslots);
    for (int i = 0; i < n; i++) {
        close(slots[i].fd);
        slots[i].fd = -1;
        atomic_store(&slots[i].state, SLOT_FREE);
    }
    atomic_store(&nslots, 0);
}

/* ---- changing ----------------------------------------------------------- */

static int refused(int e)
{
    return e == EIO || e == EPERM || e == EACCES || e == EINVAL;
}

/* Change one core's MSR (its fd now owned by a slot). 0, or the code with
 * the reason; the caller undoes the changes on failure. */
static int change_one(const struct cxs_pf_model *m, enum cxs_pf_mode mode, int cpu, int fd,
                      char *err, size_t errlen)
{
    uint64_t old, want, got;
    if (msr_read(fd, m->msr, &old)) {
        int e = errno;
        close(fd);
        return cxs_errc(CXS_EXIT_SKIP, err, errlen, "CPU %d: cannot read MSR 0x%" PRIx32 ": %s",
                        cpu, m->msr, strerror(e));
    }
    want = mode == CXS_PF_OFF ? old | m->mask : old & ~m->mask;
    int i = atomic_load(&nslots);
    slots[i].fd = fd;
    slots[i].cpu = cpu;
    slots[i].msr = m->msr;
    slots[i].old = old;
    atomic_store(&slots[i].state, SLOT_ARMED);
    atomic_store(&nslots, i + 1);
    if (msr_write(fd, m->msr, want)) {
        int e = errno;
        return cxs_errc(refused(e) ? CXS_EXIT_SKIP : CXS_EXIT_FAIL, err, errlen,
                        "CPU %d refused writing 0x%" PRIx64 " to MSR 0x%" PRIx32 ": %s%s", cpu,
                        want, m->msr, strerror(e),
                        refused(e) ? " (a virtual machine usually does)" : " (changes undone)");
    }
    if (msr_read(fd, m->msr, &got))
        return cxs_errc(CXS_EXIT_FAIL, err, errlen,
                        "CPU %d: reading MSR 0x%" PRIx32 " back: %s (changes undone)", cpu, m->msr,
                        strerror(errno));
    if (got != want)
        return cxs_errc(CXS_EXIT_SKIP, err, errlen,
                        "CPU %d ignored the write of MSR 0x%" PRIx32 " (wrote 0x%" PRIx64
                        ", read back 0x%" PRIx64 "; changes undone)",
                        cpu, m->msr, want, got);
    if (!atomic_load(&hooked)) /* the exit hook ran meanwhile: exiting */
        return cxs_errc(CXS_EXIT_FAIL, err, errlen, "exiting: prefetcher changes undone");
    return 0;
}

/* Change every core in order; on failure put back what was changed and
 * close the descriptors not yet handed to a slot. */
static int change_all(const struct cxs_pf_model *m, enum cxs_pf_mode mode, const int *cores,
                      const int *fds, size_t n, char *err, size_t errlen)
{
    int rc = 0;
    size_t i = 0;
    if (!atomic_load(&hooked)) {
        if (cxs_exit_hook_add(restore_hook, NULL))
            rc = cxs_errc(CXS_EXIT_FAIL, err, errlen,
                          "cannot register the exit hook that restores the prefetchers");
        else
            atomic_store(&hooked, 1);
    }
    for (; !rc && i < n; i++)
        rc = change_one(m, mode, cores[i], fds[i], err, errlen);
    if (rc) {
        for (; i < n; i++)
            close(fds[i]);
        cxs_pf_restore();
    }
    return rc;
}

static int check_args(enum cxs_pf_mode mode, const int *cpus, size_t n, char *err, size_t errlen)
{
    if (mode != CXS_PF_ON && mode != CXS_PF_OFF)
        return cxs_errc(CXS_EXIT_USAGE, err, errlen, "bad prefetcher mode %d", (int)mode);
    if (!cpus || !n)
        return cxs_errc(CXS_EXIT_USAGE, err, errlen, "no CPUs given for the prefetcher change");
    for (size_t i = 0; i < n; i++)
        if (cpus[i] < 0)
            return cxs_errc(CXS_EXIT_USAGE, err, errlen, "bad CPU number %d", cpus[i]);
    if (atomic_load(&nslots))
        return cxs_errc(
            CXS_EXIT_USAGE, err, errlen,
            "the prefetchers were already changed (cxs_pf_apply() is called once per run)");
    return 0;
}

int cxs_pf_apply(enum cxs_pf_mode mode, const int *cpus, size_t n, char *err, size_t errlen)
{
    const struct cxs_pf_model *m;
    int *cores = NULL, *fds = NULL;
    size_t ncores = 0;
    if (mode == CXS_PF_KEEP)
        return 0;
    int rc = check_args(mode, cpus, n, err, errlen);
    if (!rc)
        rc = model_for(&m, err, errlen);
    if (!rc && pick_cores(cpus, n, &cores, &ncores))
        rc = cxs_errc(CXS_EXIT_FAIL, err, errlen, "out of memory");
    if (!rc && ncores > MAX_CORES)
        rc = cxs_errc(CXS_EXIT_USAGE, err, errlen, "%zu cores: at most %d", ncores, MAX_CORES);
    if (!rc && !(fds = malloc(ncores * sizeof *fds)))
        rc = cxs_errc(CXS_EXIT_FAIL, err, errlen, "out of memory");
    if (!rc)
        rc = open_all(cores, ncores, fds, err, errlen);
    if (!rc)
        rc = change_all(m, mode, cores, fds, ncores, err, errlen);
    free(cores);
    free(fds);
    return rc;
}

/* ---- reading the state -------------------------------------------------- */

/* The model bits of cpu's MSR now, or -1 when it cannot be read. */
static int read_bits(const struct cxs_pf_model *m, int cpu, uint64_t *bits)
{
    char path[PATH_MAX];
    int fake;
    int fd = open_msr(msr_root(&fake), cpu, O_RDONLY, path, sizeof path);
    uint64_t v = 0;
    *bits = 0;
    if (fd < 0)
        return -1;
    int rc = msr_read(fd, m->msr, &v);
    close(fd);
    *bits = v & m->mask;
    return rc;
}

const char *cxs_pf_state(const int *cpus, size_t n)
{
    const struct cxs_pf_model *m;
    int *cores;
    size_t ncores;
    int on = 1, off = 1, unknown = 0;
    if (!cpus || !n || model_for(&m, NULL, 0) || pick_cores(cpus, n, &cores, &ncores))
        return "unknown";
    for (size_t i = 0; i < ncores && !unknown; i++) {
        uint64_t bits;
        unknown = read_bits(m, cores[i], &bits) != 0;
        on &= bits == 0;
        off &= bits == m->mask;
    }
    free(cores);
    return unknown ? "unknown" : on ? "on" : off ? "off" : "partial";
}
