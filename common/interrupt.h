/* interrupt.h — clean stops: Ctrl-C / SIGTERM handling and exit hooks.
 *
 * Promises:
 * - cxs_interrupt_install() makes SIGINT, SIGTERM and SIGHUP set a flag that
 *   measurement loops poll with cxs_stop_requested(); the loops then finish
 *   their current sample, the program writes what it has and exits 130.
 *   A second signal writes one line, runs the exit hooks and exits at once
 *   with 128 + the signal number.
 * - Exit hooks (at most 16: cxs_exit_hook_add() returns -1 beyond) run
 *   once, in reverse order of registration, on cxs_die()/cxs_usage_die()/
 *   cxs_skip() and cli.h's other exits, on a second signal, and at normal
 *   exit (exit() or the return from main) once cxs_interrupt_install() has
 *   run (it registers them with atexit). They must only undo system changes
 *   (e.g. give back reserved huge pages); they may be called from a signal
 *   handler, so they use only async-signal-safe calls.
 */
#ifndef CXS_INTERRUPT_H
#define CXS_INTERRUPT_H

#define CXS_EXIT_INTERRUPTED 130

void cxs_interrupt_install(void);
int cxs_stop_requested(void);
/* For tests: pretend a signal arrived (1) or clear the flag (0). */
void cxs_stop_set(int on);

typedef void (*cxs_exit_hook)(void *arg);
int cxs_exit_hook_add(cxs_exit_hook fn, void *arg);
/* Remove a hook without running it (its work was undone normally). */
void cxs_exit_hook_remove(cxs_exit_hook fn, void *arg);
/* Run all hooks now (idempotent). */
void cxs_exit_hooks_run(void);

#endif
