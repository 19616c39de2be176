/* meta.c — the run's metadata, meta.json, written with jansson (meta.h). */
#include "meta.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <jansson.h>

#include "caches.h"
#include "cli.h"
#include "outfile.h"
#include "sysfs.h"
#include "timer.h"

#define CXS_META_SCHEMA 1

void cxs_utc_iso(time_t t, char *buf, size_t len)
{
    struct tm tm;
    if (len == 0)
        return;
    buf[0] = '\0';
    if (!gmtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        buf[0] = '\0';
}

/* jansson's setters steal the value and fail on NULL (out of memory); one
 * flag per document is enough to report that. */
struct jb {
    int oom;
};

static void put(struct jb *b, json_t *obj, const char *key, json_t *v)
{
    if (!v || json_object_set_new(obj, key, v) != 0)
        b->oom = 1;
}

static void append(struct jb *b, json_t *arr, json_t *v)
{
    if (!v || json_array_append_new(arr, v) != 0)
        b->oom = 1;
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* ---- the machine ---------------------------------------------------- */

/* The number of CPU packages (sockets): distinct physical_package_id of the
 * CPUs sysfs lists with a topology (the online ones); null when none has. */
static json_t *sockets(void)
{
    char dir[4096];
    DIR *d = opendir(cxs_sysfs_path(dir, sizeof dir, "devices/system/cpu"));
    if (!d)
        return json_null();
    int64_t seen[1024];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char rel[320];
        int64_t id;
        if (strncmp(e->d_name, "cpu", 3) != 0 || !e->d_name[3] ||
            strspn(e->d_name + 3, "0123456789") != strlen(e->d_name + 3))
            continue;
        snprintf(rel, sizeof rel, "devices/system/cpu/%s/topology/physical_package_id", e->d_name);
        if (cxs_sysfs_read_i64(rel, &id) != 0)
            continue;
        size_t i = 0;
        while (i < n && seen[i] != id)
            i++;
        if (i == n && n < sizeof seen / sizeof seen[0])
            seen[n++] = id;
    }
    closedir(d);
    return n ? json_integer((json_int_t)n) : json_null();
}

static json_t *cpu_model(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return json_null();
    char line[512];
    json_t *v = NULL;
    while (!v && fgets(line, sizeof(line), f)) {
        if (strncmp(line, "model name", 10) != 0)
            continue;
        char *p = strchr(line, ':');
        if (!p)
            continue;
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        p[strcspn(p, "\n")] = '\0';
        v = json_string(p);
    }
    fclose(f);
    return v ? v : json_null();
}

static json_t *caches(struct jb *b)
{
    int64_t sz[3];
    const char *source = cxs_cache_sizes(sz);
    static const char *const names[3] = {"L1d_bytes", "L2_bytes", "L3_bytes"};
    json_t *o = json_object();
    if (!o)
        return NULL;
    for (int i = 0; i < 3; i++)
        put(b, o, names[i], sz[i] > 0 ? json_integer(sz[i]) : json_null());
    put(b, o, "source", json_string(source));
    return o;
}

static json_t *timer(struct jb *b)
{
    const struct cxs_timer_desc *d = cxs_timer_info();
    if (!d)
        return json_null();
    json_t *o = json_object();
    if (!o)
        return NULL;
    put(b, o, "source", str_or_null(d->source));
    put(b, o, "ticks_per_ns", json_real(d->ticks_per_ns));
    put(b, o, "tsc_invariant", json_boolean(d->tsc_invariant));
    put(b, o, "overhead_ns", json_real(d->overhead_ns));
    return o;
}

/* The word in brackets: "always [madvise] never" -> "madvise". */
static json_t *bracketed(const char *rel)
{
    char buf[256];
    if (cxs_sysfs_read_str(rel, buf, sizeof(buf)) != 0)
        return json_null();
    char *l = strchr(buf, '[');
    char *r = l ? strchr(l, ']') : NULL;
    if (!r)
        return json_null();
    *r = '\0';
    return json_string(l + 1);
}

static json_t *thp(struct jb *b)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    put(b, o, "enabled", bracketed("kernel/mm/transparent_hugepage/enabled"));
    put(b, o, "defrag", bracketed("kernel/mm/transparent_hugepage/defrag"));
    return o;
}

/* ---- the node table ------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* {"2048kB": {"nr": N, "free": F}, ...} for every hugetlb size the node has,
 * smallest first. */
static json_t *hugepages(struct jb *b, int node)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    char path[512];
    cxs_sysfs_path(path, sizeof(path), "devices/system/node/node%d/hugepages", node);
    DIR *d = opendir(path);
    if (!d)
        return o;
    uint64_t kb[16];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < sizeof(kb) / sizeof(kb[0])) {
        unsigned long long v;
        char tail[8];
        if (sscanf(e->d_name, "hugepages-%llu%7s", &v, tail) == 2 && strcmp(tail, "kB") == 0)
            kb[n++] = v;
    }
    closedir(d);
    qsort(kb, n, sizeof(kb[0]), cmp_u64);
    for (size_t i = 0; i < n; i++) {
        char rel[160], key[32];
        int64_t nr = -1, fr = -1;
        snprintf(rel, sizeof(rel),
                 "devices/system/node/node%d/hugepages/hugepages-%" PRIu64 "kB/nr_hugepages", node,
                 kb[i]);
        cxs_sysfs_read_i64(rel, &nr);
        snprintf(rel, sizeof(rel),
                 "devices/system/node/node%d/hugepages/hugepages-%" PRIu64 "kB/free_hugepages",
                 node, kb[i]);
        cxs_sysfs_read_i64(rel, &fr);
        json_t *h = json_object();
        if (!h) {
            b->oom = 1;
            break;
        }
        put(b, h, "nr", nr >= 0 ? json_integer(nr) : json_null());
        put(b, h, "free", fr >= 0 ? json_integer(fr) : json_null());
        snprintf(key, sizeof(key), "%" PRIu64 "kB", kb[i]);
        put(b, o, key, h);
    }
    return o;
}

static json_t *initiators(const char *s)
{
    int ids[CXS_MAX_NODES];
    size_t n = 0;
    char err[128];
    if (cxs_parse_idlist(s, ids, CXS_MAX_NODES, &n, err, sizeof(err)) != 0)
        return json_string(s); /* keep what the kernel said */
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_integer(ids[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *hmat(struct jb *b, const struct cxs_node *n)
{
    json_t *a = json_array();
    if (!a)
        return NULL;
    for (int k = 0; k < 2; k++) {
        const struct cxs_hmat *h = &n->hmat[k];
        if (!h->present)
            continue;
        json_t *o = json_object();
        if (!o) {
            b->oom = 1;
            break;
        }
        put(b, o, "access", json_integer(k));
        if (h->read_latency_ns >= 0)
            put(b, o, "read_latency_ns", json_integer(h->read_latency_ns));
        if (h->write_latency_ns >= 0)
            put(b, o, "write_latency_ns", json_integer(h->write_latency_ns));
        if (h->read_bandwidth_mbps >= 0)
            put(b, o, "read_bandwidth_mbps", json_integer(h->read_bandwidth_mbps));
        if (h->write_bandwidth_mbps >= 0)
            put(b, o, "write_bandwidth_mbps", json_integer(h->write_bandwidth_mbps));
        put(b, o, "initiators", initiators(h->initiators));
        append(b, a, o);
    }
    return a;
}

static json_t *node_json(struct jb *b, const struct cxs_topo *t, int i)
{
    const struct cxs_node *n = &t->nodes[i];
    json_t *o = json_object();
    if (!o)
        return NULL;
    put(b, o, "id", json_integer(n->id));

    json_t *cpus = json_array();
    for (int c = 0; cpus && c < n->ncpus; c++)
        append(b, cpus, json_integer(n->cpus[c]));
    put(b, o, "cpus", cpus);

    put(b, o, "mem_total_bytes", json_integer((json_int_t)n->mem_total));
    put(b, o, "has_memory", json_boolean(cxs_node_has_memory(n)));
    put(b, o, "tier", n->tier >= 0 ? json_integer(n->tier) : json_null());
    put(b, o, "cxl", json_boolean(n->cxl));
    put(b, o, "cxl_evidence", str_or_null(n->cxl_evidence));
    put(b, o, "hmat", hmat(b, n));

    json_t *dist = json_object();
    for (int j = 0; dist && j < t->nnodes && j < CXS_MAX_NODES; j++) {
        if (n->distance[j] < 0)
            continue;
        char key[16];
        snprintf(key, sizeof(key), "%d", t->nodes[j].id);
        put(b, dist, key, json_integer(n->distance[j]));
    }
    put(b, o, "distances", dist);

    put(b, o, "hugepages", hugepages(b, n->id));

    /* This node's class as seen from every CPU node. */
    json_t *cls = json_object();
    for (int j = 0; cls && j < t->nnodes && j < CXS_MAX_NODES; j++) {
        if (t->nodes[j].ncpus <= 0)
            continue;
        char key[16];
        snprintf(key, sizeof(key), "%d", t->nodes[j].id);
        put(b, cls, key, json_string(cxs_class_name(cxs_topo_classify(t, n->id, t->nodes[j].id))));
    }
    put(b, o, "class_from", cls);
    return o;
}

static json_t *nodes(struct jb *b, const struct cxs_topo *t)
{
    if (!t)
        return json_null();
    json_t *a = json_array();
    for (int i = 0; a && i < t->nnodes && i < CXS_MAX_NODES; i++)
        append(b, a, node_json(b, t, i));
    return a;
}

/* ---- the test entry ------------------------------------------------- */

/* Append s to the command line, in single quotes unless it is plainly safe. */
static int shell_word(char **buf, size_t *len, size_t *cap, const char *s)
{
    static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789_-+=.,:/@%^";
    int plain = *s && strspn(s, safe) == strlen(s);
    size_t need = *len + 4 * strlen(s) + 4;
    if (need > *cap) {
        size_t ncap = need * 2;
        char *nb = realloc(*buf, ncap);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = ncap;
    }
    char *p = *buf + *len;
    if (*len)
        *p++ = ' ';
    if (plain) {
        p = stpcpy(p, s);
    } else {
        *p++ = '\'';
        for (const char *q = s; *q; q++) {
            if (*q == '\'')
                p = stpcpy(p, "'\\''");
            else
                *p++ = *q;
        }
        *p++ = '\'';
        *p = '\0';
    }
    *len = (size_t)(p - *buf);
    return 0;
}

static json_t *command_line(int argc, char **argv)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (int i = 0; i < argc && argv && argv[i]; i++)
        if (shell_word(&buf, &len, &cap, argv[i]) != 0) {
            free(buf);
            return NULL;
        }
    json_t *v = json_string(buf ? buf : "");
    free(buf);
    return v;
}

static json_t *time_json(time_t t)
{
    if (t == 0)
        return json_null(); /* not reached yet */
    char buf[32];
    cxs_utc_iso(t, buf, sizeof(buf));
    return json_string(buf);
}

static json_t *test_json(struct jb *b, const struct cxs_meta_test *m)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_t *argv = json_array();
    for (int i = 0; argv && i < m->argc && m->argv && m->argv[i]; i++)
        append(b, argv, json_string(m->argv[i]));
    put(b, o, "argv", argv);
    put(b, o, "command", command_line(m->argc, m->argv));
    put(b, o, "start", time_json(m->start));
    put(b, o, "end", time_json(m->end));
    put(b, o, "complete", json_boolean(m->complete));
    put(b, o, "csv", str_or_null(m->csv));
    put(b, o, "rows", json_integer((json_int_t)m->rows));
    json_t *notes = json_array();
    for (size_t i = 0; notes && i < sizeof(m->notes) / sizeof(m->notes[0]) && m->notes[i]; i++)
        append(b, notes, json_string(m->notes[i]));
    put(b, o, "notes", notes);
    json_t *skipped = json_array();
    for (size_t i = 0; skipped && i < m->nskipped; i++)
        append(b, skipped, json_string(m->skipped[i]));
    put(b, o, "skipped", skipped);
    return o;
}

/* ---- meta.json ------------------------------------------------------ */

static void fill_machine(struct jb *b, json_t *root, const struct cxs_topo *t)
{
    char host[256];
    struct utsname u;
    int have_uname = uname(&u) == 0;

    put(b, root, "tool", json_string("cxlscope"));
    put(b, root, "version", json_string(CXS_VERSION));
    put(b, root, "schema", json_integer(CXS_META_SCHEMA));
    if (gethostname(host, sizeof(host)) == 0) {
        host[sizeof(host) - 1] = '\0';
        put(b, root, "host", json_string(host));
    } else {
        put(b, root, "host", json_null());
    }
    if (have_uname) {
        put(b, root, "kernel", json_sprintf("%s %s", u.release, u.version));
        put(b, root, "arch", json_string(u.machine));
    } else {
        put(b, root, "kernel", json_null());
        put(b, root, "arch", json_null());
    }
    put(b, root, "cpu_model", cpu_model());
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    put(b, root, "ncpus_online", ncpu > 0 ? json_integer(ncpu) : json_null());
    put(b, root, "sockets", sockets());
    put(b, root, "caches", caches(b));
    put(b, root, "timer", timer(b));
    put(b, root, "thp", thp(b));
    put(b, root, "nodes", nodes(b, t));
}

int cxs_meta_write(const char *dir, const struct cxs_topo *t, const struct cxs_meta_test *test,
                   char *err, size_t errlen)
{
    char path[4096];
    if (!dir || (size_t)snprintf(path, sizeof(path), "%s/meta.json", dir) >= sizeof(path)) {
        snprintf(err, errlen, "bad results directory");
        return -1;
    }

    /* Binaries writing into one directory take turns (the lock goes with
     * the descriptor). */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", dir, strerror(errno));
        return -1;
    }
    while (flock(dfd, LOCK_EX) != 0 && errno == EINTR)
        ;

    json_t *root = NULL;
    int rc = cxs_outfile_check(path, err, errlen); /* before reading it, too */
    if (rc)
        goto out;
    rc = -1;
    struct stat st;
    if (stat(path, &st) == 0) {
        json_error_t je;
        root = json_load_file(path, 0, &je);
        if (!root) {
            snprintf(err, errlen, "%s: %s (line %d, column %d); not overwriting it", path, je.text,
                     je.line, je.column);
            goto out;
        }
        json_t *old = json_object_get(root, "tests");
        if (!json_is_object(root) || (old && !json_is_object(old))) {
            snprintf(err, errlen, "%s: not a cxlscope meta.json; not overwriting it", path);
            goto out;
        }
    } else if (errno != ENOENT) {
        snprintf(err, errlen, "cannot stat %s: %s", path, strerror(errno));
        goto out;
    } else {
        root = json_object();
    }
    if (!root) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }

    /* Unknown top-level keys (another tool's) are kept; ours are replaced. */
    struct jb b = {0};
    fill_machine(&b, root, t);
    json_t *tests = json_object_get(root, "tests");
    if (!tests) {
        tests = json_object();
        put(&b, root, "tests", tests);
    }
    if (test && test->name && tests)
        put(&b, tests, test->name, test_json(&b, test));
    char now[32];
    cxs_utc_iso(time(NULL), now, sizeof(now));
    put(&b, root, "updated", json_string(now));
    if (b.oom) {
        snprintf(err, errlen, "out of memory building %s", path);
        goto out;
    }
    rc = cxs_outfile_json(path, root, JSON_INDENT(2), err, errlen);
out:
    json_decref(root);
    flock(dfd, LOCK_UN);
    close(dfd);
    return rc;
}
