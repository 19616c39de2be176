/* nodeset.h — sets of NUMA node IDs, as a fixed bitmap.
 *
 * Promises:
 * - A struct cxs_nodeset holds any subset of the node IDs 0 ..
 *   CXS_NODESET_MAX - 1 (1024: Linux's largest MAX_NUMNODES, CONFIG_NODES_SHIFT
 *   10). It is a plain value: zero-initialised ({0} or cxs_nodeset_clear) it is
 *   empty; copy it with =, compare it with cxs_nodeset_equal. No allocation.
 * - The bits are laid out as mbind(2) and set_mempolicy(2) take a node mask
 *   (bit id % BITS of word id / BITS, words of unsigned long), so s.bits can be
 *   passed to them as it is (with maxnode from cxs_nodeset_max()).
 * - An ID out of range (negative, >= CXS_NODESET_MAX) is never a member: add
 *   and from_array refuse it (-1, the set unchanged by that ID), has answers 0.
 * - Iteration, to_array and format go in ascending ID order. A set has no
 *   order: where the order of nodes matters (preferred's node, interleave's
 *   node order, weights paired with nodes: memory.h struct cxs_alloc_req's
 *   nodes[], plan.h struct cxs_place's nodes[]) an ordered int array stays.
 * - Thread-safety: none inside; a set shared between threads needs the
 *   caller's lock (read-only sharing is fine).
 */
#ifndef CXS_NODESET_H
#define CXS_NODESET_H

#include <limits.h>
#include <stddef.h>

#define CXS_NODESET_MAX 1024
#define CXS_NODESET_WORD_BITS ((int)(sizeof(unsigned long) * CHAR_BIT))

struct cxs_nodeset {
    unsigned long bits[CXS_NODESET_MAX / (sizeof(unsigned long) * CHAR_BIT)];
};

void cxs_nodeset_clear(struct cxs_nodeset *s);
/* 0, or -1 (and no change) for an ID out of range. */
int cxs_nodeset_add(struct cxs_nodeset *s, int id);
void cxs_nodeset_remove(struct cxs_nodeset *s, int id);
int cxs_nodeset_has(const struct cxs_nodeset *s, int id);
int cxs_nodeset_count(const struct cxs_nodeset *s);
int cxs_nodeset_empty(const struct cxs_nodeset *s);
int cxs_nodeset_equal(const struct cxs_nodeset *a, const struct cxs_nodeset *b);
/* The smallest member greater than prev (prev = -1: the first), or -1:
 *   for (int id = cxs_nodeset_next(s, -1); id >= 0; id = cxs_nodeset_next(s, id)) */
int cxs_nodeset_next(const struct cxs_nodeset *s, int prev);
/* The largest member, or -1 for the empty set. */
int cxs_nodeset_max(const struct cxs_nodeset *s);
/* Members in ascending order into ids[0..max-1]; returns how many the set
 * has (which may be more than max: only max are written). */
size_t cxs_nodeset_to_array(const struct cxs_nodeset *s, int *ids, size_t max);
/* The set of ids[0..n-1] (repeats are merged). Returns 0, or -1 when an ID
 * is out of range (the other IDs are still in the set). */
int cxs_nodeset_from_array(struct cxs_nodeset *s, const int *ids, size_t n);
/* Members joined by sep: '+' gives "0+2" (CSV-safe, as in placements), ','
 * gives "0,2" (as sysfs and --mem-node write them); the empty set gives "".
 * snprintf's contract: buf always terminated (len > 0), returns the length
 * the whole text needs (>= len: it was cut short). */
int cxs_nodeset_format(const struct cxs_nodeset *s, char sep, char *buf, size_t len);

#endif
