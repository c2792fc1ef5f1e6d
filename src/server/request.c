/* The request helpers handlers call (see request.h). */
#include "request.h"

#include <stdarg.h>
#include <string.h>

#include "api_family.h"
#include "app.h"
#include "log.h"
#include "store/store.h"
#include "util.h"

LOG_MODULE("http");

struct store_conn *
request_conn(struct request *req)
{
    struct store_conn *c = store_conn(req->app->store);

    if (!c) {
        log_err("%s %s: no database connection", req->method, req->path);
        req->family->render_error(req, 500, NULL);
    }
    return c;
}

const char *
request_param(const struct request *req, const char *key)
{
    for (size_t i = 0; i < req->n_params; i++) {
        if (STREQ(req->params[i].key, key)) {
            return req->params[i].value;
        }
    }
    return NULL;
}

void
request_add_header(struct request *req, const char *name, const char *fmt, ...)
{
    va_list ap;

    if (req->n_headers == REQUEST_MAX_HEADERS) {
        return;
    }
    va_start(ap, fmt);
    req->headers[req->n_headers].name = name;
    req->headers[req->n_headers].value = xvasprintf(fmt, ap);
    req->n_headers++;
    va_end(ap);
}

bool
request_wait(struct request *req, int timeout_s)
{
    uint64_t now = time_mono_us();

    if (req->server_stopping && *req->server_stopping) {
        return false;
    }
    if (!req->wait_until_us) {
        req->wait_until_us = now + (uint64_t) timeout_s * 1000000;
    }
    return now < req->wait_until_us;
}

bool
request_defer(struct request *req)
{
    if (req->deferred || !req->app->workpool) {
        return false;
    }
    req->defer_wanted = true;
    return true;
}
