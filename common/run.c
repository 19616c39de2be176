/* run.c — topology, CSV, meta.json and exit for one benchmark run. */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "interrupt.h"
#include "outfile.h"
#include "prefetch.h"
#include "targets.h"

struct cxs_run cxs_run;

void cxs_run_load(void)
{
    char err[512];
    if (cxs_topo_load(&cxs_run.topo, err, sizeof err))
        cxs_die("%s", err);
}

/* The output directory's lock (outfile.h), with room kept in it for the
 * last meta.json: a disk that fills up during the run still gets a meta.json
 * that says what the CSV holds. Released, and the lock file removed, at
 * every exit (an exit hook). */
#define CXS_META_RESERVE (64 * 1024)
static struct {
    int fd;
    char path[4096];
} lock = {-1, ""};

static void unlock_hook(void *arg)
{
    (void)arg;
    if (lock.fd >= 0) {
        unlink(lock.path); /* async-signal-safe, as exit hooks must be */
        close(lock.fd);
        lock.fd = -1;
    }
}

static void release_reserve(void)
{
    if (lock.fd >= 0 && ftruncate(lock.fd, 64) != 0)
        return; /* nothing to give back */
}

static void take_dir(const char *outdir)
{
    char err[512];
    if (mkdir(outdir, 0777) && errno != EEXIST)
        cxs_die("cannot create %s: %s", outdir, strerror(errno));
    int fd = cxs_outdir_lock(outdir, err, sizeof err);
    if (fd == CXS_OUTFILE_REFUSED)
        cxs_usage_die("%s", err);
    if (fd < 0)
        cxs_die("%s", err);
    lock.fd = fd;
    snprintf(lock.path, sizeof lock.path, "%s/%s", outdir, CXS_LOCK_NAME);
    cxs_exit_hook_add(unlock_hook, NULL);
    int e = posix_fallocate(fd, 0, CXS_META_RESERVE);
    if (e && e != EOPNOTSUPP && e != EINVAL)
        cxs_die("cannot keep %d KiB for meta.json in %s: %s", CXS_META_RESERVE / 1024, outdir,
                strerror(e));
}

void cxs_run_check(const char *name)
{
    char path[4096], err[4200];
    if (!cxs_run.outdir)
        return;
    snprintf(path, sizeof path, "%s/%s", cxs_run.outdir, name);
    int rc = cxs_outfile_check(path, err, sizeof err);
    if (rc == CXS_OUTFILE_REFUSED)
        cxs_usage_die("%s", err);
    if (rc)
        cxs_die("%s", err);
}

struct cxs_out *cxs_run_out_open(const char *name, const char *const *cols, size_t ncols)
{
    char path[4096], err[4200];
    if (!cxs_run.outdir)
        return NULL;
    snprintf(path, sizeof path, "%s/%s", cxs_run.outdir, name);
    struct cxs_out *o = cxs_out_open(path, NULL, CXS_FMT_CSV, cols, ncols, err, sizeof err);
    if (!o && errno == EEXIST)
        cxs_usage_die("%s", err);
    if (!o)
        cxs_die("%s", err);
    return o;
}

struct cxs_out *cxs_run_extra_open(const char *name, const char *const *cols, size_t ncols)
{
    size_t i = 0;
    while (i < CXS_RUN_EXTRAS && cxs_run.extra[i])
        i++;
    if (i == CXS_RUN_EXTRAS)
        cxs_die("internal error: more than %d extra CSVs", CXS_RUN_EXTRAS);
    return cxs_run.extra[i] = cxs_run_out_open(name, cols, ncols);
}

/* The extra CSVs closed (fsync, rename); 0, or -1 when one could not be. */
static int close_extras(void)
{
    int rc = 0;
    for (size_t i = 0; i < CXS_RUN_EXTRAS; i++) {
        if (cxs_run.extra[i] && cxs_out_close(cxs_run.extra[i]))
            rc = -1;
        cxs_run.extra[i] = NULL;
    }
    return rc;
}

void cxs_run_open(const char *outdir, const char *name, const char *csv, const char *const *cols,
                  size_t ncols, int quiet, enum cxs_format fmt, int argc, char **argv)
{
    char err[4200];
    if (outdir) {
        take_dir(outdir);
        if ((size_t)snprintf(cxs_run.csvpath, sizeof cxs_run.csvpath, "%s/%s", outdir, csv) >=
            sizeof cxs_run.csvpath)
            cxs_usage_die("--output %s: path too long", outdir);
        cxs_run.outdir = outdir;
        cxs_run_check("meta.json");
        cxs_run_check(csv);
    }
    const char *notes[sizeof cxs_run.meta.notes / sizeof cxs_run.meta.notes[0]];
    memcpy(notes, cxs_run.meta.notes, sizeof notes); /* added before the run opened */
    char **skipped = cxs_run.meta.skipped;
    size_t nskipped = cxs_run.meta.nskipped;
    cxs_run.meta = (struct cxs_meta_test){.name = name,
                                          .argc = argc,
                                          .argv = argv,
                                          .start = time(NULL),
                                          .csv = csv,
                                          .skipped = skipped,
                                          .nskipped = nskipped};
    for (size_t i = 0; i < cxs_run.nnotes; i++)
        cxs_run.meta.notes[i] = notes[i];
    if (outdir && cxs_meta_write(outdir, &cxs_run.topo, &cxs_run.meta, err, sizeof err))
        cxs_die("%s", err);
    cxs_run.out = cxs_out_open(outdir ? cxs_run.csvpath : NULL, quiet ? NULL : stdout, fmt, cols,
                               ncols, err, sizeof err);
    if (!cxs_run.out && errno == EEXIST)
        cxs_usage_die("%s", err);
    if (!cxs_run.out)
        cxs_die("%s", err);
}

void cxs_run_note(const char *note)
{
    size_t max = sizeof cxs_run.meta.notes / sizeof cxs_run.meta.notes[0] - 1;
    if (cxs_run.nnotes < max)
        cxs_run.meta.notes[cxs_run.nnotes++] = note;
}

void cxs_run_skipped(const char *line)
{
    char **v = realloc(cxs_run.meta.skipped, (cxs_run.meta.nskipped + 1) * sizeof *v);
    char *copy = strdup(line);
    if (!v || !copy)
        cxs_die("out of memory");
    v[cxs_run.meta.nskipped++] = copy;
    cxs_run.meta.skipped = v;
}

void cxs_run_row(const char *const *vals)
{
    if (cxs_out_row(cxs_run.out, vals))
        cxs_run_finish(CXS_EXIT_FAIL); /* the close says why, in one line */
}

void cxs_run_prefetchers(int mode, const int *cpus, size_t n)
{
    static char note[300];
    char err[512];
    if (mode == CXS_PF_KEEP)
        return;
    int rc = cxs_pf_apply((enum cxs_pf_mode)mode, cpus, n, err, sizeof err);
    if (rc == CXS_EXIT_SKIP)
        cxs_skip("--prefetchers %s: %s", cxs_pf_mode_name((enum cxs_pf_mode)mode), err);
    if (rc)
        cxs_die("--prefetchers %s: %s", cxs_pf_mode_name((enum cxs_pf_mode)mode), err);
    enum cxs_pf_vendor v;
    unsigned fam, model;
    const struct cxs_pf_model *m = NULL;
    if (cxs_pf_identify(&v, &fam, &model, err, sizeof err) == 0)
        m = cxs_pf_lookup(v, fam, model);
    snprintf(note, sizeof note,
             "prefetchers %s on the run's %zu CPUs (%s: MSR 0x%x, bits 0x%llx), the old values "
             "written back at exit",
             cxs_pf_mode_name((enum cxs_pf_mode)mode), n, m ? m->name : "?", m ? m->msr : 0,
             m ? (unsigned long long)m->mask : 0ULL);
    cxs_run_note(note);
}

_Noreturn void cxs_run_finish(int code)
{
    static char partial[4096];
    cxs_run.meta.end = time(NULL);
    /* The rows first: meta.json says complete only once they are in place,
     * and counts the rows that are in the file. */
    cxs_run.meta.rows = cxs_run.out ? cxs_out_rows(cxs_run.out) : 0;
    if (cxs_run.out && cxs_out_close(cxs_run.out)) {
        if (code == 0 || code == CXS_EXIT_INTERRUPTED)
            code = CXS_EXIT_FAIL;
        snprintf(partial, sizeof partial, "%s.partial", cxs_run.meta.csv);
        cxs_run.meta.csv = partial;
    }
    cxs_run.out = NULL;
    if (close_extras() && (code == 0 || code == CXS_EXIT_INTERRUPTED))
        code = CXS_EXIT_FAIL;
    cxs_run.meta.complete = code == 0;
    release_reserve(); /* room for this last meta.json, even on a full disk */
    char err[4200];
    if (cxs_run.outdir &&
        cxs_meta_write(cxs_run.outdir, &cxs_run.topo, &cxs_run.meta, err, sizeof err)) {
        fprintf(stderr, "%s: error: %s\n", cxs_prog, err);
        if (code == 0)
            code = CXS_EXIT_FAIL;
    }
    exit(code);
}

_Noreturn void cxs_run_fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: error: ", cxs_prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    cxs_run_finish(code);
}

_Noreturn void cxs_run_end(void)
{
    if (cxs_stop_requested()) {
        fprintf(stderr, "%s: interrupted: %zu rows kept%s%s\n", cxs_prog,
                cxs_run.out ? cxs_out_rows(cxs_run.out) : 0, cxs_run.outdir ? " in " : "",
                cxs_run.outdir ? cxs_run.csvpath : "");
        cxs_run_finish(CXS_EXIT_INTERRUPTED);
    }
    cxs_run_finish(0);
}

int cxs_std_option(int code, const char *arg, struct cxs_std_opts *o, const char *usage)
{
    char err[200];
    switch (code) {
    case CXS_OPT_CPU:
        o->cpu_spec = arg;
        return 1;
    case CXS_OPT_MEM:
        o->mem_spec = arg;
        return 1;
    case CXS_OPT_MATRIX:
        o->matrix = 1;
        return 1;
    case CXS_OPT_REPEAT:
        o->repeat = cxs_u64_arg("--repeat", arg, 1, 100000);
        return 1;
    case CXS_OPT_MIN:
        o->min_samples = cxs_u64_arg("--min-samples", arg, 1, 100000);
        return 1;
    case CXS_OPT_BUDGET:
        if (cxs_parse_pos_double(arg, &o->budget_s, err, sizeof err))
            cxs_usage_die("--time-budget: %s", err);
        return 1;
    case CXS_OPT_SEED:
        o->seed = cxs_u64_arg("--seed", arg, 0, UINT64_MAX);
        return 1;
    case CXS_OPT_OUTPUT:
        o->outdir = arg;
        return 1;
    case CXS_OPT_FORMAT: {
        int f = cxs_format_parse(arg);
        if (f < 0)
            cxs_usage_die("unknown format '%s' (formats: csv, table)", arg);
        o->format = (enum cxs_format)f;
        return 1;
    }
    case CXS_OPT_QUIET:
        o->quiet = 1;
        return 1;
    case CXS_OPT_PAGE:
        o->page = cxs_page_arg(arg);
        return 1;
    case CXS_OPT_FALLBACK:
        o->allow_fallback = 1;
        return 1;
    case CXS_OPT_RESERVE:
        o->reserve_hugepages = 1;
        return 1;
    case CXS_OPT_STRIDE:
        if (cxs_parse_size(arg, &o->stride, err, sizeof err))
            cxs_usage_die("--stride: %s", err);
        if (o->stride < 64 || o->stride > 4096 || (o->stride & (o->stride - 1)))
            cxs_usage_die("--stride %s: must be a power of two from 64 to 4096 bytes", arg);
        return 1;
    case CXS_OPT_DIST:
        o->distribution = cxs_u64_arg("--distribution", arg, 1, 1u << 20);
        return 1;
    case CXS_OPT_PREFETCH:
        o->prefetchers = cxs_pf_mode_parse(arg);
        if (o->prefetchers < 0)
            cxs_usage_die("--prefetchers: unknown mode '%s' (modes: on, off, keep)", arg);
        return 1;
    case CXS_OPT_HELP:
        fputs(usage, stdout);
        exit(0);
    case CXS_OPT_VERSION:
        printf("%s %s\n", cxs_prog, CXS_VERSION);
        exit(0);
    default:
        return 0;
    }
}

void cxs_std_default(int code, const char *arg, struct cxs_std_opts *o, const char *usage,
                     char **argv)
{
    if (!cxs_std_option(code, arg, o, usage))
        cxs_usage_die("unknown or incomplete option '%s' (see --help)", argv[optind - 1]);
}

void cxs_std_end(int argc, char **argv, const struct cxs_std_opts *o)
{
    if (optind < argc)
        cxs_usage_die("unexpected argument '%s' (see --help)", argv[optind]);
    cxs_std_check(o);
}

enum cxs_page cxs_page_arg(const char *s)
{
    int p = cxs_page_parse(s);
    if (p < 0)
        cxs_usage_die("unknown page size '%s' (page sizes: 4k, thp, 2m, 1g)", s);
    return (enum cxs_page)p;
}

void cxs_std_check(const struct cxs_std_opts *o)
{
    if (o->min_samples > o->repeat)
        cxs_usage_die("--min-samples (%" PRIu64 ") exceeds --repeat (%" PRIu64 ")", o->min_samples,
                      o->repeat);
}

int cxs_run_cpu_node(const char *spec)
{
    char err[1024];
    int ids[CXS_MAX_NODES];
    size_t n;
    int r =
        cxs_tgt_cpu_nodes(&cxs_run.topo, spec, NULL, 0, ids, CXS_MAX_NODES, &n, err, sizeof err);
    if (r == CXS_EXIT_SKIP)
        cxs_skip("%s", err);
    if (r || n != 1)
        cxs_usage_die("%s", r ? err : "--cpu-node: give one CPU node");
    return ids[0];
}
