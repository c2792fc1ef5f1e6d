/* Neutron's dhcp_agent_scheduler extension (docs/behaviour/api.md §11), admin only:
 *   GET    /v2.0/networks/{net}/dhcp-agents        agents hosting a network
 *   GET    /v2.0/agents/{agent}/dhcp-networks      networks a DHCP agent hosts
 *   POST   /v2.0/agents/{agent}/dhcp-networks      {"network_id": net}: host it there
 *   DELETE /v2.0/agents/{agent}/dhcp-networks/{net} stop hosting it there */
#include "agents.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "common.h"
#include "dhcp/dhcp_sched.h"
#include "request.h"
#include "jsonw.h"
#include "listing.h"
#include "network.h"
#include "store/store.h"
#include "util.h"

struct agent_walk {
    struct jsonw *w;
    struct field_set *fs;
    const struct server_config *cfg;
};

static int
render_agent(const struct agent *a, void *aux)
{
    struct agent_walk *aw = aux;

    agent_render(aw->w, a, aw->fs, aw->cfg);
    return 0;
}

int
network_dhcp_agents_list(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct field_set fs;
    struct network n;
    struct jsonw w;
    int r;

    if (!c) {
        return -1;
    }
    if (!req->ctx.is_admin) {
        return agent_scheduler_not_admin(req);
    }
    r = store_network_get(c, args[0], NULL, &n);
    if (r) {
        return r == -ENOENT ? api_fail(req, API_ERR_NETWORK_NOT_FOUND,
                                       "Network %s could not be found.", args[0])
                            : api_fail_internal(req, r);
    }
    network_done(&n);
    fields_parse(req, &fs);
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "agents");
    jsonw_array_begin(&w);
    r = store_dhcp_agents_of_network(c, args[0], render_agent,
                                     &(struct agent_walk) { &w, &fs, req->app->cfg });
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    fields_done(&fs);
    return r ? api_fail_internal(req, r) : 0;
}

int
agent_dhcp_networks_list(struct request *req, char *const args[])
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
    r = store_dhcp_networks_of_agent(c, args[0], agent_scheduler_collect_id, ids);
    if (r) {
        json_decref(ids);
        return api_fail_internal(req, r);
    }
    fields_parse(req, &fs);
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "networks");
    jsonw_array_begin(&w);
    json_array_foreach (ids, i, id) {
        struct network n;
        if (!store_network_get(c, json_string_value(id), NULL, &n)) {
            network_render(&w, &n, &fs, &req->ctx);
            network_done(&n);
        }
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    fields_done(&fs);
    json_decref(ids);
    return 0;
}

/* The network to add or remove: answers 404 NetworkNotFound when there is none. */
static int
check_network(struct request *req, struct store_conn *c, const char *id)
{
    struct network n;
    int r = store_network_get(c, id, NULL, &n);

    if (r == -ENOENT) {
        return api_fail(req, API_ERR_NETWORK_NOT_FOUND, "Network %s could not be found.", id);
    }
    if (r) {
        return api_fail_internal(req, r);
    }
    network_done(&n);
    return 0;
}

int
agent_dhcp_network_add(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    const char *network_id;
    struct agent a;
    struct jsonw w;
    json_t *body;
    int r;

    if (!c) {
        return -1;
    }
    if (!req->ctx.is_admin) {
        return agent_scheduler_not_admin(req);
    }
    body = json_loadb(req->body.data ? (const char *) req->body.data : "", req->body.len, 0,
                      NULL);
    network_id = json_string_value(json_object_get(body, "network_id"));
    if (!network_id) {
        json_decref(body);
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "The body must be {\"network_id\":"
                        " <network id>}.");
    }
    r = store_begin(c);
    if (r) {
        json_decref(body);
        return api_fail_internal(req, r);
    }
    if (check_network(req, c, network_id) || agent_lookup(req, c, args[0], &a)) {
        goto fail;
    }
    if (!STREQ(a.agent_type, DHCP_AGENT_TYPE) || !a.admin_state_up) {
        api_fail(req, API_ERR_INVALID_DHCP_AGENT, "Agent %s is not a valid DHCP Agent or has"
                 " been disabled.", a.id);
        agent_done(&a);
        goto fail;
    }
    r = dhcp_add_network(c, network_id, &a);
    if (r == -EEXIST) {
        api_fail(req, API_ERR_NETWORK_HOSTED_BY_DHCP_AGENT, "The network %s has been already"
                 " hosted by the DHCP Agent %s.", network_id, a.id);
    } else if (r) {
        api_fail_internal(req, r);
    }
    agent_done(&a);
    if (r) {
        goto fail;
    }
    r = store_commit(c);
    json_decref(body);
    if (r) {
        return api_fail_internal(req, r);
    }
    /* Zed answers the add with the JSON null (tempest parses it). */
    api_begin(req, 201, &w);
    jsonw_null(&w);
    return 0;
fail:
    store_rollback(c);
    json_decref(body);
    return -1;
}

int
agent_dhcp_network_remove(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct agent a;
    int r;

    if (!c) {
        return -1;
    }
    r = store_begin(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    if (agent_lookup(req, c, args[0], &a)) {
        store_rollback(c);
        return -1;
    }
    r = dhcp_remove_network(c, args[1], &a, true);
    if (r == -ENOENT) {
        api_fail(req, API_ERR_NETWORK_NOT_HOSTED_BY_DHCP_AGENT, "The network %s is not hosted"
                 " by the DHCP Agent %s.", args[1], a.id);
    } else if (r) {
        api_fail_internal(req, r);
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
