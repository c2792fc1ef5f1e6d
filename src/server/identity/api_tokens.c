/* The identity API's tokens: issuing one (POST /v3/auth/tokens, by password or by
 * re-scoping a token), validating, checking and revoking one (X-Subject-Token), and
 * what a token's holder may ask about it: its catalog and domains. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "identity.h"
#include "keystone_api.h"
#include "ks_common.h"
#include "ks_policy.h"
#include "request.h"
#include "util.h"

static json_t *
catalog(const struct request *req)
{
    static const char *const interfaces[] = { "public", "internal", "admin" };
    static const struct {
        const char *type, *name, *suffix;
    } services[] = {
        { "identity", "keystone", "/identity/v3/" },
        { "network", "neutron", "" },
    };
    const struct identity *id = req->app->identity;
    const char *region = identity_region(id);
    char *base = ks_public_base(req);
    json_t *cat = json_array();

    for (size_t s = 0; s < ARRAY_SIZE(services); s++) {
        json_t *eps = json_array();
        char sid[IDENTITY_ID_LEN];
        for (size_t i = 0; i < ARRAY_SIZE(interfaces); i++) {
            char what[64], eid[IDENTITY_ID_LEN];
            snprintf(what, sizeof what, "%s/%s", services[s].type, interfaces[i]);
            identity_catalog_id(id, what, eid);
            json_array_append_new(eps, json_pack("{s:s,s:s,s:s,s:s,s:s+}", "id", eid,
                                                 "interface", interfaces[i], "region_id", region,
                                                 "region", region, "url", base,
                                                 services[s].suffix));
        }
        identity_catalog_id(id, services[s].type, sid);
        json_array_append_new(cat, json_pack("{s:o,s:s,s:s,s:s}", "endpoints", eps, "id", sid,
                                             "type", services[s].type, "name",
                                             services[s].name));
    }
    free(base);
    return cat;
}

static json_t *
token_body(const struct request *req, const struct id_auth *a, bool with_catalog)
{
    char issued[32], expires[32];
    json_t *t, *audit, *roles;

    ks_format_time(a->token.issued_at, issued);
    ks_format_time(a->token.expires_at, expires);
    audit = json_pack("[s]", a->token.audit_id);
    if (a->token.parent_audit_id[0]) {
        json_array_append_new(audit, json_string(a->token.parent_audit_id));
    }
    t = json_pack("{s:o,s:{s:o,s:s,s:s,s:n},s:o,s:s,s:s}",
                  "methods", json_loads(a->token.methods, 0, NULL),
                  "user", "domain", ks_domain_ref(), "id", a->token.user_id, "name", a->user_name,
                  "password_expires_at", "audit_ids", audit, "expires_at", expires,
                  "issued_at", issued);
    if (a->token.project_id[0]) {
        roles = json_array();
        for (size_t i = 0; i < a->n_roles; i++) {
            json_array_append_new(roles, json_pack("{s:s,s:s}", "id", a->roles[i].id, "name",
                                                   a->roles[i].name));
        }
        json_object_set_new(t, "project", json_pack("{s:o,s:s,s:s}", "domain", ks_domain_ref(),
                                                    "id", a->token.project_id, "name",
                                                    a->project_name));
        json_object_set_new(t, "is_domain", json_false());
        json_object_set_new(t, "roles", roles);
        if (with_catalog) {
            json_object_set_new(t, "catalog", catalog(req));
        }
    }
    return json_pack("{s:o}", "token", t);
}

static bool
no_catalog(const struct request *req)
{
    return request_param(req, "nocatalog") != NULL;
}

/* Checks that a "domain" object, when given, names the default domain. */
static bool
domain_is_default(const json_t *domain)
{
    const char *id = json_string_value(json_object_get(domain, "id"));
    const char *name = json_string_value(json_object_get(domain, "name"));

    if (!domain) {
        return true;
    }
    if (!json_is_object(domain) || (!id && !name)) {
        return false;
    }
    return (!id || STREQ(id, KS_DEFAULT_DOMAIN_ID))
           && (!name || STREQ(name, KS_DEFAULT_DOMAIN_NAME));
}

/* Finds the project a "scope" names; -EACCES when it does not exist (Keystone answers
 * 401, not 404, so names cannot be probed). */
static int
scope_project(struct store_conn *c, const json_t *project, char ret_id[IDENTITY_ID_LEN])
{
    const char *pid = json_string_value(json_object_get(project, "id"));
    const char *name = json_string_value(json_object_get(project, "name"));
    struct id_project p;
    int r;

    if (!pid && !name) {
        return -EINVAL;
    }
    if (!pid && !json_object_get(project, "domain")) {
        return -EINVAL;
    }
    if (!domain_is_default(json_object_get(project, "domain"))) {
        return -EACCES;
    }
    r = pid ? store_id_project_get(c, pid, &p) : store_id_project_get_by_name(c, name, &p);
    if (r) {
        return r == -ENOENT ? -EACCES : r;
    }
    if (pid && name && !STREQ(name, p.name)) {
        r = -EACCES;
    }
    memcpy(ret_id, p.id, IDENTITY_ID_LEN);
    id_project_done(&p);
    return r;
}

/* The password method: finds and checks the user. */
static int
auth_password(struct request *req, struct store_conn *c, const json_t *identity,
              char ret_user[IDENTITY_ID_LEN])
{
    const json_t *user = json_object_get(json_object_get(identity, "password"), "user");
    const char *uid = json_string_value(json_object_get(user, "id"));
    const char *name = json_string_value(json_object_get(user, "name"));
    const char *password = json_string_value(json_object_get(user, "password"));
    int r;

    if (!json_is_object(user) || (!uid && !name)) {
        return ks_fail(req, 400, "Expecting to find id or name in user." KS_MALFORMED);
    }
    if (!uid && !json_object_get(user, "domain")) {
        return ks_fail(req, 400, "Expecting to find domain in user." KS_MALFORMED);
    }
    if (!password || !domain_is_default(json_object_get(user, "domain"))) {
        return ks_unauthorized(req);
    }
    r = identity_check_password(req->app->identity, c, uid, name, password, ret_user);
    if (r) {
        return r == -EACCES ? ks_unauthorized(req) : ks_internal(req, r);
    }
    return 0;
}

int
ks_token_create(struct request *req, char *const args[])
{
    struct identity *id = req->app->identity;
    struct store_conn *c = request_conn(req);
    char user_id[IDENTITY_ID_LEN], project_id[IDENTITY_ID_LEN] = "";
    char text[TOKEN_TEXT_LEN + 1];
    const json_t *auth, *identity, *methods, *scope;
    struct id_auth parent_auth, a;
    const struct id_token *parent = NULL;
    const char *method_json = NULL;
    json_t *body;
    int r;

    if (!c || !(body = ks_body(req))) {
        return -1;
    }
    auth = json_object_get(body, "auth");
    identity = json_object_get(auth, "identity");
    methods = json_object_get(identity, "methods");
    scope = json_object_get(auth, "scope");
    if (!json_is_object(auth) || !json_is_object(identity)) {
        json_decref(body);
        return ks_fail(req, 400, "'%s' is a required property", auth ? "identity" : "auth");
    }
    if (!json_is_array(methods) || json_array_size(methods) != 1
        || !json_is_string(json_array_get(methods, 0))) {
        json_decref(body);
        return ks_fail(req, 400, "Invalid input for field 'identity/methods': one method"
                                 " (\"password\" or \"token\") is expected");
    }
    /* The scope's shape is checked before any credential, as Keystone does. */
    if (json_is_object(scope) && json_object_get(scope, "project")) {
        const json_t *project = json_object_get(scope, "project");
        if (!json_is_object(project)
            || (!json_is_string(json_object_get(project, "id"))
                && !(json_is_string(json_object_get(project, "name"))
                     && json_object_get(project, "domain")))) {
            json_decref(body);
            return ks_fail(req, 400, "Expecting to find id or name and domain in project."
                                     KS_MALFORMED);
        }
    } else if (json_is_object(scope)) {
        json_decref(body);
        return ks_fail(req, 400, "Only project scope is supported by this identity service.");
    } else if (scope && !(json_is_string(scope) && STREQ(json_string_value(scope), "unscoped"))) {
        json_decref(body);
        return ks_fail(req, 400, "Invalid input for field 'scope'.");
    }
    if (STREQ(json_string_value(json_array_get(methods, 0)), "password")
        && request_defer(req)) {
        /* Hashing runs on the worker pool: this request is dispatched again there. */
        json_decref(body);
        return 0;
    }
    if (STREQ(json_string_value(json_array_get(methods, 0)), "password")) {
        method_json = "[\"password\"]";
        r = auth_password(req, c, identity, user_id);
    } else if (STREQ(json_string_value(json_array_get(methods, 0)), "token")) {
        const char *tok = json_string_value(json_object_get(json_object_get(identity, "token"),
                                                            "id"));
        method_json = "[\"token\"]";
        r = tok ? identity_validate(id, c, tok, &parent_auth) : -ENOENT;
        if (r) {
            r = r == -ENOENT ? ks_unauthorized(req) : ks_internal(req, r);
        } else {
            parent = &parent_auth.token;
            memcpy(user_id, parent->user_id, sizeof user_id);
            method_json = parent->methods;  /* Re-scoping keeps the original methods. */
        }
    } else {
        r = ks_fail(req, 401, "Attempted to authenticate with an unsupported method.");
    }
    if (r) {
        json_decref(body);
        return -1;
    }
    if (json_is_object(scope)) {
        r = scope_project(c, json_object_get(scope, "project"), project_id);
        r = r == -EINVAL ? -EACCES : r;
    } else if (!scope && !parent) {
        /* No scope: the user's default project if it has one, else unscoped. */
        struct id_user u;
        r = store_id_user_get(c, user_id, &u);
        if (!r && u.default_project_id) {
            snprintf(project_id, sizeof project_id, "%s", u.default_project_id);
        }
        if (!r) {
            id_user_done(&u);
        }
    }
    json_decref(body);
    if (r) {
        return r == -EACCES ? ks_unauthorized(req) : ks_internal(req, r);
    }
    r = identity_issue(id, c, user_id, project_id, method_json, parent, text, &a);
    if (r) {
        return r == -EACCES ? ks_unauthorized(req) : ks_internal(req, r);
    }
    ks_reply(req, 201, token_body(req, &a, !no_catalog(req)));
    request_add_header(req, "X-Subject-Token", "%s", text);
    sodium_memzero(text, sizeof text);
    return 0;
}

/* Validation needs the caller's token and the subject's; an admin or a service user
 * may check any token, anyone else only its own.  Returns the database connection,
 * having validated the subject into 'ret', or NULL after answering. */
static struct store_conn *
subject_token(struct request *req, struct id_auth *ret)
{
    struct store_conn *c = request_conn(req);
    struct ks_caller caller;
    int r;

    if (!c || ks_caller(req, c, &caller)) {
        return NULL;
    }
    if (!req->subject_token) {
        ks_fail(req, 404, "Could not find token.");
        return NULL;
    }
    r = identity_validate(req->app->identity, c, req->subject_token, ret);
    if (r == -ENOENT) {
        ks_fail(req, 404, "Could not find token: the token is unknown, expired or revoked.");
    } else if (r) {
        ks_internal(req, r);
    }
    return r || ks_permit(req, &caller, KS_VALIDATE_TOKEN, ret->token.user_id) ? NULL : c;
}

int
ks_token_validate(struct request *req, char *const args[])
{
    struct id_auth a;

    if (!subject_token(req, &a)) {
        return -1;
    }
    ks_reply(req, 200, token_body(req, &a, !no_catalog(req)));
    request_add_header(req, "X-Subject-Token", "%s", req->subject_token);
    return 0;
}

int
ks_token_check(struct request *req, char *const args[])
{
    struct id_auth a;

    if (!subject_token(req, &a)) {
        return -1;
    }
    ks_reply(req, 200, NULL);
    return 0;
}

int
ks_token_revoke(struct request *req, char *const args[])
{
    struct id_auth a;
    struct store_conn *c = subject_token(req, &a);
    int r;

    if (!c) {
        return -1;
    }
    r = identity_revoke(req->app->identity, c, req->subject_token);
    if (r && r != -ENOENT) {
        return ks_internal(req, r);
    }
    ks_reply(req, 204, NULL);
    return 0;
}

int
ks_auth_domains(struct request *req, char *const args[])
{
    if (!ks_authorize(req, KS_GET_AUTH_DOMAINS, NULL, NULL)) {
        return -1;
    }
    /* Keystone lists domains with a role assignment: projects' roles give none. */
    return ks_reply_list(req, 0, "domains", json_array(), "auth/domains");
}

int
ks_auth_catalog(struct request *req, char *const args[])
{
    if (!ks_authorize(req, KS_GET_AUTH_CATALOG, NULL, NULL)) {
        return -1;
    }
    return ks_reply_list(req, 0, "catalog", catalog(req), "auth/catalog");
}
