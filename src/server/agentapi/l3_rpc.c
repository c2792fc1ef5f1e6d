/* POST /agent/v1/l3/routers: the routers an L3 agent hosts, in the L3 engine's model
 * shape (agent_proto.h, AGENT_PATH_L3_ROUTERS; src/l3agent/l3_model.h), Neutron's
 * sync_routers for a legacy agent.
 *
 * A call without "ids" is the agent's full sync: with router_auto_schedule the routers
 * no agent hosts go to this agent first (l3_sched.h), and the answer carries the change
 * feed's position ("seq").  Only routers that are
 * administratively up are answered, and none to an agent that is administratively down
 * (Neutron's); an asked router left out is no longer the host's.
 * Everything is read in the transaction that scheduled, so the answer matches it.
 * An HA router comes with this host's HA port, its VRRP id and the state last reported
 * from here; one without an HA port here is left out, as Neutron does.
 *
 * POST /agent/v1/l3/ha-states: the states of HA routers keepalived decided on a host
 * (AGENT_PATH_L3_HA_STATES), kept on the router's binding to the host's agent. */
#include "agent_rpc.h"
#include "rpc_util.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "agent_proto.h"
#include "app.h"
#include "core/core.h"
#include "core/router.h"
#include "core/router_ha.h"
#include "http/errors.h"
#include "ip.h"
#include "l3/l3_sched.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

enum {
    MAX_ROUTERS = 4096,         /* Asked ids per request. */
};

/* Reads the optional list of router ids ('*ret' NULL when absent). */
static int
router_ids(struct request *req, const json_t *body, const json_t **ret)
{
    const json_t *ids = json_object_get(body, AGENT_FIELD_IDS);
    const json_t *id;
    size_t i;

    *ret = NULL;
    if (!ids || json_is_null(ids)) {
        return 0;
    }
    if (!json_is_array(ids) || json_array_size(ids) > MAX_ROUTERS) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'%s' must be a list of at most %d"
                        " router ids.", AGENT_FIELD_IDS, MAX_ROUTERS);
    }
    json_array_foreach (ids, i, id) {
        if (!json_is_string(id) || json_string_length(id) >= ID_LEN) {
            return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Router ids are strings of at most"
                            " %d characters.", ID_LEN - 1);
        }
    }
    *ret = ids;
    return 0;
}

/* --- One router in the model's shape ----------------------------------------------- */

/* The subnet's prefix length and CIDR; -ENOENT when it is gone. */
static int
subnet_prefix(struct store_conn *c, const char *subnet_id, int *plen, char **cidr_text,
              char **gateway_ip)
{
    struct subnet s;
    struct cidr cidr;
    int r = store_subnet_get(c, subnet_id, NULL, &s);

    if (r) {
        return r;
    }
    if (cidr_parse(s.cidr, &cidr)) {
        subnet_done(&s);
        return -EINVAL;
    }
    *plen = cidr.prefix;
    *cidr_text = xstrdup(s.cidr);
    *gateway_ip = s.gateway_ip ? xstrdup(s.gateway_ip) : NULL;
    subnet_done(&s);
    return 0;
}

/* A router port {port_id, mac_address, mtu, fixed_ips}; the fixed IPs' subnets, with
 * their gateways, are collected in 'subnets' ({id: gateway or null}) when not NULL. */
static int
port_model(struct store_conn *c, const char *port_id, bool with_cidr, json_t *subnets,
           json_t **ret)
{
    json_t *fixed, *ips = json_array(), *ip;
    struct network n;
    struct port p;
    size_t i;
    int r = store_port_get(c, port_id, NULL, &p);

    if (r) {
        json_decref(ips);
        return r;
    }
    r = store_network_get(c, p.network_id, NULL, &n);
    fixed = json_loads(p.fixed_ips_json ? p.fixed_ips_json : "[]", 0, NULL);
    json_array_foreach (fixed, i, ip) {
        const char *subnet_id = json_string_value(json_object_get(ip, "subnet_id"));
        char *cidr = NULL, *gateway = NULL;
        int plen = 0;
        if (r || !subnet_id || (r = subnet_prefix(c, subnet_id, &plen, &cidr, &gateway))) {
            break;
        }
        json_t *o = json_pack("{s:O,s:i,s:s}", "ip_address", json_object_get(ip, "ip_address"),
                              "prefixlen", plen, "subnet_id", subnet_id);
        if (with_cidr) {
            json_object_set_new(o, "cidr", json_string(cidr));
        }
        if (subnets) {
            json_object_set_new(subnets, subnet_id, gateway ? json_string(gateway) : json_null());
        }
        json_array_append_new(ips, o);
        free(cidr);
        free(gateway);
    }
    json_decref(fixed);
    if (!r) {
        *ret = json_pack("{s:s,s:s,s:i,s:o}", "port_id", p.std.id, "mac_address",
                         p.mac_address, "mtu", n.mtu, "fixed_ips", ips);
        network_done(&n);
    } else {
        json_decref(ips);
    }
    port_done(&p);
    return r;
}

/* The gateway: its port, the next hops (the gateway_ip of the subnets it has addresses
 * on) and the external network's other subnets, reached on-link. */
static int
gateway_model(struct store_conn *c, const struct router *rt, json_t **ret)
{
    json_t *used = json_object(), *hops = json_array(), *extra = json_array(), *gw, *v;
    struct subnet *subnets = NULL;
    const char *id;
    size_t n = 0;
    int r = port_model(c, rt->gw_port_id, false, used, &gw);

    r = r ? r : store_subnets_of_network(c, rt->gw_network_id, &subnets, &n);
    json_object_foreach (used, id, v) {
        if (json_is_string(v)) {
            json_array_append(hops, v);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!json_object_get(used, subnets[i].std.id)) {
            json_array_append_new(extra, json_string(subnets[i].cidr));
        }
        subnet_done(&subnets[i]);
    }
    free(subnets);
    json_decref(used);
    if (r) {
        json_decref(hops);
        json_decref(extra);
        return r;
    }
    json_object_set_new(gw, "gateway_ips", hops);
    json_object_set_new(gw, "extra_subnets", extra);
    *ret = gw;
    return 0;
}

static int
collect_id(const char *id, void *aux)
{
    json_array_append_new(aux, json_string(id));
    return 0;
}

static int
interfaces_model(struct store_conn *c, const char *router_id, json_t **ret)
{
    json_t *ids = json_array(), *list = json_array(), *id;
    size_t i;
    int r = store_router_ports(c, router_id, ROUTER_INTERFACE_OWNER, collect_id, ids);

    json_array_foreach (ids, i, id) {
        json_t *port = NULL;
        if (r || (r = port_model(c, json_string_value(id), true, NULL, &port))) {
            break;
        }
        json_array_append_new(list, port);
    }
    json_decref(ids);
    if (r) {
        json_decref(list);
        return r;
    }
    *ret = list;
    return 0;
}

static int
add_floatingip(const char *id, const char *floating_ip, const char *fixed_ip,
               const char *port_id, void *aux)
{
    json_array_append_new(aux, json_pack("{s:s,s:s,s:s,s:s}", "id", id, "floating_ip_address",
                                         floating_ip, "fixed_ip_address", fixed_ip, "port_id",
                                         port_id));
    return 0;
}

/* The HA port of the router bound to 'host' into '*ret' (-ENOENT: none). */
struct ha_port_pick {
    struct store_conn *c;
    const char *host;
    char id[ID_LEN];
};

static int
pick_ha_port(const char *port_id, void *aux)
{
    struct ha_port_pick *p = aux;
    struct port port;

    if (*p->id || store_port_get(p->c, port_id, NULL, &port)) {
        return 0;
    }
    if (STREQ(port.binding_host_id, p->host)) {
        snprintf(p->id, sizeof p->id, "%s", port_id);
    }
    port_done(&port);
    return 0;
}

static int
state_of(const char *agent_id, const char *state, void *aux)
{
    const char **want = aux;

    if (STREQ(agent_id, want[0])) {
        want[1] = xstrdup(state);
    }
    return 0;
}

/* {"vr_id", "port", "state"} of an HA router on the host of 'a'; NULL without a port. */
static int
ha_model(struct store_conn *c, const struct router *rt, const struct agent *a, json_t **ret)
{
    struct ha_port_pick pick = { c, a->host, "" };
    const char *want[2] = { a->id, NULL };
    json_t *port = NULL;
    int r = store_router_ports(c, rt->std.id, ROUTER_HA_INTERFACE_OWNER, pick_ha_port, &pick);

    *ret = NULL;
    if (r || !*pick.id || !rt->ha_vr_id) {
        return r;
    }
    r = port_model(c, pick.id, true, NULL, &port);
    r = r ? r : store_l3_ha_states(c, rt->std.id, state_of, want);
    if (!r) {
        *ret = json_pack("{s:i,s:o,s:s}", "vr_id", rt->ha_vr_id, "port", port, "state",
                         want[1] ? want[1] : AGENT_HA_STANDBY);
        port = NULL;
    }
    json_decref(port);
    free((char *) want[1]);
    return r == -ENOENT ? 0 : r;
}

/* The router 'id' in the model's shape for agent 'a' into '*ret', or NULL when it is
 * gone or down (or HA without an HA port on the agent's host). */
static int
router_model(struct store_conn *c, const char *id, const struct agent *a, json_t **ret)
{
    json_t *ha = NULL;
    json_t *gw = json_null(), *interfaces = NULL, *fips = json_array(), *routes;
    struct router rt;
    int r = store_router_get(c, id, NULL, &rt);

    *ret = NULL;
    if (r) {
        json_decref(fips);
        return r == -ENOENT ? 0 : r;
    }
    if (!rt.admin_state_up) {
        json_decref(fips);
        router_done(&rt);
        return 0;
    }
    if (rt.ha && ((r = ha_model(c, &rt, a, &ha)) || !ha)) {
        json_decref(fips);
        router_done(&rt);
        return r;
    }
    if (*rt.gw_port_id) {
        r = gateway_model(c, &rt, &gw);
    }
    r = r ? r : interfaces_model(c, id, &interfaces);
    r = r ? r : store_l3_floatingips_of_router(c, id, add_floatingip, fips);
    routes = json_loads(rt.routes_json ? rt.routes_json : "[]", 0, NULL);
    if (!routes) {
        routes = json_array();
    }
    if (!r) {
        *ret = json_pack("{s:s,s:b,s:b,s:O,s:O,s:O,s:O}", "id", rt.std.id, "admin_state_up",
                         rt.admin_state_up, "enable_snat", rt.enable_snat, "gateway", gw,
                         "interfaces", interfaces, "routes", routes, "floating_ips", fips);
        r = *ret ? 0 : -ENOMEM;
        if (!r && ha) {
            json_object_set(*ret, AGENT_FIELD_HA, ha);
        }
    }
    json_decref(ha);
    json_decref(gw);
    json_decref(interfaces);
    json_decref(routes);
    json_decref(fips);
    router_done(&rt);
    return r;
}

/* --- The call ------------------------------------------------------------------------ */

/* Appends the model of each router in 'ids' (a JSON array of ids) to 'out'. */
static int
add_routers(struct store_conn *c, const json_t *ids, const struct agent *a, json_t *out)
{
    const json_t *id;
    size_t i;
    int r = 0;

    json_array_foreach (ids, i, id) {
        json_t *m = NULL;
        if (r || (r = router_model(c, json_string_value(id), a, &m))) {
            break;
        }
        if (m) {
            json_array_append_new(out, m);
        }
    }
    return r;
}

/* Whether the router 'id' is among those the agent hosts ('hosted', an array). */
static bool
hosted(const json_t *hosted_ids, const char *id)
{
    const json_t *v;
    size_t i;

    json_array_foreach (hosted_ids, i, v) {
        if (STREQ(json_string_value(v), id)) {
            return true;
        }
    }
    return false;
}

/* The answer's routers for the agent 'a', scheduling first on a full sync. */
static int
agent_routers(const struct op *op, const struct agent *a, const json_t *asked, json_t *out)
{
    json_t *ids = json_array(), *wanted = json_array();
    const json_t *id;
    size_t i;
    int r;

    /* An admin-down agent is given nothing to serve, as Neutron's: its routers stay
     * bound to it but its namespaces go until it is set up again. */
    if (!a->admin_state_up) {
        json_decref(ids);
        json_decref(wanted);
        return 0;
    }
    if (!asked && l3_auto_schedule(op, a)) {
        json_decref(ids);
        json_decref(wanted);
        return -1;
    }
    r = store_l3_routers_of_agent(op->c, a->id, collect_id, ids);
    json_array_foreach (asked ? asked : ids, i, id) {
        if (!asked || hosted(ids, json_string_value(id))) {
            json_array_append(wanted, (json_t *) id);
        }
    }
    r = r ? r : add_routers(op->c, wanted, a, out);
    json_decref(ids);
    json_decref(wanted);
    return r ? core_internal(op, r) : 0;
}

int
l3_rpc_routers(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct context svc;
    struct op op;
    const json_t *asked;
    const char *host;
    json_t *body, *out, *reply;
    int64_t first = 0, last = 0;
    struct agent a;
    int r;

    if (!c || rpc_check_caller(req) || !(body = rpc_object_body(req))) {
        return -1;
    }
    host = rpc_host_value(json_object_get(body, "host"));
    if (!host) {
        json_decref(body);
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'host' is required.");
    }
    if (router_ids(req, body, &asked)) {
        json_decref(body);
        return -1;
    }
    context_service(&svc);
    op = (struct op) { req->app, &svc, c, &err };
    out = json_array();
    r = store_begin(c);
    if (r) {
        goto internal;
    }
    r = store_agent_get_by_host(c, AGENT_TYPE_L3, host, &a);
    if (r == -ENOENT) {
        r = 0;          /* No L3 agent reported from there: it hosts nothing. */
    } else if (!r) {
        if (agent_routers(&op, &a, asked, out)) {
            agent_done(&a);
            store_rollback(c);
            json_decref(out);
            json_decref(body);
            return api_fail_with(req, &err);
        }
        agent_done(&a);
    }
    /* A full answer says where in the feed it stands, read in its transaction: the
     * agent follows the feed from there and misses nothing in between. */
    if (!r && !asked) {
        r = store_change_bounds(c, &first, &last);
    }
    r = store_end(c, r);
    if (r) {
        goto internal;
    }
    json_decref(body);
    reply = json_pack("{s:o}", AGENT_FIELD_ROUTERS, out);
    if (!asked) {
        json_object_set_new(reply, AGENT_FIELD_SEQ, json_integer(last));
    }
    rpc_reply(req, 200, reply);
    return 0;
internal:
    json_decref(out);
    json_decref(body);
    return api_fail_internal(req, r);
}

/* --- HA states ------------------------------------------------------------------------ */

/* Checks {router id: "active" | "standby"}, at most MAX_ROUTERS of them. */
static int
check_states(struct request *req, const json_t *states)
{
    const char *id;
    json_t *v;

    if (!json_is_object(states) || json_object_size(states) > MAX_ROUTERS) {
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'%s' must be an object of at most %d"
                        " router ids to states.", AGENT_FIELD_HA_STATES, MAX_ROUTERS);
    }
    json_object_foreach ((json_t *) states, id, v) {
        if (strlen(id) >= ID_LEN || !json_is_string(v) || !l3_ha_state_valid(json_string_value(v))) {
            return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Each state must be '%s' or '%s'"
                            " for a router id.", AGENT_HA_ACTIVE, AGENT_HA_STANDBY);
        }
    }
    return 0;
}

static int
save_states(const struct op *op, const struct agent *a, const json_t *states)
{
    const char *id;
    json_t *v;

    json_object_foreach ((json_t *) states, id, v) {
        if (l3_ha_state_reported(op, a, id, json_string_value(v))) {
            return -1;
        }
    }
    return 0;
}

int
l3_rpc_ha_states(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct context svc;
    struct op op;
    const json_t *states;
    const char *host;
    struct agent a;
    json_t *body;
    int r;

    if (!c || rpc_check_caller(req) || !(body = rpc_object_body(req))) {
        return -1;
    }
    host = rpc_host_value(json_object_get(body, "host"));
    states = json_object_get(body, AGENT_FIELD_HA_STATES);
    if (!host || check_states(req, states)) {
        if (!host) {
            api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'host' is required.");
        }
        json_decref(body);
        return -1;
    }
    context_service(&svc);
    op = (struct op) { req->app, &svc, c, &err };
    r = store_begin(c);
    if (r) {
        json_decref(body);
        return api_fail_internal(req, r);
    }
    r = store_agent_get_by_host(c, AGENT_TYPE_L3, host, &a);
    if (!r) {
        if (save_states(&op, &a, states)) {
            agent_done(&a);
            store_rollback(c);
            json_decref(body);
            return api_fail_with(req, &err);
        }
        agent_done(&a);
    }
    r = store_end(c, r == -ENOENT ? 0 : r);
    json_decref(body);
    if (r) {
        return api_fail_internal(req, r);
    }
    rpc_reply(req, 200, json_object());
    return 0;
}
