/* nodeset.c — node-ID bitmaps. */
#include "nodeset.h"

#include <stdio.h>
#include <string.h>

#define NWORDS ((int)(sizeof(((struct cxs_nodeset *)0)->bits) / sizeof(unsigned long)))
#define WB CXS_NODESET_WORD_BITS

static int in_range(int id)
{
    return id >= 0 && id < CXS_NODESET_MAX;
}

void cxs_nodeset_clear(struct cxs_nodeset *s)
{
    memset(s, 0, sizeof *s);
}

int cxs_nodeset_add(struct cxs_nodeset *s, int id)
{
    if (!in_range(id))
        return -1;
    s->bits[id / WB] |= 1ul << (id % WB);
    return 0;
}

void cxs_nodeset_remove(struct cxs_nodeset *s, int id)
{
    if (in_range(id))
        s->bits[id / WB] &= ~(1ul << (id % WB));
}

int cxs_nodeset_has(const struct cxs_nodeset *s, int id)
{
    return in_range(id) && (s->bits[id / WB] >> (id % WB) & 1);
}

int cxs_nodeset_count(const struct cxs_nodeset *s)
{
    int n = 0;
    for (int w = 0; w < NWORDS; w++)
        n += __builtin_popcountl(s->bits[w]);
    return n;
}

int cxs_nodeset_empty(const struct cxs_nodeset *s)
{
    for (int w = 0; w < NWORDS; w++)
        if (s->bits[w])
            return 0;
    return 1;
}

int cxs_nodeset_equal(const struct cxs_nodeset *a, const struct cxs_nodeset *b)
{
    return memcmp(a->bits, b->bits, sizeof a->bits) == 0;
}

int cxs_nodeset_next(const struct cxs_nodeset *s, int prev)
{
    int id = prev < 0 ? 0 : prev + 1;
    if (id >= CXS_NODESET_MAX)
        return -1;
    int w = id / WB;
    unsigned long rest = s->bits[w] & (~0ul << (id % WB));
    while (!rest) {
        if (++w >= NWORDS)
            return -1;
        rest = s->bits[w];
    }
    return w * WB + __builtin_ctzl(rest);
}

int cxs_nodeset_max(const struct cxs_nodeset *s)
{
    for (int w = NWORDS - 1; w >= 0; w--)
        if (s->bits[w])
            return w * WB + WB - 1 - __builtin_clzl(s->bits[w]);
    return -1;
}

size_t cxs_nodeset_to_array(const struct cxs_nodeset *s, int *ids, size_t max)
{
    size_t n = 0;
    for (int id = cxs_nodeset_next(s, -1); id >= 0; id = cxs_nodeset_next(s, id), n++)
        if (n < max)
            ids[n] = id;
    return n;
}

int cxs_nodeset_from_array(struct cxs_nodeset *s, const int *ids, size_t n)
{
    int rc = 0;
    cxs_nodeset_clear(s);
    for (size_t i = 0; i < n; i++)
        if (cxs_nodeset_add(s, ids[i]))
            rc = -1;
    return rc;
}

int cxs_nodeset_format(const struct cxs_nodeset *s, char sep, char *buf, size_t len)
{
    size_t o = 0;
    if (len)
        buf[0] = '\0';
    for (int id = cxs_nodeset_next(s, -1); id >= 0; id = cxs_nodeset_next(s, id)) {
        char one[16];
        int k =
            o ? snprintf(one, sizeof one, "%c%d", sep, id) : snprintf(one, sizeof one, "%d", id);
        if (o + 1 < len)
            snprintf(buf + o, len - o, "%s", one);
        o += (size_t)k;
    }
    return (int)o;
}
