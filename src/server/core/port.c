/* Ports in the domain core; see port.h.  The checks run in Neutron's order, which
 * decides which of several errors a client sees: ownership, network, policy, binding,
 * MAC, then addresses. */
#include "port.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "core/changes.h"
#include "core/router.h"
#include "core/security_group.h"
#include "core/quota.h"
#include "ipam.h"
#include "log.h"
#include "ml2/mech_linuxbridge.h"
#include "ml2/provisioning.h"
#include "l3/l3_sched.h"
#include "store/store.h"
#include "util.h"

LOG_MODULE("core");

/* Attempts at a random MAC before giving up (Neutron retries the whole create). */
#define MAC_ATTEMPTS 20

bool
port_spec_empty(const struct port_spec *spec)
{
    return !spec->project_id && !spec->network_id && !spec->name && !spec->description
           && !spec->mac_address && !spec->device_id && !spec->device_owner
           && !spec->binding_host_id && !spec->binding_vnic_type
           && !spec->binding_profile_json && !spec->has_admin_state_up && !spec->has_fixed_ips
           && !spec->has_port_security && !spec->has_security_groups
           && !spec->has_address_pairs && !spec->device_profile
           && !spec->has_numa_affinity_policy;
}

/* --- Port security: groups and allowed address pairs (api.md §13.5) --------------- */

/* The network's own ports (DHCP, routers: device_owner "network:...") are trusted:
 * they never have port security, so no group nor address pair. */
static bool
port_is_trusted(const char *device_owner)
{
    return device_owner && str_startswith(device_owner, "network:");
}

/* Whether a new port has port security: never for a trusted port, else as asked, else
 * as its network says. */
static bool
new_port_security(const struct port_spec *spec, bool network_default)
{
    if (port_is_trusted(spec->device_owner)) {
        return false;
    }
    return spec->has_port_security ? spec->port_security : network_default;
}

static int
pairs_need_port_security(const struct op *op)
{
    return api_error_set(op->err, API_ERR_ADDRESS_PAIR_NEEDS_PORT_SECURITY, "Port Security"
                         " must be enabled in order to have allowed address pairs on a"
                         " port.");
}

static int
groups_need_port_security(const struct op *op)
{
    return api_error_set(op->err, API_ERR_PORT_SECURITY_REQUIRED_FOR_SG, "Port security must"
                         " be enabled and port must have an IP address in order to use"
                         " security groups.");
}

/* The groups a port is given, checked: each exists and the caller may use it (an
 * admin any group; anyone else only its own project's, as Neutron's view of groups
 * gives), and they are all stateful or all stateless. */
static int
check_groups(const struct op *op, const char *const *ids, size_t n)
{
    struct buf missing = BUF_INITIALIZER;
    int stateful = -1;
    bool mixed = false;
    int r = 0;

    for (size_t i = 0; i < n && !r; i++) {
        struct security_group g;
        int e = store_sg_get(op->c, ids[i], op->caller->is_admin ? NULL
                                                                 : op->caller->project_id, &g);
        if (e == -ENOENT) {
            buf_printf(&missing, "%s%s", missing.len ? ", " : "", ids[i]);
            continue;
        }
        if (e) {
            r = core_internal(op, e);
            break;
        }
        mixed = mixed || (stateful >= 0 && stateful != g.stateful);
        stateful = g.stateful;
        security_group_done(&g);
    }
    if (!r && missing.len) {
        r = api_error_set(op->err, API_ERR_SG_NOT_FOUND, "Security group %s does not exist",
                          buf_cstr(&missing));
    } else if (!r && mixed) {
        r = api_error_set(op->err, API_ERR_SG_CONFLICT, "Error Cannot apply both stateful and"
                          " stateless security groups on the same port at the same time"
                          " while attempting the operation.");
    }
    buf_done(&missing);
    return r ? -1 : 0;
}

/* Binds the port to 'ids' after checking them. */
static int
set_groups(const struct op *op, const char *port_id, const char *const *ids, size_t n)
{
    int r;

    if (check_groups(op, ids, n)) {
        return -1;
    }
    r = store_port_set_security_groups(op->c, port_id, ids, n);
    return r ? core_internal(op, r) : 0;
}

/* Gives 'p' the asked address pairs; a pair without a MAC takes the port's. */
static int
set_address_pairs(const struct op *op, const struct port *p, const struct port_spec *spec)
{
    struct address_pair *pairs = xcalloc(spec->n_address_pairs + 1, sizeof *pairs);
    size_t dup = 0;
    int r;

    for (size_t i = 0; i < spec->n_address_pairs; i++) {
        pairs[i] = spec->address_pairs[i];
        if (!pairs[i].mac_address) {
            pairs[i].mac_address = p->mac_address;
        }
    }
    r = store_port_set_address_pairs(op->c, p->std.id, pairs, spec->n_address_pairs, &dup);
    if (r == -EEXIST) {
        r = api_error_set(op->err, API_ERR_ADDRESS_PAIR_DUPLICATE, "Request contains duplicate"
                          " address pair: mac_address %s ip_address %s.",
                          pairs[dup].mac_address, pairs[dup].ip_address);
    } else if (r) {
        r = core_internal(op, r);
    }
    free(pairs);
    return r ? -1 : 0;
}

/* A port with port security and no groups asked gets its project's default group,
 * made now if the project has none; but only when the caller could make it (its own
 * project, or an admin): otherwise, as in Neutron, the port has no group. */
static int
bind_default_group(const struct op *op, const struct port *p)
{
    const char *owner = p->std.project_id;
    char id[ID_LEN];
    const char *ids[] = { id };
    int r;

    if (!*owner || (!op->caller->is_admin && !STREQ(owner, op->caller->project_id))) {
        return 0;
    }
    if (core_security_group_ensure_default(op, owner, id)) {
        return -1;
    }
    r = store_port_set_security_groups(op->c, p->std.id, ids, 1);
    return r ? core_internal(op, r) : 0;
}

/* A new port's groups and pairs, once it is written with its addresses (Neutron's
 * order).  Without port security (always so for a trusted port) it may have neither. */
static int
create_port_security(const struct op *op, const struct port *p, const struct port_spec *spec)
{
    if (!p->port_security_enabled) {
        if (spec->n_address_pairs) {
            return pairs_need_port_security(op);
        }
        return spec->n_security_groups ? groups_need_port_security(op) : 0;
    }
    if (!spec->has_security_groups ? bind_default_group(op, p)
                                   : set_groups(op, p->std.id, spec->security_groups,
                                                spec->n_security_groups)) {
        return -1;
    }
    return spec->n_address_pairs ? set_address_pairs(op, p, spec) : 0;
}

/* An update's port security, groups and pairs, in Neutron's order: with port security
 * off (now or after this update) the port may keep neither pairs nor groups; then the
 * pairs, then the groups, each replaced when given. */
static int
update_port_security(const struct op *op, struct port *p, const struct port_spec *spec)
{
    if (spec->has_port_security) {
        p->port_security_enabled = spec->port_security;
    }
    if (!p->port_security_enabled) {
        bool has_pairs = p->address_pairs_json && !STREQ(p->address_pairs_json, "[]");
        bool has_groups = p->security_groups_json && !STREQ(p->security_groups_json, "[]");
        if (spec->n_address_pairs || (!spec->has_address_pairs && has_pairs)) {
            return pairs_need_port_security(op);
        }
        if (spec->n_security_groups) {
            return groups_need_port_security(op);
        }
        if (!spec->has_security_groups && has_groups) {
            return api_error_set(op->err, API_ERR_PORT_SECURITY_PORT_HAS_SG, "Port has security"
                                 " group associated. Cannot disable port security or IP"
                                 " address until security group is removed.");
        }
    }
    if (spec->has_address_pairs && set_address_pairs(op, p, spec)) {
        return -1;
    }
    if (spec->has_security_groups
        && set_groups(op, p->std.id, spec->security_groups, spec->n_security_groups)) {
        return -1;
    }
    return 0;
}

/* CHANGE_SG_MEMBERS for the groups port 'port_id' is in now, as stored. */
static int
record_current_members(const struct op *op, const char *port_id)
{
    struct port now;
    int r = store_port_get(op->c, port_id, NULL, &now);

    if (!r) {
        r = changes_record_sg_members(op->c, now.security_groups_json);
        port_done(&now);
    }
    return r;
}

/* Whether an update moves the port's addresses as its groups' members see them. */
static bool
changes_members(const struct port_spec *spec)
{
    return spec->has_fixed_ips || spec->has_address_pairs || spec->has_security_groups
           || spec->has_port_security;
}

/* --- Extra DHCP options (api.md §13.7) --------------------------------------------- */

/* Whether an option's value is one to keep: "router" and "classless-static-route" may
 * be blank (the client asks dnsmasq to send none), others need a value. */
static bool
dhcp_opt_value_kept(const struct extra_dhcp_opt *opt)
{
    if (STREQ(opt->name, "router") || STREQ(opt->name, "classless-static-route")) {
        return opt->value != NULL;
    }
    return opt->value && *opt->value;
}

/* Merges the spec's options into port 'port_id''s as Zed does: a NULL value removes
 * the option of that name and version, another value replaces or adds it.
 * '*ret_changed' becomes true if the stored options changed. */
static int
merge_dhcp_opts(const struct op *op, const char *port_id, const struct port_spec *spec,
                bool *ret_changed)
{
    for (size_t i = 0; i < spec->n_extra_dhcp_opts; i++) {
        const struct extra_dhcp_opt *opt = &spec->extra_dhcp_opts[i];
        bool changed = false;
        int r = 0;

        if (!opt->value) {
            r = store_port_remove_dhcp_opt(op->c, port_id, opt, &changed);
        } else if (dhcp_opt_value_kept(opt)) {
            r = store_port_put_dhcp_opt(op->c, port_id, opt, &changed);
        }
        if (r) {
            return core_internal(op, r);
        }
        *ret_changed = *ret_changed || changed;
    }
    return 0;
}

/* --- Address allocation --------------------------------------------------------- */

/* The network's subnets, read once per port. */
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

/* Keeps the subnets of 'ns' a port owned by 'device_owner' may take addresses of, those
 * with service types first (each group in its order), as Zed's candidate query does
 * (docs/behaviour/ipam.md §5.7).  A network whose subnets all exclude the owner is
 * 409 IpAddressGenerationFailureNoMatchingSubnet. */
static int
keep_service_subnets(const struct op *op, struct net_subnets *ns, const char *network_id,
                     const char *device_owner)
{
    struct subnet *kept;
    bool *taken;
    size_t n = 0;

    if (ns->n == 0) {
        return 0;
    }
    kept = xcalloc(ns->n, sizeof *kept);
    taken = xcalloc(ns->n, sizeof *taken);
    for (int typed = 1; typed >= 0; typed--) {
        for (size_t i = 0; i < ns->n; i++) {
            const struct subnet *s = &ns->items[i];
            if (ipam_subnet_has_service_types(s) == typed
                && ipam_subnet_serves(s, device_owner)) {
                kept[n++] = *s;
                taken[i] = true;
            }
        }
    }
    for (size_t i = 0; i < ns->n; i++) {
        if (!taken[i]) {
            subnet_done(&ns->items[i]);
        }
    }
    free(taken);
    free(ns->items);
    ns->items = kept;
    ns->n = n;
    if (n == 0) {
        return api_error_set(op->err, API_ERR_NO_MATCHING_SERVICE_SUBNET, "No valid service"
                             " subnet for the given device owner, network %s, service type %s.",
                             network_id, device_owner);
    }
    return 0;
}

/* The outcome 'r' of allocating 'a' on 's'. */
static int
held_or_taken(const struct op *op, int r, const struct subnet *s, const struct ip_addr *a)
{
    char text[IP_STRLEN];

    if (r == -EEXIST) {
        ip_format(a, text);
        return api_error_set(op->err, API_ERR_IP_ADDRESS_ALREADY_ALLOCATED,
                             "IP address %s already allocated in subnet %s", text, s->std.id);
    }
    return r ? core_internal(op, r) : 0;
}

/* Records 'a' on subnet 's' for the port. */
static int
hold_address(const struct op *op, const struct port *p, const struct subnet *s,
             const struct ip_addr *a)
{
    return held_or_taken(op, ipam_allocate(op->c, s, p, a), s, a);
}

static int
hold_eui64(const struct op *op, const struct port *p, const struct subnet *s)
{
    struct ip_addr a;
    int r = ipam_allocate_eui64(op->c, s, p, &a);

    return held_or_taken(op, r, s, &a);
}

static int
no_more_addresses(const struct op *op, const char *network_id)
{
    return api_error_set(op->err, API_ERR_IP_ADDRESS_GENERATION_FAILURE,
                         "No more IP addresses available on network %s.", network_id);
}

/* Any free address of 's': 0, -ENOSPC (full), or -1 with the error set. */
static int
hold_any(const struct op *op, const struct port *p, const struct subnet *s)
{
    int r = ipam_allocate_any(op->c, s, p, op->app->ipam_random);

    if (r == -ENOSPC) {
        return r;
    }
    return r ? core_internal(op, r) : 0;
}

/* No fixed_ips given: one IPv4 address, one stateful IPv6 address, and an EUI-64
 * address on every auto-address subnet. */
static int
allocate_default(const struct op *op, const struct port *p, struct net_subnets *ns)
{
    for (int family = 4; family <= 6; family += 2) {
        bool candidates = false, got = false;

        for (size_t i = 0; i < ns->n && !got; i++) {
            const struct subnet *s = &ns->items[i];
            if (s->ip_version != family || ipam_subnet_is_auto_address(s)) {
                continue;
            }
            candidates = true;
            int r = hold_any(op, p, s);
            if (r == -1) {
                return -1;
            }
            got = r == 0;
        }
        if (candidates && !got) {
            return no_more_addresses(op, p->network_id);
        }
    }
    for (size_t i = 0; i < ns->n; i++) {
        if (ipam_subnet_is_auto_address(&ns->items[i]) && hold_eui64(op, p, &ns->items[i])) {
            return -1;
        }
    }
    return 0;
}

/* Resolves one fixed_ips entry to its subnet (and address, if it names one). */
static int
resolve_fixed_ip(const struct op *op, struct net_subnets *ns, const struct fixed_ip_spec *e,
                 const char *network_id, struct subnet **ret_subnet, struct ip_addr *ret_addr)
{
    struct subnet *s = NULL;
    struct ip_addr a;

    if (!e->subnet_id && !e->ip_address) {
        return api_error_invalid(op->err, "IP allocation requires subnet_id or ip_address");
    }
    if (ns->n == 0) {
        return api_error_invalid(op->err, "IP allocation requires subnets for network");
    }
    if (e->subnet_id) {
        s = subnet_by_id(ns, e->subnet_id);
        if (!s) {
            struct subnet other;
            if (store_subnet_get(op->c, e->subnet_id, NULL, &other) == 0) {
                subnet_done(&other);
                return api_error_invalid(op->err, "Failed to create port on network %s,"
                                         " because fixed_ips included invalid subnet %s",
                                         network_id, e->subnet_id);
            }
            return api_error_set(op->err, API_ERR_SUBNET_NOT_FOUND,
                                 "Subnet %s could not be found.", e->subnet_id);
        }
    }
    if (e->ip_address) {
        struct cidr cidr;
        ip_parse(e->ip_address, &a);
        if (s) {
            cidr_parse(s->cidr, &cidr);
            if (!ipam_address_valid(&cidr, &a)) {
                return api_error_set(op->err, API_ERR_INVALID_IP_FOR_SUBNET, "IP address %s"
                                     " is not a valid IP for the specified subnet.",
                                     e->ip_address);
            }
        } else {
            s = subnet_for_address(ns, &a);
            if (!s) {
                return api_error_set(op->err, API_ERR_INVALID_IP_FOR_NETWORK, "IP address %s"
                                     " is not a valid IP for any of the subnets on the"
                                     " specified network.", e->ip_address);
            }
        }
        if (ipam_subnet_is_auto_address(s)) {
            return api_error_set(op->err, API_ERR_ALLOCATION_ON_AUTO_ADDRESS_SUBNET,
                                 "IPv6 address %s cannot be directly assigned to a port on"
                                 " subnet %s as the subnet is configured for automatic"
                                 " addresses", e->ip_address, s->std.id);
        }
        *ret_addr = a;
    }
    *ret_subnet = s;
    return 0;
}

/* An address the port holds, and whether the new fixed_ips keep it. */
struct held {
    struct ip_allocation alloc;
    struct ip_addr addr;
    bool kept;
};

/* Allocates the asked fixed_ips for port 'p', which currently holds 'held' (empty on
 * create).  Entries naming an address go first, so "any address" entries cannot take
 * an address another entry names. */
static int
allocate_fixed(const struct op *op, const struct port *p, struct net_subnets *ns,
               const struct port_spec *spec, struct held *held, size_t n_held)
{
    /* One EUI-64 address per auto-address subnet, however many entries name it. */
    bool *auto_listed = xcalloc(ns->n ? ns->n : 1, sizeof *auto_listed);
    int r = 0;

    for (int pass = 0; pass < 2 && !r; pass++) {
        for (size_t i = 0; i < spec->n_fixed_ips && !r; i++) {
            const struct fixed_ip_spec *e = &spec->fixed_ips[i];
            struct subnet *s = NULL;
            struct ip_addr a;
            bool kept = false;

            if ((e->ip_address != NULL) != (pass == 0)) {
                continue;
            }
            r = resolve_fixed_ip(op, ns, e, p->network_id, &s, &a);
            if (r) {
                break;
            }
            for (size_t k = 0; k < n_held && !kept; k++) {
                if (held[k].kept || !STREQ(held[k].alloc.subnet_id, s->std.id)) {
                    continue;
                }
                if (!e->ip_address || ip_equal(&held[k].addr, &a)) {
                    held[k].kept = kept = true;
                }
            }
            if (kept) {
                continue;
            }
            if (ipam_subnet_is_auto_address(s)) {
                size_t idx = (size_t) (s - ns->items);
                if (!auto_listed[idx]) {
                    auto_listed[idx] = true;
                    r = hold_eui64(op, p, s);
                }
            } else if (e->ip_address) {
                r = hold_address(op, p, s, &a);
            } else {
                r = hold_any(op, p, s);
                if (r == -ENOSPC) {
                    r = no_more_addresses(op, p->network_id);
                }
            }
        }
    }
    free(auto_listed);
    return r ? -1 : 0;
}

/* Auto-address subnets always give the port its EUI-64 address. */
static int
allocate_auto_addresses(const struct op *op, const struct port *p, struct net_subnets *ns,
                        const struct held *held, size_t n_held)
{
    for (size_t i = 0; i < ns->n; i++) {
        bool has = false;
        if (!ipam_subnet_is_auto_address(&ns->items[i])) {
            continue;
        }
        for (size_t k = 0; k < n_held; k++) {
            has = has || STREQ(held[k].alloc.subnet_id, ns->items[i].std.id);
        }
        if (!has) {
            struct ip_allocation *now = NULL;
            size_t n_now = 0;
            int r = store_allocs_of_port(op->c, p->std.id, &now, &n_now);
            for (size_t k = 0; k < n_now && !r; k++) {
                has = has || STREQ(now[k].subnet_id, ns->items[i].std.id);
            }
            free(now);
            if (r) {
                return core_internal(op, r);
            }
        }
        if (!has && hold_eui64(op, p, &ns->items[i])) {
            return -1;
        }
    }
    return 0;
}

/* Replaces the port's addresses with those of an update. */
static int
update_fixed_ips(const struct op *op, const struct port *p, const struct port_spec *spec)
{
    struct net_subnets ns = { NULL, 0 }, serving = { NULL, 0 };
    struct ip_allocation *allocs = NULL;
    struct held *held = NULL;
    size_t n = 0;
    int r = store_allocs_of_port(op->c, p->std.id, &allocs, &n);

    if (!r) {
        r = store_subnets_of_network(op->c, p->network_id, &ns.items, &ns.n);
    }
    if (r) {
        free(allocs);
        return core_internal(op, r);
    }
    held = xcalloc(n ? n : 1, sizeof *held);
    for (size_t i = 0; i < n; i++) {
        const struct subnet *s = subnet_by_id(&ns, allocs[i].subnet_id);
        held[i].alloc = allocs[i];
        ip_parse(allocs[i].ip_address, &held[i].addr);
        /* Automatic addresses stay unless asked to go ({"subnet_id", "delete_subnet"}). */
        held[i].kept = s && ipam_subnet_is_auto_address(s);
        for (size_t k = 0; k < spec->n_fixed_ips; k++) {
            const struct fixed_ip_spec *e = &spec->fixed_ips[k];
            if (held[i].kept && e->subnet_id && e->delete_subnet
                && STREQ(e->subnet_id, held[i].alloc.subnet_id)) {
                held[i].kept = false;
            }
        }
    }
    /* New entries choose among the subnets serving the port; what it holds is
     * released from wherever it is. */
    r = store_subnets_of_network(op->c, p->network_id, &serving.items, &serving.n);
    if (r) {
        r = core_internal(op, r);
    } else if (!keep_service_subnets(op, &serving, p->network_id, p->device_owner)) {
        r = allocate_fixed(op, p, &serving, spec, held, n);
    } else {
        r = -1;
    }
    net_subnets_done(&serving);
    /* Then release what is no longer wanted. */
    for (size_t i = 0; i < n && !r; i++) {
        const struct subnet *s = subnet_by_id(&ns, held[i].alloc.subnet_id);
        if (!held[i].kept && s) {
            int e = ipam_release(op->c, s, &held[i].addr);
            r = e ? core_internal(op, e) : 0;
        }
    }
    free(held);
    free(allocs);
    net_subnets_done(&ns);
    return r ? -1 : 0;
}

/* Frees every address of a port back to its subnets' pools. Returns 0 or -errno. */
static int
release_all(struct store_conn *c, const struct port *p)
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

/* --- Binding and policy ----------------------------------------------------------- */

/* Binds a port to 'host' on network 'net' (to one of its segments).  A failure to
 * bind is an outcome (binding_failed), logged with its reason; only a store failure
 * fails. */
static int
bind_port(const struct op *op, const char *port_id, const char *host, const char *vnic_type,
          const struct network *net, struct binding *ret)
{
    int r = linuxbridge_bind(op->app->cfg, op->c, host, vnic_type, net, ret);

    if (r) {
        return core_internal(op, r);
    }
    if (ret->reason) {
        log_warn("port %s: binding to host %.64s failed: %s", port_id, host, ret->reason);
    }
    return 0;
}

/* Neutron's rule for allowed_address_pairs names the attribute, then each key of each
 * pair (ip_address first: neutrino does not keep a pair's key order). */
static int
address_pairs_refused(const struct op *op, const struct port_spec *spec, const char *action)
{
    struct buf rule = BUF_INITIALIZER;
    int r;

    buf_printf(&rule, "rule:%s:allowed_address_pairs", action);
    if (spec->n_address_pairs) {
        buf_add_str(&rule, " and (");
        for (size_t i = 0; i < spec->n_address_pairs; i++) {
            buf_printf(&rule, "%srule:%s:allowed_address_pairs:ip_address", i ? " and " : "",
                       action);
            if (spec->address_pairs[i].mac_address) {
                buf_printf(&rule, " and rule:%s:allowed_address_pairs:mac_address", action);
            }
        }
        buf_add_char(&rule, ')');
    }
    r = api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED, "(rule:%s and %s%s%s) is"
                      " disallowed by policy", action, spec->n_address_pairs ? "(" : "",
                      buf_cstr(&rule), spec->n_address_pairs ? ")" : "");
    buf_done(&rule);
    return r;
}

/* The attribute rules that depend on the network's owner. */
static int
check_port_policy(const struct op *op, const struct port_spec *spec, const struct network *net,
                  bool create)
{
    const struct context *ctx = op->caller;
    bool net_owner = ctx->is_admin || STREQ(net->std.project_id, ctx->project_id);
    const char *action = create ? "create_port" : "update_port";

    if (ctx->is_admin) {
        return 0;
    }
    if (spec->binding_host_id || spec->binding_profile_json) {
        return api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED, "(rule:%s and rule:%s:%s)"
                             " is disallowed by policy", action, action,
                             spec->binding_host_id ? "binding:host_id" : "binding:profile");
    }
    if (spec->device_owner && str_startswith(spec->device_owner, "network:") && !net_owner) {
        return api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED, "(rule:%s and rule:%s:"
                             "device_owner) is disallowed by policy", action, action);
    }
    if (spec->mac_address && (!create || !net_owner)) {
        return api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED, "(rule:%s and rule:%s:"
                             "mac_address) is disallowed by policy", action, action);
    }
    if (spec->has_fixed_ips && !net_owner) {
        for (size_t i = 0; i < spec->n_fixed_ips; i++) {
            if (spec->fixed_ips[i].ip_address || !net->shared) {
                return api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED, "(rule:%s and"
                                     " (rule:%s:fixed_ips and (rule:%s:fixed_ips:ip_address)))"
                                     " is disallowed by policy", action, action, action);
            }
        }
    }
    if (spec->has_port_security && !net_owner) {
        return api_error_set(op->err, API_ERR_POLICY_NOT_AUTHORIZED, "(rule:%s and rule:%s:"
                             "port_security_enabled) is disallowed by policy", action, action);
    }
    if (spec->has_address_pairs && !net_owner) {
        return address_pairs_refused(op, spec, action);
    }
    return 0;
}

static int
mac_in_use(const struct op *op, const char *network_id, const char *mac)
{
    return api_error_set(op->err, API_ERR_MAC_ADDRESS_IN_USE, "Unable to complete operation"
                         " for network %s. The mac address %s is in use.", network_id, mac);
}

/* --- port-mac-override (docs/behaviour/ml2.md §5.1) ----------------------------------- */

/* True if binding the port takes its MAC from the physical device: a direct-physical
 * port given a host (every binding attempt, failed ones included, as in Zed). */
static bool
mac_follows_device(const char *host, const char *vnic_type)
{
    return host && *host && vnic_type && STREQ(vnic_type, "direct-physical");
}

/* The MAC a direct-physical port takes at binding: binding:profile's
 * device_mac_address (canonical) into 'out', or "" when the profile has none (a new
 * random MAC then).  Returns 0, or -1 with the error set for a MAC that is not one. */
static int
device_mac(const struct op *op, const char *profile_json, char out[MAC_STRLEN])
{
    json_t *profile = json_loads(profile_json ? profile_json : "{}", 0, NULL);
    json_t *v = json_object_get(profile, "device_mac_address");
    struct mac m;
    int r = 0;

    out[0] = '\0';
    if (v && !json_is_null(v) && !(json_is_string(v) && !*json_string_value(v))) {
        if (!json_is_string(v) || mac_parse(json_string_value(v), &m)) {
            r = api_error_invalid(op->err, "binding:profile device_mac_address is not a"
                                  " valid MAC address");
        } else {
            mac_format(&m, out);
        }
    }
    json_decref(profile);
    return r;
}

/* Gives 'p' the MAC 'mac' ("" for a new random one), unique on its network. */
static int
take_device_mac(const struct op *op, struct port *p, const char *mac)
{
    char text[MAC_STRLEN];
    bool used;
    int r;

    if (!*mac) {
        struct mac m;
        mac_generate(&op->app->base_mac, &m);
        mac_format(&m, text);
        mac = text;
    }
    if (STREQ(mac, p->mac_address)) {
        return 0;
    }
    r = store_mac_in_use(op->c, p->network_id, mac, &used);
    if (r) {
        return core_internal(op, r);
    }
    if (used) {
        return mac_in_use(op, p->network_id, mac);
    }
    snprintf(p->mac_address, sizeof p->mac_address, "%s", mac);
    return 0;
}

/* Inserts the new port with the given MAC, or with random ones until one is free on
 * the network: the unique key on (network, MAC) is the check, so a create costs no
 * separate look-up (a collision is rare: 2^24 MACs under the base). */
static int
insert_with_mac(const struct op *op, const char *given, struct port *p)
{
    int r = -EEXIST;

    for (int attempt = 0; r == -EEXIST && attempt < (given ? 1 : MAC_ATTEMPTS); attempt++) {
        if (given) {
            snprintf(p->mac_address, sizeof p->mac_address, "%s", given);
        } else {
            struct mac m;
            mac_generate(&op->app->base_mac, &m);
            mac_format(&m, p->mac_address);
        }
        r = store_port_insert(op->c, p);
    }
    if (r == -EEXIST && given) {
        return mac_in_use(op, p->network_id, given);
    }
    return r ? core_internal(op, r) : 0;
}

/* --- Create ---------------------------------------------------------------------- */

/* The network a new port goes on, as the caller may use it (to network_done() even
 * on failure). */
static int
network_for_port(const struct op *op, const struct port_spec *spec, const char *owner,
                 struct network *ret)
{
    memset(ret, 0, sizeof *ret);
    if (core_network_for_child(op, POLICY_PORT, spec->network_id, owner, ret)) {
        return -1;
    }
    return check_port_policy(op, spec, ret, true);
}

/* Binds the new port 'p' on 'net'. */
static int
bind_new_port(const struct op *op, struct port *p, const struct network *net)
{
    struct binding b;

    if (bind_port(op, p->std.id, p->binding_host_id, p->binding_vnic_type, net, &b)) {
        return -1;
    }
    p->binding_vif_type = (char *) b.vif_type;
    p->binding_vif_details_json = (char *) b.vif_details;
    p->binding_segment = b.segment;
    return 0;
}

int
core_port_create(const struct op *op, const struct port_spec *spec, char ret_id[ID_LEN])
{
    struct net_subnets ns = { NULL, 0 };
    struct network net;
    struct port p;
    const char *owner, *given_mac = spec->mac_address;
    char device_mac_text[MAC_STRLEN];
    bool net_port_security;
    int r;

    /* Neutron makes the project's default group before anything else of a port. */
    if (core_owner(op, spec->project_id, &owner)) {
        return -1;
    }
    r = network_for_port(op, spec, owner, &net);
    net_port_security = net.port_security_enabled;
    if (r) {
        network_done(&net);
        return -1;
    }
    if ((spec->client_create && quota_check(op, QUOTA_PORT, owner, 1))
        || core_security_group_ensure_for_caller(op, owner)) {
        network_done(&net);
        return -1;
    }
    memset(&p, 0, sizeof p);
    uuid_new(p.std.id);
    p.std.project_id = (char *) owner;
    p.std.name = (char *) (spec->name ? spec->name : "");
    p.std.description = (char *) (spec->description ? spec->description : "");
    snprintf(p.network_id, sizeof p.network_id, "%s", spec->network_id);
    p.admin_state_up = spec->has_admin_state_up ? spec->admin_state_up : true;
    p.port_security_enabled = new_port_security(spec, net_port_security);
    snprintf(p.status, sizeof p.status, "%s", spec->status ? spec->status : "DOWN");
    p.device_id = (char *) (spec->device_id ? spec->device_id : "");
    p.device_owner = (char *) (spec->device_owner ? spec->device_owner : "");
    p.binding_host_id = (char *) (spec->binding_host_id ? spec->binding_host_id : "");
    p.binding_vnic_type = (char *) (spec->binding_vnic_type ? spec->binding_vnic_type
                                                            : "normal");
    p.binding_profile_json = (char *) (spec->binding_profile_json ? spec->binding_profile_json
                                                                  : "{}");
    /* Kept only with their ML2 extension drivers, as in Zed ("" is none). */
    if (op->app->port_device_profile && spec->device_profile && *spec->device_profile) {
        p.device_profile = (char *) spec->device_profile;
    }
    if (op->app->port_numa_affinity_policy) {
        p.numa_affinity_policy = (char *) spec->numa_affinity_policy;
    }
    r = bind_new_port(op, &p, &net);
    network_done(&net);
    if (r) {
        return -1;
    }
    time_iso8601_now(p.std.created_at);
    memcpy(p.std.updated_at, p.std.created_at, sizeof p.std.updated_at);
    p.std.revision_number = 1;
    if (mac_follows_device(p.binding_host_id, p.binding_vnic_type)) {
        if (device_mac(op, p.binding_profile_json, device_mac_text)) {
            return -1;
        }
        given_mac = *device_mac_text ? device_mac_text : NULL;
    }
    if (insert_with_mac(op, given_mac, &p)) {
        return -1;
    }
    r = store_subnets_of_network(op->c, p.network_id, &ns.items, &ns.n);
    if (r) {
        return core_internal(op, r);
    }
    if (keep_service_subnets(op, &ns, p.network_id, p.device_owner)) {
        net_subnets_done(&ns);
        return -1;
    }
    if (!spec->has_fixed_ips) {
        r = allocate_default(op, &p, &ns);
    } else {
        r = allocate_fixed(op, &p, &ns, spec, NULL, 0)
            || allocate_auto_addresses(op, &p, &ns, NULL, 0);
    }
    net_subnets_done(&ns);
    if (r || create_port_security(op, &p, spec)
        || merge_dhcp_opts(op, p.std.id, spec, &(bool) { false })) {
        return -1;
    }
    r = record_current_members(op, p.std.id);
    if (r) {
        return core_internal(op, r);
    }
    if (*p.binding_host_id
        && (r = changes_record(op->c, p.binding_host_id, CHANGE_PORT_UPDATE, p.std.id,
                               p.network_id))) {
        return core_internal(op, r);
    }
    r = provisioning_setup(op->c, &p, true, true);
    if (!r) {
        r = changes_record_dhcp(op->c, p.network_id, CHANGE_DHCP_PORT, p.std.id);
    }
    if (r) {
        return core_internal(op, r);
    }
    memcpy(ret_id, p.std.id, ID_LEN);
    return 0;
}

/* --- Update ---------------------------------------------------------------------- */

/* After an update: binds again when a binding attribute changed (the port goes DOWN
 * while its new host's agent wires it), or retries a failed binding on any update, as
 * Neutron does; tells the agents of the old and new host. */
static int
rebind(const struct op *op, const struct port_spec *spec, struct port *p, const char *old_host)
{
    bool changed = spec->binding_host_id || spec->binding_vnic_type
                   || spec->binding_profile_json;
    bool retry = *p->binding_host_id && (STREQ(p->binding_vif_type, "unbound")
                                         || STREQ(p->binding_vif_type, "binding_failed"));
    struct network net;
    struct binding b;
    int r;

    if (changed || retry) {
        r = store_network_get(op->c, p->network_id, NULL, &net);
        if (r) {
            return core_internal(op, r);
        }
        r = bind_port(op, p->std.id, p->binding_host_id, p->binding_vnic_type, &net, &b);
        network_done(&net);
        if (r) {
            return -1;
        }
        p->binding_segment = b.segment;
        free(p->binding_vif_type);
        free(p->binding_vif_details_json);
        p->binding_vif_type = xstrdup(b.vif_type);
        p->binding_vif_details_json = xstrdup(b.vif_details);
        if (mac_follows_device(p->binding_host_id, p->binding_vnic_type)) {
            char mac[MAC_STRLEN];
            if (device_mac(op, p->binding_profile_json, mac) || take_device_mac(op, p, mac)) {
                return -1;
            }
        }
        if (!STREQ(old_host, p->binding_host_id) && !STREQ(p->status, "DOWN")) {
            snprintf(p->status, sizeof p->status, "DOWN");
        }
        r = provisioning_setup(op->c, p, true, false);
        if (r) {
            return core_internal(op, r);
        }
    }
    if (*old_host && !STREQ(old_host, p->binding_host_id)
        && (r = changes_record(op->c, old_host, CHANGE_PORT_UPDATE, p->std.id,
                               p->network_id))) {
        return core_internal(op, r);
    }
    if (*p->binding_host_id
        && (r = changes_record(op->c, p->binding_host_id, CHANGE_PORT_UPDATE, p->std.id,
                               p->network_id))) {
        return core_internal(op, r);
    }
    return 0;
}

/* A new MAC for 'p': only while unbound, never for service ports, unique per network. */
static int
change_mac(const struct op *op, struct port *p, const char *mac)
{
    bool used;
    int r;

    if (STREQ(mac, p->mac_address)) {
        return 0;
    }
    if (!STREQ(p->binding_vif_type, "unbound") && !STREQ(p->binding_vif_type, "binding_failed")) {
        return api_error_set(op->err, API_ERR_PORT_BOUND, "Unable to complete operation on"
                             " port %s, port is already bound, port type: %s, old_mac %s,"
                             " new_mac %s.", p->std.id, p->binding_vif_type, p->mac_address,
                             mac);
    }
    if (str_startswith(p->device_owner, "network:")) {
        /* Zed's text, which names Python's id() built-in rather than the port. */
        return api_error_set(op->err, API_ERR_UNSUPPORTED_PORT_DEVICE_OWNER, "Operation"
                             " mac address update is not supported for device_owner %s on"
                             " port <built-in function id>.", p->device_owner);
    }
    r = store_mac_in_use(op->c, p->network_id, mac, &used);
    if (r) {
        return core_internal(op, r);
    }
    if (used) {
        return mac_in_use(op, p->network_id, mac);
    }
    snprintf(p->mac_address, sizeof p->mac_address, "%s", mac);
    return 0;
}

/* A new NUMA affinity policy (or none), kept only with its ML2 extension driver: not
 * while the port is bound (the binding before this update), as in Zed. */
static int
change_numa_affinity_policy(const struct op *op, struct port *p, const char *policy)
{
    if (!op->app->port_numa_affinity_policy) {
        return 0;
    }
    if (!STREQ(p->binding_vif_type, "unbound") && !STREQ(p->binding_vif_type, "binding_failed")) {
        return api_error_set(op->err, API_ERR_PORT_BOUND_NUMA_AFFINITY_POLICY, "Unable to"
                             " complete operation on port %s, port is already bound to host"
                             " %s, numa_affinity_policy value given %s.", p->std.id,
                             p->binding_host_id, policy ? policy : "None");
    }
    free(p->numa_affinity_policy);
    p->numa_affinity_policy = policy ? xstrdup(policy) : NULL;
    return 0;
}

/* Applies 'spec' to 'p' in memory and in the store's side tables (addresses, blocks,
 * changes); the port row itself is written by the caller. */
static int
apply_update(const struct op *op, const struct port_spec *spec, struct port *p,
             bool *ret_opts_changed)
{
    char *old_host = xstrdup(p->binding_host_id);
    char old_mac[MAC_STRLEN];
    struct network net;
    int r = store_network_get(op->c, p->network_id, NULL, &net);

    if (r) {
        free(old_host);
        return core_internal(op, r);
    }
    r = check_port_policy(op, spec, &net, false);
    network_done(&net);
    snprintf(old_mac, sizeof old_mac, "%s", p->mac_address);
    if (!r && spec->mac_address) {
        r = change_mac(op, p, spec->mac_address);
    }
    /* A direct-physical port leaving its instance gives the device's MAC back (Zed's
     * reset, which wins over a MAC given in the same update). */
    if (!r && STREQ(p->binding_vnic_type, "direct-physical") && spec->device_id
        && !*spec->device_id && spec->device_owner && !*spec->device_owner && *p->device_id) {
        r = take_device_mac(op, p, "");
    }
    if (!r && spec->has_fixed_ips) {
        r = update_fixed_ips(op, p, spec) || l3_port_changed(op, p);
    }
    if (!r && spec->has_numa_affinity_policy) {
        r = change_numa_affinity_policy(op, p, spec->numa_affinity_policy);
    }
    if (!r) {
        r = update_port_security(op, p, spec);
    }
    if (!r) {
        r = merge_dhcp_opts(op, p->std.id, spec, ret_opts_changed);
    }
    /* The groups it leaves and the groups it is in now. */
    if (!r && changes_members(spec)) {
        int e = changes_record_sg_members(op->c, p->security_groups_json);
        e = e ? e : record_current_members(op, p->std.id);
        r = e ? core_internal(op, e) : 0;
    }
    if (r) {
        free(old_host);
        return -1;
    }
    core_take_str(&p->std.name, spec->name);
    core_take_str(&p->std.description, spec->description);
    core_take_str(&p->device_id, spec->device_id);
    core_take_str(&p->device_owner, spec->device_owner);
    core_take_str(&p->binding_host_id, spec->binding_host_id);
    core_take_str(&p->binding_vnic_type, spec->binding_vnic_type);
    core_take_str(&p->binding_profile_json, spec->binding_profile_json);
    if (spec->has_admin_state_up) {
        p->admin_state_up = spec->admin_state_up;
    }
    r = rebind(op, spec, p, old_host);
    free(old_host);
    if (r) {
        return -1;
    }
    /* New addresses or MAC: the DHCP agents must confirm the new host entries. */
    if (spec->has_fixed_ips || !STREQ(old_mac, p->mac_address)) {
        r = provisioning_setup(op->c, p, false, true);
    }
    if (!r) {
        r = changes_record_dhcp(op->c, p->network_id, CHANGE_DHCP_PORT, p->std.id);
    }
    return r ? core_internal(op, r) : 0;
}

/* Writes the updated row (revision bumped) and reads it back as stored. */
static int
store_updated(const struct op *op, struct port *p)
{
    int r;

    p->std.revision_number++;
    time_iso8601_now(p->std.updated_at);
    r = store_port_update(op->c, p);
    if (r == -EEXIST) {
        return mac_in_use(op, p->network_id, p->mac_address);
    }
    return r ? core_internal(op, r) : 0;
}

static int
reread(const struct op *op, struct port *p)
{
    char id[ID_LEN];
    int r;

    memcpy(id, p->std.id, ID_LEN);
    port_done(p);
    r = store_port_get(op->c, id, NULL, p);
    if (r) {
        memset(p, 0, sizeof *p);
        return core_internal(op, r);
    }
    return 0;
}

int
core_port_update_read(const struct op *op, struct port *p, const struct port_spec *spec)
{
    if (apply_update(op, spec, p, &(bool) { false }) || store_updated(op, p)) {
        return -1;
    }
    return reread(op, p);
}

/* See port.h. */
int
core_port_visible(const struct op *op, const char *id, struct port *ret)
{
    int r = store_port_get(op->c, id, context_visible_to(op->caller), ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return r == -ENOENT ? api_error_set(op->err, API_ERR_PORT_NOT_FOUND,
                                            "Port %s could not be found.", id)
                            : core_internal(op, r);
    }
    return 0;
}

int
core_port_get(const struct op *op, const char *id, struct port *ret)
{
    /* Visibility let in the ports on the caller's networks; the new defaults'
     * get_port rule keeps only its own. */
    int r = core_port_visible(op, id, ret)
            || core_authorize(op, POLICY_PORT, POLICY_GET, &(struct policy_target) {
                                  .project_id = ret->std.project_id,
                                  .net_project_id = op->caller->project_id });

    if (r) {
        port_done(ret);
        return -1;
    }
    return 0;
}

int
core_port_update(const struct op *op, const char *id, const struct port_spec *spec,
                 int64_t expected_revision, struct port *ret)
{
    struct port p;
    bool opts_changed = false;
    int r = core_port_visible(op, id, &p);

    if (!r) {
        r = core_authorize_on_network(op, POLICY_PORT, POLICY_UPDATE, p.std.project_id,
                                      p.network_id)
            || core_security_group_ensure_for_caller(op, p.std.project_id)
            || apply_update(op, spec, &p, &opts_changed)
            || core_check_revision(op, expected_revision, p.std.revision_number);
    }
    /* Options that stay as they were leave the revision alone, as in Zed. */
    if (!r && (!port_spec_empty(spec) || opts_changed)) {
        r = store_updated(op, &p);
    }
    if (r) {
        port_done(&p);
        return -1;
    }
    r = reread(op, &p);
    *ret = p;
    return r;
}

/* --- Delete ---------------------------------------------------------------------- */

int
core_port_delete_read(const struct op *op, const struct port *p)
{
    char now[TIMESTAMP_LEN];
    int r;

    /* Its floating IPs stay, no longer associated (as in Neutron); their routers'
     * agents let the addresses go. */
    if (l3_port_changed(op, p)) {
        return -1;
    }
    time_iso8601_now(now);
    r = store_floatingip_disassociate_port(op->c, p->std.id, now);
    r = r ? r : release_all(op->c, p);

    if (!r) {
        r = store_port_delete(op->c, p->std.id);
    }
    if (!r) {
        r = changes_record_sg_members(op->c, p->security_groups_json);
    }
    if (!r && *p->binding_host_id) {
        r = changes_record(op->c, p->binding_host_id, CHANGE_PORT_DELETE, p->std.id,
                           p->network_id);
    }
    /* An ACTIVE port leaving changes what the other hosts flood to. */
    if (!r && STREQ(p->status, "ACTIVE")) {
        r = changes_record(op->c, "", CHANGE_FDB, p->network_id, p->network_id);
    }
    if (!r) {
        r = changes_record_dhcp(op->c, p->network_id, CHANGE_DHCP_PORT, p->std.id);
    }
    return r ? core_internal(op, r) : 0;
}

int
core_port_delete(const struct op *op, const char *id, int64_t expected_revision)
{
    struct port p;
    int r = core_port_visible(op, id, &p);

    if (!r) {
        r = core_authorize_on_network(op, POLICY_PORT, POLICY_DELETE, p.std.project_id,
                                      p.network_id)
            || core_check_revision(op, expected_revision, p.std.revision_number)
            || core_router_check_port_delete(op, &p)
            || core_port_delete_read(op, &p);
    }
    port_done(&p);
    return r ? -1 : 0;
}
