/* The identity API's projects: /v3/projects[/{id}], and /v3/auth/projects (the
 * projects the caller's user has roles on, for a dashboard's project switcher). */
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
project_json(const struct request *req, const struct id_project *p)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:b,s:[],s:{},s:o}", "id", p->id, "name",
                     p->name, "domain_id", KS_DEFAULT_DOMAIN_ID, "description",
                     p->description ? p->description : "", "enabled", p->enabled, "parent_id",
                     KS_DEFAULT_DOMAIN_ID, "is_domain", 0, "tags", "options", "links",
                     ks_links_self(req, "projects", p->id));
}

int
ks_list_project(const struct id_project *p, void *aux)
{
    struct ks_list *l = aux;

    json_array_append_new(l->items, project_json(l->req, p));
    return 0;
}

int
ks_project_lookup(struct request *req, struct store_conn *c, const char *id,
                  struct id_project *ret)
{
    return ks_lookup_result(req, store_id_project_get(c, id, ret), "project", id);
}

int
ks_auth_projects(struct request *req, char *const args[])
{
    struct ks_list l = { req, NULL };
    struct ks_caller caller;
    struct store_conn *c = ks_authorize(req, KS_GET_AUTH_PROJECTS, NULL, &caller);

    if (!c) {
        return -1;
    }
    l.items = json_array();
    return ks_reply_list(req, store_id_projects_of_user(c, caller.auth.token.user_id,
                                                        ks_list_project, &l),
                         "projects", l.items, "auth/projects");
}

int
ks_projects_list(struct request *req, char *const args[])
{
    struct ks_list l = { req, NULL };
    struct store_conn *c = ks_authorize(req, KS_LIST_PROJECTS, NULL, NULL);
    int r = 0;

    if (!c) {
        return -1;
    }
    l.items = json_array();
    if (!ks_foreign_domain_filter(req)) {
        r = store_id_project_foreach(c, request_param(req, "name"), ks_list_project, &l);
    }
    return ks_reply_list(req, r, "projects", l.items, "projects");
}

int
ks_project_create(struct request *req, char *const args[])
{
    struct id_project p = { .enabled = true };
    const char *name, *desc;
    struct store_conn *c;
    json_t *e = NULL;
    int r;

    if (!(c = ks_authorize_write(req, KS_CREATE_PROJECT, NULL, "project", &e))) {
        return -1;
    }
    if (ks_string_field(req, e, "name", true, 64, &name)
        || ks_string_field(req, e, "description", false, 65535, &desc)
        || ks_bool_field(req, e, "enabled", &p.enabled) || ks_check_domain_field(req, e)) {
        json_decref(e);
        return -1;
    }
    identity_new_id(p.id);
    p.name = (char *) name;
    p.description = (char *) (desc ? desc : "");
    r = store_begin(c);
    r = r ? r : store_id_project_insert(c, &p);
    r = ks_answer_saved(req, store_end(c, r), 201, "project", project_json(req, &p),
                        "Conflict occurred attempting to store project - it is not permitted"
                        " to have two projects with the same name in the same domain: name is"
                        " %.64s.", name);
    json_decref(e);
    return r;
}

int
ks_project_show(struct request *req, char *const args[])
{
    struct store_conn *c = ks_authorize(req, KS_GET_PROJECT, args[0], NULL);
    struct id_project p;

    if (!c || ks_project_lookup(req, c, args[0], &p)) {
        return -1;
    }
    ks_reply_entity(req, 200, "project", project_json(req, &p));
    id_project_done(&p);
    return 0;
}

int
ks_project_update(struct request *req, char *const args[])
{
    const char *name, *desc;
    struct store_conn *c;
    struct id_project p;
    json_t *e = NULL;
    int r;

    if (!(c = ks_authorize_write(req, KS_UPDATE_PROJECT, NULL, "project", &e))) {
        return -1;
    }
    if (ks_string_field(req, e, "name", false, 64, &name)
        || ks_string_field(req, e, "description", false, 65535, &desc)
        || ks_project_lookup(req, c, args[0], &p)) {
        json_decref(e);
        return -1;
    }
    if (ks_bool_field(req, e, "enabled", &p.enabled)) {
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
    r = ks_answer_saved(req, r, 200, "project", project_json(req, &p),
                        "Conflict occurred attempting to store project - name %.64s is taken.",
                        p.name);
    id_project_done(&p);
    json_decref(e);
    return r;
}

int
ks_project_delete(struct request *req, char *const args[])
{
    struct store_conn *c = ks_authorize(req, KS_DELETE_PROJECT, NULL, NULL);

    return c ? ks_delete(req, c, store_id_project_delete, "project", args[0]) : -1;
}
