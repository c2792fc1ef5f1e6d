/* The housekeeping timer: the server's periodic work, on a thread of its own with its
 * own store connection.  What only the passing of time brings about is done here
 * rather than in the agents' heartbeat handlers, which run only when some agent
 * reports and would make every report pay for it:
 *
 *   - the change feed is pruned to its newest rows (agents further behind resync);
 *   - networks move off DHCP agents silent for twice agent_down_time
 *     (dhcp_failover()), and routers off such L3 agents (l3_failover());
 *   - an agent that has just gone down is logged.  Liveness itself is computed from
 *     heartbeat_at when read (agent_is_alive()): nothing stores it.
 *
 * Each job is one write transaction, so one failing leaves the others done.  Servers
 * sharing a PostgreSQL database each run the timer; the jobs
 * read what to do inside their transaction, under the store's write lock, so the
 * second server to get there finds nothing left and two runs never both act.  A job
 * that fails (a conflict, a lost connection) is not retried at once: the jobs are
 * idempotent, and the next period runs it again. */
#ifndef NEUTRINO_CORE_HOUSEKEEPING_H
#define NEUTRINO_CORE_HOUSEKEEPING_H

#include <stdint.h>

#include "buf.h"

struct app;
struct housekeeping;
struct server_config;
struct store;
struct store_conn;

/* How many of the newest changes the feed keeps. */
#define HOUSEKEEPING_KEEP_CHANGES 100000

/* Starts the timer.  Its jobs commit through 'store', so store_on_feed_commit() must
 * be set first for their changes to wake long-polls.  'app' (NULL: none) is what the
 * jobs that change ports through the core need (L3 failover).  Returns 0 or a negative errno
 * with 'error' set. */
int housekeeping_start(const struct server_config *cfg, struct store *store,
                       const struct app *app, struct housekeeping **ret, struct buf *error);
/* Stops the timer at once (a job under way finishes first) and joins its thread,
 * which closes its store connection: call it before store_close(). NULL is a no-op. */
void housekeeping_stop(struct housekeeping *h);

/* Milliseconds between runs: half agent_down_time, as Neutron's agent checks, so a
 * dead DHCP agent's networks move at most 2.5 agent_down_time after its last report;
 * at most 30 s, so a long agent_down_time does not leave the feed unpruned. */
int housekeeping_period_ms(const struct server_config *cfg);

/* Forgets the changes older than the newest 'keep', once there are a tenth more than
 * that (so a busy feed is pruned in batches, not row by row).  One job of the timer. */
int housekeeping_prune_feed(struct store_conn *c, int64_t keep);

#endif
