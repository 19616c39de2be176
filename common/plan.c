/* plan.c — placements of named objects: JSON plans and the ranges that
 * realise a placement. */
#include "plan.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "outfile.h"

void cxs_place_str(const struct cxs_place *pl, char *buf, size_t len)
{
    size_t o = (size_t)snprintf(buf, len, "%s:", cxs_policy_name(pl->policy));
    for (int i = 0; i < pl->nnodes && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%d", i ? "+" : "", pl->nodes[i]);
    if (pl->policy == CXS_POL_WEIGHTED)
        for (int i = 0; i < pl->nnodes && o < len; i++)
            o += (size_t)snprintf(buf + o, len - o, "%s%u", i ? ":" : "/", pl->weights[i]);
}

/* ---- JSON ---- */

int cxs_plan_save(const struct cxs_plan *p, const char *path, char *err, size_t errlen)
{
    json_t *objs = json_array();
    for (int i = 0; i < p->nobj; i++) {
        const struct cxs_place *pl = &p->obj[i].place;
        json_t *nodes = json_array(), *o;
        for (int k = 0; k < pl->nnodes; k++)
            json_array_append_new(nodes, json_integer(pl->nodes[k]));
        o = json_pack("{s:s, s:s, s:o}", "name", p->obj[i].name, "policy",
                      cxs_policy_name(pl->policy), "nodes", nodes);
        if (pl->policy == CXS_POL_WEIGHTED) {
            json_t *w = json_array();
            for (int k = 0; k < pl->nnodes; k++)
                json_array_append_new(w, json_integer(pl->weights[k]));
            json_object_set_new(o, "weights", w);
        }
        if (p->obj[i].why[0])
            json_object_set_new(o, "why", json_string(p->obj[i].why));
        json_array_append_new(objs, o);
    }
    json_t *root = json_pack("{s:s, s:o}", "workload", p->workload, "objects", objs);
    int rc = root ? cxs_outfile_json(path, root, JSON_INDENT(2), err, errlen)
                  : cxs_errf(err, errlen, "out of memory");
    json_decref(root);
    if (rc == CXS_OUTFILE_REFUSED)
        return CXS_EXIT_USAGE;
    return rc ? CXS_EXIT_FAIL : 0;
}

static int bad(char *err, size_t errlen, const char *path, const char *what, const char *name)
{
    cxs_errf(err, errlen, "%s: %s%s%s", path, name ? name : "", name ? ": " : "", what);
    return CXS_EXIT_USAGE;
}

static int load_place(const char *path, const char *name, json_t *o, struct cxs_place *pl,
                      char *err, size_t errlen)
{
    const char *pol = json_string_value(json_object_get(o, "policy"));
    json_t *nodes = json_object_get(o, "nodes"), *w = json_object_get(o, "weights");
    int pi = pol ? cxs_policy_parse(pol) : -1;
    if (pi < 0)
        return bad(err, errlen, path, pol ? "unknown policy" : "no \"policy\"", name);
    pl->policy = (enum cxs_policy)pi;
    if (!json_is_array(nodes) || json_array_size(nodes) == 0 ||
        json_array_size(nodes) > CXS_MAX_NODES)
        return bad(err, errlen, path, "\"nodes\" must be a non-empty list of node IDs", name);
    pl->nnodes = (int)json_array_size(nodes);
    if (pl->policy == CXS_POL_PREFERRED && pl->nnodes != 1)
        return bad(err, errlen, path, "preferred takes exactly one node", name);
    for (int k = 0; k < pl->nnodes; k++) {
        json_t *v = json_array_get(nodes, (size_t)k);
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= 64)
            return bad(err, errlen, path, "a node ID must be an integer 0..63", name);
        pl->nodes[k] = (int)json_integer_value(v);
        for (int j = 0; j < k; j++)
            if (pl->nodes[j] == pl->nodes[k])
                return bad(err, errlen, path, "a node is named twice", name);
    }
    if ((pl->policy == CXS_POL_WEIGHTED) != (w != NULL))
        return bad(err, errlen, path,
                   w ? "\"weights\" only go with the weighted policy"
                     : "the weighted policy needs \"weights\"",
                   name);
    if (w) {
        if (!json_is_array(w) || json_array_size(w) != (size_t)pl->nnodes)
            return bad(err, errlen, path, "\"weights\" must have one weight per node", name);
        for (int k = 0; k < pl->nnodes; k++) {
            json_t *v = json_array_get(w, (size_t)k);
            if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 255)
                return bad(err, errlen, path, "a weight must be an integer 1..255", name);
            pl->weights[k] = (unsigned)json_integer_value(v);
        }
    }
    return 0;
}

int cxs_plan_load(const char *path, struct cxs_plan *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        cxs_errf(err, errlen, "%s: line %d: %s", path, je.line, je.text);
        return CXS_EXIT_USAGE;
    }
    int rc = 0;
    const char *wl = json_string_value(json_object_get(root, "workload"));
    json_t *objs = json_object_get(root, "objects");
    snprintf(p->workload, sizeof p->workload, "%s", wl ? wl : "");
    if (!json_is_array(objs) || json_array_size(objs) == 0 ||
        json_array_size(objs) > CXS_PLAN_MAXOBJ)
        rc = bad(err, errlen, path, "\"objects\" must be a list of 1 to 16 objects", NULL);
    for (size_t i = 0; !rc && i < json_array_size(objs); i++) {
        json_t *o = json_array_get(objs, i);
        const char *name = json_string_value(json_object_get(o, "name"));
        if (!name || !*name || strlen(name) >= sizeof p->obj[0].name)
            rc = bad(err, errlen, path, "an object needs a \"name\" of 1 to 31 characters", NULL);
        else if (cxs_plan_find(p, name))
            rc = bad(err, errlen, path, "named twice", name);
        else {
            struct cxs_plan_obj *po = &p->obj[p->nobj];
            snprintf(po->name, sizeof po->name, "%s", name);
            const char *why = json_string_value(json_object_get(o, "why"));
            snprintf(po->why, sizeof po->why, "%s", why ? why : "");
            rc = load_place(path, name, o, &po->place, err, errlen);
            p->nobj++;
        }
    }
    json_decref(root);
    return rc;
}

const struct cxs_plan_obj *cxs_plan_find(const struct cxs_plan *p, const char *name)
{
    for (int i = 0; i < p->nobj; i++)
        if (!strcmp(p->obj[i].name, name))
            return &p->obj[i];
    return NULL;
}

int cxs_plan_check(const struct cxs_plan *p, const char *const *names, size_t n, char *err,
                   size_t errlen)
{
    for (int i = 0; i < p->nobj; i++) {
        size_t k = 0;
        while (k < n && strcmp(names[k], p->obj[i].name))
            k++;
        if (k == n) {
            cxs_errf(err, errlen, "the plan names object '%s', which %s does not have",
                     p->obj[i].name, p->workload[0] ? p->workload : "the program");
            return CXS_EXIT_USAGE;
        }
    }
    for (size_t k = 0; k < n; k++)
        if (!cxs_plan_find(p, names[k])) {
            cxs_errf(err, errlen, "the plan does not place object '%s'", names[k]);
            return CXS_EXIT_USAGE;
        }
    return 0;
}

/* ---- ranges ---- */

static struct cxs_nodeset set_of(const int *nodes, int n)
{
    struct cxs_nodeset s;
    cxs_nodeset_from_array(&s, nodes, (size_t)n);
    return s;
}

static int emit(struct cxs_seg *segs, int *n, int max, size_t len, enum cxs_policy pol,
                struct cxs_nodeset nodes)
{
    if (len == 0)
        return 0;
    if (*n > 0 && segs[*n - 1].policy == pol && cxs_nodeset_equal(&segs[*n - 1].nodes, &nodes)) {
        segs[*n - 1].len += len;
        return 0;
    }
    if (*n >= max)
        return -1;
    segs[(*n)++] = (struct cxs_seg){.len = len, .policy = pol, .nodes = nodes};
    return 0;
}

static unsigned wsum(const struct cxs_place *pl)
{
    unsigned w = 0;
    for (int i = 0; i < pl->nnodes; i++)
        w += pl->weights[i];
    return w;
}

/* Emulated weighted interleave over size bytes: ranges of weight x unit. */
static int emulate_weighted(const struct cxs_place *pl, size_t size, size_t g, int max,
                            struct cxs_seg *segs, int *n)
{
    size_t w = wsum(pl), cycles = (size_t)(max - *n) / (size_t)pl->nnodes;
    if (cycles == 0)
        return -1;
    size_t unit = (size + w * g * cycles - 1) / (w * g * cycles) * g;
    for (size_t off = 0; off < size;)
        for (int i = 0; i < pl->nnodes && off < size; i++) {
            size_t len = pl->weights[i] * unit < size - off ? pl->weights[i] * unit : size - off;
            if (emit(segs, n, max, len, CXS_POL_BIND, set_of(&pl->nodes[i], 1)))
                return -1;
            off += len;
        }
    return 0;
}

static int place(const struct cxs_place *pl, size_t size, size_t g, int emulate, int max,
                 struct cxs_seg *segs, int *n)
{
    if (pl->policy == CXS_POL_WEIGHTED && emulate)
        return emulate_weighted(pl, size, g, max, segs, n);
    return emit(segs, n, max, size, pl->policy, set_of(pl->nodes, pl->nnodes));
}

int cxs_place_segments(const struct cxs_place *pl, size_t size, size_t g, int emulate, int max,
                       struct cxs_limit *lim, struct cxs_seg *segs, int *nsegs, char *err,
                       size_t errlen)
{
    *nsegs = 0;
    int li = -1;
    for (int i = 0; lim && lim->node >= 0 && i < pl->nnodes; i++)
        if (pl->nodes[i] == lim->node)
            li = i;
    if (li < 0 || (pl->policy == CXS_POL_PREFERRED && pl->nodes[0] != lim->node)) {
        if (place(pl, size, g, emulate, max, segs, nsegs))
            goto toomany;
        return 0;
    }
    /* The limited node's share: whole of it for preferred, bind,
     * preferred-many (the kernel fills the nearest node first), 1/k for
     * interleave, w/W for weighted. One cycle: num granules there per den. */
    size_t units = (size + g - 1) / g, left = lim->left / g, num = 1, den = 1;
    if (pl->policy == CXS_POL_INTERLEAVE)
        den = (size_t)pl->nnodes;
    else if (pl->policy == CXS_POL_WEIGHTED)
        num = pl->weights[li], den = wsum(pl);
    size_t cycles = (units + den - 1) / den; /* what the whole object would need */
    if (cycles * num <= left) {
        lim->left -= (uint64_t)(units / den * num + (units % den < num ? units % den : num)) * g;
        if (place(pl, size, g, emulate, max, segs, nsegs))
            goto toomany;
        return 0;
    }
    if (pl->nnodes == 1) {
        if (pl->policy == CXS_POL_BIND) {
            cxs_errf(err, errlen,
                     "bind to node %d needs %zu bytes but the limit leaves %llu there (bind "
                     "cannot spill; use preferred)",
                     lim->node, size, (unsigned long long)lim->left);
            return CXS_EXIT_FAIL;
        }
    }
    /* Whole cycles that fit; emulated weights use u = m granules per
     * weight unit so the ranges stay under max. */
    size_t m = 1;
    if (pl->policy == CXS_POL_WEIGHTED && emulate) {
        size_t cmax = (size_t)(max / 2) / (size_t)pl->nnodes;
        m = (left / num + cmax - 1) / (cmax ? cmax : 1);
        m = m ? m : 1;
    }
    size_t u = m * g, p1 = left / m / num * den * u;
    struct cxs_place rest = *pl;
    rest.nnodes = 0;
    for (int i = 0; i < pl->nnodes; i++)
        if (i != li) {
            rest.nodes[rest.nnodes] = pl->nodes[i];
            rest.weights[rest.nnodes++] = pl->weights[i];
        }
    if (rest.nnodes == 0) { /* preferred: spill to the next node */
        rest.policy = CXS_POL_PREFERRED;
        rest.nodes[0] = lim->spill;
        rest.nnodes = 1;
        if (lim->spill < 0) {
            cxs_errf(err, errlen, "no other node to spill to past the limit on node %d", lim->node);
            return CXS_EXIT_FAIL;
        }
    }
    if (rest.policy == CXS_POL_WEIGHTED && rest.nnodes == 1)
        rest.policy = CXS_POL_BIND;
    if (p1 && pl->policy == CXS_POL_WEIGHTED && emulate) {
        /* whole cycles of the weights, one granule per weight unit */
        for (size_t c = 0; c < p1 / (den * u); c++)
            for (int i = 0; i < pl->nnodes; i++)
                if (emit(segs, nsegs, max, pl->weights[i] * u, CXS_POL_BIND,
                         set_of(&pl->nodes[i], 1)))
                    goto toomany;
    } else if (p1 && place(pl, p1, g, emulate, max, segs, nsegs))
        goto toomany;
    lim->left -= (uint64_t)(p1 / den * num);
    if (place(&rest, size - p1, g, emulate, max, segs, nsegs))
        goto toomany;
    return 0;
toomany:
    cxs_errf(err, errlen, "the placement needs more than %d ranges", max);
    return CXS_EXIT_USAGE;
}
