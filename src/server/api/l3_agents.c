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
#include "request.h"
#include "jsonw.h"
#include "router.h"
#include "store/store.h"
#include "util.h"

int
router_l3_agents_list(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct field_set fs;
    struct router rt;
    struct jsonw w;
    struct agent a;
    int r;

    if (!c) {
        return -1;
    }
    if (!req->ctx.is_admin) {
        return agent_scheduler_not_admin(req);
    }
    r = store_router_get(c, args[0], NULL, &rt);
    if (r) {
        return r == -ENOENT ? api_fail(req, API_ERR_ROUTER_NOT_FOUND, "Router %s could not be"
                                       " found", args[0])
                            : api_fail_internal(req, r);
    }
    router_done(&rt);
    r = store_l3_agent_of_router(c, args[0], &a);
    if (r && r != -ENOENT) {
        return api_fail_internal(req, r);
    }
    fields_parse(req, &fs);
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "agents");
    jsonw_array_begin(&w);
    if (!r) {
        agent_render(&w, &a, &fs, req->app->cfg);
        agent_done(&a);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    fields_done(&fs);
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
check_router(struct request *req, struct store_conn *c, const char *id, bool *has_gateway)
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
    router_done(&rt);
    return 0;
}

/* Neutron's checks of a manual add, in its order: the agent can host the router, no
 * other agent hosts it.  1 when this agent already does (nothing to do). */
static int
check_add(struct request *req, struct store_conn *c, const struct agent *a,
          const char *router_id, bool has_gateway)
{
    struct agent host;
    int r;

    if (!a->admin_state_up || !l3_agent_can_host(a, router_id, has_gateway)) {
        return api_fail(req, API_ERR_INVALID_L3_AGENT, "Agent %s is not a L3 Agent or has"
                        " been disabled", a->id);
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
    bool has_gateway = false;
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
    if (check_router(req, c, router_id, &has_gateway) || agent_lookup(req, c, args[0], &a)) {
        goto fail;
    }
    r = check_add(req, c, &a, router_id, has_gateway);
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
    bool has_gateway = false;
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
        r = check_router(req, c, args[1], &has_gateway);
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
