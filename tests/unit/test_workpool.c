/* Unit tests for src/server/workpool.c: the queue's bound, and stopping (jobs in hand
 * finish, jobs still queued are cancelled, each job runs exactly once). */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "workpool.h"

/* A job that, when 'hold' is set, says it started and waits until released. */
struct gate {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    bool started, released;
    int ran, cancelled;
};

static struct gate gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };

static void
held_job(void *arg, bool cancelled)
{
    pthread_mutex_lock(&gate.mutex);
    if (arg && !cancelled) {
        gate.started = true;
        pthread_cond_broadcast(&gate.cond);
        while (!gate.released) {
            pthread_cond_wait(&gate.cond, &gate.mutex);
        }
    }
    if (cancelled) {
        gate.cancelled++;
    } else {
        gate.ran++;
    }
    pthread_mutex_unlock(&gate.mutex);
}

static void
gate_reset(void)
{
    gate.started = gate.released = false;
    gate.ran = gate.cancelled = 0;
}

static void
wait_started(void)
{
    pthread_mutex_lock(&gate.mutex);
    while (!gate.started) {
        pthread_cond_wait(&gate.cond, &gate.mutex);
    }
    pthread_mutex_unlock(&gate.mutex);
}

/* Waits until 'n' jobs ran (signalled as each one ends). */
static void
wait_ran(int n)
{
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&gate.mutex);
        int ran = gate.ran;
        pthread_mutex_unlock(&gate.mutex);
        if (ran >= n) {
            return;
        }
        usleep(10 * 1000);
    }
}

static void
release(void)
{
    pthread_mutex_lock(&gate.mutex);
    gate.released = true;
    pthread_cond_broadcast(&gate.cond);
    pthread_mutex_unlock(&gate.mutex);
}

static void
workpool_refuses_beyond_its_queue(void **state)
{
    struct workpool *p = workpool_create(1, 2);

    (void) state;
    gate_reset();
    assert_non_null(p);
    assert_int_equal(workpool_threads(p), 1);
    assert_int_equal(workpool_submit(p, held_job, &gate), 0);
    wait_started();                                 /* The worker holds it. */
    assert_int_equal(workpool_submit(p, held_job, NULL), 0);
    assert_int_equal(workpool_submit(p, held_job, NULL), 0);
    assert_int_equal(workpool_submit(p, held_job, NULL), -EAGAIN);
    release();
    wait_ran(3);
    workpool_destroy(p);
    assert_int_equal(gate.ran, 3);
    assert_int_equal(gate.cancelled, 0);
}

static void *
stop_pool(void *arg)
{
    workpool_stop(arg);
    return NULL;
}

static void
workpool_stop_cancels_queued_jobs(void **state)
{
    struct workpool *p = workpool_create(1, 4);
    pthread_t stopper;

    (void) state;
    gate_reset();
    assert_int_equal(workpool_submit(p, held_job, &gate), 0);
    wait_started();
    assert_int_equal(workpool_submit(p, held_job, NULL), 0);
    assert_int_equal(workpool_submit(p, held_job, NULL), 0);
    assert_int_equal(pthread_create(&stopper, NULL, stop_pool, p), 0);
    usleep(200 * 1000);                             /* Let it mark the pool stopping. */
    assert_int_equal(workpool_submit(p, held_job, NULL), -EAGAIN);
    release();
    pthread_join(stopper, NULL);
    assert_int_equal(gate.ran, 1);                  /* The job in hand finished. */
    assert_int_equal(gate.cancelled, 2);
    workpool_destroy(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(workpool_refuses_beyond_its_queue),
        cmocka_unit_test(workpool_stop_cancels_queued_jobs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
