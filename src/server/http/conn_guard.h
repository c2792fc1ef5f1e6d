/* The header deadline of the HTTP front end: a connection that is waiting for a
 * request — idle after an answer, or still sending a request line and headers — gets
 * 'timeout' seconds to complete the next request's headers, and is closed when it has
 * not.  libmicrohttpd's own connection timeout counts only inactivity, so a client
 * that trickles one header byte now and then (slowloris) would hold a connection and
 * its memory for ever; this deadline does not move while bytes arrive.  A request
 * being handled (its headers complete), including a suspended long-poll, is not
 * waiting and has no deadline here.
 *
 * server.c registers conn_guard_notify() as libmicrohttpd's connection notifier and
 * tells the guard when a request's headers are complete and when its answer is done;
 * the guard's thread shuts down the sockets whose deadline has passed, and
 * libmicrohttpd then closes them as it would a client that hung up. */
#ifndef NEUTRINO_HTTP_CONN_GUARD_H
#define NEUTRINO_HTTP_CONN_GUARD_H

#include <microhttpd.h>

struct conn_guard;

/* Starts a guard with a deadline of 'timeout_s' seconds (0: none, the guard only
 * counts).  Returns NULL if its thread cannot be started. */
struct conn_guard *conn_guard_create(unsigned int timeout_s);
/* Stops the guard's thread and frees it; call it after every daemon using it stopped.
 * NULL does nothing. */
void conn_guard_destroy(struct conn_guard *g);

/* libmicrohttpd's MHD_OPTION_NOTIFY_CONNECTION callback; 'cls' is the guard.  A new
 * connection starts waiting for its first request; a closed one is forgotten. */
void conn_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode code);
/* The headers of a request on 'conn' are complete: no deadline while it is handled. */
void conn_guard_request_begun(struct conn_guard *g, struct MHD_Connection *conn);
/* The request on 'conn' is over: the connection waits for its next one. */
void conn_guard_request_ended(struct conn_guard *g, struct MHD_Connection *conn);
#endif
