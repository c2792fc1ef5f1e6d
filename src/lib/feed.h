/* Following the server's change feed (GET AGENT_PATH_CHANGES, a long-poll): a thread
 * asks for the changes after the last sequence number seen, queues what it hears and
 * signals an eventfd the agent's loop polls.  When the server was unreachable (and the
 * agent has not compared everything since: no feed_start() after the loss), or says the
 * agent is too far behind, the agent is told to resynchronise (it may have missed
 * changes). */
#ifndef NEUTRINO_FEED_H
#define NEUTRINO_FEED_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "agent_proto.h"

struct server_settings;
struct feed;

/* Creates a follower of the changes for 'host' and 'audience' (AUDIENCE_L2: the
 * linux-bridge agent's; AUDIENCE_DHCP: the DHCP agent's).  Nothing is asked until
 * feed_start(). */
struct feed *feed_create(const struct server_settings *s, const char *host,
                         enum agent_audience audience);
/* Starts the thread, from sequence number 'seq' (what a full sync returned); later
 * calls only move the position.  0 or -errno. */
int feed_start(struct feed *f, int64_t seq);
/* The eventfd, readable when feed_take() has something. */
int feed_fd(const struct feed *f);
/* Takes the queued changes (a JSON array, owned by the caller); '*resync' says some
 * may have been missed. */
json_t *feed_take(struct feed *f, bool *resync);
/* Stops the thread and frees everything. */
void feed_destroy(struct feed *f);

#endif
