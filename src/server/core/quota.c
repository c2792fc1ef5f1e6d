/* Quotas in the domain core; see quota.h. */
#include "quota.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "store/store.h"
#include "util.h"

static const char *const resource_names[QUOTA__COUNT] = {
    [QUOTA_NETWORK] = "network",
    [QUOTA_SUBNET] = "subnet",
    [QUOTA_SUBNETPOOL] = "subnetpool",
    [QUOTA_PORT] = "port",
    [QUOTA_ROUTER] = "router",
    [QUOTA_FLOATINGIP] = "floatingip",
    [QUOTA_RBAC_POLICY] = "rbac_policy",
    [QUOTA_SECURITY_GROUP] = "security_group",
    [QUOTA_SECURITY_GROUP_RULE] = "security_group_rule",
};

const char *
quota_resource_name(enum quota_resource res)
{
    return resource_names[res];
}

int
quota_resource_find(const char *name)
{
    for (int i = 0; i < QUOTA__COUNT; i++) {
        if (STREQ(resource_names[i], name)) {
            return i;
        }
    }
    return -1;
}

bool
quota_allows(int64_t limit, int64_t used, int64_t delta)
{
    return limit < 0 || used + delta <= limit;
}

void
core_quota_defaults(const struct op *op, struct quota_set *ret)
{
    memset(ret, 0, sizeof *ret);
    for (int i = 0; i < QUOTA__COUNT; i++) {
        ret->limit[i] = op->app->cfg->quota_defaults[i];
    }
}

static int
stored_limit(const char *project_id, const char *resource, int64_t limit, void *aux)
{
    struct quota_set *set = aux;
    int res = quota_resource_find(resource);

    (void) project_id;
    if (res >= 0) {
        set->limit[res] = limit;
    }
    return 0;
}

/* The defaults with the stored limits of 'project_id' over them. */
static int
limits_of(const struct op *op, const char *project_id, struct quota_set *ret)
{
    struct quota_set set;
    int r;

    core_quota_defaults(op, &set);
    r = store_quota_foreach(op->c, project_id, stored_limit, &set);
    if (r) {
        return core_internal(op, r);
    }
    *ret = set;
    return 0;
}

static int
usage_of(const struct op *op, enum quota_resource res, const char *project_id, int64_t *ret)
{
    int r = store_quota_usage(op->c, resource_names[res], project_id, ret);

    return r ? core_internal(op, r) : 0;
}

int
quota_check(const struct op *op, enum quota_resource res, const char *project_id,
            int64_t delta)
{
    struct quota_set set;
    int64_t used;

    /* What belongs to no project (the HA networks, their subnets) is the server's own:
     * Neutron makes it past its API's quota checks, and no project could be asked to
     * free room for it. */
    if (!project_id || !*project_id) {
        return 0;
    }
    if (limits_of(op, project_id, &set)) {
        return -1;
    }
    if (set.limit[res] < 0) {
        return 0;
    }
    if (usage_of(op, res, project_id, &used)) {
        return -1;
    }
    if (!quota_allows(set.limit[res], used, delta)) {
        return api_error_set(op->err, API_ERR_OVER_QUOTA,
                             "Quota exceeded for resources: ['%s'].", resource_names[res]);
    }
    return 0;
}

/* Neutron's rule: a project's own quotas are readable by its members, others' by
 * admins (get_quota is admin-only; the controller skips it for the caller's own). */
static int
may_read(const struct op *op, const char *project_id)
{
    if (op->caller->is_admin || STREQ(project_id, op->caller->project_id)) {
        return 0;
    }
    return api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED,
                         "rule:get_quota is disallowed by policy");
}

static int
admin_only(const struct op *op, const char *rule)
{
    if (op->caller->is_admin) {
        return 0;
    }
    return api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED,
                         "rule:%s is disallowed by policy", rule);
}

int
core_quota_get(const struct op *op, const char *project_id, struct quota_set *ret)
{
    return may_read(op, project_id) || limits_of(op, project_id, ret) ? -1 : 0;
}

int
core_quota_get_defaults(const struct op *op, const char *project_id, struct quota_set *ret)
{
    if (may_read(op, project_id)) {
        return -1;
    }
    core_quota_defaults(op, ret);
    return 0;
}

int
core_quota_details(const struct op *op, const char *project_id, struct quota_set *ret)
{
    struct quota_set set;

    if (!op->caller->is_admin && !STREQ(project_id, op->caller->project_id)) {
        return api_error_set(op->err, API_ERR_ADMIN_REQUIRED,
                             "User does not have admin privileges: Only admin is authorized"
                             " to access quotas for another project.");
    }
    if (limits_of(op, project_id, &set)) {
        return -1;
    }
    for (int i = 0; i < QUOTA__COUNT; i++) {
        if (usage_of(op, i, project_id, &set.used[i])) {
            return -1;
        }
    }
    *ret = set;
    return 0;
}

struct list_walk_state {
    const struct op *op;
    core_quota_cb *cb;
    void *aux;
    char *project;                  /* The project being gathered (NULL before the first). */
    struct quota_set set;
};

static int
flush_project(struct list_walk_state *s)
{
    return s->project ? s->cb(s->project, &s->set, s->aux) : 0;
}

static int
list_row(const char *project_id, const char *resource, int64_t limit, void *aux)
{
    struct list_walk_state *s = aux;
    int r;

    if (!s->project || !STREQ(project_id, s->project)) {
        r = flush_project(s);
        if (r) {
            return r;
        }
        free(s->project);
        s->project = xstrdup(project_id);
        core_quota_defaults(s->op, &s->set);
    }
    return stored_limit(project_id, resource, limit, &s->set);
}

int
core_quota_list(const struct op *op, core_quota_cb *cb, void *aux)
{
    struct list_walk_state s = { .op = op, .cb = cb, .aux = aux };
    int r;

    if (admin_only(op, "get_quota")) {
        return -1;
    }
    r = store_quota_foreach(op->c, NULL, list_row, &s);
    r = r ? r : flush_project(&s);
    free(s.project);
    return r ? core_internal(op, r) : 0;
}

/* With check_limit, each limit given must be at least what is used now, compared as
 * Neutron compares them (so -1 is refused too), in the body's order. */
static int
check_limits(const struct op *op, const char *project_id, const struct quota_update *u)
{
    for (size_t i = 0; i < u->n; i++) {
        int64_t used;

        if (usage_of(op, u->res[i], project_id, &used)) {
            return -1;
        }
        if (used > u->limit[i]) {
            return api_error_set(op->err, API_ERR_HTTP_BAD_REQUEST,
                                 "Quota limit %" PRId64 " for %s must be greater than or"
                                 " equal to already used %" PRId64,
                                 u->limit[i], resource_names[u->res[i]], used);
        }
    }
    return 0;
}

int
core_quota_authorize_update(const struct op *op)
{
    return admin_only(op, "update_quota");
}

int
core_quota_update(const struct op *op, const char *project_id, const struct quota_update *u,
                  struct quota_set *ret)
{
    if (admin_only(op, "update_quota") || (u->check_limit && check_limits(op, project_id, u))) {
        return -1;
    }
    for (size_t i = 0; i < u->n; i++) {
        int r = store_quota_set(op->c, project_id, resource_names[u->res[i]], u->limit[i]);

        if (r) {
            return core_internal(op, r);
        }
    }
    return limits_of(op, project_id, ret);
}

int
core_quota_delete(const struct op *op, const char *project_id)
{
    int r;

    if (admin_only(op, "delete_quota")) {
        return -1;
    }
    r = store_quota_delete(op->c, project_id);
    if (r == -ENOENT) {
        return api_error_set(op->err, API_ERR_TENANT_QUOTA_NOT_FOUND,
                             "Quota for tenant %s could not be found.", project_id);
    }
    return r ? core_internal(op, r) : 0;
}
