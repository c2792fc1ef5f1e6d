/* Shared handler helpers (see common.h). */
#include "common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
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

struct store_conn *
api_conn(struct request *req)
{
    struct store_conn *c = store_conn(req->app->store);

    if (!c) {
        api_fail_internal(req, -EIO);
    }
    return c;
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

int
api_if_match_check(struct request *req, int64_t expected, int64_t current)
{
    if (expected >= 0 && expected != current) {
        return api_fail(req, API_ERR_REVISION_CONSTRAINT_FAILED,
                        "Constrained to %lld, but current revision is %lld",
                        (long long) expected, (long long) current);
    }
    return 0;
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
api_owner(struct request *req, const json_t *item, const char **ret)
{
    const char *project = attr_str(item, "project_id", NULL);

    if (project && !req->ctx.is_admin && !STREQ(project, req->ctx.project_id)) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST,
                        "Specifying 'project_id' or 'tenant_id' other than the authenticated"
                        " project in request requires admin or advsvc privileges");
    }
    *ret = project ? project : req->ctx.project_id;
    return 0;
}

int
api_authorize(struct request *req, enum policy_resource res, enum policy_action action,
              const struct policy_target *target)
{
    if (policy_allows(&req->ctx, res, action, target)) {
        return 0;
    }
    /* policy.md §3: a refused write answers 403 only if the caller may see the
     * resource; otherwise it is as if the resource did not exist. */
    if (action == POLICY_CREATE
        || (action != POLICY_GET && policy_allows(&req->ctx, res, POLICY_GET, target))) {
        return api_fail(req, API_ERR_POLICY_NOT_AUTHORIZED, "rule:%s is disallowed by policy",
                        policy_rule_name(res, action));
    }
    return api_fail(req, API_ERR_HTTP_NOT_FOUND, "The resource could not be found.");
}

int
api_authorize_on_network(struct request *req, struct store_conn *c, enum policy_resource res,
                         enum policy_action action, const char *project_id,
                         const char *network_id)
{
    struct policy_target t = { .project_id = project_id };
    struct network net;
    int r;

    if (req->ctx.is_admin) {
        return 0;
    }
    r = store_network_get(c, network_id, NULL, &net);
    if (r) {
        return api_fail_internal(req, r);
    }
    t.net_project_id = net.std.project_id;
    t.shared = net.shared;
    r = api_authorize(req, res, action, &t);
    network_done(&net);
    return r;
}

int
api_change(struct request *req, struct store_conn *c, const char *host, const char *kind,
           const char *object_id, const char *network_id)
{
    /* Network changes concern every agent; the rest, only linux-bridge agents. */
    const char *audience = str_startswith(kind, "network_") ? "" : "l2";
    int r = store_change_add(c, host, audience, kind, object_id, network_id);

    if (r) {
        return api_fail_internal(req, r);
    }
    req->feed_changed = true;
    return 0;
}

int
api_change_dhcp(struct request *req, struct store_conn *c, const char *network_id,
                const char *kind, const char *object_id)
{
    int n = 0;
    int r = store_change_add_dhcp(c, network_id, kind, object_id, &n);

    if (r) {
        return api_fail_internal(req, r);
    }
    req->feed_changed = req->feed_changed || n > 0;
    return 0;
}
