/* The housekeeping timer; see housekeeping.h. */
#include "housekeeping.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "config.h"
#include "core/error.h"
#include "dhcp/dhcp_sched.h"
#include "l3/l3_sched.h"
#include "log.h"
#include "store/store.h"
#include "util.h"

LOG_MODULE("housekeeping");

enum { MAX_PERIOD_MS = 30000 };

struct housekeeping {
    const struct server_config *cfg;
    const struct app *app;      /* NULL: no job that changes ports (L3 failover). */
    struct store *store;
    struct timespec started;    /* CLOCK_MONOTONIC. */
    int64_t liveness_checked;   /* Unix seconds of the last liveness run. */
    pthread_t thread;
    pthread_mutex_t mutex;
    pthread_cond_t cond;        /* Signalled to stop; waits use CLOCK_MONOTONIC. */
    bool stopping;
};

/* One periodic job: its name for the log, and its work inside a write transaction. */
struct job {
    const char *name;
    int (*run)(struct housekeeping *h, struct store_conn *c);
};

int
housekeeping_period_ms(const struct server_config *cfg)
{
    int half = cfg->agent_down_time * 500;

    return half < MAX_PERIOD_MS ? half : MAX_PERIOD_MS;
}

int
housekeeping_prune_feed(struct store_conn *c, int64_t keep)
{
    int64_t first, last;
    int r = store_change_bounds(c, &first, &last);

    if (!r && last - first > keep + keep / 10) {
        r = store_change_prune(c, last - keep);
    }
    return r;
}

static int
prune_feed(struct housekeeping *h, struct store_conn *c)
{
    return housekeeping_prune_feed(c, HOUSEKEEPING_KEEP_CHANGES);
}

static int64_t
elapsed_ms(const struct timespec *since)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t) (now.tv_sec - since->tv_sec) * 1000
           + (now.tv_nsec - since->tv_nsec) / 1000000;
}

static int
dhcp_failover_job(struct housekeeping *h, struct store_conn *c)
{
    /* After a restart every agent looks silent until it reports again: give them the
     * time a live one needs before calling any dead, as Neutron's wait_down_agents. */
    if (elapsed_ms(&h->started) < (int64_t) 2000 * h->cfg->agent_down_time) {
        return 0;
    }
    return dhcp_failover(h->cfg, c);
}

static int
l3_failover_job(struct housekeeping *h, struct store_conn *c)
{
    struct api_error err = { .errnum = 0 };
    struct context svc;
    struct op op;
    int r;

    /* As for DHCP: every agent looks silent for a while after a restart. */
    if (!h->app || elapsed_ms(&h->started) < (int64_t) 2000 * h->cfg->agent_down_time) {
        return 0;
    }
    context_service(&svc);
    op = (struct op) { h->app, &svc, c, &err };
    r = l3_failover(&op);
    if (r) {
        log_warn("L3 failover: %s", err.message);
        r = err.errnum ? err.errnum : -EIO;
    }
    return r;
}

/* The agents whose last report became too old between two liveness runs. */
struct liveness_walk {
    int64_t after, until;
    int down_time;
};

static int
log_newly_down(const struct agent *a, void *aux)
{
    const struct liveness_walk *w = aux;
    /* Down from heartbeat_at + agent_down_time on (agent_is_alive()). */
    int64_t down_at = a->heartbeat_at + w->down_time;

    if (down_at > w->after && down_at <= w->until) {
        log_warn("agent %s on host %.64s is down: it has not reported for %d s",
                 a->agent_type, a->host, w->down_time);
    }
    return 0;
}

/* Liveness is computed when read (agent_is_alive()), so nothing records the moment an
 * agent dies: this logs it, once per server, as Neutron's agent health check does. */
static int
log_liveness(struct housekeeping *h, struct store_conn *c)
{
    struct liveness_walk w = { h->liveness_checked, (int64_t) time(NULL),
                               h->cfg->agent_down_time };
    int r = store_agent_foreach(c, log_newly_down, &w);

    if (!r) {
        h->liveness_checked = w.until;
    }
    return r;
}

static const struct job jobs[] = {
    { "pruning the change feed", prune_feed },
    { "DHCP failover", dhcp_failover_job },
    { "L3 failover", l3_failover_job },
    { "agent liveness", log_liveness },
};

/* Runs each job in a transaction of its own.  A failure is logged and left to the
 * next period: every job reads afresh what is left to do. */
static void
run_jobs(struct housekeeping *h)
{
    struct store_conn *c = store_conn(h->store);

    if (!c) {
        (void) store_take_outcome(h->store);
        return;     /* The database is away (logged); the next period tries again. */
    }
    for (size_t i = 0; i < ARRAY_SIZE(jobs); i++) {
        int r = store_begin(c);
        if (!r) {
            r = store_end(c, jobs[i].run(h, c));
        }
        if (store_take_outcome(h->store) != STORE_OK) {
            log_warn_rl("%s: the database was busy or away; the next run tries again",
                        jobs[i].name);
        } else if (r) {
            log_err("%s: %s", jobs[i].name, strerror(-r));
        }
    }
}

/* Waits until 'ms' from now or until stopped; true if stopped.  Called locked. */
static bool
wait_or_stop(struct housekeeping *h, int ms)
{
    struct timespec deadline;

    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += ms / 1000;
    deadline.tv_nsec += (long) (ms % 1000) * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    while (!h->stopping
           && pthread_cond_timedwait(&h->cond, &h->mutex, &deadline) != ETIMEDOUT) {
        continue;   /* Spurious wake-up. */
    }
    return h->stopping;
}

static void *
housekeeping_main(void *arg)
{
    struct housekeeping *h = arg;
    int period = housekeeping_period_ms(h->cfg);

    pthread_mutex_lock(&h->mutex);
    /* The period counts from the end of a run, so a slow run never makes them pile up. */
    while (!wait_or_stop(h, period)) {
        pthread_mutex_unlock(&h->mutex);
        run_jobs(h);
        pthread_mutex_lock(&h->mutex);
    }
    pthread_mutex_unlock(&h->mutex);
    return NULL;
}

int
housekeeping_start(const struct server_config *cfg, struct store *store,
                   const struct app *app, struct housekeeping **ret, struct buf *error)
{
    struct housekeeping *h = xcalloc(1, sizeof *h);
    pthread_condattr_t attr;
    int err;

    h->cfg = cfg;
    h->app = app;
    h->store = store;
    clock_gettime(CLOCK_MONOTONIC, &h->started);
    h->liveness_checked = (int64_t) time(NULL);
    pthread_mutex_init(&h->mutex, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&h->cond, &attr);
    pthread_condattr_destroy(&attr);
    err = pthread_create(&h->thread, NULL, housekeeping_main, h);
    if (err) {
        buf_printf(error, "cannot start the housekeeping thread: %s", strerror(err));
        pthread_cond_destroy(&h->cond);
        pthread_mutex_destroy(&h->mutex);
        free(h);
        return -err;
    }
    log_debug("housekeeping every %d ms", housekeeping_period_ms(cfg));
    *ret = h;
    return 0;
}

void
housekeeping_stop(struct housekeeping *h)
{
    if (!h) {
        return;
    }
    pthread_mutex_lock(&h->mutex);
    h->stopping = true;
    pthread_cond_signal(&h->cond);
    pthread_mutex_unlock(&h->mutex);
    pthread_join(h->thread, NULL);
    pthread_cond_destroy(&h->cond);
    pthread_mutex_destroy(&h->mutex);
    free(h);
}
