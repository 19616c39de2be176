/* threads.c — CPU pinning and a barrier-started team of threads. */
#include "threads.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sched.h>
#include <stdlib.h>

/* The affinity the process started with, before any thread was pinned. */
static cpu_set_t start_affinity;
static int start_affinity_ok;

__attribute__((constructor)) static void save_start_affinity(void)
{
    start_affinity_ok = sched_getaffinity(0, sizeof start_affinity, &start_affinity) == 0;
}

int cxs_cpu_allowed(int cpu)
{
    if (cpu < 0 || cpu >= CPU_SETSIZE)
        return 0;
    return !start_affinity_ok || CPU_ISSET(cpu, &start_affinity);
}

int cxs_node_pick_cpu(const struct cxs_node *n)
{
    for (int i = n->ncpus - 1; i >= 0; i--)
        if (cxs_cpu_allowed(n->cpus[i]))
            return n->cpus[i];
    return -1;
}

int cxs_pin_self_cpu(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    if (rc) {
        errno = rc;
        return -1;
    }
    return 0;
}

int cxs_pin_self_node(const struct cxs_topo *t, int node)
{
    const struct cxs_node *n = cxs_topo_node(t, node);
    if (!n || n->ncpus == 0) {
        errno = EINVAL;
        return -1;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < n->ncpus; i++)
        CPU_SET(n->cpus[i], &set);
    int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    if (rc) {
        errno = rc;
        return -1;
    }
    return 0;
}

/* A start gate: every member pins itself and reports ready; the caller opens
 * the gate once all are ready (or cancels it if one could not be created),
 * so all members start their work together. Members wait at the gate
 * spinning (yielding to anything else runnable) rather than asleep: waking a
 * sleeping thread on an idle CPU can take long enough (an IPI, a VM exit) to
 * skew the start of a short timed pass. */
struct team {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t ready;
    atomic_int gate; /* 0 closed, 1 open, 2 cancelled */
    cxs_team_fn fn;
    void *arg;
    const int *cpus;
    int *results;
};

struct member {
    struct team *team;
    int index;
};

static void *member_main(void *p)
{
    struct member *m = p;
    struct team *tm = m->team;
    int rc = cxs_pin_self_cpu(tm->cpus[m->index]) ? -1 : 0;
    pthread_mutex_lock(&tm->lock);
    tm->ready++;
    pthread_cond_broadcast(&tm->cond);
    pthread_mutex_unlock(&tm->lock);
    int g;
    while ((g = atomic_load_explicit(&tm->gate, memory_order_acquire)) == 0)
        sched_yield();
    int cancel = g == 2;
    if (rc == 0 && !cancel)
        rc = tm->fn(m->index, tm->arg);
    tm->results[m->index] = cancel ? -1 : rc;
    return NULL;
}

int cxs_team_run(size_t n, const int *cpus, cxs_team_fn fn, void *arg)
{
    struct team tm = {.fn = fn, .arg = arg, .cpus = cpus};
    pthread_t *th = calloc(n, sizeof *th);
    struct member *ms = calloc(n, sizeof *ms);
    tm.results = calloc(n, sizeof *tm.results);
    if (!th || !ms || !tm.results) {
        free(th);
        free(ms);
        free(tm.results);
        return -1;
    }
    pthread_mutex_init(&tm.lock, NULL);
    pthread_cond_init(&tm.cond, NULL);
    size_t started = 0;
    for (; started < n; started++) {
        ms[started] = (struct member){&tm, (int)started};
        if (pthread_create(&th[started], NULL, member_main, &ms[started]))
            break;
    }
    pthread_mutex_lock(&tm.lock);
    while (started == n && tm.ready < n)
        pthread_cond_wait(&tm.cond, &tm.lock);
    pthread_mutex_unlock(&tm.lock);
    atomic_store_explicit(&tm.gate, started == n ? 1 : 2, memory_order_release);
    int rc = started == n ? 0 : -1;
    for (size_t i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        if (!rc && tm.results[i])
            rc = tm.results[i];
    }
    pthread_cond_destroy(&tm.cond);
    pthread_mutex_destroy(&tm.lock);
    free(th);
    free(ms);
    free(tm.results);
    return rc;
}
