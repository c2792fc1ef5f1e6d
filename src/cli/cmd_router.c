/* neutrino router create|list|show|set|unset|delete, router add|remove subnet|port|route
 * (docs/behaviour/cli.md §13): the openstack client's options, columns and messages for
 * Neutron's routers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const struct kind kind_router = { "router", "routers", "Router" };

/* --- What a router shows ------------------------------------------------------------ */

/* Every field the client shows, in its (sorted) order.  'distributed' and 'ha' only when
 * the server sends them (the dvr and l3-ha extensions), 'interfaces_info' only in show. */
static const struct field router_fields[] = {
    { "admin_state_up", "admin_state_up", R_UPDOWN },
    { "availability_zone_hints", "availability_zone_hints", R_TEXT },
    { "availability_zones", "availability_zones", R_TEXT },
    { "created_at", "created_at", R_TEXT },
    { "description", "description", R_TEXT },
    { "distributed", "distributed", R_TEXT },
    { "enable_ndp_proxy", "enable_ndp_proxy", R_TEXT },
    { "external_gateway_info", "external_gateway_info", R_JSON },
    { "flavor_id", "flavor_id", R_TEXT },
    { "ha", "ha", R_TEXT },
    { "id", "id", R_TEXT },
    { "interfaces_info", "interfaces_info", R_JSON },
    { "name", "name", R_TEXT },
    { "project_id", "project_id", R_TEXT },
    { "revision_number", "revision_number", R_TEXT },
    { "routes", "routes", R_ROUTES },
    { "status", "status", R_TEXT },
    { "tags", "tags", R_TEXT },
    { "tenant_id", "tenant_id", R_TEXT },
    { "updated_at", "updated_at", R_TEXT },
};

/* The fields of 'router' the client would show: those that are there only sometimes
 * are left out when absent. */
static size_t
router_fields_for(const json_t *router, bool with_interfaces, struct field *out)
{
    size_t n = 0;

    for (size_t i = 0; i < ARRAY_SIZE(router_fields); i++) {
        const char *name = router_fields[i].name;
        if ((STREQ(name, "distributed") || STREQ(name, "ha"))
            && !json_object_get(router, name)) {
            continue;
        }
        if (STREQ(name, "interfaces_info") && !with_interfaces) {
            continue;
        }
        out[n++] = router_fields[i];
    }
    return n;
}

static int
router_print(struct cli *c, const json_t *router, bool with_interfaces)
{
    struct field fields[ARRAY_SIZE(router_fields)];
    size_t n = router_fields_for(router, with_interfaces, fields);

    return out_show(&c->out, fields, n, router);
}

/* --- Options that several commands share -------------------------------------------- */

/* "destination=<cidr>,gateway=<ip>" -> {"destination", "nexthop"}, or NULL after the
 * client's message. */
static json_t *
route_of(const char *text)
{
    json_t *kv = arg_kv(text), *out = NULL;
    const char *dst = json_string_value(json_object_get(kv, "destination"));
    const char *gw = json_string_value(json_object_get(kv, "gateway"));

    if (kv && dst && gw && json_object_size(kv) == 2) {
        out = json_pack("{s:s,s:s}", "destination", dst, "nexthop", gw);
    } else {
        cli_fail("--route takes destination=<subnet>,gateway=<ip-address>, not '%s'", text);
    }
    json_decref(kv);
    return out;
}

/* The --route options as a list of routes, or NULL after a message. */
static json_t *
routes_of(const json_t *given)
{
    json_t *routes = json_array(), *v;
    size_t i;

    json_array_foreach (given, i, v) {
        json_t *route = route_of(json_string_value(v));
        if (!route) {
            json_decref(routes);
            return NULL;
        }
        json_array_append_new(routes, route);
    }
    return routes;
}

/* "subnet=<subnet>,ip-address=<ip>" (either part) -> {"subnet_id", "ip_address"}. */
static json_t *
gateway_ip_of(struct cli *c, const char *text)
{
    json_t *kv = arg_kv(text), *out;
    const char *sub = json_string_value(json_object_get(kv, "subnet"));
    const char *ip = json_string_value(json_object_get(kv, "ip-address"));
    char id[64];

    if (!kv || json_object_size(kv) != (size_t) (!!sub + !!ip)) {
        json_decref(kv);
        cli_fail("--fixed-ip takes subnet=<subnet>,ip-address=<ip-address>, not '%s'", text);
        return NULL;
    }
    out = json_object();
    if (sub && *sub) {
        if (cli_find_id(c, &kind_subnet, sub, id)) {
            json_decref(kv);
            json_decref(out);
            return NULL;
        }
        json_object_set_new(out, "subnet_id", json_string(id));
    }
    if (ip && *ip) {
        json_object_set_new(out, "ip_address", json_string(ip));
    }
    json_decref(kv);
    return out;
}

/* external_gateway_info from --external-gateway, --enable-snat/--disable-snat and
 * --fixed-ip; nothing without --external-gateway.  1 after a message. */
static int
put_gateway(struct cli *c, const json_t *a, json_t *body)
{
    const char *network = arg_str(a, "external-gateway");
    json_t *info, *ips, *v;
    char id[64];
    size_t i;

    if (!network) {
        return 0;
    }
    if (cli_find_id(c, &kind_network, network, id)) {
        return 1;
    }
    info = json_pack("{s:s}", "network_id", id);
    if (arg_bool(a, "snat") >= 0) {
        json_object_set_new(info, "enable_snat", json_boolean(arg_bool(a, "snat")));
    }
    if (arg_list(a, "fixed-ip")) {
        ips = json_array();
        json_array_foreach (arg_list(a, "fixed-ip"), i, v) {
            json_t *ip = gateway_ip_of(c, json_string_value(v));
            if (!ip) {
                json_decref(ips);
                json_decref(info);
                return 1;
            }
            json_array_append_new(ips, ip);
        }
        json_object_set_new(info, "external_fixed_ips", ips);
    }
    json_object_set_new(body, "external_gateway_info", info);
    return 0;
}

/* The client refuses SNAT and fixed-ip options without a gateway network. */
static bool
gateway_options_alone(const json_t *a)
{
    return (arg_bool(a, "snat") >= 0 || arg_list(a, "fixed-ip"))
           && !arg_str(a, "external-gateway");
}

#define GATEWAY_ALONE(what) \
    "You must specify '--external-gateway' in order to " what " SNAT or fixed-ip values"

/* The attributes create and set share, as the client puts them. */
static int
router_attrs(struct cli *c, const json_t *a, json_t *body)
{
    static const struct opt_attr given[] = {
        { "name", "name" }, { "enable", "admin_state_up" },
        { "distributed", "distributed" }, { "description", "description" },
    };

    cli_put_opts(body, a, given, ARRAY_SIZE(given));
    if (arg_list(a, "availability-zone-hint")) {
        json_object_set(body, "availability_zone_hints",
                        (json_t *) arg_list(a, "availability-zone-hint"));
    }
    if (cli_put_project(c, a, body) || put_gateway(c, a, body)) {
        return 1;
    }
    if (arg_bool(a, "ha") >= 0) {
        json_object_set_new(body, "ha", json_boolean(arg_bool(a, "ha")));
    }
    return 0;
}

#define GATEWAY_OPTS                                                                      \
    { "external-gateway", OPT_STR, NULL }, { "fixed-ip", OPT_LIST, NULL },                \
    { "enable-snat", OPT_TRUE, "snat" }, { "disable-snat", OPT_FALSE, "snat" }

/* --- create, list, show, delete ----------------------------------------------------- */

static const struct opt create_opts[] = {
    { "enable", OPT_TRUE, NULL }, { "disable", OPT_FALSE, "enable" },
    { "distributed", OPT_TRUE, NULL }, { "centralized", OPT_FALSE, "distributed" },
    { "ha", OPT_TRUE, NULL }, { "no-ha", OPT_FALSE, "ha" },
    { "description", OPT_STR, NULL }, { "project", OPT_STR, NULL },
    { "project-domain", OPT_STR, NULL }, { "availability-zone-hint", OPT_LIST, NULL },
    { "tag", OPT_LIST, NULL }, { "no-tag", OPT_TRUE, NULL },
    GATEWAY_OPTS,
    { NULL, 0, NULL },
};

/* As the client: the router is made first, and SNAT or fixed-ip options without a
 * gateway are refused only after that (the router stays). */
static int
router_create(struct cli *c, const json_t *a)
{
    json_t *body, *wrapped, *ans = NULL, *router;
    int r;

    if (arg_npos(a) != 1) {
        return cli_fail("router create takes one name");
    }
    if (!cli_session(c)) {
        return 1;
    }
    body = json_pack("{s:s,s:b}", "name", arg_pos(a, 0), "admin_state_up",
                     arg_bool(a, "enable") != 0);
    if (router_attrs(c, a, body)) {
        json_decref(body);
        return 1;
    }
    wrapped = json_pack("{s:o}", "router", body);
    r = session_call(cli_session(c), "POST", "/v2.0/routers", wrapped, &ans);
    json_decref(wrapped);
    if (r) {
        return cli_fail_call(c);
    }
    router = json_object_get(ans, "router");
    if (cli_create_tags(c, &kind_router, router, a)) {
        r = 1;
    } else if (gateway_options_alone(a)) {
        r = cli_fail(GATEWAY_ALONE("specify"));
    } else {
        r = router_print(c, router, false);
    }
    json_decref(ans);
    return r;
}

static const struct opt list_opts[] = {
    { "name", OPT_STR, NULL }, { "enable", OPT_TRUE, NULL },
    { "disable", OPT_FALSE, "enable" }, { "long", OPT_TRUE, NULL },
    { "project", OPT_STR, NULL }, { "project-domain", OPT_STR, NULL },
    { "agent", OPT_STR, NULL },
    { "tags", OPT_STR, NULL }, { "any-tags", OPT_STR, NULL }, { "not-tags", OPT_STR, NULL },
    { "not-any-tags", OPT_STR, NULL },
    { NULL, 0, NULL },
};

/* Whether the server lists extension 'alias'. */
static bool
has_extension(struct cli *c, const char *alias)
{
    char *path = xasprintf("/v2.0/extensions/%s", alias);
    json_t *ans = NULL;
    bool found = session_call(cli_session(c), "GET", path, NULL, &ans) == 0;

    free(path);
    json_decref(ans);
    return found;
}

/* Whether any router of 'routers' has attribute 'attr'. */
static bool
any_has(const json_t *routers, const char *attr)
{
    const json_t *r;
    size_t i;

    json_array_foreach (routers, i, r) {
        if (json_object_get(r, attr) && !json_is_null(json_object_get(r, attr))) {
            return true;
        }
    }
    return false;
}

/* The list's columns: Distributed and HA when a router has them, and with --long the
 * routes, the gateway, the zones (with the router_availability_zone extension) and
 * the tags. */
static size_t
list_columns(struct cli *c, const json_t *a, const json_t *routers, struct field *cols)
{
    size_t n = 0;

    cols[n++] = (struct field) { "ID", "id", R_TEXT };
    cols[n++] = (struct field) { "Name", "name", R_TEXT };
    cols[n++] = (struct field) { "Status", "status", R_TEXT };
    cols[n++] = (struct field) { "State", "admin_state_up", R_UPDOWN };
    cols[n++] = (struct field) { "Project", "project_id|tenant_id", R_TEXT };
    if (any_has(routers, "distributed")) {
        cols[n++] = (struct field) { "Distributed", "distributed", R_TEXT };
    }
    if (any_has(routers, "ha")) {
        cols[n++] = (struct field) { "HA", "ha", R_TEXT };
    }
    if (arg_bool(a, "long") == 1) {
        cols[n++] = (struct field) { "Routes", "routes", R_ROUTES };
        cols[n++] = (struct field) { "External gateway info", "external_gateway_info",
                                     R_JSON };
        if (has_extension(c, "router_availability_zone")) {
            cols[n++] = (struct field) { "Availability zones", "availability_zones", R_TEXT };
        }
        cols[n++] = (struct field) { "Tags", "tags", R_TEXT };
    }
    return n;
}

/* --agent: the agent's routers, filtered here as the client does (the call takes no
 * filters). */
static json_t *
agent_routers(struct cli *c, const json_t *a)
{
    char *path = xasprintf("/v2.0/agents/%s/l3-routers", arg_str(a, "agent"));
    json_t *ans = NULL, *kept, *r;
    size_t i;
    int failed = session_call(cli_session(c), "GET", path, NULL, &ans);

    free(path);
    if (failed) {
        cli_fail_call(c);
        return NULL;
    }
    kept = json_array();
    json_array_foreach (json_object_get(ans, "routers"), i, r) {
        const char *name = arg_str(a, "name");
        const char *has = json_string_value(json_object_get(r, "name"));
        int enable = arg_bool(a, "enable");
        const json_t *up = json_object_get(r, "admin_state_up");
        if ((!name || (has && STREQ(name, has)))
            && (enable < 0 || (up && json_is_true(up) == enable))) {
            json_array_append(kept, r);
        }
    }
    json_decref(ans);
    return kept;
}

static int
router_list(struct cli *c, const json_t *a)
{
    static const struct list_filter filters[] = {
        { "name", "name" }, { "admin_state_up", "enable" },
        { "project_id", "project", .project = true },
    };
    struct field cols[16];
    struct buf query = BUF_INITIALIZER;
    json_t *routers = NULL, *ans = NULL;
    size_t n;
    int r;

    if (!cli_session(c) || cli_q_filters(c, &query, a, filters, ARRAY_SIZE(filters))) {
        buf_done(&query);
        return 1;
    }
    cli_q(&query, "tags", arg_str(a, "tags"));
    cli_q(&query, "tags-any", arg_str(a, "any-tags"));
    cli_q(&query, "not-tags", arg_str(a, "not-tags"));
    cli_q(&query, "not-tags-any", arg_str(a, "not-any-tags"));
    if (arg_str(a, "agent")) {
        routers = agent_routers(c, a);
    } else {
        char *path = xasprintf("/v2.0/routers%s%s", query.len ? "?" : "", buf_cstr(&query));
        if (session_call(cli_session(c), "GET", path, NULL, &ans)) {
            cli_fail_call(c);
        } else {
            routers = json_incref(json_object_get(ans, "routers"));
        }
        free(path);
        json_decref(ans);
    }
    buf_done(&query);
    if (!routers) {
        return 1;
    }
    n = list_columns(c, a, routers, cols);
    r = out_list(&c->out, cols, n, routers);
    json_decref(routers);
    return r;
}

/* The router's interfaces as the client shows them: each address of each port the
 * router owns, but its gateway. */
static int
add_interfaces_info(struct cli *c, json_t *router)
{
    char *path = xasprintf("/v2.0/ports?device_id=%s",
                           json_string_value(json_object_get(router, "id")));
    json_t *ans = NULL, *info = json_array(), *port, *ip;
    size_t i, j;
    int r = session_call(cli_session(c), "GET", path, NULL, &ans);

    free(path);
    if (r) {
        json_decref(info);
        return cli_fail_call(c);
    }
    json_array_foreach (json_object_get(ans, "ports"), i, port) {
        const char *owner = json_string_value(json_object_get(port, "device_owner"));
        if (owner && STREQ(owner, "network:router_gateway")) {
            continue;
        }
        json_array_foreach (json_object_get(port, "fixed_ips"), j, ip) {
            json_array_append_new(info, json_pack("{s:O,s:O,s:O}", "port_id",
                                                  json_object_get(port, "id"), "ip_address",
                                                  json_object_get(ip, "ip_address"),
                                                  "subnet_id",
                                                  json_object_get(ip, "subnet_id")));
        }
    }
    json_object_set_new(router, "interfaces_info", info);
    json_decref(ans);
    return 0;
}

static int
router_show(struct cli *c, const json_t *a)
{
    json_t *router;
    int r;

    if (arg_npos(a) != 1) {
        return cli_fail("router show takes one router");
    }
    if (cli_find(c, &kind_router, arg_pos(a, 0), &router)) {
        return 1;
    }
    r = add_interfaces_info(c, router) || router_print(c, router, true);
    json_decref(router);
    return r;
}

/* --- set and unset ------------------------------------------------------------------ */

static const struct opt set_opts[] = {
    { "name", OPT_STR, NULL }, { "description", OPT_STR, NULL },
    { "enable", OPT_TRUE, NULL }, { "disable", OPT_FALSE, "enable" },
    { "distributed", OPT_TRUE, NULL }, { "centralized", OPT_FALSE, "distributed" },
    { "route", OPT_LIST, NULL }, { "no-route", OPT_TRUE, NULL },
    { "ha", OPT_TRUE, NULL }, { "no-ha", OPT_FALSE, "ha" },
    { "tag", OPT_LIST, NULL }, { "no-tag", OPT_TRUE, NULL },
    GATEWAY_OPTS,
    { NULL, 0, NULL },
};

/* Checked before the router is looked up, as the client does. */
static int
set_before(struct cli *c, const json_t *a, json_t *body)
{
    (void) c;
    (void) body;
    return gateway_options_alone(a) ? cli_fail(GATEWAY_ALONE("update the")) : 0;
}

/* --route adds to the router's routes (replaces them with --no-route); --no-route alone
 * clears them. */
static int
set_after(struct cli *c, const json_t *a, const json_t *router, json_t *body)
{
    if (router_attrs(c, a, body)) {
        return 1;
    }
    if (arg_list(a, "route")) {
        json_t *routes = routes_of(arg_list(a, "route")), *v;
        size_t i;
        if (!routes) {
            return 1;
        }
        if (arg_bool(a, "no-route") != 1) {
            json_array_foreach (json_object_get(router, "routes"), i, v) {
                json_array_append(routes, v);
            }
        }
        json_object_set_new(body, "routes", routes);
    } else if (arg_bool(a, "no-route") == 1) {
        json_object_set_new(body, "routes", json_array());
    }
    return 0;
}

static int
router_set(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_router, a, false, set_before, set_after);
}

static const struct opt unset_opts[] = {
    { "route", OPT_LIST, NULL }, { "external-gateway", OPT_TRUE, NULL },
    { "tag", OPT_LIST, NULL }, { "all-tag", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

/* A route as Python prints the dict the client looked for. */
static char *
route_repr(const json_t *route)
{
    return xasprintf("{'destination': '%s', 'nexthop': '%s'}",
                     json_string_value(json_object_get(route, "destination")),
                     json_string_value(json_object_get(route, "nexthop")));
}

static int
unset_after(struct cli *c, const json_t *a, const json_t *router, json_t *body)
{
    (void) c;
    if (arg_list(a, "route")) {
        json_t *left = json_deep_copy(json_object_get(router, "routes"));
        json_t *remove = routes_of(arg_list(a, "route")), *route, *have;
        size_t i, j;
        if (!remove) {
            json_decref(left);
            return 1;
        }
        json_array_foreach (remove, i, route) {
            bool found = false;
            json_array_foreach (left, j, have) {
                if (json_equal(have, route)) {
                    json_array_remove(left, j);
                    found = true;
                    break;
                }
            }
            if (!found) {
                char *text = route_repr(route);
                cli_fail("Router does not contain route %s", text);
                free(text);
                json_decref(left);
                json_decref(remove);
                return 1;
            }
        }
        json_decref(remove);
        json_object_set_new(body, "routes", left);
    }
    if (arg_bool(a, "external-gateway") == 1) {
        json_object_set_new(body, "external_gateway_info", json_object());
    }
    return 0;
}

static int
router_unset(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_router, a, true, NULL, unset_after);
}

/* --- Interfaces and extra routes ---------------------------------------------------- */

/* PUT /v2.0/routers/<router>/<action> with 'body'; the answer in '*ret' if asked for. */
static int
router_action(struct cli *c, const char *router_arg, const char *action, json_t *body,
              json_t **ret)
{
    char id[64], *path;
    json_t *ans = NULL;
    int r;

    if (cli_find_id(c, &kind_router, router_arg, id)) {
        json_decref(body);
        return 1;
    }
    path = xasprintf("/v2.0/routers/%s/%s", id, action);
    r = session_call(cli_session(c), "PUT", path, body, &ans);
    free(path);
    json_decref(body);
    if (r) {
        return cli_fail_call(c);
    }
    if (ret) {
        *ret = ans;
    } else {
        json_decref(ans);
    }
    return 0;
}

/* router add|remove subnet|port <router> <subnet or port>: the item is looked up
 * first, as the client does. */
static int
interface_change(struct cli *c, const json_t *a, const struct kind *k, const char *key,
                 const char *action, const char *words)
{
    char id[64];

    if (arg_npos(a) != 2) {
        return cli_fail("%s takes a router and a %s", words, k->singular);
    }
    if (!cli_session(c) || cli_find_id(c, k, arg_pos(a, 1), id)) {
        return 1;
    }
    return router_action(c, arg_pos(a, 0), action, json_pack("{s:s}", key, id), NULL);
}

static int
add_subnet(struct cli *c, const json_t *a)
{
    return interface_change(c, a, &kind_subnet, "subnet_id", "add_router_interface",
                            "router add subnet");
}

static int
remove_subnet(struct cli *c, const json_t *a)
{
    return interface_change(c, a, &kind_subnet, "subnet_id", "remove_router_interface",
                            "router remove subnet");
}

static int
add_port(struct cli *c, const json_t *a)
{
    return interface_change(c, a, &kind_port, "port_id", "add_router_interface",
                            "router add port");
}

static int
remove_port(struct cli *c, const json_t *a)
{
    return interface_change(c, a, &kind_port, "port_id", "remove_router_interface",
                            "router remove port");
}

static const struct opt route_opts[] = {
    { "route", OPT_LIST, NULL },
    { NULL, 0, NULL },
};

/* router add|remove route <router> [--route ...]: the router as it is afterwards. */
static int
route_change(struct cli *c, const json_t *a, const char *action, const char *words)
{
    json_t *routes, *ans = NULL;
    int r;

    if (arg_npos(a) != 1) {
        return cli_fail("%s takes one router", words);
    }
    routes = arg_list(a, "route") ? routes_of(arg_list(a, "route")) : json_array();
    if (!routes || !cli_session(c)) {
        json_decref(routes);
        return 1;
    }
    if (router_action(c, arg_pos(a, 0), action,
                      json_pack("{s:{s:o}}", "router", "routes", routes), &ans)) {
        return 1;
    }
    r = router_print(c, json_object_get(ans, "router"), false);
    json_decref(ans);
    return r;
}

static int
add_route(struct cli *c, const json_t *a)
{
    return route_change(c, a, "add_extraroutes", "router add route");
}

static int
remove_route(struct cli *c, const json_t *a)
{
    return route_change(c, a, "remove_extraroutes", "router remove route");
}

const struct command router_commands[] = {
    { "router create", create_opts, router_create, "Create a router" },
    { "router list", list_opts, router_list, "List routers" },
    { "router show", NULL, router_show, "Show a router" },
    { "router set", set_opts, router_set, "Change a router" },
    { "router unset", unset_opts, router_unset, "Remove routes, the gateway or tags" },
    { "router delete", NULL, cli_delete, "Delete routers", .kind = &kind_router },
    { "router add subnet", NULL, add_subnet, "Add a subnet to a router" },
    { "router remove subnet", NULL, remove_subnet, "Remove a subnet from a router" },
    { "router add port", NULL, add_port, "Add a port to a router" },
    { "router remove port", NULL, remove_port, "Remove a port from a router" },
    { "router add route", route_opts, add_route, "Add extra routes to a router" },
    { "router remove route", route_opts, remove_route, "Remove extra routes of a router" },
    { NULL, NULL, NULL, NULL },
};
