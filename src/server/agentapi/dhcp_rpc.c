/* The DHCP agent's part of the agent API (docs/behaviour/agents.md §B; Neutron's dhcp_rpc):
 *
 *   POST /agent/v1/dhcp/sync     {host}: failover and auto-scheduling, then the ids of
 *                                the networks the host's DHCP agent serves
 *   POST /agent/v1/dhcp/network  {host, network_id}: everything dnsmasq needs of one
 *                                network, the agent's DHCP port made or fixed on the way
 *                                (and released when the agent should not serve it)
 *   POST /agent/v1/dhcp/ports    {host, network_id, ids}: those ports, as they are now
 *   POST /agent/v1/dhcp/ready    {host, ports}: dnsmasq serves these ports (clears
 *                                their DHCP provisioning block)
 *
 * The agent follows GET /agent/v1/changes?agent=dhcp: CHANGE_DHCP_PORT (a port of a
 * network it hosts changed) and CHANGE_DHCP_NETWORK (the network, its subnets or its
 * hosting did), plus CHANGE_NETWORK_UPDATE and CHANGE_NETWORK_DELETE.  These calls act
 * for the agent with the admin's rights, as Neutron's RPC handlers use an elevated
 * context; the DHCP port is managed by the core acting as the service. */
#include "agent_rpc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "core/dhcp_port.h"
#include "dhcp/dhcp_sched.h"
#include "http/errors.h"
#include "request.h"
#include "log.h"
#include "ml2/provisioning.h"
#include "rpc_util.h"
#include "store/store.h"
#include "util.h"

LOG_MODULE("agentapi");

enum { MAX_IDS = 4096 };

/* The DHCP agent registered for 'host'; answers 404 when there is none. */
static int
dhcp_agent_of(struct request *req, struct store_conn *c, const char *host, struct agent *ret)
{
    int r = store_agent_get_by_host(c, DHCP_AGENT_TYPE, host, ret);

    if (r == -ENOENT) {
        return api_fail(req, API_ERR_HTTP_NOT_FOUND, "No DHCP agent is registered for host"
                        " %.64s: report first.", host);
    }
    return r ? api_fail_internal(req, r) : 0;
}

/* Reads {host, network_id} and elevates the context. */
static json_t *
dhcp_body(struct request *req, const char **host, const char **network_id)
{
    json_t *body;

    if (rpc_check_caller(req) || !(body = rpc_object_body(req))) {
        return NULL;
    }
    *host = rpc_host_value(json_object_get(body, "host"));
    *network_id = json_string_value(json_object_get(body, "network_id"));
    if (!*host) {
        json_decref(body);
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'host' is required.");
        return NULL;
    }
    req->ctx.is_admin = true;
    return body;
}

/* --- Rendering ------------------------------------------------------------------- */

static json_t *
fixed_ips_of(const struct port *p)
{
    json_t *v = json_loads(p->fixed_ips_json ? p->fixed_ips_json : "[]", 0, NULL);

    return v ? v : json_array();
}

static json_t *
extra_dhcp_opts_of(const struct port *p)
{
    json_t *v = json_loads(p->extra_dhcp_opts_json ? p->extra_dhcp_opts_json : "[]", 0,
                           NULL);

    return v ? v : json_array();
}

static json_t *
dhcp_port_json(const struct port *p)
{
    return json_pack("{s:s,s:s,s:o,s:s,s:s,s:b,s:s,s:o}", "id", p->std.id, "mac_address",
                     p->mac_address, "fixed_ips", fixed_ips_of(p), "device_owner",
                     p->device_owner ? p->device_owner : "", "device_id",
                     p->device_id ? p->device_id : "", "admin_state_up", p->admin_state_up,
                     "binding_host_id", p->binding_host_id ? p->binding_host_id : "",
                     AGENT_FIELD_EXTRA_DHCP_OPTS, extra_dhcp_opts_of(p));
}

static json_t *
json_text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *
subnet_json(const struct subnet *s)
{
    json_t *dns = json_loads(s->dns_nameservers_json ? s->dns_nameservers_json : "[]", 0, NULL);
    json_t *routes = json_loads(s->host_routes_json ? s->host_routes_json : "[]", 0, NULL);

    return json_pack("{s:s,s:s,s:i,s:o,s:b,s:o,s:o,s:o,s:o}", "id", s->std.id, "cidr", s->cidr,
                     "ip_version", s->ip_version, "gateway_ip", json_text_or_null(s->gateway_ip),
                     "enable_dhcp", s->enable_dhcp, "dns_nameservers", dns ? dns : json_array(),
                     "host_routes", routes ? routes : json_array(), "ipv6_address_mode",
                     json_text_or_null(s->ipv6_address_mode), "ipv6_ra_mode",
                     json_text_or_null(s->ipv6_ra_mode));
}

/* --- sync ------------------------------------------------------------------------ */

static int
add_id(const char *id, void *aux)
{
    json_array_append_new(aux, json_string(id));
    return 0;
}

int
dhcp_rpc_sync(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    const char *host, *unused;
    int64_t first = 0, last = 0;
    json_t *body, *networks;
    struct agent a;
    int r;

    if (!c || !(body = dhcp_body(req, &host, &unused))) {
        return -1;
    }
    r = store_begin(c);
    if (r) {
        json_decref(body);
        return api_fail_internal(req, r);
    }
    if (dhcp_agent_of(req, c, host, &a)) {
        store_rollback(c);
        json_decref(body);
        return -1;
    }
    networks = json_array();
    r = dhcp_auto_schedule(req->app->cfg, c);
    r = r ? r : store_dhcp_networks_of_agent(c, a.id, add_id, networks);
    r = r ? r : store_change_bounds(c, &first, &last);
    r = store_end(c, r);
    agent_done(&a);
    json_decref(body);
    if (r) {
        json_decref(networks);
        return api_fail_internal(req, r);
    }
    rpc_reply(req, 200, json_pack("{s:I,s:o}", "seq", (json_int_t) last, "networks", networks));
    return 0;
}

/* --- network --------------------------------------------------------------------- */

struct net_view {
    struct subnet *subnets;
    size_t n_subnets;
    json_t *ports;
};

static int
add_port(const struct port *p, void *aux)
{
    json_array_append_new(aux, dhcp_port_json(p));
    return 0;
}

static int
is_me(const struct agent *a, void *aux)
{
    const char **id = aux;

    if (*id && STREQ(a->id, *id)) {
        *id = NULL;         /* Found. */
    }
    return 0;
}

int
dhcp_rpc_network(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct net_view v = { NULL, 0, NULL };
    struct context service;
    struct api_error err;
    struct op op = { req->app, &service, c, &err };
    const char *host, *network_id, *me;
    bool serve = false;
    json_t *body, *out = NULL;
    struct network n;
    struct port dp;
    struct agent a;
    int r;

    if (!c || !(body = dhcp_body(req, &host, &network_id))) {
        return -1;
    }
    context_service(&service);
    if (!network_id) {
        json_decref(body);
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'network_id' is required.");
    }
    r = store_begin(c);
    if (r) {
        json_decref(body);
        return api_fail_internal(req, r);
    }
    if (dhcp_agent_of(req, c, host, &a)) {
        goto fail;
    }
    r = store_network_get(c, network_id, NULL, &n);
    if (r == -ENOENT) {
        out = json_pack("{s:s,s:b,s:b}", "network_id", network_id, "hosted", 0, "serve", 0);
        goto answer;
    }
    if (r) {
        api_fail_internal(req, r);
        goto fail_agent;
    }
    me = a.id;
    r = store_dhcp_agents_of_network(c, network_id, is_me, &me);
    r = r ? r : store_subnets_of_network(c, network_id, &v.subnets, &v.n_subnets);
    if (r) {
        api_fail_internal(req, r);
        goto fail_net;
    }
    for (size_t k = 0; k < v.n_subnets; k++) {
        serve = serve || dhcp_subnet_served(&v.subnets[k]);
    }
    serve = serve && n.admin_state_up && !me;
    if (!serve) {
        /* Not (or no longer) for this agent: its port goes, the agent tears down. */
        if (core_dhcp_port_release(&op, host, network_id)) {
            api_fail_with(req, &err);
            goto fail_net;
        }
        out = json_pack("{s:s,s:b,s:b}", "network_id", network_id, "hosted", !me, "serve", 0);
    } else if (core_dhcp_port_ensure(&op, host, &n, v.subnets, v.n_subnets, &dp)) {
        api_fail_with(req, &err);
        goto fail_net;
    } else {
        json_t *subnets = json_array();
        for (size_t k = 0; k < v.n_subnets; k++) {
            json_array_append_new(subnets, subnet_json(&v.subnets[k]));
        }
        v.ports = json_array();
        r = store_ports_of_network(c, network_id, add_port, v.ports);
        if (r) {
            json_decref(subnets);
            json_decref(v.ports);
            port_done(&dp);
            api_fail_internal(req, r);
            goto fail_net;
        }
        out = json_pack("{s:s,s:b,s:b,s:{s:s,s:b,s:i,s:s,s:s},s:o,s:o,s:o}", "network_id",
                        network_id, "hosted", 1, "serve", 1, "network", "id", n.std.id,
                        "admin_state_up", n.admin_state_up, "mtu", n.mtu, "project_id",
                        n.std.project_id, "network_type",
                        network_segment_at(&n, (size_t) dp.binding_segment)->network_type,
                        "subnets",
                        subnets, "ports", v.ports, AGENT_FIELD_DHCP_PORT, dhcp_port_json(&dp));
        port_done(&dp);
    }
    for (size_t k = 0; k < v.n_subnets; k++) {
        subnet_done(&v.subnets[k]);
    }
    free(v.subnets);
    network_done(&n);
answer:
    agent_done(&a);
    json_decref(body);
    r = store_commit(c);
    if (r) {
        json_decref(out);
        return api_fail_internal(req, r);
    }
    rpc_reply(req, 200, out);
    return 0;
fail_net:
    for (size_t k = 0; k < v.n_subnets; k++) {
        subnet_done(&v.subnets[k]);
    }
    free(v.subnets);
    network_done(&n);
fail_agent:
    agent_done(&a);
fail:
    store_rollback(c);
    json_decref(body);
    return -1;
}

/* --- ports and ready ------------------------------------------------------------- */

/* The array under 'key': at most MAX_IDS strings; else answers 400 and returns NULL. */
static const json_t *
id_list(struct request *req, const json_t *body, const char *key)
{
    const json_t *list = json_object_get(body, key), *v;
    size_t i;

    if (!json_is_array(list) || json_array_size(list) > MAX_IDS) {
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "'%s' must be a list of at most %d port ids.",
                 key, MAX_IDS);
        return NULL;
    }
    json_array_foreach (list, i, v) {
        if (!json_is_string(v) || json_string_length(v) >= ID_LEN) {
            api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Port ids are strings.");
            return NULL;
        }
    }
    return list;
}

int
dhcp_rpc_ports(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    const char *host, *network_id;
    const json_t *ids, *id;
    json_t *body, *out;
    size_t i;
    int r = 0;

    if (!c || !(body = dhcp_body(req, &host, &network_id))) {
        return -1;
    }
    if (!network_id || !(ids = id_list(req, body, "ids"))) {
        json_decref(body);
        return network_id ? -1 : api_fail(req, API_ERR_HTTP_BAD_REQUEST,
                                          "'network_id' is required.");
    }
    out = json_array();
    r = store_begin(c);       /* One snapshot for the whole answer. */
    json_array_foreach (ids, i, id) {
        struct port p;
        int g;
        if (r) {
            break;
        }
        g = store_port_get(c, json_string_value(id), NULL, &p);
        if (!g && STREQ(p.network_id, network_id)) {
            json_array_append_new(out, dhcp_port_json(&p));
        }
        if (!g) {
            port_done(&p);
        }
        r = g == -ENOENT ? 0 : g;
    }
    r = store_end(c, r);
    json_decref(body);
    if (r) {
        json_decref(out);
        return api_fail_internal(req, r);
    }
    rpc_reply(req, 200, json_pack("{s:o}", "ports", out));
    return 0;
}

int
dhcp_rpc_ready(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    const char *host, *unused;
    const json_t *ids, *id;
    json_t *body;
    int n_ready = 0;
    size_t i;
    int r;

    if (!c || !(body = dhcp_body(req, &host, &unused))) {
        return -1;
    }
    if (!(ids = id_list(req, body, "ports"))) {
        json_decref(body);
        return -1;
    }
    r = store_begin(c);
    json_array_foreach (ids, i, id) {
        struct network n;
        struct port p;
        int g;
        if (r) {
            break;
        }
        g = store_port_get(c, json_string_value(id), NULL, &p);
        if (g) {
            r = g == -ENOENT ? 0 : g;
            continue;
        }
        r = store_network_get(c, p.network_id, NULL, &n);
        if (!r) {
            r = provisioning_complete(c, &p, &n, PROVISIONING_DHCP);
            network_done(&n);
            n_ready++;
        }
        port_done(&p);
    }
    r = store_end(c, r);
    json_decref(body);
    if (r) {
        return api_fail_internal(req, r);
    }
    rpc_reply(req, 200, json_pack("{s:i}", "ready", n_ready));
    return 0;
}
