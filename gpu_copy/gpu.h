/* gpu.h — the CUDA runtime calls cxlscope-gpucopy makes, each one checked.
 *
 * Promises:
 * - Every function returns 0, or -1 with err holding one line that names the
 *   call and the CUDA error ("cudaMemcpyAsync: cudaErrorIllegalAddress (an
 *   illegal memory access was encountered)"). Nothing here prints or exits.
 * - gc_gpu_open() makes the device current and reads its name, PCI bus ID
 *   and the NUMA node sysfs gives that PCI device (-1 when unknown), then
 *   allocates two device buffers of dev_bytes each, two non-blocking streams
 *   and the timing events. gc_gpu_close() frees them (also after an error).
 * - gc_time_copies() times `batch` back-to-back cudaMemcpyAsync calls of
 *   `size` bytes between CUDA events and returns milliseconds: ms[0] for
 *   h2d, d2h, d2d; for bidir an h2d stream and a d2h stream start together
 *   (the second waits on the first's start event) and ms[0] is the h2d
 *   stream's time, ms[1] the d2h stream's, ms[2] from the common start to
 *   the later end. Host memory: host (read by h2d, written by d2h); bidir's
 *   d2h writes host2. Device memory: h2d writes buffer 0, d2h reads buffer
 *   1, d2d copies buffer 0 to 1.
 * - gc_copy_sync() is one synchronous cudaMemcpy (for latency and checks)
 *   between host and device buffer 0 (h2d, d2h) or buffer 0 to 1 (d2d);
 *   gc_copy_back() copies device buffer 1 to host synchronously.
 */
#ifndef GC_GPU_H
#define GC_GPU_H

#include <stddef.h>

#include "spec.h"

struct gc_gpu {
    int dev;
    char name[256];
    char pci[32]; /* "0000:3b:00.0", lower case */
    int node;     /* the PCI device's NUMA node, -1 unknown */
    size_t mem_total, mem_free;
    void *d[2];
    size_t dev_bytes;
    void *stream[2];
    void *event[4];
};

/* Number of devices, or -1 when the runtime cannot be used at all (no
 * driver, no device): err says which call failed and why. */
int gc_device_count(int *count, char *err, size_t errlen);
/* "runtime 13.0, driver 13.0" (or what the driver call gave). */
void gc_versions(char *buf, size_t len);

int gc_gpu_probe(struct gc_gpu *g, int dev, char *err, size_t errlen);
int gc_gpu_alloc(struct gc_gpu *g, size_t dev_bytes, char *err, size_t errlen);
void gc_gpu_close(struct gc_gpu *g);

int gc_host_register(void *p, size_t len, char *err, size_t errlen);
int gc_host_unregister(void *p, char *err, size_t errlen);
int gc_malloc_host(void **p, size_t len, char *err, size_t errlen);
void gc_free_host(void *p);

int gc_time_copies(struct gc_gpu *g, enum gc_dir dir, void *host, void *host2, size_t size,
                   unsigned batch, double ms[3], char *err, size_t errlen);
int gc_copy_sync(struct gc_gpu *g, enum gc_dir dir, void *host, size_t size, char *err,
                 size_t errlen);
int gc_copy_back(struct gc_gpu *g, void *host, size_t size, char *err, size_t errlen);

#endif
