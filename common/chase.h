/* chase.h — pointer-chase cycles and the dependent-load kernel.
 *
 * Promises:
 * - cxs_sattolo() fills next[] with a uniformly random cyclic permutation
 *   (Sattolo's algorithm): following i -> next[i] from any i visits all n.
 * - cxs_chase_build() writes one pointer per element (element = line for
 *   random patterns, the stride for seq/stride) into the buffer so that the
 *   pointers form a single cycle over every element:
 *     random         one Sattolo cycle over all lines (group = whole buffer);
 *     random + tlb_locality G: lines in random order inside groups of G
 *                    bytes, groups in random order (multichase -T);
 *     random-in-page the same with G = the page size in effect;
 *     seq            +64 B steps; stride:N  +N B steps (N a multiple of 8).
 *   Generation works in place in the buffer plus O(group) scratch.
 * - cxs_chase_check() walks the first steps elements of a built cycle and
 *   fails (NULL, err set) if a pointer leaves the buffer or an element
 *   boundary, or (when steps covers the whole cycle) the cycle does not close
 *   after exactly n elements: memory that does not hold what was written
 *   (a broken CXL decoder, say) is an error, not a crash or a number.
 * - cxs_chase() performs exactly nloads dependent loads (rounded up to a
 *   multiple of CXS_CHASE_UNROLL) and returns the final pointer.
 */
#ifndef CXS_CHASE_H
#define CXS_CHASE_H

#include <stddef.h>
#include <stdint.h>

#define CXS_LINE 64
#define CXS_CHASE_UNROLL 32

enum cxs_pattern_kind { CXS_PAT_RANDOM, CXS_PAT_RANDOM_IN_PAGE, CXS_PAT_SEQ, CXS_PAT_STRIDE };

struct cxs_pattern {
    enum cxs_pattern_kind kind;
    size_t stride;      /* bytes between elements (64 for random kinds) */
    size_t group_bytes; /* random kinds: 0 = whole buffer */
    char name[32];      /* "random", "random-in-page", "seq", "stride:256" */
};

/* "random", "random-in-page", "seq", "stride:N" (N with IEC suffixes). */
int cxs_pattern_parse(const char *s, struct cxs_pattern *p, char *err, size_t errlen);

/* Splitmix64-seeded xoshiro-style generator, deterministic per seed. */
struct cxs_rng {
    uint64_t s[4];
};
void cxs_rng_seed(struct cxs_rng *r, uint64_t seed);
uint64_t cxs_rng_next(struct cxs_rng *r);
uint64_t cxs_rng_below(struct cxs_rng *r, uint64_t bound); /* uniform in [0,bound) */

void cxs_sattolo(size_t *next, size_t n, struct cxs_rng *r);

/* Build the cycle in buf[0, size). group_bytes is the effective group for the
 * random kinds (0 = whole buffer) and must divide into whole lines. Returns the
 * number of elements in the cycle (0 with err set if size is too small or
 * memory is short). *start gets the first element. */
size_t cxs_chase_build(void *buf, size_t size, const struct cxs_pattern *p, size_t group_bytes,
                       uint64_t seed, void **start, char *err, size_t errlen);

/* Returns the element reached after steps loads from start, or NULL. */
void *cxs_chase_check(const void *buf, size_t size, size_t stride, void *start, size_t n,
                      size_t steps, char *err, size_t errlen);

void *cxs_chase(void *p, uint64_t nloads);

#endif
