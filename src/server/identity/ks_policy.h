/* The identity API's permission table, in the manner of policy.c: each handler names
 * the action it performs, and one table says who may perform it — an admin (the admin
 * role in the token's project), a service user, the user the request is about, the
 * caller's own project, or anyone with a valid token.  These are Keystone's default
 * rules for the subset served here. */
#ifndef NEUTRINO_IDENTITY_KS_POLICY_H
#define NEUTRINO_IDENTITY_KS_POLICY_H

#include <jansson.h>
#include <stdbool.h>

#include "identity.h"

struct request;
struct store_conn;

enum ks_action {
    KS_VALIDATE_TOKEN,          /* Also checking and revoking one. */
    KS_GET_AUTH_PROJECTS,
    KS_GET_AUTH_DOMAINS,
    KS_GET_AUTH_CATALOG,
    KS_LIST_PROJECTS,
    KS_CREATE_PROJECT,
    KS_GET_PROJECT,
    KS_UPDATE_PROJECT,
    KS_DELETE_PROJECT,
    KS_LIST_USERS,
    KS_CREATE_USER,
    KS_GET_USER,
    KS_UPDATE_USER,
    KS_DELETE_USER,
    KS_LIST_USER_PROJECTS,
    KS_CHANGE_PASSWORD,
    KS_LIST_ROLES,
    KS_CREATE_ROLE,
    KS_GET_ROLE,
    KS_DELETE_ROLE,
    KS_CREATE_GRANT,
    KS_CHECK_GRANT,
    KS_REVOKE_GRANT,
    KS_LIST_GRANTS,
    KS_LIST_ROLE_ASSIGNMENTS,
    KS_LIST_DOMAINS,
    KS_GET_DOMAIN,
    KS_ACTION__COUNT
};

/* Who is calling: the validation of its X-Auth-Token. */
struct ks_caller {
    struct id_auth auth;
    bool is_admin;
};

/* Validates the caller's X-Auth-Token.  Returns 0, or -1 after answering 401 (500 if
 * the database fails). */
int ks_caller(struct request *req, struct store_conn *c, struct ks_caller *ret);

/* Returns 0 if the table lets 'caller' do 'action' on 'target' — the id of the user
 * or project the request is about, or NULL — else answers 403 "You are not authorized
 * to perform the requested action: identity:<action>." and returns -1. */
int ks_permit(struct request *req, const struct ks_caller *caller, enum ks_action action,
              const char *target);

/* The start of a handler: the database connection, once the caller's token is valid
 * (ks_caller()) and it may do 'action' on 'target' (ks_permit()); the caller goes to
 * '*ret' unless 'ret' is NULL.  NULL after answering otherwise. */
struct store_conn *ks_authorize(struct request *req, enum ks_action action,
                                const char *target, struct ks_caller *ret);

/* The start of a handler that writes an entity: ks_authorize(), then the body's
 * object 'key' ({"user": {...}}) into 'ret_entity' (to be json_decref()ed).  NULL
 * after answering otherwise. */
struct store_conn *ks_authorize_write(struct request *req, enum ks_action action,
                                      const char *target, const char *key,
                                      json_t **ret_entity);

#endif
