/* The route tables of the network server's API families (see families.h).  The v2.0
 * API and the agents' API authenticate every caller through identity/authn.h; their
 * errors, and those of the paths nobody serves, have Neutron's NeutronError shape. */
#include "families.h"

#include "agent_proto.h"

#include "agentapi/agent_rpc.h"
#include "api/agents.h"
#include "api/auto_allocate.h"
#include "api/availability_zone.h"
#include "api/ip_availability.h"
#include "api/network.h"
#include "api/address_group.h"
#include "api/flavor.h"
#include "api/address_scope.h"
#include "api/floatingip.h"
#include "api/quota.h"
#include "api/port.h"
#include "api/router.h"
#include "api/rbac.h"
#include "api/security_group.h"
#include "api/subnet.h"
#include "api/subnetpool.h"
#include "api/tags.h"
#include "api/versions.h"
#include "http/errors.h"
#include "http/static_files.h"
#include "identity/authn.h"
#include "request.h"
#include "util.h"

/* Neutron's rendering of the errors the HTTP layer and the router answer. */
static void
neutron_render_error(struct request *req, int status, const char *message)
{
    enum api_err kind = API_ERR_INTERNAL;
    const char *usual = "Request Failed: internal server error while processing your request.";

    switch (status) {
    case 400:
        kind = API_ERR_HTTP_BAD_REQUEST;
        usual = "The request is malformed.";
        break;
    case 404:
        kind = API_ERR_HTTP_NOT_FOUND;
        usual = "The resource could not be found.";
        break;
    case 405:
        kind = API_ERR_METHOD_NOT_ALLOWED;
        usual = "The server could not comply with the request since it is either malformed"
                " or otherwise incorrect.";
        break;
    case 413:
        kind = API_ERR_REQUEST_TOO_LARGE;
        usual = "Request is too large.";
        break;
    case 503:
        kind = API_ERR_SERVICE_UNAVAILABLE;
        usual = "The service is unavailable; try again later.";
        break;
    }
    api_fail(req, kind, "%s", message ? message : usual);
}

/* GET /: a browser goes to the dashboard, an API client gets the version document. */
static int
root_get(struct request *req, char *const args[])
{
    return dashboard_redirect(req) ? 0 : versions_root(req, args);
}

static const struct route version_routes[] = {
    { "GET", "/", root_get },
};

const struct api_family versions_family = {
    .routes = version_routes,
    .n_routes = ARRAY_SIZE(version_routes),
    .render_error = neutron_render_error,
};

/* Zed treats a PUT or DELETE of a whole collection as one on the item "None". */
#define COLLECTION_NONE(plural, title, kind)                                            \
    static int plural##_none(struct request *req, char *const args[])                  \
    {                                                                                   \
        return api_fail(req, kind, title " None could not be found.");                  \
    }
COLLECTION_NONE(networks, "Network", API_ERR_NETWORK_NOT_FOUND)
COLLECTION_NONE(subnets, "Subnet", API_ERR_SUBNET_NOT_FOUND)
COLLECTION_NONE(ports, "Port", API_ERR_PORT_NOT_FOUND)

COLLECTION_NONE(subnetpools, "Subnet pool", API_ERR_SUBNETPOOL_NOT_FOUND)
COLLECTION_NONE(address_scopes, "Address scope", API_ERR_ADDRESS_SCOPE_NOT_FOUND)
COLLECTION_NONE(address_groups, "Address group", API_ERR_ADDRESS_GROUP_NOT_FOUND)
COLLECTION_NONE(flavors, "Flavor", API_ERR_FLAVOR_NOT_FOUND)
COLLECTION_NONE(service_profiles, "Service Profile", API_ERR_SERVICE_PROFILE_NOT_FOUND)

/* RouterNotFound's and FloatingIPNotFound's texts have no full stop. */
static int
routers_none(struct request *req, char *const args[])
{
    return api_fail(req, API_ERR_ROUTER_NOT_FOUND, "Router None could not be found");
}

static int
floatingips_none(struct request *req, char *const args[])
{
    return api_fail(req, API_ERR_FLOATINGIP_NOT_FOUND, "Floating IP None could not be found");
}
#undef COLLECTION_NONE

/* The collection's PUT and DELETE, as Neutron answers them (a policy of id None). */
static int
rbac_policies_none(struct request *req, char *const args[])
{
    return api_fail(req, API_ERR_RBAC_POLICY_NOT_FOUND,
                    "RBAC policy of type unknown with ID None not found");
}

/* The same for the security group resources, in their exceptions' words. */
static int
security_groups_none(struct request *req, char *const args[])
{
    return api_fail(req, API_ERR_SG_NOT_FOUND, "Security group None does not exist");
}

static int
security_group_rules_none(struct request *req, char *const args[])
{
    return api_fail(req, API_ERR_SG_RULE_NOT_FOUND, "Security group rule None does not exist");
}

#define TAG_ROUTES(plural, prefix)                                                      \
    { "GET", "/v2.0/" plural "/*/tags", prefix##_tags_get },                            \
    { "PUT", "/v2.0/" plural "/*/tags", prefix##_tags_replace },                        \
    { "DELETE", "/v2.0/" plural "/*/tags", prefix##_tags_clear },                       \
    { "GET", "/v2.0/" plural "/*/tags/*", prefix##_tag_check },                         \
    { "PUT", "/v2.0/" plural "/*/tags/*", prefix##_tag_add },                           \
    { "DELETE", "/v2.0/" plural "/*/tags/*", prefix##_tag_remove }

static const struct route network_routes[] = {
    { "GET", "/v2.0/", versions_v2 },
    { "GET", "/v2.0/extensions", extensions_list },
    { "GET", "/v2.0/extensions/*", extension_show },
    { "GET", "/v2.0/networks", networks_list },
    { "POST", "/v2.0/networks", networks_create },
    { "PUT", "/v2.0/networks", networks_none },
    { "DELETE", "/v2.0/networks", networks_none },
    { "GET", "/v2.0/networks/*", network_show },
    { "PUT", "/v2.0/networks/*", network_update },
    { "DELETE", "/v2.0/networks/*", network_delete },
    { "GET", "/v2.0/subnets", subnets_list },
    { "POST", "/v2.0/subnets", subnets_create },
    { "PUT", "/v2.0/subnets", subnets_none },
    { "DELETE", "/v2.0/subnets", subnets_none },
    { "GET", "/v2.0/subnets/*", subnet_show },
    { "PUT", "/v2.0/subnets/*", subnet_update },
    { "DELETE", "/v2.0/subnets/*", subnet_delete },
    { "GET", "/v2.0/ports", ports_list },
    { "POST", "/v2.0/ports", ports_create },
    { "PUT", "/v2.0/ports", ports_none },
    { "DELETE", "/v2.0/ports", ports_none },
    { "GET", "/v2.0/ports/*", port_show },
    { "PUT", "/v2.0/ports/*", port_update },
    { "DELETE", "/v2.0/ports/*", port_delete },
    { "GET", "/v2.0/agents", agents_list },
    { "GET", "/v2.0/availability_zones", availability_zones_list },
    { "POST", "/v2.0/agents", agents_create },
    { "GET", "/v2.0/agents/*", agent_show },
    { "GET", "/v2.0/agents/*/dhcp-networks", agent_dhcp_networks_list },
    { "POST", "/v2.0/agents/*/dhcp-networks", agent_dhcp_network_add },
    { "DELETE", "/v2.0/agents/*/dhcp-networks/*", agent_dhcp_network_remove },
    { "GET", "/v2.0/networks/*/dhcp-agents", network_dhcp_agents_list },
    { "GET", "/v2.0/agents/*/l3-routers", agent_l3_routers_list },
    { "POST", "/v2.0/agents/*/l3-routers", agent_l3_router_add },
    { "DELETE", "/v2.0/agents/*/l3-routers/*", agent_l3_router_remove },
    { "GET", "/v2.0/routers/*/l3-agents", router_l3_agents_list },
    { "PUT", "/v2.0/agents/*", agent_update },
    { "DELETE", "/v2.0/agents/*", agent_delete },
    { "GET", "/v2.0/network-ip-availabilities", ip_availabilities_list },
    { "GET", "/v2.0/network-ip-availabilities/*", ip_availability_show },
    { "GET", "/v2.0/rbac-policies", rbac_policies_list },
    { "POST", "/v2.0/rbac-policies", rbac_policies_create },
    { "PUT", "/v2.0/rbac-policies", rbac_policies_none },
    { "DELETE", "/v2.0/rbac-policies", rbac_policies_none },
    { "GET", "/v2.0/rbac-policies/*", rbac_policy_show },
    { "PUT", "/v2.0/rbac-policies/*", rbac_policy_update },
    { "DELETE", "/v2.0/rbac-policies/*", rbac_policy_delete },
    { "GET", "/v2.0/security-groups", security_groups_list },
    { "POST", "/v2.0/security-groups", security_groups_create },
    { "PUT", "/v2.0/security-groups", security_groups_none },
    { "DELETE", "/v2.0/security-groups", security_groups_none },
    { "GET", "/v2.0/security-groups/*", security_group_show },
    { "PUT", "/v2.0/security-groups/*", security_group_update },
    { "DELETE", "/v2.0/security-groups/*", security_group_delete },
    { "GET", "/v2.0/security-group-rules", security_group_rules_list },
    { "POST", "/v2.0/security-group-rules", security_group_rules_create },
    { "PUT", "/v2.0/security-group-rules", security_group_rules_none },
    { "DELETE", "/v2.0/security-group-rules", security_group_rules_none },
    { "GET", "/v2.0/security-group-rules/*", security_group_rule_show },
    { "PUT", "/v2.0/security-group-rules/*", security_group_rule_update },
    { "DELETE", "/v2.0/security-group-rules/*", security_group_rule_delete },
    { "GET", "/v2.0/auto-allocated-topology/*", auto_allocated_topology_show },
    { "DELETE", "/v2.0/auto-allocated-topology/*", auto_allocated_topology_delete },
    { "GET", "/v2.0/routers", routers_list },
    { "POST", "/v2.0/routers", routers_create },
    { "PUT", "/v2.0/routers", routers_none },
    { "DELETE", "/v2.0/routers", routers_none },
    { "GET", "/v2.0/routers/*", router_show },
    { "PUT", "/v2.0/routers/*", router_update },
    { "DELETE", "/v2.0/routers/*", router_delete },
    { "PUT", "/v2.0/routers/*/add_router_interface", router_add_interface },
    { "PUT", "/v2.0/routers/*/remove_router_interface", router_remove_interface },
    { "PUT", "/v2.0/routers/*/add_extraroutes", router_add_extraroutes },
    { "PUT", "/v2.0/routers/*/remove_extraroutes", router_remove_extraroutes },
    { "GET", "/v2.0/floatingips", floatingips_list },
    { "POST", "/v2.0/floatingips", floatingips_create },
    { "PUT", "/v2.0/floatingips", floatingips_none },
    { "DELETE", "/v2.0/floatingips", floatingips_none },
    { "GET", "/v2.0/floatingips/*", floatingip_show },
    { "PUT", "/v2.0/floatingips/*", floatingip_update },
    { "DELETE", "/v2.0/floatingips/*", floatingip_delete },
    { "GET", "/v2.0/quotas", quotas_list },
    { "POST", "/v2.0/quotas", quotas_create },
    { "GET", "/v2.0/quotas/tenant", quota_own_tenant },
    { "GET", "/v2.0/quotas/project", quota_own_project },
    { "GET", "/v2.0/quotas/*", quota_show },
    { "PUT", "/v2.0/quotas/*", quota_update },
    { "DELETE", "/v2.0/quotas/*", quota_delete },
    { "GET", "/v2.0/quotas/*/default", quota_show_default },
    { "GET", "/v2.0/quotas/*/details", quota_show_details },
    { "GET", "/v2.0/subnetpools", subnetpools_list },
    { "POST", "/v2.0/subnetpools", subnetpools_create },
    { "PUT", "/v2.0/subnetpools", subnetpools_none },
    { "DELETE", "/v2.0/subnetpools", subnetpools_none },
    { "GET", "/v2.0/subnetpools/*", subnetpool_show },
    { "PUT", "/v2.0/subnetpools/*", subnetpool_update },
    { "DELETE", "/v2.0/subnetpools/*", subnetpool_delete },
    { "PUT", "/v2.0/subnetpools/*/add_prefixes", subnetpool_add_prefixes },
    { "PUT", "/v2.0/subnetpools/*/remove_prefixes", subnetpool_remove_prefixes },
    { "PUT", "/v2.0/subnetpools/*/onboard_network_subnets",
      subnetpool_onboard_network_subnets },
    { "GET", "/v2.0/address-scopes", address_scopes_list },
    { "POST", "/v2.0/address-scopes", address_scopes_create },
    { "PUT", "/v2.0/address-scopes", address_scopes_none },
    { "DELETE", "/v2.0/address-scopes", address_scopes_none },
    { "GET", "/v2.0/address-scopes/*", address_scope_show },
    { "PUT", "/v2.0/address-scopes/*", address_scope_update },
    { "DELETE", "/v2.0/address-scopes/*", address_scope_delete },
    { "GET", "/v2.0/address-groups", address_groups_list },
    { "POST", "/v2.0/address-groups", address_groups_create },
    { "PUT", "/v2.0/address-groups", address_groups_none },
    { "DELETE", "/v2.0/address-groups", address_groups_none },
    { "GET", "/v2.0/address-groups/*", address_group_show },
    { "PUT", "/v2.0/address-groups/*", address_group_update },
    { "DELETE", "/v2.0/address-groups/*", address_group_delete },
    { "PUT", "/v2.0/address-groups/*/add_addresses", address_group_add_addresses },
    { "PUT", "/v2.0/address-groups/*/remove_addresses", address_group_remove_addresses },
    { "GET", "/v2.0/flavors", flavors_list },
    { "POST", "/v2.0/flavors", flavors_create },
    { "PUT", "/v2.0/flavors", flavors_none },
    { "DELETE", "/v2.0/flavors", flavors_none },
    { "GET", "/v2.0/flavors/*", flavor_show },
    { "PUT", "/v2.0/flavors/*", flavor_update },
    { "DELETE", "/v2.0/flavors/*", flavor_delete },
    { "POST", "/v2.0/flavors/*/service_profiles", flavor_profiles_create },
    { "GET", "/v2.0/flavors/*/service_profiles/*", flavor_profile_show },
    { "DELETE", "/v2.0/flavors/*/service_profiles/*", flavor_profile_delete },
    { "GET", "/v2.0/service_profiles", service_profiles_list },
    { "POST", "/v2.0/service_profiles", service_profiles_create },
    { "PUT", "/v2.0/service_profiles", service_profiles_none },
    { "DELETE", "/v2.0/service_profiles", service_profiles_none },
    { "GET", "/v2.0/service_profiles/*", service_profile_show },
    { "PUT", "/v2.0/service_profiles/*", service_profile_update },
    { "DELETE", "/v2.0/service_profiles/*", service_profile_delete },
    { "GET", "/v2.0/service-providers", service_providers_list },
    TAG_ROUTES("networks", network),
    TAG_ROUTES("subnets", subnet),
    TAG_ROUTES("ports", port),
    TAG_ROUTES("security-groups", security_group),
    TAG_ROUTES("routers", router),
    TAG_ROUTES("floatingips", floatingip),
    TAG_ROUTES("subnetpools", subnetpool),
};

const struct api_family network_api_family = {
    .routes = network_routes,
    .n_routes = ARRAY_SIZE(network_routes),
    .render_error = neutron_render_error,
    .authenticate = authn_request,
};

static const struct route agent_routes[] = {
    { "POST", AGENT_PATH_REPORT, agent_rpc_report },
    { "POST", AGENT_PATH_DEVICES, agent_rpc_devices },
    { "POST", AGENT_PATH_DEVICES_STATUS, agent_rpc_device_status },
    { "GET", AGENT_PATH_CHANGES, agent_rpc_changes },
    { "GET", AGENT_PATH_SYNC, agent_rpc_sync },
    { "GET", AGENT_PATH_L2POP, agent_rpc_l2pop },
    { "POST", AGENT_PATH_SECURITY_GROUPS, agent_rpc_security_groups },
    { "POST", AGENT_PATH_L3_ROUTERS, l3_rpc_routers },
    { "POST", AGENT_PATH_L3_HA_STATES, l3_rpc_ha_states },
    { "POST", AGENT_PATH_DHCP_SYNC, dhcp_rpc_sync },
    { "POST", AGENT_PATH_DHCP_NETWORK, dhcp_rpc_network },
    { "POST", AGENT_PATH_DHCP_PORTS, dhcp_rpc_ports },
    { "POST", AGENT_PATH_DHCP_READY, dhcp_rpc_ready },
};

const struct api_family agent_api_family = {
    .routes = agent_routes,
    .n_routes = ARRAY_SIZE(agent_routes),
    .render_error = neutron_render_error,
    .authenticate = authn_request,
};

const struct api_family dashboard_family = {
    .fallback = dashboard_serve,
    .render_error = neutron_render_error,
};
