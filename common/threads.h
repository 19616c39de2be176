/* threads.h — pinning threads to CPUs and starting them together.
 *
 * Promises:
 * - cxs_pin_self_cpu() pins the calling thread to one CPU;
 *   cxs_pin_self_node() to the CPUs of a node (any of them). Both return 0 or
 *   -1 with errno set (e.g. the CPU is outside the allowed set).
 * - cxs_cpu_allowed() answers from the CPU affinity the process started
 *   with (read before main), so pinning the measuring thread to one CPU
 *   does not hide the others; cxs_node_pick_cpu() picks the last such CPU
 *   of a node (-1 if the node has none the process may use).
 * - cxs_team_run() starts n threads, pins thread i to cpus[i], and releases
 *   them together from a barrier to run fn(i, arg); it returns after all
 *   have finished, 0 if every fn returned 0, else the first non-zero result.
 */
#ifndef CXS_THREADS_H
#define CXS_THREADS_H

#include <stddef.h>

#include "topology.h"

int cxs_pin_self_cpu(int cpu);
int cxs_pin_self_node(const struct cxs_topo *t, int node);

int cxs_cpu_allowed(int cpu);
int cxs_node_pick_cpu(const struct cxs_node *n);

typedef int (*cxs_team_fn)(int index, void *arg);
int cxs_team_run(size_t n, const int *cpus, cxs_team_fn fn, void *arg);

#endif
