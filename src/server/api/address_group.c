/* /v2.0/address-groups: the attribute table, rendering, the handlers and the member
 * actions add_addresses / remove_addresses; the work is the core's
 * (core/address_group.h).  Zed shows a group with no standard attributes but its
 * description, except in an action's answer, which carries the revision, the
 * timestamps and "shared" too; so do we. */
#include "address_group.h"

#include "common.h"
#include "pyfmt.h"
#include "resource.h"
#include "core/address_group.h"
#include "jsonw.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

static const struct attr_def address_group_attrs[] = {
    { "id", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_ID },
    { "name", AK_STRING, true, true, .max_len = 255, .filter = true, .sort = true,
      .field = SF_NAME },
    { "description", AK_STRING, true, true, .max_len = 255, .filter = true, .sort = true,
      .field = SF_DESCRIPTION },
    ATTR_OWNER,
    { "addresses", AK_SUBNET_LIST, true, false, .null_is_empty = true },
    /* Zed's table has it (hidden, for RBAC), so naming it is "not allowed", not
     * "unrecognized". */
    { "shared", AK_BOOL, false, false },
};

const struct resource_def address_group_def = {
    .singular = "address_group",
    .plural = "address_groups",
    .title = "Address group",
    .not_found = API_ERR_ADDRESS_GROUP_NOT_FOUND,
    .attrs = address_group_attrs,
    .n_attrs = ARRAY_SIZE(address_group_attrs),
};

static void
address_group_render(struct jsonw *w, const struct address_group *g,
                     const struct field_set *fs, const struct context *ctx)
{
    (void) ctx;
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", g->std.id);
    api_kv_str(w, fs, "name", g->std.name);
    api_kv_str(w, fs, "project_id", g->std.project_id);
    api_kv_raw(w, fs, "addresses", g->addresses_json ? g->addresses_json : "[]");
    api_kv_str(w, fs, "description", g->std.description);
    api_kv_str(w, fs, "tenant_id", g->std.project_id);
    jsonw_object_end(w);
}

static int
address_group_write(const struct op *op, const char *id, const json_t *item,
                    int64_t expected_revision, void *ret)
{
    struct address_group_spec spec = {
        .project_id = attr_str(item, "project_id", NULL),
        .name = attr_str(item, "name", NULL),
        .description = attr_str(item, "description", NULL),
    };
    const char **texts = attr_strings(item, "addresses", &spec.n_addresses);
    int r;

    spec.addresses = texts;
    r = id ? core_address_group_update(op, id, &spec, expected_revision, ret)
           : core_address_group_create(op, &spec, ret);
    free(texts);
    return r;
}

RESOURCE_OPS(address_group, struct address_group, address_group_def,
             store_address_group_foreach, core_address_group_get, address_group_write,
             core_address_group_delete, address_group_render, address_group_done)

RESOURCE_HANDLERS(address_groups, address_group, &address_group_ops)

/* --- add_addresses, remove_addresses ----------------------------------------------- */

/* The addresses of an action's body {"addresses": [...]} as text (an item that is no
 * string as Python prints it, which the core then refuses as no address).  -1 after
 * answering 'req' when the body is not of that shape (Zed fails with a 500 there). */
static int
action_addresses(struct request *req, const json_t *body, struct buf *holder,
                 const char ***ret, size_t *ret_n)
{
    const json_t *list = json_object_get(body, "addresses");
    size_t i, *offsets;
    const json_t *v;

    if (!json_is_array(list)) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "The body must be an object with a"
                        " list of addresses: {\"addresses\": [...]}.");
    }
    offsets = xcalloc(json_array_size(list) + 1, sizeof *offsets);
    json_array_foreach (list, i, v) {
        offsets[i] = holder->len;
        if (json_is_string(v)) {
            buf_add_str(holder, json_string_value(v));
        } else {
            py_str(holder, v);
        }
        buf_add_char(holder, '\0');
    }
    *ret = xcalloc(json_array_size(list) + 1, sizeof **ret);
    json_array_foreach (list, i, v) {
        (*ret)[i] = (const char *) holder->data + offsets[i];
    }
    free(offsets);
    *ret_n = json_array_size(list);
    return 0;
}

/* An action's answer: the group with its revision, timestamps and "shared" (whether a
 * policy shares it with the caller's project or with everyone). */
static void
render_action_answer(struct jsonw *w, const struct address_group *g)
{
    static const struct field_set all = { 0 };
    const struct field_set *fs = &all;

    jsonw_object_begin(w);
    jsonw_key(w, "address_group");
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", g->std.id);
    api_kv_str(w, fs, "name", g->std.name);
    api_kv_str(w, fs, "project_id", g->std.project_id);
    api_kv_bool(w, fs, "shared", g->shared);
    api_kv_raw(w, fs, "addresses", g->addresses_json ? g->addresses_json : "[]");
    api_kv_int(w, fs, "revision_number", g->std.revision_number);
    api_kv_str(w, fs, "description", g->std.description);
    api_kv_str(w, fs, "created_at", g->std.created_at);
    api_kv_str(w, fs, "updated_at", g->std.updated_at);
    api_kv_str(w, fs, "tenant_id", g->std.project_id);
    jsonw_object_end(w);
    jsonw_object_end(w);
}

static int
addresses_action(struct request *req, const char *id, bool add)
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    struct buf holder = BUF_INITIALIZER;
    const char **texts = NULL;
    struct address_group g;
    json_t *body = NULL;
    struct jsonw w;
    size_t n = 0;
    int r;

    if (!c) {
        return -1;
    }
    if (req->body.len) {
        body = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, NULL);
    }
    r = action_addresses(req, body, &holder, &texts, &n);
    if (r) {
        goto out;
    }
    r = store_begin(c);
    if (r) {
        r = api_fail_internal(req, r);
        goto out;
    }
    r = add ? core_address_group_add_addresses(&op, id, texts, n, &g)
            : core_address_group_remove_addresses(&op, id, texts, n, &g);
    if (r) {
        store_rollback(c);
        r = api_fail_with(req, &err);
        goto out;
    }
    api_begin(req, 200, &w);
    render_action_answer(&w, &g);
    address_group_done(&g);
    r = store_commit(c);
    r = r ? api_fail_internal(req, r) : 0;
out:
    free(texts);
    buf_done(&holder);
    json_decref(body);
    return r;
}

int
address_group_add_addresses(struct request *req, char *const args[])
{
    return addresses_action(req, args[0], true);
}

int
address_group_remove_addresses(struct request *req, char *const args[])
{
    return addresses_action(req, args[0], false);
}
