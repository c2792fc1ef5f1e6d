/* The identity API's permission table (see ks_policy.h). */
#include "ks_policy.h"

#include <errno.h>

#include "app.h"
#include "ks_common.h"
#include "request.h"
#include "util.h"

/* Who may: any of these. */
enum {
    ANYONE = 1 << 0,        /* Any valid token. */
    ADMIN = 1 << 1,         /* The admin role. */
    SERVICE = 1 << 2,       /* The service role (services validate users' tokens). */
    OWN_USER = 1 << 3,      /* The target is the caller's user. */
    OWN_PROJECT = 1 << 4,   /* The target is the project the caller's token is scoped to. */
};

static const struct {
    const char *name;       /* Keystone's rule, without "identity:". */
    unsigned int who;
} rules[KS_ACTION__COUNT] = {
    [KS_VALIDATE_TOKEN] = { "validate_token", ADMIN | SERVICE | OWN_USER },
    [KS_GET_AUTH_PROJECTS] = { "get_auth_projects", ANYONE },
    [KS_GET_AUTH_DOMAINS] = { "get_auth_domains", ANYONE },
    [KS_GET_AUTH_CATALOG] = { "get_auth_catalog", ANYONE },
    [KS_LIST_PROJECTS] = { "list_projects", ADMIN },
    [KS_CREATE_PROJECT] = { "create_project", ADMIN },
    [KS_GET_PROJECT] = { "get_project", ADMIN | OWN_PROJECT },
    [KS_UPDATE_PROJECT] = { "update_project", ADMIN },
    [KS_DELETE_PROJECT] = { "delete_project", ADMIN },
    [KS_LIST_USERS] = { "list_users", ADMIN },
    [KS_CREATE_USER] = { "create_user", ADMIN },
    [KS_GET_USER] = { "get_user", ADMIN | OWN_USER },
    [KS_UPDATE_USER] = { "update_user", ADMIN },
    [KS_DELETE_USER] = { "delete_user", ADMIN },
    [KS_LIST_USER_PROJECTS] = { "list_user_projects", ADMIN | OWN_USER },
    /* Only users themselves, who must know the original password: not even an admin
     * (an admin sets a password with update_user). */
    [KS_CHANGE_PASSWORD] = { "change_password", OWN_USER },
    [KS_LIST_ROLES] = { "list_roles", ADMIN },
    [KS_CREATE_ROLE] = { "create_role", ADMIN },
    [KS_GET_ROLE] = { "get_role", ADMIN },
    [KS_DELETE_ROLE] = { "delete_role", ADMIN },
    [KS_CREATE_GRANT] = { "create_grant", ADMIN },
    [KS_CHECK_GRANT] = { "check_grant", ADMIN },
    [KS_REVOKE_GRANT] = { "revoke_grant", ADMIN },
    [KS_LIST_GRANTS] = { "list_grants", ADMIN },
    /* Anyone may list their own assignments (the target is the user.id filter). */
    [KS_LIST_ROLE_ASSIGNMENTS] = { "list_role_assignments", ADMIN | OWN_USER },
    [KS_LIST_DOMAINS] = { "list_domains", ANYONE },
    [KS_GET_DOMAIN] = { "get_domain", ANYONE },
};

int
ks_caller(struct request *req, struct store_conn *c, struct ks_caller *ret)
{
    int r;

    if (!req->auth_token || !*req->auth_token) {
        return ks_unauthorized(req);
    }
    r = identity_validate(req->app->identity, c, req->auth_token, &ret->auth);
    if (r) {
        return r == -ENOENT ? ks_unauthorized(req) : ks_internal(req, r);
    }
    ret->is_admin = ret->auth.role_bits & ROLE_ADMIN;
    return 0;
}

/* True if 'target' names 'own' (an unscoped token's "" project names nothing). */
static bool
same(const char *target, const char *own)
{
    return target && *target && STREQ(target, own);
}

static bool
allowed(const struct ks_caller *caller, unsigned int who, const char *target)
{
    const struct id_token *t = &caller->auth.token;

    return (who & ANYONE) || ((who & ADMIN) && caller->is_admin)
           || ((who & SERVICE) && (caller->auth.role_bits & ROLE_SERVICE))
           || ((who & OWN_USER) && same(target, t->user_id))
           || ((who & OWN_PROJECT) && same(target, t->project_id));
}

int
ks_permit(struct request *req, const struct ks_caller *caller, enum ks_action action,
          const char *target)
{
    if (allowed(caller, rules[action].who, target)) {
        return 0;
    }
    return ks_fail(req, 403, "You are not authorized to perform the requested action:"
                             " identity:%s.", rules[action].name);
}

struct store_conn *
ks_authorize(struct request *req, enum ks_action action, const char *target,
             struct ks_caller *ret)
{
    struct store_conn *c = request_conn(req);
    struct ks_caller unused;

    ret = ret ? ret : &unused;
    if (!c || ks_caller(req, c, ret) || ks_permit(req, ret, action, target)) {
        return NULL;
    }
    return c;
}

struct store_conn *
ks_authorize_write(struct request *req, enum ks_action action, const char *target,
                   const char *key, json_t **ret_entity)
{
    struct store_conn *c = ks_authorize(req, action, target, NULL);

    return c && (*ret_entity = ks_entity_body(req, key)) ? c : NULL;
}
