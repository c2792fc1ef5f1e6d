/* Which API family answers a path, and which of its routes: families are registered
 * under path prefixes (the longest matching prefix wins; "" catches every path no
 * other prefix does), then the family's route table maps (method, rest of the path)
 * to a handler.  A path that some route has with another method answers 405; no
 * match answers 404; both in the family's error format. */
#ifndef NEUTRINO_HTTP_ROUTER_H
#define NEUTRINO_HTTP_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "api_family.h"

struct request;

#define HTTP_MAX_MOUNTS 8

/* A family registered under a prefix. */
struct http_mount {
    const char *prefix;     /* The path itself or a parent of it: "/v2.0" serves "/v2.0"
                             * and "/v2.0/..."; a prefix ending in '/' only what is
                             * below it. */
    bool strip_prefix;      /* Routes are matched without the prefix, which is kept in
                             * req->api_prefix (the identity API under "/identity"). */
    const struct api_family *family;
};

struct http_router {
    struct http_mount mounts[HTTP_MAX_MOUNTS];
    size_t n_mounts;
};

/* Serves 'family' under 'prefix'.  Aborts past HTTP_MAX_MOUNTS (a programming
 * error). */
void http_register_family(struct http_router *r, const char *prefix, bool strip_prefix,
                          const struct api_family *family);

/* The mount that serves 'path', or NULL if none does (no family under ""). */
const struct http_mount *http_router_find(const struct http_router *r, const char *path);

/* Dispatches 'req' to the handler of the matching route of 'm' (http_router_find()
 * of its path); always leaves an answer in 'req' (or a parked long-poll). */
void http_router_dispatch(const struct http_mount *m, struct request *req);

#endif
