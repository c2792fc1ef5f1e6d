/* Subnets in the domain core; see subnet.h.  The checks run in Neutron's order, which
 * decides which of several errors a client sees. */
#include "subnet.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "core/changes.h"
#include "core/quota.h"
#include "core/subnetpool.h"
#include "dhcp/dhcp_sched.h"
#include "mac.h"
#include "l3/l3_sched.h"
#include "store/store.h"
#include "util.h"

bool
subnet_spec_empty(const struct subnet_spec *spec)
{
    return !spec->project_id && !spec->network_id && !spec->cidr && !spec->subnetpool_id
           && !spec->use_default_subnetpool && !spec->has_prefixlen
           && !spec->ipv6_ra_mode && !spec->ipv6_address_mode && !spec->name
           && !spec->description && !spec->has_gateway_ip && !spec->has_enable_dhcp
           && !spec->has_pools && !spec->has_dns && !spec->has_routes
           && !spec->has_service_types;
}

/* --- Checks ------------------------------------------------------------------------ */

/* A service type given twice: Zed's database refuses the second row, in these words
 * (docs/behaviour/ipam.md §5.7). */
static int
check_service_types(const struct op *op, const struct subnet_spec *spec)
{
    if (spec->has_service_types && ipam_service_types_repeat(spec->service_types_json)) {
        return api_error_set(op->err, API_ERR_DUPLICATE_SERVICE_TYPE, "Failed to create a"
                             " duplicate SubnetServiceType: for attribute(s) ['subnet_id',"
                             " 'service_type'] with value(s) None");
    }
    return 0;
}

/* The DHCP-related prefix checks (enable_dhcp true). */
static int
check_dhcp_prefix(const struct op *op, const struct cidr *c)
{
    u128 first = cidr_first(c);

    if ((c->addr.family == 4 && c->prefix > 30) || (c->addr.family == 6 && c->prefix > 126)) {
        return api_error_invalid(op->err, "Subnet has a prefix length that is incompatible"
                                 " with DHCP service enabled");
    }
    if (c->addr.family == 4) {
        if (first >> 28 == 0xe) {
            return api_error_invalid(op->err, "Multicast IP subnet is not supported if"
                                     " enable_dhcp is True");
        }
        if (first >> 24 == 127) {
            return api_error_invalid(op->err, "Loopback IP subnet is not supported if"
                                     " enable_dhcp is True");
        }
        if (first == 0) {
            return api_error_invalid(op->err, "First IP '0.0.0.0' of network is not supported"
                                     " if enable_dhcp is True.");
        }
    } else {
        if (first >> 120 == 0xff) {
            return api_error_invalid(op->err, "Multicast IP subnet is not supported if"
                                     " enable_dhcp is True");
        }
        if (c->prefix == 128 && first == 1) {
            return api_error_invalid(op->err, "Loopback IP subnet is not supported if"
                                     " enable_dhcp is True");
        }
    }
    return 0;
}

static int
check_gateway(const struct op *op, const struct cidr *c, const char *gw, int ip_version,
              struct ip_addr *ret)
{
    struct ip_addr a;

    ip_parse(gw, &a);   /* Valid in form. */
    if (a.family != ip_version) {
        return api_error_invalid(op->err, "gateway_ip '%s' does not match the ip_version"
                                 " '%d'", gw, ip_version);
    }
    /* IPv4 only: the network and broadcast addresses (IPv6 gateways are often the
     * subnet-router anycast address, the network's own). */
    if (a.family == 4 && cidr_contains(c, &a) && (a.v == cidr_first(c) || a.v == cidr_last(c))) {
        return api_error_invalid(op->err, "Gateway is not valid on subnet");
    }
    *ret = a;
    return 0;
}

static int
check_dns_and_routes(const struct op *op, const struct subnet_spec *spec, int ip_version,
                     bool create)
{
    const struct server_config *cfg = op->app->cfg;
    const char *what = create ? "new subnet" : "subnet";

    if (spec->has_dns && cfg->max_dns_nameservers >= 0
        && spec->n_dns > (size_t) cfg->max_dns_nameservers) {
        return api_error_set(op->err, API_ERR_DNS_NAMESERVERS_EXHAUSTED, "Unable to complete"
                             " operation for %s. The number of DNS nameservers exceeds the"
                             " limit %d.", what, cfg->max_dns_nameservers);
    }
    for (size_t i = 0; i < spec->n_dns; i++) {
        struct ip_addr a;
        ip_parse(spec->dns[i], &a);
        if (a.family != ip_version) {
            return api_error_invalid(op->err, "dns_nameserver '%s' does not match the"
                                     " ip_version '%d'", spec->dns[i], ip_version);
        }
    }
    if (spec->has_routes && cfg->max_subnet_host_routes >= 0
        && spec->n_routes > (size_t) cfg->max_subnet_host_routes) {
        return api_error_set(op->err, API_ERR_HOST_ROUTES_EXHAUSTED, "Unable to complete"
                             " operation for %s. The number of host routes exceeds the limit"
                             " %d.", what, cfg->max_subnet_host_routes);
    }
    for (size_t i = 0; i < spec->n_routes; i++) {
        const struct host_route_spec *route = &spec->routes[i];
        struct cidr d;
        struct ip_addr h;

        cidr_parse(route->destination, &d);
        ip_parse(route->nexthop, &h);
        if (h.family != ip_version) {
            return api_error_invalid(op->err, "nexthop '%s' does not match the ip_version"
                                     " '%d'", route->nexthop, ip_version);
        }
        if (d.addr.family != ip_version) {
            return api_error_invalid(op->err, "destination '%s' does not match the"
                                     " ip_version '%d'", route->destination, ip_version);
        }
    }
    return 0;
}

static int
check_ipv6_modes(const struct op *op, const struct subnet_spec *spec, const struct cidr *c,
                 bool enable_dhcp)
{
    const char *ra = spec->ipv6_ra_mode, *addr = spec->ipv6_address_mode;

    if (spec->ip_version == 4) {
        if (ra) {
            return api_error_invalid(op->err, "ipv6_ra_mode is not valid when ip_version is 4");
        }
        if (addr) {
            return api_error_invalid(op->err, "ipv6_address_mode is not valid when ip_version"
                                     " is 4");
        }
        return 0;
    }
    if ((ra || addr) && !enable_dhcp) {
        return api_error_invalid(op->err, "ipv6_ra_mode or ipv6_address_mode cannot be set"
                                 " when enable_dhcp is set to False");
    }
    if (ra && addr && !STREQ(ra, addr)) {
        return api_error_invalid(op->err, "ipv6_ra_mode set to '%s' with ipv6_address_mode"
                                 " set to '%s' is not valid. If both attributes are set, they"
                                 " must be the same value", ra, addr);
    }
    const char *mode = addr ? addr : ra;
    if (mode && (STREQ(mode, "slaac") || STREQ(mode, "dhcpv6-stateless")) && c->prefix != 64) {
        char text[CIDR_STRLEN];
        cidr_format(c, text);
        return api_error_invalid(op->err, "Invalid CIDR %s for IPv6 address mode. OpenStack"
                                 " uses the EUI-64 address format, which requires the prefix"
                                 " to be /64", text);
    }
    return 0;
}

static int
bad_subnets_request(const struct op *op, const char *what)
{
    return api_error_set(op->err, API_ERR_BAD_REQUEST, "Bad subnets request: %s.", what);
}

/* Where a new subnet's CIDR came from. */
struct cidr_source {
    struct subnetpool pool;     /* Its pool; std.id "" when none. */
    bool any;                   /* Any prefix of the pool: its gateway is its first host. */
};

static int check_network(const struct op *op, const struct subnet_spec *spec,
                         const char *owner);

/* The CIDR cut from a pool for the new subnet (docs/behaviour/ipam.md §10), in Zed's
 * order: the network, then the pool and what it can give. */
static int
pool_cidr(const struct op *op, const struct subnet_spec *spec, const char *owner,
          struct cidr_source *src, struct cidr *ret)
{
    struct subnetpool_request req = {
        .subnetpool_id = spec->subnetpool_id,
        .ip_version = spec->ip_version,
        .prefixlen = spec->has_prefixlen ? spec->prefixlen : -1,
    };
    struct cidr want;
    struct ip_addr gw;

    if (spec->has_pools && !spec->cidr) {
        return bad_subnets_request(op, "allocation_pools allowed only for specific subnet"
                                   " requests.");
    }
    if (check_network(op, spec, owner)) {
        return -1;
    }
    if (spec->cidr) {
        cidr_parse(spec->cidr, &want);
        cidr_normalize(&want);
        req.cidr = &want;
    }
    if (spec->has_gateway_ip && spec->gateway_ip && !ip_parse(spec->gateway_ip, &gw)) {
        req.gateway = &gw;
    }
    return core_subnetpool_allocate(op, &req, &src->pool, ret, &src->any);
}

/* The new subnet's CIDR, normalised: the one given, or one cut from a pool. */
static int
subnet_cidr(const struct op *op, const struct subnet_spec *spec, const char *owner,
            struct cidr_source *src, struct cidr *ret)
{
    memset(src, 0, sizeof *src);
    if (spec->cidr && spec->has_prefixlen) {
        return bad_subnets_request(op, "cidr and prefixlen must not be supplied together");
    }
    if (spec->subnetpool_id && spec->use_default_subnetpool) {
        return bad_subnets_request(op, "subnetpool_id and use_default_subnetpool cannot both"
                                   " be specified");
    }
    if (spec->subnetpool_id || spec->use_default_subnetpool) {
        return pool_cidr(op, spec, owner, src, ret);
    }
    if (!spec->cidr) {
        return bad_subnets_request(op, "a subnetpool must be specified in the absence of a"
                                   " cidr");
    }
    cidr_parse(spec->cidr, ret);
    cidr_normalize(ret);
    if (ret->addr.family != spec->ip_version) {
        return api_error_invalid(op->err, "cidr '%s' does not match the ip_version '%d'",
                                 spec->cidr, spec->ip_version);
    }
    return 0;
}

/* Zed's rule for pools on one network: without address scopes, the subnets of one
 * version come from one pool or none; with them, from pools of the network's scope. */
static int
check_pool_affinity(const struct op *op, const char *network_id, int ip_version,
                    const struct subnetpool *pool)
{
    struct network net;
    struct subnet *others = NULL;
    size_t n = 0;
    int r = store_network_get(op->c, network_id, NULL, &net), ret = 0;
    const char *scope;

    if (r) {
        return core_internal(op, r);
    }
    scope = ip_version == 4 ? net.ipv4_address_scope : net.ipv6_address_scope;
    if (*scope && *pool->std.id && !STREQ(pool->address_scope_id, scope)) {
        ret = api_error_set(op->err, API_ERR_NETWORK_ADDRESS_SCOPE_AFFINITY, "Subnets of the"
                            " same address family hosted on the same network must all"
                            " participate in the same address scope.");
    }
    r = ret ? 0 : store_subnets_of_network(op->c, network_id, &others, &n);
    ret = r ? core_internal(op, r) : ret;
    for (size_t i = 0; i < n; i++) {
        const struct subnet *o = &others[i];
        bool mixed = *pool->std.id ? !STREQ(o->subnetpool_id, pool->std.id)
                                         && o->ip_version == pool->ip_version && !*scope
                                   : *o->subnetpool_id && o->ip_version == ip_version;
        if (!ret && mixed) {
            ret = api_error_set(op->err, API_ERR_NETWORK_SUBNETPOOL_AFFINITY, "Subnets hosted"
                                " on the same network must be allocated from the same subnet"
                                " pool.");
        }
        subnet_done(&others[i]);
    }
    free(others);
    network_done(&net);
    return ret;
}

/* Refuses a CIDR that overlaps another subnet of the same network. */
static int
check_overlap(const struct op *op, const char *network_id, const struct cidr *cidr)
{
    struct subnet *others = NULL;
    size_t n = 0;
    int r = store_subnets_of_network(op->c, network_id, &others, &n), ret = 0;

    if (r) {
        return core_internal(op, r);
    }
    for (size_t i = 0; i < n; i++) {
        struct cidr o;
        if (!ret && !cidr_parse(others[i].cidr, &o) && cidr_overlaps(&o, cidr)) {
            char text[CIDR_STRLEN];
            cidr_format(cidr, text);
            ret = api_error_invalid(op->err, "Requested subnet with cidr: %s for network: %s"
                                    " overlaps with another subnet", text, network_id);
        }
        subnet_done(&others[i]);
    }
    free(others);
    return ret;
}

/* The network the subnet goes on, as the caller may use it. */
static int
check_network(const struct op *op, const struct subnet_spec *spec, const char *owner)
{
    struct network net;

    if (core_network_for_child(op, POLICY_SUBNET, spec->network_id, owner, &net)) {
        return -1;
    }
    network_done(&net);
    return 0;
}

/* --- Side effects ------------------------------------------------------------------ */

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

    if (str_startswith(p->device_owner, "network:router") || mac_parse(p->mac_address, &m)
        || !ipam_subnet_serves(walk->s, p->device_owner)) {
        return 0;
    }
    ipam_eui64(&walk->prefix, &m, &a);
    walk->error = store_alloc_insert(walk->c, walk->s->std.id, p->network_id, &a, p->std.id);
    if (walk->error == -EEXIST) {
        return 0;
    }
    /* A new address: its host's agent filters by it, its groups' members include it. */
    if (!walk->error && *p->binding_host_id) {
        walk->error = changes_record(walk->c, p->binding_host_id, CHANGE_PORT_UPDATE,
                                     p->std.id, p->network_id);
    }
    if (!walk->error) {
        walk->error = changes_record_sg_members(walk->c, p->security_groups_json);
    }
    return walk->error;
}

/* A new SLAAC / DHCPv6-stateless subnet gives every port already on the network its
 * EUI-64 address (router ports, and ports its service types exclude, excepted).
 * Returns 0 or -errno. */
static int
add_auto_addresses(struct store_conn *c, const struct subnet *s)
{
    char *values[1] = { (char *) s->network_id };
    struct store_filter f = { SF_NETWORK_ID, SV_TEXT, values, 1 };
    struct list_query q = { .filters = &f, .n_filters = 1 };
    struct eui64_walk walk = { c, s, { { 0, 0 }, 0 }, 0 };

    if (!ipam_subnet_is_auto_address(s)) {
        return 0;
    }
    cidr_parse(s->cidr, &walk.prefix);
    return store_port_foreach(c, &q, eui64_add, &walk);
}

/* A subnet appeared, changed or went: the network may now need DHCP agents, and those
 * hosting it must look at it again (dnsmasq's ranges and options follow subnets).
 * Returns 0 or -errno. */
static int
tell_dhcp(const struct op *op, const struct subnet *s)
{
    int r = s->enable_dhcp ? dhcp_schedule_network(op->app->cfg, op->c, s->network_id) : 0;

    return r ? r : changes_record_dhcp(op->c, s->network_id, CHANGE_DHCP_NETWORK,
                                       s->network_id);
}

/* --- Stored forms ------------------------------------------------------------------ */

static char *
dump_compact(json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT);

    json_decref(v);
    return text ? text : xstrdup("[]");
}

static char *
dns_json(const struct subnet_spec *spec)
{
    json_t *a = json_array();

    for (size_t i = 0; i < spec->n_dns; i++) {
        json_array_append_new(a, json_string(spec->dns[i]));
    }
    return dump_compact(a);
}

static char *
routes_json(const struct subnet_spec *spec)
{
    json_t *a = json_array();

    for (size_t i = 0; i < spec->n_routes; i++) {
        json_array_append_new(a, json_pack("{s:s,s:s}", "destination",
                                           spec->routes[i].destination, "nexthop",
                                           spec->routes[i].nexthop));
    }
    return dump_compact(a);
}

/* --- Create ---------------------------------------------------------------------- */

/* The gateway when none was given: IPv4's first address after the network's, IPv6's
 * network address; a subnet cut from any prefix of a pool gets the first address after
 * the network's in both versions, whatever was asked ('any'). */
static int
default_gateway(const struct op *op, const struct cidr *cidr, int ip_version, bool any,
                struct ip_addr *ret)
{
    ret->family = ip_version;
    ret->v = cidr_first(cidr) + (ip_version == 4 || any);
    if (ip_version == 4) {
        ret->v &= 0xffffffffu;
    }
    if (ip_version == 4 && cidr->prefix == 31 && ret->v == cidr_last(cidr)) {
        char g[IP_STRLEN], text[CIDR_STRLEN];
        ip_format(ret, g);
        cidr_format(cidr, text);
        return api_error_set(op->err, API_ERR_IPAM_VALUE_INVALID,
                             "Gateway IP %s cannot be allocated in CIDR %s", g, text);
    }
    return 0;
}

/* The pools of a new subnet: those asked for, checked, or the defaults. */
static int
create_pools(const struct op *op, const struct subnet_spec *spec, const struct cidr *cidr,
             const struct ip_addr *gateway, struct ipam_pool **ret, size_t *ret_n)
{
    struct ipam_pool defaults[2];

    if (!spec->has_pools) {
        *ret_n = ipam_default_pools(cidr, gateway, defaults);
        *ret = xcalloc(2, sizeof **ret);
        memcpy(*ret, defaults, sizeof defaults);
        return 0;
    }
    if (ipam_parse_pool_specs(spec->pools, spec->n_pools, spec->ip_version, ret, ret_n,
                              op->err)) {
        return -1;
    }
    if (ipam_check_pools(cidr, *ret, *ret_n, op->err)
        || ipam_check_gateway(gateway, *ret, *ret_n, op->err)) {
        free(*ret);
        *ret = NULL;
        return -1;
    }
    return 0;
}

static char *
dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

int
core_subnet_create(const struct op *op, const struct subnet_spec *spec, struct subnet *ret)
{
    int ip_version = spec->ip_version;
    bool enable_dhcp = spec->has_enable_dhcp ? spec->enable_dhcp : true;
    struct ip_addr gw, *gateway = NULL;
    struct ipam_pool *pools = NULL;
    struct cidr_source src;
    size_t n_pools;
    struct cidr cidr;
    struct subnet s;
    const char *owner;
    char text[CIDR_STRLEN], gw_text[IP_STRLEN];
    bool gateway_given = spec->has_gateway_ip;
    int r;

    if (core_owner(op, spec->project_id, &owner) || subnet_cidr(op, spec, owner, &src, &cidr)) {
        return -1;
    }
    gateway_given = gateway_given && !src.any;
    r = enable_dhcp && check_dhcp_prefix(op, &cidr);
    if (!r && gateway_given && spec->gateway_ip) {
        r = check_gateway(op, &cidr, spec->gateway_ip, ip_version, &gw);
        gateway = &gw;
    }
    r = r || check_dns_and_routes(op, spec, ip_version, true)
        || check_ipv6_modes(op, spec, &cidr, enable_dhcp) || check_network(op, spec, owner)
        || quota_check(op, QUOTA_SUBNET, owner, 1);
    if (!r && cidr.prefix == 0) {
        r = api_error_invalid(op->err, "0 is not allowed as CIDR prefix length");
    }
    r = r || check_overlap(op, spec->network_id, &cidr)
        || check_pool_affinity(op, spec->network_id, ip_version, &src.pool);
    if (!r && !gateway_given) {
        r = default_gateway(op, &cidr, ip_version, src.any, &gw);
        gateway = &gw;
    }
    r = r || create_pools(op, spec, &cidr, gateway, &pools, &n_pools)
        || check_service_types(op, spec);
    if (r) {
        free(pools);
        subnetpool_done(&src.pool);
        return -1;
    }

    memset(&s, 0, sizeof s);
    uuid_new(s.std.id);
    s.std.project_id = xstrdup(owner);
    s.std.name = xstrdup(spec->name ? spec->name : "");
    s.std.description = xstrdup(spec->description ? spec->description : "");
    snprintf(s.network_id, sizeof s.network_id, "%s", spec->network_id);
    s.ip_version = ip_version;
    memcpy(s.subnetpool_id, src.pool.std.id, sizeof s.subnetpool_id);
    subnetpool_done(&src.pool);
    cidr_format(&cidr, text);
    s.cidr = xstrdup(text);
    if (gateway) {
        ip_format(gateway, gw_text);
        s.gateway_ip = xstrdup(gw_text);
    }
    s.enable_dhcp = enable_dhcp;
    s.ipv6_ra_mode = dup_or_null(spec->ipv6_ra_mode);
    s.ipv6_address_mode = dup_or_null(spec->ipv6_address_mode);
    s.allocation_pools_json = ipam_pools_to_json(ip_version, pools, n_pools);
    s.dns_nameservers_json = dns_json(spec);
    s.host_routes_json = routes_json(spec);
    s.service_types_json = xstrdup(spec->has_service_types ? spec->service_types_json : "[]");
    s.std.tags_json = xstrdup("[]");
    time_iso8601_now(s.std.created_at);
    memcpy(s.std.updated_at, s.std.created_at, sizeof s.std.updated_at);
    s.std.revision_number = 0;
    r = store_subnet_insert(op->c, &s);
    r = r ? r : ipam_rebuild_ranges(op->c, s.std.id, ip_version, pools, n_pools);
    r = r ? r : store_network_bump(op->c, s.network_id, s.std.created_at);
    r = r ? r : add_auto_addresses(op->c, &s);
    r = r ? r : tell_dhcp(op, &s);
    free(pools);
    if (r) {
        subnet_done(&s);
        return core_internal(op, r);
    }
    /* Routers with their gateway on this network reach the new subnet on-link. */
    if (l3_notify_gateway_network(op, s.network_id)) {
        subnet_done(&s);
        return -1;
    }
    *ret = s;
    return 0;
}

/* --- Update ---------------------------------------------------------------------- */

/* The pools after an update: the new ones checked, or the stored ones. */
static int
update_pools(const struct op *op, const struct subnet_spec *spec, const struct subnet *s,
             const struct cidr *cidr, struct ipam_pool **ret, size_t *ret_n)
{
    if (!spec->has_pools) {
        return ipam_pools_from_json(s->allocation_pools_json, s->ip_version, ret, ret_n)
                   ? core_internal(op, -EIO) : 0;
    }
    if (ipam_parse_pool_specs(spec->pools, spec->n_pools, s->ip_version, ret, ret_n, op->err)) {
        return -1;
    }
    if (ipam_check_pools(cidr, *ret, *ret_n, op->err)) {
        free(*ret);
        *ret = NULL;
        return -1;
    }
    return 0;
}

/* Applies 'spec' to 's' (read in this transaction) and to its free ranges. */
static int
apply_update(const struct op *op, const struct subnet_spec *spec, struct subnet *s)
{
    struct ipam_pool *pools = NULL;
    struct ip_addr gw, *gateway = NULL;
    struct cidr cidr;
    size_t n_pools = 0;
    int r;

    cidr_parse(s->cidr, &cidr);
    if (spec->has_enable_dhcp && spec->enable_dhcp && check_dhcp_prefix(op, &cidr)) {
        return -1;
    }
    if (spec->has_enable_dhcp && !spec->enable_dhcp && (s->ipv6_ra_mode || s->ipv6_address_mode)) {
        return api_error_invalid(op->err, "Cannot disable enable_dhcp with ipv6 attributes"
                                 " set");
    }
    if (spec->has_gateway_ip && spec->gateway_ip) {
        if (check_gateway(op, &cidr, spec->gateway_ip, s->ip_version, &gw)) {
            return -1;
        }
        gateway = &gw;
    } else if (!spec->has_gateway_ip && s->gateway_ip) {
        ip_parse(s->gateway_ip, &gw);
        gateway = &gw;
    }
    if (check_dns_and_routes(op, spec, s->ip_version, false)
        || update_pools(op, spec, s, &cidr, &pools, &n_pools)) {
        return -1;
    }
    if ((spec->has_pools || spec->has_gateway_ip)
        && ipam_check_gateway(gateway, pools, n_pools, op->err)) {
        free(pools);
        return -1;
    }
    if (spec->has_pools) {
        free(s->allocation_pools_json);
        s->allocation_pools_json = ipam_pools_to_json(s->ip_version, pools, n_pools);
        r = ipam_rebuild_ranges(op->c, s->std.id, s->ip_version, pools, n_pools);
        if (r) {
            free(pools);
            return core_internal(op, r);
        }
    }
    free(pools);
    if (spec->has_gateway_ip) {
        char text[IP_STRLEN];
        free(s->gateway_ip);
        s->gateway_ip = NULL;
        if (gateway) {
            ip_format(gateway, text);
            s->gateway_ip = xstrdup(text);
        }
    }
    if (spec->has_dns) {
        free(s->dns_nameservers_json);
        s->dns_nameservers_json = dns_json(spec);
    }
    if (spec->has_routes) {
        free(s->host_routes_json);
        s->host_routes_json = routes_json(spec);
    }
    if (spec->has_service_types) {
        if (check_service_types(op, spec)) {
            return -1;
        }
        free(s->service_types_json);
        s->service_types_json = xstrdup(spec->service_types_json);
    }
    core_take_str(&s->std.name, spec->name);
    core_take_str(&s->std.description, spec->description);
    if (spec->has_enable_dhcp) {
        s->enable_dhcp = spec->enable_dhcp;
    }
    return 0;
}

int
core_subnet_get(const struct op *op, const char *id, struct subnet *ret)
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

/* The subnet 'id' as the caller sees it, and the caller may do 'action' on it. */
static int
subnet_for(const struct op *op, const char *id, enum policy_action action, struct subnet *ret)
{
    return core_subnet_get(op, id, ret)
           || core_authorize_on_network(op, POLICY_SUBNET, action, ret->std.project_id,
                                        ret->network_id);
}

int
core_subnet_update(const struct op *op, const char *id, const struct subnet_spec *spec,
                   int64_t expected_revision, struct subnet *ret)
{
    int r = subnet_for(op, id, POLICY_UPDATE, ret)
            || apply_update(op, spec, ret)
            || core_check_revision(op, expected_revision, ret->std.revision_number);

    if (!r && !subnet_spec_empty(spec)) {
        ret->std.revision_number++;
        time_iso8601_now(ret->std.updated_at);
        r = store_subnet_update(op->c, ret);
        r = r ? r : tell_dhcp(op, ret);
        r = r ? core_internal(op, r) : 0;
    }
    /* Routers with their gateway on this network route through its gateway. */
    if (!r && spec->has_gateway_ip) {
        r = l3_notify_gateway_network(op, ret->network_id);
    }
    if (r) {
        subnet_done(ret);
        return -1;
    }
    return 0;
}

/* --- Delete ---------------------------------------------------------------------- */

/* Refuses to delete a subnet that ports other than the server's own use. */
static int
check_unused(const struct op *op, const struct subnet *s)
{
    struct buf ids = BUF_INITIALIZER;
    size_t n_blocking = 0;
    int r = store_subnet_blocking_ports(op->c, s->std.id, &ids, &n_blocking);

    if (r) {
        r = core_internal(op, r);
    } else if (n_blocking) {
        r = api_error_set(op->err, API_ERR_SUBNET_IN_USE, "Unable to complete operation on"
                          " subnet %s: One or more ports have an IP allocation from this"
                          " subnet.", s->std.id);
    }
    buf_done(&ids);
    return r;
}

/* A port loses its automatic (EUI-64) address of a subnet being deleted: its host's
 * agent and its groups' members must drop the address, and the port changed. */
struct auto_address_walk {
    struct store_conn *c;
    const char *now;
    bool router_port_found;
};

static int
auto_address_drop(const struct port *p, void *aux)
{
    struct auto_address_walk *walk = aux;
    int r;

    if (str_startswith(p->device_owner, "network:router")) {
        walk->router_port_found = true;
        return 0;
    }
    r = store_port_bump(walk->c, p->std.id, walk->now);
    if (!r && *p->binding_host_id) {
        r = changes_record(walk->c, p->binding_host_id, CHANGE_PORT_UPDATE, p->std.id,
                           p->network_id);
    }
    return r ? r : changes_record_sg_members(walk->c, p->security_groups_json);
}

/* An automatic-address (SLAAC, DHCPv6-stateless) subnet is deleted from under the
 * ports that hold its addresses, as Neutron does: they got them without asking, and
 * lose them the same way.  A router interface on it still blocks the delete. */
static int
drop_auto_addresses(const struct op *op, const struct subnet *s, const char *now)
{
    char *values[1] = { (char *) s->std.id };
    struct store_filter f = { SF_FIXED_IP_SUBNET_ID, SV_TEXT, values, 1 };
    struct list_query q = { .filters = &f, .n_filters = 1 };
    struct auto_address_walk walk = { op->c, now, false };
    int r = store_port_foreach(op->c, &q, auto_address_drop, &walk);

    if (r) {
        return core_internal(op, r);
    }
    if (walk.router_port_found) {
        return api_error_set(op->err, API_ERR_SUBNET_IN_USE, "Unable to complete operation on"
                             " subnet %s: One or more ports have an IP allocation from this"
                             " subnet.", s->std.id);
    }
    return 0;
}

int
core_subnet_delete(const struct op *op, const char *id, int64_t expected_revision)
{
    struct subnet s;
    char now[TIMESTAMP_LEN];
    int r = subnet_for(op, id, POLICY_DELETE, &s)
            || core_check_revision(op, expected_revision, s.std.revision_number);

    time_iso8601_now(now);
    if (!r) {
        r = ipam_subnet_is_auto_address(&s) ? drop_auto_addresses(op, &s, now)
                                            : check_unused(op, &s);
    }
    if (!r) {
        /* DHCP ports and the ports of an automatic-address subnet lose their address
         * here; their allocation rows go with the subnet. */
        r = store_subnet_delete(op->c, s.std.id);
        r = r ? r : store_network_bump(op->c, s.network_id, now);
        r = r ? r : tell_dhcp(op, &s);
        r = r ? core_internal(op, r) : l3_notify_gateway_network(op, s.network_id);
    }
    subnet_done(&s);
    return r ? -1 : 0;
}
