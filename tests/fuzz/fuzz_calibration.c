/* fuzz_calibration.c — the calibration readers of replay/: xs_params_load
 * (params.h: cxlscope's calibration.json or the XL-Share emulator's
 * format) and what runs on what it read (--assume, need, links, describe),
 * then rp_xlshare_format (calib.h) on the same JSON, whose output must
 * load back as the XL-Share format. */
#include <jansson.h>

#include "calib.h"
#include "fuzz.h"
#include "params.h"

/* A calibration that loads: its format, every value it has positive (not
 * necessarily finite: 2 x a d2d rate of 1e308 is inf, which params.h does
 * not rule out and the model refuses later), a curve of at most
 * XS_MAX_CURVE points. */
static void check_loaded(const struct xs_params *p)
{
    FUZZ_CHECK(!strcmp(p->format, "cxlscope") || !strcmp(p->format, "xlshare"));
    for (int k = 0; k < XK_N; k++)
        FUZZ_CHECK(!p->val[k].have || p->val[k].v > 0);
    FUZZ_CHECK(p->ncurve <= XS_MAX_CURVE);
}

static void use(struct xs_params *p)
{
    char err[2048] = "", buf[512], lines[XK_N + 1][1600];
    struct xs_link pool, offload;
    xs_params_need(p, (1u << XK_N) - 1, 1, err, sizeof err);
    FUZZ_CHECK(
        xs_params_assume(p, "h2d_gbps=25,hbm_gbps=3350,loaded_curve=flat", err, sizeof err) == 0);
    FUZZ_CHECK(p->val[XK_H2D].have && p->val[XK_HBM].have && p->curve_have);
    FUZZ_CHECK(xs_params_assume(p, "nope=1", err, sizeof err) != 0 && err[0]);
    xs_params_links(p, &pool, &offload);
    FUZZ_CHECK(pool.ncurve == p->ncurve);
    FUZZ_CHECK(xs_params_describe(p, lines, XK_N + 1) == XK_N + 1);
    xs_params_assumed(p, buf, sizeof buf);
    FUZZ_CHECK(buf[0]);
}

/* text may be refused (with a reason); when it loads, it must hold what
 * params.h promises, in the XL-Share format where xlshare is set. */
static void load(const char *text, size_t len, int xlshare)
{
    struct xs_params p;
    char err[2048] = "";
    if (xs_params_load(fuzz_file((const uint8_t *)text, len), &p, err, sizeof err)) {
        FUZZ_CHECK(err[0]);
        return;
    }
    check_loaded(&p);
    FUZZ_CHECK(!xlshare || !strcmp(p.format, "xlshare"));
    use(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    load((const char *)data, len, 0);
    json_error_t je;
    json_t *cal = json_loadb((const char *)data, len, 0, &je);
    if (!json_is_object(cal)) {
        json_decref(cal);
        return 0;
    }
    json_t *xl = rp_xlshare_format(cal);
    json_decref(cal);
    FUZZ_CHECK(xl != NULL);
    char *text = json_dumps(xl, 0);
    json_decref(xl);
    FUZZ_CHECK(text != NULL);
    /* rp_xlshare_format trusts its input (calibrate builds it from
     * range-checked CSVs) and copies values as they are: made from any JSON,
     * its output may be refused on reading (a bandwidth over the readers'
     * ceiling, say), but what loads is the XL-Share format. */
    load(text, strlen(text), 1);
    free(text);
    return 0;
}
