/* Neutron's l3_agent_scheduler extension (docs/behaviour/api.md §16), admin only:
 *   GET    /v2.0/routers/{router}/l3-agents        the agent hosting a router
 *   GET    /v2.0/agents/{agent}/l3-routers         routers an L3 agent hosts
 *   POST   /v2.0/agents/{agent}/l3-routers         {"router_id": router}: host it there
 *   DELETE /v2.0/agents/{agent}/l3-routers/{router} stop hosting it there */
#include "agents.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "common.h"
#include "core/core.h"
#include "l3/l3_sched.h"
#include "listing.h"
#include "ml2/mech_linuxbridge.h"
#include "request.h"
#include "jsonw.h"
#include "router.h"
#include "store/store.h"
#include "util.h"

/* The agents hosting a router with the state each reported ("ha_state": null for a
 * legacy router, as Zed with l3-ha shows it). */
struct hosting_list {
    struct agent *agents;
    size_t n;
    json_t *states;         /* {agent id: state}. */
};

static int
hosting_add(const struct agent *a, void *aux)
{
    struct hosting_list *l = aux;
    struct agent *copy;

    l->agents = xrealloc(l->agents, (l->n + 1) * sizeof *l->agents);
    copy = &l->agents[l->n++];
    *copy = *a;
    copy->description = a->description ? xstrdup(a->description) : NULL;
    copy->availability_zone = a->availability_zone ? xstrdup(a->availability_zone) : NULL;
    copy->configurations_json = a->configurations_json ? xstrdup(a->configurations_json)
                                                       : NULL;
    copy->resource_versions_json = a->resource_versions_json
                                       ? xstrdup(a->resource_versions_json) : NULL;
    return 0;
}

static int
state_add(const char *agent_id, const char *state, void *aux)
{
    json_object_set_new(aux, agent_id, json_string(state));
    return 0;
}

static void
hosting_list_done(struct hosting_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        agent_done(&l->agents[i]);
    }
    free(l->agents);
    json_decref(l->states);
}

/* Neutron's view of an HA router on dead agents: an agent that is down or disabled is
 * not active (standby), unless every agent is, when nobody knows (unknown). */
static const char *
shown_ha_state(const struct hosting_list *l, const struct agent *a,
               const struct server_config *cfg)
{
    const char *state = json_string_value(json_object_get(l->states, a->id));
    size_t dead = 0;

    for (size_t i = 0; i < l->n; i++) {
        dead += !l->agents[i].admin_state_up
                || !agent_is_alive(cfg, l->agents[i].heartbeat_at);
    }
    if (!state || !STREQ(state, L3_HA_STATE_ACTIVE)
        || (a->admin_state_up && agent_is_alive(cfg, a->heartbeat_at))) {
        return state;
    }
    return dead == l->n ? "unknown" : L3_HA_STATE_STANDBY;
}

int
router_l3_agents_list(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct hosting_list l = { NULL, 0, json_object() };
    struct field_set fs;
    struct router rt;
    struct jsonw w;
    int r;

    if (!c) {
        json_decref(l.states);
        return -1;
    }
    if (!req->ctx.is_admin) {
        json_decref(l.states);
        return agent_scheduler_not_admin(req);
    }
    r = store_router_get(c, args[0], NULL, &rt);
    if (r) {
        json_decref(l.states);
        return r == -ENOENT ? api_fail(req, API_ERR_ROUTER_NOT_FOUND, "Router %s could not be"
                                       " found", args[0])
                            : api_fail_internal(req, r);
    }
    r = store_l3_agents_of_router(c, args[0], hosting_add, &l);
    r = r ? r : rt.ha ? store_l3_ha_states(c, args[0], state_add, l.states) : 0;
    if (r) {
        router_done(&rt);
        hosting_list_done(&l);
        return api_fail_internal(req, r);
    }
    fields_parse(req, &fs);
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "agents");
    jsonw_array_begin(&w);
    for (size_t i = 0; i < l.n; i++) {
        agent_render_ha(&w, &l.agents[i], &fs, req->app->cfg,
                        rt.ha ? shown_ha_state(&l, &l.agents[i], req->app->cfg) : NULL, true);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    fields_done(&fs);
    router_done(&rt);
    hosting_list_done(&l);
    return 0;
}

int
agent_l3_routers_list(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    json_t *ids, *id;
    struct field_set fs;
    struct agent a;
    struct jsonw w;
    size_t i;
    int r;

    if (!c || agent_lookup(req, c, args[0], &a)) {
        return -1;
    }
    agent_done(&a);
    ids = json_array();
    r = store_l3_routers_of_agent(c, args[0], agent_scheduler_collect_id, ids);
    if (r) {
        json_decref(ids);
        return api_fail_internal(req, r);
    }
    fields_parse(req, &fs);
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "routers");
    jsonw_array_begin(&w);
    json_array_foreach (ids, i, id) {
        struct router rt;
        if (!store_router_get(c, json_string_value(id), NULL, &rt)) {
            router_render(&w, &rt, &fs, &req->ctx);
            router_done(&rt);
        }
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    fields_done(&fs);
    json_decref(ids);
    return 0;
}

/* Whether the router exists and has a gateway; answers 404 RouterNotFound if it is
 * not there. */
static int
check_router(struct request *req, struct store_conn *c, const char *id, bool *has_gateway,
             bool *ha)
{
    struct router rt;
    int r = store_router_get(c, id, NULL, &rt);

    if (r == -ENOENT) {
        return api_fail(req, API_ERR_ROUTER_NOT_FOUND, "Router %s could not be found", id);
    }
    if (r) {
        return api_fail_internal(req, r);
    }
    *has_gateway = *rt.gw_port_id != '\0';
    *ha = rt.ha;
    router_done(&rt);
    return 0;
}

static int
find_state(const char *agent_id, const char *state, void *aux)
{
    const char **want = aux;

    if (*want && STREQ(agent_id, *want)) {
        *want = NULL;
    }
    return 0;
}

/* Neutron's checks of a manual add, in its order: the agent can host the router, no
 * other agent hosts it (an HA router may have several).  1 when this agent already
 * does (nothing to do). */
static int
check_add(struct request *req, struct store_conn *c, const struct agent *a,
          const char *router_id, bool has_gateway, bool ha)
{
    struct agent host;
    int r;

    if (!a->admin_state_up || !l3_agent_can_host(a, router_id, has_gateway)) {
        return api_fail(req, API_ERR_INVALID_L3_AGENT, "Agent %s is not a L3 Agent or has"
                        " been disabled", a->id);
    }
    if (ha) {
        const char *want = a->id;
        r = store_l3_ha_states(c, router_id, find_state, &want);
        return r ? api_fail_internal(req, r) : want ? 0 : 1;
    }
    r = store_l3_agent_of_router(c, router_id, &host);
    if (r == -ENOENT) {
        return 0;
    }
    if (r) {
        return api_fail_internal(req, r);
    }
    r = STREQ(host.id, a->id) ? 1
        : api_fail(req, API_ERR_ROUTER_HOSTED_BY_L3_AGENT, "The router %s has been already"
                   " hosted by the L3 Agent %s.", router_id, host.id);
    agent_done(&host);
    return r;
}

/* The body's router id, or NULL after answering 400. */
static const char *
body_router_id(struct request *req, json_t **body)
{
    const char *id;

    *body = json_loadb(req->body.data ? (const char *) req->body.data : "", req->body.len, 0,
                       NULL);
    id = json_string_value(json_object_get(*body, "router_id"));
    if (!id) {
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "The body must be {\"router_id\": <router"
                 " id>}.");
    }
    return id;
}

int
agent_l3_router_add(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct context svc;
    struct jsonw w;
    struct op op;
    const char *router_id;
    bool has_gateway = false, ha = false;
    struct agent a;
    json_t *body = NULL;
    int r;

    if (!c) {
        return -1;
    }
    if (!req->ctx.is_admin) {
        return agent_scheduler_not_admin(req);
    }
    if (!(router_id = body_router_id(req, &body))) {
        json_decref(body);
        return -1;
    }
    r = store_begin(c);
    if (r) {
        json_decref(body);
        return api_fail_internal(req, r);
    }
    if (check_router(req, c, router_id, &has_gateway, &ha) || agent_lookup(req, c, args[0], &a)) {
        goto fail;
    }
    r = check_add(req, c, &a, router_id, has_gateway, ha);
    if (r < 0) {
        agent_done(&a);
        goto fail;
    }
    context_service(&svc);
    op = (struct op) { req->app, &svc, c, &err };
    if (!r && l3_add_router(&op, router_id, &a)) {
        agent_done(&a);
        api_fail_with(req, &err);
        goto fail;
    }
    agent_done(&a);
    r = store_commit(c);
    json_decref(body);
    if (r) {
        return api_fail_internal(req, r);
    }
    /* Zed answers the add with the JSON null. */
    api_begin(req, 201, &w);
    jsonw_null(&w);
    return 0;
fail:
    store_rollback(c);
    json_decref(body);
    return -1;
}

int
agent_l3_router_remove(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    bool has_gateway = false, ha = false;
    struct api_error err;
    struct context svc;
    struct agent a;
    struct op op;
    int r;

    if (!c) {
        return -1;
    }
    if (!req->ctx.is_admin) {
        return agent_scheduler_not_admin(req);
    }
    r = store_begin(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    if (agent_lookup(req, c, args[0], &a)) {
        store_rollback(c);
        return -1;
    }
    context_service(&svc);
    op = (struct op) { req->app, &svc, c, &err };
    /* As Neutron: the binding goes (if there was one), then the router must exist. */
    if (l3_remove_router(&op, args[1], &a)) {
        r = api_fail_with(req, &err);
    } else {
        r = check_router(req, c, args[1], &has_gateway, &ha);
    }
    agent_done(&a);
    if (r) {
        store_rollback(c);
        return -1;
    }
    r = store_commit(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    req->status = 204;
    return 0;
}
