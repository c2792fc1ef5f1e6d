/* libmicrohttpd glue (see server.h).  libmicrohttpd calls answer() several times per
 * request: first with the headers (we allocate the struct request), then once per
 * body chunk (we append, up to the body cap), then with no data (we authenticate and
 * dispatch through the path's API family, and queue the answer).  request_completed()
 * frees the request. */
#include "server.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "app.h"
#include "config.h"
#include "conn_guard.h"
#include "log.h"
#include "request.h"
#include "router.h"
#include "store/store.h"
#include "util.h"
#include "workpool.h"

LOG_MODULE("http");

enum {
    MAX_CONNECTIONS = 4096,
};

/* A parked long-poll. */
struct waiter {
    struct MHD_Connection *conn;
    struct request *req;
    struct waiter *next;
};

struct http_server {
    struct MHD_Daemon *daemons[2];  /* TCP, and the unix socket if configured. */
    size_t n_daemons;
    struct app *app;
    const struct http_router *router;
    const struct http_mount *fallback;  /* The family under "": it answers refusals
                                         * made before a path is looked at. */
    int port;
    char *unix_path;                /* Unlinked at stop. */
    bool stopping;
    pthread_mutex_t waiters_mutex;
    struct waiter *waiters;
    pthread_t timer;                /* Resumes waiters whose deadline passed. */
    pthread_mutex_t timer_mutex;
    pthread_cond_t timer_cond;
    bool timer_started;
    struct conn_guard *guard;       /* Deadline for a connection's next request. */
};

/* Resumes every parked request if 'all', else only those past their deadline. */
static void
resume_waiters(struct http_server *s, bool all)
{
    uint64_t now = time_mono_us();
    struct waiter **pp;

    pthread_mutex_lock(&s->waiters_mutex);
    pp = &s->waiters;
    while (*pp) {
        struct waiter *w = *pp;
        if (all || w->req->wait_until_us <= now) {
            *pp = w->next;
            MHD_resume_connection(w->conn);
            free(w);
        } else {
            pp = &w->next;
        }
    }
    pthread_mutex_unlock(&s->waiters_mutex);
}

void
http_server_wake(struct http_server *s)
{
    resume_waiters(s, true);
}

static void *
timer_main(void *arg)
{
    struct http_server *s = arg;

    pthread_mutex_lock(&s->timer_mutex);
    while (!s->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200 * 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&s->timer_cond, &s->timer_mutex, &ts);
        pthread_mutex_unlock(&s->timer_mutex);
        resume_waiters(s, false);
        pthread_mutex_lock(&s->timer_mutex);
    }
    pthread_mutex_unlock(&s->timer_mutex);
    return NULL;
}

static enum MHD_Result
collect_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct request *req = cls;

    if (req->n_params >= REQUEST_MAX_PARAMS) {
        req->query_too_large = true;
        return MHD_NO;
    }
    if (req->n_params % 16 == 0) {
        req->params = xrealloc(req->params, (req->n_params + 16) * sizeof *req->params);
    }
    req->params[req->n_params].key = xstrdup(key);
    req->params[req->n_params].value = xstrdup(value ? value : "");
    req->n_params++;
    return MHD_YES;
}

/* Copies a header value truncated to 'max' bytes, or NULL if absent. */
static const char *
header(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* The base URL of the links an answer carries: [identity] public_endpoint when set,
 * else what the client says it asked for (Host, X-Forwarded-Proto), as Neutron and
 * Keystone do — which lets any client choose the links it is given. */
static char *
base_url_of(const struct http_server *s, struct MHD_Connection *conn)
{
    const char *public_endpoint = s->app->cfg->public_endpoint;
    const char *host = header(conn, "Host");
    const char *proto = header(conn, "X-Forwarded-Proto");

    if (public_endpoint && *public_endpoint) {
        size_t n = strlen(public_endpoint);
        while (n && public_endpoint[n - 1] == '/') {
            n--;
        }
        return xstrndup(public_endpoint, n);
    }
    if (!host || !*host || strlen(host) > 255 || strpbrk(host, " \"<>\\")) {
        host = NULL;
    }
    if (proto && !STREQ(proto, "http") && !STREQ(proto, "https")) {
        proto = NULL;
    }
    if (host) {
        return xasprintf("%s://%s", proto ? proto : "http", host);
    }
    return xasprintf("%s://127.0.0.1:%d", proto ? proto : "http", s->port);
}

static struct request *
request_create(struct http_server *s, struct MHD_Connection *conn, const char *method,
               const char *url)
{
    struct request *req = xcalloc(1, sizeof *req);
    size_t len = strlen(url);
    char id[37];

    req->app = s->app;
    req->server_stopping = &s->stopping;
    req->method = method;
    req->start_us = time_mono_us();
    if (len > 5 && !strcmp(url + len - 5, ".json")) {
        len -= 5;   /* "/v2.0/networks.json" is "/v2.0/networks". */
    }
    req->path = xstrndup(url, len);
    buf_init(&req->body);
    buf_init(&req->response);
    uuid_new(id);
    snprintf(req->request_id, sizeof req->request_id, "req-%s", id);
    req->base_url = base_url_of(s, conn);
    const char *if_match = header(conn, "If-Match");
    req->if_match = if_match ? xstrdup(if_match) : NULL;
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_param, req);
    req->auth_token = header(conn, "X-Auth-Token");
    req->subject_token = header(conn, "X-Subject-Token");
    req->accept = header(conn, "Accept");
    req->accept_encoding = header(conn, "Accept-Encoding");
    req->noauth_project_id = header(conn, "X-Project-Id");
    req->noauth_user_id = header(conn, "X-User-Id");
    req->noauth_roles = header(conn, "X-Roles");
    req->api_prefix = "";
    return req;
}

static void
request_destroy(struct request *req)
{
    if (!req) {
        return;
    }
    for (size_t i = 0; i < req->n_params; i++) {
        free(req->params[i].key);
        free(req->params[i].value);
    }
    free(req->params);
    free(req->path);
    free(req->if_match);
    free(req->base_url);
    for (size_t i = 0; i < req->n_headers; i++) {
        free(req->headers[i].value);
    }
    buf_done(&req->body);
    buf_done(&req->response);
    free(req);
}

static enum MHD_Result
send_answer(struct MHD_Connection *conn, struct request *req)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    size_t size = req->response.len;

    if (req->status == 204) {
        buf_clear(&req->response);
        size = 0;
    }
    resp = MHD_create_response_from_buffer(size, size ? buf_steal(&req->response) : (void *) "",
                                           size ? MHD_RESPMEM_MUST_FREE
                                                : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        return MHD_NO;
    }
    if (req->status != 204) {
        MHD_add_response_header(resp, "Content-Type",
                                req->content_type ? req->content_type : "application/json");
    }
    MHD_add_response_header(resp, "X-Openstack-Request-Id", req->request_id);
    /* Every answer's type is the one it declares: a browser must not guess one (and run
     * an error message or a name a client chose as HTML or script). */
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    for (size_t i = 0; i < req->n_headers; i++) {
        MHD_add_response_header(resp, req->headers[i].name, req->headers[i].value);
    }
    ret = MHD_queue_response(conn, (unsigned int) req->status, resp);
    MHD_destroy_response(resp);
    log_info("%s %s status=%d duration_ms=%.3f %s", req->method, req->path, req->status,
             (double) (time_mono_us() - req->start_us) / 1000.0, req->request_id);
    return ret;
}

/* Marks a connection whose query string was cut short by uri_seen(). */
static char query_cut_marker;

/* libmicrohttpd keeps every query parameter as a header record in the connection's
 * memory pool; a query with tens of thousands of parameters exhausts it, and 0.9.75
 * then neither answers nor closes the connection.  This callback sees the raw URI
 * before the parameters are parsed: past REQUEST_MAX_PARAMS parameters it ends the
 * string in place (the buffer is the connection's own) and marks the request so it
 * is answered with a 400. */
static void *
uri_seen(void *cls, const char *uri, struct MHD_Connection *conn)
{
    char *p = strchr(uri, '?');
    int params = 0;

    if (p && strlen(p) > REQUEST_MAX_QUERY_SIZE) {
        /* Keep the first parameter's start: cutting at '?' itself leaves 0.9.75's
         * argument parser stuck (seen here), cutting at a later '&' does not. */
        char *amp = strchr(p, '&');
        *(amp ? amp : p) = '\0';
        return &query_cut_marker;
    }

    for (; p; p = strchr(p + 1, '&')) {
        if (++params > REQUEST_MAX_PARAMS) {
            *p = '\0';
            return &query_cut_marker;
        }
    }
    return NULL;
}

static enum MHD_Result
measure_header_line(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    size_t *longest = cls;
    size_t len = strlen(key) + 2 + (value ? strlen(value) : 0);     /* "Name: value" */

    *longest = len > *longest ? len : *longest;
    return MHD_YES;
}

/* True if a header line of the request on 'conn' is longer than [DEFAULT]
 * max_header_line (Neutron's per-line limit, which large tokens may need raised). */
static bool
header_line_too_long(const struct http_server *s, struct MHD_Connection *conn)
{
    size_t longest = 0;

    MHD_get_connection_values(conn, MHD_HEADER_KIND, measure_header_line, &longest);
    return longest > (size_t) s->app->cfg->max_header_line;
}

/* Forgets an answer, so that the request can be handled again from the start. */
static void
request_reset_answer(struct request *req)
{
    req->status = 0;
    buf_clear(&req->response);
    req->content_type = NULL;
    for (size_t i = 0; i < req->n_headers; i++) {
        free(req->headers[i].value);
    }
    req->n_headers = 0;
}

static void
fail_unavailable(const struct http_mount *m, struct request *req, const char *message)
{
    request_reset_answer(req);
    m->family->render_error(req, 503, message);
}

/* Authenticates and dispatches a request, and runs it again while the database says
 * its work came to nothing through no fault of its own: a lock waited for too long,
 * a deadlock, a connection lost (the database restarted, or failed over).  The
 * request's whole transaction is what runs again, so a retry sees the database as it
 * is then; Neutron retries its API calls the same way.  Only failed answers are run
 * again: a handler that answered 2xx has committed. */
static void
handle(struct http_server *s, struct request *req, bool resumed)
{
    const struct http_mount *m = http_router_find(s->router, req->path);
    api_authenticator *authenticate = m->family->authenticate;
    /* Neutron's API retry: up to 20 more attempts, 0.1 s doubling up to 0.5 s. */
    enum { MAX_RETRIES = 20, FIRST_DELAY_US = 100000, MAX_DELAY_US = 500000 };
    uint64_t delay = FIRST_DELAY_US;

    (void) store_take_outcome(s->app->store);
    for (int attempt = 0;; attempt++) {
        enum store_outcome outcome;

        if (resumed || !authenticate || !authenticate(req)) {
            http_router_dispatch(m, req);
        }
        outcome = store_take_outcome(s->app->store);
        if (outcome == STORE_OK || (req->status > 0 && req->status < 500)
            || (req->status == 0 && (req->wait_until_us || req->defer_wanted))) {
            return;
        }
        if (outcome == STORE_IN_DOUBT) {
            log_warn("%s %s: the database connection was lost during commit; whether it"
                     " took effect is unknown", req->method, req->path);
            fail_unavailable(m, req, "The database connection was lost while committing"
                             " this request; it may or may not have taken effect.");
            return;
        }
        if (attempt == MAX_RETRIES) {
            log_err("%s %s: the database is unavailable after %d attempts", req->method,
                    req->path, attempt + 1);
            fail_unavailable(m, req, "The database is unavailable; try again later.");
            return;
        }
        request_reset_answer(req);
        usleep((useconds_t) (delay / 2 + random_below(delay / 2 + 1)));
        delay = delay * 2 > MAX_DELAY_US ? MAX_DELAY_US : delay * 2;
    }
}

/* --- Requests deferred to the worker pool (request_defer()) ----------------------
 * The connection is suspended while a worker runs the request's handler again, then
 * resumed: libmicrohttpd calls answer() once more and the answer is sent from there.
 * The waiters' mutex orders the suspend before the worker's resume. */

enum { DEFER_RETRY_AFTER_S = 1 };    /* Retry-After of a refusal: a queue drains fast. */

struct deferred {
    struct http_server *server;
    struct MHD_Connection *conn;
    struct request *req;
};

static void
run_deferred(void *arg, bool cancelled)
{
    struct deferred *d = arg;

    if (cancelled) {
        fail_unavailable(http_router_find(d->server->router, d->req->path), d->req,
                         "The server is stopping.");
    } else {
        handle(d->server, d->req, true);
    }
    pthread_mutex_lock(&d->server->waiters_mutex);
    MHD_resume_connection(d->conn);
    pthread_mutex_unlock(&d->server->waiters_mutex);
    free(d);
}

/* Parks the request's connection and queues the request on the worker pool; true if
 * queued.  Otherwise answers 429 (the queue is full): a refusal a client retries,
 * which a load balancer does not count against this server as a 5xx would. */
static bool
defer_request(struct http_server *s, struct MHD_Connection *conn, struct request *req)
{
    struct deferred *d = xmalloc(sizeof *d);
    bool queued;

    *d = (struct deferred) { s, conn, req };
    req->defer_wanted = false;
    req->deferred = true;
    pthread_mutex_lock(&s->waiters_mutex);
    queued = workpool_submit(s->app->workpool, run_deferred, d) == 0;
    if (queued) {
        MHD_suspend_connection(conn);
    }
    pthread_mutex_unlock(&s->waiters_mutex);
    if (!queued) {
        free(d);
        request_reset_answer(req);
        http_router_find(s->router, req->path)->family->render_error(
            req, 429, "Too many requests are waiting for the server's workers; try again"
                      " later.");
        request_add_header(req, "Retry-After", "%d", DEFER_RETRY_AFTER_S);
        log_warn_rl("%s %s: the worker pool's queue is full, answering 429", req->method,
                    req->path);
    }
    return queued;
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
       const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    struct http_server *s = cls;
    struct request *req = *con_cls;

    if (!req || req == (void *) &query_cut_marker) {
        bool cut = req != NULL;
        req = request_create(s, conn, method, url);
        req->query_too_large = req->query_too_large || cut;
        *con_cls = req;
        conn_guard_request_begun(s->guard, conn);
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t cap = (size_t) s->app->cfg->max_request_body_size;
        if (!req->body_too_large && req->body.len + *upload_data_size <= cap) {
            buf_add(&req->body, upload_data, *upload_data_size);
        } else {
            req->body_too_large = true;   /* Keep reading, but drop the data. */
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (req->deferred) {
        /* Back from the worker pool (or refused by it) with the answer. */
    } else if (req->suspended) {
        /* Woken (or timed out) long-poll: ask the handler again. */
        req->suspended = false;
        buf_clear(&req->response);
        handle(s, req, true);
    } else if (req->body_too_large) {
        char message[64];
        snprintf(message, sizeof message, "Request is too large. Larger than %d.",
                 s->app->cfg->max_request_body_size);
        http_router_find(s->router, req->path)->family->render_error(req, 413, message);
    } else if (req->query_too_large) {
        char message[96];
        snprintf(message, sizeof message, "Query string too large (limits: %d parameters,"
                 " %d bytes).", REQUEST_MAX_PARAMS, REQUEST_MAX_QUERY_SIZE);
        s->fallback->family->render_error(req, 400, message);
    } else if (header_line_too_long(s, conn)) {
        char message[64];
        snprintf(message, sizeof message, "Header line too long (limit: %d bytes).",
                 s->app->cfg->max_header_line);
        http_router_find(s->router, req->path)->family->render_error(req, 400, message);
    } else if (strlen(req->path) > REQUEST_MAX_PATH_SIZE) {
        s->fallback->family->render_error(req, 404, NULL);
    } else {
        handle(s, req, false);
    }
    if (req->defer_wanted && defer_request(s, conn, req)) {
        return MHD_YES;
    }
    if (req->status == 0 && req->wait_until_us) {
        struct waiter *w = xmalloc(sizeof *w);
        w->conn = conn;
        w->req = req;
        req->suspended = true;
        pthread_mutex_lock(&s->waiters_mutex);
        w->next = s->waiters;
        s->waiters = w;
        MHD_suspend_connection(conn);
        pthread_mutex_unlock(&s->waiters_mutex);
        return MHD_YES;
    }
    if (req->status == 0) {
        s->fallback->family->render_error(req, 500, NULL);
    }
    return send_answer(conn, req);
}

static void
request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                  enum MHD_RequestTerminationCode toe)
{
    struct http_server *s = cls;

    conn_guard_request_ended(s->guard, conn);
    if (*con_cls != (void *) &query_cut_marker) {
        request_destroy(*con_cls);
    }
    *con_cls = NULL;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];

    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    log_warn_rl("libmicrohttpd: %s", msg);
}

/* Resolves 'host' (numeric or name) into a socket address. */
static int
resolve(const char *host, int port, struct sockaddr_storage *ret, struct buf *error)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE };
    struct addrinfo *res;
    char service[8];
    int rc;

    snprintf(service, sizeof service, "%d", port);
    rc = getaddrinfo(host, service, &hints, &res);
    if (rc) {
        buf_printf(error, "bind_host %s: %s", host, gai_strerror(rc));
        return -EINVAL;
    }
    memcpy(ret, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

/* Starts one MHD daemon: on 'addr' (TCP), or on the already bound and listening
 * 'listen_fd' (unix socket).  The limits on what one client may hold come from the
 * configuration; the per-address limit applies to TCP only, since every agent using
 * the unix socket comes from the same (empty) address. */
static struct MHD_Daemon *
start_daemon(struct http_server *s, unsigned int flags, int port, struct sockaddr_storage *addr,
             int listen_fd, unsigned int threads)
{
    const struct server_config *cfg = s->app->cfg;
    unsigned int per_client = listen_fd >= 0 ? 0 : (unsigned int) cfg->max_connections_per_client;

    flags |= MHD_ALLOW_SUSPEND_RESUME;
    return MHD_start_daemon(
        flags, (uint16_t) port, NULL, NULL, answer, s,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        listen_fd >= 0 ? MHD_OPTION_LISTEN_SOCKET : MHD_OPTION_SOCK_ADDR,
        listen_fd >= 0 ? (intptr_t) listen_fd : (intptr_t) addr,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) cfg->client_socket_timeout,
        /* The memory of one connection: its request's line and headers, which
         * libmicrohttpd parses in place (beyond it: 431, or 414 within the line). */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) cfg->max_header_size,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int) MAX_CONNECTIONS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_client,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
        MHD_OPTION_NOTIFY_CONNECTION, conn_guard_notify, s->guard,
        MHD_OPTION_NOTIFY_COMPLETED, request_completed, s,
        MHD_OPTION_URI_LOG_CALLBACK, uri_seen, NULL,
        MHD_OPTION_END);
}

/* Binds and listens on a unix socket at 'path' (replacing a stale one). */
static int
listen_unix(const char *path, struct buf *error)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof sun.sun_path) {
        buf_printf(error, "unix socket path too long: %s", path);
        return -1;
    }
    strcpy(sun.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        buf_printf(error, "socket: %s", strerror(errno));
        return -1;
    }
    unlink(path);
    if (bind(fd, (struct sockaddr *) &sun, sizeof sun) || listen(fd, 1024)) {
        buf_printf(error, "cannot listen on %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int
http_server_start(struct app *app, const struct http_router *router, const char *host,
                  int port, const char *unix_path, unsigned int threads,
                  struct http_server **ret, struct buf *error)
{
    struct http_server *s = xcalloc(1, sizeof *s);
    struct sockaddr_storage addr;
    const union MHD_DaemonInfo *info;
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

    s->fallback = http_router_find(router, "");
    if (!s->fallback) {
        buf_printf(error, "no API family is registered under \"\" to answer unknown paths");
        free(s);
        return -EINVAL;
    }
    if (resolve(host, port, &addr, error)) {
        free(s);
        return -EINVAL;
    }
    s->app = app;
    s->router = router;
    pthread_mutex_init(&s->waiters_mutex, NULL);
    pthread_mutex_init(&s->timer_mutex, NULL);
    pthread_cond_init(&s->timer_cond, NULL);
    s->guard = conn_guard_create((unsigned int) app->cfg->client_socket_timeout);
    if (!s->guard) {
        buf_printf(error, "cannot start the connection guard's thread");
        http_server_stop(s);
        return -EAGAIN;
    }
    s->daemons[0] = start_daemon(s, flags | (addr.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
                                 port, &addr, -1, threads);
    if (!s->daemons[0]) {
        buf_printf(error, "cannot listen on %s:%d: %s", host, port, strerror(errno));
        http_server_stop(s);
        return -EADDRINUSE;
    }
    s->n_daemons = 1;
    info = MHD_get_daemon_info(s->daemons[0], MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : port;
    if (unix_path && *unix_path) {
        /* For agents in other network namespaces: a path reaches across them. */
        int fd = listen_unix(unix_path, error);
        if (fd < 0) {
            http_server_stop(s);
            return -EADDRINUSE;
        }
        s->unix_path = xstrdup(unix_path);
        s->daemons[1] = start_daemon(s, flags, 0, NULL, fd, threads > 2 ? 2 : threads);
        if (!s->daemons[1]) {
            buf_printf(error, "cannot serve on %s", unix_path);
            close(fd);
            http_server_stop(s);
            return -EIO;
        }
        s->n_daemons = 2;
    }
    if (pthread_create(&s->timer, NULL, timer_main, s) == 0) {
        s->timer_started = true;
    }
    *ret = s;
    return 0;
}

int
http_server_port(const struct http_server *s)
{
    return s->port;
}

void
http_server_stop(struct http_server *s)
{
    if (!s) {
        return;
    }
    /* Parked long-polls must be running again before their daemon stops. */
    pthread_mutex_lock(&s->timer_mutex);
    s->stopping = true;
    pthread_cond_signal(&s->timer_cond);
    pthread_mutex_unlock(&s->timer_mutex);
    if (s->timer_started) {
        pthread_join(s->timer, NULL);
    }
    resume_waiters(s, true);
    for (size_t i = 0; i < s->n_daemons; i++) {
        MHD_quiesce_daemon(s->daemons[i]);
    }
    resume_waiters(s, true);
    for (size_t i = 0; i < s->n_daemons; i++) {
        MHD_stop_daemon(s->daemons[i]);
    }
    conn_guard_destroy(s->guard);
    if (s->unix_path) {
        unlink(s->unix_path);
        free(s->unix_path);
    }
    pthread_mutex_destroy(&s->waiters_mutex);
    pthread_mutex_destroy(&s->timer_mutex);
    pthread_cond_destroy(&s->timer_cond);
    free(s);
}
