/* Neutron's agent extension: GET/PUT/DELETE /v2.0/agents (docs/behaviour/api.md §11).  Agents are
 * created by their heartbeats (agentapi/), never through this API; only admins see
 * them (a member's list is empty, its show 404). */
#include "agents.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "attrs.h"
#include "common.h"
#include "listing.h"
#include "request.h"
#include "ml2/mech_linuxbridge.h"
#include "core/core.h"
#include "l3/l3_sched.h"
#include "store/store.h"
#include "util.h"

void
agent_render(struct jsonw *w, const struct agent *a, const struct field_set *fs,
             const struct server_config *cfg)
{
    agent_render_ha(w, a, fs, cfg, NULL, false);
}

void
agent_render_ha(struct jsonw *w, const struct agent *a, const struct field_set *fs,
                const struct server_config *cfg, const char *ha_state, bool with_ha_state)
{
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", a->id);
    api_kv_str(w, fs, "agent_type", a->agent_type);
    api_kv_str(w, fs, "binary", a->binary);
    api_kv_str(w, fs, "topic", a->topic);
    api_kv_str(w, fs, "host", a->host);
    api_kv_bool(w, fs, "admin_state_up", a->admin_state_up);
    api_kv_str(w, fs, "created_at", a->created_at);
    api_kv_str(w, fs, "started_at", a->started_at);
    api_kv_str(w, fs, "heartbeat_timestamp", a->heartbeat_timestamp);
    api_kv_str(w, fs, "description", a->description);
    api_kv_bool(w, fs, "alive", agent_is_alive(cfg, a->heartbeat_at));
    api_kv_str(w, fs, "availability_zone", a->availability_zone);
    api_kv_raw(w, fs, "configurations", a->configurations_json ? a->configurations_json : "{}");
    api_kv_raw(w, fs, "resources_synced", "null");
    if (with_ha_state) {
        api_kv_str(w, fs, "ha_state", ha_state);
    }
    jsonw_object_end(w);
}

/* The agent attributes a list may filter on, as Neutron's agent extension declares
 * them; the two booleans are converted as in a body. */
static const char *const agent_filter_keys[] = {
    "id", "agent_type", "binary", "topic", "host", "availability_zone", "description",
    "alive", "admin_state_up",
};
enum { AGENT_FILTER_ALIVE = 7, AGENT_FILTER_ADMIN_STATE_UP = 8 };

static int
agent_filter_index(const char *key)
{
    for (size_t k = 0; k < ARRAY_SIZE(agent_filter_keys); k++) {
        if (STREQ(key, agent_filter_keys[k])) {
            return (int) k;
        }
    }
    return -1;
}

static int
convert_bool_text(const char *v, bool *ret)
{
    json_t *j = json_string(v);
    int r = j ? attr_convert_bool(j, ret) : -EINVAL;

    json_decref(j);
    return r;
}

/* Refuses what Neutron's filter validation refuses (docs/behaviour/api.md §4.1): keys
 * that are not agent filters (all of them in one message), then a boolean filter that
 * cannot be converted.  Returns 0, or -1 after answering. */
static int
agents_check_filters(struct request *req)
{
    struct buf bad = BUF_INITIALIZER;
    size_t n_bad = 0;
    bool b;

    for (size_t i = 0; i < req->n_params; i++) {
        const char *key = req->params[i].key;
        if (!listing_param_never_filters(key) && agent_filter_index(key) < 0) {
            buf_printf(&bad, "%s'%s'", n_bad++ ? ", " : "", key);
        }
    }
    if (n_bad) {
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "[%s] is invalid attribute for filtering",
                 buf_cstr(&bad));
        buf_done(&bad);
        return -1;
    }
    buf_done(&bad);
    for (size_t i = 0; i < req->n_params; i++) {
        int k = agent_filter_index(req->params[i].key);
        const char *v = req->params[i].value;
        if ((k == AGENT_FILTER_ALIVE || k == AGENT_FILTER_ADMIN_STATE_UP)
            && convert_bool_text(v, &b)) {
            return api_fail(req, API_ERR_INVALID_INPUT, "'%s' cannot be converted to boolean",
                            v);
        }
    }
    return 0;
}

struct agent_list {
    struct request *req;
    struct jsonw *w;
    struct field_set *fs;
};

/* True if every filter of the query (repeated keys OR'ed) accepts 'a'. */
static bool
agent_matches(const struct request *req, const struct agent *a, bool alive)
{
    for (size_t k = 0; k < ARRAY_SIZE(agent_filter_keys); k++) {
        bool seen = false, hit = false;
        for (size_t i = 0; i < req->n_params; i++) {
            const char *v = req->params[i].value;
            const char *have = NULL;
            bool b;
            if (!STREQ(req->params[i].key, agent_filter_keys[k])) {
                continue;
            }
            seen = true;
            if (k == AGENT_FILTER_ALIVE || k == AGENT_FILTER_ADMIN_STATE_UP) {
                hit = hit || (convert_bool_text(v, &b) == 0
                              && b == (k == AGENT_FILTER_ALIVE ? alive : a->admin_state_up));
                continue;
            }
            switch (k) {
            case 0: have = a->id; break;
            case 1: have = a->agent_type; break;
            case 2: have = a->binary; break;
            case 3: have = a->topic; break;
            case 4: have = a->host; break;
            case 5: have = a->availability_zone; break;
            default: have = a->description; break;
            }
            hit = hit || (have && STREQ(have, v));
        }
        if (seen && !hit) {
            return false;
        }
    }
    return true;
}

static int
agent_list_row(const struct agent *a, void *aux)
{
    struct agent_list *l = aux;

    if (agent_matches(l->req, a, agent_is_alive(l->req->app->cfg, a->heartbeat_at))) {
        agent_render(l->w, a, l->fs, l->req->app->cfg);
    }
    return 0;
}

int
agents_list(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct field_set fs;
    struct jsonw w;
    struct agent_list l = { req, &w, &fs };
    int r = 0;

    if (!c || agents_check_filters(req)) {
        return -1;
    }
    fields_parse(req, &fs);
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "agents");
    jsonw_array_begin(&w);
    if (req->ctx.is_admin) {
        r = store_agent_foreach(c, agent_list_row, &l);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    fields_done(&fs);
    return r ? api_fail_internal(req, r) : 0;
}

int
agent_lookup(struct request *req, struct store_conn *c, const char *id, struct agent *a)
{
    int r;

    if (!req->ctx.is_admin) {
        return agent_scheduler_not_admin(req);
    }
    r = store_agent_get(c, id, a);
    if (r == -ENOENT) {
        return api_fail(req, API_ERR_AGENT_NOT_FOUND, "Agent %s could not be found.", id);
    }
    return r ? api_fail_internal(req, r) : 0;
}

static void
answer_agent(struct request *req, const struct agent *a)
{
    struct field_set fs;
    struct jsonw w;

    fields_parse(req, &fs);
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "agent");
    agent_render(&w, a, &fs, req->app->cfg);
    jsonw_object_end(&w);
    fields_done(&fs);
}

int
agent_show(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct agent a;

    if (!c || agent_lookup(req, c, args[0], &a)) {
        return -1;
    }
    answer_agent(req, &a);
    agent_done(&a);
    return 0;
}

/* Checks a PUT body: {"agent": {...}} with only admin_state_up and description. */
static json_t *
agent_update_body(struct request *req)
{
    static const char *const read_only[] = {
        "id", "agent_type", "binary", "topic", "host", "alive", "created_at", "started_at",
        "heartbeat_timestamp", "availability_zone", "configurations", "resources_synced",
    };
    json_t *body = json_loadb(req->body.data ? (const char *) req->body.data : "",
                              req->body.len, 0, NULL);
    json_t *item = json_object_get(body, "agent");
    const char *key;
    json_t *v;

    if (!body) {
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Malformed request body");
        return NULL;
    }
    if (!json_is_object(item) || json_object_size(body) != 1) {
        json_decref(body);
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Resource body required");
        return NULL;
    }
    json_object_foreach (item, key, v) {
        bool ro = false;
        for (size_t i = 0; i < ARRAY_SIZE(read_only); i++) {
            ro = ro || STREQ(key, read_only[i]);
        }
        if (ro) {
            api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Cannot update read-only attribute %s", key);
        } else if (STREQ(key, "admin_state_up") && !json_is_boolean(v)) {
            api_fail(req, API_ERR_INVALID_INPUT, "'%s' is not a valid boolean value",
                     json_is_string(v) ? json_string_value(v) : "value");
        } else if (STREQ(key, "description")
                   && !(json_is_null(v) || (json_is_string(v) && json_string_length(v) <= 255))) {
            api_fail(req, API_ERR_INVALID_INPUT, "Invalid input for description. Reason:"
                     " it is not a string of at most 255 characters.");
        } else if (!STREQ(key, "admin_state_up") && !STREQ(key, "description")) {
            api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Unrecognized attribute(s) '%s'", key);
        } else {
            continue;
        }
        json_decref(body);
        return NULL;
    }
    json_incref(item);
    json_decref(body);
    return item;
}

int
agent_update(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    const json_t *desc;
    struct agent a;
    json_t *item;
    bool was_up;
    int r;

    if (!c || agent_lookup(req, c, args[0], &a)) {
        return -1;
    }
    item = agent_update_body(req);
    if (!item) {
        agent_done(&a);
        return -1;
    }
    was_up = a.admin_state_up;
    if (json_object_get(item, "admin_state_up")) {
        a.admin_state_up = json_is_true(json_object_get(item, "admin_state_up"));
    }
    desc = json_object_get(item, "description");
    if (desc) {
        free(a.description);
        a.description = json_is_string(desc) ? xstrdup(json_string_value(desc)) : NULL;
    }
    json_decref(item);
    r = store_begin(c);
    r = r ? r : store_agent_update(c, &a);
    if (!r && was_up != a.admin_state_up) {
        r = l3_agent_admin_changed(c, &a);
    }
    r = store_end(c, r);
    if (r) {
        agent_done(&a);
        return api_fail_internal(req, r);
    }
    answer_agent(req, &a);
    agent_done(&a);
    return 0;
}

int
agent_delete(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct context svc;
    struct agent a;
    struct op op;
    int r;

    if (!c || agent_lookup(req, c, args[0], &a)) {
        return -1;
    }
    context_service(&svc);
    op = (struct op) { req->app, &svc, c, &err };
    r = store_begin(c);
    /* An L3 agent's routers leave it first: their ports unbound, the agent told. */
    if (!r && l3_agent_deleting(&op, &a)) {
        store_rollback(c);
        agent_done(&a);
        return api_fail_with(req, &err);
    }
    agent_done(&a);
    r = r ? r : store_agent_delete(c, args[0]);
    r = store_end(c, r);
    if (r) {
        return r == -ENOENT ? api_fail(req, API_ERR_AGENT_NOT_FOUND,
                                       "Agent %s could not be found.", args[0])
                            : api_fail_internal(req, r);
    }
    req->status = 204;
    return 0;
}

int
agents_create(struct request *req, char *const args[])
{
    /* Neutron adds project_id/tenant_id to every POST body, and agents have neither. */
    return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Unrecognized attribute(s) 'project_id,"
                    " tenant_id'");
}

/* --- Shared by the agent scheduler extensions (dhcp_agents.c, l3_agents.c) --------- */

int
agent_scheduler_not_admin(struct request *req)
{
    return api_fail(req, API_ERR_HTTP_NOT_FOUND, "The resource could not be found.");
}

int
agent_scheduler_collect_id(const char *id, void *aux)
{
    json_array_append_new(aux, json_string(id));
    return 0;
}
