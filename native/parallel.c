/* parallel.c: a fixed pool of worker threads that run the parts of one job (see parallel.h).
 *
 * One job at a time: the caller that holds run_lock publishes fn, ctx and the part count,
 * wakes the workers, and takes parts itself; every thread takes the next part under the
 * mutex until none is left, and the last part to finish wakes the caller. Idle workers sleep
 * on a condition variable (no spinning): on a shared machine a spinning worker would take a
 * core from the very threads it waits for. */
#define _POSIX_C_SOURCE 200809L
#include "mxc.h"
#include <pthread.h>
#include <stdint.h>

#define MAX_THREADS 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER; /* held by the running job */
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER;
static pthread_t workers[MAX_THREADS - 1];
static int n_workers = 0;
static int stopping = 0;
static unsigned long generation = 0; /* one more per job */
static mxc_part_fn job_fn;
static void *job_ctx;
static int64_t job_parts = 0, next_part = 0, parts_left = 0;
static int job_slots = 1;

/* Takes and runs parts until none is left (none at all when slot is beyond the job's
 * max_slots); called and returns with lock held. */
static void run_parts(int slot) {
    while (slot < job_slots && next_part < job_parts) {
        int64_t p = next_part++;
        mxc_part_fn fn = job_fn;
        void *ctx = job_ctx;
        pthread_mutex_unlock(&lock);
        fn(ctx, p, slot);
        pthread_mutex_lock(&lock);
        if (--parts_left == 0) pthread_cond_signal(&finished);
    }
}

static void *worker_main(void *arg) {
    int slot = (int)(intptr_t)arg;
    pthread_mutex_lock(&lock);
    unsigned long seen = generation;
    for (;;) {
        while (generation == seen && !stopping) pthread_cond_wait(&wake, &lock);
        if (stopping) break;
        seen = generation;
        run_parts(slot);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void stop_workers(void) {
    pthread_mutex_lock(&lock);
    stopping = 1;
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < n_workers; i++) pthread_join(workers[i], NULL);
    n_workers = 0;
    stopping = 0;
}

/* A forked child has only the thread that forked: it runs parts alone, with fresh locks. */
static void after_fork_in_child(void) {
    pthread_mutex_init(&lock, NULL);
    pthread_mutex_init(&run_lock, NULL);
    pthread_cond_init(&wake, NULL);
    pthread_cond_init(&finished, NULL);
    n_workers = 0;
    stopping = 0;
}

int mxc_threads_set(int n) {
    static int fork_handler = 0;
    if (n < 1 || n > MAX_THREADS) return MXC_ERR_VALUE;
    pthread_mutex_lock(&run_lock); /* no job runs while the pool changes */
    if (!fork_handler && pthread_atfork(NULL, NULL, after_fork_in_child) == 0) fork_handler = 1;
    stop_workers();
    int rc = MXC_OK;
    for (int i = 0; i < n - 1; i++) {
        if (pthread_create(&workers[i], NULL, worker_main, (void *)(intptr_t)(i + 1)) != 0) {
            stop_workers();
            rc = MXC_ERR_INTERNAL;
            break;
        }
        n_workers = i + 1;
    }
    pthread_mutex_unlock(&run_lock);
    return rc;
}

int mxc_threads_get(void) { return n_workers + 1; }

void mxc_parallel_parts(mxc_part_fn fn, void *ctx, int64_t parts, int max_slots) {
    if (parts <= 1 || max_slots <= 1 || pthread_mutex_trylock(&run_lock) != 0) {
        for (int64_t p = 0; p < parts; p++) fn(ctx, p, 0);
        return;
    }
    if (n_workers == 0) { /* read under run_lock: mxc_threads_set holds it */
        pthread_mutex_unlock(&run_lock);
        for (int64_t p = 0; p < parts; p++) fn(ctx, p, 0);
        return;
    }
    pthread_mutex_lock(&lock);
    job_fn = fn;
    job_ctx = ctx;
    job_parts = parts;
    job_slots = max_slots;
    next_part = 0;
    parts_left = parts;
    generation++;
    pthread_cond_broadcast(&wake);
    run_parts(0);
    while (parts_left > 0) pthread_cond_wait(&finished, &lock);
    pthread_mutex_unlock(&lock);
    pthread_mutex_unlock(&run_lock);
}
