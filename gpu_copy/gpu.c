/* gpu.c — checked CUDA runtime calls for cxlscope-gpucopy. */
#include "gpu.h"

#include <cuda_runtime_api.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* One line naming the call and the error; returns -1. */
static int cuerr(char *err, size_t errlen, const char *call, cudaError_t e)
{
    const char *name = cudaGetErrorName(e), *text = cudaGetErrorString(e);
    return cxs_errf(err, errlen, "%s: %s (%s)", call, name ? name : "unknown error",
                    text ? text : "no description");
}
/* The function's name only, for messages: "cudaMemcpyAsync". */
#define TRYN(name, call)                                                                           \
    do {                                                                                           \
        cudaError_t e_ = (call);                                                                   \
        if (e_ != cudaSuccess)                                                                     \
            return cuerr(err, errlen, name, e_);                                                   \
    } while (0)

int gc_device_count(int *count, char *err, size_t errlen)
{
    *count = 0;
    TRYN("cudaGetDeviceCount", cudaGetDeviceCount(count));
    if (*count <= 0)
        return cxs_errf(err, errlen, "cudaGetDeviceCount: no CUDA device");
    return 0;
}

void gc_versions(char *buf, size_t len)
{
    int rt = 0, drv = 0;
    char r[32] = "unknown", d[32] = "unknown";
    if (cudaRuntimeGetVersion(&rt) == cudaSuccess)
        snprintf(r, sizeof r, "%d.%d", rt / 1000, rt % 1000 / 10);
    if (cudaDriverGetVersion(&drv) == cudaSuccess)
        snprintf(d, sizeof d, "%d.%d", drv / 1000, drv % 1000 / 10);
    snprintf(buf, len, "CUDA runtime %s, driver %s", r, d);
}

int gc_gpu_probe(struct gc_gpu *g, int dev, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    g->dev = dev;
    g->node = -1;
    TRYN("cudaSetDevice", cudaSetDevice(dev));
    struct cudaDeviceProp p;
    TRYN("cudaGetDeviceProperties", cudaGetDeviceProperties(&p, dev));
    snprintf(g->name, sizeof g->name, "%s", p.name);
    for (char *c = g->name; *c; c++)
        if (*c == ',' || *c == '"' || *c == '\n')
            *c = ' ';
    TRYN("cudaDeviceGetPCIBusId", cudaDeviceGetPCIBusId(g->pci, (int)sizeof g->pci, dev));
    for (char *c = g->pci; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    g->node = gc_pci_node(g->pci);
    TRYN("cudaMemGetInfo", cudaMemGetInfo(&g->mem_free, &g->mem_total));
    return 0;
}

int gc_gpu_alloc(struct gc_gpu *g, size_t dev_bytes, char *err, size_t errlen)
{
    g->dev_bytes = dev_bytes;
    for (int i = 0; i < 2; i++) {
        TRYN("cudaMalloc", cudaMalloc(&g->d[i], dev_bytes));
        TRYN("cudaMemset", cudaMemset(g->d[i], 0, dev_bytes));
        cudaStream_t s;
        TRYN("cudaStreamCreateWithFlags", cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
        g->stream[i] = s;
    }
    for (int i = 0; i < 4; i++) {
        cudaEvent_t e;
        TRYN("cudaEventCreate", cudaEventCreate(&e));
        g->event[i] = e;
    }
    TRYN("cudaDeviceSynchronize", cudaDeviceSynchronize());
    return 0;
}

void gc_gpu_close(struct gc_gpu *g)
{
    for (int i = 0; i < 4; i++)
        if (g->event[i])
            cudaEventDestroy((cudaEvent_t)g->event[i]);
    for (int i = 0; i < 2; i++) {
        if (g->stream[i])
            cudaStreamDestroy((cudaStream_t)g->stream[i]);
        if (g->d[i])
            cudaFree(g->d[i]);
        g->d[i] = g->stream[i] = NULL;
    }
    memset(g->event, 0, sizeof g->event);
}

int gc_host_register(void *p, size_t len, char *err, size_t errlen)
{
    TRYN("cudaHostRegister", cudaHostRegister(p, len, cudaHostRegisterDefault));
    return 0;
}

int gc_host_unregister(void *p, char *err, size_t errlen)
{
    TRYN("cudaHostUnregister", cudaHostUnregister(p));
    return 0;
}

int gc_malloc_host(void **p, size_t len, char *err, size_t errlen)
{
    *p = NULL;
    TRYN("cudaMallocHost", cudaMallocHost(p, len));
    return 0;
}

void gc_free_host(void *p)
{
    if (p)
        cudaFreeHost(p);
}

/* Source, destination and kind of one copy in a direction (bidir: its h2d
 * half; d2h_dst for the other half). */
static void endpoints(struct gc_gpu *g, enum gc_dir dir, void *host, void **dst, const void **src,
                      enum cudaMemcpyKind *kind)
{
    switch (dir) {
    case GC_H2D:
    case GC_BIDIR:
        *dst = g->d[0], *src = host, *kind = cudaMemcpyHostToDevice;
        break;
    case GC_D2H:
        *dst = host, *src = g->d[1], *kind = cudaMemcpyDeviceToHost;
        break;
    default:
        *dst = g->d[1], *src = g->d[0], *kind = cudaMemcpyDeviceToDevice;
        break;
    }
}

int gc_time_copies(struct gc_gpu *g, enum gc_dir dir, void *host, void *host2, size_t size,
                   unsigned batch, double ms[3], char *err, size_t errlen)
{
    cudaStream_t s0 = g->stream[0], s1 = g->stream[1];
    cudaEvent_t *ev = (cudaEvent_t *)g->event;
    void *dst;
    const void *src;
    enum cudaMemcpyKind kind;
    endpoints(g, dir, host, &dst, &src, &kind);
    TRYN("cudaEventRecord", cudaEventRecord(ev[0], s0));
    if (dir == GC_BIDIR)
        TRYN("cudaStreamWaitEvent", cudaStreamWaitEvent(s1, ev[0], 0));
    for (unsigned i = 0; i < batch; i++) {
        TRYN("cudaMemcpyAsync", cudaMemcpyAsync(dst, src, size, kind, s0));
        if (dir == GC_BIDIR)
            TRYN("cudaMemcpyAsync",
                 cudaMemcpyAsync(host2, g->d[1], size, cudaMemcpyDeviceToHost, s1));
    }
    TRYN("cudaEventRecord", cudaEventRecord(ev[1], s0));
    if (dir == GC_BIDIR)
        TRYN("cudaEventRecord", cudaEventRecord(ev[2], s1));
    TRYN("cudaEventSynchronize", cudaEventSynchronize(ev[1]));
    float t0 = 0, t1 = 0;
    TRYN("cudaEventElapsedTime", cudaEventElapsedTime(&t0, ev[0], ev[1]));
    ms[0] = ms[2] = t0;
    ms[1] = 0;
    if (dir == GC_BIDIR) {
        TRYN("cudaEventSynchronize", cudaEventSynchronize(ev[2]));
        TRYN("cudaEventElapsedTime", cudaEventElapsedTime(&t1, ev[0], ev[2]));
        ms[1] = t1;
        ms[2] = t0 > t1 ? t0 : t1;
    }
    return 0;
}

int gc_copy_sync(struct gc_gpu *g, enum gc_dir dir, void *host, size_t size, char *err,
                 size_t errlen)
{
    void *dst;
    const void *src;
    enum cudaMemcpyKind kind;
    if (dir == GC_D2H) {
        dst = host, src = g->d[0], kind = cudaMemcpyDeviceToHost;
    } else {
        endpoints(g, dir, host, &dst, &src, &kind);
    }
    TRYN("cudaMemcpy", cudaMemcpy(dst, src, size, kind));
    return 0;
}

int gc_copy_back(struct gc_gpu *g, void *host, size_t size, char *err, size_t errlen)
{
    TRYN("cudaMemcpy", cudaMemcpy(host, g->d[1], size, cudaMemcpyDeviceToHost));
    return 0;
}
