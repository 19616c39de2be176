/* hotset.h — the hot-set access pattern of cxlscope-tiering: a buffer of
 * npages pages of which a fixed number are hot and take a set share of the
 * accesses; the hot set can move.
 *
 * Promises:
 * - cxs_hotset_init() takes npages >= 1, hot_pct in (0, 100] and share_pct
 *   in [0, 100]; anything else is -1 with the reason in err (one line,
 *   naming the value). The hot set has exactly nhot = round(npages *
 *   hot_pct / 100) pages, at least 1 (so a fraction too small for the
 *   buffer still has one hot page); the other npages - nhot are cold.
 *   Which pages are hot comes from a permutation of [0, npages) drawn from
 *   seed: the same npages and seed give the same sets on every machine.
 *   Allocates the permutation and its inverse (2 x 8 bytes a page);
 *   cxs_hotset_free() frees them. Out of memory: -1, err says so.
 * - The hot set is the nhot pages at positions offset .. offset + nhot - 1
 *   (mod npages) of the permutation, the cold set the rest in permutation
 *   order. cxs_hotset_shift() moves offset on by nhot, so after a shift the
 *   hot set is nhot pages that were all cold (when nhot <= npages / 2; a
 *   larger set overlaps its predecessor by 2 nhot - npages pages), and after
 *   npages / gcd(npages, nhot) shifts it is back where it began. Shifts may
 *   run in another thread while accesses are drawn (offset is atomic).
 * - cxs_hotset_hot(h, i) (i < nhot) and cxs_hotset_cold(h, j)
 *   (j < npages - nhot) are the i-th hot and j-th cold page;
 *   cxs_hotset_is_hot(h, page) says whether a page is hot now (O(1)).
 * - cxs_hotset_page(h, rng) draws the next page to access: with probability
 *   share_pct / 100 (to 2^-32) a hot page, else a cold one, each uniformly
 *   within its set; when the cold set is empty (nhot == npages) always hot,
 *   and with share 0 always cold unless the cold set is empty. rng is the
 *   caller's state (cxs_hotset_rng_seed(), one per thread); no locks.
 * - cxs_hotset_sample(h, hot, n, out): a fixed sample of at most n pages of
 *   the hot (hot = 1) or cold set as it is now, spread evenly over the
 *   set's positions (position k * size / m for k < m = min(n, set size):
 *   every position once when n >= size; the same pages while the set does
 *   not move); returns how many (m).
 */
#ifndef CXS_HOTSET_H
#define CXS_HOTSET_H

#include <stddef.h>
#include <stdint.h>

struct cxs_hotset {
    uint64_t npages, nhot;
    uint32_t share;       /* hot share in units of 2^-32 (share_pct / 100 * 2^32, saturated) */
    int always_hot;       /* share_pct == 100 */
    uint64_t *perm, *pos; /* permutation of the pages, and its inverse */
    uint64_t offset;      /* read and written with __atomic builtins */
};

int cxs_hotset_init(struct cxs_hotset *h, uint64_t npages, double hot_pct, double share_pct,
                    uint64_t seed, char *err, size_t errlen);
void cxs_hotset_free(struct cxs_hotset *h);
void cxs_hotset_shift(struct cxs_hotset *h);
uint64_t cxs_hotset_hot(const struct cxs_hotset *h, uint64_t i);
uint64_t cxs_hotset_cold(const struct cxs_hotset *h, uint64_t j);
int cxs_hotset_is_hot(const struct cxs_hotset *h, uint64_t page);
uint64_t cxs_hotset_rng_seed(uint64_t seed, int tid);
uint64_t cxs_hotset_page(const struct cxs_hotset *h, uint64_t *rng);
size_t cxs_hotset_sample(const struct cxs_hotset *h, int hot, size_t n, uint64_t *out);

#endif
