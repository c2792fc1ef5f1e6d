/* The identity API's shared answers and request checks (see ks_common.h). */
#include "ks_common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "config.h"
#include "core/error.h"
#include "identity.h"
#include "log.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

LOG_MODULE("identity");

/* --- Answers --------------------------------------------------------------------- */

void
ks_reply(struct request *req, int status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

    req->status = status;
    buf_clear(&req->response);
    if (text) {
        buf_add_str(&req->response, text);
        free(text);
    }
    json_decref(body);
    request_add_header(req, "Vary", "X-Auth-Token");
}

int
ks_reply_entity(struct request *req, int status, const char *key, json_t *entity)
{
    ks_reply(req, status, json_pack("{s:o}", key, entity));
    return 0;
}

static json_t *
collection_links(const struct request *req, const char *path)
{
    char *root = ks_api_root(req);
    json_t *links = json_pack("{s:n,s:n}", "next", "previous");

    json_object_set_new(links, "self", json_sprintf("%s/v3/%s", root, path));
    free(root);
    return links;
}

int
ks_reply_list(struct request *req, int r, const char *key, json_t *items, const char *path)
{
    if (r) {
        json_decref(items);
        return ks_internal(req, r);
    }
    ks_reply(req, 200, json_pack("{s:o,s:o}", key, items, "links",
                                 collection_links(req, path)));
    return 0;
}

static const char *
status_title(int code)
{
    switch (code) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Request Entity Too Large";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

static int
ks_vfail(struct request *req, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static int
ks_vfail(struct request *req, int code, const char *fmt, va_list ap)
{
    char message[512];

    vsnprintf(message, sizeof message, fmt, ap);
    ks_reply(req, code, json_pack("{s:{s:i,s:s,s:s}}", "error", "code", code, "message", message,
                                  "title", status_title(code)));
    if (code == 401) {
        char *root = ks_api_root(req);
        request_add_header(req, "WWW-Authenticate", "Keystone uri=\"%s/v3\"", root);
        free(root);
    }
    return -1;
}

int
ks_fail(struct request *req, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ks_vfail(req, code, fmt, ap);
    va_end(ap);
    return -1;
}

int
ks_unauthorized(struct request *req)
{
    return ks_fail(req, 401, "The request you have made requires authentication.");
}

int
ks_internal(struct request *req, int r)
{
    if (r == -ENOSPC) {
        /* Keystone has no answer for it; ours is the network API's (core/error.h). */
        struct api_error full;
        api_error_internal(&full, r);
        ks_fail(req, 503, "%s", full.message);
        request_add_header(req, "Retry-After", "%d", API_STORAGE_FULL_RETRY_AFTER_S);
        return -1;
    }
    log_err("identity request failed: %s", strerror(-r));
    return ks_fail(req, 500, "An unexpected error prevented the server from fulfilling your"
                             " request.");
}

int
ks_lookup_result(struct request *req, int r, const char *kind, const char *id)
{
    if (r == -ENOENT) {
        return ks_fail(req, 404, "Could not find %s: %.64s.", kind, id);
    }
    return r ? ks_internal(req, r) : 0;
}

int
ks_answer_saved(struct request *req, int r, int status, const char *key, json_t *entity,
                const char *conflict_fmt, ...)
{
    va_list ap;

    if (!r) {
        return ks_reply_entity(req, status, key, entity);
    }
    json_decref(entity);
    if (r != -EEXIST) {
        return ks_internal(req, r);
    }
    va_start(ap, conflict_fmt);
    ks_vfail(req, 409, conflict_fmt, ap);
    va_end(ap);
    return -1;
}

int
ks_delete(struct request *req, struct store_conn *c,
          int (*del)(struct store_conn *, const char *id), const char *kind, const char *id)
{
    int r = store_begin(c);

    r = r ? r : del(c, id);
    r = store_end(c, r);
    identity_changed(req->app->identity);
    if (r) {
        return ks_lookup_result(req, r, kind, id);
    }
    ks_reply(req, 204, NULL);
    return 0;
}

/* --- Links and common parts of answers ------------------------------------------- */

char *
ks_public_base(const struct request *req)
{
    const char *pe = req->app->cfg->public_endpoint;

    if (pe && *pe) {
        size_t n = strlen(pe);
        while (n && pe[n - 1] == '/') {
            n--;
        }
        return xstrndup(pe, n);
    }
    return xstrdup(req->base_url);
}

char *
ks_api_root(const struct request *req)
{
    char *base = ks_public_base(req);
    char *root = xasprintf("%s%s", base, req->api_prefix);

    free(base);
    return root;
}

json_t *
ks_links_self(const struct request *req, const char *collection, const char *id)
{
    char *root = ks_api_root(req);
    json_t *links = json_object();

    json_object_set_new(links, "self", json_sprintf("%s/v3/%s/%s", root, collection, id));
    free(root);
    return links;
}

json_t *
ks_domain_ref(void)
{
    return json_pack("{s:s,s:s}", "id", KS_DEFAULT_DOMAIN_ID, "name", KS_DEFAULT_DOMAIN_NAME);
}

void
ks_format_time(int64_t t, char out[32])
{
    time_t tt = (time_t) t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000000Z", &tm);
}

/* --- Requests -------------------------------------------------------------------- */

json_t *
ks_body(struct request *req)
{
    json_t *body = json_loadb(req->body.data ? (const char *) req->body.data : "", req->body.len,
                              0, NULL);

    if (!body) {
        ks_fail(req, 400, "Expecting to find valid JSON in request body." KS_MALFORMED);
    }
    return body;
}

json_t *
ks_entity_body(struct request *req, const char *key)
{
    json_t *body = ks_body(req);
    json_t *e = json_object_get(body, key);

    if (!body) {
        return NULL;
    }
    if (!json_is_object(e)) {
        json_decref(body);
        ks_fail(req, 400, "'%s' is a required property", key);
        return NULL;
    }
    json_incref(e);
    json_decref(body);
    return e;
}

int
ks_string_field(struct request *req, const json_t *e, const char *key, bool required,
                size_t max_len, const char **ret)
{
    const json_t *v = json_object_get(e, key);

    *ret = NULL;
    if (!v || json_is_null(v)) {
        return required ? ks_fail(req, 400, "'%s' is a required property", key) : 0;
    }
    if (!json_is_string(v)) {
        return ks_fail(req, 400, "Invalid input for field '%s': not a string.", key);
    }
    if (json_string_length(v) > max_len || (required && json_string_length(v) == 0)
        || strlen(json_string_value(v)) != json_string_length(v)) {
        return ks_fail(req, 400, "Invalid input for field '%s': length must be %s%zu"
                                 " characters.", key, required ? "1 to " : "at most ", max_len);
    }
    *ret = json_string_value(v);
    return 0;
}

int
ks_bool_field(struct request *req, const json_t *e, const char *key, bool *value)
{
    const json_t *v = json_object_get(e, key);

    if (!v) {
        return 0;
    }
    if (!json_is_boolean(v)) {
        return ks_fail(req, 400, "Invalid input for field '%s': not a boolean.", key);
    }
    *value = json_is_true(v);
    return 0;
}

int
ks_check_domain_field(struct request *req, const json_t *e)
{
    const char *d;

    if (ks_string_field(req, e, "domain_id", false, 64, &d)) {
        return -1;
    }
    if (d && !STREQ(d, KS_DEFAULT_DOMAIN_ID)) {
        return ks_fail(req, 400, "Only the default domain exists here; domain_id must be"
                                 " \"default\".");
    }
    return 0;
}

bool
ks_foreign_domain_filter(const struct request *req)
{
    const char *d = request_param(req, "domain_id");

    return d && !STREQ(d, KS_DEFAULT_DOMAIN_ID);
}
