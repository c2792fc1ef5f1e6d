/* The route table: (method, path pattern) -> handler, like redis's command table.
 * Patterns are '/'-separated segments where "*" matches any one segment; the matched
 * segments are passed to the handler in order.  A path that matches some route with
 * another method answers 405; no match answers 404. */
#ifndef NEUTRINO_HTTP_ROUTER_H
#define NEUTRINO_HTTP_ROUTER_H

#include <stdbool.h>

struct request;

#define ROUTE_MAX_ARGS 4

/* A handler answers 'req' (status + response) and returns 0, or -1 after api_fail(). */
typedef int route_handler(struct request *req, char *const args[]);

/* Dispatches 'req' to its handler; always leaves an answer in 'req'. */
void router_dispatch(struct request *req);

/* True for paths of the identity API (/v3..., /identity...), which authenticate
 * their callers themselves. */
bool router_is_identity(const char *path);

#endif
