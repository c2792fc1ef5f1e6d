/* /v2.0/routers: the attribute table, rendering, the handlers of create, list, show,
 * update and delete, and the member actions add_router_interface,
 * remove_router_interface, add_extraroutes and remove_extraroutes; the work is the
 * core's (core/router.h, docs/behaviour/api.md §14). */
#include "router.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "common.h"
#include "pyfmt.h"
#include "resource.h"
#include "core/router.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

static const struct attr_def router_attrs[] = {
    { "id", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_ID },
    { "name", AK_STRING, true, true, .max_len = 255, .filter = true, .sort = true,
      .field = SF_NAME },
    { "admin_state_up", AK_BOOL, true, true, .filter = true, .sort = true,
      .field = SF_ADMIN_STATE_UP, .field_kind = SV_INT },
    { "status", AK_ANY, false, false, .sort = true, .field = SF_STATUS },
    ATTR_OWNER,
    { "external_gateway_info", AK_GATEWAY_INFO, true, true },
    { "routes", AK_HOSTROUTES, false, true },
    /* Shown as Zed's router plugin shows them.  Neither distributed routers nor
     * flavors exist here: distributed takes only false (core/router.c), flavor_id
     * nothing; ha is admins' to set.  Zone hints are given at creation only
     * (router_availability_zone). */
    { "distributed", AK_BOOL, true, true },
    { "ha", AK_BOOL, true, true },
    { "availability_zone_hints", AK_STRING_LIST, true, false, .max_len = 255 },
    { "availability_zones", AK_ANY, false, false },
    { "flavor_id", AK_ANY, false, false },
    ATTRS_STANDARD,
};

const struct resource_def router_def = {
    .singular = "router",
    .plural = "routers",
    .title = "Router",
    .not_found = API_ERR_ROUTER_NOT_FOUND,
    .attrs = router_attrs,
    .n_attrs = ARRAY_SIZE(router_attrs),
};

static void
render_gateway(struct jsonw *w, const struct router *r, const struct field_set *fs)
{
    if (!fields_want(fs, "external_gateway_info")) {
        return;
    }
    jsonw_key(w, "external_gateway_info");
    if (!*r->gw_port_id) {
        jsonw_null(w);
        return;
    }
    jsonw_object_begin(w);
    jsonw_key(w, "network_id");
    jsonw_string(w, r->gw_network_id);
    jsonw_key(w, "external_fixed_ips");
    jsonw_raw(w, r->gw_fixed_ips_json ? r->gw_fixed_ips_json : "[]");
    jsonw_key(w, "enable_snat");
    jsonw_bool(w, r->enable_snat);
    jsonw_object_end(w);
}

/* One router; 'internals' adds what Zed's extraroute-atomic answers also show
 * (gw_port_id, ha_vr_id). */
static void
render(struct jsonw *w, const struct router *r, const struct field_set *fs,
       const struct context *ctx, bool internals)
{
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", r->std.id);
    api_kv_str(w, fs, "name", r->std.name);
    api_kv_bool(w, fs, "admin_state_up", r->admin_state_up);
    api_kv_str(w, fs, "status", r->status);
    render_gateway(w, r, fs);
    if (internals) {
        api_kv_str(w, fs, "gw_port_id", *r->gw_port_id ? r->gw_port_id : NULL);
    }
    api_kv_raw(w, fs, "availability_zones", r->azs_json ? r->azs_json : "[]");
    if (ctx->is_admin) {
        /* Admin-only attributes in Neutron's policy. */
        api_kv_bool(w, fs, "distributed", false);
        api_kv_bool(w, fs, "ha", r->ha);
    }
    if (internals) {
        api_kv_int(w, fs, "ha_vr_id", r->ha_vr_id);
    }
    api_kv_raw(w, fs, "availability_zone_hints",
               r->az_hints_json ? r->az_hints_json : "[]");
    api_kv_raw(w, fs, "routes", r->routes_json ? r->routes_json : "[]");
    api_kv_str(w, fs, "flavor_id", NULL);
    api_render_std(w, &r->std, fs);
    jsonw_object_end(w);
}

void
router_render(struct jsonw *w, const struct router *r, const struct field_set *fs,
              const struct context *ctx)
{
    render(w, r, fs, ctx, false);
}

/* A checked routes list as route_specs borrowing its strings ('*ret' to free()). */
static void
routes_from_json(const json_t *list, struct route_spec **ret, size_t *ret_n)
{
    size_t i, n = json_array_size(list);
    struct route_spec *routes = xcalloc(n ? n : 1, sizeof *routes);
    json_t *item;

    json_array_foreach (list, i, item) {
        routes[i].destination = json_string_value(json_object_get(item, "destination"));
        routes[i].nexthop = json_string_value(json_object_get(item, "nexthop"));
    }
    *ret = routes;
    *ret_n = n;
}

/* A checked external_fixed_ips list as fixed_ip_specs ('*ret' to free()). */
static void
fixed_ips_from_json(const json_t *list, struct fixed_ip_spec **ret, size_t *ret_n)
{
    size_t i, n = json_array_size(list);
    struct fixed_ip_spec *ips = xcalloc(n ? n : 1, sizeof *ips);
    json_t *item;

    json_array_foreach (list, i, item) {
        ips[i].subnet_id = json_string_value(json_object_get(item, "subnet_id"));
        ips[i].ip_address = json_string_value(json_object_get(item, "ip_address"));
    }
    *ret = ips;
    *ret_n = n;
}

/* --- The resource's operations ---------------------------------------------------- */

static int
router_write(const struct op *op, const char *id, const json_t *item,
             int64_t expected_revision, void *ret)
{
    const json_t *gw = json_object_get(item, "external_gateway_info");
    const json_t *ips = json_object_get(gw, "external_fixed_ips");
    const json_t *hints = json_object_get(item, "availability_zone_hints");
    char *hints_json = hints ? json_dumps(hints, JSON_COMPACT) : NULL;
    struct route_spec *routes = NULL;
    struct fixed_ip_spec *fixed = NULL;
    struct router_spec spec = {
        .project_id = attr_str(item, "project_id", NULL),
        .name = attr_str(item, "name", NULL),
        .description = attr_str(item, "description", NULL),
        .has_admin_state_up = attr_has(item, "admin_state_up"),
        .admin_state_up = attr_bool(item, "admin_state_up", true),
        .has_gateway = gw != NULL,
        .has_routes = attr_has(item, "routes"),
        .has_distributed = attr_has(item, "distributed"),
        .distributed = attr_bool(item, "distributed", false),
        .has_ha = attr_has(item, "ha"),
        .ha = attr_bool(item, "ha", false),
        .az_hints_json = hints_json,
    };
    int r;

    if (gw) {
        spec.gateway.network_id = json_string_value(json_object_get(gw, "network_id"));
        spec.gateway.has_enable_snat = json_object_get(gw, "enable_snat") != NULL;
        spec.gateway.enable_snat = json_is_true(json_object_get(gw, "enable_snat"));
        spec.gateway.has_fixed_ips = ips && !json_is_null(ips);
        fixed_ips_from_json(ips, &fixed, &spec.gateway.n_fixed_ips);
        spec.gateway.fixed_ips = fixed;
    }
    if (spec.has_routes) {
        routes_from_json(json_object_get(item, "routes"), &routes, &spec.n_routes);
        spec.routes = routes;
    }
    r = id ? core_router_update(op, id, &spec, expected_revision, ret)
           : core_router_create(op, &spec, ret);
    free(routes);
    free(fixed);
    free(hints_json);
    return r;
}

RESOURCE_OPS(router, struct router, router_def, store_router_foreach, core_router_get,
             router_write, core_router_delete, router_render, router_done,
             .bump = store_router_bump)

RESOURCE_HANDLERS(routers, router, &router_ops)

/* --- Member actions ---------------------------------------------------------------- */

/* Parses the body as a JSON object (owned), or answers and returns NULL. */
static json_t *
body_object(struct request *req)
{
    json_t *body = req->body.len ? json_loadb(req->body.data, req->body.len,
                                              JSON_REJECT_DUPLICATES, NULL)
                                 : json_object();

    if (!json_is_object(body)) {
        json_decref(body);
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Body contains invalid data");
        return NULL;
    }
    return body;
}

/* subnet_id or port_id of an interface body as text: NULL when absent; a value that is
 * no string as Python prints it (the core then refuses it as no UUID). */
static const char *
interface_key(const json_t *body, const char *key, struct buf *holder)
{
    const json_t *v = json_object_get(body, key);

    if (!v) {
        return NULL;
    }
    if (json_is_string(v)) {
        return json_string_value(v);
    }
    py_str(holder, v);
    return buf_cstr(holder);
}

static void
render_interface(struct jsonw *w, const struct router_interface *ri)
{
    jsonw_object_begin(w);
    jsonw_key(w, "id");
    jsonw_string(w, ri->router_id);
    jsonw_key(w, "tenant_id");
    jsonw_string(w, ri->project_id);
    jsonw_key(w, "port_id");
    jsonw_string(w, ri->port_id);
    jsonw_key(w, "network_id");
    jsonw_string(w, ri->network_id);
    jsonw_key(w, "subnet_id");
    jsonw_string(w, ri->subnet_id);
    jsonw_key(w, "subnet_ids");
    jsonw_raw(w, ri->subnet_ids_json);
    jsonw_object_end(w);
}

struct interface_call {
    const char *router_id;
    bool add;
    const char *subnet_id;
    const char *port_id;
    struct router_interface result;
};

static int
interface_run(const struct op *op, void *aux)
{
    struct interface_call *call = aux;

    return call->add ? core_router_add_interface(op, call->router_id, call->subnet_id,
                                                 call->port_id, &call->result)
                     : core_router_remove_interface(op, call->router_id, call->subnet_id,
                                                    call->port_id, &call->result);
}

static void
interface_answer(struct request *req, void *aux)
{
    struct interface_call *call = aux;
    struct jsonw w;

    api_begin(req, 200, &w);
    render_interface(&w, &call->result);
    router_interface_done(&call->result);
}

static int
interface_action(struct request *req, const char *router_id, bool add)
{
    struct buf subnet_text = BUF_INITIALIZER, port_text = BUF_INITIALIZER;
    json_t *body = body_object(req);
    struct interface_call call = { .router_id = router_id, .add = add };
    int r;

    if (!body) {
        return -1;
    }
    call.subnet_id = interface_key(body, "subnet_id", &subnet_text);
    call.port_id = interface_key(body, "port_id", &port_text);
    r = api_in_transaction(req, interface_run, interface_answer, &call);
    buf_done(&subnet_text);
    buf_done(&port_text);
    json_decref(body);
    return r;
}

int
router_add_interface(struct request *req, char *const args[])
{
    return interface_action(req, args[0], true);
}

int
router_remove_interface(struct request *req, char *const args[])
{
    return interface_action(req, args[0], false);
}

struct routes_call {
    const char *router_id;
    bool add;
    struct route_spec *routes;
    size_t n_routes;
    struct router result;
};

static int
routes_run(const struct op *op, void *aux)
{
    struct routes_call *call = aux;

    return core_router_change_routes(op, call->router_id, call->add, call->routes,
                                     call->n_routes, &call->result);
}

static void
routes_answer(struct request *req, void *aux)
{
    struct routes_call *call = aux;
    struct field_set all = { NULL, 0 };
    struct jsonw w;

    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "router");
    render(&w, &call->result, &all, &req->ctx, true);
    jsonw_object_end(&w);
    router_done(&call->result);
}

/* 'list' without repeated items, if it is a list (a new reference). */
static json_t *
without_repeats(json_t *list)
{
    json_t *out, *item, *seen;
    size_t i, j;

    if (!json_is_array(list)) {
        return json_incref(list);
    }
    out = json_array();
    json_array_foreach (list, i, item) {
        bool repeat = false;
        json_array_foreach (out, j, seen) {
            repeat = repeat || json_equal(item, seen);
        }
        if (!repeat) {
            json_array_append(out, item);
        }
    }
    return out;
}

/* {"router": {"routes": [...]}}, the routes checked as an update's would be, except
 * that a route given twice counts once (Zed merges them). */
static int
routes_action(struct request *req, const char *router_id, bool add)
{
    const struct attr_def *a = attrs_find(&router_def, "routes");
    json_t *body = body_object(req);
    json_t *routes = json_object_get(json_object_get(body, "router"), "routes");
    struct routes_call call = { .router_id = router_id, .add = add };
    json_t *checked;
    int r;

    if (!body) {
        return -1;
    }
    if (!routes) {
        json_decref(body);
        return api_fail(req, API_ERR_HTTP_BAD_REQUEST, "Invalid input for routes. Reason: a"
                        " body {\"router\": {\"routes\": [...]}} is required.");
    }
    routes = without_repeats(routes);
    checked = attrs_convert_value(req, a, routes);
    json_decref(routes);
    if (!checked) {
        json_decref(body);
        return -1;
    }
    routes_from_json(checked, &call.routes, &call.n_routes);
    r = api_in_transaction(req, routes_run, routes_answer, &call);
    free(call.routes);
    json_decref(checked);
    json_decref(body);
    return r;
}

int
router_add_extraroutes(struct request *req, char *const args[])
{
    return routes_action(req, args[0], true);
}

int
router_remove_extraroutes(struct request *req, char *const args[])
{
    return routes_action(req, args[0], false);
}
