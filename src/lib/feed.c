/* The change-feed follower; see feed.h. */
#include "feed.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "agent_proto.h"
#include "log.h"
#include "server_client.h"
#include "util.h"

LOG_MODULE("feed");

enum {
    POLL_WAIT_S = 25,           /* Long-poll wait; the HTTP timeout is longer. */
};

struct feed {
    struct server_client *sc;
    char *host;
    enum agent_audience audience;
    pthread_t thread;
    bool started;
    volatile bool stopping;
    int efd;

    pthread_mutex_t mutex;      /* Guards what follows. */
    json_t *queue;
    bool resync;
    int64_t seq;
    /* feed_start() calls: one made after the feed lost the server means a full sync
     * has covered whatever the loss may have hidden. */
    uint64_t starts;
};

struct feed *
feed_create(const struct server_settings *s, const char *host, enum agent_audience audience)
{
    struct feed *f = xcalloc(1, sizeof *f);

    f->sc = server_client_create(s);
    f->host = xstrdup(host);
    f->audience = audience;
    f->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    f->queue = json_array();
    pthread_mutex_init(&f->mutex, NULL);
    return f;
}

static void
wake(struct feed *f)
{
    uint64_t one = 1;

    if (write(f->efd, &one, sizeof one) < 0) {
        log_warn_rl("eventfd: %s", strerror(errno));
    }
}

static void *
feed_main(void *arg)
{
    struct feed *f = arg;
    bool lost = false;
    uint64_t starts_when_lost = 0;

    while (!f->stopping) {
        char *path;
        json_t *ans = NULL;
        int64_t seq;
        int r;

        pthread_mutex_lock(&f->mutex);
        seq = f->seq;
        pthread_mutex_unlock(&f->mutex);
        /* The linux-bridge agents' audience is the default: no parameter. */
        path = xasprintf(AGENT_PATH_CHANGES "?" AGENT_PARAM_HOST "=%s&" AGENT_PARAM_AFTER
                         "=%lld&" AGENT_PARAM_WAIT "=%d%s%s", f->host, (long long) seq,
                         POLL_WAIT_S,
                         f->audience != AUDIENCE_L2 ? "&" AGENT_PARAM_AUDIENCE "=" : "",
                         f->audience != AUDIENCE_L2 ? agent_audience_name(f->audience) : "");
        r = server_call(f->sc, "GET", path, NULL, POLL_WAIT_S + 15, &ans, NULL);
        free(path);
        if (r == -ECANCELED) {
            break;
        }
        if (r) {
            lost = true;
            pthread_mutex_lock(&f->mutex);
            starts_when_lost = f->starts;
            pthread_mutex_unlock(&f->mutex);
            for (int i = 0; i < 10 && !f->stopping; i++) {
                usleep(100 * 1000);
            }
            continue;
        }
        pthread_mutex_lock(&f->mutex);
        if (f->seq == seq) {        /* A full sync may have moved it meanwhile. */
            size_t i;
            json_t *c;
            json_array_foreach (json_object_get(ans, AGENT_FIELD_CHANGES), i, c) {
                json_array_append(f->queue, c);
            }
            f->seq = json_integer_value(json_object_get(ans, AGENT_FIELD_SEQ));
        }
        /* Changes may have been missed: compare everything.  Not when the agent has
         * done so since the loss (it starts over after the server comes back): a
         * second comparison would find nothing the first did not. */
        if ((lost && f->starts == starts_when_lost)
            || json_is_true(json_object_get(ans, AGENT_FIELD_RESYNC))) {
            f->resync = true;
        }
        lost = false;
        pthread_mutex_unlock(&f->mutex);
        json_decref(ans);
        wake(f);
    }
    return NULL;
}

int
feed_start(struct feed *f, int64_t seq)
{
    pthread_mutex_lock(&f->mutex);
    f->seq = seq;
    f->starts++;
    pthread_mutex_unlock(&f->mutex);
    if (f->started) {
        return 0;
    }
    if (pthread_create(&f->thread, NULL, feed_main, f)) {
        return -EAGAIN;
    }
    f->started = true;
    return 0;
}

int
feed_fd(const struct feed *f)
{
    return f->efd;
}

json_t *
feed_take(struct feed *f, bool *resync)
{
    uint64_t v;
    json_t *q;

    if (read(f->efd, &v, sizeof v) < 0 && errno != EAGAIN) {
        log_warn_rl("eventfd: %s", strerror(errno));
    }
    pthread_mutex_lock(&f->mutex);
    q = f->queue;
    f->queue = json_array();
    *resync = f->resync;
    f->resync = false;
    pthread_mutex_unlock(&f->mutex);
    return q;
}

void
feed_destroy(struct feed *f)
{
    if (!f) {
        return;
    }
    f->stopping = true;
    server_client_abort(f->sc);
    if (f->started) {
        pthread_join(f->thread, NULL);
    }
    server_client_destroy(f->sc);
    json_decref(f->queue);
    close(f->efd);
    pthread_mutex_destroy(&f->mutex);
    free(f->host);
    free(f);
}
