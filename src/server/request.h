/* One HTTP request and its answer, the one type the HTTP layer (http/) and the APIs it
 * serves (api/, agentapi/, identity/) share, so that neither includes the other.  The
 * HTTP layer fills the request part — method, decoded path, query parameters, the few
 * headers the APIs read, the body (capped) — and the API family's authentication fills
 * the caller's context; the handler fills the response part.  Everything a request
 * allocates is owned here and freed when libmicrohttpd reports the request complete. */
#ifndef NEUTRINO_REQUEST_H
#define NEUTRINO_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "context.h"

struct app;
struct api_family;
struct store_conn;

/* Limits on what a client can make us hold. */
#define REQUEST_MAX_PARAMS 1000         /* Query parameters. */
#define REQUEST_MAX_QUERY_SIZE 65536    /* Bytes of query string. */
#define REQUEST_MAX_PATH_SIZE 2048
#define REQUEST_MAX_HEADERS 6           /* Response headers a handler may add. */

struct query_param {
    char *key;      /* URL-decoded. */
    char *value;    /* URL-decoded; "" when absent. */
};

struct request {
    struct app *app;            /* Server-wide state; not owned. */
    const char *method;         /* "GET", ...; owned by libmicrohttpd. */
    char *path;                 /* Path without query string, ".json" suffix removed. */
    struct query_param *params; /* In the order given. */
    size_t n_params;
    bool query_too_large;       /* More than the limits allow: answered with 400. */
    char *if_match;             /* If-Match header, or NULL. */
    char *base_url;             /* "http://host:port" for links, from Host and
                                 * X-Forwarded-Proto. */
    struct buf body;            /* Request body as received. */
    bool body_too_large;        /* More than max_request_body_size arrived. */
    struct context ctx;         /* Who is asking. */
    char request_id[48];        /* "req-<uuid>", sent back in a header. */
    uint64_t start_us;          /* Arrival time, for the log line. */

    const char *auth_token;     /* X-Auth-Token header, or NULL; owned by
                                 * libmicrohttpd. */
    const char *subject_token;  /* X-Subject-Token header (identity API), or NULL. */
    const char *accept;         /* Accept header, or NULL (browsers ask for HTML). */
    const char *accept_encoding;/* Accept-Encoding header, or NULL (the dashboard's
                                 * files go compressed to a client that asks). */
    const char *noauth_project_id;  /* X-Project-Id, X-User-Id and X-Roles headers, or */
    const char *noauth_user_id;     /* NULL: who the caller says it is, believed with */
    const char *noauth_roles;       /* auth_strategy = noauth. */
    const struct api_family *family;    /* What the router dispatched it to. */
    const char *api_prefix;     /* The prefix the router removed before matching routes
                                 * ("/identity" for /identity/v3/...), else "". */

    uint64_t wait_until_us;     /* Long-poll deadline (monotonic), 0 before any wait. */
    bool suspended;             /* Parked by request_wait(); dispatched again on wake. */
    const bool *server_stopping;/* Set when the server shuts down: stop waiting. */
    bool defer_wanted;          /* The handler asked to run on the worker pool. */
    bool deferred;              /* Parked for (or run on) the worker pool. */

    int status;                 /* Response status. */
    struct buf response;        /* Response body (JSON unless 'content_type' says). */
    const char *content_type;   /* NULL: application/json. */
    struct response_header {
        const char *name;       /* Static string. */
        char *value;            /* Owned. */
    } headers[REQUEST_MAX_HEADERS];
    size_t n_headers;
};

/* Adds a response header (value copied); beyond REQUEST_MAX_HEADERS it is dropped. */
void request_add_header(struct request *req, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* For long-polls: a handler with nothing to answer yet calls this and, if it returns
 * true, returns without an answer; the HTTP layer parks the connection and runs the
 * handler again when the change feed moves or 'timeout_s' after the first call.
 * Returns false once the deadline has passed or the server is stopping: the handler
 * must then answer with what it has. */
bool request_wait(struct request *req, int timeout_s);

/* For handlers whose work holds a CPU for long (password hashing), so that it never
 * occupies the threads serving other requests.  Returns true when the request is to
 * run on the server's worker pool (app->workpool): the handler then returns at once
 * without answering, having released what it holds; the HTTP layer parks the
 * connection and dispatches the request again on a worker, where this returns false
 * and the handler does its work.  A full queue is answered 429 with Retry-After by
 * the HTTP layer.  Without a pool (unit tests, fuzzers) returns false: work here. */
bool request_defer(struct request *req);

/* The calling thread's store connection; on failure answers 500 in the request's
 * family's format and returns NULL. */
struct store_conn *request_conn(struct request *req);

/* Returns the value of the first query parameter named 'key', or NULL. */
const char *request_param(const struct request *req, const char *key);

#endif
