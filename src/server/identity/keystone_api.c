/* The identity API as an API family (see keystone_api.h): its route table and error
 * rendering, and the two small parts no entity file owns — version discovery and the
 * one domain.  Tokens, projects, users, roles and assignments have a file each
 * (api_*.c); what they share is in ks_common.c, who may do what in ks_policy.c. */
#include "keystone_api.h"

#include <stdlib.h>

#include "app.h"
#include "ks_common.h"
#include "ks_policy.h"
#include "request.h"
#include "util.h"

#define VERSION_ID "v3.14"
#define VERSION_UPDATED "2020-04-07T00:00:00Z"

/* --- Version discovery ----------------------------------------------------------- */

static json_t *
version_object(const struct request *req)
{
    char *root = ks_api_root(req);
    json_t *v = json_pack("{s:s,s:s,s:s,s:[{s:s,s:s+}],s:[{s:s,s:s}]}",
                          "id", VERSION_ID, "status", "stable", "updated", VERSION_UPDATED,
                          "links", "rel", "self", "href", root, "/v3/",
                          "media-types", "base", "application/json",
                          "type", "application/vnd.openstack.identity-v3+json");
    free(root);
    return v;
}

int
ks_versions(struct request *req, char *const args[])
{
    char *root = ks_api_root(req);

    ks_reply(req, 300, json_pack("{s:{s:[o]}}", "versions", "values", version_object(req)));
    request_add_header(req, "Location", "%s/v3/", root);
    free(root);
    return 0;
}

int
ks_version(struct request *req, char *const args[])
{
    return ks_reply_entity(req, 200, "version", version_object(req));
}

/* --- Domains --------------------------------------------------------------------- */

static json_t *
domain_json(const struct request *req)
{
    return json_pack("{s:s,s:s,s:s,s:b,s:[],s:{},s:o}", "id", KS_DEFAULT_DOMAIN_ID, "name",
                     KS_DEFAULT_DOMAIN_NAME, "description", "The default domain", "enabled", 1,
                     "tags", "options", "links",
                     ks_links_self(req, "domains", KS_DEFAULT_DOMAIN_ID));
}

int
ks_domains_list(struct request *req, char *const args[])
{
    const char *name = request_param(req, "name");
    json_t *items;

    if (!ks_authorize(req, KS_LIST_DOMAINS, NULL, NULL)) {
        return -1;
    }
    items = json_array();
    if (!name || STREQ(name, KS_DEFAULT_DOMAIN_NAME)) {
        json_array_append_new(items, domain_json(req));
    }
    return ks_reply_list(req, 0, "domains", items, "domains");
}

int
ks_domain_show(struct request *req, char *const args[])
{
    if (!ks_authorize(req, KS_GET_DOMAIN, args[0], NULL)) {
        return -1;
    }
    if (!STREQ(args[0], KS_DEFAULT_DOMAIN_ID)) {
        return ks_fail(req, 404, "Could not find domain: %.64s.", args[0]);
    }
    return ks_reply_entity(req, 200, "domain", domain_json(req));
}

/* --- The family ------------------------------------------------------------------ */

static void
ks_render_error(struct request *req, int status, const char *message)
{
    if (message) {
        ks_fail(req, status, "%s", message);
    } else if (status == 405) {
        ks_fail(req, status, "The method is not allowed for the requested URL.");
    } else if (status >= 500) {
        ks_fail(req, status, "An unexpected error prevented the server from fulfilling your"
                             " request.");
    } else {
        ks_fail(req, status, "The resource could not be found.");
    }
}

static const struct route identity_routes[] = {
    /* Under /identity, its root: where the versions are. */
    { "GET", "", ks_versions },
    { "HEAD", "", ks_versions },
    { "GET", "/", ks_versions },
    { "HEAD", "/", ks_versions },
    { "GET", "/v3", ks_version },
    { "HEAD", "/v3", ks_version },
    { "GET", "/v3/", ks_version },
    { "HEAD", "/v3/", ks_version },
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

static const struct api_family family = {
    .routes = identity_routes,
    .n_routes = ARRAY_SIZE(identity_routes),
    .render_error = ks_render_error,
};

const struct api_family *
identity_api_family(void)
{
    return &family;
}
