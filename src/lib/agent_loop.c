/* The agents' loop; see agent_loop.h. */
#include "agent_loop.h"

#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "agent_process.h"
#include "array.h"
#include "feed.h"
#include "log.h"
#include "server_client.h"
#include "util.h"

enum {
    IDLE_WAKE_MS = 60000,       /* Longest sleep without a periodic comparison. */
    FD_FEED = 0,                /* Slots of the loop's own descriptors in 'fds'. */
    FD_SIGNAL = 1,
};

struct agent_loop {
    struct agent_loop_config cfg;
    const struct agent_loop_ops *ops;
    void *agent;
    int sfd;                    /* Stop signals. */
    struct server_client *sc;
    struct feed *feed;
    bool started;               /* First heartbeat answered (start_flag sent). */
    bool need_sync;
    int64_t next_report;        /* When the next heartbeat is due. */
    struct pollfd *fds;         /* This round's: the feed, the signals, the agent's. */
    size_t n_fds, cap_fds;
};

int64_t
agent_loop_now_ms(void)
{
    return (int64_t) (time_mono_us() / 1000);
}

struct agent_loop *
agent_loop_create(const struct agent_loop_config *cfg, const struct agent_loop_ops *ops,
                  void *agent)
{
    int sfd = agent_process_start(cfg->server);
    struct agent_loop *l;

    if (sfd < 0) {
        return NULL;
    }
    l = xcalloc(1, sizeof *l);
    l->cfg = *cfg;
    l->ops = ops;
    l->agent = agent;
    l->sfd = sfd;
    l->sc = server_client_create(cfg->server);
    l->feed = feed_create(cfg->server, cfg->host, cfg->audience);
    l->need_sync = true;
    return l;
}

struct server_client *
agent_loop_client(struct agent_loop *l)
{
    return l->sc;
}

void
agent_loop_resync(struct agent_loop *l)
{
    l->need_sync = true;
}

void
agent_loop_watch(struct agent_loop *l, int fd)
{
    l->fds = array_grow(l->fds, l->n_fds, &l->cap_fds, sizeof *l->fds);
    l->fds[l->n_fds++] = (struct pollfd) { fd, POLLIN, 0 };
}

/* Heartbeat; a first success, or "revived", asks for a full comparison. */
static int
report(struct agent_loop *l)
{
    return agent_report(l->sc, l->ops->report_state(l->agent), &l->started, &l->need_sync);
}

/* A full comparison, then the feed goes on from where it stood. */
static int
full_sync(struct agent_loop *l)
{
    int64_t seq = 0;
    int r = l->ops->full_sync(l->agent, &seq);

    if (r) {
        return r;
    }
    r = feed_start(l->feed, seq);
    if (r) {
        log_msg(LOG_LEVEL_ERR, l->cfg.log_module, "cannot start following the change feed");
        return r;
    }
    l->need_sync = false;
    return 0;
}

/* The heartbeat if it is due.  0, or the failed call's result. */
static int
report_if_due(struct agent_loop *l, int64_t now)
{
    int r;

    if (!l->cfg.report_interval || now < l->next_report) {
        return 0;
    }
    r = report(l);
    if (!r) {
        l->next_report = now + l->cfg.report_interval * 1000;
    }
    return r;
}

void
agent_loop_keepalive(struct agent_loop *l)
{
    /* A failure is the round's to notice: the next call, or the next round, retries. */
    if (l->started) {
        (void) report_if_due(l, agent_loop_now_ms());
    }
}

/* The server's part of a round: heartbeat if due, comparison if needed, then what the
 * agent has queued.  False when the server failed us somewhere. */
static bool
server_round(struct agent_loop *l, int64_t now)
{
    if (l->cfg.report_interval && now >= l->next_report) {
        if (report_if_due(l, now)) {
            return false;
        }
    } else if (!l->started && report(l)) {
        return false;
    }
    if (l->need_sync && full_sync(l)) {
        return false;
    }
    return !l->ops->flush || l->ops->flush(l->agent) == 0;
}

static void
take_changes(struct agent_loop *l)
{
    bool sync_pending = l->need_sync, resync;
    json_t *changes = feed_take(l->feed, &resync);

    if (resync) {
        l->need_sync = true;    /* Changes may have been missed. */
    }
    l->ops->on_changes(l->agent, changes, sync_pending);
    json_decref(changes);
}

int
agent_loop_run(struct agent_loop *l)
{
    int64_t every = l->cfg.sync_every_ms;
    int64_t next_sync = agent_loop_now_ms() + every, retry_at = 0;

    for (;;) {
        int64_t now = agent_loop_now_ms();
        int64_t wake = every ? next_sync : now + IDLE_WAKE_MS;

        if (now >= retry_at && !server_round(l, now)) {
            l->need_sync = true;        /* Once it is back, compare everything. */
            retry_at = now + l->cfg.retry_ms;
        }
        if (l->ops->tick) {
            int64_t t = l->ops->tick(l->agent);
            wake = t < wake ? t : wake;
        }
        if (l->cfg.report_interval && l->next_report < wake) {
            wake = l->next_report;
        }
        if (retry_at > now && retry_at < wake) {
            wake = retry_at;
        }
        l->n_fds = 0;
        agent_loop_watch(l, feed_fd(l->feed));      /* FD_FEED */
        agent_loop_watch(l, l->sfd);                /* FD_SIGNAL */
        if (l->ops->watch) {
            l->ops->watch(l->agent, l);
        }
        now = agent_loop_now_ms();
        if (poll(l->fds, l->n_fds, (int) (wake > now ? wake - now : 0)) < 0 && errno != EINTR) {
            log_msg(LOG_LEVEL_ERR, l->cfg.log_module, "poll: %s", strerror(errno));
            return 1;
        }
        if (l->fds[FD_SIGNAL].revents) {
            struct signalfd_siginfo si;
            if (read(l->sfd, &si, sizeof si) > 0) {
                log_msg(LOG_LEVEL_INFO, l->cfg.log_module, "signal %u: stopping%s",
                        si.ssi_signo, l->cfg.stop_note ? l->cfg.stop_note : "");
            }
            return 0;
        }
        for (size_t i = FD_SIGNAL + 1; i < l->n_fds && l->ops->on_fd; i++) {
            if (l->fds[i].revents) {
                l->ops->on_fd(l->agent, l->fds[i].fd);
            }
        }
        if (l->fds[FD_FEED].revents) {
            take_changes(l);
        }
        if (every && agent_loop_now_ms() >= next_sync) {
            l->need_sync = true;
            next_sync = agent_loop_now_ms() + every;
        }
    }
}

void
agent_loop_destroy(struct agent_loop *l)
{
    if (l) {
        feed_destroy(l->feed);
        server_client_destroy(l->sc);
        close(l->sfd);
        free(l->fds);
        free(l);
    }
    curl_global_cleanup();
}
