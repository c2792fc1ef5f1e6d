/* /v2.0/address-scopes: the attribute table, rendering and the handlers; the work is
 * the core's (core/address_scope.h).  Zed shows a scope with no standard attributes
 * (no description, tags, timestamps or revision), so neither do we. */
#include "address_scope.h"

#include "common.h"
#include "resource.h"
#include "core/address_scope.h"
#include "store/store.h"
#include "util.h"

static const char *const ip_versions[] = { "4", "6", NULL };

static const struct attr_def address_scope_attrs[] = {
    { "id", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_ID },
    { "name", AK_STRING, true, true, .max_len = 255, .filter = true, .sort = true,
      .field = SF_NAME },
    ATTR_OWNER,
    { "shared", AK_BOOL, true, true, .filter = true, .sort = true, .field = SF_SHARED,
      .field_kind = SV_INT },
    { "ip_version", AK_INT, true, false, .required = true, .values = ip_versions,
      .filter = true, .sort = true, .field = SF_IP_VERSION, .field_kind = SV_INT },
};

const struct resource_def address_scope_def = {
    .singular = "address_scope",
    .plural = "address_scopes",
    .title = "Address scope",
    .not_found = API_ERR_ADDRESS_SCOPE_NOT_FOUND,
    .attrs = address_scope_attrs,
    .n_attrs = ARRAY_SIZE(address_scope_attrs),
};

static void
address_scope_render(struct jsonw *w, const struct address_scope *a,
                     const struct field_set *fs, const struct context *ctx)
{
    (void) ctx;
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", a->std.id);
    api_kv_str(w, fs, "name", a->std.name);
    api_kv_str(w, fs, "tenant_id", a->std.project_id);
    api_kv_str(w, fs, "project_id", a->std.project_id);
    api_kv_bool(w, fs, "shared", a->shared);
    api_kv_int(w, fs, "ip_version", a->ip_version);
    jsonw_object_end(w);
}

static int
address_scope_write(const struct op *op, const char *id, const json_t *item,
                    int64_t expected_revision, void *ret)
{
    struct address_scope_spec spec = {
        .project_id = attr_str(item, "project_id", NULL),
        .name = attr_str(item, "name", NULL),
        .ip_version = (int) attr_int(item, "ip_version", 4),
        .has_shared = attr_has(item, "shared"),
        .shared = attr_bool(item, "shared", false),
    };

    return id ? core_address_scope_update(op, id, &spec, expected_revision, ret)
              : core_address_scope_create(op, &spec, ret);
}

RESOURCE_OPS(address_scope, struct address_scope, address_scope_def,
             store_address_scope_foreach, core_address_scope_get, address_scope_write,
             core_address_scope_delete, address_scope_render, address_scope_done)

RESOURCE_HANDLERS(address_scopes, address_scope, &address_scope_ops)
