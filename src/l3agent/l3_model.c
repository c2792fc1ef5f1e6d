/* The L3 agent's input (see l3_model.h): reading it from JSON. */
#include "l3_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"
#include "util.h"

void
l3_model_init(struct l3_model *m)
{
    memset(m, 0, sizeof *m);
}

static void
router_done(struct l3_router *r)
{
    free(r->gateway.fixed_ips);
    free(r->ha_port.fixed_ips);
    free(r->gateway_ips);
    free(r->extra_subnets);
    for (size_t i = 0; i < r->n_interfaces; i++) {
        free(r->interfaces[i].fixed_ips);
    }
    free(r->interfaces);
    free(r->routes);
    free(r->floating_ips);
}

void
l3_model_done(struct l3_model *m)
{
    for (size_t i = 0; i < m->n_routers; i++) {
        router_done(&m->routers[i]);
    }
    free(m->routers);
    memset(m, 0, sizeof *m);
}

/* Where a member is being read, for error messages. */
struct reader {
    char *reason;
    size_t reason_size;
    const char *where;          /* "router <id>" or "routers[<n>]" */
};

static int __attribute__((format(printf, 2, 3)))
fail(struct reader *rd, const char *fmt, ...)
{
    char what[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(rd->reason, rd->reason_size, "%s: %s", rd->where, what);
    return -1;
}

static int
get_id(struct reader *rd, const json_t *o, const char *key, char out[L3_ID_SIZE])
{
    const json_t *v = json_object_get(o, key);

    if (!json_is_string(v) || !uuid_is_valid(json_string_value(v))) {
        return fail(rd, "%s must be a UUID", key);
    }
    snprintf(out, L3_ID_SIZE, "%s", json_string_value(v));
    return 0;
}

static int
get_bool(struct reader *rd, const json_t *o, const char *key, bool dflt, bool *ret)
{
    const json_t *v = json_object_get(o, key);

    if (!v) {
        *ret = dflt;
        return 0;
    }
    if (!json_is_boolean(v)) {
        return fail(rd, "%s must be a boolean", key);
    }
    *ret = json_is_true(v);
    return 0;
}

static int
parse_ip(struct reader *rd, const json_t *v, const char *key, struct ip_addr *ret)
{
    if (!json_is_string(v) || ip_parse(json_string_value(v), ret)) {
        return fail(rd, "%s must be an IP address", key);
    }
    return 0;
}

static int
parse_cidr(struct reader *rd, const json_t *v, const char *key, struct cidr *ret)
{
    if (!json_is_string(v) || cidr_parse(json_string_value(v), ret)) {
        return fail(rd, "%s must be a CIDR", key);
    }
    cidr_normalize(ret);
    return 0;
}

/* An array member (absent or null: empty). */
static int
get_array(struct reader *rd, const json_t *o, const char *key, const json_t **ret)
{
    const json_t *v = json_object_get(o, key);

    if (v && !json_is_null(v) && !json_is_array(v)) {
        return fail(rd, "%s must be a list", key);
    }
    *ret = json_is_array(v) ? v : NULL;
    return 0;
}

static int
fixed_ip_from_json(struct reader *rd, const json_t *j, struct l3_fixed_ip *f)
{
    const json_t *plen = json_object_get(j, "prefixlen"), *cidr = json_object_get(j, "cidr");
    struct cidr c;

    if (!json_is_object(j)) {
        return fail(rd, "fixed_ips must hold objects");
    }
    if (parse_ip(rd, json_object_get(j, "ip_address"), "ip_address", &f->address)) {
        return -1;
    }
    if (json_is_integer(plen)) {
        f->prefixlen = (int) json_integer_value(plen);
    } else if (cidr) {
        if (parse_cidr(rd, cidr, "cidr", &c)) {
            return -1;
        }
        f->prefixlen = c.prefix;
    } else {
        return fail(rd, "a fixed IP needs prefixlen or cidr");
    }
    if (f->prefixlen < 0 || f->prefixlen > ip_bits(f->address.family)) {
        return fail(rd, "prefixlen %d does not fit the address", f->prefixlen);
    }
    const json_t *subnet = json_object_get(j, "subnet_id");
    snprintf(f->subnet_id, sizeof f->subnet_id, "%s",
             json_is_string(subnet) ? json_string_value(subnet) : "");
    return 0;
}

static int
port_from_json(struct reader *rd, const json_t *j, struct l3_port *p)
{
    const json_t *mac = json_object_get(j, "mac_address"), *mtu = json_object_get(j, "mtu");
    const json_t *ips;
    size_t i;
    json_t *v;

    if (!json_is_object(j)) {
        return fail(rd, "a port must be an object");
    }
    if (get_id(rd, j, "port_id", p->id)) {
        return -1;
    }
    if (!json_is_string(mac) || !nl_parse_mac(json_string_value(mac), p->mac)) {
        return fail(rd, "port %s: mac_address must be a MAC address", p->id);
    }
    if (mtu && !json_is_null(mtu)
        && (!json_is_integer(mtu) || json_integer_value(mtu) < 68
            || json_integer_value(mtu) > 65535)) {
        return fail(rd, "port %s: mtu must be an integer from 68 to 65535", p->id);
    }
    p->mtu = json_is_integer(mtu) ? (int) json_integer_value(mtu) : 0;
    if (get_array(rd, j, "fixed_ips", &ips)) {
        return -1;
    }
    p->fixed_ips = xcalloc(json_array_size(ips) + 1, sizeof *p->fixed_ips);
    json_array_foreach(ips, i, v) {
        if (fixed_ip_from_json(rd, v, &p->fixed_ips[p->n_fixed_ips])) {
            return -1;
        }
        p->n_fixed_ips++;
    }
    return 0;
}

static int
gateway_from_json(struct reader *rd, const json_t *j, struct l3_router *r)
{
    const json_t *hops, *extra;
    size_t i;
    json_t *v;

    if (!j || json_is_null(j)) {
        return 0;
    }
    r->has_gateway = true;
    if (port_from_json(rd, j, &r->gateway)
        || get_array(rd, j, "gateway_ips", &hops) || get_array(rd, j, "extra_subnets", &extra)) {
        return -1;
    }
    r->gateway_ips = xcalloc(json_array_size(hops) + 1, sizeof *r->gateway_ips);
    json_array_foreach(hops, i, v) {
        if (parse_ip(rd, v, "gateway_ips", &r->gateway_ips[r->n_gateway_ips])) {
            return -1;
        }
        r->n_gateway_ips++;
    }
    r->extra_subnets = xcalloc(json_array_size(extra) + 1, sizeof *r->extra_subnets);
    json_array_foreach(extra, i, v) {
        if (parse_cidr(rd, v, "extra_subnets", &r->extra_subnets[r->n_extra_subnets])) {
            return -1;
        }
        r->n_extra_subnets++;
    }
    return 0;
}

static int
interfaces_from_json(struct reader *rd, const json_t *j, struct l3_router *r)
{
    const json_t *list;
    size_t i;
    json_t *v;

    if (get_array(rd, j, "interfaces", &list)) {
        return -1;
    }
    r->interfaces = xcalloc(json_array_size(list) + 1, sizeof *r->interfaces);
    json_array_foreach(list, i, v) {
        r->n_interfaces++;      /* Counted at once, so router_done() frees its addresses. */
        if (port_from_json(rd, v, &r->interfaces[r->n_interfaces - 1])) {
            return -1;
        }
    }
    return 0;
}

static int
routes_from_json(struct reader *rd, const json_t *j, struct l3_router *r)
{
    const json_t *list;
    size_t i;
    json_t *v;

    if (get_array(rd, j, "routes", &list)) {
        return -1;
    }
    r->routes = xcalloc(json_array_size(list) + 1, sizeof *r->routes);
    json_array_foreach(list, i, v) {
        struct l3_route *rt = &r->routes[r->n_routes];
        if (!json_is_object(v)
            || parse_cidr(rd, json_object_get(v, "destination"), "destination",
                          &rt->destination)
            || parse_ip(rd, json_object_get(v, "nexthop"), "nexthop", &rt->nexthop)) {
            return json_is_object(v) ? -1 : fail(rd, "routes must hold objects");
        }
        if (rt->destination.addr.family != rt->nexthop.family) {
            return fail(rd, "a route's destination and nexthop differ in IP version");
        }
        r->n_routes++;
    }
    return 0;
}

static int
floating_ips_from_json(struct reader *rd, const json_t *j, struct l3_router *r)
{
    const json_t *list;
    size_t i;
    json_t *v;

    if (get_array(rd, j, "floating_ips", &list)) {
        return -1;
    }
    r->floating_ips = xcalloc(json_array_size(list) + 1, sizeof *r->floating_ips);
    json_array_foreach(list, i, v) {
        struct l3_floating_ip *f = &r->floating_ips[r->n_floating_ips];
        const json_t *port = json_object_get(v, "port_id");
        if (!json_is_object(v)) {
            return fail(rd, "floating_ips must hold objects");
        }
        if (get_id(rd, v, "id", f->id)
            || parse_ip(rd, json_object_get(v, "floating_ip_address"), "floating_ip_address",
                        &f->floating)
            || parse_ip(rd, json_object_get(v, "fixed_ip_address"), "fixed_ip_address",
                        &f->fixed)) {
            return -1;
        }
        if (f->floating.family != 4 || f->fixed.family != 4) {
            return fail(rd, "floating IP %s: floating IPs are IPv4", f->id);
        }
        snprintf(f->port_id, sizeof f->port_id, "%s",
                 json_is_string(port) ? json_string_value(port) : "");
        r->n_floating_ips++;
    }
    return 0;
}

/* "ha": {"vr_id": 1..254, "port": PORT (one IPv4 address), "state"} or absent. */
static int
ha_from_json(struct reader *rd, const json_t *j, struct l3_router *r)
{
    const json_t *vr_id = json_object_get(j, "vr_id"), *state = json_object_get(j, "state");

    if (!j || json_is_null(j)) {
        return 0;
    }
    if (!json_is_object(j)) {
        return fail(rd, "ha must be an object");
    }
    r->ha = true;
    if (!json_is_integer(vr_id) || json_integer_value(vr_id) < 1
        || json_integer_value(vr_id) > 254) {
        return fail(rd, "ha: vr_id must be an integer from 1 to 254");
    }
    r->ha_vr_id = (int) json_integer_value(vr_id);
    if (port_from_json(rd, json_object_get(j, "port"), &r->ha_port)) {
        return -1;
    }
    if (r->ha_port.n_fixed_ips != 1 || r->ha_port.fixed_ips[0].address.family != 4) {
        return fail(rd, "ha: the HA port needs one IPv4 address");
    }
    if (state && !json_is_null(state) && !json_is_string(state)) {
        return fail(rd, "ha: state must be a string");
    }
    snprintf(r->ha_state, sizeof r->ha_state, "%s",
             json_is_string(state) ? json_string_value(state) : "");
    return 0;
}

static int
router_from_json(struct reader *rd, const json_t *j, struct l3_router *r)
{
    if (!json_is_object(j)) {
        return fail(rd, "a router must be an object");
    }
    if (get_id(rd, j, "id", r->id)) {
        return -1;
    }
    char where[64];
    snprintf(where, sizeof where, "router %s", r->id);
    rd->where = where;
    int rc = get_bool(rd, j, "admin_state_up", true, &r->admin_state_up)
             || get_bool(rd, j, "enable_snat", true, &r->enable_snat)
             || gateway_from_json(rd, json_object_get(j, "gateway"), r)
             || interfaces_from_json(rd, j, r) || routes_from_json(rd, j, r)
             || floating_ips_from_json(rd, j, r)
             || ha_from_json(rd, json_object_get(j, "ha"), r);
    rd->where = "routers";
    return rc ? -1 : 0;
}

int
l3_model_from_json(const json_t *j, struct l3_model *m, char *reason, size_t reason_size)
{
    struct reader rd = { reason, reason_size, "model" };
    const json_t *list = json_object_get(j, "routers");
    size_t i;
    json_t *v;

    if (!json_is_object(j) || !json_is_array(list)) {
        return fail(&rd, "a node model is an object with a list \"routers\"");
    }
    rd.where = "routers";
    m->routers = xcalloc(json_array_size(list) + 1, sizeof *m->routers);
    json_array_foreach(list, i, v) {
        struct l3_router *r = &m->routers[m->n_routers];
        m->n_routers++;         /* Counted at once, so l3_model_done() frees its parts. */
        if (router_from_json(&rd, v, r)) {
            return -1;
        }
        for (size_t k = 0; k + 1 < m->n_routers; k++) {
            if (!strcmp(m->routers[k].id, r->id)) {
                return fail(&rd, "router %s appears twice", r->id);
            }
        }
    }
    return 0;
}
