/* The identity API's users: /v3/users[/{id}], a user's projects, and a user changing
 * its own password.  Changing a password or disabling a user revokes its tokens, as
 * in Keystone. */
#include <errno.h>
#include <stdlib.h>

#include "app.h"
#include "identity.h"
#include "keystone_api.h"
#include "ks_common.h"
#include "ks_entities.h"
#include "ks_policy.h"
#include "password.h"
#include "request.h"
#include "util.h"

#define USER_CONFLICT "Conflict occurred attempting to store user - Duplicate entry found" \
                      " with name %.64s at domain ID default."

static json_t *
user_json(const struct request *req, const struct id_user *u)
{
    json_t *j = json_pack("{s:s,s:s,s:s,s:b,s:n,s:{},s:o}", "id", u->id, "name", u->name,
                          "domain_id", KS_DEFAULT_DOMAIN_ID, "enabled", u->enabled,
                          "password_expires_at", "options", "links",
                          ks_links_self(req, "users", u->id));

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
list_user(const struct id_user *u, void *aux)
{
    struct ks_list *l = aux;

    json_array_append_new(l->items, user_json(l->req, u));
    return 0;
}

int
ks_user_lookup(struct request *req, struct store_conn *c, const char *id, struct id_user *ret)
{
    return ks_lookup_result(req, store_id_user_get(c, id, ret), "user", id);
}

int
ks_users_list(struct request *req, char *const args[])
{
    struct ks_list l = { req, NULL };
    struct store_conn *c = ks_authorize(req, KS_LIST_USERS, NULL, NULL);
    int r = 0;

    if (!c) {
        return -1;
    }
    l.items = json_array();
    if (!ks_foreign_domain_filter(req)) {
        r = store_id_user_foreach(c, request_param(req, "name"), list_user, &l);
    }
    return ks_reply_list(req, r, "users", l.items, "users");
}

/* Answers 400 as Keystone does when 'password' misses [security_compliance]
 * password_regex.  Returns 0, or -1 after answering. */
static int
check_password_policy(struct request *req, const char *password)
{
    const char *why = identity_password_refusal(req->app->identity, password);

    return why ? ks_fail(req, 400, "The password does not meet the requirements: %s.", why) : 0;
}

/* Reads the fields of a user body into 'u' (strings copied) and checks them; a new
 * password, checked against the policy but not yet hashed, is left in 'ret_password'
 * (borrowed from 'e'; NULL when the body has none).  Returns 0, or -1 after
 * answering. */
static int
user_fields(struct request *req, struct store_conn *c, const json_t *e, bool create,
            struct id_user *u, const char **ret_password)
{
    const char *name, *password, *project, *email, *desc;

    if (ks_string_field(req, e, "name", create, 255, &name)
        || ks_string_field(req, e, "password", false, PASSWORD_MAX_LEN, &password)
        || ks_string_field(req, e, "default_project_id", false, 64, &project)
        || ks_string_field(req, e, "email", false, 255, &email)
        || ks_string_field(req, e, "description", false, 65535, &desc)
        || ks_bool_field(req, e, "enabled", &u->enabled) || ks_check_domain_field(req, e)) {
        return -1;
    }
    if (password && check_password_policy(req, password)) {
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

/* Hashes 'password' into u->password_hash.  Returns 0, or -1 after answering. */
static int
user_set_password(struct request *req, struct id_user *u, const char *password)
{
    char hash[PASSWORD_HASH_MAX];

    if (password_hash(password, hash)) {
        return ks_internal(req, -ENOMEM);
    }
    free(u->password_hash);
    u->password_hash = xstrdup(hash);
    return 0;
}

/* Takes a body's new password (NULL: none) into 'u'.  Hashing runs on the worker pool:
 * on the HTTP thread this returns 1 and the handler returns at once, to be dispatched
 * again there.  Else 0, or -1 after answering. */
static int
user_take_password(struct request *req, struct id_user *u, const char *password)
{
    if (!password) {
        return 0;
    }
    return request_defer(req) ? 1 : user_set_password(req, u, password);
}

int
ks_user_create(struct request *req, char *const args[])
{
    struct id_user u = { .enabled = true };
    const char *password;
    struct store_conn *c;
    json_t *e = NULL;
    int r;

    if (!(c = ks_authorize_write(req, KS_CREATE_USER, NULL, "user", &e))) {
        return -1;
    }
    r = user_fields(req, c, e, true, &u, &password);
    r = r ? r : user_take_password(req, &u, password);
    if (r) {
        id_user_done(&u);
        json_decref(e);
        return r < 0 ? -1 : 0;
    }
    identity_new_id(u.id);
    r = store_begin(c);
    r = r ? r : store_id_user_insert(c, &u);
    r = ks_answer_saved(req, store_end(c, r), 201, "user", user_json(req, &u), USER_CONFLICT,
                        u.name);
    id_user_done(&u);
    json_decref(e);
    return r;
}

int
ks_user_show(struct request *req, char *const args[])
{
    struct store_conn *c = ks_authorize(req, KS_GET_USER, args[0], NULL);
    struct id_user u;

    if (!c || ks_user_lookup(req, c, args[0], &u)) {
        return -1;
    }
    ks_reply_entity(req, 200, "user", user_json(req, &u));
    id_user_done(&u);
    return 0;
}

int
ks_user_update(struct request *req, char *const args[])
{
    const char *password;
    struct store_conn *c;
    struct id_user u;
    bool was_enabled;
    json_t *e = NULL;
    int r;

    if (!(c = ks_authorize_write(req, KS_UPDATE_USER, NULL, "user", &e))) {
        return -1;
    }
    if (ks_user_lookup(req, c, args[0], &u)) {
        json_decref(e);
        return -1;
    }
    was_enabled = u.enabled;
    r = user_fields(req, c, e, false, &u, &password);
    r = r ? r : user_take_password(req, &u, password);
    if (r) {
        id_user_done(&u);
        json_decref(e);
        return r < 0 ? -1 : 0;
    }
    r = store_begin(c);
    r = r ? r : store_id_user_update(c, &u);
    if (!r && (password || (was_enabled && !u.enabled))) {
        r = store_id_token_delete_user(c, u.id);  /* As Keystone: such changes revoke. */
    }
    r = store_end(c, r);
    identity_changed(req->app->identity);
    r = ks_answer_saved(req, r, 200, "user", user_json(req, &u), USER_CONFLICT, u.name);
    id_user_done(&u);
    json_decref(e);
    return r;
}

int
ks_user_delete(struct request *req, char *const args[])
{
    struct store_conn *c = ks_authorize(req, KS_DELETE_USER, NULL, NULL);

    return c ? ks_delete(req, c, store_id_user_delete, "user", args[0]) : -1;
}

int
ks_user_projects(struct request *req, char *const args[])
{
    struct ks_list l = { req, NULL };
    struct store_conn *c = ks_authorize(req, KS_LIST_USER_PROJECTS, args[0], NULL);
    struct id_user u;
    char *path;
    int r;

    if (!c || ks_user_lookup(req, c, args[0], &u)) {
        return -1;
    }
    id_user_done(&u);
    l.items = json_array();
    path = xasprintf("users/%s/projects", args[0]);
    r = ks_reply_list(req, store_id_projects_of_user(c, args[0], ks_list_project, &l),
                      "projects", l.items, path);
    free(path);
    return r;
}

/* POST /v3/users/{id}/password: a user changes its own password. */
int
ks_user_password(struct request *req, char *const args[])
{
    char uid[IDENTITY_ID_LEN];
    const char *original, *password;
    struct store_conn *c;
    struct id_user u;
    json_t *e = NULL;
    int r;

    if (!(c = ks_authorize_write(req, KS_CHANGE_PASSWORD, args[0], "user", &e))) {
        return -1;
    }
    if (ks_string_field(req, e, "original_password", true, PASSWORD_MAX_LEN, &original)
        || ks_string_field(req, e, "password", true, PASSWORD_MAX_LEN, &password)) {
        json_decref(e);
        return -1;
    }
    /* Two hashes: both on the worker pool, where this request is dispatched again. */
    if (request_defer(req)) {
        json_decref(e);
        return 0;
    }
    r = identity_check_password(req->app->identity, c, args[0], NULL, original, uid);
    if (r) {
        json_decref(e);
        return r == -EACCES ? ks_unauthorized(req) : ks_internal(req, r);
    }
    /* As Keystone: the original password is checked first, then the new one's form. */
    if (check_password_policy(req, password) || ks_user_lookup(req, c, args[0], &u)) {
        json_decref(e);
        return -1;
    }
    r = user_set_password(req, &u, password);
    json_decref(e);
    if (!r) {
        r = store_begin(c);
        r = r ? r : store_id_user_update(c, &u);
        r = r ? r : store_id_token_delete_user(c, u.id);
        r = store_end(c, r);
    }
    id_user_done(&u);
    identity_changed(req->app->identity);
    if (r) {
        return req->status ? -1 : ks_internal(req, r);
    }
    ks_reply(req, 204, NULL);
    return 0;
}
