/* RBAC policies in the domain core; see rbac.h and docs/behaviour/rbac.md. */
#include "rbac.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quota.h"
#include "store/store.h"
#include "util.h"

/* --- The kinds of object ----------------------------------------------------------- */

/* What a kind of object brings to its policies. */
struct rbac_type {
    const char *name;                   /* object_type as the API spells it. */
    const char *const *actions;         /* NULL-terminated. */
    const char *actions_text;           /* The actions as Neutron prints them (a Python
                                         * tuple), in InvalidActionForType. */
    /* The owner of 'object_id' for a change of one of its policies by the caller
     * (create, update): InvalidInput when it cannot be found, or is not the caller's
     * and the caller is no admin.  '*ret' (owned) on success only. */
    int (*owner_for_change)(const struct op *op, const char *object_id, char **ret);
    /* The owner of 'object_id' whoever asks, for a removal's checks. */
    int (*owner)(const struct op *op, const char *object_id, char **ret);
    /* Refuses (RbacPolicyInUse) to take access away from what depends on policy 'p',
     * of an object owned by 'owner': its deletion ('new_target' NULL) or its new
     * target 'new_target'. */
    int (*check_removal)(const struct op *op, const struct rbac_policy *p, const char *owner,
                         const char *new_target);
    /* After a policy of 'object_id' was made, changed or deleted through the API. */
    int (*changed)(const struct op *op, const char *object_id);
    /* Further checks of a new policy 'spec' (NULL: none), after the owner's. */
    int (*check_create)(const struct op *op, const struct rbac_spec *spec);
};

static int network_owner_for_change(const struct op *op, const char *id, char **ret);
static int network_owner(const struct op *op, const char *id, char **ret);
static int network_check_removal(const struct op *op, const struct rbac_policy *p,
                                 const char *owner, const char *new_target);
static int network_changed(const struct op *op, const char *id);
static int sg_owner_for_change(const struct op *op, const char *id, char **ret);
static int sg_owner(const struct op *op, const char *id, char **ret);
static int sg_check_removal(const struct op *op, const struct rbac_policy *p,
                            const char *owner, const char *new_target);
static int pool_owner_for_change(const struct op *op, const char *id, char **ret);
static int pool_owner(const struct op *op, const char *id, char **ret);
static int pool_check_removal(const struct op *op, const struct rbac_policy *p,
                              const char *owner, const char *new_target);
static int pool_check_create(const struct op *op, const struct rbac_spec *spec);
static int scope_owner_for_change(const struct op *op, const char *id, char **ret);
static int scope_owner(const struct op *op, const char *id, char **ret);
static int scope_check_removal(const struct op *op, const struct rbac_policy *p,
                               const char *owner, const char *new_target);
static int pool_changed(const struct op *op, const char *id);
static int scope_changed(const struct op *op, const char *id);
static int ag_owner_for_change(const struct op *op, const char *id, char **ret);
static int ag_owner(const struct op *op, const char *id, char **ret);
static int ag_check_removal(const struct op *op, const struct rbac_policy *p,
                            const char *owner, const char *new_target);

static const char *const network_actions[] = { RBAC_ACCESS_SHARED, RBAC_ACCESS_EXTERNAL, NULL };
static const char *const shared_only[] = { RBAC_ACCESS_SHARED, NULL };

/* In Neutron's order (which is also how its list walks the kinds). */
static const struct rbac_type rbac_types[] = {
    { "network", network_actions, "('access_as_shared', 'access_as_external')",
      network_owner_for_change, network_owner, network_check_removal, network_changed,
      NULL },
    { "subnetpool", shared_only, "('access_as_shared',)", pool_owner_for_change, pool_owner,
      pool_check_removal, pool_changed, pool_check_create },
    { "address_scope", shared_only, "('access_as_shared',)", scope_owner_for_change,
      scope_owner, scope_check_removal, scope_changed, NULL },
    { "security_group", shared_only, "('access_as_shared',)",
      sg_owner_for_change, sg_owner, sg_check_removal, NULL, NULL },
    { "address_group", shared_only, "('access_as_shared',)",
      ag_owner_for_change, ag_owner, ag_check_removal, NULL, NULL },
};

static const struct rbac_type *
type_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(rbac_types); i++) {
        if (STREQ(rbac_types[i].name, name)) {
            return &rbac_types[i];
        }
    }
    return NULL;
}

bool
rbac_object_type_normalize(const char *given, char out[RBAC_TYPE_LEN])
{
    size_t len;

    while (isspace((unsigned char) *given)) {
        given++;
    }
    for (len = strlen(given); len && isspace((unsigned char) given[len - 1]); len--) {
    }
    if (len >= RBAC_TYPE_LEN) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        out[i] = (char) tolower((unsigned char) given[i]);
    }
    out[len] = '\0';
    return type_find(out) != NULL;
}

static bool
action_valid(const struct rbac_type *t, const char *action)
{
    for (const char *const *a = t->actions; *a; a++) {
        if (STREQ(*a, action)) {
            return true;
        }
    }
    return false;
}

/* "RBAC policy on object X cannot be removed because other objects depend on it."
 * with the reason.  Returns -1. */
static int
in_use(const struct op *op, const char *object_id, const char *details)
{
    return api_error_set(op->err, API_ERR_RBAC_POLICY_IN_USE, "RBAC policy on object %s"
                         " cannot be removed because other objects depend on it.\nDetails:"
                         " %s", object_id, details);
}

static int
not_owned(const struct op *op, const char *what)
{
    return api_error_invalid(op->err, "Only admins can manipulate policies on %s they do not"
                             " own", what);
}

/* --- Networks ---------------------------------------------------------------------- */

static int
network_owner_for_change(const struct op *op, const char *id, char **ret)
{
    struct network n;
    /* As the caller sees networks: one shared with it is found, and then refused. */
    int r = store_network_get_as(op->c, id, context_visible_to(op->caller),
                                 op->caller->project_id, &n);

    if (r) {
        return r == -ENOENT ? api_error_invalid(op->err, "Network %s could not be found.", id)
                            : core_internal(op, r);
    }
    if (!op->caller->is_admin && !STREQ(n.std.project_id, op->caller->project_id)) {
        network_done(&n);
        return not_owned(op, "networks");
    }
    *ret = xstrdup(n.std.project_id);
    network_done(&n);
    return 0;
}

static int
network_owner(const struct op *op, const char *id, char **ret)
{
    struct network n;
    int r = store_network_get(op->c, id, NULL, &n);

    if (r) {
        return core_internal(op, r);
    }
    *ret = xstrdup(n.std.project_id);
    network_done(&n);
    return 0;
}

/* Whether policy 'action' gives the network to '*'. */
static int
wildcard_exists(const struct op *op, const char *type, const char *object_id,
                const char *action, bool *ret)
{
    int r = store_rbac_exists(op->c, type, object_id, action, RBAC_ANY_PROJECT, ret);

    return r ? core_internal(op, r) : 0;
}

/* Neutron's rule for access_as_shared: the project losing access ('target', or every
 * project without a policy of its own for '*') must have no port on the network,
 * unless a '*' policy still lets every project in.  Sharing with the owner itself
 * guards nothing. */
static int
network_shared_removal(const struct op *op, const struct rbac_policy *p, const char *owner,
                       const char *new_target)
{
    const char *target = p->target_project;
    bool stranded = false;
    int r = 0;

    if (STREQ(target, owner) || (new_target && STREQ(new_target, target))) {
        return 0;
    }
    if (STREQ(target, RBAC_ANY_PROJECT)) {
        r = store_rbac_network_foreign_ports(op->c, p->object_id, owner, &stranded);
    } else {
        bool wildcard;
        if (wildcard_exists(op, "network", p->object_id, RBAC_ACCESS_SHARED, &wildcard)) {
            return -1;
        }
        r = wildcard ? 0 : store_rbac_network_project_ports(op->c, p->object_id, target,
                                                             &stranded);
    }
    if (r) {
        return core_internal(op, r);
    }
    if (stranded) {
        struct buf why = BUF_INITIALIZER;
        buf_printf(&why, "Unable to reconfigure sharing settings for network %s. Multiple"
                   " tenants are using it.", p->object_id);
        r = in_use(op, p->object_id, buf_cstr(&why));
        buf_done(&why);
    }
    return r;
}

/* The default external network stays every project's: its '*' policy cannot go
 * (Zed's RbacPolicyInUse).  -1 with 'op->err' set when it is the default. */
static int
refuse_if_default(const struct op *op, const char *id)
{
    struct network n;
    int r = store_network_get(op->c, id, NULL, &n);
    bool is_default = !r && n.external && n.is_default;

    if (!r) {
        network_done(&n);
    }
    if (r && r != -ENOENT) {
        return core_internal(op, r);
    }
    return is_default ? in_use(op, id, "Default external networks must be shared to everyone.")
                      : 0;
}

/* Neutron's rule for access_as_external: routers whose gateway is on the network must
 * keep their access — those of 'target', or for '*' those of every project without a
 * policy of its own (nor the new target). */
static int
network_external_removal(const struct op *op, const struct rbac_policy *p,
                         const char *new_target)
{
    const char *target = p->target_project;
    bool stranded = false;
    int r;

    if (new_target && STREQ(new_target, target)) {
        return 0;
    }
    if (STREQ(target, RBAC_ANY_PROJECT)) {
        if (refuse_if_default(op, p->object_id)) {
            return -1;
        }
        r = store_rbac_network_gateways(op->c, p->object_id, NULL, new_target, &stranded);
    } else {
        bool wildcard;
        if (wildcard_exists(op, "network", p->object_id, RBAC_ACCESS_EXTERNAL, &wildcard)) {
            return -1;
        }
        r = wildcard ? 0 : store_rbac_network_gateways(op->c, p->object_id, target, NULL,
                                                        &stranded);
    }
    if (r) {
        return core_internal(op, r);
    }
    return stranded ? in_use(op, p->object_id, "There are routers attached to this network"
                             " that depend on this policy for access.")
                    : 0;
}

static int
network_check_removal(const struct op *op, const struct rbac_policy *p, const char *owner,
                      const char *new_target)
{
    return STREQ(p->action, RBAC_ACCESS_SHARED)
               ? network_shared_removal(op, p, owner, new_target)
               : network_external_removal(op, p, new_target);
}

/* A policy change is a change of the network: its flags follow, its revision moves. */
static int
network_changed(const struct op *op, const char *id)
{
    char now[TIMESTAMP_LEN];
    int r = store_network_rbac_sync(op->c, id);

    time_iso8601_now(now);
    r = r ? r : store_network_bump(op->c, id, now);
    return r ? core_internal(op, r) : 0;
}

/* --- Security groups ----------------------------------------------------------------- */

/* The group's owner whoever asks (Neutron reads the group with an admin's view, so a
 * group of another project is "not owned" rather than "not found"). */
static int
sg_owner(const struct op *op, const char *id, char **ret)
{
    struct security_group g;
    int r = store_sg_get(op->c, id, NULL, &g);

    if (r) {
        return r == -ENOENT ? api_error_invalid(op->err, "Security group %s does not exist",
                                                id)
                            : core_internal(op, r);
    }
    *ret = xstrdup(g.std.project_id);
    security_group_done(&g);
    return 0;
}

static int
sg_owner_for_change(const struct op *op, const char *id, char **ret)
{
    char *owner;

    if (sg_owner(op, id, &owner)) {
        return -1;
    }
    if (!op->caller->is_admin && !STREQ(owner, op->caller->project_id)) {
        free(owner);
        return not_owned(op, "objects");
    }
    *ret = owner;
    return 0;
}

/* Whether what depends on object 'id' belongs to 'project' (NULL: to projects without
 * an access_as_shared policy of their own on it): ports using a group, subnets from a
 * pool, pools in a scope. */
typedef int bound_query(struct store_conn *c, const char *id, const char *project, bool *ret);

/* Neutron's rule for groups, pools and scopes (its RBAC-aware objects): the project
 * losing access ('target'; for '*' every project without a policy of its own, the
 * owner included) must have nothing bound to the object, unless a '*' policy still
 * lets everyone in.  Moving a policy to '*' takes nothing away. */
static int
shared_object_removal(const struct op *op, const struct rbac_policy *p, const char *owner,
                      const char *new_target, bound_query *bound)
{
    const char *target = p->target_project;
    bool stranded = false;
    int r;

    if (new_target && (STREQ(new_target, target) || STREQ(new_target, RBAC_ANY_PROJECT))) {
        return 0;
    }
    if (STREQ(owner, target)) {
        return 0;
    }
    if (STREQ(target, RBAC_ANY_PROJECT)) {
        r = bound(op->c, p->object_id, NULL, &stranded);
    } else {
        bool wildcard;
        if (wildcard_exists(op, p->object_type, p->object_id, RBAC_ACCESS_SHARED,
                            &wildcard)) {
            return -1;
        }
        r = wildcard ? 0 : bound(op->c, p->object_id, target, &stranded);
    }
    if (r) {
        return core_internal(op, r);
    }
    if (stranded) {
        struct buf why = BUF_INITIALIZER;
        buf_printf(&why, "project_id=%s", target);
        r = in_use(op, p->object_id, buf_cstr(&why));
        buf_done(&why);
    }
    return r;
}

static int
sg_check_removal(const struct op *op, const struct rbac_policy *p, const char *owner,
                 const char *new_target)
{
    return shared_object_removal(op, p, owner, new_target, store_rbac_sg_ports);
}

/* --- Subnet pools and address scopes ------------------------------------------------- */

/* The owner of a pool or scope whoever asks (Neutron reads it with an admin's view,
 * as for groups).  Zed fails with 500 on one that does not exist; neutrino answers as
 * for a network. */
static int
pool_owner(const struct op *op, const char *id, char **ret)
{
    struct subnetpool sp;
    int r = store_subnetpool_get(op->c, id, NULL, &sp);

    if (r) {
        return r == -ENOENT ? api_error_invalid(op->err, "Subnet pool %s could not be found.",
                                                id)
                            : core_internal(op, r);
    }
    *ret = xstrdup(sp.std.project_id);
    subnetpool_done(&sp);
    return 0;
}

static int
scope_owner(const struct op *op, const char *id, char **ret)
{
    struct address_scope a;
    int r = store_address_scope_get(op->c, id, NULL, &a);

    if (r) {
        return r == -ENOENT ? api_error_invalid(op->err, "Address scope %s could not be"
                                                " found.", id)
                            : core_internal(op, r);
    }
    *ret = xstrdup(a.std.project_id);
    address_scope_done(&a);
    return 0;
}

/* The owner through 'owner', refused (InvalidInput) when it is not the caller's and
 * the caller is no admin. */
static int
owned_for_change(const struct op *op, const char *id,
                 int (*owner)(const struct op *, const char *, char **), char **ret)
{
    char *o;

    if (owner(op, id, &o)) {
        return -1;
    }
    if (!op->caller->is_admin && !STREQ(o, op->caller->project_id)) {
        free(o);
        return not_owned(op, "objects");
    }
    *ret = o;
    return 0;
}

static int
pool_owner_for_change(const struct op *op, const char *id, char **ret)
{
    return owned_for_change(op, id, pool_owner, ret);
}

static int
scope_owner_for_change(const struct op *op, const char *id, char **ret)
{
    return owned_for_change(op, id, scope_owner, ret);
}

static int
pool_check_removal(const struct op *op, const struct rbac_policy *p, const char *owner,
                   const char *new_target)
{
    return shared_object_removal(op, p, owner, new_target, store_rbac_pool_subnets);
}

static int
scope_check_removal(const struct op *op, const struct rbac_policy *p, const char *owner,
                    const char *new_target)
{
    return shared_object_removal(op, p, owner, new_target, store_rbac_scope_pools);
}

/* --- Address groups ------------------------------------------------------------------ */

/* The group's owner whoever asks (Zed fails with 500 on a group that does not exist;
 * neutrino answers as for a pool). */
static int
ag_owner(const struct op *op, const char *id, char **ret)
{
    struct address_group g;
    int r = store_address_group_get(op->c, id, NULL, &g);

    if (r) {
        return r == -ENOENT ? api_error_invalid(op->err, "Address group %s could not be"
                                                " found.", id)
                            : core_internal(op, r);
    }
    *ret = xstrdup(g.std.project_id);
    address_group_done(&g);
    return 0;
}

static int
ag_owner_for_change(const struct op *op, const char *id, char **ret)
{
    return owned_for_change(op, id, ag_owner, ret);
}

/* What a group's policy guards: the security group rules that name the group as their
 * remote end, counted by the rules' own project (Zed's get_bound_project_ids). */
static int
ag_check_removal(const struct op *op, const struct rbac_policy *p, const char *owner,
                 const char *new_target)
{
    return shared_object_removal(op, p, owner, new_target, store_rbac_address_group_rules);
}

/* Zed's rule for sharing a pool that is in an address scope: the target must already
 * reach the scope through one of its policies (for '*' or the target).  Zed counts
 * only the policies it lets the caller see: a non-admin's own project's. */
static int
pool_check_create(const struct op *op, const struct rbac_spec *spec)
{
    struct subnetpool sp;
    bool reaches = true;
    int r = store_subnetpool_get(op->c, spec->object_id, NULL, &sp);

    if (r) {
        return core_internal(op, r);    /* The owner's check found it. */
    }
    if (*sp.address_scope_id) {
        r = store_rbac_scope_reaches(op->c, sp.address_scope_id, spec->target_project,
                                     op->caller->is_admin ? NULL : op->caller->project_id,
                                     &reaches);
    }
    subnetpool_done(&sp);
    if (r) {
        return core_internal(op, r);
    }
    return reaches ? 0 : api_error_invalid(op->err, "Failed to create RBAC policy on object %s"
                                           " because target project doesn't have access to"
                                           " associated address scope..", spec->object_id);
}

/* The "shared" column follows the '*' policy. */
static int
shared_column_changed(const struct op *op, const char *type, const char *id)
{
    int r = store_rbac_shared_sync(op->c, type, id);

    return r ? core_internal(op, r) : 0;
}

static int
pool_changed(const struct op *op, const char *id)
{
    return shared_column_changed(op, "subnetpool", id);
}

static int
scope_changed(const struct op *op, const char *id)
{
    return shared_column_changed(op, "address_scope", id);
}

int
core_rbac_share_with_all(const struct op *op, const char *object_type, const char *object_id,
                         const char *project)
{
    struct rbac_policy p = { .target_project = (char *) RBAC_ANY_PROJECT };
    int r;

    uuid_new(p.std.id);
    p.std.project_id = (char *) project;
    snprintf(p.object_type, sizeof p.object_type, "%s", object_type);
    snprintf(p.object_id, sizeof p.object_id, "%s", object_id);
    snprintf(p.action, sizeof p.action, "%s", RBAC_ACCESS_SHARED);
    r = store_rbac_insert(op->c, &p);
    r = r ? r : store_rbac_shared_sync(op->c, object_type, object_id);
    return r ? core_internal(op, r) : 0;
}

/* --- The API's operations ------------------------------------------------------------ */

/* Neutron's create_rbac_policy and its target_tenant rule (a '*' target needs an
 * admin), or update's.  Both are one check, and so one message, in Neutron. */
static int
authorize_write(const struct op *op, enum policy_action action, const char *owner,
                const char *target)
{
    bool allowed = policy_allows(op->caller, POLICY_RBAC_POLICY, action,
                                 &(struct policy_target) { .project_id = owner });
    const char *rule = policy_rule_name(POLICY_RBAC_POLICY, action);

    if (!target) {
        return core_authorize(op, POLICY_RBAC_POLICY, action,
                              &(struct policy_target) { .project_id = owner });
    }
    if (allowed && (op->caller->is_admin || !STREQ(target, RBAC_ANY_PROJECT))) {
        return 0;
    }
    return api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED, "(rule:%s and"
                         " rule:%s:target_tenant) is disallowed by policy", rule, rule);
}

static int
write_new(const struct op *op, const struct rbac_policy *p)
{
    int r = store_rbac_insert(op->c, p);

    if (r == -EEXIST) {
        return api_error_set(op->err, API_ERR_DUPLICATE_RBAC_POLICY,
                             "An RBAC policy already exists with those values.");
    }
    return r ? core_internal(op, r) : 0;
}

int
core_rbac_create(const struct op *op, const struct rbac_spec *spec, struct rbac_policy *ret)
{
    const struct rbac_type *t = type_find(spec->object_type);
    struct rbac_policy p;
    const char *project;
    char *owner = NULL;

    assert(t);
    if (core_owner(op, spec->project_id, &project)
        || authorize_write(op, POLICY_CREATE, project, spec->target_project)
        || quota_check(op, QUOTA_RBAC_POLICY, project, 1)
        || t->owner_for_change(op, spec->object_id, &owner)) {
        return -1;
    }
    free(owner);
    if (t->check_create && t->check_create(op, spec)) {
        return -1;
    }
    if (!action_valid(t, spec->action)) {
        return api_error_set(op->err, API_ERR_INVALID_ACTION_FOR_TYPE, "Invalid action '%s'"
                             " for object type '%s'. Valid actions: %s", spec->action, t->name,
                             t->actions_text);
    }
    memset(&p, 0, sizeof p);
    uuid_new(p.std.id);
    p.std.project_id = xstrdup(project);
    snprintf(p.object_type, sizeof p.object_type, "%s", t->name);
    snprintf(p.object_id, sizeof p.object_id, "%s", spec->object_id);
    snprintf(p.action, sizeof p.action, "%s", spec->action);
    p.target_project = xstrdup(spec->target_project);
    if (write_new(op, &p) || (t->changed && t->changed(op, p.object_id))) {
        rbac_policy_done(&p);
        return -1;
    }
    *ret = p;
    return 0;
}

int
core_rbac_get(const struct op *op, const char *id, struct rbac_policy *ret)
{
    int r = store_rbac_get(op->c, id, context_visible_to(op->caller), ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return r == -ENOENT ? api_error_set(op->err, API_ERR_RBAC_POLICY_NOT_FOUND, "RBAC policy"
                                            " of type unknown with ID %s not found", id)
                            : core_internal(op, r);
    }
    return 0;
}

/* The policy 'id' as the caller may change it ('action'), and the owner of its
 * object ('*ret_owner', owned). */
static int
policy_for(const struct op *op, const char *id, enum policy_action action, const char *target,
           struct rbac_policy *ret, char **ret_owner)
{
    const struct rbac_type *t;

    if (core_rbac_get(op, id, ret)) {
        return -1;
    }
    t = type_find(ret->object_type);
    if (!t) {
        /* A kind this server does not know (written by a newer one): not ours to
         * change. */
        return api_error_set(op->err, API_ERR_RBAC_POLICY_NOT_FOUND, "RBAC policy of type %s"
                             " with ID %s not found", ret->object_type, id);
    }
    if (authorize_write(op, action, ret->std.project_id, target)) {
        return -1;
    }
    return action == POLICY_UPDATE ? t->owner_for_change(op, ret->object_id, ret_owner)
                                   : t->owner(op, ret->object_id, ret_owner);
}

int
core_rbac_update(const struct op *op, const char *id, const char *target,
                 struct rbac_policy *ret)
{
    char *owner = NULL;
    int r = policy_for(op, id, POLICY_UPDATE, target, ret, &owner);

    if (!r && target && !STREQ(target, ret->target_project)) {
        const struct rbac_type *t = type_find(ret->object_type);
        r = t->check_removal(op, ret, owner, target);
        if (!r) {
            int e = store_rbac_set_target(op->c, ret->std.id, target);
            r = e == -EEXIST ? api_error_set(op->err, API_ERR_DUPLICATE_RBAC_POLICY, "An RBAC"
                                             " policy already exists with those values.")
                : e ? core_internal(op, e) : 0;
        }
        if (!r) {
            core_take_str(&ret->target_project, target);
            r = t->changed ? t->changed(op, ret->object_id) : 0;
        }
    }
    free(owner);
    if (r) {
        rbac_policy_done(ret);
        return -1;
    }
    return 0;
}

int
core_rbac_delete(const struct op *op, const char *id)
{
    struct rbac_policy p;
    char *owner = NULL;
    int r = policy_for(op, id, POLICY_DELETE, NULL, &p, &owner);

    if (!r) {
        const struct rbac_type *t = type_find(p.object_type);
        r = t->check_removal(op, &p, owner, NULL);
        if (!r) {
            int e = store_rbac_delete(op->c, p.std.id);
            r = e ? core_internal(op, e) : 0;
        }
        if (!r && t->changed) {
            r = t->changed(op, p.object_id);
        }
    }
    free(owner);
    rbac_policy_done(&p);
    return r ? -1 : 0;
}

/* --- A network's flags ------------------------------------------------------------- */

int
core_rbac_network_flag(const struct op *op, const struct network *n, const char *action,
                       bool on)
{
    bool exists;
    int r = store_rbac_exists(op->c, "network", n->std.id, action,
                              STREQ(action, RBAC_ACCESS_SHARED) ? RBAC_ANY_PROJECT : NULL,
                              &exists);

    if (!r && on && !exists) {
        /* The network's owner gives it, as Neutron records it. */
        struct rbac_policy p = { .target_project = (char *) RBAC_ANY_PROJECT };
        uuid_new(p.std.id);
        p.std.project_id = n->std.project_id;
        snprintf(p.object_type, sizeof p.object_type, "network");
        snprintf(p.object_id, sizeof p.object_id, "%s", n->std.id);
        snprintf(p.action, sizeof p.action, "%s", action);
        r = store_rbac_insert(op->c, &p);
    } else if (!r && !on && exists) {
        r = store_rbac_delete_matching(op->c, "network", n->std.id, action,
                                       STREQ(action, RBAC_ACCESS_SHARED) ? RBAC_ANY_PROJECT
                                                                        : NULL);
    }
    r = r ? r : store_network_rbac_sync(op->c, n->std.id);
    return r ? core_internal(op, r) : 0;
}
