/* Router interfaces in the domain core (docs/behaviour/api.md §14): add_router_interface
 * by subnet (a new network:router_interface port on the subnet's gateway address) or by
 * port (an existing port taken over), and remove_router_interface by port or subnet, with
 * Neutron's checks in Neutron's order.  The router itself is core/router.c's. */
#include "router.h"
#include "router_internal.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "ip.h"
#include "l3/l3_sched.h"
#include "store/store.h"
#include "util.h"
void
router_interface_done(struct router_interface *ri)
{
    if (!ri) {
        return;
    }
    free(ri->project_id);
    free(ri->subnet_ids_json);
    ri->project_id = ri->subnet_ids_json = NULL;
}

/* Neutron refuses an IPv6 subnet whose hosts take their addresses from another
 * router's advertisements. */
static int
check_address_mode(const struct op *op, const struct subnet *s)
{
    if (s->ip_version == 6 && !s->ipv6_ra_mode && s->ipv6_address_mode) {
        return router_bad_request(op, "IPv6 subnet %s configured to receive RAs from an external"
                          " router cannot be added to Neutron Router", s->std.id);
    }
    return 0;
}

/* The subnets a router is on already: each interface's, and every subnet of its
 * gateway's network.  A subnet of 'news' that a router port is on already is refused
 * first. */
static int
router_subnet_ids(const struct op *op, const struct router *rt, const struct subnet *news,
                  size_t n_news, struct id_set *ret)
{
    struct id_set ports = { NULL, 0 };
    int r = router_ports(op, rt->std.id, ROUTER_INTERFACE_OWNER, &ports)
            || router_ports(op, rt->std.id, ROUTER_GATEWAY_OWNER, &ports);

    for (size_t i = 0; i < ports.n && !r; i++) {
        struct ip_allocation *allocs = NULL;
        size_t n = 0;
        int e = store_allocs_of_port(op->c, ports.ids[i], &allocs, &n);
        bool gateway = STREQ(ports.ids[i], rt->gw_port_id);

        r = e ? core_internal(op, e) : 0;
        for (size_t k = 0; k < n && !r; k++) {
            for (size_t j = 0; j < n_news && !r; j++) {
                if (STREQ(allocs[k].subnet_id, news[j].std.id)) {
                    r = router_bad_request(op, "Router already has a port on subnet %s",
                                   allocs[k].subnet_id);
                }
            }
            if (!r && !gateway) {
                id_set_add(allocs[k].subnet_id, ret);
            }
        }
        if (!r && gateway && n) {
            struct subnet *ext = NULL;
            size_t n_ext = 0;
            e = store_subnets_of_network(op->c, rt->gw_network_id, &ext, &n_ext);
            r = e ? core_internal(op, e) : 0;
            for (size_t k = 0; k < n_ext; k++) {
                id_set_add(ext[k].std.id, ret);
                subnet_done(&ext[k]);
            }
            free(ext);
        }
        free(allocs);
    }
    free(ports.ids);
    return r;
}

/* Neutron's check that new subnets of a router neither are on it already nor overlap
 * one of its subnets. */
static int
check_router_subnets(const struct op *op, const struct router *rt, const struct subnet *news,
                     size_t n_news)
{
    struct id_set have = { NULL, 0 };
    int r = router_subnet_ids(op, rt, news, n_news, &have);

    for (size_t i = 0; i < have.n && !r; i++) {
        struct subnet s;
        struct cidr a, b;
        int e = store_subnet_get(op->c, have.ids[i], NULL, &s);
        if (e) {
            r = e == -ENOENT ? 0 : core_internal(op, e);
            continue;
        }
        for (size_t j = 0; j < n_news && !r; j++) {
            if (!cidr_parse(s.cidr, &a) && !cidr_parse(news[j].cidr, &b)
                && cidr_overlaps(&a, &b)) {
                r = router_bad_request(op, "Cidr %s of subnet %s overlaps with cidr %s of subnet %s",
                               news[j].cidr, news[j].std.id, s.cidr, s.std.id);
            }
        }
        subnet_done(&s);
    }
    free(have.ids);
    return r;
}

static int
subnet_visible(const struct op *op, const char *id, struct subnet *ret)
{
    int r = store_subnet_get(op->c, id, context_visible_to(op->caller), ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return r == -ENOENT ? api_error_set(op->err, API_ERR_SUBNET_NOT_FOUND,
                                            "Subnet %s could not be found.", id)
                            : core_internal(op, r);
    }
    return 0;
}

/* Fills the answer for the port 'p' and its subnets. */
static void
fill_interface(const struct router *rt, const struct port *p, const struct subnet *subnets,
               size_t n, size_t named, struct router_interface *ret)
{
    struct buf ids = BUF_INITIALIZER;

    memset(ret, 0, sizeof *ret);
    memcpy(ret->router_id, rt->std.id, ID_LEN);
    ret->project_id = xstrdup(p->std.project_id);
    memcpy(ret->port_id, p->std.id, ID_LEN);
    memcpy(ret->network_id, p->network_id, ID_LEN);
    buf_add_char(&ids, '[');
    for (size_t i = 0; i < n; i++) {
        buf_printf(&ids, "%s\"%s\"", i ? "," : "", subnets[i].std.id);
    }
    buf_add_char(&ids, ']');
    ret->subnet_ids_json = buf_steal(&ids);
    if (n) {
        memcpy(ret->subnet_id, subnets[named].std.id, ID_LEN);
    }
}

static int
add_by_subnet(const struct op *op, const struct router *rt, const char *subnet_id,
              struct router_interface *ret)
{
    struct subnet s;
    struct port p;
    char port_id[ID_LEN];
    int r = subnet_visible(op, subnet_id, &s);

    if (r) {
        return -1;
    }
    if (!s.gateway_ip) {
        r = router_bad_request(op, "Subnet for router interface must have a gateway IP");
    } else if (!op->caller->is_admin && !STREQ(s.std.project_id, op->caller->project_id)) {
        r = router_bad_request(op, "Cannot add interface to router because subnet %s is not owned"
                       " by project making the request", subnet_id);
    }
    r = r ? r : check_address_mode(op, &s) || check_router_subnets(op, rt, &s, 1);
    if (!r) {
        struct fixed_ip_spec ip = { s.std.id, s.gateway_ip, false };
        struct port_spec ps = {
            .project_id = rt->std.project_id, .network_id = s.network_id, .name = "",
            .has_admin_state_up = true, .admin_state_up = true, .device_id = rt->std.id,
            .device_owner = ROUTER_INTERFACE_OWNER, .has_fixed_ips = true,
            .fixed_ips = &ip, .n_fixed_ips = 1,
        };
        r = core_port_create(op, &ps, port_id);
    }
    if (!r) {
        int e = store_router_port_add(op->c, rt->std.id, port_id, ROUTER_INTERFACE_OWNER);
        e = e ? e : store_port_get(op->c, port_id, NULL, &p);
        r = e ? core_internal(op, e) : 0;
        if (!r) {
            fill_interface(rt, &p, &s, 1, 0, ret);
            port_done(&p);
        }
    }
    subnet_done(&s);
    return r ? -1 : 0;
}

/* Reads the subnets of the port 'port_id' (in its addresses' order). */
static int
port_subnets(const struct op *op, const char *port_id, struct subnet **ret, size_t *ret_n)
{
    struct ip_allocation *allocs = NULL;
    struct subnet *subnets;
    size_t n = 0, n_subnets = 0;
    int r = store_allocs_of_port(op->c, port_id, &allocs, &n);

    if (r) {
        return core_internal(op, r);
    }
    subnets = xcalloc(n ? n : 1, sizeof *subnets);
    for (size_t i = 0; i < n && !r; i++) {
        bool seen = false;
        for (size_t k = 0; k < n_subnets && !seen; k++) {
            seen = STREQ(subnets[k].std.id, allocs[i].subnet_id);
        }
        if (!seen) {
            r = store_subnet_get(op->c, allocs[i].subnet_id, NULL, &subnets[n_subnets]);
            n_subnets += !r;
        }
    }
    free(allocs);
    if (r) {
        for (size_t k = 0; k < n_subnets; k++) {
            subnet_done(&subnets[k]);
        }
        free(subnets);
        return core_internal(op, r);
    }
    *ret = subnets;
    *ret_n = n_subnets;
    return 0;
}

static void
subnets_free(struct subnet *subnets, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        subnet_done(&subnets[k]);
    }
    free(subnets);
}

/* The checks of a port becoming a router interface, in Neutron's order. */
static int
check_interface_port(const struct op *op, const struct router *rt, const struct port *p,
                     const struct subnet *subnets, size_t n)
{
    size_t n_v4 = 0;

    if (*p->device_id) {
        return api_error_set(op->err, API_ERR_PORT_IN_USE, "Unable to complete operation on"
                             " port %s for network %s. Port already has an attached device"
                             " %s.", p->std.id, p->network_id, p->device_id);
    }
    if (!n) {
        return router_bad_request(op, "Router port must have at least one fixed IP");
    }
    for (size_t i = 0; i < n; i++) {
        if (check_address_mode(op, &subnets[i])) {
            return -1;
        }
        n_v4 += subnets[i].ip_version == 4;
    }
    if (check_router_subnets(op, rt, subnets, n)) {
        return -1;
    }
    if (n_v4 > 1) {
        return router_bad_request(op, "Cannot have multiple IPv4 subnets on router port");
    }
    return 0;
}

static int
add_by_port(const struct op *op, const struct router *rt, const char *port_id,
            struct router_interface *ret)
{
    struct port_spec ps = { .device_id = rt->std.id, .device_owner = ROUTER_INTERFACE_OWNER };
    struct subnet *subnets = NULL;
    size_t n = 0;
    struct port p;
    int r = core_port_get(op, port_id, &p);

    if (r) {
        return -1;
    }
    r = port_subnets(op, p.std.id, &subnets, &n)
        || check_interface_port(op, rt, &p, subnets, n)
        || core_port_update_read(op, &p, &ps);
    if (!r) {
        int e = store_router_port_add(op->c, rt->std.id, p.std.id, ROUTER_INTERFACE_OWNER);
        r = e ? core_internal(op, e) : 0;
    }
    if (!r) {
        fill_interface(rt, &p, subnets, n, n - 1, ret);
    }
    subnets_free(subnets, n);
    port_done(&p);
    return r ? -1 : 0;
}

/* Neutron's checks of an interface request: one of subnet_id and port_id (both only
 * when removing), each a UUID. */
static int
check_interface_info(const struct op *op, const char *subnet_id, const char *port_id,
                     bool removal)
{
    if (!subnet_id && !port_id) {
        return router_bad_request(op, "Either subnet_id or port_id must be specified");
    }
    if (port_id && !uuid_is_valid(port_id)) {
        return router_bad_request(op, "'%s' is not a valid UUID", port_id);
    }
    if (subnet_id && !uuid_is_valid(subnet_id)) {
        return router_bad_request(op, "'%s' is not a valid UUID", subnet_id);
    }
    if (!removal && subnet_id && port_id) {
        return router_bad_request(op, "Cannot specify both subnet-id and port-id");
    }
    return 0;
}

/* An interface change bumps the router's revision once. */
static int
bump(const struct op *op, const char *router_id)
{
    char now[TIMESTAMP_LEN];
    int r;

    time_iso8601_now(now);
    r = store_router_bump(op->c, router_id, now);
    return r ? core_internal(op, r) : 0;
}

int
core_router_add_interface(const struct op *op, const char *router_id, const char *subnet_id,
                          const char *port_id, struct router_interface *ret)
{
    struct router rt;
    int r = router_for(op, router_id, POLICY_ADD_INTERFACE, &rt)
            || check_interface_info(op, subnet_id, port_id, false);

    if (!r) {
        r = port_id ? add_by_port(op, &rt, port_id, ret) : add_by_subnet(op, &rt, subnet_id,
                                                                          ret);
        if (!r && (bump(op, rt.std.id) || l3_router_changed(op, rt.std.id, true))) {
            router_interface_done(ret);
            r = -1;
        }
    }
    router_done(&rt);
    return r ? -1 : 0;
}

/* A floating IP's fixed address inside the subnet being taken away. */
struct fip_in_subnet {
    struct cidr cidr;
    bool found;
};

static int
fip_in_subnet(const char *fixed_ip, const char *port_id, void *aux)
{
    struct fip_in_subnet *f = aux;
    struct ip_addr a;

    if (fixed_ip && !ip_parse(fixed_ip, &a) && cidr_contains(&f->cidr, &a)) {
        f->found = true;
    }
    return 0;
}

/* Refuses to take away a subnet that a floating IP through the router, or a route's
 * next hop, is on (Neutron checks in that order). */
static int
check_subnet_not_routed(const struct op *op, const struct router *rt, const struct subnet *s)
{
    struct fip_in_subnet fips = { .found = false };
    struct route_spec *routes = NULL;
    json_t *json = NULL;
    struct cidr c;
    size_t n = 0;
    int r;

    if (!cidr_parse(s->cidr, &fips.cidr)) {
        r = store_floatingip_fixed_of_router(op->c, rt->std.id, fip_in_subnet, &fips);
        if (r) {
            return core_internal(op, r);
        }
        if (fips.found) {
            return api_error_set(op->err, API_ERR_ROUTER_INTERFACE_IN_USE_BY_FIP, "Router"
                                 " interface for subnet %s on router %s cannot be deleted, as"
                                 " it is required by one or more floating IPs.", s->std.id,
                                 rt->std.id);
        }
    }
    r = router_current_routes(op, rt, &json, &routes, &n);

    for (size_t i = 0; i < n && !r; i++) {
        struct ip_addr hop;
        if (!cidr_parse(s->cidr, &c) && !ip_parse(routes[i].nexthop, &hop)
            && cidr_contains(&c, &hop)) {
            r = api_error_set(op->err, API_ERR_ROUTER_INTERFACE_IN_USE_BY_ROUTE, "Router"
                              " interface for subnet %s on router %s cannot be deleted, as"
                              " it is required by one or more routes.", s->std.id,
                              rt->std.id);
        }
    }
    free(routes);
    json_decref(json);
    return r;
}

static int
remove_by_port(const struct op *op, const struct router *rt, const char *port_id,
               const char *subnet_id, struct router_interface *ret)
{
    struct subnet *subnets = NULL;
    char owner[ID_LEN];
    bool named = !subnet_id;
    size_t n = 0;
    struct port p;
    int r = store_port_router(op->c, port_id, owner);

    if (r) {
        return core_internal(op, r);
    }
    /* Only an interface: the gateway port is no interface. */
    if (!STREQ(owner, rt->std.id) || STREQ(port_id, rt->gw_port_id)
        || store_port_get(op->c, port_id, NULL, &p)) {
        return api_error_set(op->err, API_ERR_ROUTER_INTERFACE_NOT_FOUND, "Router %s does not"
                             " have an interface with id %s", rt->std.id, port_id);
    }
    r = port_subnets(op, port_id, &subnets, &n);
    for (size_t i = 0; i < n && !r && !named; i++) {
        named = STREQ(subnets[i].std.id, subnet_id);
    }
    if (!r && !named) {
        r = api_error_set(op->err, API_ERR_SUBNET_MISMATCH_FOR_PORT, "Subnet on port %s does"
                          " not match the requested subnet %s.", port_id, subnet_id);
    }
    for (size_t i = 0; i < n && !r; i++) {
        r = check_subnet_not_routed(op, rt, &subnets[i]);
    }
    r = r ? r : core_port_delete_read(op, &p);
    if (!r) {
        fill_interface(rt, &p, subnets, n, 0, ret);
    }
    subnets_free(subnets, n);
    port_done(&p);
    return r ? -1 : 0;
}

/* The router's interface on 'subnet_id' of the network of 's': its port drops the
 * subnet, or goes if that was its only one. */
static int
remove_from_port(const struct op *op, const struct router *rt, const struct subnet *s,
                 const char *port_id, bool *ret_done, struct router_interface *ret)
{
    struct subnet *subnets = NULL;
    size_t n = 0, at = 0;
    struct port p;
    int r;

    *ret_done = false;
    if (store_port_get(op->c, port_id, NULL, &p)) {
        return 0;
    }
    r = !STREQ(p.network_id, s->network_id) ? 0 : port_subnets(op, port_id, &subnets, &n);
    for (at = 0; at < n && !STREQ(subnets[at].std.id, s->std.id); at++) {
    }
    if (!r && at < n) {
        fill_interface(rt, &p, s, 1, 0, ret);
        *ret_done = true;
        if (n > 1) {
            struct fixed_ip_spec *keep = xcalloc(n, sizeof *keep);
            struct port_spec ps = { .has_fixed_ips = true, .fixed_ips = keep };
            struct ip_allocation *allocs = NULL;
            size_t n_allocs = 0;
            int e = store_allocs_of_port(op->c, port_id, &allocs, &n_allocs);
            r = e ? core_internal(op, e) : 0;
            for (size_t i = 0; i < n_allocs && !r; i++) {
                if (!STREQ(allocs[i].subnet_id, s->std.id)) {
                    keep[ps.n_fixed_ips++] = (struct fixed_ip_spec) {
                        allocs[i].subnet_id, allocs[i].ip_address, false };
                }
            }
            r = r ? r : core_port_update_read(op, &p, &ps);
            free(allocs);
            free(keep);
        } else {
            r = core_port_delete_read(op, &p);
        }
        if (r) {
            router_interface_done(ret);
        }
    }
    subnets_free(subnets, n);
    port_done(&p);
    return r ? -1 : 0;
}

static int
remove_by_subnet(const struct op *op, const struct router *rt, const char *subnet_id,
                 struct router_interface *ret)
{
    struct id_set ports = { NULL, 0 };
    bool done = false, on_network = false;
    struct subnet s;
    int r = subnet_visible(op, subnet_id, &s) || router_ports(op, rt->std.id,
                                                              ROUTER_INTERFACE_OWNER, &ports);

    for (size_t i = 0; i < ports.n && !r && !on_network; i++) {
        struct port p;
        if (!store_port_get(op->c, ports.ids[i], NULL, &p)) {
            on_network = STREQ(p.network_id, s.network_id);
            port_done(&p);
        }
    }
    r = r ? r : on_network ? check_subnet_not_routed(op, rt, &s) : 0;
    for (size_t i = 0; i < ports.n && !r && !done; i++) {
        r = remove_from_port(op, rt, &s, ports.ids[i], &done, ret);
    }
    if (!r && !done) {
        r = api_error_set(op->err, API_ERR_ROUTER_INTERFACE_NOT_FOUND_FOR_SUBNET, "Router %s"
                          " has no interface on subnet %s", rt->std.id, subnet_id);
    }
    free(ports.ids);
    subnet_done(&s);
    return r ? -1 : 0;
}

int
core_router_remove_interface(const struct op *op, const char *router_id,
                             const char *subnet_id, const char *port_id,
                             struct router_interface *ret)
{
    struct router rt;
    int r = router_for(op, router_id, POLICY_REMOVE_INTERFACE, &rt)
            || check_interface_info(op, subnet_id, port_id, true);

    if (!r) {
        r = port_id ? remove_by_port(op, &rt, port_id, subnet_id, ret)
                    : remove_by_subnet(op, &rt, subnet_id, ret);
        if (!r && (bump(op, rt.std.id) || l3_router_changed(op, rt.std.id, true))) {
            router_interface_done(ret);
            r = -1;
        }
    }
    router_done(&rt);
    return r ? -1 : 0;
}
