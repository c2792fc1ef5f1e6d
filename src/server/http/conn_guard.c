/* The header deadline (see conn_guard.h).  Every connection has a record, kept in
 * libmicrohttpd's socket context; those waiting for a request are on one list in
 * deadline order.  The timeout is the same for all, so a connection that starts
 * waiting goes to the tail and the list stays sorted: the thread only ever looks at
 * the head. */
#include "conn_guard.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"
#include "util.h"

LOG_MODULE("http");

/* One connection. */
struct guarded {
    int fd;                     /* The socket, shut down at the deadline. */
    bool waiting;               /* On the deadline list. */
    bool expired;               /* Shut down by the guard; libmicrohttpd will close it. */
    uint64_t deadline_us;       /* Monotonic; meaningful while 'waiting'. */
    struct guarded *prev;
    struct guarded *next;
};

struct conn_guard {
    uint64_t timeout_us;        /* 0: no deadline. */
    pthread_mutex_t mutex;      /* Guards the list and every record's fields. */
    pthread_cond_t cond;        /* The list's head changed, or the guard stops. */
    struct guarded *head;       /* Waiting connections, earliest deadline first. */
    struct guarded *tail;
    bool stopping;
    bool thread_started;
    pthread_t thread;
};

static void
unlink_waiting(struct conn_guard *g, struct guarded *c)
{
    if (!c->waiting) {
        return;
    }
    *(c->prev ? &c->prev->next : &g->head) = c->next;
    *(c->next ? &c->next->prev : &g->tail) = c->prev;
    c->prev = c->next = NULL;
    c->waiting = false;
}

static void
start_waiting(struct conn_guard *g, struct guarded *c)
{
    if (c->waiting || c->expired) {
        return;
    }
    c->deadline_us = time_mono_us() + g->timeout_us;
    c->prev = g->tail;
    c->next = NULL;
    *(g->tail ? &g->tail->next : &g->head) = c;
    g->tail = c;
    c->waiting = true;
    if (g->head == c) {
        pthread_cond_signal(&g->cond);  /* The thread may be sleeping with no deadline. */
    }
}

/* Shuts down the connections whose deadline has passed; libmicrohttpd sees the end of
 * the stream and closes them (the socket stays open until it does, so the descriptor
 * cannot be someone else's: the close notification, which forgets the record, comes
 * before libmicrohttpd closes it). */
static void
expire_due(struct conn_guard *g)
{
    uint64_t now = time_mono_us();

    while (g->head && g->head->deadline_us <= now) {
        struct guarded *c = g->head;

        unlink_waiting(g, c);
        c->expired = true;
        (void) shutdown(c->fd, SHUT_RDWR);
        log_warn_rl("closing a connection that sent no complete request within %llu s",
                    (unsigned long long) (g->timeout_us / 1000000));
    }
}

static struct timespec
mono_deadline(uint64_t deadline_us)
{
    return (struct timespec) { .tv_sec = (time_t) (deadline_us / 1000000),
                               .tv_nsec = (long) (deadline_us % 1000000) * 1000 };
}

static void *
guard_main(void *arg)
{
    struct conn_guard *g = arg;

    pthread_mutex_lock(&g->mutex);
    while (!g->stopping) {
        expire_due(g);
        if (g->head) {
            struct timespec ts = mono_deadline(g->head->deadline_us);
            pthread_cond_timedwait(&g->cond, &g->mutex, &ts);
        } else {
            pthread_cond_wait(&g->cond, &g->mutex);
        }
    }
    pthread_mutex_unlock(&g->mutex);
    return NULL;
}

struct conn_guard *
conn_guard_create(unsigned int timeout_s)
{
    struct conn_guard *g = xcalloc(1, sizeof *g);
    pthread_condattr_t attr;

    g->timeout_us = (uint64_t) timeout_s * 1000000;
    pthread_mutex_init(&g->mutex, NULL);
    /* time_mono_us() is CLOCK_MONOTONIC: the deadlines are waited for on that clock. */
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&g->cond, &attr);
    pthread_condattr_destroy(&attr);
    if (g->timeout_us) {
        if (pthread_create(&g->thread, NULL, guard_main, g)) {
            conn_guard_destroy(g);
            return NULL;
        }
        g->thread_started = true;
    }
    return g;
}

void
conn_guard_destroy(struct conn_guard *g)
{
    if (!g) {
        return;
    }
    if (g->thread_started) {
        pthread_mutex_lock(&g->mutex);
        g->stopping = true;
        pthread_cond_signal(&g->cond);
        pthread_mutex_unlock(&g->mutex);
        pthread_join(g->thread, NULL);
    }
    pthread_mutex_destroy(&g->mutex);
    pthread_cond_destroy(&g->cond);
    free(g);
}

static struct guarded *
guarded_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return info ? info->socket_context : NULL;
}

void
conn_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                  enum MHD_ConnectionNotificationCode code)
{
    struct conn_guard *g = cls;
    struct guarded *c = *socket_context;

    if (!g->timeout_us) {
        return;
    }
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

        c = xcalloc(1, sizeof *c);
        c->fd = info ? info->connect_fd : -1;
        *socket_context = c;
        if (c->fd >= 0) {
            pthread_mutex_lock(&g->mutex);
            start_waiting(g, c);
            pthread_mutex_unlock(&g->mutex);
        }
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && c) {
        pthread_mutex_lock(&g->mutex);
        unlink_waiting(g, c);
        pthread_mutex_unlock(&g->mutex);
        free(c);
        *socket_context = NULL;
    }
}

void
conn_guard_request_begun(struct conn_guard *g, struct MHD_Connection *conn)
{
    struct guarded *c = g->timeout_us ? guarded_of(conn) : NULL;

    if (c) {
        pthread_mutex_lock(&g->mutex);
        unlink_waiting(g, c);
        pthread_mutex_unlock(&g->mutex);
    }
}

void
conn_guard_request_ended(struct conn_guard *g, struct MHD_Connection *conn)
{
    struct guarded *c = g->timeout_us ? guarded_of(conn) : NULL;

    if (c && c->fd >= 0) {
        pthread_mutex_lock(&g->mutex);
        start_waiting(g, c);
        pthread_mutex_unlock(&g->mutex);
    }
}
