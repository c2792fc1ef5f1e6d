/* The default rules (see policy.h), written out as the checks they boil down to.
 * Names follow Neutron's check strings: "member_of" is 'role:member and
 * project_id:%(project_id)s', "net_owner" is 'tenant_id:%(network:tenant_id)s' (no role
 * needed), "owner" is the deprecated 'tenant_id:%(tenant_id)s'. */
#include "policy.h"

#include <string.h>

static bool
same(const char *a, const char *b)
{
    return a && b && *a && !strcmp(a, b);
}

static bool
network_rule(const struct context *ctx, enum policy_action action, const struct policy_target *t,
             bool owner, bool legacy)
{
    bool member_of = owner && (ctx->roles & ROLE_MEMBER);
    bool reader_of = owner && (ctx->roles & ROLE_READER);

    switch (action) {
    case POLICY_CREATE:
        return member_of || legacy;     /* Deprecated: regular_user, always true. */
    case POLICY_GET:
        return reader_of || t->shared || t->external || (ctx->roles & ROLE_ADVSVC)
               || (legacy && owner);
    case POLICY_UPDATE:
    case POLICY_DELETE:
        return member_of || (legacy && owner);
    default:
        break;
    }
    return false;
}

static bool
subnet_rule(const struct context *ctx, enum policy_action action, const struct policy_target *t,
            bool owner, bool legacy)
{
    bool member_of = owner && (ctx->roles & ROLE_MEMBER);
    bool reader_of = owner && (ctx->roles & ROLE_READER);
    bool net_owner = same(t->net_project_id, ctx->project_id);

    switch (action) {
    case POLICY_GET:
        return reader_of || t->shared || (legacy && owner);
    case POLICY_CREATE:
    case POLICY_UPDATE:
    case POLICY_DELETE:
        /* A subnet decides the gateway, DNS servers and routes of every port on its
         * network, so later Neutron lets only the network's owner (a member) write
         * one.  Zed let a member of the subnet's own project do it too, even on
         * another project's shared network, and its deprecated rule let the network
         * owner in with any role: both kept under Zed's defaults. */
        if (legacy) {
            return member_of || net_owner;
        }
        return net_owner && (ctx->roles & ROLE_MEMBER);
    default:
        break;
    }
    return false;
}

static bool
port_rule(const struct context *ctx, enum policy_action action, const struct policy_target *t,
          bool owner, bool legacy)
{
    bool member_of = owner && (ctx->roles & ROLE_MEMBER);
    bool reader_of = owner && (ctx->roles & ROLE_READER);
    bool net_owner = same(t->net_project_id, ctx->project_id);
    bool advsvc = ctx->roles & ROLE_ADVSVC;

    switch (action) {
    case POLICY_CREATE:
        return member_of || legacy;     /* Deprecated: regular_user. */
    case POLICY_GET:
        return reader_of || advsvc || (legacy && (owner || net_owner));
    case POLICY_UPDATE:
        return member_of || advsvc || (legacy && owner);
    case POLICY_DELETE:
        return member_of || advsvc || (legacy && (owner || net_owner));
    default:
        break;
    }
    return false;
}

/* Zed's deprecated rules let the owner in with any role, and anyone read a group
 * (what a caller may see is still only its own project's groups and those shared with
 * it).  A group shared with the caller's project (an RBAC policy) may be read in both
 * sets, as later Neutron's shared_security_group rule says. */
static bool
security_group_rule(const struct context *ctx, enum policy_action action,
                    const struct policy_target *t, bool owner, bool legacy)
{
    bool member_of = owner && (ctx->roles & ROLE_MEMBER);
    bool reader_of = owner && (ctx->roles & ROLE_READER);

    switch (action) {
    case POLICY_GET:
        return reader_of || t->shared || legacy;
    case POLICY_CREATE:
    case POLICY_UPDATE:
    case POLICY_DELETE:
        return member_of || (legacy && owner);
    default:
        break;
    }
    return false;
}

/* A rule belongs to the project that made it, which is its group's project unless an
 * admin made it; the group's owner may always read it ('sg_owner', no role needed). */
static bool
sg_rule_rule(const struct context *ctx, enum policy_action action,
             const struct policy_target *t, bool owner, bool legacy)
{
    bool member_of = owner && (ctx->roles & ROLE_MEMBER);
    bool reader_of = owner && (ctx->roles & ROLE_READER);
    bool sg_owner = same(t->sg_project_id, ctx->project_id);

    switch (action) {
    case POLICY_GET:
        return reader_of || sg_owner || (legacy && owner);
    case POLICY_CREATE:
    case POLICY_UPDATE:
    case POLICY_DELETE:
        return member_of || (legacy && owner);
    default:
        break;
    }
    return false;
}

/* Zed's deprecated rules let the owner in with any role (admin_or_owner), and anyone
 * create (regular_user).  Every action but a read needs a member in the new defaults. */
static bool
router_rule(const struct context *ctx, enum policy_action action, bool owner, bool legacy)
{
    bool member_of = owner && (ctx->roles & ROLE_MEMBER);
    bool reader_of = owner && (ctx->roles & ROLE_READER);

    switch (action) {
    case POLICY_CREATE:
        return member_of || legacy;
    case POLICY_GET:
        return reader_of || (legacy && owner);
    default:
        return member_of || (legacy && owner);
    }
}

/* Subnet pools and address scopes: as a router, and anyone reads a shared one (Zed's
 * shared_subnetpools and shared_address_scopes rules). */
static bool
shareable_rule(const struct context *ctx, enum policy_action action,
               const struct policy_target *t, bool owner, bool legacy)
{
    if (action == POLICY_GET && t->shared) {
        return true;
    }
    return router_rule(ctx, action, owner, legacy);
}

/* The flavors framework has no owner: writes are the admin's in both sets.  In Zed's
 * defaults anyone reads a flavor or an association (the deprecated rule is "any"); the
 * new defaults ask for a reader of the flavor's project, and as a flavor has none, only
 * an admin passes.  Service profiles are the admin's alone.  The service providers are
 * read by anyone in Zed's defaults and by any reader in the new. */
static bool
flavors_rule(const struct context *ctx, enum policy_resource res, enum policy_action action,
             bool legacy)
{
    if (action != POLICY_GET) {
        return false;
    }
    switch (res) {
    case POLICY_FLAVOR:
    case POLICY_FLAVOR_SERVICE_PROFILE:
        return legacy;
    case POLICY_SERVICE_PROVIDER:
        return legacy || (ctx->roles & ROLE_READER);
    default:
        return false;
    }
}

bool
policy_allows(const struct context *ctx, enum policy_resource res, enum policy_action action,
              const struct policy_target *target)
{
    bool owner = same(target->project_id, ctx->project_id);
    bool legacy = !ctx->new_defaults;

    if (ctx->is_admin) {
        return true;
    }
    switch (res) {
    case POLICY_NETWORK:
        return network_rule(ctx, action, target, owner, legacy);
    case POLICY_SUBNET:
        return subnet_rule(ctx, action, target, owner, legacy);
    case POLICY_PORT:
        return port_rule(ctx, action, target, owner, legacy);
    case POLICY_SECURITY_GROUP:
        return security_group_rule(ctx, action, target, owner, legacy);
    case POLICY_SECURITY_GROUP_RULE:
        return sg_rule_rule(ctx, action, target, owner, legacy);
    case POLICY_ROUTER:
    case POLICY_FLOATINGIP:
    case POLICY_RBAC_POLICY:
        /* A floating IP's rules are a router's, as in Zed, and so are an RBAC
         * policy's (the wildcard target's rule is checked in core/rbac.c). */
        return router_rule(ctx, action, owner, legacy);
    case POLICY_SUBNETPOOL:
    case POLICY_ADDRESS_SCOPE:
        return shareable_rule(ctx, action, target, owner, legacy);
    case POLICY_AUTO_ALLOCATED_TOPOLOGY:
        /* Zed: get is project_reader (admin_or_owner), delete project_member
         * (admin_or_owner), as a router's. */
        return router_rule(ctx, action, owner, legacy);
    case POLICY_ADDRESS_GROUP:
        /* Zed names only get_address_group; the other actions fall to its default
         * rule, admin_or_owner, which router_rule's legacy form is. */
        return shareable_rule(ctx, action, target, owner, legacy);
    case POLICY_FLAVOR:
    case POLICY_SERVICE_PROFILE:
    case POLICY_FLAVOR_SERVICE_PROFILE:
    case POLICY_SERVICE_PROVIDER:
        return flavors_rule(ctx, res, action, legacy);
    default:
        break;
    }
    return false;
}

const char *
policy_rule_name(enum policy_resource res, enum policy_action action)
{
    static const char *const names[16][13] = {
        { "create_network", "get_network", "update_network", "delete_network" },
        { "create_subnet", "get_subnet", "update_subnet", "delete_subnet" },
        { "create_port", "get_port", "update_port", "delete_port" },
        { "create_security_group", "get_security_group", "update_security_group",
          "delete_security_group" },
        { "create_security_group_rule", "get_security_group_rule",
          "update_security_group_rule", "delete_security_group_rule" },
        { "create_router", "get_router", "update_router", "delete_router",
          "add_router_interface", "remove_router_interface", "add_extraroutes",
          "remove_extraroutes" },
        { "create_floatingip", "get_floatingip", "update_floatingip", "delete_floatingip" },
        { "create_rbac_policy", "get_rbac_policy", "update_rbac_policy", "delete_rbac_policy" },
        { "create_subnetpool", "get_subnetpool", "update_subnetpool", "delete_subnetpool",
          NULL, NULL, NULL, NULL, "add_prefixes", "remove_prefixes", NULL, NULL,
          "onboard_network_subnets" },
        { "create_address_scope", "get_address_scope", "update_address_scope",
          "delete_address_scope" },
        { "create_address_group", "get_address_group", "update_address_group",
          "delete_address_group", NULL, NULL, NULL, NULL, NULL, NULL, "add_addresses",
          "remove_addresses" },
        { "create_flavor", "get_flavor", "update_flavor", "delete_flavor" },
        { "create_service_profile", "get_service_profile", "update_service_profile",
          "delete_service_profile" },
        { "create_flavor_service_profile", "get_flavor_service_profile", NULL,
          "delete_flavor_service_profile" },
        { NULL, "get_service_provider" },
        { NULL, "get_auto_allocated_topology", NULL, "delete_auto_allocated_topology" },
    };
    const char *name = names[res][action];

    return name ? name : "unknown";
}
