/* Neutron's default authorization rules for networks, subnets, ports, security groups
 * and their rules, and routers (see
 * docs/behaviour/policy.md §4).  Two rule sets, chosen by [oslo_policy] enforce_new_defaults:
 *
 *   new defaults (neutrino's default, Neutron's since 2023.2): writes need the member
 *     role in the resource's project, reads the reader role; a reader cannot write.
 *   Zed's defaults (enforce_new_defaults = false): each new rule OR its deprecated
 *     form, which lets any role of the owning project write, and network owners read
 *     and delete other projects' ports on their networks.
 *
 * An admin passes every check.  Attribute rules (admin-only attributes, the port
 * rules that depend on network ownership) are the same in both sets and are checked
 * next to the attributes in api/. */
#ifndef NEUTRINO_POLICY_H
#define NEUTRINO_POLICY_H

#include <stdbool.h>

#include "context.h"

enum policy_resource {
    POLICY_NETWORK, POLICY_SUBNET, POLICY_PORT, POLICY_SECURITY_GROUP,
    POLICY_SECURITY_GROUP_RULE, POLICY_ROUTER, POLICY_FLOATINGIP, POLICY_RBAC_POLICY,
    POLICY_SUBNETPOOL, POLICY_ADDRESS_SCOPE, POLICY_ADDRESS_GROUP, POLICY_FLAVOR,
    POLICY_SERVICE_PROFILE, POLICY_FLAVOR_SERVICE_PROFILE, POLICY_SERVICE_PROVIDER,
    POLICY_AUTO_ALLOCATED_TOPOLOGY,
};
/* Then a router's own actions (add_router_interface, ...), a subnet pool's
 * (add_prefixes, remove_prefixes, onboard_network_subnets) and an address group's
 * (add_addresses, remove_addresses). */
enum policy_action {
    POLICY_CREATE, POLICY_GET, POLICY_UPDATE, POLICY_DELETE,
    POLICY_ADD_INTERFACE, POLICY_REMOVE_INTERFACE, POLICY_ADD_ROUTES, POLICY_REMOVE_ROUTES,
    POLICY_ADD_PREFIXES, POLICY_REMOVE_PREFIXES, POLICY_ADD_ADDRESSES, POLICY_REMOVE_ADDRESSES,
    POLICY_ONBOARD_SUBNETS,
};

/* The resource a rule is evaluated against. */
struct policy_target {
    const char *project_id;         /* The resource's owner (for create: the owner asked
                                     * for). */
    const char *net_project_id;     /* Subnets and ports: their network's owner. */
    bool shared;                    /* Networks, groups: shared with the caller (RBAC);
                                     * subnets: their network is; subnet pools and address
                                     * scopes: shared. */
    bool external;                  /* Networks: router:external. */
    const char *sg_project_id;      /* Security group rules: their group's owner. */
};

/* True if 'ctx' may do 'action' on 'target'. */
bool policy_allows(const struct context *ctx, enum policy_resource res,
                   enum policy_action action, const struct policy_target *target);

/* "create_network", "get_port", ... for messages. */
const char *policy_rule_name(enum policy_resource res, enum policy_action action);

#endif
