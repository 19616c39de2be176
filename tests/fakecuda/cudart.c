/*
 * cudart.c — TEST DOUBLE of the CUDA runtime (libcudart.so.13). Never a measurement.
 *
 * Built as a shared library with soname libcudart.so.13 and the version node of the real one
 * (cudart.map), so bin/cxlscope-gpucopy runs on a machine without a GPU when started with
 * LD_LIBRARY_PATH pointing at the directory holding it. It simulates, plainly:
 *   - devices whose "device memory" is host memory: every copy is a memcpy, in any direction;
 *   - synchronous everything: async calls have finished when they return, streams are tokens;
 *   - events that hold CLOCK_MONOTONIC at record time, so elapsed times are host time;
 *   - pinned memory as memset anonymous mappings, registration as a table of ranges;
 *   - last-error and sticky-error behaviour of the real runtime.
 * Environment (read once):
 *   CXS_FAKECUDA_DEVICES=N      number of devices (default 1; 0: cudaErrorNoDevice)
 *   CXS_FAKECUDA_MEM_BYTES=B    free and total device memory (default 15 GiB free, 16 GiB total)
 *   CXS_FAKECUDA_PCI=a,b,...    PCI address per device: a bus number in hex ("3b") or a full
 *                               address ("0000:3b:00.0"); default bus 0x10 + device index
 *   CXS_FAKECUDA_FAIL_AT=CALL:DIR:BYTES[:N]  the N-th (default 1st) call CALL (cudaMemcpy or
 *                               cudaMemcpyAsync) that copies BYTES bytes in direction DIR (h2d,
 *                               d2h, d2d, h2h, default) fails with cudaErrorIllegalAddress, which
 *                               then sticks to every call: a named call at a named sweep point,
 *                               the same in every run whatever fits in a time budget
 *   CXS_FAKECUDA_FAIL_REGISTER=1  cudaHostRegister fails with cudaErrorNotSupported
 *   CXS_FAKECUDA_CORRUPT_D2H=1  every device-to-host copy flips its last byte
 * Under the sticky error every call but cudaGetErrorName/String and cudaGetLastError/
 * PeekAtLastError returns it; free/destroy/unregister calls still release what they were given.
 * Not thread-safe beyond reading the environment once; memory figures never change.
 * Build: cc -std=c11 -D_GNU_SOURCE -I/usr/local/cuda/include -fPIC -shared
 *        -Wl,-soname,libcudart.so.13 -Wl,--version-script=tests/fakecuda/cudart.map
 *        -o DIR/libcudart.so.13 tests/fakecuda/cudart.c
 */
#include <cuda_runtime_api.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define GIB (1024ull * 1024 * 1024)
#define MAX_DEVICES 16
#define MAX_RANGES 256

struct CUstream_st {
    unsigned int flags;
};

struct CUevent_st {
    unsigned int flags;
    int recorded;
    struct timespec at;
};

struct range {
    char *p;
    size_t n;
};

static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static int ndev = 1, cur_dev;
static size_t mem_free = 15 * GIB, mem_total = 16 * GIB;
static unsigned int pci[MAX_DEVICES][3]; /* domain, bus, device */
static struct {
    char call[32];
    int kind; /* enum cudaMemcpyKind; -1: no injected failure */
    size_t bytes;
    long nth, seen;
} fail_at = {"", -1, 0, 0, 0};
static long corrupt_d2h;
static int fail_register;
static cudaError_t last_error, sticky;
static struct range pinned[MAX_RANGES], registered[MAX_RANGES];

static long env_long(const char *name, long dflt)
{
    const char *s = getenv(name);
    char *end;
    long v;

    if (!s || !*s)
        return dflt;
    v = strtol(s, &end, 0);
    return *end ? dflt : v;
}

static void load_fail_at(void)
{
    static const char *const dirs[] = {"h2h", "h2d", "d2h", "d2d", "default"};
    const char *s = getenv("CXS_FAKECUDA_FAIL_AT");
    char dir[16];
    unsigned long long bytes;
    long nth = 1;

    if (!s || sscanf(s, "%31[^:]:%15[^:]:%llu:%ld", fail_at.call, dir, &bytes, &nth) < 3)
        return;
    for (int i = 0; i < 5; i++)
        if (strcmp(dir, dirs[i]) == 0)
            fail_at.kind = i; /* cudaMemcpyHostToHost = 0 ... cudaMemcpyDefault = 4 */
    fail_at.bytes = (size_t)bytes;
    fail_at.nth = nth;
}

static void load_env(void)
{
    const char *s = getenv("CXS_FAKECUDA_PCI");
    long n = env_long("CXS_FAKECUDA_DEVICES", 1);

    ndev = n < 0 ? 0 : n > MAX_DEVICES ? MAX_DEVICES : (int)n;
    n = env_long("CXS_FAKECUDA_MEM_BYTES", 0);
    if (n > 0)
        mem_free = mem_total = (size_t)n;
    load_fail_at();
    corrupt_d2h = env_long("CXS_FAKECUDA_CORRUPT_D2H", 0);
    fail_register = env_long("CXS_FAKECUDA_FAIL_REGISTER", 0) == 1;
    for (int i = 0; i < MAX_DEVICES; i++) {
        pci[i][0] = 0;
        pci[i][1] = 0x10 + (unsigned int)i;
        pci[i][2] = 0;
    }
    for (int i = 0; s && *s && i < MAX_DEVICES; i++) {
        unsigned int dom, bus, dev, fn;

        if (sscanf(s, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) == 4) {
            pci[i][0] = dom;
            pci[i][1] = bus;
            pci[i][2] = dev;
        } else if (sscanf(s, "%x", &bus) == 1) {
            pci[i][1] = bus;
        }
        s = strchr(s, ',');
        s = s ? s + 1 : NULL;
    }
}

/* Passes e through, recording a failure as the last error; success leaves that alone. */
static cudaError_t ret(cudaError_t e)
{
    if (e != cudaSuccess)
        last_error = e;
    return e;
}

/* Common entry: the sticky error first, then (when a device is needed) whether there is one. */
static cudaError_t enter(int need_device)
{
    pthread_once(&env_once, load_env);
    if (sticky != cudaSuccess)
        return sticky;
    return need_device && ndev == 0 ? cudaErrorNoDevice : cudaSuccess;
}

#define ENTER(need_device)                                                                         \
    do {                                                                                           \
        cudaError_t e_ = enter(need_device);                                                       \
        if (e_ != cudaSuccess)                                                                     \
            return ret(e_);                                                                        \
    } while (0)

static const struct {
    cudaError_t code;
    const char *name, *text;
} errors[] = {
    {cudaSuccess, "cudaSuccess", "no error"},
    {cudaErrorInvalidValue, "cudaErrorInvalidValue", "invalid argument"},
    {cudaErrorMemoryAllocation, "cudaErrorMemoryAllocation", "out of memory"},
    {cudaErrorInvalidMemcpyDirection, "cudaErrorInvalidMemcpyDirection",
     "invalid copy direction for memcpy"},
    {cudaErrorInsufficientDriver, "cudaErrorInsufficientDriver",
     "CUDA driver version is insufficient for CUDA runtime version"},
    {cudaErrorNoDevice, "cudaErrorNoDevice", "no CUDA-capable device is detected"},
    {cudaErrorInvalidDevice, "cudaErrorInvalidDevice", "invalid device ordinal"},
    {cudaErrorInvalidResourceHandle, "cudaErrorInvalidResourceHandle", "invalid resource handle"},
    {cudaErrorIllegalAddress, "cudaErrorIllegalAddress",
     "an illegal memory access was encountered"},
    {cudaErrorHostMemoryAlreadyRegistered, "cudaErrorHostMemoryAlreadyRegistered",
     "part or all of the requested memory range is already mapped"},
    {cudaErrorHostMemoryNotRegistered, "cudaErrorHostMemoryNotRegistered",
     "pointer does not correspond to a registered memory region"},
    {cudaErrorNotSupported, "cudaErrorNotSupported", "operation not supported"},
    {cudaErrorUnknown, "cudaErrorUnknown", "unknown error"},
};

/* The table's last row, cudaErrorUnknown, stands for any code it does not know. */
static size_t error_row(cudaError_t error)
{
    size_t i = 0, n = sizeof(errors) / sizeof(errors[0]);

    while (i < n - 1 && errors[i].code != error)
        i++;
    return i;
}

const char *cudaGetErrorName(cudaError_t error)
{
    return errors[error_row(error)].name;
}

const char *cudaGetErrorString(cudaError_t error)
{
    return errors[error_row(error)].text;
}

cudaError_t cudaGetLastError(void)
{
    cudaError_t e = sticky != cudaSuccess ? sticky : last_error;

    last_error = cudaSuccess;
    return e;
}

cudaError_t cudaPeekAtLastError(void)
{
    return sticky != cudaSuccess ? sticky : last_error;
}

/* The "driver" is as new as the runtime it was built with. */
static cudaError_t version(int *v)
{
    ENTER(0);
    if (!v)
        return ret(cudaErrorInvalidValue);
    *v = CUDART_VERSION;
    return cudaSuccess;
}

cudaError_t cudaRuntimeGetVersion(int *runtimeVersion)
{
    return version(runtimeVersion);
}

cudaError_t cudaDriverGetVersion(int *driverVersion)
{
    return version(driverVersion);
}

cudaError_t cudaGetDeviceCount(int *count)
{
    cudaError_t e = enter(1);

    if (count)
        *count = e == cudaSuccess ? ndev : 0;
    return ret(e != cudaSuccess ? e : count ? cudaSuccess : cudaErrorInvalidValue);
}

#define CHECK_DEVICE(d)                                                                            \
    do {                                                                                           \
        if ((d) < 0 || (d) >= ndev)                                                                \
            return ret(cudaErrorInvalidDevice);                                                    \
    } while (0)

cudaError_t cudaSetDevice(int device)
{
    ENTER(1);
    CHECK_DEVICE(device);
    cur_dev = device;
    return cudaSuccess;
}

cudaError_t cudaGetDevice(int *device)
{
    ENTER(1);
    if (!device)
        return ret(cudaErrorInvalidValue);
    *device = cur_dev;
    return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp *prop, int device)
{
    ENTER(1);
    CHECK_DEVICE(device);
    if (!prop)
        return ret(cudaErrorInvalidValue);
    memset(prop, 0, sizeof(*prop));
    snprintf(prop->name, sizeof(prop->name), "cxlscope fake CUDA runtime (tests only)");
    prop->totalGlobalMem = mem_total;
    prop->warpSize = 32;
    prop->major = 9;
    prop->minor = 0;
    prop->multiProcessorCount = 1;
    prop->pciDomainID = (int)pci[device][0];
    prop->pciBusID = (int)pci[device][1];
    prop->pciDeviceID = (int)pci[device][2];
    return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device)
{
    ENTER(1);
    CHECK_DEVICE(device);
    if (!value)
        return ret(cudaErrorInvalidValue);
    if (attr == cudaDevAttrPciDomainId)
        *value = (int)pci[device][0];
    else if (attr == cudaDevAttrPciBusId)
        *value = (int)pci[device][1];
    else if (attr == cudaDevAttrPciDeviceId)
        *value = (int)pci[device][2];
    else if (attr == cudaDevAttrComputeCapabilityMajor)
        *value = 9;
    else if (attr == cudaDevAttrMultiProcessorCount)
        *value = 1;
    else
        *value = 0; /* compute capability minor, and everything else */
    return cudaSuccess;
}

cudaError_t cudaDeviceGetPCIBusId(char *pciBusId, int len, int device)
{
    ENTER(1);
    CHECK_DEVICE(device);
    if (!pciBusId || len <= 0)
        return ret(cudaErrorInvalidValue);
    snprintf(pciBusId, (size_t)len, "%04X:%02X:%02X.0", pci[device][0], pci[device][1],
             pci[device][2]);
    return cudaSuccess;
}

cudaError_t cudaMemGetInfo(size_t *free_bytes, size_t *total_bytes)
{
    ENTER(1);
    if (!free_bytes || !total_bytes)
        return ret(cudaErrorInvalidValue);
    *free_bytes = mem_free;
    *total_bytes = mem_total;
    return cudaSuccess;
}

cudaError_t cudaMalloc(void **devPtr, size_t size)
{
    ENTER(1);
    if (!devPtr)
        return ret(cudaErrorInvalidValue);
    *devPtr = NULL;
    if (size == 0)
        return cudaSuccess;
    if (size > mem_free || !(*devPtr = aligned_alloc(256, (size + 255) / 256 * 256)))
        return ret(cudaErrorMemoryAllocation);
    return cudaSuccess;
}

/* Release calls free even under a sticky error, so leak checkers stay quiet. */
cudaError_t cudaFree(void *devPtr)
{
    cudaError_t e = enter(1);

    free(devPtr);
    return ret(e);
}

/* The slot holding p; find(t, NULL) gives a free one. */
static struct range *find(struct range *t, const void *p)
{
    for (int i = 0; i < MAX_RANGES; i++)
        if (t[i].p == p)
            return &t[i];
    return NULL;
}

cudaError_t cudaHostAlloc(void **pHost, size_t size, unsigned int flags)
{
    struct range *r;
    void *p;

    (void)flags;
    ENTER(1);
    if (!pHost)
        return ret(cudaErrorInvalidValue);
    *pHost = NULL;
    if (size == 0)
        return cudaSuccess;
    if (!(r = find(pinned, NULL)))
        return ret(cudaErrorMemoryAllocation);
    p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return ret(cudaErrorMemoryAllocation);
    memset(p, 0, size); /* pinned pages exist, as the driver's do */
    r->p = p;
    r->n = size;
    *pHost = p;
    return cudaSuccess;
}

cudaError_t cudaMallocHost(void **ptr, size_t size)
{
    return cudaHostAlloc(ptr, size, cudaHostAllocDefault);
}

cudaError_t cudaFreeHost(void *ptr)
{
    cudaError_t e = enter(1);
    struct range *r = ptr ? find(pinned, ptr) : NULL;

    if (r) {
        munmap(r->p, r->n);
        r->p = NULL;
    }
    return ret(e != cudaSuccess ? e : r || !ptr ? cudaSuccess : cudaErrorInvalidValue);
}

cudaError_t cudaHostRegister(void *ptr, size_t size, unsigned int flags)
{
    const char *p = ptr;
    struct range *r;
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t lo, hi;

    (void)flags;
    ENTER(1);
    if (!ptr || size == 0)
        return ret(cudaErrorInvalidValue);
    if (fail_register)
        return ret(cudaErrorNotSupported);
    for (int i = 0; i < MAX_RANGES; i++)
        if (registered[i].p && p < registered[i].p + registered[i].n && registered[i].p < p + size)
            return ret(cudaErrorHostMemoryAlreadyRegistered);
    if (!(r = find(registered, NULL)))
        return ret(cudaErrorMemoryAllocation);
    /* Pinning faults the pages in without changing them; unmapped memory cannot be pinned.
     * Other madvise failures (an older kernel without MADV_POPULATE_WRITE) are ignored. */
    lo = (uintptr_t)p & ~(uintptr_t)(page - 1);
    hi = ((uintptr_t)p + size + (uintptr_t)page - 1) & ~(uintptr_t)(page - 1);
    if (madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE) && errno == ENOMEM)
        return ret(cudaErrorInvalidValue);
    r->p = ptr;
    r->n = size;
    return cudaSuccess;
}

cudaError_t cudaHostUnregister(void *ptr)
{
    cudaError_t e = enter(1);
    struct range *r = ptr ? find(registered, ptr) : NULL;

    if (r)
        r->p = NULL;
    return ret(e != cudaSuccess ? e : r ? cudaSuccess : cudaErrorHostMemoryNotRegistered);
}

static cudaError_t copy(const char *call, void *dst, const void *src, size_t count,
                        enum cudaMemcpyKind kind)
{
    ENTER(1);
    if ((int)kind == fail_at.kind && count == fail_at.bytes && strcmp(call, fail_at.call) == 0 &&
        ++fail_at.seen == fail_at.nth)
        return ret(sticky = cudaErrorIllegalAddress);
    if (kind < cudaMemcpyHostToHost || kind > cudaMemcpyDefault)
        return ret(cudaErrorInvalidMemcpyDirection);
    if (!dst || !src)
        return ret(cudaErrorInvalidValue);
    memmove(dst, src, count);
    if (corrupt_d2h && kind == cudaMemcpyDeviceToHost && count)
        ((unsigned char *)dst)[count - 1] ^= 0x5a; /* a copy that comes back wrong */
    return cudaSuccess;
}

cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind)
{
    return copy("cudaMemcpy", dst, src, count, kind);
}

cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind,
                            cudaStream_t stream)
{
    (void)stream;
    return copy("cudaMemcpyAsync", dst, src, count, kind);
}

cudaError_t cudaMemset(void *devPtr, int value, size_t count)
{
    ENTER(1);
    if (!devPtr)
        return ret(cudaErrorInvalidValue);
    memset(devPtr, value, count);
    return cudaSuccess;
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags)
{
    ENTER(1);
    if (!pStream || (flags & ~(unsigned int)cudaStreamNonBlocking))
        return ret(cudaErrorInvalidValue);
    if (!(*pStream = calloc(1, sizeof(**pStream))))
        return ret(cudaErrorMemoryAllocation);
    (*pStream)->flags = flags;
    return cudaSuccess;
}

cudaError_t cudaStreamCreate(cudaStream_t *pStream)
{
    return cudaStreamCreateWithFlags(pStream, cudaStreamDefault);
}

cudaError_t cudaStreamDestroy(cudaStream_t stream)
{
    cudaError_t e = enter(1);

    free(stream);
    return ret(e != cudaSuccess ? e : stream ? cudaSuccess : cudaErrorInvalidResourceHandle);
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream)
{
    (void)stream;
    ENTER(1);
    return cudaSuccess;
}

cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event, unsigned int flags)
{
    (void)stream, (void)flags;
    ENTER(1);
    return ret(event ? cudaSuccess : cudaErrorInvalidResourceHandle);
}

cudaError_t cudaEventCreateWithFlags(cudaEvent_t *event, unsigned int flags)
{
    ENTER(1);
    if (!event)
        return ret(cudaErrorInvalidValue);
    if (!(*event = calloc(1, sizeof(**event))))
        return ret(cudaErrorMemoryAllocation);
    (*event)->flags = flags;
    return cudaSuccess;
}

cudaError_t cudaEventCreate(cudaEvent_t *event)
{
    return cudaEventCreateWithFlags(event, cudaEventDefault);
}

cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream)
{
    (void)stream;
    ENTER(1);
    if (!event)
        return ret(cudaErrorInvalidResourceHandle);
    clock_gettime(CLOCK_MONOTONIC, &event->at);
    event->recorded = 1;
    return cudaSuccess;
}

cudaError_t cudaEventSynchronize(cudaEvent_t event)
{
    ENTER(1);
    return ret(event ? cudaSuccess : cudaErrorInvalidResourceHandle);
}

cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end)
{
    ENTER(1);
    if (!ms)
        return ret(cudaErrorInvalidValue);
    if (!start || !end || !start->recorded || !end->recorded ||
        ((start->flags | end->flags) & cudaEventDisableTiming))
        return ret(cudaErrorInvalidResourceHandle);
    *ms = (float)((double)(end->at.tv_sec - start->at.tv_sec) * 1e3 +
                  (double)(end->at.tv_nsec - start->at.tv_nsec) / 1e6);
    return cudaSuccess;
}

cudaError_t cudaEventDestroy(cudaEvent_t event)
{
    cudaError_t e = enter(1);

    free(event);
    return ret(e != cudaSuccess ? e : event ? cudaSuccess : cudaErrorInvalidResourceHandle);
}

cudaError_t cudaDeviceSynchronize(void)
{
    ENTER(1);
    return cudaSuccess;
}

cudaError_t cudaDeviceReset(void)
{
    ENTER(1);
    last_error = cudaSuccess;
    return cudaSuccess;
}
