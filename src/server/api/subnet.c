/* /v2.0/subnets: the checks and defaults of ipam.md §1-4 in Neutron's order, the
 * subnet row, its allocation pools and free ranges, all in one transaction. */
#include "subnet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "common.h"
#include "dhcp/dhcp_sched.h"
#include "request.h"
#include "ipam.h"
#include "mac.h"
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

/* The DHCP-related prefix checks (enable_dhcp true). */
static int
check_dhcp_prefix(struct request *req, const struct cidr *c)
{
    u128 first = cidr_first(c);

    if ((c->addr.family == 4 && c->prefix > 30) || (c->addr.family == 6 && c->prefix > 126)) {
        return api_fail(req, API_ERR_INVALID_INPUT,
                        "Subnet has a prefix length that is incompatible with DHCP service"
                        " enabled");
    }
    if (c->addr.family == 4) {
        if (first >> 28 == 0xe) {
            return api_fail(req, API_ERR_INVALID_INPUT,
                            "Multicast IP subnet is not supported if enable_dhcp is True");
        }
        if (first >> 24 == 127) {
            return api_fail(req, API_ERR_INVALID_INPUT,
                            "Loopback IP subnet is not supported if enable_dhcp is True");
        }
        if (first == 0) {
            return api_fail(req, API_ERR_INVALID_INPUT, "First IP '0.0.0.0' of network is not"
                            " supported if enable_dhcp is True.");
        }
    } else {
        if (first >> 120 == 0xff) {
            return api_fail(req, API_ERR_INVALID_INPUT,
                            "Multicast IP subnet is not supported if enable_dhcp is True");
        }
        if (c->prefix == 128 && first == 1) {
            return api_fail(req, API_ERR_INVALID_INPUT,
                            "Loopback IP subnet is not supported if enable_dhcp is True");
        }
    }
    return 0;
}

static int
check_gateway(struct request *req, const struct cidr *c, const char *gw, int ip_version,
              struct ip_addr *ret)
{
    struct ip_addr a;

    ip_parse(gw, &a);   /* Validated by the attribute checks. */
    if (a.family != ip_version) {
        return api_fail(req, API_ERR_INVALID_INPUT, "gateway_ip '%s' does not match the"
                        " ip_version '%d'", gw, ip_version);
    }
    /* IPv4 only: the network and broadcast addresses (IPv6 gateways are often the
     * subnet-router anycast address, the network's own). */
    if (a.family == 4 && cidr_contains(c, &a) && (a.v == cidr_first(c) || a.v == cidr_last(c))) {
        return api_fail(req, API_ERR_INVALID_INPUT, "Gateway is not valid on subnet");
    }
    *ret = a;
    return 0;
}

static int
check_dns_and_routes(struct request *req, const json_t *item, int ip_version, bool create)
{
    const json_t *dns = json_object_get(item, "dns_nameservers");
    const json_t *routes = json_object_get(item, "host_routes");
    const struct server_config *cfg = req->app->cfg;
    const char *what = create ? "new subnet" : "subnet";
    size_t i;
    json_t *v;

    if (dns && cfg->max_dns_nameservers >= 0
        && json_array_size(dns) > (size_t) cfg->max_dns_nameservers) {
        return api_fail(req, API_ERR_DNS_NAMESERVERS_EXHAUSTED, "Unable to complete operation"
                        " for %s. The number of DNS nameservers exceeds the limit %d.", what,
                        cfg->max_dns_nameservers);
    }
    json_array_foreach (dns, i, v) {
        struct ip_addr a;
        ip_parse(json_string_value(v), &a);
        if (a.family != ip_version) {
            return api_fail(req, API_ERR_INVALID_INPUT, "dns_nameserver '%s' does not match"
                            " the ip_version '%d'", json_string_value(v), ip_version);
        }
    }
    if (routes && cfg->max_subnet_host_routes >= 0
        && json_array_size(routes) > (size_t) cfg->max_subnet_host_routes) {
        return api_fail(req, API_ERR_HOST_ROUTES_EXHAUSTED, "Unable to complete operation for"
                        " %s. The number of host routes exceeds the limit %d.", what,
                        cfg->max_subnet_host_routes);
    }
    json_array_foreach (routes, i, v) {
        const char *dest = json_string_value(json_object_get(v, "destination"));
        const char *hop = json_string_value(json_object_get(v, "nexthop"));
        struct cidr d;
        struct ip_addr h;

        cidr_parse(dest, &d);
        ip_parse(hop, &h);
        if (h.family != ip_version) {
            return api_fail(req, API_ERR_INVALID_INPUT, "nexthop '%s' does not match the"
                            " ip_version '%d'", hop, ip_version);
        }
        if (d.addr.family != ip_version) {
            return api_fail(req, API_ERR_INVALID_INPUT, "destination '%s' does not match the"
                            " ip_version '%d'", dest, ip_version);
        }
    }
    return 0;
}

static int
check_ipv6_modes(struct request *req, const json_t *item, int ip_version, const struct cidr *c,
                 bool enable_dhcp)
{
    const char *ra = attr_str(item, "ipv6_ra_mode", NULL);
    const char *addr = attr_str(item, "ipv6_address_mode", NULL);

    if (ip_version == 4) {
        if (ra) {
            return api_fail(req, API_ERR_INVALID_INPUT,
                            "ipv6_ra_mode is not valid when ip_version is 4");
        }
        if (addr) {
            return api_fail(req, API_ERR_INVALID_INPUT,
                            "ipv6_address_mode is not valid when ip_version is 4");
        }
        return 0;
    }
    if ((ra || addr) && !enable_dhcp) {
        return api_fail(req, API_ERR_INVALID_INPUT, "ipv6_ra_mode or ipv6_address_mode cannot"
                        " be set when enable_dhcp is set to False");
    }
    if (ra && addr && !STREQ(ra, addr)) {
        return api_fail(req, API_ERR_INVALID_INPUT, "ipv6_ra_mode set to '%s' with"
                        " ipv6_address_mode set to '%s' is not valid. If both attributes are"
                        " set, they must be the same value", ra, addr);
    }
    const char *mode = addr ? addr : ra;
    if (mode && (STREQ(mode, "slaac") || STREQ(mode, "dhcpv6-stateless")) && c->prefix != 64) {
        char text[CIDR_STRLEN];
        cidr_format(c, text);
        return api_fail(req, API_ERR_INVALID_INPUT, "Invalid CIDR %s for IPv6 address mode."
                        " OpenStack uses the EUI-64 address format, which requires the prefix"
                        " to be /64", text);
    }
    return 0;
}

/* The subnet's CIDR from a checked create body, normalised. */
static int
subnet_cidr(struct request *req, const json_t *item, int ip_version, struct cidr *ret)
{
    const char *given = attr_str(item, "cidr", NULL);

    if (attr_has(item, "subnetpool_id") && !attr_is_null(item, "subnetpool_id")) {
        const char *pool = attr_str(item, "subnetpool_id", "");
        return api_fail(req, API_ERR_SUBNETPOOL_NOT_FOUND, "Subnet pool %s could not be found.",
                        pool);
    }
    if (!given) {
        return api_fail(req, API_ERR_BAD_REQUEST, "Bad subnets request: a subnetpool must be"
                        " specified in the absence of a cidr.");
    }
    cidr_parse(given, ret);
    cidr_normalize(ret);
    if (ret->addr.family != ip_version) {
        return api_fail(req, API_ERR_INVALID_INPUT, "cidr '%s' does not match the ip_version"
                        " '%d'", given, ip_version);
    }
    return 0;
}

/* Refuses a CIDR that overlaps another subnet of the same network. */
static int
check_overlap(struct request *req, struct store_conn *c, const char *network_id,
              const struct cidr *cidr)
{
    struct subnet *others = NULL;
    size_t n = 0;
    int r = store_subnets_of_network(c, network_id, &others, &n), ret = 0;

    if (r) {
        return api_fail_internal(req, r);
    }
    for (size_t i = 0; i < n; i++) {
        struct cidr o;
        if (!ret && !cidr_parse(others[i].cidr, &o) && cidr_overlaps(&o, cidr)) {
            char text[CIDR_STRLEN];
            cidr_format(cidr, text);
            ret = api_fail(req, API_ERR_INVALID_INPUT, "Requested subnet with cidr: %s for"
                           " network: %s overlaps with another subnet", text, network_id);
        }
        subnet_done(&others[i]);
    }
    free(others);
    return ret;
}

struct eui64_walk {
    struct store_conn *c;
    const struct subnet *s;
    struct cidr prefix;
    int error;
};

static int
eui64_add(const struct port *p, void *aux)
{
    struct eui64_walk *walk = aux;
    struct ip_addr a;
    struct mac m;

    if (str_startswith(p->device_owner, "network:router") || mac_parse(p->mac_address, &m)) {
        return 0;
    }
    ipam_eui64(&walk->prefix, &m, &a);
    walk->error = store_alloc_insert(walk->c, walk->s->std.id, p->network_id, &a, p->std.id);
    return walk->error == -EEXIST ? 0 : walk->error;
}

/* A new SLAAC / DHCPv6-stateless subnet gives every port already on the network its
 * EUI-64 address (router ports excepted). */
/* A subnet appeared, changed or went: the network may now need DHCP agents, and those
 * hosting it must look at it again (dnsmasq's ranges and options follow subnets). */
static int
subnet_tell_dhcp(struct request *req, struct store_conn *c, const struct subnet *s)
{
    int r = s->enable_dhcp ? dhcp_schedule_network(req, c, s->network_id) : 0;

    if (!r && api_change_dhcp(req, c, s->network_id, "dhcp_network", s->network_id)) {
        r = -EIO;
    }
    return r;
}

static int
subnet_add_auto_addresses(struct store_conn *c, const struct subnet *s)
{
    char *values[1] = { (char *) s->network_id };
    struct store_filter f = { SF_NETWORK_ID, SV_TEXT, values, 1 };
    struct list_query q = { .filters = &f, .n_filters = 1 };
    struct eui64_walk walk = { c, s, { { 0, 0 }, 0 }, 0 };
    const char *mode = s->ipv6_address_mode;

    if (s->ip_version != 6 || !mode || (!STREQ(mode, "slaac") && !STREQ(mode, "dhcpv6-stateless"))) {
        return 0;
    }
    cidr_parse(s->cidr, &walk.prefix);
    return store_port_foreach(c, &q, eui64_add, &walk);
}

/* Builds and stores one subnet in the open transaction; '*ret' gets owned copies. */
static int
subnet_create_one(struct request *req, struct store_conn *c, const json_t *item,
                  struct subnet *ret)
{
    int ip_version = (int) attr_int(item, "ip_version", 4);
    bool enable_dhcp = attr_bool(item, "enable_dhcp", true);
    struct ip_addr gw, *gateway = NULL;
    struct ipam_pool *pools = NULL, defaults[2];
    size_t n_pools;
    struct api_error err;
    struct network net;
    struct cidr cidr;
    struct subnet s;
    const char *owner;
    char text[CIDR_STRLEN], gw_text[IP_STRLEN];
    int r;

    if (api_owner(req, item, &owner) || subnet_cidr(req, item, ip_version, &cidr)
        || (enable_dhcp && check_dhcp_prefix(req, &cidr))) {
        return -1;
    }
    if (attr_has(item, "gateway_ip") && !attr_is_null(item, "gateway_ip")) {
        if (check_gateway(req, &cidr, attr_str(item, "gateway_ip", ""), ip_version, &gw)) {
            return -1;
        }
        gateway = &gw;
    }
    if (check_dns_and_routes(req, item, ip_version, true)
        || check_ipv6_modes(req, item, ip_version, &cidr, enable_dhcp)) {
        return -1;
    }
    r = store_network_get(c, attr_str(item, "network_id", ""), context_visible_to(&req->ctx),
                          &net);
    if (r) {
        return r == -ENOENT ? api_fail(req, API_ERR_NETWORK_NOT_FOUND,
                                       "Network %s could not be found.",
                                       attr_str(item, "network_id", ""))
                            : api_fail_internal(req, r);
    }
    if (!req->ctx.is_admin && !net.shared && !STREQ(net.std.project_id, req->ctx.project_id)) {
        network_done(&net);
        return api_fail(req, API_ERR_HTTP_FORBIDDEN,
                        "Tenant %s not allowed to create subnet on this network",
                        req->ctx.project_id);
    }
    r = api_authorize(req, POLICY_SUBNET, POLICY_CREATE, &(struct policy_target) {
                          .project_id = owner, .net_project_id = net.std.project_id,
                          .shared = net.shared });
    network_done(&net);
    if (r) {
        return -1;
    }
    if (cidr.prefix == 0) {
        return api_fail(req, API_ERR_INVALID_INPUT, "0 is not allowed as CIDR prefix length");
    }
    if (check_overlap(req, c, attr_str(item, "network_id", ""), &cidr)) {
        return -1;
    }
    if (!attr_has(item, "gateway_ip")) {
        /* IPv4: the first address after the network's; IPv6: the network address. */
        gw.family = ip_version;
        gw.v = cidr_first(&cidr) + (ip_version == 4);
        if (ip_version == 4) {
            gw.v &= 0xffffffffu;
        }
        gateway = &gw;
        if (ip_version == 4 && cidr.prefix == 31 && gw.v == cidr_last(&cidr)) {
            char g[IP_STRLEN];
            ip_format(&gw, g);
            cidr_format(&cidr, text);
            return api_fail(req, API_ERR_IPAM_VALUE_INVALID,
                            "Gateway IP %s cannot be allocated in CIDR %s", g, text);
        }
    }
    if (attr_has(item, "allocation_pools")) {
        if (ipam_parse_pools(json_object_get(item, "allocation_pools"), ip_version, &pools,
                             &n_pools, &err)
            || ipam_check_pools(&cidr, pools, n_pools, &err)
            || ipam_check_gateway(gateway, pools, n_pools, &err)) {
            free(pools);
            return api_fail_with(req, &err);
        }
    } else {
        n_pools = ipam_default_pools(&cidr, gateway, defaults);
        pools = xcalloc(2, sizeof *pools);
        memcpy(pools, defaults, sizeof defaults);
    }

    memset(&s, 0, sizeof s);
    uuid_new(s.std.id);
    s.std.project_id = xstrdup(owner);
    s.std.name = xstrdup(attr_str(item, "name", ""));
    s.std.description = xstrdup(attr_str(item, "description", ""));
    snprintf(s.network_id, sizeof s.network_id, "%s", attr_str(item, "network_id", ""));
    s.ip_version = ip_version;
    cidr_format(&cidr, text);
    s.cidr = xstrdup(text);
    if (gateway) {
        ip_format(gateway, gw_text);
        s.gateway_ip = xstrdup(gw_text);
    }
    s.enable_dhcp = enable_dhcp;
    s.ipv6_ra_mode = attr_str(item, "ipv6_ra_mode", NULL)
                         ? xstrdup(attr_str(item, "ipv6_ra_mode", NULL)) : NULL;
    s.ipv6_address_mode = attr_str(item, "ipv6_address_mode", NULL)
                              ? xstrdup(attr_str(item, "ipv6_address_mode", NULL)) : NULL;
    s.allocation_pools_json = ipam_pools_to_json(ip_version, pools, n_pools);
    s.dns_nameservers_json = json_dumps(json_object_get(item, "dns_nameservers"),
                                        JSON_COMPACT | JSON_ENCODE_ANY);
    s.host_routes_json = json_dumps(json_object_get(item, "host_routes"),
                                    JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s.dns_nameservers_json) {
        s.dns_nameservers_json = xstrdup("[]");
    }
    if (!s.host_routes_json) {
        s.host_routes_json = xstrdup("[]");
    }
    s.std.tags_json = xstrdup("[]");
    api_now(s.std.created_at);
    memcpy(s.std.updated_at, s.std.created_at, sizeof s.std.updated_at);
    s.std.revision_number = 0;
    r = store_subnet_insert(c, &s);
    if (!r) {
        r = ipam_rebuild_ranges(c, s.std.id, ip_version, pools, n_pools);
    }
    if (!r) {
        r = store_network_bump(c, s.network_id, s.std.created_at);
    }
    if (!r) {
        r = subnet_add_auto_addresses(c, &s);
    }
    if (!r) {
        r = subnet_tell_dhcp(req, c, &s);
    }
    free(pools);
    if (r) {
        subnet_done(&s);
        return api_fail_internal(req, r);
    }
    *ret = s;
    return 0;
}

int
subnets_create(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct field_set all = { NULL, 0 };
    struct subnet *made;
    json_t *items, *item;
    struct jsonw w;
    size_t n_made = 0, i;
    bool bulk;
    int r;

    if (!c || attrs_parse_body(req, &subnet_def, true, &items, &bulk)) {
        return -1;
    }
    made = xcalloc(json_array_size(items), sizeof *made);
    r = store_begin(c);
    if (r) {
        api_fail_internal(req, r);
        goto out;
    }
    json_array_foreach (items, i, item) {
        if (subnet_create_one(req, c, item, &made[n_made])) {
            store_rollback(c);
            goto out;
        }
        n_made++;
    }
    r = store_commit(c);
    if (r) {
        api_fail_internal(req, r);
        goto out;
    }
    api_begin(req, 201, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, bulk ? "subnets" : "subnet");
    if (bulk) {
        jsonw_array_begin(&w);
    }
    for (i = 0; i < n_made; i++) {
        subnet_render(&w, &made[i], &all);
    }
    if (bulk) {
        jsonw_array_end(&w);
    }
    jsonw_object_end(&w);
out:
    for (i = 0; i < n_made; i++) {
        subnet_done(&made[i]);
    }
    free(made);
    json_decref(items);
    return req->status >= 400 ? -1 : 0;
}

/* Applies a checked update to 's' (already read in the open transaction). */
static int
subnet_apply_update(struct request *req, struct store_conn *c, const json_t *item,
                    struct subnet *s)
{
    struct ipam_pool *pools = NULL;
    struct api_error err;
    struct ip_addr gw, *gateway = NULL;
    struct cidr cidr;
    size_t n_pools = 0;
    bool pools_given = attr_has(item, "allocation_pools");
    bool gateway_given = attr_has(item, "gateway_ip");
    int r;

    cidr_parse(s->cidr, &cidr);
    if (attr_bool(item, "enable_dhcp", false) && check_dhcp_prefix(req, &cidr)) {
        return -1;
    }
    if (attr_has(item, "enable_dhcp") && !attr_bool(item, "enable_dhcp", true)
        && (s->ipv6_ra_mode || s->ipv6_address_mode)) {
        return api_fail(req, API_ERR_INVALID_INPUT,
                        "Cannot disable enable_dhcp with ipv6 attributes set");
    }
    if (gateway_given && !attr_is_null(item, "gateway_ip")) {
        if (check_gateway(req, &cidr, attr_str(item, "gateway_ip", ""), s->ip_version, &gw)) {
            return -1;
        }
        gateway = &gw;
    } else if (!gateway_given && s->gateway_ip) {
        ip_parse(s->gateway_ip, &gw);
        gateway = &gw;
    }
    if (check_dns_and_routes(req, item, s->ip_version, false)) {
        return -1;
    }
    if (pools_given) {
        if (ipam_parse_pools(json_object_get(item, "allocation_pools"), s->ip_version, &pools,
                             &n_pools, &err)
            || ipam_check_pools(&cidr, pools, n_pools, &err)) {
            free(pools);
            return api_fail_with(req, &err);
        }
    } else if (ipam_pools_from_json(s->allocation_pools_json, s->ip_version, &pools,
                                    &n_pools)) {
        return api_fail_internal(req, -EIO);
    }
    if ((pools_given || gateway_given) && ipam_check_gateway(gateway, pools, n_pools, &err)) {
        free(pools);
        return api_fail_with(req, &err);
    }
    if (pools_given) {
        free(s->allocation_pools_json);
        s->allocation_pools_json = ipam_pools_to_json(s->ip_version, pools, n_pools);
        r = ipam_rebuild_ranges(c, s->std.id, s->ip_version, pools, n_pools);
        if (r) {
            free(pools);
            return api_fail_internal(req, r);
        }
    }
    free(pools);
    if (gateway_given) {
        char text[IP_STRLEN];
        free(s->gateway_ip);
        s->gateway_ip = NULL;
        if (gateway) {
            ip_format(gateway, text);
            s->gateway_ip = xstrdup(text);
        }
    }
    if (attr_has(item, "dns_nameservers")) {
        free(s->dns_nameservers_json);
        s->dns_nameservers_json = json_dumps(json_object_get(item, "dns_nameservers"),
                                             JSON_COMPACT);
    }
    if (attr_has(item, "host_routes")) {
        free(s->host_routes_json);
        s->host_routes_json = json_dumps(json_object_get(item, "host_routes"), JSON_COMPACT);
    }
    if (attr_has(item, "name")) {
        free(s->std.name);
        s->std.name = xstrdup(attr_str(item, "name", ""));
    }
    if (attr_has(item, "description")) {
        free(s->std.description);
        s->std.description = xstrdup(attr_str(item, "description", ""));
    }
    s->enable_dhcp = attr_bool(item, "enable_dhcp", s->enable_dhcp);
    return 0;
}

int
subnet_update(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct field_set all = { NULL, 0 };
    json_t *items, *item;
    struct subnet s;
    struct jsonw w;
    int64_t if_match;
    bool bulk;
    int r;

    memset(&s, 0, sizeof s);
    if (!c || attrs_parse_body(req, &subnet_def, false, &items, &bulk)) {
        return -1;
    }
    item = json_array_get(items, 0);
    if (api_if_match_parse(req, &if_match)) {
        json_decref(items);
        return -1;
    }
    r = store_begin(c);
    if (r) {
        json_decref(items);
        return api_fail_internal(req, r);
    }
    r = store_subnet_get(c, args[0], context_visible_to(&req->ctx), &s);
    if (r) {
        r == -ENOENT ? api_fail(req, API_ERR_SUBNET_NOT_FOUND, "Subnet %s could not be found.",
                                args[0])
                     : api_fail_internal(req, r);
        goto fail;
    }
    if (api_authorize_on_network(req, c, POLICY_SUBNET, POLICY_UPDATE, s.std.project_id,
                                 s.network_id)
        || subnet_apply_update(req, c, item, &s)
        || api_if_match_check(req, if_match, s.std.revision_number)) {
        goto fail;
    }
    if (json_object_size(item) > 0) {
        s.std.revision_number++;
        api_now(s.std.updated_at);
        r = store_subnet_update(c, &s);
        if (!r) {
            r = subnet_tell_dhcp(req, c, &s);
        }
        if (r) {
            api_fail_internal(req, r);
            goto fail;
        }
    }
    r = store_commit(c);
    if (r) {
        api_fail_internal(req, r);
        goto out;
    }
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "subnet");
    subnet_render(&w, &s, &all);
    jsonw_object_end(&w);
    goto out;
fail:
    store_rollback(c);
out:
    subnet_done(&s);
    json_decref(items);
    return req->status >= 400 ? -1 : 0;
}

int
subnet_delete(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct buf ids = BUF_INITIALIZER;
    struct subnet s;
    int64_t if_match;
    size_t n_blocking;
    char now[TIMESTAMP_LEN];
    int r;

    memset(&s, 0, sizeof s);
    if (!c || api_if_match_parse(req, &if_match)) {
        return -1;
    }
    r = store_begin(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    r = store_subnet_get(c, args[0], context_visible_to(&req->ctx), &s);
    if (r) {
        r == -ENOENT ? api_fail(req, API_ERR_SUBNET_NOT_FOUND, "Subnet %s could not be found.",
                                args[0])
                     : api_fail_internal(req, r);
        goto fail;
    }
    if (api_authorize_on_network(req, c, POLICY_SUBNET, POLICY_DELETE, s.std.project_id,
                                 s.network_id)) {
        goto fail;
    }
    r = store_subnet_blocking_ports(c, s.std.id, &ids, &n_blocking);
    if (r) {
        api_fail_internal(req, r);
        goto fail;
    }
    if (n_blocking) {
        api_fail(req, API_ERR_SUBNET_IN_USE, "Unable to complete operation on subnet %s: One or"
                 " more ports have an IP allocation from this subnet.", s.std.id);
        goto fail;
    }
    if (api_if_match_check(req, if_match, s.std.revision_number)) {
        goto fail;
    }
    /* DHCP ports lose their address here; their allocation rows go with the subnet. */
    api_now(now);
    r = store_subnet_delete(c, s.std.id);
    if (!r) {
        r = store_network_bump(c, s.network_id, now);
    }
    if (!r) {
        r = subnet_tell_dhcp(req, c, &s);
    }
    if (r) {
        api_fail_internal(req, r);
        goto fail;
    }
    r = store_commit(c);
    if (r) {
        api_fail_internal(req, r);
    } else {
        req->status = 204;
    }
    goto out;
fail:
    store_rollback(c);
out:
    buf_done(&ids);
    subnet_done(&s);
    return req->status >= 400 ? -1 : 0;
}
