/* An API family: one of the interfaces the server speaks over HTTP (Neutron's v2.0
 * API, the agents' API, the built-in Keystone, the dashboard's files), described by
 * what the HTTP layer needs to serve it — its route table, how it renders an error,
 * how it authenticates callers.  The HTTP layer knows the APIs only through these
 * descriptions, which the composition root (main.c) registers under path prefixes
 * (http/router.h); so http/ and the APIs never include one another. */
#ifndef NEUTRINO_API_FAMILY_H
#define NEUTRINO_API_FAMILY_H

#include <stddef.h>

struct request;

#define ROUTE_MAX_ARGS 4

/* A handler answers 'req' (status + response) and returns 0, or -1 after answering
 * with an error.  'args' are the path segments the pattern's "*"s matched. */
typedef int route_handler(struct request *req, char *const args[]);

/* (method, path pattern) -> handler, like redis's command table.  Patterns are
 * '/'-separated segments where "*" matches any one segment. */
struct route {
    const char *method;
    const char *pattern;
    route_handler *handler;
};

/* Answers 'req' with an error in the family's format: 'status' is 400, 404, 405, 413,
 * 500 or 503, 'message' the text, or NULL for the family's usual text for 'status'. */
typedef void api_error_renderer(struct request *req, int status, const char *message);

/* Fills req->ctx with the caller.  Returns 0, or -1 after answering (401, 503). */
typedef int api_authenticator(struct request *req);

struct api_family {
    const struct route *routes;     /* Matched in order; the first match wins. */
    size_t n_routes;
    route_handler *fallback;        /* Answers what no route matches (the dashboard
                                     * serves any file under its prefix), or NULL: a
                                     * path some route has with another method is
                                     * answered 405, any other 404. */
    api_error_renderer *render_error;
    api_authenticator *authenticate;    /* Run before every route, or NULL when the
                                         * handlers check their callers themselves or
                                         * need none. */
};

#endif
