/* Routers in the domain core; see router.h. */
#include "router.h"
#include "router_ha.h"
#include "router_internal.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "agent_proto.h"
#include "core/availability_zone.h"
#include "core/quota.h"
#include "buf.h"
#include "config.h"
#include "ip.h"
#include "l3/l3_sched.h"
#include "store/store.h"
#include "util.h"

int
router_bad_request(const struct op *op, const char *fmt, ...)
{
    struct buf why = BUF_INITIALIZER;
    va_list ap;
    int r;

    va_start(ap, fmt);
    buf_vprintf(&why, fmt, ap);
    va_end(ap);
    r = api_error_set(op->err, API_ERR_BAD_REQUEST, "Bad router request: %s.", buf_cstr(&why));
    buf_done(&why);
    return r;
}

/* The same store connection and error, acting as the server (the gateway port belongs
 * to no project, as in Neutron). */
static struct op
service_op(const struct op *op, struct context *svc)
{
    context_service(svc);
    return (struct op) { op->app, svc, op->c, op->err };
}

/* --- Reading ---------------------------------------------------------------------- */

int
router_for(const struct op *op, const char *id, enum policy_action action, struct router *ret)
{
    int r = store_router_get(op->c, id, context_visible_to(op->caller), ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return r == -ENOENT ? api_error_set(op->err, API_ERR_ROUTER_NOT_FOUND,
                                            "Router %s could not be found", id)
                            : core_internal(op, r);
    }
    return core_authorize(op, POLICY_ROUTER, action,
                          &(struct policy_target) { .project_id = ret->std.project_id });
}

int
core_router_get(const struct op *op, const char *id, struct router *ret)
{
    if (router_for(op, id, POLICY_GET, ret)) {
        router_done(ret);
        return -1;
    }
    return 0;
}

/* Reads the router 'id' again as stored (after a write). */
static int
reread(const struct op *op, const char *id, struct router *ret)
{
    int r = store_router_get(op->c, id, NULL, ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return core_internal(op, r);
    }
    return 0;
}

int
id_set_add(const char *id, void *aux)
{
    struct id_set *s = aux;

    s->ids = xrealloc(s->ids, (s->n + 1) * sizeof *s->ids);
    snprintf(s->ids[s->n++], ID_LEN, "%s", id);
    return 0;
}

int
router_ports(const struct op *op, const char *router_id, const char *type, struct id_set *ret)
{
    int r = store_router_ports(op->c, router_id, type, id_set_add, ret);

    return r ? core_internal(op, r) : 0;
}

/* --- Policy on the gateway's attributes ------------------------------------------- */

/* enable_snat and external_fixed_ips are for admins only; Neutron names every
 * sub-attribute given in its refusal, in its table's order. */
static int
check_gateway_policy(const struct op *op, const struct router_spec *spec, bool create)
{
    const struct gateway_spec *g = &spec->gateway;
    const char *action = create ? "create_router" : "update_router";
    struct buf subs = BUF_INITIALIZER;
    int r;

    if (op->caller->is_admin || !spec->has_gateway || !g->network_id
        || (!g->has_enable_snat && !g->has_fixed_ips)) {
        return 0;
    }
    buf_printf(&subs, "rule:%s:external_gateway_info:network_id", action);
    if (g->has_fixed_ips) {
        buf_printf(&subs, " and rule:%s:external_gateway_info:external_fixed_ips", action);
    }
    if (g->has_enable_snat) {
        buf_printf(&subs, " and rule:%s:external_gateway_info:enable_snat", action);
    }
    r = api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED, "(rule:%s and (rule:%s:"
                      "external_gateway_info and (%s))) is disallowed by policy", action,
                      action, buf_cstr(&subs));
    buf_done(&subs);
    return r;
}

/* distributed and ha are admins' to give; distributed routers do not exist here. */
static int
check_router_kind(const struct op *op, const struct router_spec *spec, bool create)
{
    const char *action = create ? "create_router" : "update_router";
    const char *given = spec->has_distributed ? "distributed" : spec->has_ha ? "ha" : NULL;

    if (!given) {
        return 0;
    }
    if (!op->caller->is_admin) {
        return api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED, "(rule:%s and rule:%s:%s)"
                             " is disallowed by policy", action, action, given);
    }
    if (spec->has_distributed && spec->distributed) {
        return router_bad_request(op, "distributed routers are not supported; only false is"
                                  " accepted for distributed");
    }
    return 0;
}

/* Neutron's check of a change of ha: only on a router set down (in this request or
 * before). */
static int
check_ha_change(const struct op *op, const struct router *rt, const struct router_spec *spec)
{
    bool up = spec->has_admin_state_up ? spec->admin_state_up : rt->admin_state_up;

    if (!spec->has_ha || spec->ha == rt->ha || !up) {
        return 0;
    }
    return router_bad_request(op, "Cannot change HA attribute of active routers. Please set"
                              " router admin_state_up to False prior to upgrade");
}

/* --- Extra routes ------------------------------------------------------------------ */

/* Every subnet CIDR and address of the router's ports (gateway and interfaces), which
 * a route's next hop must be on and must not be. */
struct router_addresses {
    struct cidr *cidrs;
    size_t n_cidrs;
    struct ip_addr *ips;
    size_t n_ips;
};

static void
router_addresses_done(struct router_addresses *ra)
{
    free(ra->cidrs);
    free(ra->ips);
}

static int
add_port_addresses(const struct op *op, const char *port_id, struct router_addresses *ra)
{
    struct ip_allocation *allocs = NULL;
    size_t n = 0;
    int r = store_allocs_of_port(op->c, port_id, &allocs, &n);

    for (size_t i = 0; i < n && !r; i++) {
        struct subnet s;
        r = store_subnet_get(op->c, allocs[i].subnet_id, NULL, &s);
        if (!r) {
            ra->cidrs = xrealloc(ra->cidrs, (ra->n_cidrs + 1) * sizeof *ra->cidrs);
            ra->ips = xrealloc(ra->ips, (ra->n_ips + 1) * sizeof *ra->ips);
            if (!cidr_parse(s.cidr, &ra->cidrs[ra->n_cidrs])) {
                ra->n_cidrs++;
            }
            if (!ip_parse(allocs[i].ip_address, &ra->ips[ra->n_ips])) {
                ra->n_ips++;
            }
            subnet_done(&s);
        }
    }
    free(allocs);
    return r ? core_internal(op, r) : 0;
}

/* The addresses of the router's interfaces, and of its gateway port if 'gateway'. */
static int
router_addresses(const struct op *op, const char *router_id, bool gateway,
                 struct router_addresses *ret)
{
    struct id_set ports = { NULL, 0 };
    int r = router_ports(op, router_id, ROUTER_INTERFACE_OWNER, &ports)
            || (gateway && router_ports(op, router_id, ROUTER_GATEWAY_OWNER, &ports));

    memset(ret, 0, sizeof *ret);
    for (size_t i = 0; i < ports.n && !r; i++) {
        r = add_port_addresses(op, ports.ids[i], ret);
    }
    free(ports.ids);
    if (r) {
        router_addresses_done(ret);
    }
    return r;
}

/* Python's repr() of a list of routes, as Neutron's InvalidRoutes prints it. */
static void
routes_repr(struct buf *out, const struct route_spec *routes, size_t n)
{
    buf_add_char(out, '[');
    for (size_t i = 0; i < n; i++) {
        buf_printf(out, "%s{'destination': '%s', 'nexthop': '%s'}", i ? ", " : "",
                   routes[i].destination, routes[i].nexthop);
    }
    buf_add_char(out, ']');
}

static int
invalid_routes(const struct op *op, const struct route_spec *routes, size_t n,
               const char *reason)
{
    struct buf list = BUF_INITIALIZER;
    int r;

    routes_repr(&list, routes, n);
    r = api_error_set(op->err, API_ERR_INVALID_ROUTES, "Invalid format for routes: %s, %s",
                      buf_cstr(&list), reason);
    buf_done(&list);
    return r;
}

/* Each route's next hop must be on one of the subnets of 'ra' and not one of its
 * addresses. */
static int
check_next_hops(const struct op *op, const struct router_addresses *ra,
                const struct route_spec *routes, size_t n)
{
    int r = 0;

    for (size_t i = 0; i < n && !r; i++) {
        struct ip_addr hop;
        bool connected = false, used = false;

        if (ip_parse(routes[i].nexthop, &hop)) {
            r = invalid_routes(op, routes, n, "the nexthop is not connected with router");
            break;
        }
        for (size_t k = 0; k < ra->n_cidrs && !connected; k++) {
            connected = cidr_contains(&ra->cidrs[k], &hop);
        }
        for (size_t k = 0; k < ra->n_ips && !used; k++) {
            used = ip_equal(&ra->ips[k], &hop);
        }
        if (!connected) {
            r = invalid_routes(op, routes, n, "the nexthop is not connected with router");
        } else if (used) {
            r = invalid_routes(op, routes, n, "the nexthop is used by router");
        }
    }
    return r;
}

/* Neutron's checks of a router's new set of routes: at most max_routes, and each next
 * hop on one of the router's subnets but not one of its own addresses. */
static int
validate_routes(const struct op *op, const struct router *rt, const struct route_spec *routes,
                size_t n)
{
    struct router_addresses ra;
    int r;

    if (n > (size_t) op->app->cfg->max_routes) {
        return api_error_set(op->err, API_ERR_ROUTES_EXHAUSTED, "Unable to complete"
                             " operation for %s. The number of routes exceeds the maximum"
                             " %d.", rt->std.id, op->app->cfg->max_routes);
    }
    if (router_addresses(op, rt->std.id, true, &ra)) {
        return -1;
    }
    r = check_next_hops(op, &ra, routes, n);
    router_addresses_done(&ra);
    return r;
}

int
router_current_routes(const struct op *op, const struct router *rt, json_t **ret_json,
               struct route_spec **ret, size_t *ret_n)
{
    json_t *list = json_loads(rt->routes_json ? rt->routes_json : "[]", 0, NULL);
    struct route_spec *routes;
    size_t i, n = json_array_size(list);
    json_t *item;

    if (!json_is_array(list)) {
        json_decref(list);
        return core_internal(op, -EIO);
    }
    routes = xcalloc(n ? n : 1, sizeof *routes);
    json_array_foreach (list, i, item) {
        routes[i].destination = json_string_value(json_object_get(item, "destination"));
        routes[i].nexthop = json_string_value(json_object_get(item, "nexthop"));
        if (!routes[i].destination || !routes[i].nexthop) {
            free(routes);
            json_decref(list);
            return core_internal(op, -EIO);
        }
    }
    *ret_json = list;
    *ret = routes;
    *ret_n = n;
    return 0;
}

static bool
same_route(const struct route_spec *a, const struct route_spec *b)
{
    return STREQ(a->destination, b->destination) && STREQ(a->nexthop, b->nexthop);
}

static bool
route_in(const struct route_spec *r, const struct route_spec *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (same_route(r, &list[i])) {
            return true;
        }
    }
    return false;
}

/* Writes 'routes' as the router's routes JSON (owned). */
static char *
routes_json(const struct route_spec *const *routes, size_t n)
{
    json_t *list = json_array();
    char *text;

    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "destination", json_string(routes[i]->destination));
        json_object_set_new(o, "nexthop", json_string(routes[i]->nexthop));
        json_array_append_new(list, o);
    }
    text = json_dumps(list, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(list);
    return text;
}

/* Replaces the router's routes with 'want' (checked first), keeping the order Neutron's
 * rows have: the routes that stay, then the new ones. */
static int
set_routes(const struct op *op, struct router *rt, const struct route_spec *want, size_t n)
{
    const struct route_spec **order;
    struct route_spec *now;
    size_t n_now, n_order = 0;
    json_t *now_json;

    if (validate_routes(op, rt, want, n) || router_current_routes(op, rt, &now_json, &now, &n_now)) {
        return -1;
    }
    order = xcalloc(n + 1, sizeof *order);
    for (size_t i = 0; i < n_now; i++) {
        if (route_in(&now[i], want, n) && !route_in(&now[i], now, i)) {
            order[n_order++] = &now[i];
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!route_in(&want[i], now, n_now) && !route_in(&want[i], want, i)) {
            order[n_order++] = &want[i];
        }
    }
    free(rt->routes_json);
    rt->routes_json = routes_json(order, n_order);
    free(order);
    free(now);
    json_decref(now_json);
    return 0;
}

/* --- The gateway -------------------------------------------------------------------- */

/* Deletes the router's gateway port (its link to the router goes with it), unless
 * floating IPs are associated through the router. */
static int
remove_gateway_port(const struct op *op, struct router *rt)
{
    struct port p;
    bool used;
    int r = store_floatingip_on_router(op->c, rt->std.id, &used);

    if (!r && used) {
        return api_error_set(op->err, API_ERR_ROUTER_GATEWAY_IN_USE_BY_FIP, "Gateway cannot be"
                             " updated for router %s, since a gateway to external network %s"
                             " is required by one or more floating IPs.", rt->std.id,
                             rt->gw_network_id);
    }
    r = r ? r : store_port_get(op->c, rt->gw_port_id, NULL, &p);
    if (r) {
        return core_internal(op, r);
    }
    r = core_port_delete_read(op, &p);
    port_done(&p);
    if (!r) {
        rt->gw_port_id[0] = rt->gw_network_id[0] = '\0';
    }
    return r;
}

static int
create_gateway_port(const struct op *op, struct router *rt, const struct gateway_spec *g)
{
    struct context svc;
    struct op sop = service_op(op, &svc);
    struct port_spec ps = {
        .project_id = "", .network_id = g->network_id, .name = "",
        .has_admin_state_up = true, .admin_state_up = true, .device_id = rt->std.id,
        .device_owner = ROUTER_GATEWAY_OWNER, .has_fixed_ips = g->has_fixed_ips,
        .fixed_ips = g->fixed_ips, .n_fixed_ips = g->n_fixed_ips,
    };
    char id[ID_LEN];
    int r;

    if (core_port_create(&sop, &ps, id)) {
        return -1;
    }
    r = store_router_port_add(op->c, rt->std.id, id, ROUTER_GATEWAY_OWNER);
    if (r) {
        return core_internal(op, r);
    }
    snprintf(rt->gw_port_id, sizeof rt->gw_port_id, "%s", id);
    snprintf(rt->gw_network_id, sizeof rt->gw_network_id, "%s", g->network_id);
    return 0;
}

/* Whether 'g' asks for addresses other than the gateway port's. */
static int
fixed_ips_change(const struct op *op, const struct router *rt, const struct gateway_spec *g,
                 bool *ret)
{
    struct ip_allocation *allocs = NULL;
    size_t n = 0;
    int r;

    *ret = false;
    if (!g->has_fixed_ips) {
        return 0;
    }
    r = store_allocs_of_port(op->c, rt->gw_port_id, &allocs, &n);
    if (r) {
        return core_internal(op, r);
    }
    *ret = n != g->n_fixed_ips;
    for (size_t i = 0; i < g->n_fixed_ips && !*ret; i++) {
        const struct fixed_ip_spec *f = &g->fixed_ips[i];
        bool found = false;
        for (size_t k = 0; k < n && !found; k++) {
            struct ip_addr a, b;
            found = (!f->subnet_id || STREQ(f->subnet_id, allocs[k].subnet_id))
                    && (!f->ip_address
                        || (!ip_parse(f->ip_address, &a) && !ip_parse(allocs[k].ip_address, &b)
                            && ip_equal(&a, &b)));
        }
        *ret = !found;
    }
    free(allocs);
    return 0;
}

static int
update_gateway_addresses(const struct op *op, const struct router *rt,
                         const struct gateway_spec *g)
{
    struct context svc;
    struct op sop = service_op(op, &svc);
    struct port_spec ps = { .has_fixed_ips = true, .fixed_ips = g->fixed_ips,
                            .n_fixed_ips = g->n_fixed_ips };
    struct port p;
    int r = store_port_get(op->c, rt->gw_port_id, NULL, &p);

    if (r) {
        return core_internal(op, r);
    }
    r = core_port_update_read(&sop, &p, &ps);
    port_done(&p);
    return r;
}

/* The external network a gateway goes on: visible, external, and no address asked for
 * is a subnet's gateway. */
static int
check_gateway_network(const struct op *op, const struct gateway_spec *g)
{
    struct subnet *subnets = NULL;
    struct network net;
    size_t n = 0;
    int r = store_network_get(op->c, g->network_id, context_visible_to(op->caller), &net);

    if (r) {
        return r == -ENOENT ? api_error_set(op->err, API_ERR_NETWORK_NOT_FOUND,
                                            "Network %s could not be found.", g->network_id)
                            : core_internal(op, r);
    }
    r = net.external ? 0 : router_bad_request(op, "Network %s is not an external network",
                                      g->network_id);
    network_done(&net);
    if (r || !g->has_fixed_ips) {
        return r;
    }
    r = store_subnets_of_network(op->c, g->network_id, &subnets, &n);
    if (r) {
        return core_internal(op, r);
    }
    for (size_t i = 0; i < g->n_fixed_ips && !r; i++) {
        struct ip_addr want, gw;
        if (!g->fixed_ips[i].ip_address || ip_parse(g->fixed_ips[i].ip_address, &want)) {
            continue;
        }
        for (size_t k = 0; k < n && !r; k++) {
            if (subnets[k].gateway_ip && !ip_parse(subnets[k].gateway_ip, &gw)
                && ip_equal(&want, &gw)) {
                r = router_bad_request(op, "External IP %s is the same as the gateway IP",
                               g->fixed_ips[i].ip_address);
            }
        }
    }
    for (size_t k = 0; k < n; k++) {
        subnet_done(&subnets[k]);
    }
    free(subnets);
    return r;
}

/* The router's routes must still reach their next hops through its interfaces and the
 * subnets of the gateway's new network 'network_id' (as Neutron checks, the gateway
 * port's own addresses left out). */
static int
check_routes_with_gateway(const struct op *op, const struct router *rt, const char *network_id)
{
    struct route_spec *routes = NULL;
    struct router_addresses ra;
    struct subnet *subnets = NULL;
    json_t *json = NULL;
    size_t n = 0, n_subnets = 0;
    int r;

    if (!rt->routes_json || STREQ(rt->routes_json, "[]")) {
        return 0;
    }
    if (router_addresses(op, rt->std.id, false, &ra)) {
        return -1;
    }
    r = store_subnets_of_network(op->c, network_id, &subnets, &n_subnets);
    r = r ? core_internal(op, r) : 0;
    for (size_t k = 0; k < n_subnets; k++) {
        ra.cidrs = xrealloc(ra.cidrs, (ra.n_cidrs + 1) * sizeof *ra.cidrs);
        if (!cidr_parse(subnets[k].cidr, &ra.cidrs[ra.n_cidrs])) {
            ra.n_cidrs++;
        }
        subnet_done(&subnets[k]);
    }
    free(subnets);
    r = r ? r : router_current_routes(op, rt, &json, &routes, &n) || check_next_hops(op, &ra, routes, n);
    free(routes);
    json_decref(json);
    router_addresses_done(&ra);
    return r;
}

/* Sets, changes or clears the gateway of 'rt' (in memory and its port); '*bumps' gets
 * the revisions Zed's router takes for it. */
static int
set_gateway(const struct op *op, struct router *rt, const struct gateway_spec *g, int *bumps)
{
    bool snat = g->has_enable_snat ? g->enable_snat : op->app->cfg->enable_snat_by_default;
    bool change;

    if (!g->network_id) {
        if (!*rt->gw_port_id) {
            return 0;
        }
        *bumps = 3;
        return remove_gateway_port(op, rt);
    }
    if (check_gateway_network(op, g) || check_routes_with_gateway(op, rt, g->network_id)) {
        return -1;
    }
    if (*rt->gw_port_id && STREQ(rt->gw_network_id, g->network_id)) {
        if (fixed_ips_change(op, rt, g, &change)
            || (change && update_gateway_addresses(op, rt, g))) {
            return -1;
        }
        *bumps = change || snat != rt->enable_snat ? 1 : 0;
        rt->enable_snat = snat;
        return 0;
    }
    if (*rt->gw_port_id && remove_gateway_port(op, rt)) {
        return -1;
    }
    rt->enable_snat = snat;
    *bumps = 2;
    return create_gateway_port(op, rt, g);
}

/* --- Create, update, delete --------------------------------------------------------- */

int
core_router_create(const struct op *op, const struct router_spec *spec, struct router *ret)
{
    struct router rt;
    const char *owner;
    int bumps = 0;
    int r;

    if (core_owner(op, spec->project_id, &owner) || check_gateway_policy(op, spec, true)
        || check_router_kind(op, spec, true)
        || core_authorize(op, POLICY_ROUTER, POLICY_CREATE,
                          &(struct policy_target) { .project_id = owner })
        || quota_check(op, QUOTA_ROUTER, owner, 1)) {
        return -1;
    }
    memset(&rt, 0, sizeof rt);
    /* Zones are those of the L3 agents (core/availability_zone.h). */
    if (core_az_hints(op, AGENT_TYPE_L3, spec->az_hints_json, &rt.az_hints_json)) {
        return -1;
    }
    rt.ha = spec->has_ha ? spec->ha : op->app->cfg->l3_ha;
    /* The HA network comes first, as in Neutron: its failure fails the create. */
    if (rt.ha && router_ha_ensure_network(op, owner)) {
        router_done(&rt);
        return -1;
    }
    uuid_new(rt.std.id);
    rt.std.project_id = xstrdup(owner);
    rt.std.name = xstrdup(spec->name ? spec->name : "");
    rt.std.description = xstrdup(spec->description ? spec->description : "");
    rt.admin_state_up = spec->has_admin_state_up ? spec->admin_state_up : true;
    strcpy(rt.status, "ACTIVE");
    rt.enable_snat = op->app->cfg->enable_snat_by_default;
    rt.routes_json = xstrdup("[]");
    time_iso8601_now(rt.std.created_at);
    memcpy(rt.std.updated_at, rt.std.created_at, sizeof rt.std.updated_at);
    rt.std.revision_number = 1;
    r = store_router_insert(op->c, &rt);
    if (r) {
        router_done(&rt);
        return core_internal(op, r);
    }
    r = spec->has_gateway && spec->gateway.network_id
        ? set_gateway(op, &rt, &spec->gateway, &bumps) : 0;
    if (!r && bumps) {
        rt.std.revision_number += bumps;
        r = store_router_update(op->c, &rt);
        r = r ? core_internal(op, r) : 0;
    }
    /* Neutron's create notifies the L3 agents, and so schedules, only with a gateway
     * or for an HA router. */
    if (!r && (*rt.gw_port_id || rt.ha)) {
        r = l3_router_changed(op, rt.std.id, true);
    }
    if (!r) {
        char id[ID_LEN];
        memcpy(id, rt.std.id, ID_LEN);
        router_done(&rt);
        return reread(op, id, ret);
    }
    router_done(&rt);
    return -1;
}

static bool
router_spec_empty(const struct router_spec *spec)
{
    return !spec->name && !spec->description && !spec->has_admin_state_up
           && !spec->has_gateway && !spec->has_routes && !spec->has_distributed
           && !spec->has_ha;
}

/* ha changes (on a router set down): the router leaves its agents, so that the next
 * schedule places it as its new kind, and a router no longer HA gives back its HA ports
 * and VRRP id (its HA network goes after the write if it was the project's last). */
static int
change_ha(const struct op *op, struct router *rt, bool ha)
{
    if (l3_router_deleting(op, rt->std.id)) {
        return -1;
    }
    if (ha) {
        rt->ha = true;
        return router_ha_ensure_network(op, rt->std.project_id);
    }
    rt->ha = false;
    return router_ha_release(op, rt);
}

int
core_router_update(const struct op *op, const char *id, const struct router_spec *spec,
                   int64_t expected_revision, struct router *ret)
{
    struct router rt;
    int bumps = 0;
    int r = router_for(op, id, POLICY_UPDATE, &rt)
            || check_gateway_policy(op, spec, false)
            || check_router_kind(op, spec, false)
            || core_check_revision(op, expected_revision, rt.std.revision_number)
            || check_ha_change(op, &rt, spec)
            || (spec->has_routes && set_routes(op, &rt, spec->routes, spec->n_routes))
            || (spec->has_gateway && set_gateway(op, &rt, &spec->gateway, &bumps));

    if (!r && !router_spec_empty(spec)) {
        core_take_str(&rt.std.name, spec->name);
        core_take_str(&rt.std.description, spec->description);
        if (spec->has_admin_state_up) {
            rt.admin_state_up = spec->admin_state_up;
        }
        rt.std.revision_number += bumps ? bumps : 1;
        time_iso8601_now(rt.std.updated_at);
        r = spec->has_ha && spec->ha != rt.ha ? change_ha(op, &rt, spec->ha) : 0;
        if (!r) {
            int e = store_router_update(op->c, &rt);
            r = e ? core_internal(op, e) : l3_router_changed(op, rt.std.id, true);
        }
        if (!r && spec->has_ha && !rt.ha) {
            r = router_ha_cleanup_network(op, rt.std.project_id);
        }
    }
    if (r) {
        router_done(&rt);
        return -1;
    }
    router_done(&rt);
    return reread(op, id, ret);
}

/* Refuses to delete a router that still has interfaces (RouterInUse, their ids in
 * order). */
static int
check_no_interfaces(const struct op *op, const struct router *rt)
{
    struct id_set ports = { NULL, 0 };
    struct buf ids = BUF_INITIALIZER;
    int r = router_ports(op, rt->std.id, ROUTER_INTERFACE_OWNER, &ports);

    if (!r && ports.n) {
        for (size_t i = 0; i < ports.n; i++) {
            buf_printf(&ids, "%s%s", i ? ", " : "", ports.ids[i]);
        }
        r = api_error_set(op->err, API_ERR_ROUTER_IN_USE, "Router %s has ports still"
                          " attached: %s", rt->std.id, buf_cstr(&ids));
    }
    buf_done(&ids);
    free(ports.ids);
    return r;
}

int
core_router_delete(const struct op *op, const char *id, int64_t expected_revision)
{
    struct router rt;
    int r = router_for(op, id, POLICY_DELETE, &rt)
            || core_check_revision(op, expected_revision, rt.std.revision_number)
            || check_no_interfaces(op, &rt)
            || l3_router_deleting(op, rt.std.id)
            || (*rt.gw_port_id && remove_gateway_port(op, &rt))
            || (rt.ha && router_ha_release(op, &rt));

    if (!r) {
        int e = store_router_delete(op->c, rt.std.id);
        r = e ? core_internal(op, e) : 0;
    }
    if (!r && rt.ha) {
        r = router_ha_cleanup_network(op, rt.std.project_id);
    }
    router_done(&rt);
    return r ? -1 : 0;
}

/* --- extraroute-atomic --------------------------------------------------------------- */

/* The router's routes with 'routes' added (each once) or taken out. */
static struct route_spec *
merged_routes(const struct route_spec *now, size_t n_now, bool add,
              const struct route_spec *routes, size_t n_routes, size_t *ret_n)
{
    struct route_spec *out = xcalloc(n_now + n_routes + 1, sizeof *out);
    size_t n = 0;

    for (size_t i = 0; i < n_now; i++) {
        if ((add || !route_in(&now[i], routes, n_routes)) && !route_in(&now[i], out, n)) {
            out[n++] = now[i];
        }
    }
    for (size_t i = 0; add && i < n_routes; i++) {
        if (!route_in(&routes[i], out, n)) {
            out[n++] = routes[i];
        }
    }
    *ret_n = n;
    return out;
}

int
core_router_change_routes(const struct op *op, const char *router_id, bool add,
                          const struct route_spec *routes, size_t n_routes, struct router *ret)
{
    struct route_spec *now = NULL, *want = NULL;
    json_t *now_json = NULL;
    struct router rt;
    size_t n_now = 0, n_want = 0;
    int r = router_for(op, router_id, add ? POLICY_ADD_ROUTES : POLICY_REMOVE_ROUTES, &rt)
            || router_current_routes(op, &rt, &now_json, &now, &n_now);

    if (!r) {
        want = merged_routes(now, n_now, add, routes, n_routes, &n_want);
        r = set_routes(op, &rt, want, n_want);
    }
    if (!r) {
        rt.std.revision_number++;
        time_iso8601_now(rt.std.updated_at);
        r = store_router_update(op->c, &rt);
        r = r ? core_internal(op, r) : l3_router_changed(op, rt.std.id, true);
    }
    free(want);
    free(now);
    json_decref(now_json);
    router_done(&rt);
    return r ? -1 : reread(op, router_id, ret);
}

/* --- Ports a router owns --------------------------------------------------------------- */

static bool
router_owned_kind(const char *device_owner)
{
    static const char *const owners[] = {
        ROUTER_INTERFACE_OWNER, ROUTER_GATEWAY_OWNER, "network:floatingip",
        "network:router_interface_distributed", "network:ha_router_replicated_interface",
        "network:router_centralized_snat",
    };

    for (size_t i = 0; i < ARRAY_SIZE(owners); i++) {
        if (STREQ(device_owner, owners[i])) {
            return true;
        }
    }
    return false;
}

int
core_router_check_port_delete(const struct op *op, const struct port *p)
{
    struct router rt;
    int r;

    /* A port with no address or whose router is gone is a leftover anyone may clean. */
    if (!router_owned_kind(p->device_owner) || !p->fixed_ips_json
        || STREQ(p->fixed_ips_json, "[]") || !*p->device_id) {
        return 0;
    }
    if (STREQ(p->device_owner, "network:floatingip")) {
        bool exists;
        r = store_floatingip_exists(op->c, p->device_id, &exists);
        r = r ? r : exists ? 0 : -ENOENT;
    } else {
        r = store_router_get(op->c, p->device_id, NULL, &rt);
        if (!r) {
            router_done(&rt);
        }
    }
    if (r == -ENOENT) {
        return 0;
    }
    if (r) {
        return core_internal(op, r);
    }
    return api_error_set(op->err, API_ERR_SERVICE_PORT_IN_USE, "Port %s cannot be deleted"
                         " directly via the port API: has device owner %s.", p->std.id,
                         p->device_owner);
}
