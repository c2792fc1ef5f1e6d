/* The worker pool (see workpool.h): a ring of queued jobs under one mutex, workers
 * waiting on a condition variable. */
#include "workpool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* How much less CPU the workers ask for when the CPUs are busy: nice 5 weighs about a
 * third of a normal thread.  Measured (bench/login_flood_bench.py, two cores): with 0
 * a login flood doubled the API's p95, with 10 logins slowed to a quarter of their
 * rate under API load; 5 keeps the API's p50 and p95 close to idle and logins at
 * about half their rate. */
enum { WORKER_NICE = 5 };

struct job {
    workpool_fn *fn;
    void *arg;
};

struct workpool {
    pthread_mutex_t mutex;
    pthread_cond_t wake;            /* A job was queued, or the pool is stopping. */
    struct job *ring;               /* 'queue_len' slots. */
    unsigned int queue_len;
    unsigned int head;              /* Oldest queued job. */
    unsigned int n_queued;
    bool stopping;
    pthread_t *threads;
    unsigned int n_threads;         /* Started. */
};

/* Takes the oldest queued job; waits for one.  False once stopping and empty. */
static bool
take_job(struct workpool *p, struct job *ret)
{
    pthread_mutex_lock(&p->mutex);
    while (!p->n_queued && !p->stopping) {
        pthread_cond_wait(&p->wake, &p->mutex);
    }
    if (!p->n_queued) {
        pthread_mutex_unlock(&p->mutex);
        return false;
    }
    *ret = p->ring[p->head];
    p->head = (p->head + 1) % p->queue_len;
    p->n_queued--;
    bool cancelled = p->stopping;
    pthread_mutex_unlock(&p->mutex);
    if (cancelled) {
        ret->fn(ret->arg, true);
        return take_job(p, ret);
    }
    return true;
}

static void *
worker_main(void *arg)
{
    struct workpool *p = arg;
    struct job job;

    /* Linux gives each thread its own nice value. */
    (void) setpriority(PRIO_PROCESS, (id_t) syscall(SYS_gettid), WORKER_NICE);
    while (take_job(p, &job)) {
        job.fn(job.arg, false);
    }
    return NULL;
}

struct workpool *
workpool_create(unsigned int n_threads, unsigned int queue_len)
{
    struct workpool *p = xcalloc(1, sizeof *p);

    pthread_mutex_init(&p->mutex, NULL);
    pthread_cond_init(&p->wake, NULL);
    p->queue_len = queue_len ? queue_len : 1;
    p->ring = xcalloc(p->queue_len, sizeof *p->ring);
    n_threads = n_threads ? n_threads : 1;
    p->threads = xcalloc(n_threads, sizeof *p->threads);
    for (unsigned int i = 0; i < n_threads; i++) {
        if (pthread_create(&p->threads[p->n_threads], NULL, worker_main, p) == 0) {
            p->n_threads++;
        }
    }
    if (!p->n_threads) {
        workpool_destroy(p);
        return NULL;
    }
    return p;
}

int
workpool_submit(struct workpool *p, workpool_fn *fn, void *arg)
{
    int r = -EAGAIN;

    pthread_mutex_lock(&p->mutex);
    if (!p->stopping && p->n_queued < p->queue_len) {
        p->ring[(p->head + p->n_queued) % p->queue_len] = (struct job) { fn, arg };
        p->n_queued++;
        pthread_cond_signal(&p->wake);
        r = 0;
    }
    pthread_mutex_unlock(&p->mutex);
    return r;
}

void
workpool_stop(struct workpool *p)
{
    if (!p) {
        return;
    }
    pthread_mutex_lock(&p->mutex);
    bool joined = p->stopping;
    p->stopping = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mutex);
    if (joined) {
        return;
    }
    for (unsigned int i = 0; i < p->n_threads; i++) {
        pthread_join(p->threads[i], NULL);
    }
}

void
workpool_destroy(struct workpool *p)
{
    if (!p) {
        return;
    }
    workpool_stop(p);
    pthread_mutex_destroy(&p->mutex);
    pthread_cond_destroy(&p->wake);
    free(p->ring);
    free(p->threads);
    free(p);
}

unsigned int
workpool_threads(const struct workpool *p)
{
    return p->n_threads;
}

unsigned int
workpool_queue_len(const struct workpool *p)
{
    return p->queue_len;
}
