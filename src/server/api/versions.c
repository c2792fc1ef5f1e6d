/* GET /, GET /v2.0/, GET /v2.0/extensions[/alias].  The extension list names exactly
 * what this server implements: clients (Horizon, tempest, the CLI) switch features on
 * and off by it. */
#include "versions.h"

#include "common.h"
#include "request.h"
#include "util.h"

struct extension {
    const char *alias;
    const char *name;
    const char *description;
    const char *updated;
};

static const struct extension extensions[] = {
    { "address-group", "Address group", "Support address group", "2020-07-15T10:00:00-00:00" },
    { "address-scope", "Address scope", "Address scopes extension.",
      "2015-07-26T10:00:00-00:00" },
    { "agent", "agent", "The agent management extension.", "2013-02-03T10:00:00-00:00" },
    { "agent-resources-synced", "Agent's Resource View Synced to Placement",
      "Stores success/failure of last sync to Placement", "2018-12-19T00:00:00-00:00" },
    { "allowed-address-pairs", "Allowed Address Pairs", "Provides allowed address pairs",
      "2013-07-23T10:00:00-00:00" },
    { "auto-allocated-topology", "Auto Allocated Topology Services",
      "Auto Allocated Topology Services.", "2016-01-01T00:00:00-00:00" },
    { "availability_zone", "Availability Zone", "The availability zone extension.",
      "2015-01-01T10:00:00-00:00" },
    { "availability_zone_filter", "Availability Zone Filter Extension",
      "Add filter parameters to AvailabilityZone resource", "2018-06-22T10:00:00-00:00" },
    { "binding", "Port Binding",
      "Expose port bindings of a virtual port to external application",
      "2014-02-03T10:00:00-00:00" },
    { "default-subnetpools", "Default Subnetpools",
      "Provides ability to mark and use a subnetpool as the default.",
      "2016-02-18T18:00:00-00:00" },
    { "dhcp_agent_scheduler", "DHCP Agent Scheduler", "Schedule networks among dhcp agents",
      "2013-02-07T10:00:00-00:00" },
    { "empty-string-filtering", "Empty String Filtering Extension",
      "Allow filtering by attributes with empty string value", "2018-05-01T10:00:00-00:00" },
    { "ext-gw-mode", "Neutron L3 Configurable external gateway mode",
      "Extension of the router abstraction for specifying whether SNAT should occur on the"
      " external gateway", "2013-03-28T10:00:00-00:00" },
    { "external-net", "Neutron external network",
      "Adds external network attribute to network resource.", "2013-01-14T10:00:00-00:00" },
    { "extra_dhcp_opt", "Neutron Extra DHCP options",
      "Extra options configuration for DHCP. For example PXE boot options to DHCP clients"
      " can be specified (e.g. tftp-server, server-ip-address, bootfile-name)",
      "2013-03-17T12:00:00-00:00" },
    { "extraroute", "Neutron Extra Route", "Extra routes configuration for L3 router",
      "2013-02-01T10:00:00-00:00" },
    { "extraroute-atomic", "Atomically add/remove extra routes",
      "Edit extra routes of a router on server side by atomically adding/removing extra"
      " routes", "2019-07-10T00:00:00+00:00" },
    { "flavors", "Neutron Service Flavors",
      "Flavor specification for Neutron advanced services.", "2015-09-17T10:00:00-00:00" },
    { "filter-validation", "Filter parameters validation",
      "Provides validation on filter parameters.", "2018-07-04T10:00:00-00:00" },
    { "fip-port-details", "Floating IP Port Details Extension",
      "Add port_details attribute to Floating IP resource", "2018-04-09T10:00:00-00:00" },
    { "ip-substring-filtering", "IP address substring filtering",
      "Provides IP address substring filtering when listing ports",
      "2017-11-28T09:00:00-00:00" },
    { "l3-ha", "HA Router extension", "Adds HA capability to routers.",
      "2014-04-26T00:00:00-00:00" },
    { "l3_agent_scheduler", "L3 Agent Scheduler", "Schedule routers among l3 agents",
      "2013-02-07T10:00:00-00:00" },
    { "multi-provider", "Multi Provider Network",
      "Expose mapping of virtual networks to multiple physical networks",
      "2013-06-27T10:00:00-00:00" },
    { "net-mtu", "Network MTU", "Provides MTU attribute for a network resource.",
      "2015-03-25T10:00:00-00:00" },
    { "net-mtu-writable", "Network MTU (writable)",
      "Provides a writable MTU attribute for a network resource.",
      "2017-07-12T00:00:00-00:00" },
    { "network-ip-availability", "Network IP Availability",
      "Provides IP availability data for each network and subnet.",
      "2015-09-24T00:00:00-00:00" },
    { "network_availability_zone", "Network Availability Zone",
      "Availability zone support for network.", "2015-01-01T10:00:00-00:00" },
    { "pagination", "Pagination support",
      "Extension that indicates that pagination is enabled.", "2016-06-12T00:00:00-00:00" },
    { "port-device-profile", "Port device profile", "Expose the port device profile (Cyborg)",
      "2020-12-17T10:00:00-00:00" },
    { "port-mac-address-regenerate", "Neutron Port MAC address regenerate",
      "Network port MAC address regenerate", "2018-05-03T10:00:00-00:00" },
    { "port-mac-override", "Neutron Port MAC address override",
      "Allow overriding the MAC address of a direct-physical Port via the active binding"
      " profile", "2022-03-18T10:00:00-00:00" },
    { "port-numa-affinity-policy", "Port NUMA affinity policy",
      "Expose the port NUMA affinity policy", "2020-07-08T10:00:00-00:00" },
    { "port-security", "Port Security", "Provides port security",
      "2012-07-23T10:00:00-00:00" },
    { "port-security-groups-filtering", "Port filtering on security groups",
      "Provides security groups filtering when listing ports", "2018-01-09T09:00:00-00:00" },
    { "project-id", "project_id field enabled",
      "Extension that indicates that project_id field is enabled.",
      "2016-09-09T09:09:09-09:09" },
    { "provider", "Provider Network", "Expose mapping of virtual networks to physical networks",
      "2012-09-07T10:00:00-00:00" },
    { "rbac-policies", "RBAC Policies",
      "Allows creation and modification of policies that control tenant access to"
      " resources.", "2015-06-17T12:15:12-00:00" },
    { "rbac-address-group", "Add address_group type to RBAC",
      "Add address_group type to network RBAC", "2021-01-20T00:00:00-00:00" },
    { "rbac-address-scope", "Add address_scope type to RBAC",
      "Add address_scope type to RBAC", "2020-02-12T00:00:00-00:00" },
    { "rbac-security-groups", "Add security_group type to network RBAC",
      "Add security_group type to network RBAC", "2019-02-14T00:00:00-00:00" },
    { "rbac-subnetpool", "Add subnetpool type to RBAC", "Add subnetpool type to RBAC",
      "2020-02-05T00:00:00-00:00" },
    { "quota_details", "Quota details management support",
      "Expose functions for quotas usage statistics per project",
      "2017-02-10T10:00:00-00:00" },
    { "quotas", "Quota management support",
      "Expose functions for quotas management per project", "2012-07-29T10:00:00-00:00" },
    { "revision-if-match", "If-Match constraints based on revision_number",
      "Extension indicating that If-Match based on revision_number is supported.",
      "2016-12-11T00:00:00-00:00" },
    { "router", "Neutron L3 Router",
      "Router abstraction for basic L3 forwarding between L2 Neutron networks and access to"
      " external networks via a NAT gateway.", "2012-07-20T10:00:00-00:00" },
    { "router_availability_zone", "Router Availability Zone",
      "Availability zone support for router.", "2015-01-01T10:00:00-00:00" },
    { "security-group", "security-group", "The security groups extension.",
      "2012-10-05T10:00:00-00:00" },
    { "security-groups-remote-address-group",
      "Remote address group id field for security group rules",
      "Add new field of remote address group id in SG rules", "2020-08-25T10:00:00-00:00" },
    { "security-groups-shared-filtering", "Security group filtering on the shared field",
      "Support filtering security groups on the shared field", "2021-10-05T09:00:00-00:00" },
    { "service-type", "Neutron Service Type Management",
      "API for retrieving service providers for Neutron advanced services",
      "2013-01-20T00:00:00-00:00" },
    { "sorting", "Sorting support", "Extension that indicates that sorting is enabled.",
      "2016-06-12T00:00:00-00:00" },
    { "standard-attr-description", "standard-attr-description",
      "Extension to add descriptions to standard attributes", "2016-02-10T10:00:00-00:00" },
    { "standard-attr-revisions", "Resource revision numbers",
      "This extension will display the revision number of neutron resources.",
      "2016-04-11T10:00:00-00:00" },
    { "standard-attr-tag", "Tag support for resources with standard attribute: port, subnet,"
      " network, security_group, router, floatingip",
      "Enables to set tag on resources with standard attribute.",
      "2017-01-01T00:00:00-00:00" },
    { "standard-attr-timestamp", "Resource timestamps",
      "Adds created_at and updated_at fields to all Neutron resources that have Neutron"
      " standard attributes.", "2016-09-12T10:00:00-00:00" },
    { "stateful-security-group", "Stateful security group",
      "Indicates if the security group is stateful or not", "2019-11-26T09:00:00-00:00" },
    { "subnet_onboard", "Subnet Onboard",
      "Provides support for onboarding subnets into subnet pools",
      "2018-12-18T09:00:00-00:00" },
    { "subnet-service-types", "Subnet service types",
      "Provides ability to set the subnet service_types field", "2016-03-15T18:00:00-00:00" },
    { "subnet_allocation", "Subnet Allocation", "Enables allocation of subnets from a subnet pool",
      "2015-03-30T10:00:00-00:00" },
    { "subnetpool-prefix-ops", "Subnet Pool Prefix Operations",
      "Provides support for adjusting the prefix list of subnet pools",
      "2019-02-08T10:00:00-00:00" },
};

int
versions_root(struct request *req, char *const args[])
{
    struct jsonw w;
    char *href = xasprintf("%s/v2.0/", req->base_url);

    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "versions");
    jsonw_array_begin(&w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "id");
    jsonw_string(&w, "v2.0");
    jsonw_key(&w, "status");
    jsonw_string(&w, "CURRENT");
    jsonw_key(&w, "links");
    jsonw_array_begin(&w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "rel");
    jsonw_string(&w, "self");
    jsonw_key(&w, "href");
    jsonw_string(&w, href);
    jsonw_object_end(&w);
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    free(href);
    return 0;
}

int
versions_v2(struct request *req, char *const args[])
{
    static const char *const resources[][2] = {
        { "network", "networks" }, { "subnet", "subnets" }, { "subnetpool", "subnetpools" },
        { "port", "ports" },
    };
    struct jsonw w;

    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "resources");
    jsonw_array_begin(&w);
    for (size_t i = 0; i < ARRAY_SIZE(resources); i++) {
        char *href = xasprintf("%s/v2.0/%s", req->base_url, resources[i][1]);
        jsonw_object_begin(&w);
        jsonw_key(&w, "name");
        jsonw_string(&w, resources[i][0]);
        jsonw_key(&w, "collection");
        jsonw_string(&w, resources[i][1]);
        jsonw_key(&w, "links");
        jsonw_array_begin(&w);
        jsonw_object_begin(&w);
        jsonw_key(&w, "rel");
        jsonw_string(&w, "self");
        jsonw_key(&w, "href");
        jsonw_string(&w, href);
        jsonw_object_end(&w);
        jsonw_array_end(&w);
        jsonw_object_end(&w);
        free(href);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    return 0;
}

static void
extension_render(struct jsonw *w, const struct extension *e)
{
    jsonw_object_begin(w);
    jsonw_key(w, "name");
    jsonw_string(w, e->name);
    jsonw_key(w, "alias");
    jsonw_string(w, e->alias);
    jsonw_key(w, "description");
    jsonw_string(w, e->description);
    jsonw_key(w, "updated");
    jsonw_string(w, e->updated);
    jsonw_key(w, "links");
    jsonw_array_begin(w);
    jsonw_array_end(w);
    jsonw_object_end(w);
}

int
extensions_list(struct request *req, char *const args[])
{
    struct jsonw w;

    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "extensions");
    jsonw_array_begin(&w);
    for (size_t i = 0; i < ARRAY_SIZE(extensions); i++) {
        extension_render(&w, &extensions[i]);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    return 0;
}

int
extension_show(struct request *req, char *const args[])
{
    struct jsonw w;

    for (size_t i = 0; i < ARRAY_SIZE(extensions); i++) {
        if (STREQ(extensions[i].alias, args[0])) {
            api_begin(req, 200, &w);
            jsonw_object_begin(&w);
            jsonw_key(&w, "extension");
            extension_render(&w, &extensions[i]);
            jsonw_object_end(&w);
            return 0;
        }
    }
    /* Neutron answers an unknown alias with a plain-text 404 (clients only read the
     * status); the body here says the same in a line. */
    req->status = 404;
    req->content_type = "text/plain; charset=UTF-8";
    buf_clear(&req->response);
    buf_add_str(&req->response, "404 Not Found\n\nThe resource could not be found.\n");
    return -1;
}
