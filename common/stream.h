/* stream.h — streaming memory kernels, described as data (likwid-bench
 * style): one table of traffic kinds, each kernel written once
 * (stream_kernels.inc) and compiled for SSE2, AVX2 and AVX-512.
 *
 * Promises:
 * - cxs_stream_kinds[] lists every kind with the arrays it reads and
 *   writes; bytes moved per element = 8 * (nread + nwrite): the kernel's
 *   explicit loads and stores, as STREAM and likwid-bench count them
 *   (write-allocate traffic is not counted).
 * - cxs_stream_fn() gives the kernel of a kind for an ISA, NULL if this
 *   build or CPU cannot run it; cxs_isa_best() is the widest the CPU (and
 *   OS) supports.
 * - A kernel visits the elements of [0, n) once per call, block by block in
 *   the order given (NULL: sequential); blocks are `block` doubles, at least
 *   one vector and a multiple of 8; n is a multiple of block.
 * - cxs_stream_init() fills the arrays with the values the validation
 *   expects; cxs_stream_check() verifies the kernel's effect after `calls`
 *   calls (read: the sum it returned; the others: every element written), so
 *   a kernel the compiler removed, or memory that lost data, fails.
 */
#ifndef CXS_STREAM_H
#define CXS_STREAM_H

#include <stddef.h>
#include <stdint.h>

enum cxs_isa { CXS_ISA_SSE2, CXS_ISA_AVX2, CXS_ISA_AVX512, CXS_NISAS };

enum cxs_kind {
    CXS_K_READ,     /* s += b[i]                 */
    CXS_K_WRITE,    /* a[i] = s                  */
    CXS_K_WRITE_NT, /* a[i] = s, non-temporal    */
    CXS_K_COPY,     /* a[i] = b[i]               */
    CXS_K_TRIAD,    /* a[i] = b[i] + s * c[i]    */
    CXS_K_RW31,     /* a[i] = b[i] + c[i] + d[i] */
    CXS_K_RW21,     /* a[i] = b[i] + c[i]        */
    CXS_K_RW11,     /* a[i] = a[i] + s           */
    CXS_NKINDS
};

enum { CXS_ARR_A = 1, CXS_ARR_B = 2, CXS_ARR_C = 4, CXS_ARR_D = 8 };

struct cxs_stream_kind {
    const char *name;    /* --kind name: "read", "write", ..., "3:1" */
    const char *formula; /* for --help */
    int nread, nwrite;   /* array elements read / written per element */
    unsigned arrays;     /* CXS_ARR_* the kernel touches (the others may be NULL) */
};
extern const struct cxs_stream_kind cxs_stream_kinds[CXS_NKINDS];

/* The arrays of one thread, n doubles each (only the kind's arrays used). */
struct cxs_stream_args {
    double *a, *b, *c, *d;
    size_t n;
    double s;
    const uint32_t *order; /* block indices, n / block of them; NULL = sequential */
    size_t block;          /* doubles per block */
};

typedef double (*cxs_stream_kernel)(const struct cxs_stream_args *x);

int cxs_stream_kind_parse(const char *s); /* -1 if unknown */
const char *cxs_stream_kind_name(int k);  /* NULL past the last kind */
const char *cxs_isa_name(enum cxs_isa i); /* "sse2", "avx2", "avx512" */
int cxs_isa_parse(const char *s);         /* -1 if unknown */
int cxs_isa_supported(enum cxs_isa i);
enum cxs_isa cxs_isa_best(void);
size_t cxs_isa_vector_doubles(enum cxs_isa i); /* 2, 4, 8 */

cxs_stream_kernel cxs_stream_fn(enum cxs_kind k, enum cxs_isa i);

/* How many arrays the kind touches, and x's pointers for them laid out one
 * after another from p (n doubles each; the kind's other pointers NULL),
 * with x->n = n, sequential (order NULL, block n). p must hold
 * cxs_stream_narrays(k) * n doubles. */
int cxs_stream_narrays(enum cxs_kind k);
void cxs_stream_place(enum cxs_kind k, double *p, size_t n, struct cxs_stream_args *x);
/* Run fn over the elements [pos, pos + len) of x's arrays only, in address
 * order (pos and len multiples of 8, pos + len <= x->n): how a paced load
 * streams its arrays burst by burst. Bursts that cover the arrays k whole
 * times leave them as k calls of fn would (for read: the bursts' returns add
 * up to the sum one call returns), so cxs_stream_check() validates them. */
double cxs_stream_range(cxs_stream_kernel fn, const struct cxs_stream_args *x, size_t pos,
                        size_t len);
/* A uniformly random order of nblocks blocks (Fisher-Yates), computed
 * before timing so the loop pays no random-number cost. */
void cxs_stream_order(uint32_t *order, size_t nblocks, uint64_t seed);

/* Values before the first call; s is the scalar the kernels are given. */
void cxs_stream_init(enum cxs_kind k, struct cxs_stream_args *x);
/* 0 when the arrays (and, for read, the sum of the last call) show that
 * `calls` calls did their work; else -1 with the first wrong element in err. */
int cxs_stream_check(enum cxs_kind k, const struct cxs_stream_args *x, uint64_t calls,
                     double last_sum, char *err, size_t errlen);

#endif
