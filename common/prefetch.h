/* prefetch.h — the hardware data prefetchers under control
 * (--prefetchers on|off|keep), as Intel MLC turns them off for its latency
 * tests.
 *
 * Promises:
 * - One table (cxs_pf_models[]) names every CPU model whose prefetcher
 *   control is publicly documented: vendor, family, model range, the MSR and
 *   the bits that, set, turn its data prefetchers off (Intel 0x1A4 bits 0-3
 *   from Nehalem on, plus bit 5 on Sapphire/Emerald Rapids; Goldmont-class
 *   0x5; Core 2 IA32_MISC_ENABLE; AMD family 19h 0xC0000108 bits 0-3 and 5;
 *   ...). cxs_pf_lookup() finds a CPU's row, NULL for any other CPU: such a
 *   CPU is refused by family/model, never guessed.
 * - MSRs are read and written through the msr driver's per-CPU files,
 *   ROOT/N/msr, 8 bytes with pread/pwrite at the MSR's address as offset;
 *   ROOT is $CXLSCOPE_MSR_ROOT when set (tests: a directory of plain files
 *   laid out the same way), else /dev/cpu. With CXLSCOPE_MSR_ROOT set,
 *   $CXLSCOPE_CPU_MODEL ("intel:6:143", "amd:25:17": vendor, family, model
 *   in decimal) stands for the CPU's identity; otherwise CPUID gives it.
 *   Hyperthread siblings (sysfs cpuN/topology/thread_siblings_list, under
 *   CXLSCOPE_SYSFS_ROOT as sysfs.h) share one MSR: each core is handled
 *   once, through the first of its CPUs in the caller's list.
 * - cxs_pf_apply(): KEEP changes nothing. ON and OFF: for every core of the
 *   CPUs given, save the MSR's value, write it with the model's bits cleared
 *   (ON) or set (OFF), others untouched, and read it back. On the real
 *   device, when /dev/cpu/N/msr is missing and the process is root, it
 *   loads the msr module first (modprobe msr). The saved values are written
 *   back by cxs_pf_restore(), in the reverse order of the changes, which
 *   runs as an exit hook (interrupt.h: exit, cxs_die() and its kin, a
 *   second signal), so the machine is left as it was on every exit path;
 *   the hook uses only pwrite() on descriptors kept open since the change
 *   (async-signal-safe). A change that fails half-way restores what it
 *   changed before returning.
 * - What cannot be done returns CXS_EXIT_SKIP (77) with the reason in one
 *   line in err, nothing changed: not root, no msr device (module missing
 *   and not loadable), a CPU model not in the table (named by vendor,
 *   family and model), a write the CPU (or a hypervisor) refuses, a value
 *   that does not read back as written. Bad arguments: CXS_EXIT_USAGE.
 * - cxs_pf_state() reads the MSR of every core of the CPUs given now and
 *   says what it found: "on" (no model bit set on any), "off" (every model
 *   bit set on every one), "partial" (anything between: some prefetchers
 *   off, or cores that differ), "unknown" (the model is not in the table,
 *   or the MSR cannot be read: not root, no msr device). It never changes
 *   anything and never loads the module. Rows record this read-back, never
 *   what was asked.
 */
#ifndef CXS_PREFETCH_H
#define CXS_PREFETCH_H

#include <stddef.h>
#include <stdint.h>

enum cxs_pf_mode { CXS_PF_KEEP, CXS_PF_ON, CXS_PF_OFF };
enum cxs_pf_vendor { CXS_PF_INTEL, CXS_PF_AMD };

/* "keep", "on", "off" -> the mode; -1 for anything else. */
int cxs_pf_mode_parse(const char *s);
const char *cxs_pf_mode_name(enum cxs_pf_mode m);

/* One row of the table: a model range and its prefetcher control. */
struct cxs_pf_model {
    const char *name; /* "Intel Sapphire Rapids", "AMD Zen 3/4" */
    enum cxs_pf_vendor vendor;
    unsigned family, model_lo, model_hi; /* display family/model, inclusive */
    uint32_t msr;
    uint64_t mask;      /* bits that, set, turn the prefetchers off */
    const char *source; /* the public document the row comes from */
};
extern const struct cxs_pf_model cxs_pf_models[];
extern const size_t cxs_pf_nmodels;

/* The row for this vendor/family/model, or NULL. */
const struct cxs_pf_model *cxs_pf_lookup(enum cxs_pf_vendor v, unsigned family, unsigned model);

/* This CPU's identity (CPUID, or $CXLSCOPE_CPU_MODEL with a fake root).
 * Returns 0, or -1 (err set) when it is neither Intel nor AMD, the
 * override does not parse, or the build is not x86 (no CPUID). */
int cxs_pf_identify(enum cxs_pf_vendor *v, unsigned *family, unsigned *model, char *err,
                    size_t errlen);

/* Apply mode to the cores of cpus[0..n). 0 done (KEEP: always, nothing
 * checked); 77 with the reason; 2 for bad arguments (no CPUs, a negative
 * one, a second change before cxs_pf_restore()); 1 for a failure that is
 * not the CPU's refusal (an I/O error such as ENOSPC or a failed read-back,
 * no room for the exit hook), any change made undone. Call once per run. */
int cxs_pf_apply(enum cxs_pf_mode mode, const int *cpus, size_t n, char *err, size_t errlen);

/* "on", "off", "partial" or "unknown" for cpus[0..n), read now. */
const char *cxs_pf_state(const int *cpus, size_t n);

/* Write the saved values back (reverse order); idempotent. Also the exit
 * hook cxs_pf_apply() registers. */
void cxs_pf_restore(void);

#endif
