/* Authorization and ownership checks shared by the core's resources; see core.h. */
#include "core.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util.h"

void
context_service(struct context *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->roles = ROLE_ADMIN | ROLE_MEMBER | ROLE_READER | ROLE_SERVICE;
    ctx->is_admin = true;
}

int
core_internal(const struct op *op, int r)
{
    return api_error_internal(op->err, r);
}

void
core_take_str(char **field, const char *given)
{
    if (given) {
        free(*field);
        *field = xstrdup(given);
    }
}

int
core_authorize(const struct op *op, enum policy_resource res, enum policy_action action,
               const struct policy_target *target)
{
    const struct context *ctx = op->caller;

    if (policy_allows(ctx, res, action, target)) {
        return 0;
    }
    /* A refused write is a 403 only if the caller may see the resource; otherwise it
     * is as if the resource did not exist. */
    if (action == POLICY_CREATE
        || (action != POLICY_GET && policy_allows(ctx, res, POLICY_GET, target))) {
        return api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED,
                             "rule:%s is disallowed by policy", policy_rule_name(res, action));
    }
    return api_error_set(op->err, API_ERR_HTTP_NOT_FOUND, "The resource could not be found.");
}

int
core_authorize_on_network(const struct op *op, enum policy_resource res,
                          enum policy_action action, const char *project_id,
                          const char *network_id)
{
    struct policy_target t = { .project_id = project_id };
    struct network net;
    int r;

    if (op->caller->is_admin) {
        return 0;
    }
    r = store_network_get_as(op->c, network_id, NULL, op->caller->project_id, &net);
    if (r) {
        return core_internal(op, r);
    }
    t.net_project_id = net.std.project_id;
    t.shared = net.shared;
    r = core_authorize(op, res, action, &t);
    network_done(&net);
    return r;
}

int
core_network_for_child(const struct op *op, enum policy_resource res, const char *network_id,
                       const char *owner, struct network *ret)
{
    const struct context *ctx = op->caller;
    /* Shared with the caller: through a '*' policy or one naming its project. */
    int r = store_network_get_as(op->c, network_id, context_visible_to(ctx), ctx->project_id,
                                 ret);

    if (r) {
        return r == -ENOENT ? api_error_set(op->err, API_ERR_NETWORK_NOT_FOUND,
                                            "Network %s could not be found.", network_id)
                            : core_internal(op, r);
    }
    if (!ctx->is_admin && !ret->shared && !STREQ(ret->std.project_id, ctx->project_id)) {
        r = api_error_set(op->err, API_ERR_HTTP_FORBIDDEN,
                          "Tenant %s not allowed to create %s on this network",
                          ctx->project_id, res == POLICY_PORT ? "port" : "subnet");
    } else {
        r = core_authorize(op, res, POLICY_CREATE, &(struct policy_target) {
                               .project_id = owner, .net_project_id = ret->std.project_id,
                               .shared = ret->shared });
    }
    if (r) {
        network_done(ret);
    }
    return r;
}

int
core_owner(const struct op *op, const char *asked, const char **ret)
{
    if (asked && !op->caller->is_admin && !STREQ(asked, op->caller->project_id)) {
        return api_error_set(op->err, API_ERR_HTTP_BAD_REQUEST,
                             "Specifying 'project_id' or 'tenant_id' other than the"
                             " authenticated project in request requires admin or advsvc"
                             " privileges");
    }
    *ret = asked ? asked : op->caller->project_id;
    return 0;
}

int
core_check_revision(const struct op *op, int64_t expected, int64_t current)
{
    if (expected >= 0 && expected != current) {
        return api_error_set(op->err, API_ERR_REVISION_CONSTRAINT_FAILED,
                             "Constrained to %lld, but current revision is %lld",
                             (long long) expected, (long long) current);
    }
    return 0;
}
