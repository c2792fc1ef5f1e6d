/* /v2.0/rbac-policies: the attribute table, rendering and the handlers; the work is
 * the core's (core/rbac.h).  Neutron offers no sort key and no pagination on this
 * collection, and neither do we. */
#include "rbac.h"

#include <string.h>

#include "common.h"
#include "resource.h"
#include "core/rbac.h"
#include "store/store.h"
#include "util.h"

/* In Neutron's order, which is the order of its "Required attribute" checks. */
static const struct attr_def rbac_policy_attrs[] = {
    { "id", AK_ANY, false, false, .filter = true, .field = SF_ID },
    { "object_type", AK_RBAC_OBJECT_TYPE, true, false, .filter = true,
      .field = SF_OBJECT_TYPE },
    { "object_id", AK_UUID, true, false, true, .filter = true, .field = SF_OBJECT_ID },
    { "target_tenant", AK_STRING, true, true, true, .max_len = 255, .filter = true,
      .field = SF_TARGET_PROJECT },
    { "tenant_id", AK_STRING, true, false, .max_len = 255, .filter = true,
      .field = SF_PROJECT_ID },
    { "project_id", AK_STRING, true, false, .max_len = 255, .filter = true,
      .field = SF_PROJECT_ID },
    { "action", AK_STRING, true, false, true, .max_len = 255, .filter = true,
      .field = SF_ACTION },
};

const struct resource_def rbac_policy_def = {
    .singular = "rbac_policy",
    .plural = "rbac_policies",
    .title = "RBAC policy",
    .not_found = API_ERR_RBAC_POLICY_NOT_FOUND,
    .attrs = rbac_policy_attrs,
    .n_attrs = ARRAY_SIZE(rbac_policy_attrs),
    .no_paging = true,
};

static void
rbac_policy_render(struct jsonw *w, const struct rbac_policy *p, const struct field_set *fs,
                   const struct context *ctx)
{
    (void) ctx;
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", p->std.id);
    api_kv_str(w, fs, "project_id", p->std.project_id);
    api_kv_str(w, fs, "action", p->action);
    api_kv_str(w, fs, "object_id", p->object_id);
    api_kv_str(w, fs, "target_tenant", p->target_project);
    api_kv_str(w, fs, "object_type", p->object_type);
    api_kv_str(w, fs, "tenant_id", p->std.project_id);
    jsonw_object_end(w);
}

static int
rbac_policy_write(const struct op *op, const char *id, const json_t *item,
                  int64_t expected_revision, void *ret)
{
    struct rbac_spec spec = {
        .project_id = attr_str(item, "project_id", NULL),
        .object_type = attr_str(item, "object_type", NULL),
        .object_id = attr_str(item, "object_id", NULL),
        .action = attr_str(item, "action", NULL),
        .target_project = attr_str(item, "target_tenant", NULL),
    };

    (void) expected_revision;   /* Policies have no revision. */
    if (id) {
        return core_rbac_update(op, id, spec.target_project, ret);
    }
    if (!spec.object_type) {
        /* Neutron converts the absent type (None) and fails; say what it would. */
        return api_error_invalid(op->err, "'None' is not a valid RBAC object type");
    }
    return core_rbac_create(op, &spec, ret);
}

static int
rbac_policy_delete_any(const struct op *op, const char *id, int64_t expected_revision)
{
    (void) expected_revision;
    return core_rbac_delete(op, id);
}

RESOURCE_OPS(rbac_policy, struct rbac_policy, rbac_policy_def, store_rbac_foreach,
             core_rbac_get, rbac_policy_write, rbac_policy_delete_any, rbac_policy_render,
             rbac_policy_done)

RESOURCE_HANDLERS(rbac_policies, rbac_policy, &rbac_policy_ops)
