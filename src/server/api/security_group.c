/* /v2.0/security-groups and /v2.0/security-group-rules: the attribute tables, rendering,
 * and the handlers; the work is the core's (core/security_group.h).  A list of either
 * first makes the default group of the project it is about, as Neutron does
 * (docs/behaviour/api.md §13). */
#include "security_group.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "common.h"
#include "resource.h"
#include "core/security_group.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

static const struct attr_def security_group_attrs[] = {
    { "id", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_ID },
    { "name", AK_STRING, true, true, .max_len = 255, .not_default = true, .filter = true,
      .sort = true, .field = SF_NAME },
    ATTR_OWNER,
    { "security_group_rules", AK_ANY, false, false },
    /* Zed neither filters nor sorts on stateful. */
    { "stateful", AK_BOOL, true, true },
    { "shared", AK_BOOL, false, false, .filter = true, .field = SF_SHARED,
      .field_kind = SV_INT },
    ATTRS_STANDARD,
};

const struct resource_def security_group_def = {
    .singular = "security_group",
    .plural = "security_groups",
    .title = "Security group",
    .not_found = API_ERR_SG_NOT_FOUND,
    .attrs = security_group_attrs,
    .n_attrs = ARRAY_SIZE(security_group_attrs),
};

static const char *const directions[] = { "ingress", "egress", NULL };

static const struct attr_def sg_rule_attrs[] = {
    { "id", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_ID },
    { "security_group_id", AK_STRING, true, false, true, .max_len = 36, .filter = true,
      .sort = true, .field = SF_SECURITY_GROUP_ID },
    { "remote_group_id", AK_STRING, true, false, .null_is_empty = true, .filter = true,
      .sort = true, .field = SF_REMOTE_GROUP_ID },
    { "direction", AK_VALUES, true, false, true, .values = directions, .filter = true,
      .sort = true, .field = SF_DIRECTION },
    { "protocol", AK_SG_PROTOCOL, true, false, .filter = true, .sort = true,
      .field = SF_PROTOCOL },
    { "port_range_min", AK_SG_PORT, true, false, .filter = true, .sort = true,
      .field = SF_PORT_RANGE_MIN, .field_kind = SV_INT },
    { "port_range_max", AK_SG_PORT, true, false, .filter = true, .sort = true,
      .field = SF_PORT_RANGE_MAX, .field_kind = SV_INT },
    { "ethertype", AK_SG_ETHERTYPE, true, false, .filter = true, .sort = true,
      .field = SF_ETHERTYPE },
    { "remote_ip_prefix", AK_SG_PREFIX, true, false, .filter = true, .sort = true,
      .field = SF_REMOTE_IP_PREFIX },
    ATTR_OWNER,
    { "description", AK_STRING, true, true, .max_len = 255, .filter = true,
      .field = SF_DESCRIPTION },
    { "remote_address_group_id", AK_STRING, true, false, .null_is_empty = true,
      .filter = true, .sort = true, .field = SF_REMOTE_ADDRESS_GROUP_ID },
    { "normalized_cidr", AK_ANY, false, false, .filter = true, .field = SF_NORMALIZED_CIDR },
    { "created_at", AK_ANY, false, false },
    { "updated_at", AK_ANY, false, false },
    { "revision_number", AK_ANY, false, false, .filter = true, .field = SF_REVISION_NUMBER,
      .field_kind = SV_INT },
};

const struct resource_def sg_rule_def = {
    .singular = "security_group_rule",
    .plural = "security_group_rules",
    .title = "Security group rule",
    .not_found = API_ERR_SG_RULE_NOT_FOUND,
    .attrs = sg_rule_attrs,
    .n_attrs = ARRAY_SIZE(sg_rule_attrs),
};

static void
security_group_render(struct jsonw *w, const struct security_group *g,
                      const struct field_set *fs, const struct context *ctx)
{
    (void) ctx;
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", g->std.id);
    api_kv_str(w, fs, "name", g->std.name);
    api_kv_bool(w, fs, "stateful", g->stateful);
    api_kv_bool(w, fs, "shared", g->shared);
    api_kv_raw(w, fs, "security_group_rules", g->rules_json);
    api_render_std(w, &g->std, fs);
    jsonw_object_end(w);
}

static void
kv_port(struct jsonw *w, const struct field_set *fs, const char *key, int64_t v)
{
    if (fields_want(fs, key)) {
        jsonw_key(w, key);
        if (v == SG_PORT_NONE) {
            jsonw_null(w);
        } else {
            jsonw_int(w, v);
        }
    }
}

/* A rule shown on its own: no standard_attr_id and no tags, unlike inside its group. */
static void
sg_rule_render(struct jsonw *w, const struct sg_rule *r, const struct field_set *fs,
               const struct context *ctx)
{
    (void) ctx;
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", r->std.id);
    api_kv_str(w, fs, "tenant_id", r->std.project_id);
    api_kv_str(w, fs, "security_group_id", r->security_group_id);
    api_kv_str(w, fs, "ethertype", r->ethertype);
    api_kv_str(w, fs, "direction", r->direction);
    api_kv_str(w, fs, "protocol", r->protocol);
    kv_port(w, fs, "port_range_min", r->port_range_min);
    kv_port(w, fs, "port_range_max", r->port_range_max);
    api_kv_str(w, fs, "remote_ip_prefix", r->remote_ip_prefix);
    api_kv_str(w, fs, "remote_address_group_id",
               r->remote_address_group_id[0] ? r->remote_address_group_id : NULL);
    api_kv_str(w, fs, "normalized_cidr", r->normalized_cidr);
    api_kv_str(w, fs, "remote_group_id", r->remote_group_id[0] ? r->remote_group_id : NULL);
    api_kv_str(w, fs, "description", r->std.description);
    api_kv_str(w, fs, "created_at", r->std.created_at);
    api_kv_str(w, fs, "updated_at", r->std.updated_at);
    api_kv_int(w, fs, "revision_number", r->std.revision_number);
    api_kv_str(w, fs, "project_id", r->std.project_id);
    jsonw_object_end(w);
}

/* --- The resources' operations --------------------------------------------------- */

static int
security_group_write(const struct op *op, const char *id, const json_t *item,
                     int64_t expected_revision, void *ret)
{
    struct security_group_spec spec = {
        .project_id = attr_str(item, "project_id", NULL),
        .name = attr_str(item, "name", NULL),
        .description = attr_str(item, "description", NULL),
        .has_stateful = attr_has(item, "stateful"),
        .stateful = attr_bool(item, "stateful", true),
    };

    return id ? core_security_group_update(op, id, &spec, expected_revision, ret)
              : core_security_group_create(op, &spec, ret);
}

static int64_t
port_attr(const json_t *item, const char *name)
{
    return attr_has(item, name) && !attr_is_null(item, name) ? attr_int(item, name, 0)
                                                              : SG_PORT_NONE;
}

/* A checked body item as a sg_rule_spec (strings stay the item's). */
static void
rule_spec_from_item(const json_t *item, struct sg_rule_spec *ret)
{
    const char *remote_group = attr_str(item, "remote_group_id", NULL);
    const char *address_group = attr_str(item, "remote_address_group_id", NULL);
    struct sg_rule_spec spec = {
        .project_id = attr_str(item, "project_id", NULL),
        .security_group_id = attr_str(item, "security_group_id", NULL),
        .remote_group_id = remote_group && *remote_group ? remote_group : NULL,
        .direction = attr_str(item, "direction", NULL),
        .ethertype = attr_str(item, "ethertype", NULL),
        .protocol = attr_str(item, "protocol", NULL),
        .port_range_min = port_attr(item, "port_range_min"),
        .port_range_max = port_attr(item, "port_range_max"),
        .remote_ip_prefix = attr_str(item, "remote_ip_prefix", NULL),
        .remote_address_group_id = address_group && *address_group ? address_group : NULL,
        .has_description = attr_has(item, "description"),
        .description = attr_str(item, "description", NULL),
    };

    *ret = spec;
}

static int
sg_rule_write(const struct op *op, const char *id, const json_t *item,
              int64_t expected_revision, void *ret)
{
    struct sg_rule_spec spec;

    rule_spec_from_item(item, &spec);
    return id ? core_sg_rule_update(op, id, &spec, expected_revision, ret)
              : core_sg_rule_create(op, &spec, ret);
}

static int
sg_rules_check_bulk(const struct op *op, const json_t *items)
{
    size_t n = json_array_size(items);
    struct sg_rule_spec *specs = xcalloc(n ? n : 1, sizeof *specs);
    int r;

    for (size_t i = 0; i < n; i++) {
        rule_spec_from_item(json_array_get(items, i), &specs[i]);
    }
    r = core_sg_rules_check_bulk(op, specs, n);
    free(specs);
    return r;
}

RESOURCE_OPS(security_group, struct security_group, security_group_def, store_sg_foreach,
             core_security_group_get, security_group_write, core_security_group_delete,
             security_group_render, security_group_done, .bump = store_sg_bump)

RESOURCE_OPS(sg_rule, struct sg_rule, sg_rule_def, store_sg_rule_foreach, core_sg_rule_get,
             sg_rule_write, core_sg_rule_delete, sg_rule_render, sg_rule_done,
             .check_bulk = sg_rules_check_bulk)

/* Makes the default group a list is about, in a transaction of its own, before the
 * list reads.  Returns 0, or -1 after answering. */
static int
ensure_default_for_list(struct request *req)
{
    const char *asked = request_param(req, "project_id");
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    bool needed;
    int r;

    if (!c) {
        return -1;
    }
    asked = asked ? asked : request_param(req, "tenant_id");
    if (core_security_group_list_needs_default(&op, asked, &needed)) {
        return api_fail_with(req, &err);
    }
    if (!needed) {
        return 0;
    }
    r = store_begin(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    if (core_security_group_ensure_for_caller(&op, asked)) {
        store_rollback(c);
        return api_fail_with(req, &err);
    }
    r = store_commit(c);
    return r ? api_fail_internal(req, r) : 0;
}

int
security_groups_list(struct request *req, char *const args[])
{
    (void) args;
    return ensure_default_for_list(req) ? -1 : api_resource_list(req, &security_group_ops);
}

int
security_groups_create(struct request *req, char *const args[])
{
    (void) args;
    return api_resource_create(req, &security_group_ops);
}

int
security_group_show(struct request *req, char *const args[])
{
    return api_resource_show(req, &security_group_ops, args[0]);
}

int
security_group_update(struct request *req, char *const args[])
{
    return api_resource_update(req, &security_group_ops, args[0]);
}

int
security_group_delete(struct request *req, char *const args[])
{
    return api_resource_delete(req, &security_group_ops, args[0]);
}

int
security_group_rules_list(struct request *req, char *const args[])
{
    (void) args;
    return ensure_default_for_list(req) ? -1 : api_resource_list(req, &sg_rule_ops);
}

int
security_group_rules_create(struct request *req, char *const args[])
{
    (void) args;
    return api_resource_create(req, &sg_rule_ops);
}

int
security_group_rule_show(struct request *req, char *const args[])
{
    return api_resource_show(req, &sg_rule_ops, args[0]);
}

int
security_group_rule_update(struct request *req, char *const args[])
{
    return api_resource_update(req, &sg_rule_ops, args[0]);
}

int
security_group_rule_delete(struct request *req, char *const args[])
{
    return api_resource_delete(req, &sg_rule_ops, args[0]);
}
