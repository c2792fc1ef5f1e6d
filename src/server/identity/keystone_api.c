/* The Keystone v3 subset over HTTP (see keystone_api.h): what keystoneauth (the
 * `openstack` CLI, openstacksdk, tempest) and Horizon-style dashboards call.  Answers
 * have Keystone's shapes: {"error": {"code", "message", "title"}} for failures,
 * "links" with "self" on every entity, X-Subject-Token for tokens, Vary on all. */
#include "keystone_api.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "config.h"
#include "identity.h"
#include "log.h"
#include "password.h"
#include "request.h"
#include "util.h"

LOG_MODULE("identity");

#define DEFAULT_DOMAIN_ID "default"
#define DEFAULT_DOMAIN_NAME "Default"
#define VERSION_ID "v3.14"
#define VERSION_UPDATED "2020-04-07T00:00:00Z"

/* --- Answers --------------------------------------------------------------------- */

/* "scheme://host[:port]" clients reach us at: [identity] public_endpoint or the
 * request's Host.  Owned. */
static char *
public_base(const struct request *req)
{
    const char *pe = req->app->cfg->public_endpoint;

    if (pe && *pe) {
        size_t n = strlen(pe);
        while (n && pe[n - 1] == '/') {
            n--;
        }
        return xstrndup(pe, n);
    }
    return xstrdup(req->base_url);
}

/* The identity API's root as this request reached it, e.g. "http://h:9696/identity". */
static char *
api_root(const struct request *req)
{
    char *base = public_base(req);
    char *root = xasprintf("%s%s", base, req->api_prefix);

    free(base);
    return root;
}

static void
ks_reply(struct request *req, int status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

    req->status = status;
    buf_clear(&req->response);
    if (text) {
        buf_add_str(&req->response, text);
        free(text);
    }
    json_decref(body);
    request_add_header(req, "Vary", "X-Auth-Token");
}

static const char *
status_title(int code)
{
    switch (code) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Request Entity Too Large";
    default: return "Internal Server Error";
    }
}

int
ks_fail(struct request *req, int code, const char *fmt, ...)
{
    char message[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    ks_reply(req, code, json_pack("{s:{s:i,s:s,s:s}}", "error", "code", code, "message", message,
                                  "title", status_title(code)));
    if (code == 401) {
        char *root = api_root(req);
        request_add_header(req, "WWW-Authenticate", "Keystone uri=\"%s/v3\"", root);
        free(root);
    }
    return -1;
}

static int
ks_unauthorized(struct request *req)
{
    return ks_fail(req, 401, "The request you have made requires authentication.");
}

static int
ks_forbidden(struct request *req, const char *action)
{
    return ks_fail(req, 403, "You are not authorized to perform the requested action:"
                             " identity:%s.", action);
}

static int
ks_internal(struct request *req, int r)
{
    log_err("identity request failed: %s", strerror(-r));
    return ks_fail(req, 500, "An unexpected error prevented the server from fulfilling your"
                             " request.");
}

static json_t *
links_self(const struct request *req, const char *collection, const char *id)
{
    char *root = api_root(req);
    json_t *links = json_object();

    json_object_set_new(links, "self", json_sprintf("%s/v3/%s/%s", root, collection, id));
    free(root);
    return links;
}

static json_t *
collection_links(const struct request *req, const char *path)
{
    char *root = api_root(req);
    json_t *links = json_pack("{s:n,s:n}", "next", "previous");

    json_object_set_new(links, "self", json_sprintf("%s/v3/%s", root, path));
    free(root);
    return links;
}

static void
format_time(int64_t t, char out[32])
{
    time_t tt = (time_t) t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000000Z", &tm);
}

/* --- Who is calling -------------------------------------------------------------- */

struct caller {
    struct id_auth auth;
    bool is_admin;
};

/* Validates the caller's X-Auth-Token; answers 401 and returns -1 if it is not valid. */
static int
ks_caller(struct request *req, struct store_conn *c, struct caller *ret)
{
    int r;

    if (!req->auth_token || !*req->auth_token) {
        return ks_unauthorized(req);
    }
    r = identity_validate(req->app->identity, c, req->auth_token, &ret->auth);
    if (r) {
        return r == -ENOENT ? ks_unauthorized(req) : ks_internal(req, r);
    }
    ret->is_admin = ret->auth.role_bits & ROLE_ADMIN;
    return 0;
}

/* The caller, who must be an admin for 'action'. */
static int
ks_admin(struct request *req, struct store_conn *c, const char *action, struct caller *ret)
{
    if (ks_caller(req, c, ret)) {
        return -1;
    }
    return ret->is_admin ? 0 : ks_forbidden(req, action);
}

/* Answers a lookup's failure: 404 "Could not find <kind>: <id>." or 500. */
static int
lookup_result(struct request *req, int r, const char *kind, const char *id)
{
    if (r == -ENOENT) {
        return ks_fail(req, 404, "Could not find %s: %.64s.", kind, id);
    }
    return r ? ks_internal(req, r) : 0;
}

/* Answers the end of a delete: 204, or 404/500 (after forgetting cached
 * validations, which the delete may have changed). */
static int
answer_delete(struct request *req, int r, const char *kind, const char *id)
{
    identity_changed(req->app->identity);
    if (r) {
        return lookup_result(req, r, kind, id);
    }
    ks_reply(req, 204, NULL);
    return 0;
}

static struct store_conn *
ks_conn(struct request *req)
{
    struct store_conn *c = store_conn(req->app->store);

    if (!c) {
        ks_internal(req, -EIO);
    }
    return c;
}

/* --- Version discovery ----------------------------------------------------------- */

static json_t *
version_object(const struct request *req)
{
    char *root = api_root(req);
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
    char *root = api_root(req);

    ks_reply(req, 300, json_pack("{s:{s:[o]}}", "versions", "values", version_object(req)));
    request_add_header(req, "Location", "%s/v3/", root);
    free(root);
    return 0;
}

int
ks_version(struct request *req, char *const args[])
{
    ks_reply(req, 200, json_pack("{s:o}", "version", version_object(req)));
    return 0;
}

/* --- Tokens ---------------------------------------------------------------------- */

static json_t *
domain_ref(void)
{
    return json_pack("{s:s,s:s}", "id", DEFAULT_DOMAIN_ID, "name", DEFAULT_DOMAIN_NAME);
}

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
    char *base = public_base(req);
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

    format_time(a->token.issued_at, issued);
    format_time(a->token.expires_at, expires);
    audit = json_pack("[s]", a->token.audit_id);
    if (a->token.parent_audit_id[0]) {
        json_array_append_new(audit, json_string(a->token.parent_audit_id));
    }
    t = json_pack("{s:o,s:{s:o,s:s,s:s,s:n},s:o,s:s,s:s}",
                  "methods", json_loads(a->token.methods, 0, NULL),
                  "user", "domain", domain_ref(), "id", a->token.user_id, "name", a->user_name,
                  "password_expires_at", "audit_ids", audit, "expires_at", expires,
                  "issued_at", issued);
    if (a->token.project_id[0]) {
        roles = json_array();
        for (size_t i = 0; i < a->n_roles; i++) {
            json_array_append_new(roles, json_pack("{s:s,s:s}", "id", a->roles[i].id, "name",
                                                   a->roles[i].name));
        }
        json_object_set_new(t, "project", json_pack("{s:o,s:s,s:s}", "domain", domain_ref(),
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
    return (!id || STREQ(id, DEFAULT_DOMAIN_ID)) && (!name || STREQ(name, DEFAULT_DOMAIN_NAME));
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
        return ks_fail(req, 400, "Expecting to find id or name in user. The server could not"
                                 " comply with the request since it is either malformed or"
                                 " otherwise incorrect. The client is assumed to be in error.");
    }
    if (!uid && !json_object_get(user, "domain")) {
        return ks_fail(req, 400, "Expecting to find domain in user. The server could not comply"
                                 " with the request since it is either malformed or otherwise"
                                 " incorrect. The client is assumed to be in error.");
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
    struct store_conn *c = ks_conn(req);
    char user_id[IDENTITY_ID_LEN], project_id[IDENTITY_ID_LEN] = "";
    char text[TOKEN_TEXT_LEN + 1];
    const json_t *auth, *identity, *methods, *scope;
    struct id_auth parent_auth, a;
    const struct id_token *parent = NULL;
    const char *method_json = NULL;
    json_t *body;
    int r;

    if (!c) {
        return -1;
    }
    body = json_loadb(req->body.data ? (const char *) req->body.data : "", req->body.len, 0, NULL);
    if (!body) {
        return ks_fail(req, 400, "Expecting to find valid JSON in request body. The server could"
                                 " not comply with the request since it is either malformed or"
                                 " otherwise incorrect. The client is assumed to be in error.");
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
            return ks_fail(req, 400, "Expecting to find id or name and domain in project. The"
                                     " server could not comply with the request since it is"
                                     " either malformed or otherwise incorrect. The client is"
                                     " assumed to be in error.");
        }
    } else if (json_is_object(scope)) {
        json_decref(body);
        return ks_fail(req, 400, "Only project scope is supported by this identity service.");
    } else if (scope && !(json_is_string(scope) && STREQ(json_string_value(scope), "unscoped"))) {
        json_decref(body);
        return ks_fail(req, 400, "Invalid input for field 'scope'.");
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
 * may check any token, anyone else only its own. */
static int
subject_token(struct request *req, struct store_conn *c, struct id_auth *ret)
{
    struct caller caller;
    int r;

    if (ks_caller(req, c, &caller)) {
        return -1;
    }
    if (!req->subject_token) {
        return ks_fail(req, 404, "Could not find token.");
    }
    r = identity_validate(req->app->identity, c, req->subject_token, ret);
    if (r) {
        return r == -ENOENT ? ks_fail(req, 404, "Could not find token: the token is unknown,"
                                                " expired or revoked.")
                            : ks_internal(req, r);
    }
    if (!caller.is_admin && !(caller.auth.role_bits & ROLE_SERVICE)
        && !STREQ(caller.auth.token.user_id, ret->token.user_id)) {
        return ks_forbidden(req, "validate_token");
    }
    return 0;
}

int
ks_token_validate(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct id_auth a;

    if (!c || subject_token(req, c, &a)) {
        return -1;
    }
    ks_reply(req, 200, token_body(req, &a, !no_catalog(req)));
    request_add_header(req, "X-Subject-Token", "%s", req->subject_token);
    return 0;
}

int
ks_token_check(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct id_auth a;

    if (!c || subject_token(req, c, &a)) {
        return -1;
    }
    ks_reply(req, 200, NULL);
    return 0;
}

int
ks_token_revoke(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct id_auth a;
    int r;

    if (!c || subject_token(req, c, &a)) {
        return -1;
    }
    r = identity_revoke(req->app->identity, c, req->subject_token);
    if (r && r != -ENOENT) {
        return ks_internal(req, r);
    }
    ks_reply(req, 204, NULL);
    return 0;
}

/* --- Projects -------------------------------------------------------------------- */

static json_t *
project_json(const struct request *req, const struct id_project *p)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:b,s:[],s:{},s:o}", "id", p->id, "name",
                     p->name, "domain_id", DEFAULT_DOMAIN_ID, "description",
                     p->description ? p->description : "", "enabled", p->enabled, "parent_id",
                     DEFAULT_DOMAIN_ID, "is_domain", 0, "tags", "options", "links",
                     links_self(req, "projects", p->id));
}

struct json_list {
    const struct request *req;
    json_t *items;
};

static int
add_project(const struct id_project *p, void *aux)
{
    struct json_list *l = aux;

    json_array_append_new(l->items, project_json(l->req, p));
    return 0;
}

static int
reply_projects(struct request *req, json_t *items, const char *path)
{
    ks_reply(req, 200, json_pack("{s:o,s:o}", "projects", items, "links",
                                 collection_links(req, path)));
    return 0;
}

/* Projects the caller's user has roles on (the dashboard's project switcher). */
int
ks_auth_projects(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct json_list l = { req, NULL };
    struct caller caller;
    int r;

    if (!c || ks_caller(req, c, &caller)) {
        return -1;
    }
    l.items = json_array();
    r = store_id_projects_of_user(c, caller.auth.token.user_id, add_project, &l);
    if (r) {
        json_decref(l.items);
        return ks_internal(req, r);
    }
    return reply_projects(req, l.items, "auth/projects");
}

int
ks_auth_domains(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct caller caller;

    if (!c || ks_caller(req, c, &caller)) {
        return -1;
    }
    /* Keystone lists domains with a role assignment: projects' roles give none. */
    ks_reply(req, 200, json_pack("{s:[],s:o}", "domains", "links",
                                 collection_links(req, "auth/domains")));
    return 0;
}

int
ks_auth_catalog(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct caller caller;

    if (!c || ks_caller(req, c, &caller)) {
        return -1;
    }
    ks_reply(req, 200, json_pack("{s:o,s:o}", "catalog", catalog(req), "links",
                                 collection_links(req, "auth/catalog")));
    return 0;
}

/* A filter naming a domain other than the default one matches nothing. */
static bool
foreign_domain_filter(const struct request *req)
{
    const char *d = request_param(req, "domain_id");

    return d && !STREQ(d, DEFAULT_DOMAIN_ID);
}

int
ks_projects_list(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct json_list l = { req, NULL };
    struct caller caller;
    int r = 0;

    if (!c || ks_admin(req, c, "list_projects", &caller)) {
        return -1;
    }
    l.items = json_array();
    if (!foreign_domain_filter(req)) {
        r = store_id_project_foreach(c, request_param(req, "name"), add_project, &l);
    }
    if (r) {
        json_decref(l.items);
        return ks_internal(req, r);
    }
    return reply_projects(req, l.items, "projects");
}

/* Reads the JSON body's object 'key' ({"project": {...}}); answers 400 if absent. */
static json_t *
entity_body(struct request *req, const char *key)
{
    json_t *body = json_loadb(req->body.data ? (const char *) req->body.data : "", req->body.len,
                              0, NULL);
    json_t *e = json_object_get(body, key);

    if (!body) {
        ks_fail(req, 400, "Expecting to find valid JSON in request body. The server could not"
                          " comply with the request since it is either malformed or otherwise"
                          " incorrect. The client is assumed to be in error.");
        return NULL;
    }
    if (!json_is_object(e)) {
        json_decref(body);
        ks_fail(req, 400, "'%s' is a required property", key);
        return NULL;
    }
    json_incref(e);
    json_decref(body);
    return e;
}

/* Validates the string field 'key' of 'e': NULL when absent (unless required). */
static int
string_field(struct request *req, const json_t *e, const char *key, bool required,
             size_t max_len, const char **ret)
{
    const json_t *v = json_object_get(e, key);

    *ret = NULL;
    if (!v || json_is_null(v)) {
        return required ? ks_fail(req, 400, "'%s' is a required property", key) : 0;
    }
    if (!json_is_string(v)) {
        return ks_fail(req, 400, "Invalid input for field '%s': not a string.", key);
    }
    if (json_string_length(v) > max_len || (required && json_string_length(v) == 0)
        || strlen(json_string_value(v)) != json_string_length(v)) {
        return ks_fail(req, 400, "Invalid input for field '%s': length must be %s%zu"
                                 " characters.", key, required ? "1 to " : "at most ", max_len);
    }
    *ret = json_string_value(v);
    return 0;
}

static int
bool_field(struct request *req, const json_t *e, const char *key, bool *value)
{
    const json_t *v = json_object_get(e, key);

    if (!v) {
        return 0;
    }
    if (!json_is_boolean(v)) {
        return ks_fail(req, 400, "Invalid input for field '%s': not a boolean.", key);
    }
    *value = json_is_true(v);
    return 0;
}

static int
check_domain_field(struct request *req, const json_t *e)
{
    const char *d;

    if (string_field(req, e, "domain_id", false, 64, &d)) {
        return -1;
    }
    if (d && !STREQ(d, DEFAULT_DOMAIN_ID)) {
        return ks_fail(req, 400, "Only the default domain exists here; domain_id must be"
                                 " \"default\".");
    }
    return 0;
}

int
ks_project_create(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct id_project p = { .enabled = true };
    const char *name, *desc;
    struct caller caller;
    json_t *e;
    int r;

    if (!c || ks_admin(req, c, "create_project", &caller) || !(e = entity_body(req, "project"))) {
        return -1;
    }
    if (string_field(req, e, "name", true, 64, &name)
        || string_field(req, e, "description", false, 65535, &desc)
        || bool_field(req, e, "enabled", &p.enabled) || check_domain_field(req, e)) {
        json_decref(e);
        return -1;
    }
    identity_new_id(p.id);
    p.name = (char *) name;
    p.description = (char *) (desc ? desc : "");
    r = store_begin(c);
    r = r ? r : store_id_project_insert(c, &p);
    r = store_end(c, r);
    if (r == -EEXIST) {
        r = ks_fail(req, 409, "Conflict occurred attempting to store project - it is not"
                              " permitted to have two projects with the same name in the same"
                              " domain: name is %.64s.", name);
    } else if (r) {
        r = ks_internal(req, r);
    } else {
        ks_reply(req, 201, json_pack("{s:o}", "project", project_json(req, &p)));
    }
    json_decref(e);
    return r;
}

/* Finds a project by id for the /projects/{id}... routes; answers 404 if absent. */
static int
project_lookup(struct request *req, struct store_conn *c, const char *pid, struct id_project *p)
{
    return lookup_result(req, store_id_project_get(c, pid, p), "project", pid);
}

int
ks_project_show(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct caller caller;
    struct id_project p;

    if (!c || ks_caller(req, c, &caller)) {
        return -1;
    }
    if (!caller.is_admin && !STREQ(caller.auth.token.project_id, args[0])) {
        return ks_forbidden(req, "get_project");
    }
    if (project_lookup(req, c, args[0], &p)) {
        return -1;
    }
    ks_reply(req, 200, json_pack("{s:o}", "project", project_json(req, &p)));
    id_project_done(&p);
    return 0;
}

int
ks_project_update(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    const char *name, *desc;
    struct caller caller;
    struct id_project p;
    json_t *e;
    int r;

    if (!c || ks_admin(req, c, "update_project", &caller) || !(e = entity_body(req, "project"))) {
        return -1;
    }
    if (string_field(req, e, "name", false, 64, &name)
        || string_field(req, e, "description", false, 65535, &desc)
        || project_lookup(req, c, args[0], &p)) {
        json_decref(e);
        return -1;
    }
    if (bool_field(req, e, "enabled", &p.enabled)) {
        json_decref(e);
        id_project_done(&p);
        return -1;
    }
    if (name) {
        free(p.name);
        p.name = xstrdup(name);
    }
    if (desc) {
        free(p.description);
        p.description = xstrdup(desc);
    }
    r = store_begin(c);
    r = r ? r : store_id_project_update(c, &p);
    r = store_end(c, r);
    identity_changed(req->app->identity);
    if (r == -EEXIST) {
        r = ks_fail(req, 409, "Conflict occurred attempting to store project - name %.64s is"
                              " taken.", p.name);
    } else if (r) {
        r = ks_internal(req, r);
    } else {
        ks_reply(req, 200, json_pack("{s:o}", "project", project_json(req, &p)));
    }
    id_project_done(&p);
    json_decref(e);
    return r;
}

int
ks_project_delete(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct caller caller;
    int r;

    if (!c || ks_admin(req, c, "delete_project", &caller)) {
        return -1;
    }
    r = store_begin(c);
    r = r ? r : store_id_project_delete(c, args[0]);
    return answer_delete(req, store_end(c, r), "project", args[0]);
}

/* --- Users ----------------------------------------------------------------------- */

static json_t *
user_json(const struct request *req, const struct id_user *u)
{
    json_t *j = json_pack("{s:s,s:s,s:s,s:b,s:n,s:{},s:o}", "id", u->id, "name", u->name,
                          "domain_id", DEFAULT_DOMAIN_ID, "enabled", u->enabled,
                          "password_expires_at", "options", "links",
                          links_self(req, "users", u->id));

    if (u->default_project_id) {
        json_object_set_new(j, "default_project_id", json_string(u->default_project_id));
    }
    if (u->email) {
        json_object_set_new(j, "email", json_string(u->email));
    }
    if (u->description) {
        json_object_set_new(j, "description", json_string(u->description));
    }
    return j;
}

static int
add_user(const struct id_user *u, void *aux)
{
    struct json_list *l = aux;

    json_array_append_new(l->items, user_json(l->req, u));
    return 0;
}

int
ks_users_list(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct json_list l = { req, NULL };
    struct caller caller;
    int r = 0;

    if (!c || ks_admin(req, c, "list_users", &caller)) {
        return -1;
    }
    l.items = json_array();
    if (!foreign_domain_filter(req)) {
        r = store_id_user_foreach(c, request_param(req, "name"), add_user, &l);
    }
    if (r) {
        json_decref(l.items);
        return ks_internal(req, r);
    }
    ks_reply(req, 200, json_pack("{s:o,s:o}", "users", l.items, "links",
                                 collection_links(req, "users")));
    return 0;
}

/* Reads the optional fields of a user body into 'u' (strings borrowed from 'e'). */
static int
user_fields(struct request *req, struct store_conn *c, const json_t *e, bool create,
            struct id_user *u, const char **ret_password)
{
    const char *name, *password, *project, *email, *desc;

    if (string_field(req, e, "name", create, 255, &name)
        || string_field(req, e, "password", false, PASSWORD_MAX_LEN, &password)
        || string_field(req, e, "default_project_id", false, 64, &project)
        || string_field(req, e, "email", false, 255, &email)
        || string_field(req, e, "description", false, 65535, &desc)
        || bool_field(req, e, "enabled", &u->enabled) || check_domain_field(req, e)) {
        return -1;
    }
    if (project) {
        struct id_project p;
        int r = store_id_project_get(c, project, &p);
        if (r) {
            return r == -ENOENT ? ks_fail(req, 400, "Could not find project: %.64s.", project)
                                : ks_internal(req, r);
        }
        id_project_done(&p);
    }
#define SET(field, value)                                                                  \
    if (value) {                                                                           \
        free(u->field);                                                                    \
        u->field = xstrdup(value);                                                         \
    }
    SET(name, name);
    SET(default_project_id, project);
    SET(email, email);
    SET(description, desc);
#undef SET
    *ret_password = password;
    return 0;
}

int
ks_user_create(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    char hash[PASSWORD_HASH_MAX];
    struct id_user u = { .enabled = true };
    const char *password;
    struct caller caller;
    json_t *e;
    int r;

    if (!c || ks_admin(req, c, "create_user", &caller) || !(e = entity_body(req, "user"))) {
        return -1;
    }
    if (user_fields(req, c, e, true, &u, &password)) {
        id_user_done(&u);
        json_decref(e);
        return -1;
    }
    identity_new_id(u.id);
    if (password) {
        if (password_hash(password, hash)) {
            id_user_done(&u);
            json_decref(e);
            return ks_internal(req, -ENOMEM);
        }
        u.password_hash = xstrdup(hash);
    }
    r = store_begin(c);
    r = r ? r : store_id_user_insert(c, &u);
    r = store_end(c, r);
    if (r == -EEXIST) {
        r = ks_fail(req, 409, "Conflict occurred attempting to store user - Duplicate entry"
                              " found with name %.64s at domain ID default.", u.name);
    } else if (r) {
        r = ks_internal(req, r);
    } else {
        ks_reply(req, 201, json_pack("{s:o}", "user", user_json(req, &u)));
    }
    id_user_done(&u);
    json_decref(e);
    return r;
}

static int
user_lookup(struct request *req, struct store_conn *c, const char *uid, struct id_user *u)
{
    return lookup_result(req, store_id_user_get(c, uid, u), "user", uid);
}

int
ks_user_show(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct caller caller;
    struct id_user u;

    if (!c || ks_caller(req, c, &caller)) {
        return -1;
    }
    if (!caller.is_admin && !STREQ(caller.auth.token.user_id, args[0])) {
        return ks_forbidden(req, "get_user");
    }
    if (user_lookup(req, c, args[0], &u)) {
        return -1;
    }
    ks_reply(req, 200, json_pack("{s:o}", "user", user_json(req, &u)));
    id_user_done(&u);
    return 0;
}

int
ks_user_update(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    char hash[PASSWORD_HASH_MAX];
    const char *password;
    struct caller caller;
    struct id_user u;
    bool was_enabled;
    json_t *e;
    int r;

    if (!c || ks_admin(req, c, "update_user", &caller) || !(e = entity_body(req, "user"))) {
        return -1;
    }
    if (user_lookup(req, c, args[0], &u)) {
        json_decref(e);
        return -1;
    }
    was_enabled = u.enabled;
    if (user_fields(req, c, e, false, &u, &password)) {
        id_user_done(&u);
        json_decref(e);
        return -1;
    }
    if (password) {
        if (password_hash(password, hash)) {
            id_user_done(&u);
            json_decref(e);
            return ks_internal(req, -ENOMEM);
        }
        free(u.password_hash);
        u.password_hash = xstrdup(hash);
    }
    r = store_begin(c);
    r = r ? r : store_id_user_update(c, &u);
    if (!r && (password || (was_enabled && !u.enabled))) {
        r = store_id_token_delete_user(c, u.id);  /* As Keystone: such changes revoke. */
    }
    r = store_end(c, r);
    identity_changed(req->app->identity);
    if (r == -EEXIST) {
        r = ks_fail(req, 409, "Conflict occurred attempting to store user - Duplicate entry"
                              " found with name %.64s at domain ID default.", u.name);
    } else if (r) {
        r = ks_internal(req, r);
    } else {
        ks_reply(req, 200, json_pack("{s:o}", "user", user_json(req, &u)));
    }
    id_user_done(&u);
    json_decref(e);
    return r;
}

int
ks_user_delete(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct caller caller;
    int r;

    if (!c || ks_admin(req, c, "delete_user", &caller)) {
        return -1;
    }
    r = store_begin(c);
    r = r ? r : store_id_user_delete(c, args[0]);
    return answer_delete(req, store_end(c, r), "user", args[0]);
}

int
ks_user_projects(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct json_list l = { req, NULL };
    struct caller caller;
    struct id_user u;
    char *path;
    int r;

    if (!c || ks_caller(req, c, &caller)) {
        return -1;
    }
    if (!caller.is_admin && !STREQ(caller.auth.token.user_id, args[0])) {
        return ks_forbidden(req, "list_user_projects");
    }
    if (user_lookup(req, c, args[0], &u)) {
        return -1;
    }
    id_user_done(&u);
    l.items = json_array();
    r = store_id_projects_of_user(c, args[0], add_project, &l);
    if (r) {
        json_decref(l.items);
        return ks_internal(req, r);
    }
    path = xasprintf("users/%s/projects", args[0]);
    reply_projects(req, l.items, path);
    free(path);
    return 0;
}

/* POST /v3/users/{id}/password: a user changes its own password. */
int
ks_user_password(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    char hash[PASSWORD_HASH_MAX], uid[IDENTITY_ID_LEN];
    const char *original, *password;
    struct caller caller;
    struct id_user u;
    json_t *e;
    int r;

    if (!c || ks_caller(req, c, &caller)) {
        return -1;
    }
    if (!STREQ(caller.auth.token.user_id, args[0])) {
        return ks_forbidden(req, "change_password");
    }
    if (!(e = entity_body(req, "user"))) {
        return -1;
    }
    if (string_field(req, e, "original_password", true, PASSWORD_MAX_LEN, &original)
        || string_field(req, e, "password", true, PASSWORD_MAX_LEN, &password)) {
        json_decref(e);
        return -1;
    }
    r = identity_check_password(req->app->identity, c, args[0], NULL, original, uid);
    if (r) {
        json_decref(e);
        return r == -EACCES ? ks_unauthorized(req) : ks_internal(req, r);
    }
    if (user_lookup(req, c, args[0], &u)) {
        json_decref(e);
        return -1;
    }
    r = password_hash(password, hash) ? -ENOMEM : 0;
    json_decref(e);
    if (!r) {
        free(u.password_hash);
        u.password_hash = xstrdup(hash);
        r = store_begin(c);
        r = r ? r : store_id_user_update(c, &u);
        r = r ? r : store_id_token_delete_user(c, u.id);
        r = store_end(c, r);
    }
    id_user_done(&u);
    identity_changed(req->app->identity);
    if (r) {
        return ks_internal(req, r);
    }
    ks_reply(req, 204, NULL);
    return 0;
}

/* --- Roles and assignments ------------------------------------------------------- */

static json_t *
role_json(const struct request *req, const struct id_role *r)
{
    return json_pack("{s:s,s:s,s:n,s:s?,s:{},s:o}", "id", r->id, "name", r->name, "domain_id",
                     "description", r->description, "options", "links",
                     links_self(req, "roles", r->id));
}

static int
add_role(const struct id_role *r, void *aux)
{
    struct json_list *l = aux;

    json_array_append_new(l->items, role_json(l->req, r));
    return 0;
}

int
ks_roles_list(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct json_list l = { req, NULL };
    struct caller caller;
    int r;

    if (!c || ks_admin(req, c, "list_roles", &caller)) {
        return -1;
    }
    l.items = json_array();
    r = store_id_role_foreach(c, request_param(req, "name"), add_role, &l);
    if (r) {
        json_decref(l.items);
        return ks_internal(req, r);
    }
    ks_reply(req, 200, json_pack("{s:o,s:o}", "roles", l.items, "links",
                                 collection_links(req, "roles")));
    return 0;
}

int
ks_role_create(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct id_role role = { 0 };
    const char *name, *desc;
    struct caller caller;
    json_t *e;
    int r;

    if (!c || ks_admin(req, c, "create_role", &caller) || !(e = entity_body(req, "role"))) {
        return -1;
    }
    if (string_field(req, e, "name", true, 255, &name)
        || string_field(req, e, "description", false, 255, &desc)) {
        json_decref(e);
        return -1;
    }
    identity_new_id(role.id);
    role.name = (char *) name;
    role.description = (char *) desc;
    r = store_begin(c);
    r = r ? r : store_id_role_insert(c, &role);
    r = store_end(c, r);
    if (r == -EEXIST) {
        r = ks_fail(req, 409, "Conflict occurred attempting to store role - Duplicate entry"
                              " found with name %.64s.", name);
    } else if (r) {
        r = ks_internal(req, r);
    } else {
        ks_reply(req, 201, json_pack("{s:o}", "role", role_json(req, &role)));
    }
    json_decref(e);
    return r;
}

static int
role_lookup(struct request *req, struct store_conn *c, const char *rid, struct id_role *role)
{
    return lookup_result(req, store_id_role_get(c, rid, role), "role", rid);
}

int
ks_role_show(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct caller caller;
    struct id_role role;

    if (!c || ks_admin(req, c, "get_role", &caller) || role_lookup(req, c, args[0], &role)) {
        return -1;
    }
    ks_reply(req, 200, json_pack("{s:o}", "role", role_json(req, &role)));
    id_role_done(&role);
    return 0;
}

int
ks_role_delete(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct caller caller;
    struct id_role role;
    int r;

    if (!c || ks_admin(req, c, "delete_role", &caller) || role_lookup(req, c, args[0], &role)) {
        return -1;
    }
    if (STREQ(role.name, "admin") || STREQ(role.name, "member") || STREQ(role.name, "reader")) {
        id_role_done(&role);
        return ks_fail(req, 403, "Role %s is immutable: policy depends on it.", args[0]);
    }
    id_role_done(&role);
    r = store_begin(c);
    r = r ? r : store_id_role_delete(c, args[0]);
    return answer_delete(req, store_end(c, r), "role", args[0]);
}

/* Checks the project, user and role of a grant route exist (404 otherwise). */
static int
grant_targets(struct request *req, struct store_conn *c, char *const args[], bool with_role)
{
    struct id_project p;
    struct id_user u;
    struct id_role role;

    if (project_lookup(req, c, args[0], &p)) {
        return -1;
    }
    id_project_done(&p);
    if (user_lookup(req, c, args[1], &u)) {
        return -1;
    }
    id_user_done(&u);
    if (with_role) {
        if (role_lookup(req, c, args[2], &role)) {
            return -1;
        }
        id_role_done(&role);
    }
    return 0;
}

int
ks_grant_put(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct caller caller;
    int r;

    if (!c || ks_admin(req, c, "create_grant", &caller) || grant_targets(req, c, args, true)) {
        return -1;
    }
    r = store_begin(c);
    r = r ? r : store_id_grant(c, args[0], args[1], args[2]);
    r = store_end(c, r);
    identity_changed(req->app->identity);
    if (r) {
        return ks_internal(req, r);
    }
    ks_reply(req, 204, NULL);
    return 0;
}

int
ks_grant_check(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct caller caller;
    bool exists;
    int r;

    if (!c || ks_admin(req, c, "check_grant", &caller) || grant_targets(req, c, args, true)) {
        return -1;
    }
    r = store_id_grant_exists(c, args[0], args[1], args[2], &exists);
    if (r) {
        return ks_internal(req, r);
    }
    if (!exists) {
        return ks_fail(req, 404, "Could not find role assignment with role: %.64s, user or"
                                 " group: %.64s, project, domain, or system: %.64s.", args[2],
                       args[1], args[0]);
    }
    ks_reply(req, 204, NULL);
    return 0;
}

int
ks_grant_delete(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct caller caller;
    int r;

    if (!c || ks_admin(req, c, "revoke_grant", &caller) || grant_targets(req, c, args, true)) {
        return -1;
    }
    r = store_begin(c);
    r = r ? r : store_id_revoke(c, args[0], args[1], args[2]);
    r = store_end(c, r);
    identity_changed(req->app->identity);
    if (r == -ENOENT) {
        return ks_fail(req, 404, "Could not find role assignment with role: %.64s, user or"
                                 " group: %.64s, project, domain, or system: %.64s.", args[2],
                       args[1], args[0]);
    }
    if (r) {
        return ks_internal(req, r);
    }
    ks_reply(req, 204, NULL);
    return 0;
}

int
ks_grants_list(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct json_list l = { req, NULL };
    struct caller caller;
    char *path;
    int r;

    if (!c || ks_admin(req, c, "list_grants", &caller) || grant_targets(req, c, args, false)) {
        return -1;
    }
    l.items = json_array();
    r = store_id_roles_of(c, args[1], args[0], add_role, &l);
    if (r) {
        json_decref(l.items);
        return ks_internal(req, r);
    }
    path = xasprintf("projects/%s/users/%s/roles", args[0], args[1]);
    ks_reply(req, 200, json_pack("{s:o,s:o}", "roles", l.items, "links",
                                 collection_links(req, path)));
    free(path);
    return 0;
}

struct assignment_list {
    const struct request *req;
    struct store_conn *c;
    bool names;                 /* ?include_names */
    json_t *items;
};

/* Adds "name" (and the domain) to a user, project or role reference. */
static void
add_names(struct assignment_list *l, json_t *user, json_t *project, json_t *role,
          const struct id_assignment *a)
{
    struct id_user u;
    struct id_project p;
    struct id_role r;

    if (!store_id_user_get(l->c, a->user_id, &u)) {
        json_object_set_new(user, "name", json_string(u.name));
        json_object_set_new(user, "domain", domain_ref());
        id_user_done(&u);
    }
    if (!store_id_project_get(l->c, a->project_id, &p)) {
        json_object_set_new(project, "name", json_string(p.name));
        json_object_set_new(project, "domain", domain_ref());
        id_project_done(&p);
    }
    if (!store_id_role_get(l->c, a->role_id, &r)) {
        json_object_set_new(role, "name", json_string(r.name));
        id_role_done(&r);
    }
}

static int
add_assignment(const struct id_assignment *a, void *aux)
{
    struct assignment_list *l = aux;
    char *root = api_root(l->req);
    json_t *user = json_pack("{s:s}", "id", a->user_id);
    json_t *project = json_pack("{s:s}", "id", a->project_id);
    json_t *role = json_pack("{s:s}", "id", a->role_id);

    if (l->names) {
        add_names(l, user, project, role, a);
    }
    json_array_append_new(l->items, json_pack(
        "{s:{s:s++++++},s:{s:o},s:o,s:o}", "links", "assignment", root, "/v3/projects/",
        a->project_id, "/users/", a->user_id, "/roles/", a->role_id, "scope", "project",
        project, "user", user, "role", role));
    free(root);
    return 0;
}

/* GET /v3/role_assignments with the filters the CLI uses. */
int
ks_role_assignments(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct assignment_list l = { req, c, request_param(req, "include_names") != NULL, NULL };
    const char *user = request_param(req, "user.id");
    struct caller caller;
    int r;

    if (!c || ks_caller(req, c, &caller)) {
        return -1;
    }
    /* Anyone may list their own assignments; the rest is for admins. */
    if (!caller.is_admin && !(user && STREQ(user, caller.auth.token.user_id))) {
        return ks_forbidden(req, "list_role_assignments");
    }
    l.items = json_array();
    /* Only project assignments of users exist here. */
    if (!request_param(req, "scope.domain.id") && !request_param(req, "group.id")
        && !request_param(req, "scope.system")) {
        r = store_id_assignment_foreach(c, request_param(req, "scope.project.id"), user,
                                        request_param(req, "role.id"), add_assignment, &l);
        if (r) {
            json_decref(l.items);
            return ks_internal(req, r);
        }
    }
    ks_reply(req, 200, json_pack("{s:o,s:o}", "role_assignments", l.items, "links",
                                 collection_links(req, "role_assignments")));
    return 0;
}

/* --- Domains --------------------------------------------------------------------- */

static json_t *
domain_json(const struct request *req)
{
    return json_pack("{s:s,s:s,s:s,s:b,s:[],s:{},s:o}", "id", DEFAULT_DOMAIN_ID, "name",
                     DEFAULT_DOMAIN_NAME, "description", "The default domain", "enabled", 1,
                     "tags", "options", "links", links_self(req, "domains", DEFAULT_DOMAIN_ID));
}

int
ks_domains_list(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    const char *name = request_param(req, "name");
    struct caller caller;
    json_t *items;

    if (!c || ks_caller(req, c, &caller)) {
        return -1;
    }
    items = json_array();
    if (!name || STREQ(name, DEFAULT_DOMAIN_NAME)) {
        json_array_append_new(items, domain_json(req));
    }
    ks_reply(req, 200, json_pack("{s:o,s:o}", "domains", items, "links",
                                 collection_links(req, "domains")));
    return 0;
}

int
ks_domain_show(struct request *req, char *const args[])
{
    struct store_conn *c = ks_conn(req);
    struct caller caller;

    if (!c || ks_caller(req, c, &caller)) {
        return -1;
    }
    if (!STREQ(args[0], DEFAULT_DOMAIN_ID)) {
        return ks_fail(req, 404, "Could not find domain: %.64s.", args[0]);
    }
    ks_reply(req, 200, json_pack("{s:o}", "domain", domain_json(req)));
    return 0;
}

/* --- The family ------------------------------------------------------------------ */

static void
ks_render_error(struct request *req, int status, const char *message)
{
    if (message) {
        ks_fail(req, status, "%s", message);
    } else if (status == 405) {
        ks_fail(req, status, "The method is not allowed for the requested URL.");
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
