/* /v2.0/subnetpools: the attribute table, rendering, the handlers of create, list,
 * show, update and delete, and the member actions add_prefixes, remove_prefixes and
 * onboard_network_subnets; the work is the core's (core/subnetpool.h,
 * docs/behaviour/ipam.md §10). */
#include "subnetpool.h"

#include <stdlib.h>

#include "app.h"
#include "common.h"
#include "pyfmt.h"
#include "request.h"
#include "resource.h"
#include "core/subnetpool.h"
#include "store/store.h"
#include "util.h"

static const struct attr_def subnetpool_attrs[] = {
    { "id", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_ID },
    { "name", AK_STRING, true, true, .required = true, .not_empty = true, .filter = true,
      .sort = true, .field = SF_NAME },
    { "tenant_id", AK_STRING, true, false, .max_len = 255, .filter = true, .sort = true,
      .field = SF_PROJECT_ID },
    { "prefixes", AK_SUBNET_LIST, true, true, .required = true },
    { "default_quota", AK_NON_NEGATIVE, true, true, .filter = true, .sort = true,
      .field = SF_DEFAULT_QUOTA, .field_kind = SV_INT },
    { "ip_version", AK_INT, false, false, .filter = true, .sort = true,
      .field = SF_IP_VERSION, .field_kind = SV_INT },
    { "default_prefixlen", AK_NON_NEGATIVE, true, true, .filter = true, .sort = true,
      .field = SF_DEFAULT_PREFIXLEN, .field_kind = SV_INT },
    { "min_prefixlen", AK_NON_NEGATIVE, true, true, .filter = true, .sort = true,
      .field = SF_MIN_PREFIXLEN, .field_kind = SV_INT },
    { "max_prefixlen", AK_NON_NEGATIVE, true, true, .filter = true, .sort = true,
      .field = SF_MAX_PREFIXLEN, .field_kind = SV_INT },
    { "is_default", AK_BOOL, true, true, .filter = true, .sort = true,
      .field = SF_IS_DEFAULT, .field_kind = SV_INT },
    { "shared", AK_BOOL, true, false, .filter = true, .sort = true, .field = SF_SHARED,
      .field_kind = SV_INT },
    { "address_scope_id", AK_UUID_OR_NULL, true, true, .filter = true, .sort = true,
      .field = SF_ADDRESS_SCOPE_ID },
    { "project_id", AK_STRING, true, false, .max_len = 255, .filter = true, .sort = true,
      .field = SF_PROJECT_ID },
    ATTRS_STANDARD,
};

const struct resource_def subnetpool_def = {
    .singular = "subnetpool",
    .plural = "subnetpools",
    .title = "Subnet pool",
    .not_found = API_ERR_SUBNETPOOL_NOT_FOUND,
    .attrs = subnetpool_attrs,
    .n_attrs = ARRAY_SIZE(subnetpool_attrs),
};

/* A prefix length as Zed shows it: text when read or created, a number in the answer
 * to an update. */
static void
render_prefixlen(struct jsonw *w, const struct field_set *fs, const char *key, int64_t len,
                 bool as_number)
{
    char text[24];

    if (as_number) {
        api_kv_int(w, fs, key, len);
        return;
    }
    snprintf(text, sizeof text, "%lld", (long long) len);
    api_kv_str(w, fs, key, text);
}

static void
subnetpool_render(struct jsonw *w, const struct subnetpool *p, const struct field_set *fs,
                  const struct context *ctx)
{
    bool upd = p->update_answer;

    (void) ctx;
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", p->std.id);
    api_kv_str(w, fs, "name", p->std.name);
    api_kv_int(w, fs, "ip_version", p->ip_version);
    render_prefixlen(w, fs, "default_prefixlen", p->default_prefixlen, upd);
    render_prefixlen(w, fs, "min_prefixlen", p->min_prefixlen, upd);
    render_prefixlen(w, fs, "max_prefixlen", p->max_prefixlen, upd);
    api_kv_bool(w, fs, "is_default", p->is_default);
    api_kv_bool(w, fs, "shared", p->shared);
    api_kv_raw(w, fs, "prefixes", p->prefixes_json);
    /* Zed's answer to an update leaves out what is neither set nor given. */
    if (p->default_quota != SUBNETPOOL_QUOTA_NONE) {
        api_kv_int(w, fs, "default_quota", p->default_quota);
    } else if (!upd || p->update_gave_quota) {
        api_kv_str(w, fs, "default_quota", NULL);
    }
    if (*p->address_scope_id || !upd || p->update_gave_scope) {
        api_kv_str(w, fs, "address_scope_id", *p->address_scope_id ? p->address_scope_id : NULL);
    }
    api_render_std(w, &p->std, fs);
    jsonw_object_end(w);
}

static int
subnetpool_write(const struct op *op, const char *id, const json_t *item,
                 int64_t expected_revision, void *ret)
{
    struct subnetpool_spec spec = {
        .project_id = attr_str(item, "project_id", NULL),
        .name = attr_str(item, "name", NULL),
        .description = attr_str(item, "description", NULL),
        .has_prefixes = attr_has(item, "prefixes"),
        .has_default_prefixlen = attr_has(item, "default_prefixlen"),
        .default_prefixlen = attr_int(item, "default_prefixlen", 0),
        .has_min_prefixlen = attr_has(item, "min_prefixlen"),
        .min_prefixlen = attr_int(item, "min_prefixlen", 0),
        .has_max_prefixlen = attr_has(item, "max_prefixlen"),
        .max_prefixlen = attr_int(item, "max_prefixlen", 0),
        .has_default_quota = attr_has(item, "default_quota"),
        .default_quota = attr_int(item, "default_quota", 0),
        .has_shared = attr_has(item, "shared"),
        .shared = attr_bool(item, "shared", false),
        .has_is_default = attr_has(item, "is_default"),
        .is_default = attr_bool(item, "is_default", false),
        .has_address_scope_id = attr_has(item, "address_scope_id"),
        .address_scope_id = attr_is_null(item, "address_scope_id")
                            ? NULL : attr_str(item, "address_scope_id", NULL),
    };
    const char **texts = attr_strings(item, "prefixes", &spec.n_prefixes);
    int r;

    spec.prefixes = texts;
    r = id ? core_subnetpool_update(op, id, &spec, expected_revision, ret)
           : core_subnetpool_create(op, &spec, ret);
    free(texts);
    return r;
}

RESOURCE_OPS(subnetpool, struct subnetpool, subnetpool_def, store_subnetpool_foreach,
             core_subnetpool_get, subnetpool_write, core_subnetpool_delete, subnetpool_render,
             subnetpool_done, .bump = store_subnetpool_bump)

RESOURCE_HANDLERS(subnetpools, subnetpool, &subnetpool_ops)

/* --- add_prefixes, remove_prefixes ------------------------------------------------- */

/* The prefixes of an action's body {"prefixes": [...]}: NULL when the body is not of
 * that shape (the core then refuses it, after finding the pool).  Items that are not
 * strings are given as Python prints them. */
static const char **
action_prefixes(const json_t *body, struct buf *holder, size_t *ret_n)
{
    const json_t *list = json_object_get(body, "prefixes");
    const char **texts;
    const json_t *v;
    size_t i, *offsets;

    *ret_n = 0;
    if (!json_is_array(list) || !json_array_size(list)) {
        return NULL;
    }
    offsets = xcalloc(json_array_size(list), sizeof *offsets);
    json_array_foreach (list, i, v) {
        offsets[i] = holder->len;
        if (json_is_string(v)) {
            buf_add_str(holder, json_string_value(v));
        } else {
            py_str(holder, v);
        }
        buf_add_char(holder, '\0');
    }
    texts = xcalloc(json_array_size(list) + 1, sizeof *texts);
    json_array_foreach (list, i, v) {
        texts[i] = (const char *) holder->data + offsets[i];
    }
    free(offsets);
    *ret_n = json_array_size(list);
    return texts;
}

static int
prefixes_action(struct request *req, const char *id, bool add)
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    struct buf holder = BUF_INITIALIZER;
    json_t *body = NULL;
    const char **texts;
    struct subnetpool pool;
    struct jsonw w;
    size_t n;
    int r;

    if (!c) {
        return -1;
    }
    if (req->body.len) {
        body = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, NULL);
    }
    texts = action_prefixes(body, &holder, &n);
    r = store_begin(c);
    if (r) {
        r = api_fail_internal(req, r);
        goto out;
    }
    r = add ? core_subnetpool_add_prefixes(&op, id, texts, n, &pool)
            : core_subnetpool_remove_prefixes(&op, id, texts, n, &pool);
    if (r) {
        store_rollback(c);
        r = api_fail_with(req, &err);
        goto out;
    }
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "prefixes");
    jsonw_raw(&w, pool.prefixes_json);
    jsonw_object_end(&w);
    subnetpool_done(&pool);
    r = store_commit(c);
    r = r ? api_fail_internal(req, r) : 0;
out:
    free(texts);
    buf_done(&holder);
    json_decref(body);
    return r;
}

int
subnetpool_add_prefixes(struct request *req, char *const args[])
{
    return prefixes_action(req, args[0], true);
}

int
subnetpool_remove_prefixes(struct request *req, char *const args[])
{
    return prefixes_action(req, args[0], false);
}

/* --- onboard_network_subnets --------------------------------------------------------- */

/* The network_id of an onboard body {"network_id": ...} into '*ret' (NULL when absent
 * or null; a value that is no string as Python prints it, as Zed looks that up).  -1
 * after answering 'req' when the body is no JSON object (Zed fails with a 500). */
static int
onboard_network_id(struct request *req, const json_t *body, struct buf *holder,
                   const char **ret)
{
    const json_t *v = json_object_get(body, "network_id");

    *ret = NULL;
    if (!json_is_object(body)) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "The body must be an object with the"
                        " network to onboard: {\"network_id\": ...}.");
    }
    if (json_is_string(v)) {
        *ret = json_string_value(v);
    } else if (v && !json_is_null(v)) {
        py_str(holder, v);
        *ret = buf_cstr(holder);
    }
    return 0;
}

struct onboard_call {
    const char *pool_id;
    const char *network_id;
    struct onboarded_subnet *subs;
    size_t n;
};

static int
onboard_run(const struct op *op, void *aux)
{
    struct onboard_call *call = aux;

    return core_subnetpool_onboard(op, call->pool_id, call->network_id, &call->subs,
                                   &call->n);
}

/* Zed answers with the onboarded subnets as a bare list: [{"id", "cidr"}, ...]. */
static void
onboard_answer(struct request *req, void *aux)
{
    struct onboard_call *call = aux;
    struct jsonw w;

    api_begin(req, 200, &w);
    jsonw_array_begin(&w);
    for (size_t i = 0; i < call->n; i++) {
        jsonw_object_begin(&w);
        jsonw_key(&w, "id");
        jsonw_string(&w, call->subs[i].id);
        jsonw_key(&w, "cidr");
        jsonw_string(&w, call->subs[i].cidr);
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
}

int
subnetpool_onboard_network_subnets(struct request *req, char *const args[])
{
    struct onboard_call call = { .pool_id = args[0] };
    struct buf holder = BUF_INITIALIZER;
    json_t *body = NULL;
    int r;

    if (!request_conn(req)) {
        return -1;
    }
    if (req->body.len) {
        body = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, NULL);
    }
    r = onboard_network_id(req, body, &holder, &call.network_id);
    if (!r) {
        r = api_in_transaction(req, onboard_run, onboard_answer, &call);
    }
    free(call.subs);
    buf_done(&holder);
    json_decref(body);
    return r;
}
