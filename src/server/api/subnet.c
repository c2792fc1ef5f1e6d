/* /v2.0/subnets: the attribute table, rendering, and the handlers, which parse a body
 * into a subnet_spec and leave the work to the core (core/subnet.h). */
#include "subnet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "common.h"
#include "resource.h"
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
    { "prefixlen", AK_NON_NEGATIVE, true, false },
    { "cidr", AK_CIDR, true, false, .filter = true, .sort = true, .field = SF_CIDR },
    { "gateway_ip", AK_IP_OR_NULL, true, true, .filter = true, .sort = true,
      .field = SF_GATEWAY_IP },
    { "allocation_pools", AK_POOLS, true, true },
    { "dns_nameservers", AK_NAMESERVERS, true, true },
    { "host_routes", AK_HOSTROUTES, true, true },
    ATTR_OWNER,
    { "enable_dhcp", AK_BOOL, true, true, .filter = true, .sort = true,
      .field = SF_ENABLE_DHCP, .field_kind = SV_INT },
    { "ipv6_ra_mode", AK_VALUES_OR_NULL, true, false, .values = ipv6_modes, .filter = true,
      .sort = true, .field = SF_IPV6_RA_MODE },
    { "ipv6_address_mode", AK_VALUES_OR_NULL, true, false, .values = ipv6_modes,
      .filter = true, .sort = true, .field = SF_IPV6_ADDRESS_MODE },
    { "shared", AK_BOOL, false, false, .filter = true, .field = SF_SUBNET_SHARED,
      .field_kind = SV_INT },
    { "service_types", AK_SERVICE_TYPES, true, true },
    { "use_default_subnetpool", AK_BOOL, true, false },
    ATTRS_STANDARD,
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
subnet_render(struct jsonw *w, const struct subnet *s, const struct field_set *fs,
              const struct context *ctx)
{
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", s->std.id);
    api_kv_str(w, fs, "name", s->std.name);
    api_kv_str(w, fs, "network_id", s->network_id);
    api_kv_int(w, fs, "ip_version", s->ip_version);
    api_kv_str(w, fs, "subnetpool_id", *s->subnetpool_id ? s->subnetpool_id : NULL);
    api_kv_bool(w, fs, "enable_dhcp", s->enable_dhcp);
    api_kv_str(w, fs, "ipv6_ra_mode", s->ipv6_ra_mode);
    api_kv_str(w, fs, "ipv6_address_mode", s->ipv6_address_mode);
    api_kv_str(w, fs, "gateway_ip", s->gateway_ip);
    api_kv_str(w, fs, "cidr", s->cidr);
    api_kv_raw(w, fs, "allocation_pools", s->allocation_pools_json);
    api_kv_raw(w, fs, "host_routes", s->host_routes_json);
    api_kv_raw(w, fs, "dns_nameservers", s->dns_nameservers_json);
    api_kv_raw(w, fs, "service_types", s->service_types_json ? s->service_types_json : "[]");
    api_render_std(w, &s->std, fs);
    jsonw_object_end(w);
}

/* --- From a request body to a subnet_spec ----------------------------------------- */

/* What spec_from_item() allocates. */
struct spec_arrays {
    struct pool_spec *pools;
    const char **dns;
    struct host_route_spec *routes;
    char *service_types;
};

static void
spec_arrays_done(struct spec_arrays *a)
{
    free(a->service_types);
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
    spec->subnetpool_id = attr_is_null(item, "subnetpool_id")
                          ? NULL : attr_str(item, "subnetpool_id", NULL);
    spec->use_default_subnetpool = attr_bool(item, "use_default_subnetpool", false);
    spec->has_prefixlen = attr_has(item, "prefixlen");
    spec->prefixlen = attr_int(item, "prefixlen", 0);
    spec->ipv6_ra_mode = attr_str(item, "ipv6_ra_mode", NULL);
    spec->ipv6_address_mode = attr_str(item, "ipv6_address_mode", NULL);
    spec->name = attr_str(item, "name", NULL);
    spec->description = attr_str(item, "description", NULL);
    spec->has_gateway_ip = attr_has(item, "gateway_ip");
    spec->gateway_ip = attr_str(item, "gateway_ip", NULL);
    spec->has_enable_dhcp = attr_has(item, "enable_dhcp");
    spec->enable_dhcp = attr_bool(item, "enable_dhcp", true);
    spec->has_service_types = attr_has(item, "service_types");
    a->service_types = spec->has_service_types
                           ? json_dumps(json_object_get(item, "service_types"), JSON_COMPACT)
                           : NULL;
    spec->service_types_json = a->service_types;

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

/* --- The resource's operations ---------------------------------------------------- */

static int
subnet_write(const struct op *op, const char *id, const json_t *item,
             int64_t expected_revision, void *ret)
{
    struct spec_arrays arrays;
    struct subnet_spec spec;
    int r;

    spec_from_item(item, &spec, &arrays);
    r = id ? core_subnet_update(op, id, &spec, expected_revision, ret)
           : core_subnet_create(op, &spec, ret);
    spec_arrays_done(&arrays);
    return r;
}

RESOURCE_OPS(subnet, struct subnet, subnet_def, store_subnet_foreach, core_subnet_get,
             subnet_write, core_subnet_delete, subnet_render, subnet_done,
             .bump = store_subnet_bump)

RESOURCE_HANDLERS(subnets, subnet, &subnet_ops)
