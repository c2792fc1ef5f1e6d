/* The HTTP front end: libmicrohttpd with an epoll thread pool and keep-alive.  It
 * turns each HTTP request into a struct request (bounded: path, query, body), finds
 * the API family that serves its path (router.h), has the family authenticate the
 * caller, dispatches to the family's route, runs the request again when the database
 * failed it transiently, sends the answer with the request-id header, and logs one
 * line per request (method, path, status, duration). */
#ifndef NEUTRINO_HTTP_SERVER_H
#define NEUTRINO_HTTP_SERVER_H

#include "buf.h"

struct app;
struct http_router;
struct http_server;

/* Starts serving the families of 'router' (which must have one under "", and must
 * outlive the server) on host:port with 'threads' worker threads, and also on the
 * unix socket 'unix_path' unless it is NULL or "".  'port' 0 picks a free port (see
 * http_server_port()). Returns 0 or a negative errno with 'error' set. */
int http_server_start(struct app *app, const struct http_router *router, const char *host,
                      int port, const char *unix_path, unsigned int threads,
                      struct http_server **ret, struct buf *error);
/* The port actually bound. */
int http_server_port(const struct http_server *s);
/* Wakes every parked long-poll (the change feed moved). Thread-safe. */
void http_server_wake(struct http_server *s);
/* Stops accepting, finishes or drops requests in flight, joins the threads. */
void http_server_stop(struct http_server *s);

#endif
