/* The loop both agents run: heartbeats every report_interval, full comparisons with
 * the server (at start, when the server says the agent was thought dead, when the
 * change feed was lost, after a failure, and periodically if asked), a pause before
 * retrying after a failure, the change feed (feed.h) and its eventfd, stop signals,
 * and one poll() over all of it plus the agent's own descriptors.
 *
 * What differs between the agents is in struct agent_loop_ops: what the heartbeat
 * says, what a full comparison does, what is sent after it, what a change means, and
 * which descriptors and timers of their own they watch.  One thread; every callback
 * runs on it. */
#ifndef NEUTRINO_AGENT_LOOP_H
#define NEUTRINO_AGENT_LOOP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "agent_proto.h"

struct agent_loop;
struct server_client;
struct server_settings;

struct agent_loop_config {
    const char *log_module;             /* The agent's, for the loop's log lines. */
    const struct server_settings *server;
    const char *host;
    enum agent_audience audience;       /* Which changes the feed asks for. */
    int report_interval;                /* Seconds between heartbeats; 0: only the first. */
    int64_t retry_ms;                   /* Pause after the server failed us. */
    int64_t sync_every_ms;              /* Safety-net full comparison; 0: none (then the
                                         * loop still wakes once a minute). */
    const char *stop_note;              /* Appended to the "stopping" line, or NULL. */
};

struct agent_loop_ops {
    /* The heartbeat's agent state ({agent_type, binary, host, configurations…}); the
     * loop adds start_flag and sends it. */
    json_t *(*report_state)(void *agent);
    /* Compares everything with the server.  On success returns 0 with '*seq', the
     * change-feed position the comparison saw (the feed goes on from there); else a
     * negative errno, and the comparison is made again after the pause. */
    int (*full_sync)(void *agent, int64_t *seq);
    /* Sends what is queued for the server, after the heartbeat and any comparison.
     * 0, or a negative errno (the server failed us: pause, then compare everything).
     * NULL: nothing to send. */
    int (*flush)(void *agent);
    /* The changes the feed heard (a JSON array, borrowed).  'sync_pending': a full
     * comparison comes before anything else is sent, and reads it all anyway. */
    void (*on_changes)(void *agent, const json_t *changes, bool sync_pending);
    /* Each round, after the server's part: the agent's own timers.  Returns when (ms,
     * time_mono_us() / 1000) it wants the next round, or INT64_MAX.  NULL: none. */
    int64_t (*tick)(void *agent);
    /* Adds the agent's descriptors to watch this round (agent_loop_watch()).  NULL:
     * none. */
    void (*watch)(void *agent, struct agent_loop *loop);
    /* One of them is readable.  NULL: readiness only starts a new round (for tick). */
    void (*on_fd)(void *agent, int fd);
};

/* Blocks the stop signals and starts libcurl (agent_process_start()), then makes the
 * server client and the feed.  NULL if the signals cannot be watched. */
struct agent_loop *agent_loop_create(const struct agent_loop_config *cfg,
                                     const struct agent_loop_ops *ops, void *agent);
/* The client for the agent's own calls to the server (this thread's). */
struct server_client *agent_loop_client(struct agent_loop *loop);
/* Asks for a full comparison before anything else is sent. */
void agent_loop_resync(struct agent_loop *loop);
/* Sends the heartbeat if it is due, from inside a long piece of the agent's work (a
 * start-up wiring a thousand taps): the server would otherwise think the agent dead
 * and, once the heartbeat comes back, answer "revived", asking for a second full
 * comparison of work just done.  Only once the agent has started; failures are left to
 * the loop's next round. */
void agent_loop_keepalive(struct agent_loop *loop);
/* Watches 'fd' for input during this round (from ops->watch). */
void agent_loop_watch(struct agent_loop *loop, int fd);
/* Runs until a stop signal (0) or a failed poll() (1): the process exit status. */
int agent_loop_run(struct agent_loop *loop);
/* Stops the feed and frees everything, then libcurl.  NULL is fine. */
void agent_loop_destroy(struct agent_loop *loop);

/* Milliseconds of the monotonic clock, the loop's and its callbacks' time. */
int64_t agent_loop_now_ms(void);

#endif
