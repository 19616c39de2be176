/* topology.h — NUMA nodes, their memory, and what kind of memory each is.
 *
 * Promises:
 * - cxs_topo_load() reads the node table from sysfs (sysfs.h root):
 *   node IDs (non-contiguous allowed), CPUs, memory size, SLIT distances,
 *   memory tier, HMAT access-class attributes, and CXL evidence. It never
 *   relies on SLIT distance alone to call a node CXL.
 * - CXL evidence is one of: a dax device whose sysfs ancestry is on the cxl
 *   bus (a CXL region onlined through dax/kmem) with target_node = the node;
 *   a CXL region's dax device naming the node; hwloc's "CXL-DRAM" NUMA
 *   subtype (only when built with hwloc >= 2.10). The evidence is kept as a
 *   human-readable string.
 * - Classes are relative to an initiator CPU node: the node itself is LDRAM,
 *   another node with CPUs is RDRAM, a CPU-less node with CXL evidence is
 *   CXL, any other CPU-less node is CPULESS.
 * - cxs_topo_select() parses --cpu-node / --mem-node specifications:
 *   IDs and ranges ("0,2", "0-3"), "all", and class names (ldram, rdram, cxl,
 *   cpuless; case-insensitive, comma-mixable with IDs).
 */
#ifndef CXS_TOPOLOGY_H
#define CXS_TOPOLOGY_H

#include <stddef.h>
#include <stdint.h>

#define CXS_MAX_NODES 64

enum cxs_mem_class { CXS_LDRAM, CXS_RDRAM, CXS_CXL, CXS_CPULESS, CXS_NCLASSES };

/* One HMAT access class (access0: best initiator of any kind, access1: best
 * CPU initiator) as the kernel reports it for this target node. */
struct cxs_hmat {
    int present;
    int64_t read_latency_ns, write_latency_ns;         /* -1 when absent */
    int64_t read_bandwidth_mbps, write_bandwidth_mbps; /* MB/s, -1 when absent */
    char initiators[64];                               /* node IDs, e.g. "0,1" */
};

struct cxs_node {
    int id;
    int ncpus;
    int *cpus;              /* ncpus CPU IDs, ascending */
    uint64_t mem_total;     /* bytes, MemTotal from nodeN/meminfo */
    int tier;               /* memory_tier index, -1 when unknown */
    int cxl;                /* CXL evidence found */
    char cxl_evidence[160]; /* what the evidence was, "" when none */
    struct cxs_hmat hmat[2];
    int distance[CXS_MAX_NODES]; /* to nodes[j], by index j; -1 unknown */
};

/* A dax device (bus/dax/devices/NAME): where its memory would go and what
 * it is now. A CXL device whose memory is not online (bound to device_dax, or
 * to kmem with its memory blocks offline) is what cxs_topo_unusable()
 * explains. */
struct cxs_dax {
    char name[32];   /* "dax0.0" */
    int target_node; /* -1 when unknown */
    int cxl;         /* its sysfs ancestry is CXL */
    char region[32]; /* nearest region ("region0"), "" if none */
    char driver[16]; /* "kmem" (system RAM), "device_dax" (devdax), "" unbound */
};
#define CXS_MAX_DAX 32

struct cxs_topo {
    int nnodes;
    struct cxs_node nodes[CXS_MAX_NODES]; /* ascending ID */
    int ndax;
    struct cxs_dax dax[CXS_MAX_DAX]; /* by name order of discovery */
};

/* 0 on success; -1 with a reason in err. */
int cxs_topo_load(struct cxs_topo *t, char *err, size_t errlen);
void cxs_topo_free(struct cxs_topo *t);

const struct cxs_node *cxs_topo_node(const struct cxs_topo *t, int id);
int cxs_topo_index(const struct cxs_topo *t, int id); /* -1 if absent */
int cxs_topo_distance(const struct cxs_topo *t, int from, int to);
int cxs_node_has_memory(const struct cxs_node *n);

/* Class of mem_node for an initiator cpu_node (which must have CPUs). */
enum cxs_mem_class cxs_topo_classify(const struct cxs_topo *t, int mem_node, int cpu_node);
const char *cxs_class_name(enum cxs_mem_class c); /* "LDRAM", ... */
/* Case-insensitive; returns -1 for an unknown name. */
int cxs_class_parse(const char *s);

/* Node of the CPU this thread runs on if it has CPUs, else the first node
 * with CPUs; -1 if none. */
int cxs_topo_default_cpu_node(const struct cxs_topo *t);

/* Comma-separated list of node IDs matching a predicate, for messages:
 * want_cpu selects nodes with CPUs, want_mem nodes with memory. */
void cxs_topo_list(const struct cxs_topo *t, int want_cpu, int want_mem, char *buf, size_t len);

enum cxs_select_result { CXS_SEL_OK = 0, CXS_SEL_BAD = -1, CXS_SEL_EMPTY = -2 };
enum cxs_select_kind { CXS_SELECT_MEM, CXS_SELECT_CPU };

/* Parse a node specification. For CXS_SELECT_MEM, class names are resolved
 * relative to cpu_node and only nodes with memory qualify; for
 * CXS_SELECT_CPU only nodes with CPUs qualify (class names are rejected).
 * Returns CXS_SEL_OK (out/n filled, ascending, unique), CXS_SEL_BAD (syntax,
 * or a node that does not exist or does not qualify: err lists the nodes that
 * do), or CXS_SEL_EMPTY (a class with no node on this machine: err says so). */
int cxs_topo_select(const struct cxs_topo *t, const char *spec, enum cxs_select_kind kind,
                    int cpu_node, int *out, size_t max, size_t *n, char *err, size_t errlen);

/* Memory a new allocation bound to this node can get now, in bytes:
 * MemFree + page cache (Active/Inactive(file)) + SReclaimable from
 * nodeN/meminfo, read fresh. When this is the only node with memory, the
 * system-wide MemAvailable is used if larger (some VMs initialize memory
 * lazily and under-report a node's size). Returns 0 if unreadable. */
uint64_t cxs_node_avail_bytes(const struct cxs_topo *t, int node);

/* Node listing CPU cpu; -1 if none does. */
int cxs_topo_cpu_node(const struct cxs_topo *t, int cpu);

/* Why CXL memory that exists cannot be used: for each CXL dax device whose
 * target node has no online memory (absent from the table, or 0 bytes), one
 * line naming the node, the device and its region and how to online it
 * (`daxctl online-memory DEV` for kmem with offline memory blocks, with the
 * first such block's state file; `daxctl reconfigure-device
 * --mode=system-ram DEV` for a devdax device). node_id < 0: every such
 * device, else only those targeting that node. Lines separated by "\n";
 * returns how many. */
int cxs_topo_unusable(const struct cxs_topo *t, int node_id, char *buf, size_t len);

#endif
