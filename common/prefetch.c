/* prefetch.c — the hardware prefetchers under control (prefetch.h). */
#include "prefetch.h"

#include "cli.h"

static const char *const mode_names[] = {"keep", "on", "off"};

int cxs_pf_mode_parse(const char *s)
{
    return cxs_name_lookup_exact(mode_names, 3, s);
}

const char *cxs_pf_mode_name(enum cxs_pf_mode m)
{
    return mode_names[m];
}
