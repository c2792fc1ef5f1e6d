/* /v2.0/subnets: the attribute table, rendering, and the handlers, which parse a body
 * into a subnet_spec and leave the work to the core (core/subnet.h). */
#include "subnet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "common.h"
#include "core/subnet.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

static const char *const ip_versions[] = { "4", "6", NULL };
static const char *const ipv6_modes[] = { "dhcpv6-stateful", "dhcpv6-stateless", "slaac", NULL };

static const struct attr_def subnet_attrs[] = {
    { "id", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_ID },
    { "name", AK_STRING, true, true, .max_len = 255, .filter = true, .sort = true,
      .field = SF_NAME },
    { "ip_version", AK_INT, true, false, .required = true, .values = ip_versions,
      .filter = true, .sort = true, .field = SF_IP_VERSION, .field_kind = SV_INT },
    { "network_id", AK_UUID, true, false, .required = true, .filter = true, .sort = true,
      .field = SF_NETWORK_ID },
    { "subnetpool_id", AK_UUID_OR_NULL, true, false, .filter = true, .sort = true,
      .field = SF_SUBNETPOOL_ID },
    { "cidr", AK_CIDR, true, false, .filter = true, .sort = true, .field = SF_CIDR },
    { "gateway_ip", AK_IP_OR_NULL, true, true, .filter = true, .sort = true,
      .field = SF_GATEWAY_IP },
    { "allocation_pools", AK_POOLS, true, true },
    { "dns_nameservers", AK_NAMESERVERS, true, true },
    { "host_routes", AK_HOSTROUTES, true, true },
    { "tenant_id", AK_STRING, true, false, .max_len = 255, .filter = true, .sort = true,
      .field = SF_PROJECT_ID },
    { "project_id", AK_STRING, true, false, .max_len = 255, .filter = true, .sort = true,
      .field = SF_PROJECT_ID },
    { "enable_dhcp", AK_BOOL, true, true, .filter = true, .sort = true,
      .field = SF_ENABLE_DHCP, .field_kind = SV_INT },
    { "ipv6_ra_mode", AK_VALUES_OR_NULL, true, false, .values = ipv6_modes, .filter = true,
      .sort = true, .field = SF_IPV6_RA_MODE },
    { "ipv6_address_mode", AK_VALUES_OR_NULL, true, false, .values = ipv6_modes,
      .filter = true, .sort = true, .field = SF_IPV6_ADDRESS_MODE },
    { "shared", AK_ANY, false, false, .filter = true, .field = SF_SUBNET_SHARED,
      .field_kind = SV_INT },
    { "service_types", AK_EMPTY_LIST, true, true },
    { "description", AK_STRING, true, true, .max_len = 255, .filter = true,
      .field = SF_DESCRIPTION },
    { "tags", AK_ANY, false, false },
    { "created_at", AK_ANY, false, false },
    { "updated_at", AK_ANY, false, false },
    { "revision_number", AK_ANY, false, false, .filter = true, .field = SF_REVISION_NUMBER,
      .field_kind = SV_INT },
};

const struct resource_def subnet_def = {
    .singular = "subnet",
    .plural = "subnets",
    .title = "Subnet",
    .not_found = API_ERR_SUBNET_NOT_FOUND,
    .attrs = subnet_attrs,
    .n_attrs = ARRAY_SIZE(subnet_attrs),
};

static void
subnet_render(struct jsonw *w, const struct subnet *s, const struct field_set *fs)
{
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", s->std.id);
    api_kv_str(w, fs, "name", s->std.name);
    api_kv_str(w, fs, "network_id", s->network_id);
    api_kv_int(w, fs, "ip_version", s->ip_version);
    api_kv_str(w, fs, "subnetpool_id", NULL);
    api_kv_bool(w, fs, "enable_dhcp", s->enable_dhcp);
    api_kv_str(w, fs, "ipv6_ra_mode", s->ipv6_ra_mode);
    api_kv_str(w, fs, "ipv6_address_mode", s->ipv6_address_mode);
    api_kv_str(w, fs, "gateway_ip", s->gateway_ip);
    api_kv_str(w, fs, "cidr", s->cidr);
    api_kv_raw(w, fs, "allocation_pools", s->allocation_pools_json);
    api_kv_raw(w, fs, "host_routes", s->host_routes_json);
    api_kv_raw(w, fs, "dns_nameservers", s->dns_nameservers_json);
    api_kv_raw(w, fs, "service_types", "[]");
    api_render_std(w, &s->std, fs);
    jsonw_object_end(w);
}

struct subnet_list_walk {
    struct jsonw *w;
    struct list_request *lr;
};

static int
subnet_list_row(const struct subnet *s, void *aux)
{
    struct subnet_list_walk *walk = aux;

    subnet_render(walk->w, s, &walk->lr->fields);
    listing_note_item(walk->lr, s->std.id);
    return 0;
}

int
subnets_list(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct list_request lr;
    struct jsonw w;
    int r;

    if (!c || listing_parse(req, &subnet_def, &lr)) {
        return -1;
    }
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "subnets");
    jsonw_array_begin(&w);
    struct subnet_list_walk walk = { &w, &lr };
    r = store_subnet_foreach(c, &lr.q, subnet_list_row, &walk);
    if (r) {
        r == -ENOENT ? api_fail(req, API_ERR_SUBNET_NOT_FOUND, "Subnet %s could not be found.",
                                lr.q.marker)
                     : api_fail_internal(req, r);
        listing_done(&lr);
        return -1;
    }
    jsonw_array_end(&w);
    listing_render_links(&w, req, &subnet_def, &lr);
    jsonw_object_end(&w);
    listing_done(&lr);
    return 0;
}

int
subnet_show(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct field_set fs;
    struct subnet s;
    struct jsonw w;
    int r;

    if (!c) {
        return -1;
    }
    r = store_subnet_get(c, args[0], context_visible_to(&req->ctx), &s);
    if (r) {
        return r == -ENOENT ? api_fail(req, API_ERR_SUBNET_NOT_FOUND,
                                       "Subnet %s could not be found.", args[0])
                            : api_fail_internal(req, r);
    }
    fields_parse(req, &fs);
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "subnet");
    subnet_render(&w, &s, &fs);
    jsonw_object_end(&w);
    fields_done(&fs);
    subnet_done(&s);
    return 0;
}

/* --- From a request body to a subnet_spec ----------------------------------------- */

/* What spec_from_item() allocates. */
struct spec_arrays {
    struct pool_spec *pools;
    const char **dns;
    struct host_route_spec *routes;
};

static void
spec_arrays_done(struct spec_arrays *a)
{
    free(a->pools);
    free(a->dns);
    free(a->routes);
}

/* A checked body item as a subnet_spec; the strings stay the item's. */
static void
spec_from_item(const json_t *item, struct subnet_spec *spec, struct spec_arrays *a)
{
    const json_t *pools = json_object_get(item, "allocation_pools");
    const json_t *dns = json_object_get(item, "dns_nameservers");
    const json_t *routes = json_object_get(item, "host_routes");
    const json_t *v;
    size_t i;

    memset(spec, 0, sizeof *spec);
    spec->project_id = attr_str(item, "project_id", NULL);
    spec->network_id = attr_str(item, "network_id", NULL);
    spec->ip_version = (int) attr_int(item, "ip_version", 4);
    spec->cidr = attr_str(item, "cidr", NULL);
    spec->subnetpool_id = attr_str(item, "subnetpool_id", NULL);
    spec->ipv6_ra_mode = attr_str(item, "ipv6_ra_mode", NULL);
    spec->ipv6_address_mode = attr_str(item, "ipv6_address_mode", NULL);
    spec->name = attr_str(item, "name", NULL);
    spec->description = attr_str(item, "description", NULL);
    spec->has_gateway_ip = attr_has(item, "gateway_ip");
    spec->gateway_ip = attr_str(item, "gateway_ip", NULL);
    spec->has_enable_dhcp = attr_has(item, "enable_dhcp");
    spec->enable_dhcp = attr_bool(item, "enable_dhcp", true);
    spec->has_service_types = attr_has(item, "service_types");

    spec->has_pools = pools != NULL;
    a->pools = xcalloc(json_array_size(pools) + 1, sizeof *a->pools);
    json_array_foreach (pools, i, v) {
        a->pools[i].start = json_string_value(json_object_get(v, "start"));
        a->pools[i].end = json_string_value(json_object_get(v, "end"));
    }
    spec->pools = a->pools;
    spec->n_pools = json_array_size(pools);

    spec->has_dns = dns != NULL;
    a->dns = xcalloc(json_array_size(dns) + 1, sizeof *a->dns);
    json_array_foreach (dns, i, v) {
        a->dns[i] = json_string_value(v);
    }
    spec->dns = a->dns;
    spec->n_dns = json_array_size(dns);

    spec->has_routes = routes != NULL;
    a->routes = xcalloc(json_array_size(routes) + 1, sizeof *a->routes);
    json_array_foreach (routes, i, v) {
        a->routes[i].destination = json_string_value(json_object_get(v, "destination"));
        a->routes[i].nexthop = json_string_value(json_object_get(v, "nexthop"));
    }
    spec->routes = a->routes;
    spec->n_routes = json_array_size(routes);
}

static int
subnet_create_item(const struct op *op, const json_t *item, struct subnet *ret)
{
    struct spec_arrays arrays;
    struct subnet_spec spec;
    int r;

    spec_from_item(item, &spec, &arrays);
    r = core_subnet_create(op, &spec, ret);
    spec_arrays_done(&arrays);
    return r;
}

/* Answers {"subnet": s} or {"subnets": [s...]} with 'status'. */
static void
subnets_answer(struct request *req, int status, const struct subnet *subnets, size_t n,
               bool bulk)
{
    struct field_set all = { NULL, 0 };
    struct jsonw w;

    api_begin(req, status, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, bulk ? "subnets" : "subnet");
    if (bulk) {
        jsonw_array_begin(&w);
    }
    for (size_t i = 0; i < n; i++) {
        subnet_render(&w, &subnets[i], &all);
    }
    if (bulk) {
        jsonw_array_end(&w);
    }
    jsonw_object_end(&w);
}

int
subnets_create(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    struct subnet *made;
    json_t *items, *item;
    size_t n_made = 0, i;
    bool bulk;
    int r;

    if (!c || attrs_parse_body(req, &subnet_def, true, &items, &bulk)) {
        return -1;
    }
    made = xcalloc(json_array_size(items), sizeof *made);
    r = store_begin(c);
    json_array_foreach (items, i, item) {
        if (r || subnet_create_item(&op, item, &made[n_made])) {
            break;
        }
        n_made++;
    }
    if (r) {
        api_fail_internal(req, r);
    } else if (n_made < json_array_size(items)) {
        store_rollback(c);
        api_fail_with(req, &err);
    } else if ((r = store_commit(c))) {
        api_fail_internal(req, r);
    } else {
        subnets_answer(req, 201, made, n_made, bulk);
    }
    for (i = 0; i < n_made; i++) {
        subnet_done(&made[i]);
    }
    free(made);
    json_decref(items);
    return req->status >= 400 ? -1 : 0;
}

int
subnet_update(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    struct spec_arrays arrays;
    struct subnet_spec spec;
    struct subnet s;
    json_t *items;
    int64_t if_match;
    bool bulk;
    int r;

    if (!c || attrs_parse_body(req, &subnet_def, false, &items, &bulk)) {
        return -1;
    }
    if (api_if_match_parse(req, &if_match)) {
        json_decref(items);
        return -1;
    }
    spec_from_item(json_array_get(items, 0), &spec, &arrays);
    r = store_begin(c);
    if (r) {
        api_fail_internal(req, r);
    } else if (core_subnet_update(&op, args[0], &spec, if_match, &s)) {
        store_rollback(c);
        api_fail_with(req, &err);
    } else {
        r = store_commit(c);
        r ? api_fail_internal(req, r) : subnets_answer(req, 200, &s, 1, false);
        subnet_done(&s);
    }
    spec_arrays_done(&arrays);
    json_decref(items);
    return req->status >= 400 ? -1 : 0;
}

int
subnet_delete(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    int64_t if_match;
    int r;

    if (!c || api_if_match_parse(req, &if_match)) {
        return -1;
    }
    r = store_begin(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    if (core_subnet_delete(&op, args[0], if_match)) {
        store_rollback(c);
        return api_fail_with(req, &err);
    }
    r = store_commit(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    req->status = 204;
    return 0;
}
