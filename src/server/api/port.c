/* /v2.0/ports: MAC generation, address allocation from the network's subnets
 * (ipam.md §5), binding attributes, and release on update and delete. */
#include "port.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "common.h"
#include "request.h"
#include "ipam.h"
#include "log.h"
#include "ml2/mech_linuxbridge.h"
#include "ml2/provisioning.h"
#include "store/store.h"
#include "util.h"

LOG_MODULE("api");

/* Attempts at a random MAC before giving up (Neutron retries the whole create). */
#define MAC_ATTEMPTS 20

static const char *const vnic_types[] = {
    "normal", "direct", "macvtap", "baremetal", "direct-physical", "virtio-forwarder",
    "smart-nic", "vdpa", "accelerator-direct", "accelerator-direct-physical",
    "remote-managed", NULL,
};

static const struct attr_def port_attrs[] = {
    { "id", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_ID },
    { "name", AK_STRING, true, true, .max_len = 255, .filter = true, .sort = true,
      .field = SF_NAME },
    { "network_id", AK_UUID, true, false, .required = true, .filter = true, .sort = true,
      .field = SF_NETWORK_ID },
    { "admin_state_up", AK_BOOL, true, true, .filter = true, .sort = true,
      .field = SF_ADMIN_STATE_UP, .field_kind = SV_INT },
    { "mac_address", AK_MAC, true, true, .filter = true, .sort = true,
      .field = SF_MAC_ADDRESS },
    { "fixed_ips", AK_FIXED_IPS, true, true },
    { "device_id", AK_STRING, true, true, .max_len = 255, .filter = true, .sort = true,
      .field = SF_DEVICE_ID },
    { "device_owner", AK_STRING, true, true, .max_len = 255, .filter = true, .sort = true,
      .field = SF_DEVICE_OWNER },
    { "tenant_id", AK_STRING, true, false, .max_len = 255, .filter = true, .sort = true,
      .field = SF_PROJECT_ID },
    { "project_id", AK_STRING, true, false, .max_len = 255, .filter = true, .sort = true,
      .field = SF_PROJECT_ID },
    { "status", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_STATUS },
    { "binding:host_id", AK_STRING, true, true, .max_len = 255, .filter = true,
      .field = SF_BINDING_HOST_ID, .null_is_empty = true },
    { "binding:vnic_type", AK_VALUES, true, true, .values = vnic_types },
    { "binding:profile", AK_DICT_OR_NULL, true, true },
    { "binding:vif_type", AK_ANY, false, false },
    { "binding:vif_details", AK_ANY, false, false },
    { "description", AK_STRING, true, true, .max_len = 255, .filter = true,
      .field = SF_DESCRIPTION },
    { "tags", AK_ANY, false, false },
    { "created_at", AK_ANY, false, false },
    { "updated_at", AK_ANY, false, false },
    { "revision_number", AK_ANY, false, false, .filter = true, .field = SF_REVISION_NUMBER,
      .field_kind = SV_INT },
};

const struct resource_def port_def = {
    .singular = "port",
    .plural = "ports",
    .title = "Port",
    .not_found = API_ERR_PORT_NOT_FOUND,
    .attrs = port_attrs,
    .n_attrs = ARRAY_SIZE(port_attrs),
};

static void
port_render(struct jsonw *w, const struct port *p, const struct field_set *fs,
            const struct context *ctx)
{
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", p->std.id);
    api_kv_str(w, fs, "name", p->std.name);
    api_kv_str(w, fs, "network_id", p->network_id);
    api_kv_str(w, fs, "mac_address", p->mac_address);
    api_kv_bool(w, fs, "admin_state_up", p->admin_state_up);
    api_kv_str(w, fs, "status", p->status);
    api_kv_str(w, fs, "device_id", p->device_id);
    api_kv_str(w, fs, "device_owner", p->device_owner);
    api_kv_raw(w, fs, "fixed_ips", p->fixed_ips_json);
    /* Returned as Neutron does; address pairs and extra DHCP options are not settable
     * here (their extensions are not advertised). */
    api_kv_raw(w, fs, "allowed_address_pairs", "[]");
    api_kv_raw(w, fs, "extra_dhcp_opts", "[]");
    api_kv_str(w, fs, "binding:vnic_type", p->binding_vnic_type);
    if (ctx->is_admin) {
        api_kv_raw(w, fs, "binding:profile", p->binding_profile_json);
        api_kv_str(w, fs, "binding:host_id", p->binding_host_id);
        api_kv_str(w, fs, "binding:vif_type", p->binding_vif_type);
        api_kv_raw(w, fs, "binding:vif_details", p->binding_vif_details_json);
    }
    api_render_std(w, &p->std, fs);
    jsonw_object_end(w);
}

struct port_list_walk {
    struct jsonw *w;
    struct list_request *lr;
    const struct context *ctx;
};

static int
port_list_row(const struct port *p, void *aux)
{
    struct port_list_walk *walk = aux;

    port_render(walk->w, p, &walk->lr->fields, walk->ctx);
    listing_note_item(walk->lr, p->std.id);
    return 0;
}

int
ports_list(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct list_request lr;
    struct jsonw w;
    int r;

    if (!c || listing_parse(req, &port_def, &lr)) {
        return -1;
    }
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "ports");
    jsonw_array_begin(&w);
    struct port_list_walk walk = { &w, &lr, &req->ctx };
    r = store_port_foreach(c, &lr.q, port_list_row, &walk);
    if (r) {
        r == -ENOENT ? api_fail(req, API_ERR_PORT_NOT_FOUND, "Port %s could not be found.",
                                lr.q.marker)
                     : api_fail_internal(req, r);
        listing_done(&lr);
        return -1;
    }
    jsonw_array_end(&w);
    listing_render_links(&w, req, &port_def, &lr);
    jsonw_object_end(&w);
    listing_done(&lr);
    return 0;
}

static int
port_answer(struct request *req, struct store_conn *c, const char *id, int status,
            const struct field_set *fs)
{
    struct port p;
    struct jsonw w;
    int r = store_port_get(c, id, NULL, &p);

    if (r) {
        return api_fail_internal(req, r);
    }
    api_begin(req, status, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "port");
    port_render(&w, &p, fs, &req->ctx);
    jsonw_object_end(&w);
    port_done(&p);
    return 0;
}

int
port_show(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct field_set fs;
    struct port p;
    struct jsonw w;
    int r;

    if (!c) {
        return -1;
    }
    r = store_port_get(c, args[0], context_visible_to(&req->ctx), &p);
    if (r) {
        return r == -ENOENT ? api_fail(req, API_ERR_PORT_NOT_FOUND,
                                       "Port %s could not be found.", args[0])
                            : api_fail_internal(req, r);
    }
    /* Visibility let in the ports on the caller's networks; the new defaults' get_port
     * rule keeps only its own. */
    if (api_authorize(req, POLICY_PORT, POLICY_GET,
                      &(struct policy_target) { .project_id = p.std.project_id,
                                                .net_project_id = req->ctx.project_id })) {
        port_done(&p);
        return -1;
    }
    fields_parse(req, &fs);
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "port");
    port_render(&w, &p, &fs, &req->ctx);
    jsonw_object_end(&w);
    fields_done(&fs);
    port_done(&p);
    return 0;
}

/* --- Address allocation --------------------------------------------------------- */

/* The network's subnets, read once per request. */
struct net_subnets {
    struct subnet *items;
    size_t n;
};

static void
net_subnets_done(struct net_subnets *ns)
{
    for (size_t i = 0; i < ns->n; i++) {
        subnet_done(&ns->items[i]);
    }
    free(ns->items);
}

static bool
subnet_is_auto_address(const struct subnet *s)
{
    const char *mode = s->ipv6_address_mode;

    return s->ip_version == 6 && mode && (STREQ(mode, "slaac") || STREQ(mode, "dhcpv6-stateless"));
}

static struct subnet *
subnet_by_id(struct net_subnets *ns, const char *id)
{
    for (size_t i = 0; i < ns->n; i++) {
        if (STREQ(ns->items[i].std.id, id)) {
            return &ns->items[i];
        }
    }
    return NULL;
}

/* The subnet of the network where 'a' is a valid port address, or NULL. */
static struct subnet *
subnet_for_address(struct net_subnets *ns, const struct ip_addr *a)
{
    for (size_t i = 0; i < ns->n; i++) {
        struct cidr c;
        if (!cidr_parse(ns->items[i].cidr, &c) && ipam_address_valid(&c, a)) {
            return &ns->items[i];
        }
    }
    return NULL;
}

/* Records 'a' on subnet 's' for the port, taking it from the free ranges. */
static int
hold_address(struct request *req, struct store_conn *c, const struct port *p,
             const struct subnet *s, const struct ip_addr *a)
{
    char text[IP_STRLEN];
    int r = store_alloc_insert(c, s->std.id, p->network_id, a, p->std.id);

    if (r == -EEXIST) {
        ip_format(a, text);
        return api_fail(req, API_ERR_IP_ADDRESS_ALREADY_ALLOCATED,
                        "IP address %s already allocated in subnet %s", text, s->std.id);
    }
    if (!r) {
        r = ipam_take_address(c, s, a);
    }
    return r ? api_fail_internal(req, r) : 0;
}

/* Takes any free address of 's'. Returns 0, -ENOSPC (full), or -1 after answering. */
static int
hold_any(struct request *req, struct store_conn *c, const struct port *p,
         const struct subnet *s)
{
    bool dhcp = STREQ(p->device_owner, "network:dhcp")
                || STREQ(p->device_owner, "network:distributed");
    struct ip_addr a;
    int r = ipam_take_any(c, s, req->app->ipam_random && !dhcp, &a);

    if (r == -ENOSPC) {
        return r;
    }
    if (!r) {
        r = store_alloc_insert(c, s->std.id, p->network_id, &a, p->std.id);
    }
    return r ? api_fail_internal(req, r) : 0;
}

/* The EUI-64 address of the port on an auto-address subnet. */
static int
hold_eui64(struct request *req, struct store_conn *c, const struct port *p,
           const struct subnet *s)
{
    struct cidr prefix;
    struct mac m;
    struct ip_addr a;

    cidr_parse(s->cidr, &prefix);
    mac_parse(p->mac_address, &m);
    ipam_eui64(&prefix, &m, &a);
    return hold_address(req, c, p, s, &a);
}

static int
no_more_addresses(struct request *req, const char *network_id)
{
    return api_fail(req, API_ERR_IP_ADDRESS_GENERATION_FAILURE,
                    "No more IP addresses available on network %s.", network_id);
}

/* No fixed_ips given: one IPv4 address, one stateful IPv6 address, and an EUI-64
 * address on every auto-address subnet. */
static int
allocate_default(struct request *req, struct store_conn *c, const struct port *p,
                 struct net_subnets *ns)
{
    for (int family = 4; family <= 6; family += 2) {
        bool candidates = false, got = false;

        for (size_t i = 0; i < ns->n && !got; i++) {
            const struct subnet *s = &ns->items[i];
            if (s->ip_version != family || subnet_is_auto_address(s)) {
                continue;
            }
            candidates = true;
            int r = hold_any(req, c, p, s);
            if (r == -1) {
                return -1;
            }
            got = r == 0;
        }
        if (candidates && !got) {
            return no_more_addresses(req, p->network_id);
        }
    }
    for (size_t i = 0; i < ns->n; i++) {
        if (subnet_is_auto_address(&ns->items[i])
            && hold_eui64(req, c, p, &ns->items[i])) {
            return -1;
        }
    }
    return 0;
}

/* Resolves one fixed_ips entry to its subnet (and address, if it names one). */
static int
resolve_fixed_ip(struct request *req, struct store_conn *c, struct net_subnets *ns,
                 const json_t *entry, const char *network_id, struct subnet **ret_subnet,
                 struct ip_addr *ret_addr, bool *ret_has_addr)
{
    const char *subnet_id = json_string_value(json_object_get(entry, "subnet_id"));
    const char *ip = json_string_value(json_object_get(entry, "ip_address"));
    struct subnet *s = NULL;
    struct ip_addr a;

    if (!subnet_id && !ip) {
        return api_fail(req, API_ERR_INVALID_INPUT,
                        "IP allocation requires subnet_id or ip_address");
    }
    if (ns->n == 0) {
        return api_fail(req, API_ERR_INVALID_INPUT, "IP allocation requires subnets for network");
    }
    if (subnet_id) {
        s = subnet_by_id(ns, subnet_id);
        if (!s) {
            struct subnet other;
            if (store_subnet_get(c, subnet_id, NULL, &other) == 0) {
                subnet_done(&other);
                return api_fail(req, API_ERR_INVALID_INPUT, "Failed to create port on network"
                                " %s, because fixed_ips included invalid subnet %s",
                                network_id, subnet_id);
            }
            return api_fail(req, API_ERR_SUBNET_NOT_FOUND, "Subnet %s could not be found.",
                            subnet_id);
        }
    }
    if (ip) {
        struct cidr cidr;
        ip_parse(ip, &a);
        if (s) {
            cidr_parse(s->cidr, &cidr);
            if (!ipam_address_valid(&cidr, &a)) {
                return api_fail(req, API_ERR_INVALID_IP_FOR_SUBNET, "IP address %s is not a"
                                " valid IP for the specified subnet.", ip);
            }
        } else {
            s = subnet_for_address(ns, &a);
            if (!s) {
                return api_fail(req, API_ERR_INVALID_IP_FOR_NETWORK, "IP address %s is not a"
                                " valid IP for any of the subnets on the specified network.",
                                ip);
            }
        }
        if (subnet_is_auto_address(s)) {
            return api_fail(req, API_ERR_ALLOCATION_ON_AUTO_ADDRESS_SUBNET,
                            "IPv6 address %s cannot be directly assigned to a port on subnet"
                            " %s as the subnet is configured for automatic addresses",
                            ip, s->std.id);
        }
        *ret_addr = a;
    }
    *ret_subnet = s;
    *ret_has_addr = ip != NULL;
    return 0;
}

/* An address the port holds, and whether the new fixed_ips keep it. */
struct held {
    struct ip_allocation alloc;
    struct ip_addr addr;
    bool kept;
};

/* Allocates the entries of 'fixed_ips' for port 'p', which currently holds 'held'
 * (empty on create).  Entries naming an address go first.  Returns 0 or -1. */
static int
allocate_fixed(struct request *req, struct store_conn *c, const struct port *p,
               struct net_subnets *ns, const json_t *fixed_ips, struct held *held,
               size_t n_held)
{
    bool auto_listed[64] = { false };
    size_t i;
    json_t *entry;

    for (int pass = 0; pass < 2; pass++) {
        json_array_foreach (fixed_ips, i, entry) {
            bool names_address = json_object_get(entry, "ip_address") != NULL;
            struct subnet *s = NULL;
            struct ip_addr a;
            bool has_addr = false, kept = false;

            if (names_address != (pass == 0)) {
                continue;
            }
            if (resolve_fixed_ip(req, c, ns, entry, p->network_id, &s, &a, &has_addr)) {
                return -1;
            }
            for (size_t k = 0; k < n_held && !kept; k++) {
                if (held[k].kept || !STREQ(held[k].alloc.subnet_id, s->std.id)) {
                    continue;
                }
                if (!has_addr || ip_equal(&held[k].addr, &a)) {
                    held[k].kept = kept = true;
                }
            }
            if (kept) {
                continue;
            }
            if (subnet_is_auto_address(s)) {
                size_t idx = (size_t) (s - ns->items);
                if (idx < ARRAY_SIZE(auto_listed) && !auto_listed[idx]) {
                    auto_listed[idx] = true;
                    if (hold_eui64(req, c, p, s)) {
                        return -1;
                    }
                }
                continue;
            }
            if (has_addr) {
                if (hold_address(req, c, p, s, &a)) {
                    return -1;
                }
            } else {
                int r = hold_any(req, c, p, s);
                if (r == -1) {
                    return -1;
                }
                if (r == -ENOSPC) {
                    return no_more_addresses(req, p->network_id);
                }
            }
        }
    }
    return 0;
}

/* Auto-address subnets always give the port its EUI-64 address. */
static int
allocate_auto_addresses(struct request *req, struct store_conn *c, const struct port *p,
                        struct net_subnets *ns, const struct held *held, size_t n_held)
{
    for (size_t i = 0; i < ns->n; i++) {
        bool has = false;
        if (!subnet_is_auto_address(&ns->items[i])) {
            continue;
        }
        for (size_t k = 0; k < n_held; k++) {
            has = has || STREQ(held[k].alloc.subnet_id, ns->items[i].std.id);
        }
        if (!has) {
            struct ip_allocation *now = NULL;
            size_t n_now = 0;
            int r = store_allocs_of_port(c, p->std.id, &now, &n_now);
            for (size_t k = 0; k < n_now && !r; k++) {
                has = has || STREQ(now[k].subnet_id, ns->items[i].std.id);
            }
            free(now);
            if (r) {
                return api_fail_internal(req, r);
            }
        }
        if (!has && hold_eui64(req, c, p, &ns->items[i])) {
            return -1;
        }
    }
    return 0;
}

/* --- Binding ---------------------------------------------------------------------- */

/* Binds a port to 'host' on a network with segment 'seg' (mech_linuxbridge.h).  A
 * failure to bind is an outcome (binding_failed), logged with its reason; only a
 * database error answers.  Returns 0 or -1. */
static int
port_bind(struct request *req, struct store_conn *c, const char *port_id, const char *host,
          const char *vnic_type, const struct segment *seg, struct binding *ret)
{
    int r = linuxbridge_bind(req->app->cfg, c, host, vnic_type, seg, ret);

    if (r) {
        return api_fail_internal(req, r);
    }
    if (ret->reason) {
        log_warn("port %s: binding to host %.64s failed: %s", port_id, host, ret->reason);
    }
    return 0;
}

/* --- Create ---------------------------------------------------------------------- */

/* Policy checks that depend on the network's owner (policy.md §4, ports). */
static int
port_check_policy(struct request *req, const json_t *item, const struct network *net,
                  bool create)
{
    bool net_owner = req->ctx.is_admin || STREQ(net->std.project_id, req->ctx.project_id);
    const char *action = create ? "create_port" : "update_port";
    const char *owner = attr_str(item, "device_owner", NULL);
    const json_t *fixed = json_object_get(item, "fixed_ips");

    if (req->ctx.is_admin) {
        return 0;
    }
    if (attr_has(item, "binding:host_id") || attr_has(item, "binding:profile")) {
        return api_fail(req, API_ERR_POLICY_NOT_AUTHORIZED, "(rule:%s and rule:%s:%s) is"
                        " disallowed by policy", action, action,
                        attr_has(item, "binding:host_id") ? "binding:host_id"
                                                          : "binding:profile");
    }
    if (owner && str_startswith(owner, "network:") && !net_owner) {
        return api_fail(req, API_ERR_POLICY_NOT_AUTHORIZED, "(rule:%s and rule:%s:device_owner)"
                        " is disallowed by policy", action, action);
    }
    if (attr_has(item, "mac_address") && (!create || !net_owner)) {
        return api_fail(req, API_ERR_POLICY_NOT_AUTHORIZED, "(rule:%s and rule:%s:mac_address)"
                        " is disallowed by policy", action, action);
    }
    if (fixed && !net_owner) {
        size_t i;
        json_t *e;
        json_array_foreach (fixed, i, e) {
            if (json_object_get(e, "ip_address") || !net->shared) {
                return api_fail(req, API_ERR_POLICY_NOT_AUTHORIZED, "(rule:%s and (rule:%s:"
                                "fixed_ips and (rule:%s:fixed_ips:ip_address))) is disallowed"
                                " by policy", action, action, action);
            }
        }
    }
    return 0;
}

/* Inserts the new port with the given MAC, or with random ones until one is free on
 * the network: the unique key on (network, MAC) is the check, so a create costs no
 * separate look-up (a collision is rare: 2^24 MACs under the base). */
static int
port_insert_with_mac(struct request *req, struct store_conn *c, const json_t *item,
                     struct port *p)
{
    const char *given = attr_str(item, "mac_address", NULL);
    int r = -EEXIST;

    for (int attempt = 0; r == -EEXIST && attempt < (given ? 1 : MAC_ATTEMPTS); attempt++) {
        if (given) {
            snprintf(p->mac_address, sizeof p->mac_address, "%s", given);
        } else {
            struct mac m;
            mac_generate(&req->app->base_mac, &m);
            mac_format(&m, p->mac_address);
        }
        r = store_port_insert(c, p);
    }
    if (r == -EEXIST && given) {
        return api_fail(req, API_ERR_MAC_ADDRESS_IN_USE, "Unable to complete operation for"
                        " network %s. The mac address %s is in use.", p->network_id, given);
    }
    return r ? api_fail_internal(req, r) : 0;
}

static int
port_create_one(struct request *req, struct store_conn *c, const json_t *item, char *ret_id)
{
    const char *network_id = attr_str(item, "network_id", "");
    struct net_subnets ns = { NULL, 0 };
    struct network net;
    struct segment seg;
    struct binding b;
    struct port p;
    const char *owner;
    char *profile = NULL;
    int r;

    if (api_owner(req, item, &owner)) {
        return -1;
    }
    r = store_network_get(c, network_id, context_visible_to(&req->ctx), &net);
    if (r) {
        return r == -ENOENT ? api_fail(req, API_ERR_NETWORK_NOT_FOUND,
                                       "Network %s could not be found.", network_id)
                            : api_fail_internal(req, r);
    }
    if (!req->ctx.is_admin && !net.shared && !STREQ(net.std.project_id, req->ctx.project_id)) {
        network_done(&net);
        return api_fail(req, API_ERR_HTTP_FORBIDDEN,
                        "Tenant %s not allowed to create port on this network",
                        req->ctx.project_id);
    }
    r = api_authorize(req, POLICY_PORT, POLICY_CREATE, &(struct policy_target) {
                          .project_id = owner, .net_project_id = net.std.project_id,
                          .shared = net.shared })
        || port_check_policy(req, item, &net, true);
    seg = net.segment;
    network_done(&net);
    if (r) {
        return -1;
    }
    memset(&p, 0, sizeof p);
    uuid_new(p.std.id);
    p.std.project_id = (char *) owner;
    p.std.name = (char *) attr_str(item, "name", "");
    p.std.description = (char *) attr_str(item, "description", "");
    snprintf(p.network_id, sizeof p.network_id, "%s", network_id);
    p.admin_state_up = attr_bool(item, "admin_state_up", true);
    strcpy(p.status, "DOWN");
    p.device_id = (char *) attr_str(item, "device_id", "");
    p.device_owner = (char *) attr_str(item, "device_owner", "");
    p.binding_host_id = (char *) attr_str(item, "binding:host_id", "");
    p.binding_vnic_type = (char *) attr_str(item, "binding:vnic_type", "normal");
    profile = attr_has(item, "binding:profile")
                  ? json_dumps(json_object_get(item, "binding:profile"), JSON_COMPACT)
                  : NULL;
    p.binding_profile_json = profile ? profile : (char *) "{}";
    if (port_bind(req, c, p.std.id, p.binding_host_id, p.binding_vnic_type, &seg, &b)) {
        goto fail;
    }
    p.binding_vif_type = (char *) b.vif_type;
    p.binding_vif_details_json = (char *) b.vif_details;
    api_now(p.std.created_at);
    memcpy(p.std.updated_at, p.std.created_at, sizeof p.std.updated_at);
    p.std.revision_number = 1;
    if (port_insert_with_mac(req, c, item, &p)) {
        goto fail;
    }
    r = store_subnets_of_network(c, network_id, &ns.items, &ns.n);
    if (r) {
        api_fail_internal(req, r);
        goto fail;
    }
    if (!attr_has(item, "fixed_ips")) {
        r = allocate_default(req, c, &p, &ns);
    } else {
        r = allocate_fixed(req, c, &p, &ns, json_object_get(item, "fixed_ips"), NULL, 0);
        if (!r) {
            r = allocate_auto_addresses(req, c, &p, &ns, NULL, 0);
        }
    }
    if (r) {
        goto fail;
    }
    if (*p.binding_host_id && api_change(req, c, p.binding_host_id, "port_update", p.std.id,
                                         p.network_id)) {
        goto fail;
    }
    r = provisioning_setup(req, c, &p, true, true);
    if (r) {
        api_fail_internal(req, r);
        goto fail;
    }
    if (api_change_dhcp(req, c, p.network_id, "dhcp_port", p.std.id)) {
        goto fail;
    }
    net_subnets_done(&ns);
    free(profile);
    memcpy(ret_id, p.std.id, ID_LEN);
    return 0;
fail:
    net_subnets_done(&ns);
    free(profile);
    return -1;
}

int
ports_create(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct field_set all = { NULL, 0 };
    char (*ids)[ID_LEN];
    json_t *items, *item;
    struct jsonw w;
    size_t n_made = 0, i;
    bool bulk;
    int r;

    if (!c || attrs_parse_body(req, &port_def, true, &items, &bulk)) {
        return -1;
    }
    ids = xcalloc(json_array_size(items), sizeof *ids);
    r = store_begin(c);
    if (r) {
        api_fail_internal(req, r);
        goto out;
    }
    json_array_foreach (items, i, item) {
        if (port_create_one(req, c, item, ids[n_made])) {
            store_rollback(c);
            goto out;
        }
        n_made++;
    }
    /* Render from the rows just written, before commit, so the answer is exactly what
     * was stored (fixed_ips in allocation order). */
    api_begin(req, 201, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, bulk ? "ports" : "port");
    if (bulk) {
        jsonw_array_begin(&w);
    }
    for (i = 0; i < n_made; i++) {
        struct port p;
        r = store_port_get(c, ids[i], NULL, &p);
        if (r) {
            store_rollback(c);
            api_fail_internal(req, r);
            goto out;
        }
        port_render(&w, &p, &all, &req->ctx);
        port_done(&p);
    }
    if (bulk) {
        jsonw_array_end(&w);
    }
    jsonw_object_end(&w);
    r = store_commit(c);
    if (r) {
        api_fail_internal(req, r);
    }
out:
    free(ids);
    json_decref(items);
    return req->status >= 400 ? -1 : 0;
}

/* --- Update ---------------------------------------------------------------------- */

/* Replaces the port's addresses with the 'fixed_ips' of an update (ipam.md §5.5). */
static int
port_update_fixed_ips(struct request *req, struct store_conn *c, const struct port *p,
                      const json_t *fixed_ips)
{
    struct net_subnets ns = { NULL, 0 };
    struct ip_allocation *allocs = NULL;
    struct held *held = NULL;
    size_t n = 0;
    int r = store_allocs_of_port(c, p->std.id, &allocs, &n);

    if (!r) {
        r = store_subnets_of_network(c, p->network_id, &ns.items, &ns.n);
    }
    if (r) {
        free(allocs);
        return api_fail_internal(req, r);
    }
    held = xcalloc(n ? n : 1, sizeof *held);
    for (size_t i = 0; i < n; i++) {
        const struct subnet *s = subnet_by_id(&ns, allocs[i].subnet_id);
        held[i].alloc = allocs[i];
        ip_parse(allocs[i].ip_address, &held[i].addr);
        /* Automatic addresses stay unless asked to go ({"subnet_id", "delete_subnet"}). */
        held[i].kept = s && subnet_is_auto_address(s);
    }
    for (size_t i = 0; i < n; i++) {
        size_t k;
        json_t *e;
        json_array_foreach (fixed_ips, k, e) {
            const char *sid = json_string_value(json_object_get(e, "subnet_id"));
            if (held[i].kept && sid && STREQ(sid, held[i].alloc.subnet_id)
                && json_is_true(json_object_get(e, "delete_subnet"))) {
                held[i].kept = false;
            }
        }
    }
    /* Release first what is no longer wanted, so it may be asked for again. */
    r = allocate_fixed(req, c, p, &ns, fixed_ips, held, n);
    for (size_t i = 0; i < n && !r; i++) {
        const struct subnet *s = subnet_by_id(&ns, held[i].alloc.subnet_id);
        if (!held[i].kept && s) {
            r = ipam_release(c, s, &held[i].addr);
            if (r) {
                r = api_fail_internal(req, r);
            }
        }
    }
    free(held);
    free(allocs);
    net_subnets_done(&ns);
    return r ? -1 : 0;
}

/* After an update: binds again when a binding attribute changed (the port goes DOWN
 * while its new host's agent wires it), or retries a failed binding on any update, as
 * Neutron does; tells the agents of the old and new host. */
static int
port_rebind(struct request *req, struct store_conn *c, const json_t *item, struct port *p,
            const char *old_host)
{
    bool changed = attr_has(item, "binding:host_id") || attr_has(item, "binding:vnic_type")
                   || attr_has(item, "binding:profile");
    bool retry = *p->binding_host_id && (STREQ(p->binding_vif_type, "unbound")
                                         || STREQ(p->binding_vif_type, "binding_failed"));
    struct network net;
    struct binding b;
    int r;

    if (changed || retry) {
        r = store_network_get(c, p->network_id, NULL, &net);
        if (r) {
            return api_fail_internal(req, r);
        }
        r = port_bind(req, c, p->std.id, p->binding_host_id, p->binding_vnic_type,
                      &net.segment, &b);
        network_done(&net);
        if (r) {
            return -1;
        }
        free(p->binding_vif_type);
        free(p->binding_vif_details_json);
        p->binding_vif_type = xstrdup(b.vif_type);
        p->binding_vif_details_json = xstrdup(b.vif_details);
        if (!STREQ(old_host, p->binding_host_id) && !STREQ(p->status, "DOWN")) {
            snprintf(p->status, sizeof p->status, "DOWN");
        }
        r = provisioning_setup(req, c, p, true, false);
        if (r) {
            return api_fail_internal(req, r);
        }
    }
    if (*old_host && !STREQ(old_host, p->binding_host_id)
        && api_change(req, c, old_host, "port_update", p->std.id, p->network_id)) {
        return -1;
    }
    if (*p->binding_host_id
        && api_change(req, c, p->binding_host_id, "port_update", p->std.id, p->network_id)) {
        return -1;
    }
    return 0;
}

static int
port_apply_update(struct request *req, struct store_conn *c, const json_t *item, struct port *p,
                  const char *old_host)
{
    struct network net;
    int r = store_network_get(c, p->network_id, NULL, &net);

    if (r) {
        return api_fail_internal(req, r);
    }
    r = port_check_policy(req, item, &net, false);
    network_done(&net);
    if (r) {
        return -1;
    }
    if (attr_has(item, "mac_address")) {
        const char *mac = attr_str(item, "mac_address", "");
        if (!STREQ(mac, p->mac_address)) {
            bool used;
            if (!STREQ(p->binding_vif_type, "unbound")
                && !STREQ(p->binding_vif_type, "binding_failed")) {
                return api_fail(req, API_ERR_PORT_BOUND, "Unable to complete operation on port"
                                " %s, port is already bound, port type: %s, old_mac %s, new_mac"
                                " %s.", p->std.id, p->binding_vif_type, p->mac_address, mac);
            }
            if (str_startswith(p->device_owner, "network:")) {
                return api_fail(req, API_ERR_UNSUPPORTED_PORT_DEVICE_OWNER, "Operation"
                                " mac_address update is not supported for port %s with"
                                " device_owner %s.", p->std.id, p->device_owner);
            }
            r = store_mac_in_use(c, p->network_id, mac, &used);
            if (r) {
                return api_fail_internal(req, r);
            }
            if (used) {
                return api_fail(req, API_ERR_MAC_ADDRESS_IN_USE, "Unable to complete operation"
                                " for network %s. The mac address %s is in use.",
                                p->network_id, mac);
            }
            snprintf(p->mac_address, sizeof p->mac_address, "%s", mac);
        }
    }
    if (attr_has(item, "fixed_ips")
        && port_update_fixed_ips(req, c, p, json_object_get(item, "fixed_ips"))) {
        return -1;
    }
#define TAKE_STR(field, key)                                   \
    if (attr_has(item, key)) {                                 \
        free(field);                                           \
        field = xstrdup(attr_str(item, key, ""));              \
    }
    TAKE_STR(p->std.name, "name");
    TAKE_STR(p->std.description, "description");
    TAKE_STR(p->device_id, "device_id");
    TAKE_STR(p->device_owner, "device_owner");
    TAKE_STR(p->binding_host_id, "binding:host_id");
    TAKE_STR(p->binding_vnic_type, "binding:vnic_type");
#undef TAKE_STR
    if (attr_has(item, "binding:profile")) {
        free(p->binding_profile_json);
        p->binding_profile_json = json_dumps(json_object_get(item, "binding:profile"),
                                             JSON_COMPACT);
    }
    p->admin_state_up = attr_bool(item, "admin_state_up", p->admin_state_up);
    if (port_rebind(req, c, item, p, old_host)) {
        return -1;
    }
    /* New addresses or MAC: the DHCP agents must confirm the new host entries. */
    if (attr_has(item, "fixed_ips") || attr_has(item, "mac_address")) {
        r = provisioning_setup(req, c, p, false, true);
        if (r) {
            return api_fail_internal(req, r);
        }
    }
    return api_change_dhcp(req, c, p->network_id, "dhcp_port", p->std.id);
}

int
port_create_internal(struct request *req, struct store_conn *c, const json_t *item,
                     char ret_id[ID_LEN])
{
    return port_create_one(req, c, item, ret_id);
}

int
port_update_internal(struct request *req, struct store_conn *c, struct port *p,
                     const json_t *item)
{
    char *old_host = xstrdup(p->binding_host_id);
    int r = port_apply_update(req, c, item, p, old_host);

    free(old_host);
    if (r) {
        return -1;
    }
    p->std.revision_number++;
    api_now(p->std.updated_at);
    r = store_port_update(c, p);
    return r ? api_fail_internal(req, r) : 0;
}

int
port_update(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct field_set all = { NULL, 0 };
    json_t *items, *item;
    char *old_host = NULL;
    struct port p;
    int64_t if_match;
    bool bulk;
    int r;

    memset(&p, 0, sizeof p);
    if (!c || attrs_parse_body(req, &port_def, false, &items, &bulk)) {
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
    r = store_port_get(c, args[0], context_visible_to(&req->ctx), &p);
    if (r) {
        r == -ENOENT ? api_fail(req, API_ERR_PORT_NOT_FOUND, "Port %s could not be found.",
                                args[0])
                     : api_fail_internal(req, r);
        goto fail;
    }
    old_host = xstrdup(p.binding_host_id);
    if (api_authorize_on_network(req, c, POLICY_PORT, POLICY_UPDATE, p.std.project_id,
                                 p.network_id)
        || port_apply_update(req, c, item, &p, old_host)
        || api_if_match_check(req, if_match, p.std.revision_number)) {
        goto fail;
    }
    if (json_object_size(item) > 0) {
        p.std.revision_number++;
        api_now(p.std.updated_at);
        r = store_port_update(c, &p);
        if (r) {
            r == -EEXIST ? api_fail(req, API_ERR_MAC_ADDRESS_IN_USE, "Unable to complete"
                                    " operation for network %s. The mac address %s is in use.",
                                    p.network_id, p.mac_address)
                         : api_fail_internal(req, r);
            goto fail;
        }
    }
    if (port_answer(req, c, p.std.id, 200, &all)) {
        goto fail;
    }
    r = store_commit(c);
    if (r) {
        api_fail_internal(req, r);
    }
    goto out;
fail:
    store_rollback(c);
out:
    free(old_host);
    port_done(&p);
    json_decref(items);
    return req->status >= 400 ? -1 : 0;
}

/* --- Delete ---------------------------------------------------------------------- */

/* Frees every address of a port back to its subnet's pools. */
static int
port_release_all(struct store_conn *c, const struct port *p)
{
    struct net_subnets ns = { NULL, 0 };
    struct ip_allocation *allocs = NULL;
    size_t n = 0;
    int r = store_allocs_of_port(c, p->std.id, &allocs, &n);

    if (!r && n) {
        r = store_subnets_of_network(c, p->network_id, &ns.items, &ns.n);
    }
    for (size_t i = 0; i < n && !r; i++) {
        const struct subnet *s = subnet_by_id(&ns, allocs[i].subnet_id);
        struct ip_addr a;
        if (s && !ip_parse(allocs[i].ip_address, &a)) {
            r = ipam_release(c, s, &a);
        }
    }
    free(allocs);
    net_subnets_done(&ns);
    return r;
}

int
port_delete_internal(struct request *req, struct store_conn *c, const struct port *p)
{
    int r = port_release_all(c, p);

    if (!r) {
        r = store_port_delete(c, p->std.id);
    }
    if (r) {
        return api_fail_internal(req, r);
    }
    if (*p->binding_host_id
        && api_change(req, c, p->binding_host_id, "port_delete", p->std.id, p->network_id)) {
        return -1;
    }
    if (STREQ(p->status, "ACTIVE") && api_change(req, c, "", "fdb", p->network_id,
                                                 p->network_id)) {
        return -1;
    }
    return api_change_dhcp(req, c, p->network_id, "dhcp_port", p->std.id);
}

int
port_delete(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct port p;
    int64_t if_match;
    int r;

    memset(&p, 0, sizeof p);
    if (!c || api_if_match_parse(req, &if_match)) {
        return -1;
    }
    r = store_begin(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    r = store_port_get(c, args[0], context_visible_to(&req->ctx), &p);
    if (r) {
        r == -ENOENT ? api_fail(req, API_ERR_PORT_NOT_FOUND, "Port %s could not be found.",
                                args[0])
                     : api_fail_internal(req, r);
        goto fail;
    }
    if (api_authorize_on_network(req, c, POLICY_PORT, POLICY_DELETE, p.std.project_id,
                                 p.network_id)
        || api_if_match_check(req, if_match, p.std.revision_number)) {
        goto fail;
    }
    if (port_delete_internal(req, c, &p)) {
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
    port_done(&p);
    return req->status >= 400 ? -1 : 0;
}
