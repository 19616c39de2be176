/* meta.h — the run's metadata, meta.json, written with jansson.
 *
 * Promises:
 * - DIR/meta.json describes the machine (host, kernel, CPU model, CPUs,
 *   caches, timer source and TSC frequency, THP and hugetlb settings, the node
 *   table with classes for every CPU node) and, under "tests", one entry per
 *   test binary that wrote into DIR: its command line, start and end times
 *   (UTC, ISO 8601), whether it completed, its CSV file and row count, and
 *   any notes (e.g. why counter columns are absent), and the targets it
 *   skipped with the reason for each ("skipped").
 * - Several binaries may write into one DIR: an existing meta.json is read
 *   and its "tests" entries kept; the file is replaced atomically (written to
 *   a temporary name, then renamed). A meta.json that cannot be parsed is an
 *   error, never silently overwritten.
 */
#ifndef CXS_META_H
#define CXS_META_H

#include <stddef.h>
#include <time.h>

#include "topology.h"

struct cxs_meta_test {
    const char *name; /* "latency" */
    int argc;
    char **argv;
    time_t start, end; /* 0 = not known / not finished: written as null */
    int complete;      /* 0 when interrupted or failed mid-run */
    const char *csv;   /* file name inside DIR */
    size_t rows;
    const char *notes[16]; /* NULL-terminated free-text notes */
    /* Targets the run could not measure ("TARGET: why"), written as the
     * "skipped" list (empty when every target was measured). */
    char **skipped;
    size_t nskipped;
};

int cxs_meta_write(const char *dir, const struct cxs_topo *t, const struct cxs_meta_test *test,
                   char *err, size_t errlen);

/* "2026-11-22T10:00:00Z" */
void cxs_utc_iso(time_t t, char *buf, size_t len);

#endif
