/* minichase.c — an independent, minimal pointer chase, sharing no code with
 * cxlscope, to check cxlscope-latency against (bench/compare-chase.sh).
 *
 * Usage: minichase SIZE_MIB PAGES(4k|thp|2m) LOADS
 * Maps SIZE_MIB, links its 64 B lines in one random cycle (Fisher-Yates
 * shuffle of the line order, each line pointing at the next in that order),
 * chases LOADS pointers 5 times and prints the best ns per load. */
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

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: minichase SIZE_MIB 4k|thp|2m LOADS\n");
        return 2;
    }
    size_t size = strtoull(argv[1], NULL, 10) << 20, n = size / 64;
    long loads = atol(argv[3]);
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
    if (!strcmp(argv[2], "2m"))
        flags |= MAP_HUGETLB;
    char *buf = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (buf == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    if (!strcmp(argv[2], "thp"))
        madvise(buf, size, MADV_HUGEPAGE);
    else if (!strcmp(argv[2], "4k"))
        madvise(buf, size, MADV_NOHUGEPAGE);
    uint32_t *order = malloc(n * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = next_rand() % (i + 1);
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < n; i++)
        *(char **)(buf + (size_t)order[i] * 64) = buf + (size_t)order[(i + 1) % n] * 64;
    free(order);
    char **p = (char **)buf;
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
