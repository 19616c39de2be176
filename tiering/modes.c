/* modes.c — cxlscope-tiering's kernel modes (tier.h): numa_balancing and the
 * knobs around it (knobs.h), read, set per mode with --set-kernel, and
 * written back at every exit. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "knobs.h"
#include "tier.h"

const char *const mode_names[NMODES + 1] = {"none", "autonuma", "tiering", "both", NULL};

int current_mode(char *nb, size_t len)
{
    int k = cxs_knob_find("numa_balancing");
    if (cxs_knob_get(k, nb, len) != 0) {
        snprintf(nb, len, "absent");
        return MODE_NONE;
    }
    int v = nb[0] >= '0' && nb[0] <= '3' && !nb[1] ? nb[0] - '0' : -1;
    if (v < 0)
        cxs_die("numa_balancing reads '%s', not 0..3", nb);
    return v;
}

/* The settings --set-kernel applies once, before the first mode: name, value. */
struct once {
    const char *knob;
    char value[24];
};

static size_t once_settings(const struct tconfig *c, struct once *o)
{
    size_t n = 0;
    if (c->demotion != DEMOTE_KEEP)
        o[n++] = (struct once){"demotion_enabled", ""},
        snprintf(o[n - 1].value, sizeof o[0].value, "%s", c->demotion == DEMOTE_ON ? "1" : "0");
    const struct {
        const char *knob;
        uint64_t v;
    } num[] = {{"scan_delay_ms", c->scan_delay_ms},
               {"scan_period_min_ms", c->scan_period_min_ms},
               {"hot_threshold_ms", c->hot_threshold_ms},
               {"promote_rate_limit_MBps", c->promote_rate_mbps}};
    for (size_t i = 0; i < sizeof num / sizeof num[0]; i++)
        if (num[i].v) {
            o[n].knob = num[i].knob;
            snprintf(o[n].value, sizeof o[0].value, "%llu", (unsigned long long)num[i].v);
            n++;
        }
    return n;
}

/* Before anything is measured: options that change the kernel need
 * --set-kernel, and --set-kernel needs root. */
void check_kernel_options(const struct tctx *x)
{
    const struct tconfig *c = &x->c;
    struct once o[8];
    if (!c->set_kernel) {
        if (c->nmodes)
            cxs_usage_die("--modes needs --set-kernel (without it the kernel's current mode is "
                          "measured and recorded)");
        if (once_settings(c, o))
            cxs_usage_die("--demotion on|off and the scan options need --set-kernel");
        return;
    }
    if (geteuid() != 0)
        cxs_skip("--set-kernel needs root (it writes /proc/sys/kernel/numa_balancing and "
                 "/sys/kernel/mm/numa)");
}

/* A knob the kernel lacks: one note (it is then left as it is); anything
 * else that fails ends the run. */
static void set_or_note(const char *knob, const char *value)
{
    static char notes[8][400];
    static int nn;
    char err[256];
    int rc = cxs_knob_set(cxs_knob_find(knob), value, err, sizeof err);
    if (rc == CXS_EXIT_SKIP && strcmp(knob, "demotion_enabled") != 0) {
        cxs_note("%s not set: %s", knob, err);
        if (nn < 8) {
            snprintf(notes[nn], sizeof notes[0], "%s not set: %s", knob, err);
            cxs_run_note(notes[nn++]);
        }
        return;
    }
    if (rc)
        cxs_run_fail(rc, "--demotion/--scan options: %s", err);
}

void apply_kernel_settings(struct tctx *x)
{
    struct once o[8];
    size_t n = once_settings(&x->c, o);
    for (size_t i = 0; i < n; i++)
        set_or_note(o[i].knob, o[i].value);
}

int set_mode(const struct tctx *x, int mode)
{
    static char notes[NMODES][400];
    if (!x->c.set_kernel)
        return 0;
    char err[256], v[4];
    snprintf(v, sizeof v, "%d", mode);
    int rc = cxs_knob_set(cxs_knob_find("numa_balancing"), v, err, sizeof err);
    if (rc == CXS_EXIT_SKIP) {
        snprintf(notes[mode], sizeof notes[0], "mode %s (numa_balancing %d) skipped: %s",
                 mode_names[mode], mode, err);
        cxs_note("%s", notes[mode]);
        cxs_run_skipped(notes[mode] + 5);
        return CXS_EXIT_SKIP;
    }
    if (rc)
        cxs_run_fail(rc, "mode %s: %s", mode_names[mode], err);
    return 0;
}

void read_labels(struct trun *r)
{
    char v[16];
    current_mode(r->nb_value, sizeof r->nb_value);
    if (cxs_knob_get(cxs_knob_find("demotion_enabled"), v, sizeof v) != 0)
        snprintf(r->demotion, sizeof r->demotion, "absent");
    else
        snprintf(r->demotion, sizeof r->demotion, "%s",
                 !strcmp(v, "true") || !strcmp(v, "1") ? "on" : "off");
}

void restore_kernel(void)
{
    if (cxs_knobs_restore())
        cxs_run_fail(CXS_EXIT_FAIL, "kernel settings could not all be written back (each named "
                                    "above)");
}
