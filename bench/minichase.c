/* minichase.c — an independent, minimal pointer chase, sharing no code with
 * cxlscope, to check cxlscope-latency against (bench/compare-chase.sh).
 *
 * Usage: minichase SIZE PAGES(4k|thp|2m) LOADS [SPACING [LOCALITY_KIB]]
 *   SIZE in MiB, or in KiB with a k suffix (64k); SPACING: bytes between the
 *   cycle's elements, 64..4096, a power of two (default 64); LOCALITY_KIB:
 *   0 (default) or a multiple of SPACING (multichase -T).
 * Maps SIZE and puts one 8-byte pointer at the start of each SPACING-byte
 * slot. The slots are cut into groups of LOCALITY bytes (one group when 0);
 * the group order is shuffled (Fisher-Yates), then the slots inside each
 * group; each slot points at the next in that order, the last at the first:
 * one cycle over all slots. The cycle is walked once and checked to visit
 * every slot exactly once (exit 1 if not), then LOADS pointers are chased
 * 5 times and the best ns per load is printed. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void shuffle(uint32_t *a, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = next_rand() % i;
        uint32_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int usage(void)
{
    fprintf(stderr, "usage: minichase SIZE_MIB|SIZE_KIBk 4k|thp|2m LOADS "
                    "[SPACING(64..4096, power of 2) [LOCALITY_KIB]]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 6)
        return usage();
    char *end;
    size_t size = strtoull(argv[1], &end, 10);
    size <<= (*end == 'k' || *end == 'K') ? 10 : 20;
    if (*end == 'k' || *end == 'K')
        end++;
    long loads = atol(argv[3]);
    size_t sp = argc > 4 ? strtoull(argv[4], NULL, 10) : 64;
    size_t loc = argc > 5 ? strtoull(argv[5], NULL, 10) << 10 : 0;
    if (*end || sp < 64 || sp > 4096 || (sp & (sp - 1)) || size < sp || size % sp || loc % sp ||
        loads <= 0 || (strcmp(argv[2], "4k") && strcmp(argv[2], "thp") && strcmp(argv[2], "2m")))
        return usage();
    size_t n = size / sp;
    if (n > UINT32_MAX) {
        fprintf(stderr, "minichase: too many elements\n");
        return 2;
    }
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
    size_t maplen = size;
    if (!strcmp(argv[2], "2m")) {
        flags |= MAP_HUGETLB;
        maplen = (size + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
    }
    char *buf = mmap(NULL, maplen, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (buf == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    if (!strcmp(argv[2], "thp"))
        madvise(buf, maplen, MADV_HUGEPAGE);
    else if (!strcmp(argv[2], "4k"))
        madvise(buf, maplen, MADV_NOHUGEPAGE);

    /* order[k] = the k-th slot visited: groups in random order, the slots
     * of each group in random order (the last group may be short). */
    size_t per = loc ? loc / sp : n, ngroups = (n + per - 1) / per, k = 0;
    uint32_t *order = malloc(n * sizeof *order);
    uint32_t *group = malloc(ngroups * sizeof *group);
    unsigned char *seen = calloc(n, 1);
    if (!order || !group || !seen) {
        perror("malloc");
        return 1;
    }
    for (size_t g = 0; g < ngroups; g++)
        group[g] = (uint32_t)g;
    shuffle(group, ngroups);
    for (size_t g = 0; g < ngroups; g++) {
        size_t first = group[g] * per, cnt = n - first < per ? n - first : per;
        for (size_t j = 0; j < cnt; j++)
            order[k + j] = (uint32_t)(first + j);
        shuffle(order + k, cnt);
        k += cnt;
    }
    for (size_t i = 0; i < n; i++)
        *(char **)(buf + order[i] * sp) = buf + order[(i + 1) % n] * sp;
    free(order);
    free(group);

    /* Check: n steps from slot 0 land on n distinct slots, the last slot 0. */
    char **p = (char **)buf;
    for (size_t i = 0; i < n; i++) {
        uintptr_t off = (uintptr_t)*p - (uintptr_t)buf;
        if (off >= size || off % sp || seen[off / sp]) {
            fprintf(stderr, "minichase: bad cycle at step %zu\n", i + 1);
            return 1;
        }
        seen[off / sp] = 1;
        p = (char **)*p;
    }
    if (p != (char **)buf) {
        fprintf(stderr, "minichase: cycle does not close after %zu steps\n", n);
        return 1;
    }
    free(seen);

    for (long i = 0; i < loads; i++) /* warm-up */
        p = (char **)*p;
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        for (long i = 0; i < loads; i++)
            p = (char **)*p;
        double ns = (now() - t0) * 1e9 / loads;
        best = ns < best ? ns : best;
    }
    printf("%.2f\n", best + (p == NULL)); /* use p so the loop stays */
    return 0;
}
