/* Address scopes in the domain core; see address_scope.h. */
#include "address_scope.h"

#include <errno.h>
#include <string.h>

#include "rbac.h"
#include "store/store.h"
#include "util.h"

int
core_address_scope_get(const struct op *op, const char *id, struct address_scope *ret)
{
    int r = store_address_scope_get_as(op->c, id, context_visible_to(op->caller),
                                       op->caller->project_id, ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return r == -ENOENT ? api_error_set(op->err, API_ERR_ADDRESS_SCOPE_NOT_FOUND,
                                            "Address scope %s could not be found.", id)
                            : core_internal(op, r);
    }
    return 0;
}

/* shared may be set by admins only: on create when true, on update whenever given. */
static int
check_shared_allowed(const struct op *op, const struct address_scope_spec *spec, bool create)
{
    const char *action = create ? "create_address_scope" : "update_address_scope";

    if (op->caller->is_admin || !spec->has_shared || (create && !spec->shared)) {
        return 0;
    }
    return api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED,
                         "(rule:%s and rule:%s:shared) is disallowed by policy", action, action);
}

int
core_address_scope_create(const struct op *op, const struct address_scope_spec *spec,
                          struct address_scope *ret)
{
    struct address_scope a;
    const char *owner;
    int r;

    if (core_owner(op, spec->project_id, &owner)
        || core_authorize(op, POLICY_ADDRESS_SCOPE, POLICY_CREATE,
                          &(struct policy_target) { .project_id = owner })
        || check_shared_allowed(op, spec, true)) {
        return -1;
    }
    memset(&a, 0, sizeof a);
    uuid_new(a.std.id);
    a.std.project_id = xstrdup(owner);
    a.std.name = xstrdup(spec->name ? spec->name : "");
    a.std.description = xstrdup("");
    a.std.tags_json = xstrdup("[]");
    time_iso8601_now(a.std.created_at);
    memcpy(a.std.updated_at, a.std.created_at, sizeof a.std.updated_at);
    a.ip_version = spec->ip_version;
    a.shared = spec->has_shared && spec->shared;
    r = store_address_scope_insert(op->c, &a);
    r = r ? core_internal(op, r) : 0;
    /* A shared scope is one with a '*' policy, which its owner gives. */
    if (!r && a.shared) {
        r = core_rbac_share_with_all(op, "address_scope", a.std.id, a.std.project_id);
    }
    if (r) {
        address_scope_done(&a);
        return -1;
    }
    *ret = a;
    return 0;
}

/* "shared": true on an update gives the scope to everyone unless a '*' policy already
 * does, by a policy in the caller's name (Zed's); false changes nothing (a scope the
 * caller sees as shared was refused before). */
static int
share_on_update(const struct op *op, const struct address_scope *a, bool shared)
{
    bool wildcard = true;
    int r;

    if (!shared) {
        return 0;
    }
    r = store_rbac_exists(op->c, "address_scope", a->std.id, RBAC_ACCESS_SHARED,
                          RBAC_ANY_PROJECT, &wildcard);
    if (r) {
        return core_internal(op, r);
    }
    return wildcard ? 0 : core_rbac_share_with_all(op, "address_scope", a->std.id,
                                                   op->caller->project_id);
}

/* The scope 'id' as the caller sees it, and the caller may do 'action' on it. */
static int
scope_for(const struct op *op, const char *id, enum policy_action action,
          struct address_scope *ret)
{
    if (core_address_scope_get(op, id, ret)) {
        return -1;
    }
    if (core_authorize(op, POLICY_ADDRESS_SCOPE, action, &(struct policy_target) {
                           .project_id = ret->std.project_id, .shared = ret->shared })) {
        address_scope_done(ret);
        return -1;
    }
    return 0;
}

int
core_address_scope_update(const struct op *op, const char *id,
                          const struct address_scope_spec *spec, int64_t expected_revision,
                          struct address_scope *ret)
{
    int r;

    if (scope_for(op, id, POLICY_UPDATE, ret)) {
        return -1;
    }
    r = check_shared_allowed(op, spec, false)
        || core_check_revision(op, expected_revision, ret->std.revision_number);
    if (!r && ret->shared && spec->has_shared && !spec->shared) {
        r = api_error_set(op->err, API_ERR_ADDRESS_SCOPE_UPDATE_ERROR, "Unable to update"
                          " address scope %s : Shared address scope can't be unshared.", id);
    }
    if (!r && (spec->name || spec->has_shared)) {
        core_take_str(&ret->std.name, spec->name);
        if (spec->has_shared) {
            ret->shared = spec->shared;
        }
        ret->std.revision_number++;
        time_iso8601_now(ret->std.updated_at);
        r = store_address_scope_update(op->c, ret);
        r = r ? core_internal(op, r) : spec->has_shared ? share_on_update(op, ret, spec->shared)
                                                        : 0;
    }
    if (r) {
        address_scope_done(ret);
        return -1;
    }
    return 0;
}

int
core_address_scope_delete(const struct op *op, const char *id, int64_t expected_revision)
{
    struct address_scope a;
    bool in_use = false;
    int r;

    if (scope_for(op, id, POLICY_DELETE, &a)) {
        return -1;
    }
    r = core_check_revision(op, expected_revision, a.std.revision_number);
    if (!r) {
        r = store_address_scope_in_use(op->c, id, &in_use);
        r = r ? core_internal(op, r) : 0;
    }
    if (!r && in_use) {
        r = api_error_set(op->err, API_ERR_ADDRESS_SCOPE_IN_USE, "Unable to complete operation"
                          " on address scope %s. There are one or more subnet pools in use on"
                          " the address scope.", id);
    }
    if (!r) {
        r = store_address_scope_delete(op->c, id);
        r = r ? core_internal(op, r) : 0;
    }
    address_scope_done(&a);
    return r;
}
