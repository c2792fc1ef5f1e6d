/* /v2.0/quotas: the admin's list, one project's limits, its defaults and details, the
 * caller's project, updates and deletes (docs/behaviour/quotas.md).  The rules and the
 * counting are the core's (core/quota.h); this file parses and renders. */
#include "quota.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "api/pyfmt.h"
#include "app.h"
#include "buf.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

/* The largest limit Neutron takes (its database's integer). */
#define QUOTA_LIMIT_MAX 2147483647

/* Python's truth of a JSON value: false, null, 0, "", [] and {} are false. */
static bool
py_truthy(const json_t *v)
{
    if (!v) {
        return false;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return json_object_size(v) > 0;
    case JSON_ARRAY:
        return json_array_size(v) > 0;
    case JSON_STRING:
        return json_string_length(v) > 0;
    case JSON_INTEGER:
        return json_integer_value(v) != 0;
    case JSON_REAL:
        return json_real_value(v) != 0.0;
    case JSON_TRUE:
        return true;
    default:
        return false;
    }
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Refuses names that are no quota resource, sorted in one message.  Neutron fills in
 * project_id and tenant_id together when either is given, so both are named. */
static int
check_unknown(const json_t *q, struct api_error *err)
{
    const char *names[QUOTA__COUNT + 64];
    bool owner = json_object_get(q, "project_id") || json_object_get(q, "tenant_id");
    struct buf msg = BUF_INITIALIZER;
    size_t n = 0, n_unknown = 0;
    const char *key;
    json_t *v;
    int r = 0;

    if (owner) {
        names[n++] = "project_id";
        names[n++] = "tenant_id";
    }
    json_object_foreach ((json_t *) q, key, v) {
        if (quota_resource_find(key) >= 0 || STREQ(key, "project_id")
            || STREQ(key, "tenant_id")) {
            continue;
        }
        n_unknown++;
        if (n < ARRAY_SIZE(names)) {
            names[n++] = key;
        }
    }
    if (n_unknown || owner) {
        qsort(names, n, sizeof names[0], cmp_str);
        for (size_t i = 0; i < n; i++) {
            buf_printf(&msg, "%s%s", i ? ", " : "", names[i]);
        }
        r = api_error_set(err, API_ERR_HTTP_BAD_REQUEST, "Unrecognized attribute(s) '%s'",
                          buf_cstr(&msg));
    }
    buf_done(&msg);
    return r;
}

/* One resource's value: Python's int() of it, then Neutron's range check. */
static int
convert_limit(const char *name, const json_t *v, int64_t *ret, struct api_error *err)
{
    struct buf why = BUF_INITIALIZER;
    json_int_t i;
    int r = 0;

    if (attr_convert_int(v, &i)) {
        py_str(&why, v);
        r = api_error_invalid(err, "'%s' is not an integer", buf_cstr(&why));
    } else if (i < -1) {
        r = api_error_set(err, API_ERR_HTTP_BAD_REQUEST, "Invalid input for %s. Reason: '%"
                          JSON_INTEGER_FORMAT "' is too small - must be at least '-1'.", name,
                          i);
    } else if (i > QUOTA_LIMIT_MAX) {
        r = api_error_set(err, API_ERR_HTTP_BAD_REQUEST, "Invalid input for %s. Reason: '%"
                          JSON_INTEGER_FORMAT "' is too large - must be no larger than '%d'.",
                          name, i, QUOTA_LIMIT_MAX);
    }
    buf_done(&why);
    if (!r) {
        *ret = i;
    }
    return r;
}

/* The resources given, converted in Neutron's order, listed in the body's order. */
static int
convert_limits(const json_t *q, struct quota_update *u, struct api_error *err)
{
    int64_t limits[QUOTA__COUNT];
    const char *key;
    json_t *v;

    for (int i = 0; i < QUOTA__COUNT; i++) {
        const char *name = quota_resource_name(i);
        const json_t *given = json_object_get(q, name);

        if (given && convert_limit(name, given, &limits[i], err)) {
            return -1;
        }
    }
    u->n = 0;
    json_object_foreach ((json_t *) q, key, v) {
        int res = quota_resource_find(key);

        if (res >= 0) {
            u->res[u->n] = res;
            u->limit[u->n++] = limits[res];
        }
    }
    return 0;
}

int
quota_update_parse(const char *data, size_t size, struct quota_update *ret,
                   struct api_error *err)
{
    struct quota_update u;
    json_error_t jerr;
    json_t *body = size ? json_loadb(data, size, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    json_t *q = json_object_get(body, "quota");
    int r = -1;

    memset(&u, 0, sizeof u);
    if (!body) {
        /* An empty body is malformed too: the quota controller needs one. */
        api_error_set(err, API_ERR_MALFORMED_REQUEST_BODY,
                      "Malformed request body: Cannot understand JSON.");
    } else if (!json_is_object(q)) {
        /* Neutron fails with a 500 here; a clear 400 in its words for a missing body. */
        api_error_set(err, API_ERR_HTTP_BAD_REQUEST, "Unable to find 'quota' in request body");
    } else {
        u.check_limit = py_truthy(json_object_get(q, "check_limit"));
        json_object_del(q, "check_limit");
        json_object_del(q, "force");
        r = check_unknown(q, err) || convert_limits(q, &u, err) ? -1 : 0;
    }
    json_decref(body);
    if (!r) {
        *ret = u;
    }
    return r;
}

/* --- Rendering ----------------------------------------------------------------------- */

static void
render_limits(struct jsonw *w, const struct quota_set *set)
{
    for (int i = 0; i < QUOTA__COUNT; i++) {
        jsonw_key(w, quota_resource_name(i));
        jsonw_int(w, set->limit[i]);
    }
}

/* {"quota": {...}} with the limits, or with {limit, used, reserved} per resource. */
static int
answer_set(struct request *req, const struct quota_set *set, bool details)
{
    struct jsonw w;

    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "quota");
    jsonw_object_begin(&w);
    if (!details) {
        render_limits(&w, set);
    }
    for (int i = 0; details && i < QUOTA__COUNT; i++) {
        jsonw_key(&w, quota_resource_name(i));
        jsonw_object_begin(&w);
        jsonw_key(&w, "limit");
        jsonw_int(&w, set->limit[i]);
        jsonw_key(&w, "used");
        jsonw_int(&w, set->used[i]);
        jsonw_key(&w, "reserved");
        jsonw_int(&w, 0);           /* Counting inside the write reserves nothing. */
        jsonw_object_end(&w);
    }
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    return 0;
}

/* --- Handlers ------------------------------------------------------------------------ */

typedef int quota_read_fn(const struct op *op, const char *project_id,
                          struct quota_set *ret);

static int
read_one(struct request *req, const char *project_id, quota_read_fn *fn, bool details)
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    struct quota_set set;

    if (!c) {
        return -1;
    }
    if (fn(&op, project_id, &set)) {
        return api_fail_with(req, &err);
    }
    return answer_set(req, &set, details);
}

int
quota_show(struct request *req, char *const args[])
{
    return read_one(req, args[0], core_quota_get, false);
}

int
quota_show_default(struct request *req, char *const args[])
{
    return read_one(req, args[0], core_quota_get_defaults, false);
}

int
quota_show_details(struct request *req, char *const args[])
{
    return read_one(req, args[0], core_quota_details, true);
}

static int
list_one(const char *project_id, const struct quota_set *set, void *aux)
{
    struct jsonw *w = aux;

    jsonw_object_begin(w);
    render_limits(w, set);
    jsonw_key(w, "project_id");
    jsonw_string(w, project_id);
    jsonw_key(w, "tenant_id");
    jsonw_string(w, project_id);
    jsonw_object_end(w);
    return 0;
}

int
quotas_list(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    struct jsonw w;

    (void) args;
    if (!c) {
        return -1;
    }
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "quotas");
    jsonw_array_begin(&w);
    if (core_quota_list(&op, list_one, &w)) {
        return api_fail_with(req, &err);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    return 0;
}

int
quotas_create(struct request *req, char *const args[])
{
    (void) args;
    return api_fail(req, API_ERR_HTTP_NOT_IMPLEMENTED,
                    "POST requests are not supported on this resource.");
}

/* {"<key>": {"<key>_id": the caller's project}}. */
static int
own_project(struct request *req, const char *key)
{
    char *id_key = xasprintf("%s_id", key);
    struct jsonw w;

    if (!req->ctx.project_id[0]) {
        free(id_key);
        return api_fail(req, API_ERR_QUOTA_MISSING_TENANT,
                        "Tenant-id was missing from quota request.");
    }
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, key);
    jsonw_object_begin(&w);
    jsonw_key(&w, id_key);
    jsonw_string(&w, req->ctx.project_id);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    free(id_key);
    return 0;
}

int
quota_own_tenant(struct request *req, char *const args[])
{
    (void) args;
    return own_project(req, "tenant");
}

int
quota_own_project(struct request *req, char *const args[])
{
    (void) args;
    return own_project(req, "project");
}

/* Runs 'u' (an update) or a delete of 'project_id' in one write transaction. */
static int
write_one(struct request *req, const char *project_id, const struct quota_update *u)
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    struct quota_set set;
    int r;

    if (!c) {
        return -1;
    }
    r = store_begin(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    r = u ? core_quota_update(&op, project_id, u, &set) : core_quota_delete(&op, project_id);
    if (r) {
        store_rollback(c);
        return api_fail_with(req, &err);
    }
    r = store_commit(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    if (!u) {
        req->status = 204;
        return 0;
    }
    return answer_set(req, &set, false);
}

int
quota_update(struct request *req, char *const args[])
{
    struct api_error err;
    struct quota_update u;

    struct op op = { req->app, &req->ctx, NULL, &err };

    /* Neutron reads the JSON first, then checks the policy, then the body's contents. */
    if (quota_update_parse(req->body.data, req->body.len, &u, &err)) {
        if (err.kind != API_ERR_MALFORMED_REQUEST_BODY) {
            struct api_error denied;
            op.err = &denied;
            if (core_quota_authorize_update(&op)) {
                return api_fail_with(req, &denied);
            }
        }
        return api_fail_with(req, &err);
    }
    return write_one(req, args[0], &u);
}

int
quota_delete(struct request *req, char *const args[])
{
    return write_one(req, args[0], NULL);
}
