/* The identity API's roles and role assignments: /v3/roles[/{id}], the grants of a
 * role to a user on a project (/v3/projects/{p}/users/{u}/roles[/{r}]) and
 * /v3/role_assignments.  Only project assignments of users exist here: no groups, no
 * domain or system scopes. */
#include <errno.h>
#include <stdlib.h>

#include "app.h"
#include "identity.h"
#include "keystone_api.h"
#include "ks_common.h"
#include "ks_entities.h"
#include "ks_policy.h"
#include "request.h"
#include "util.h"

static json_t *
role_json(const struct request *req, const struct id_role *r)
{
    return json_pack("{s:s,s:s,s:n,s:s?,s:{},s:o}", "id", r->id, "name", r->name, "domain_id",
                     "description", r->description, "options", "links",
                     ks_links_self(req, "roles", r->id));
}

int
ks_list_role(const struct id_role *r, void *aux)
{
    struct ks_list *l = aux;

    json_array_append_new(l->items, role_json(l->req, r));
    return 0;
}

int
ks_role_lookup(struct request *req, struct store_conn *c, const char *id, struct id_role *ret)
{
    return ks_lookup_result(req, store_id_role_get(c, id, ret), "role", id);
}

int
ks_roles_list(struct request *req, char *const args[])
{
    struct ks_list l = { req, NULL };
    struct store_conn *c = ks_authorize(req, KS_LIST_ROLES, NULL, NULL);

    if (!c) {
        return -1;
    }
    l.items = json_array();
    return ks_reply_list(req, store_id_role_foreach(c, request_param(req, "name"),
                                                    ks_list_role, &l),
                         "roles", l.items, "roles");
}

int
ks_role_create(struct request *req, char *const args[])
{
    struct id_role role = { 0 };
    const char *name, *desc;
    struct store_conn *c;
    json_t *e = NULL;
    int r;

    if (!(c = ks_authorize_write(req, KS_CREATE_ROLE, NULL, "role", &e))) {
        return -1;
    }
    if (ks_string_field(req, e, "name", true, 255, &name)
        || ks_string_field(req, e, "description", false, 255, &desc)) {
        json_decref(e);
        return -1;
    }
    identity_new_id(role.id);
    role.name = (char *) name;
    role.description = (char *) desc;
    r = store_begin(c);
    r = r ? r : store_id_role_insert(c, &role);
    r = ks_answer_saved(req, store_end(c, r), 201, "role", role_json(req, &role),
                        "Conflict occurred attempting to store role - Duplicate entry found"
                        " with name %.64s.", name);
    json_decref(e);
    return r;
}

int
ks_role_show(struct request *req, char *const args[])
{
    struct store_conn *c = ks_authorize(req, KS_GET_ROLE, NULL, NULL);
    struct id_role role;

    if (!c || ks_role_lookup(req, c, args[0], &role)) {
        return -1;
    }
    ks_reply_entity(req, 200, "role", role_json(req, &role));
    id_role_done(&role);
    return 0;
}

int
ks_role_delete(struct request *req, char *const args[])
{
    struct store_conn *c = ks_authorize(req, KS_DELETE_ROLE, NULL, NULL);
    struct id_role role;
    bool immutable;

    if (!c || ks_role_lookup(req, c, args[0], &role)) {
        return -1;
    }
    immutable = STREQ(role.name, "admin") || STREQ(role.name, "member")
                || STREQ(role.name, "reader");
    id_role_done(&role);
    if (immutable) {
        return ks_fail(req, 403, "Role %s is immutable: policy depends on it.", args[0]);
    }
    return ks_delete(req, c, store_id_role_delete, "role", args[0]);
}

/* --- Grants: args are the project, the user and (but for the listing) the role --- */

/* An admin's connection, once the grant's project, user and (if 'with_role') role are
 * found to exist.  NULL after answering 401, 403 or 404. */
static struct store_conn *
grant_targets(struct request *req, enum ks_action action, char *const args[], bool with_role)
{
    struct store_conn *c = ks_authorize(req, action, NULL, NULL);
    struct id_project p;
    struct id_user u;
    struct id_role role;

    if (!c || ks_project_lookup(req, c, args[0], &p)) {
        return NULL;
    }
    id_project_done(&p);
    if (ks_user_lookup(req, c, args[1], &u)) {
        return NULL;
    }
    id_user_done(&u);
    if (with_role) {
        if (ks_role_lookup(req, c, args[2], &role)) {
            return NULL;
        }
        id_role_done(&role);
    }
    return c;
}

static int
no_assignment(struct request *req, char *const args[])
{
    return ks_fail(req, 404, "Could not find role assignment with role: %.64s, user or group:"
                             " %.64s, project, domain, or system: %.64s.", args[2], args[1],
                   args[0]);
}

/* Grants (or, with 'grant' false, revokes) the role, and answers 204, 404 or 500. */
static int
change_grant(struct request *req, char *const args[], bool grant)
{
    struct store_conn *c = grant_targets(req, grant ? KS_CREATE_GRANT : KS_REVOKE_GRANT,
                                         args, true);
    int r;

    if (!c) {
        return -1;
    }
    r = store_begin(c);
    if (!r) {
        r = grant ? store_id_grant(c, args[0], args[1], args[2])
                  : store_id_revoke(c, args[0], args[1], args[2]);
    }
    r = store_end(c, r);
    identity_changed(req->app->identity);
    if (r == -ENOENT && !grant) {
        return no_assignment(req, args);
    }
    if (r) {
        return ks_internal(req, r);
    }
    ks_reply(req, 204, NULL);
    return 0;
}

int
ks_grant_put(struct request *req, char *const args[])
{
    return change_grant(req, args, true);
}

int
ks_grant_delete(struct request *req, char *const args[])
{
    return change_grant(req, args, false);
}

int
ks_grant_check(struct request *req, char *const args[])
{
    struct store_conn *c = grant_targets(req, KS_CHECK_GRANT, args, true);
    bool exists;
    int r;

    if (!c) {
        return -1;
    }
    r = store_id_grant_exists(c, args[0], args[1], args[2], &exists);
    if (r) {
        return ks_internal(req, r);
    }
    if (!exists) {
        return no_assignment(req, args);
    }
    ks_reply(req, 204, NULL);
    return 0;
}

int
ks_grants_list(struct request *req, char *const args[])
{
    struct store_conn *c = grant_targets(req, KS_LIST_GRANTS, args, false);
    struct ks_list l = { req, NULL };
    char *path;
    int r;

    if (!c) {
        return -1;
    }
    l.items = json_array();
    path = xasprintf("projects/%s/users/%s/roles", args[0], args[1]);
    r = ks_reply_list(req, store_id_roles_of(c, args[1], args[0], ks_list_role, &l), "roles",
                      l.items, path);
    free(path);
    return r;
}

/* --- /v3/role_assignments -------------------------------------------------------- */

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
        json_object_set_new(user, "domain", ks_domain_ref());
        id_user_done(&u);
    }
    if (!store_id_project_get(l->c, a->project_id, &p)) {
        json_object_set_new(project, "name", json_string(p.name));
        json_object_set_new(project, "domain", ks_domain_ref());
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
    char *root = ks_api_root(l->req);
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
    const char *user = request_param(req, "user.id");
    struct store_conn *c = ks_authorize(req, KS_LIST_ROLE_ASSIGNMENTS, user, NULL);
    struct assignment_list l = { req, c, request_param(req, "include_names") != NULL, NULL };
    int r = 0;

    if (!c) {
        return -1;
    }
    l.items = json_array();
    if (!request_param(req, "scope.domain.id") && !request_param(req, "group.id")
        && !request_param(req, "scope.system")) {
        r = store_id_assignment_foreach(c, request_param(req, "scope.project.id"), user,
                                        request_param(req, "role.id"), add_assignment, &l);
    }
    return ks_reply_list(req, r, "role_assignments", l.items, "role_assignments");
}
