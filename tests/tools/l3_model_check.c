/* l3-model-check: reads a node model (the answer of POST /agent/v1/l3/routers) on
 * standard input through the L3 engine's own parser, l3_model_from_json(), and prints
 * what it understood as one JSON line, for tests/api/test_l3_scheduling.py:
 *   {"ok": true, "routers": [{"id", "admin_state_up", "enable_snat", "gateway": null |
 *     {"port_id", "mtu", "fixed_ips": ["addr/plen"...], "gateway_ips", "extra_subnets"},
 *     "interfaces": [{"port_id", "mtu", "fixed_ips": ["addr/plen"...]}], "routes":
 *     ["dest via hop"...], "floating_ips": [{"id", "floating", "fixed", "port_id"}]}]}
 * or {"ok": false, "error": "..."}. */
#include <jansson.h>
#include <stdio.h>

#include "ip.h"
#include "l3_model.h"

static json_t *
addr(const struct ip_addr *a)
{
    char text[IP_STRLEN];

    ip_format(a, text);
    return json_string(text);
}

static json_t *
cidr_json(const struct cidr *c)
{
    char text[CIDR_STRLEN];

    cidr_format(c, text);
    return json_string(text);
}

static json_t *
port_json(const struct l3_port *p)
{
    json_t *ips = json_array();

    for (size_t i = 0; i < p->n_fixed_ips; i++) {
        char text[IP_STRLEN];
        ip_format(&p->fixed_ips[i].address, text);
        json_array_append_new(ips, json_sprintf("%s/%d", text, p->fixed_ips[i].prefixlen));
    }
    return json_pack("{s:s,s:i,s:o}", "port_id", p->id, "mtu", p->mtu, "fixed_ips", ips);
}

static json_t *
router_json(const struct l3_router *r)
{
    json_t *o = json_pack("{s:s,s:b,s:b}", "id", r->id, "admin_state_up", r->admin_state_up,
                          "enable_snat", r->enable_snat);
    json_t *list;

    if (r->has_gateway) {
        json_t *gw = port_json(&r->gateway);
        json_t *hops = json_array(), *extra = json_array();
        for (size_t i = 0; i < r->n_gateway_ips; i++) {
            json_array_append_new(hops, addr(&r->gateway_ips[i]));
        }
        for (size_t i = 0; i < r->n_extra_subnets; i++) {
            json_array_append_new(extra, cidr_json(&r->extra_subnets[i]));
        }
        json_object_set_new(gw, "gateway_ips", hops);
        json_object_set_new(gw, "extra_subnets", extra);
        json_object_set_new(o, "gateway", gw);
    } else {
        json_object_set_new(o, "gateway", json_null());
    }
    list = json_array();
    for (size_t i = 0; i < r->n_interfaces; i++) {
        json_array_append_new(list, port_json(&r->interfaces[i]));
    }
    json_object_set_new(o, "interfaces", list);
    list = json_array();
    for (size_t i = 0; i < r->n_routes; i++) {
        char hop[IP_STRLEN], dest[CIDR_STRLEN];
        cidr_format(&r->routes[i].destination, dest);
        ip_format(&r->routes[i].nexthop, hop);
        json_array_append_new(list, json_sprintf("%s via %s", dest, hop));
    }
    json_object_set_new(o, "routes", list);
    list = json_array();
    for (size_t i = 0; i < r->n_floating_ips; i++) {
        const struct l3_floating_ip *f = &r->floating_ips[i];
        json_array_append_new(list, json_pack("{s:s,s:o,s:o,s:s}", "id", f->id, "floating",
                                              addr(&f->floating), "fixed", addr(&f->fixed),
                                              "port_id", f->port_id));
    }
    json_object_set_new(o, "floating_ips", list);
    return o;
}

int
main(void)
{
    json_t *in = json_loadf(stdin, 0, NULL), *out, *routers;
    struct l3_model m;
    char reason[256];

    if (!in) {
        puts("{\"ok\": false, \"error\": \"not JSON\"}");
        return 1;
    }
    l3_model_init(&m);
    if (l3_model_from_json(in, &m, reason, sizeof reason)) {
        out = json_pack("{s:b,s:s}", "ok", 0, "error", reason);
    } else {
        routers = json_array();
        for (size_t i = 0; i < m.n_routers; i++) {
            json_array_append_new(routers, router_json(&m.routers[i]));
        }
        out = json_pack("{s:b,s:o}", "ok", 1, "routers", routers);
    }
    json_dumpf(out, stdout, JSON_COMPACT);
    putchar('\n');
    json_decref(out);
    json_decref(in);
    l3_model_done(&m);
    return 0;
}
