/* Shared handler helpers (see common.h). */
#include "common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "core/core.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

void
api_begin(struct request *req, int status, struct jsonw *w)
{
    req->status = status;
    buf_clear(&req->response);
    jsonw_init(w, &req->response);
}

int
api_if_match_parse(struct request *req, int64_t *ret)
{
    const char *h = req->if_match;
    int found = 0;
    int64_t value = -1;

    *ret = -1;
    if (!h) {
        return 0;
    }
    /* A comma-separated list of etags; only revision_number=N ones concern us. */
    for (const char *p = h; *p;) {
        size_t len = strcspn(p, ",");
        const char *b = p, *e = p + len;
        while (b < e && *b == ' ') {
            b++;
        }
        while (e > b && e[-1] == ' ') {
            e--;
        }
        if (e - b >= 2 && *b == 'W' && b[1] == '/') {
            b += 2;     /* A weak etag compares the same here. */
        }
        if (e - b >= 2 && *b == '"' && e[-1] == '"') {
            b++;
            e--;
        }
        if ((size_t) (e - b) >= 16 && !strncmp(b, "revision_number=", 16)) {
            char num[24];
            char *end;
            size_t n = (size_t) (e - b) - 16;
            if (n == 0 || n >= sizeof num) {
                goto bad;
            }
            memcpy(num, b + 16, n);
            num[n] = '\0';
            errno = 0;
            value = strtoll(num, &end, 10);
            if (*end || errno) {
                goto bad;
            }
            found++;
        }
        p += len + (p[len] == ',');
    }
    if (found > 1) {
        return api_fail(req, API_ERR_BAD_REQUEST, "Bad if-match request: Multiple"
                        " revision_number etags are not supported..");
    }
    *ret = found ? value : -1;
    return 0;
bad:
    return api_fail(req, API_ERR_BAD_REQUEST, "Bad if-match request: Revision number etag must"
                    " be in the format of revision_number=<int>.");
}

void
api_kv_str(struct jsonw *w, const struct field_set *fs, const char *key, const char *v)
{
    if (fields_want(fs, key)) {
        jsonw_key(w, key);
        jsonw_string(w, v);
    }
}

void
api_kv_bool(struct jsonw *w, const struct field_set *fs, const char *key, bool v)
{
    if (fields_want(fs, key)) {
        jsonw_key(w, key);
        jsonw_bool(w, v);
    }
}

void
api_kv_int(struct jsonw *w, const struct field_set *fs, const char *key, int64_t v)
{
    if (fields_want(fs, key)) {
        jsonw_key(w, key);
        jsonw_int(w, v);
    }
}

void
api_kv_raw(struct jsonw *w, const struct field_set *fs, const char *key, const char *json)
{
    if (fields_want(fs, key)) {
        jsonw_key(w, key);
        jsonw_raw(w, json && *json ? json : "[]");
    }
}

void
api_render_std(struct jsonw *w, const struct std_attrs *s, const struct field_set *fs)
{
    api_kv_str(w, fs, "tenant_id", s->project_id);
    api_kv_str(w, fs, "project_id", s->project_id);
    api_kv_str(w, fs, "description", s->description);
    api_kv_raw(w, fs, "tags", s->tags_json);
    api_kv_str(w, fs, "created_at", s->created_at);
    api_kv_str(w, fs, "updated_at", s->updated_at);
    api_kv_int(w, fs, "revision_number", s->revision_number);
}

void
api_now(char out[TIMESTAMP_LEN])
{
    time_iso8601_now(out);
}

int
api_authorize(struct request *req, enum policy_resource res, enum policy_action action,
              const struct policy_target *target)
{
    struct api_error err;
    struct op op = { req->app, &req->ctx, NULL, &err };

    return core_authorize(&op, res, action, target) ? api_fail_with(req, &err) : 0;
}

int
api_in_transaction(struct request *req, int (*fn)(const struct op *op, void *aux),
                   void (*render_ok)(struct request *req, void *aux), void *aux)
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    int r;

    if (!c) {
        return -1;
    }
    r = store_begin(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    if (fn(&op, aux)) {
        store_rollback(c);
        return api_fail_with(req, &err);
    }
    render_ok(req, aux);
    r = store_commit(c);
    return r ? api_fail_internal(req, r) : 0;
}
