/* weights.c — weighted-interleave weights in sysfs, saved and restored. */
#include "weights.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "interrupt.h"
#include "sysfs.h"
#include "topology.h"

#define WI_DIR "kernel/mm/mempolicy/weighted_interleave"

/* What to write back, prepared before anything changes. */
static struct saved {
    char path[256];
    char value[16];
} saved[CXS_MAX_NODES + 1];
static int nsaved, armed;

int cxs_wi_available(void)
{
    char p[256];
    return access(cxs_sysfs_path(p, sizeof p, WI_DIR), F_OK) == 0;
}

static void restore_hook(void *arg)
{
    (void)arg;
    /* Node weights first, the auto switch last (turning it on recomputes). */
    for (int i = 0; i < nsaved; i++) {
        int fd = open(saved[i].path, O_WRONLY | O_TRUNC);
        if (fd >= 0) {
            ssize_t w = write(fd, saved[i].value, strlen(saved[i].value));
            (void)w;
            close(fd);
        }
    }
    nsaved = 0;
}

void cxs_wi_restore(void)
{
    for (int i = 0; i < nsaved; i++) {
        int fd = open(saved[i].path, O_WRONLY | O_TRUNC);
        ssize_t w = fd >= 0 ? write(fd, saved[i].value, strlen(saved[i].value)) : -1;
        int e = errno;
        if ((fd >= 0 && close(fd) != 0) || w < 0)
            cxs_note("could not write '%s' back to %s (%s)%s", saved[i].value, saved[i].path,
                     strerror(w < 0 ? e : errno),
                     strstr(saved[i].path, "auto")
                         ? ": the kernel cannot compute automatic weights here (no bandwidth "
                           "data?); the node weights are back as they were"
                         : "");
    }
    nsaved = 0;
    if (armed)
        cxs_exit_hook_remove(restore_hook, NULL);
    armed = 0;
}

static int save(const char *rel)
{
    char v[16];
    if (cxs_sysfs_read_str(rel, v, sizeof v) != 0)
        return -1;
    struct saved *s = &saved[nsaved++];
    cxs_sysfs_path(s->path, sizeof s->path, "%s", rel);
    snprintf(s->value, sizeof s->value, "%s", v);
    return 0;
}

int cxs_wi_set(const int *nodes, const unsigned *weights, int n, char *err, size_t errlen)
{
    for (int i = 0; i < n; i++)
        if (weights[i] < 1 || weights[i] > 255)
            return cxs_errf(err, errlen, "weight %u of node %d is outside 1..255", weights[i],
                            nodes[i]),
                   CXS_EXIT_USAGE;
    if (!cxs_wi_available())
        return cxs_errf(err, errlen,
                        "the kernel has no weighted interleave (no /sys/" WI_DIR
                        "; needs Linux >= 6.9)"),
               CXS_EXIT_SKIP;
    if (!armed) {
        nsaved = 0;
        for (int id = 0; id < CXS_MAX_NODES; id++) {
            char rel[160];
            snprintf(rel, sizeof rel, WI_DIR "/node%d", id);
            save(rel); /* absent nodes are simply not there */
        }
        if (save(WI_DIR "/auto") != 0)
            save(WI_DIR "/__auto_type");
        if (cxs_exit_hook_add(restore_hook, NULL) == 0)
            armed = 1;
    }
    for (int i = 0; i < n; i++) {
        char rel[160], val[16];
        snprintf(rel, sizeof rel, WI_DIR "/node%d", nodes[i]);
        snprintf(val, sizeof val, "%u", weights[i]);
        if (cxs_sysfs_write_str(rel, val) != 0) {
            char p[256];
            return cxs_errf(err, errlen, "cannot set the weight of node %d: writing %s to %s: %s",
                            nodes[i], val, cxs_sysfs_path(p, sizeof p, "%s", rel), strerror(errno)),
                   CXS_EXIT_FAIL;
        }
    }
    return 0;
}
