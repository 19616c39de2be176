/* filler.h — a fast tier of a chosen size: the node's free memory taken by
 * locked filler pages until only the size asked for is left free (what the
 * CXL characterization paper did with a boot parameter, done at run time).
 *
 * Promises:
 * - cxs_node_free_bytes(node): the node's MemFree (SYSROOT/devices/system/
 *   node/nodeN/meminfo, sysfs.h root), read fresh; -1 when unreadable or
 *   malformed (no "MemFree: N kB", or N kB past INT64_MAX bytes).
 * - cxs_fill_step(free, want, max_chunk): the bytes the next filler chunk
 *   takes: free - want rounded down to 4 KiB, at most max_chunk (rounded
 *   down to 4 KiB); 0 when free <= want or less than 4 KiB is left to take.
 * - cxs_filler_fill(node, want, f, err): maps chunks bound to node (mbind
 *   MPOL_BIND) and locks them (mlock, which faults every page in there),
 *   one chunk at a time, reading MemFree again after each, until
 *   cxs_fill_step() says 0 (the kernel's own use of memory moves MemFree,
 *   so the loop converges on it rather than trusting one reading) or
 *   CXS_FILL_MAX_CHUNKS chunks are held. Returns 0 with f->bytes held and
 *   f->free_after the last reading; CXS_EXIT_SKIP (77) when the memory
 *   cannot be locked (mlock's EPERM/EAGAIN/ENOMEM under RLIMIT_MEMLOCK: the
 *   message says to run as root or raise the limit); CXS_EXIT_FAIL (1) for
 *   other failures (the node unreadable, mmap/mbind failing), err saying
 *   which. Whatever was taken before a failure is given back.
 * - The filler is given back by cxs_filler_free(), and with the process at
 *   any exit (its memory is the process's own: nothing outlives it, Ctrl-C
 *   and kill -9 included).
 */
#ifndef CXS_FILLER_H
#define CXS_FILLER_H

#include <stddef.h>
#include <stdint.h>

#define CXS_FILL_CHUNK (256ULL << 20)
#define CXS_FILL_MAX_CHUNKS 4096

struct cxs_filler {
    int node;
    void *chunk[CXS_FILL_MAX_CHUNKS];
    size_t len[CXS_FILL_MAX_CHUNKS];
    int nchunks;
    uint64_t bytes;      /* held */
    int64_t free_before; /* MemFree before filling */
    int64_t free_after;  /* MemFree after */
};

int64_t cxs_node_free_bytes(int node);
uint64_t cxs_fill_step(uint64_t free, uint64_t want, uint64_t max_chunk);
int cxs_filler_fill(int node, uint64_t want, struct cxs_filler *f, char *err, size_t errlen);
void cxs_filler_free(struct cxs_filler *f);

#endif
