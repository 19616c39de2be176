/* spec.h — what cxlscope-gpucopy measures, described as data: the host
 * buffer kinds, the copy directions, the size list, the host buffers a run
 * sets up, and the strings its rows carry. No CUDA here: everything in this
 * module is tested on machines without a GPU.
 *
 * Promises:
 * - gc_kinds[] is the one table of host buffer kinds (pageable, pinned,
 *   mallochost, interleave, weighted); gc_dirs[] the one table of directions
 *   (h2d, d2h, bidir, d2d) with the row names each produces (bidir: three
 *   rows, bidir-h2d, bidir-d2h and bidir-total).
 * - gc_parse_sizes() accepts a sweep "LO:HI[:FACTOR]" or a comma list of
 *   sizes (K/M/G = 1024^n), each 1 byte .. 64 GiB; returns them ascending and
 *   unique. gc_parse_devices() accepts "all" (*all set) or an ID list.
 * - gc_plan_buffers() lists the host buffers in the order they are measured:
 *   per-node kinds once per memory node, set kinds (interleave, weighted) once
 *   over all the memory nodes (left out with a note below two nodes),
 *   mallochost once (the driver places it).
 * - Formatting: node sets "0+1+4", classes "LDRAM+CXL", placement
 *   "0:4096 4:8192" (bytes per node, nodes holding none left out).
 * - gc_pci_node() reads bus/pci/devices/BUSID/numa_node through sysfs.h
 *   (BUSID lower-cased, as sysfs names it); -1 when absent or unknown.
 * - Every function is pure except gc_pci_node() (reads sysfs).
 * - The two CSVs' columns are common/columns.h's (replay/ reads them).
 */
#ifndef GC_SPEC_H
#define GC_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "topology.h"

enum gc_pin {
    GC_PAGEABLE,   /* node-bound, not pinned: the driver stages the copy */
    GC_REGISTERED, /* node-bound, then cudaHostRegister */
    GC_MALLOCHOST  /* cudaMallocHost: placed by the driver */
};

struct gc_kind {
    const char *name;
    enum gc_pin pin;
    int policy;   /* enum cxs_policy for node-bound kinds, -1 for mallochost */
    int node_set; /* 1: one buffer over all memory nodes; 0: one per node */
};
enum { GC_K_PAGEABLE, GC_K_PINNED, GC_K_MALLOCHOST, GC_K_INTERLEAVE, GC_K_WEIGHTED, GC_NKINDS };
extern const struct gc_kind gc_kinds[GC_NKINDS];
int gc_kind_parse(const char *s); /* -1 if unknown */
const char *gc_kind_name(int k);  /* NULL past the last kind */

enum gc_dir { GC_H2D, GC_D2H, GC_BIDIR, GC_D2D, GC_NDIRS };
struct gc_dir_desc {
    const char *name;    /* as given to --directions */
    int nrows;           /* rows one measurement produces */
    const char *rows[3]; /* their direction column values */
    int uses_host;       /* 0 for d2d */
    int host_copies;     /* host bytes needed, in multiples of the size */
};
extern const struct gc_dir_desc gc_dirs[GC_NDIRS];
int gc_dir_parse(const char *s); /* -1 if unknown */
const char *gc_dir_name(int d);  /* NULL past the last direction */

#define GC_MAX_SIZES 64
#define GC_MAX_SIZE (64ULL << 30)
int gc_parse_sizes(const char *s, uint64_t *out, size_t *n, char *err, size_t errlen);

#define GC_MAX_DEVICES 64
int gc_parse_devices(const char *s, int *out, size_t *n, int *all, char *err, size_t errlen);

struct gc_hostbuf {
    int kind; /* index into gc_kinds */
    int nodes[CXS_MAX_NODES];
    int nnodes; /* 0 for mallochost */
};
/* kinds[] in the order given; mem[] the memory nodes. Returns the number of
 * buffers written (at most max); a set kind left out for want of nodes adds
 * a sentence to note (which may be NULL). */
size_t gc_plan_buffers(const int *kinds, size_t nkinds, const int *mem, size_t nmem,
                       struct gc_hostbuf *out, size_t max, char *note, size_t notelen);

/* Host bytes one buffer needs for the largest size and the directions. */
uint64_t gc_host_bytes(uint64_t max_size, const int *dirs, size_t ndirs);

/* Copies per timed sample: enough that a sample lasts target_s given that
 * one copy took one_s, between 1 and max. */
unsigned gc_batch_for(double one_s, double target_s, unsigned max);

void gc_fmt_nodes(const int *nodes, size_t n, char *buf, size_t len);
void gc_fmt_classes(const struct cxs_topo *t, int cpu_node, const int *nodes, size_t n, char *buf,
                    size_t len);
/* pages4k[i]: 4 KiB pages on topology node index i (as struct cxs_buf). */
void gc_fmt_placement(const struct cxs_topo *t, const uint64_t *pages4k, char *buf, size_t len);
/* Node IDs holding any page, ascending. */
size_t gc_nodes_holding(const struct cxs_topo *t, const uint64_t *pages4k, int *out);

int gc_pci_node(const char *busid);

#endif
