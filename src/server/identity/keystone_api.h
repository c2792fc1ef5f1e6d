/* The built-in Keystone v3 subset over HTTP, as an API family (api_family.h) that the
 * composition root serves under /v3 and, prefix removed, under /identity (where the
 * version list is).  Its handlers authenticate their callers themselves: a token in
 * X-Auth-Token, checked against the permission table (ks_policy.h).  Answers have
 * Keystone's shapes (ks_common.h): what keystoneauth (the `openstack` CLI,
 * openstacksdk, tempest) and Horizon-style dashboards expect. */
#ifndef NEUTRINO_IDENTITY_KEYSTONE_API_H
#define NEUTRINO_IDENTITY_KEYSTONE_API_H

#include "api_family.h"

struct request;

/* The identity API's routes, error format ({"error": {"code", "title", "message"}})
 * and authentication. */
const struct api_family *identity_api_family(void);

/* The handlers (route_handler), one file per entity: api_tokens.c, api_projects.c,
 * api_users.c, api_roles.c; version discovery and domains in keystone_api.c. */
int ks_versions(struct request *req, char *const args[]);
int ks_version(struct request *req, char *const args[]);
int ks_token_create(struct request *req, char *const args[]);
int ks_token_validate(struct request *req, char *const args[]);
int ks_token_check(struct request *req, char *const args[]);
int ks_token_revoke(struct request *req, char *const args[]);
int ks_auth_projects(struct request *req, char *const args[]);
int ks_auth_domains(struct request *req, char *const args[]);
int ks_auth_catalog(struct request *req, char *const args[]);
int ks_projects_list(struct request *req, char *const args[]);
int ks_project_create(struct request *req, char *const args[]);
int ks_project_show(struct request *req, char *const args[]);
int ks_project_update(struct request *req, char *const args[]);
int ks_project_delete(struct request *req, char *const args[]);
int ks_users_list(struct request *req, char *const args[]);
int ks_user_create(struct request *req, char *const args[]);
int ks_user_show(struct request *req, char *const args[]);
int ks_user_update(struct request *req, char *const args[]);
int ks_user_delete(struct request *req, char *const args[]);
int ks_user_projects(struct request *req, char *const args[]);
int ks_user_password(struct request *req, char *const args[]);
int ks_roles_list(struct request *req, char *const args[]);
int ks_role_create(struct request *req, char *const args[]);
int ks_role_show(struct request *req, char *const args[]);
int ks_role_delete(struct request *req, char *const args[]);
int ks_grant_put(struct request *req, char *const args[]);
int ks_grant_check(struct request *req, char *const args[]);
int ks_grant_delete(struct request *req, char *const args[]);
int ks_grants_list(struct request *req, char *const args[]);
int ks_role_assignments(struct request *req, char *const args[]);
int ks_domains_list(struct request *req, char *const args[]);
int ks_domain_show(struct request *req, char *const args[]);

#endif
