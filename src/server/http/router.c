/* The route table and dispatch (see router.h). */
#include "router.h"

#include <string.h>

#include "agentapi/agent_rpc.h"
#include "api/agents.h"
#include "api/ip_availability.h"
#include "api/network.h"
#include "api/port.h"
#include "api/subnet.h"
#include "api/tags.h"
#include "api/versions.h"
#include "http/static_files.h"
#include "app.h"
#include "errors.h"
#include "identity/keystone_api.h"
#include "request.h"
#include "util.h"

struct route {
    const char *method;
    const char *pattern;
    route_handler *handler;
};

#define TAG_ROUTES(plural, prefix)                                                      \
    { "GET", "/v2.0/" plural "/*/tags", prefix##_tags_get },                            \
    { "PUT", "/v2.0/" plural "/*/tags", prefix##_tags_replace },                        \
    { "DELETE", "/v2.0/" plural "/*/tags", prefix##_tags_clear },                       \
    { "GET", "/v2.0/" plural "/*/tags/*", prefix##_tag_check },                         \
    { "PUT", "/v2.0/" plural "/*/tags/*", prefix##_tag_add },                           \
    { "DELETE", "/v2.0/" plural "/*/tags/*", prefix##_tag_remove }

static const struct route routes[] = {
    { "GET", "/", versions_root },
    { "GET", "/v2.0/", versions_v2 },
    { "GET", "/v2.0/extensions", extensions_list },
    { "GET", "/v2.0/extensions/*", extension_show },
    { "GET", "/v2.0/networks", networks_list },
    { "POST", "/v2.0/networks", networks_create },
    { "GET", "/v2.0/networks/*", network_show },
    { "PUT", "/v2.0/networks/*", network_update },
    { "DELETE", "/v2.0/networks/*", network_delete },
    { "GET", "/v2.0/subnets", subnets_list },
    { "POST", "/v2.0/subnets", subnets_create },
    { "GET", "/v2.0/subnets/*", subnet_show },
    { "PUT", "/v2.0/subnets/*", subnet_update },
    { "DELETE", "/v2.0/subnets/*", subnet_delete },
    { "GET", "/v2.0/ports", ports_list },
    { "POST", "/v2.0/ports", ports_create },
    { "GET", "/v2.0/ports/*", port_show },
    { "PUT", "/v2.0/ports/*", port_update },
    { "DELETE", "/v2.0/ports/*", port_delete },
    { "GET", "/v2.0/agents", agents_list },
    { "POST", "/v2.0/agents", agents_create },
    { "GET", "/v2.0/agents/*", agent_show },
    { "GET", "/v2.0/agents/*/dhcp-networks", agent_dhcp_networks_list },
    { "POST", "/v2.0/agents/*/dhcp-networks", agent_dhcp_network_add },
    { "DELETE", "/v2.0/agents/*/dhcp-networks/*", agent_dhcp_network_remove },
    { "GET", "/v2.0/networks/*/dhcp-agents", network_dhcp_agents_list },
    { "PUT", "/v2.0/agents/*", agent_update },
    { "DELETE", "/v2.0/agents/*", agent_delete },
    { "POST", "/agent/v1/report", agent_rpc_report },
    { "POST", "/agent/v1/devices", agent_rpc_devices },
    { "POST", "/agent/v1/devices/status", agent_rpc_device_status },
    { "GET", "/agent/v1/changes", agent_rpc_changes },
    { "GET", "/agent/v1/sync", agent_rpc_sync },
    { "GET", "/agent/v1/l2pop", agent_rpc_l2pop },
    { "POST", "/agent/v1/dhcp/sync", dhcp_rpc_sync },
    { "POST", "/agent/v1/dhcp/network", dhcp_rpc_network },
    { "POST", "/agent/v1/dhcp/ports", dhcp_rpc_ports },
    { "POST", "/agent/v1/dhcp/ready", dhcp_rpc_ready },
    { "GET", "/v2.0/network-ip-availabilities", ip_availabilities_list },
    { "GET", "/v2.0/network-ip-availabilities/*", ip_availability_show },
    TAG_ROUTES("networks", network),
    TAG_ROUTES("subnets", subnet),
    TAG_ROUTES("ports", port),
};

/* The built-in identity service, under /v3 (and /identity/v3). */
static const struct route identity_routes[] = {
    { "GET", "/v3", ks_version },
    { "GET", "/v3/", ks_version },
    { "POST", "/v3/auth/tokens", ks_token_create },
    { "GET", "/v3/auth/tokens", ks_token_validate },
    { "HEAD", "/v3/auth/tokens", ks_token_check },
    { "DELETE", "/v3/auth/tokens", ks_token_revoke },
    { "GET", "/v3/auth/projects", ks_auth_projects },
    { "GET", "/v3/auth/domains", ks_auth_domains },
    { "GET", "/v3/auth/catalog", ks_auth_catalog },
    { "GET", "/v3/projects", ks_projects_list },
    { "POST", "/v3/projects", ks_project_create },
    { "GET", "/v3/projects/*", ks_project_show },
    { "PATCH", "/v3/projects/*", ks_project_update },
    { "DELETE", "/v3/projects/*", ks_project_delete },
    { "GET", "/v3/projects/*/users/*/roles", ks_grants_list },
    { "PUT", "/v3/projects/*/users/*/roles/*", ks_grant_put },
    { "HEAD", "/v3/projects/*/users/*/roles/*", ks_grant_check },
    { "GET", "/v3/projects/*/users/*/roles/*", ks_grant_check },
    { "DELETE", "/v3/projects/*/users/*/roles/*", ks_grant_delete },
    { "GET", "/v3/users", ks_users_list },
    { "POST", "/v3/users", ks_user_create },
    { "GET", "/v3/users/*", ks_user_show },
    { "PATCH", "/v3/users/*", ks_user_update },
    { "DELETE", "/v3/users/*", ks_user_delete },
    { "GET", "/v3/users/*/projects", ks_user_projects },
    { "POST", "/v3/users/*/password", ks_user_password },
    { "GET", "/v3/roles", ks_roles_list },
    { "POST", "/v3/roles", ks_role_create },
    { "GET", "/v3/roles/*", ks_role_show },
    { "DELETE", "/v3/roles/*", ks_role_delete },
    { "GET", "/v3/role_assignments", ks_role_assignments },
    { "GET", "/v3/domains", ks_domains_list },
    { "GET", "/v3/domains/*", ks_domain_show },
};

/* Matches 'path' against 'pattern', writing '*' segments into 'args' (pointers into
 * 'scratch', a copy of the path split in place). */
static bool
route_match(const char *pattern, const char *path, char *scratch, char *args[], size_t *n_args)
{
    const char *p = pattern;
    char *s = scratch;

    strcpy(scratch, path);
    *n_args = 0;
    while (*p && *s) {
        if (*p == '*') {
            char *end = strchr(s, '/');
            if (s == end || *n_args == ROUTE_MAX_ARGS) {
                return false;   /* Empty segment. */
            }
            args[(*n_args)++] = s;
            p++;
            if (!end) {
                s += strlen(s);
                break;
            }
            *end = '\0';
            s = end + 1;
            if (*p != '/') {
                return false;
            }
            p++;
            continue;
        }
        if (*p != *s) {
            return false;
        }
        p++;
        s++;
    }
    return *p == '\0' && *s == '\0';
}

/* Dispatches an identity API request ('path' without any /identity prefix). */
static void
identity_dispatch(struct request *req, const char *path)
{
    char scratch[REQUEST_MAX_PATH_SIZE + 1];
    char *args[ROUTE_MAX_ARGS];
    bool path_known = false;
    size_t n_args;

    if (!req->app->identity) {
        /* Tokens are checked by an external Keystone: ours is off. */
        api_fail(req, API_ERR_HTTP_NOT_FOUND, "The resource could not be found.");
        return;
    }
    if (STREQ(path, "") || STREQ(path, "/")) {
        if (STREQ(req->method, "GET") || STREQ(req->method, "HEAD")) {
            ks_versions(req, NULL);
        } else {
            ks_fail(req, 405, "The method is not allowed for the requested URL.");
        }
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(identity_routes); i++) {
        if (!route_match(identity_routes[i].pattern, path, scratch, args, &n_args)) {
            continue;
        }
        path_known = true;
        if (STREQ(identity_routes[i].method, req->method)
            || (STREQ(req->method, "HEAD") && STREQ(identity_routes[i].method, "GET")
                && identity_routes[i].handler == ks_version)) {
            identity_routes[i].handler(req, args);
            return;
        }
    }
    if (path_known) {
        ks_fail(req, 405, "The method is not allowed for the requested URL.");
    } else {
        ks_fail(req, 404, "The resource could not be found.");
    }
}

bool
router_is_identity(const char *path)
{
    return (str_startswith(path, "/identity") && (path[9] == '\0' || path[9] == '/'))
           || STREQ(path, "/v3") || str_startswith(path, "/v3/");
}

void
router_dispatch(struct request *req)
{
    char scratch[REQUEST_MAX_PATH_SIZE + 1];
    char *args[ROUTE_MAX_ARGS];
    bool path_known = false;
    size_t n_args;

    if (strlen(req->path) > REQUEST_MAX_PATH_SIZE) {
        api_fail(req, API_ERR_HTTP_NOT_FOUND, "The resource could not be found.");
        return;
    }
    if (static_dispatch(req)) {
        return;
    }
    if (router_is_identity(req->path)) {
        const char *path = req->path;
        if (str_startswith(path, "/identity")) {
            req->api_prefix = "/identity";
            path += 9;
        }
        identity_dispatch(req, path);
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
        if (!route_match(routes[i].pattern, req->path, scratch, args, &n_args)) {
            continue;
        }
        path_known = true;
        if (STREQ(routes[i].method, req->method)) {
            routes[i].handler(req, args);
            return;
        }
    }
    static const struct {
        const char *path;
        enum api_err err;
        const char *title;
    } collections[] = {
        { "/v2.0/networks", API_ERR_NETWORK_NOT_FOUND, "Network" },
        { "/v2.0/subnets", API_ERR_SUBNET_NOT_FOUND, "Subnet" },
        { "/v2.0/ports", API_ERR_PORT_NOT_FOUND, "Port" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(collections); i++) {
        if ((STREQ(req->method, "DELETE") || STREQ(req->method, "PUT"))
            && STREQ(req->path, collections[i].path)) {
            /* Zed treats a collection PUT/DELETE as one on the item "None". */
            api_fail(req, collections[i].err, "%s None could not be found.",
                     collections[i].title);
            return;
        }
    }
    if (path_known) {
        api_fail(req, API_ERR_METHOD_NOT_ALLOWED, "The server could not comply with the"
                 " request since it is either malformed or otherwise incorrect.");
    } else {
        api_fail(req, API_ERR_HTTP_NOT_FOUND, "The resource could not be found.");
    }
}
