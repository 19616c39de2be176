/* weights.h — the kernel's weighted-interleave weights, set for a run and
 * given back.
 *
 * Promises:
 * - The weights live in /sys/kernel/mm/mempolicy/weighted_interleave/nodeN
 *   (Linux >= 6.9; sysfs.h root), 1..255 each; newer kernels add a switch,
 *   named `auto` (seen as `__auto_type` on one 6.18 kernel), that writing a
 *   node's weight turns off.
 * - cxs_wi_available() is 1 when that directory exists.
 * - cxs_wi_set() remembers every node's current weight and the switch, then
 *   writes the new weights; the old values are written back by
 *   cxs_wi_restore(), at normal exit and on Ctrl-C (an interrupt.h exit hook:
 *   open/write/close only, silent). cxs_wi_restore() notes on stderr each
 *   value it could not write back. Only the first cxs_wi_set() of a run saves.
 * - Returns 0; CXS_EXIT_SKIP (77) when the kernel has no weighted
 *   interleave; CXS_EXIT_FAIL (1) when a file cannot be written (not root),
 *   with err saying which. Weights outside 1..255: CXS_EXIT_USAGE (2).
 */
#ifndef CXS_WEIGHTS_H
#define CXS_WEIGHTS_H

#include <stddef.h>

int cxs_wi_available(void);
int cxs_wi_set(const int *nodes, const unsigned *weights, int n, char *err, size_t errlen);
void cxs_wi_restore(void);

#endif
