/* A small pool of worker threads with a bounded queue, for work that holds a CPU for
 * long (password hashing: tens of milliseconds and 64 MiB each) and so must not run
 * on the threads that serve the rest of the API.  Work beyond the queue's bound is
 * refused at once rather than queued without limit, so a flood costs a bounded amount
 * of memory and waiting.  Knows nothing of HTTP: the HTTP layer submits its deferred
 * requests here (request_defer() in request.h). */
#ifndef NEUTRINO_WORKPOOL_H
#define NEUTRINO_WORKPOOL_H

#include <stdbool.h>
#include <stddef.h>

struct workpool;

/* A job: runs 'arg''s work, or only releases what 'arg' holds when 'cancelled' (the
 * pool is stopping and the job never started).  Either way it runs exactly once. */
typedef void workpool_fn(void *arg, bool cancelled);

/* Starts 'n_threads' workers (at least 1) whose queue holds at most 'queue_len' jobs
 * waiting for a worker.  The workers run at a lower CPU priority than the rest of the
 * process, so that the short requests of other threads go first when the CPUs are
 * busy.  Returns NULL if no thread could be started. */
struct workpool *workpool_create(unsigned int n_threads, unsigned int queue_len);

/* Queues 'fn(arg)'.  Returns 0, or -EAGAIN when the queue is full or the pool is
 * stopping (nothing is queued then). */
int workpool_submit(struct workpool *p, workpool_fn *fn, void *arg);

/* Stops taking work, cancels the jobs still queued (they run with 'cancelled'), waits
 * for the jobs in hand to finish.  Later submits fail.  Idempotent; NULL is allowed. */
void workpool_stop(struct workpool *p);

/* Stops the pool and frees it.  NULL does nothing. */
void workpool_destroy(struct workpool *p);

/* Number of workers and queue bound, as started. */
unsigned int workpool_threads(const struct workpool *p);
unsigned int workpool_queue_len(const struct workpool *p);

#endif
