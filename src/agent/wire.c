/* The linux-bridge dataplane (see lb_wiring.h). */
#include "wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

LOG_MODULE("wire");

void
wire_bridge_name(const char *network_id, char out[IFNAMSIZ])
{
    snprintf(out, IFNAMSIZ, "brq%.11s", network_id);
}

/* The bridge, created (up, STP off, forward delay 0) if missing. */
static int
ensure_bridge(struct wire *w, const char *name, struct nl_link *ret)
{
    int r = nl_link_get(w->nl, name, ret);

    if (r == -ENODEV) {
        r = nl_bridge_add(w->nl, name);
        if (r && r != -EEXIST) {
            return r;
        }
        if (!r) {
            log_info("created bridge %s", name);
        }
        r = nl_link_get(w->nl, name, ret);
    }
    if (!r && !STREQ(ret->kind, "bridge")) {
        return -EEXIST;     /* Something else holds the name. */
    }
    if (!r && !ret->up) {
        r = nl_link_set(w->nl, ret->ifindex, -1, 0, 1);
    }
    return r;
}

/* Puts 'link' into 'bridge' at 'mtu' (0: leave) and up, changing only what differs. */
static int
enslave(struct wire *w, const struct nl_link *link, const struct nl_link *bridge, int mtu,
        bool up)
{
    int master = link->master == bridge->ifindex ? -1 : bridge->ifindex;
    int new_mtu = mtu > 0 && link->mtu != mtu ? mtu : 0;
    int state = link->up == up ? -1 : up;

    if (master < 0 && !new_mtu && state < 0) {
        return 0;
    }
    return nl_link_set(w->nl, link->ifindex, master, new_mtu, state);
}

/* A vlan sub-interface name: <iface>.<vid>, shortened as Neutron does when too long. */
static void
vlan_name(const char *iface, int64_t vid, char out[IFNAMSIZ])
{
    char full[64];
    uint32_t h = 2166136261u;

    snprintf(full, sizeof full, "%s.%lld", iface, (long long) vid);
    if (strlen(full) < IFNAMSIZ) {
        memcpy(out, full, strlen(full) + 1);
        return;
    }
    for (const char *p = iface; *p; p++) {
        h = (h ^ (unsigned char) *p) * 16777619u;
    }
    snprintf(full, sizeof full, "%.4s%06x.%u", iface, h & 0xffffff, (unsigned) vid & 0xfff);
    memcpy(out, full, IFNAMSIZ - 1);
    out[IFNAMSIZ - 1] = '\0';
}

/* Addresses and gateway routes of an interface, as collected before a move. */
struct ip_config {
    struct nl_addr addrs[16];
    size_t n_addrs;
    struct nl_route routes[16];
    size_t n_routes;
};

static void
keep_addr(const struct nl_addr *a, void *aux)
{
    struct ip_config *ip = aux;

    if (ip->n_addrs < ARRAY_SIZE(ip->addrs)) {
        ip->addrs[ip->n_addrs++] = *a;
    }
}

static void
keep_route(const struct nl_route *r, void *aux)
{
    struct ip_config *ip = aux;

    if (ip->n_routes < ARRAY_SIZE(ip->routes)) {
        ip->routes[ip->n_routes++] = *r;
    }
}

/* Moves the addresses of 'from' (and the gateway routes through it) to 'to', as
 * Neutron's agent does when a physical interface that carries the node's addresses
 * (the vxlan underlay, the management network) becomes a bridge port: the bridge must
 * answer for them from then on. */
static int
move_ips(struct wire *w, const struct nl_link *from, const struct nl_link *to)
{
    struct ip_config ip;
    int r;

    memset(&ip, 0, sizeof ip);
    r = nl_addr_list(w->nl, from->ifindex, keep_addr, &ip);
    if (!r && ip.n_addrs) {
        r = nl_route_list(w->nl, from->ifindex, keep_route, &ip);
    }
    for (size_t i = 0; i < ip.n_addrs && !r; i++) {
        r = nl_addr_add(w->nl, to->ifindex, &ip.addrs[i]);
        if (!r) {
            r = nl_addr_del(w->nl, from->ifindex, &ip.addrs[i]);
        }
    }
    for (size_t i = 0; i < ip.n_routes && !r; i++) {
        r = nl_route_add(w->nl, to->ifindex, &ip.routes[i]);
        r = r == -EEXIST ? 0 : r;
    }
    if (!r && ip.n_addrs) {
        log_info("moved %zu address(es) and %zu route(s) from %s to %s", ip.n_addrs,
                 ip.n_routes, from->name, to->name);
    }
    return r;
}

static int
uplink_flat(struct wire *w, const char *physnet, const struct nl_link *bridge, char *reason,
            size_t n)
{
    const char *iface = agent_config_iface(w->cfg, physnet);
    struct nl_link link;
    int r;

    if (!iface) {
        snprintf(reason, n, "physical network %s is not in physical_interface_mappings",
                 physnet);
        return -1;
    }
    r = nl_link_get(w->nl, iface, &link);
    if (!r) {
        bool joining = link.master != bridge->ifindex;
        r = enslave(w, &link, bridge, 0, true);
        if (!r && joining) {
            r = move_ips(w, &link, bridge);
        }
    }
    if (r) {
        snprintf(reason, n, "interface %s of physical network %s: %s", iface, physnet,
                 strerror(-r));
        return -1;
    }
    return 0;
}

static int
uplink_vlan(struct wire *w, const char *physnet, int64_t vid, const struct nl_link *bridge,
            int mtu, char *reason, size_t n)
{
    const char *iface = agent_config_iface(w->cfg, physnet);
    struct nl_link parent, link;
    char name[IFNAMSIZ];
    int r;

    if (!iface) {
        snprintf(reason, n, "physical network %s is not in physical_interface_mappings",
                 physnet);
        return -1;
    }
    vlan_name(iface, vid, name);
    /* An existing device of that name is used as it is (as Neutron's agent does). */
    r = nl_link_get(w->nl, name, &link);
    if (r == -ENODEV) {
        r = nl_link_get(w->nl, iface, &parent);
        if (r) {
            snprintf(reason, n, "interface %s of physical network %s: %s", iface, physnet,
                     strerror(-r));
            return -1;
        }
        r = nl_vlan_add(w->nl, name, parent.ifindex, (uint16_t) vid);
        if (r == -EOPNOTSUPP) {
            if (!w->vlan_unsupported) {
                log_err("this kernel has no 802.1Q VLAN support (CONFIG_VLAN_8021Q, module"
                        " 8021q): ports on vlan networks cannot be wired on this node");
            }
            w->vlan_unsupported = true;
            snprintf(reason, n, "the kernel lacks 802.1Q VLAN support: cannot create %s",
                     name);
            return -1;
        }
        if (!r) {
            log_info("created vlan interface %s", name);
            r = nl_link_get(w->nl, name, &link);
        }
    }
    if (!r) {
        r = enslave(w, &link, bridge, mtu, true);
    }
    if (r) {
        snprintf(reason, n, "vlan interface %s: %s", name, strerror(-r));
        return -1;
    }
    return 0;
}

static int
uplink_vxlan(struct wire *w, int64_t vni, const struct nl_link *bridge, int mtu, char *reason,
             size_t n)
{
    const struct agent_config *cfg = w->cfg;
    struct nl_link link;
    char name[IFNAMSIZ];
    int r;

    if (!cfg->enable_vxlan || !w->vtep_ifindex) {
        snprintf(reason, n, "vxlan is not enabled on this node");
        return -1;
    }
    snprintf(name, sizeof name, "vxlan-%lld", (long long) vni);
    r = nl_link_get(w->nl, name, &link);
    if (r == -ENODEV) {
        /* local_ip may have moved onto a flat network's bridge since start-up. */
        int dev = w->vtep_ifindex;
        if (nl_addr_owner(w->nl, cfg->local_ip, &dev)) {
            dev = w->vtep_ifindex;
        }
        /* l2population: unicast, with the forwarding entries the server gives, and the
         * local address; otherwise multicast to vxlan_group. */
        r = nl_vxlan_add(w->nl, name, (uint32_t) vni, dev,
                         cfg->l2_population ? cfg->local_ip : NULL,
                         cfg->l2_population ? NULL : cfg->vxlan_group,
                         (uint16_t) cfg->udp_dstport, !cfg->l2_population,
                         cfg->l2_population && cfg->arp_responder, mtu);
        if (!r) {
            log_info("created %s (%s)", name, cfg->l2_population ? "unicast, l2population"
                                                                  : "multicast");
            r = nl_link_get(w->nl, name, &link);
        }
    }
    if (!r) {
        r = enslave(w, &link, bridge, mtu, true);
    }
    if (r) {
        snprintf(reason, n, "%s: %s", name, strerror(-r));
        return -1;
    }
    return 0;
}

int
wire_plug(struct wire *w, const json_t *d, char *reason, size_t n)
{
    const char *device = json_string_value(json_object_get(d, "device"));
    const char *net = json_string_value(json_object_get(d, "network_id"));
    const char *type = json_string_value(json_object_get(d, "network_type"));
    const char *physnet = json_string_value(json_object_get(d, "physical_network"));
    int64_t segid = json_integer_value(json_object_get(d, "segmentation_id"));
    int mtu = (int) json_integer_value(json_object_get(d, "mtu"));
    bool up = json_is_true(json_object_get(d, "admin_state_up"));
    struct nl_link bridge, tap;
    char bname[IFNAMSIZ];
    int r;

    if (!device || !net || !type) {
        snprintf(reason, n, "incomplete device details");
        return -1;
    }
    r = nl_link_get(w->nl, device, &tap);
    if (r) {
        snprintf(reason, n, "%s: %s", device, strerror(-r));
        return -1;
    }
    wire_bridge_name(net, bname);
    r = ensure_bridge(w, bname, &bridge);
    if (r) {
        snprintf(reason, n, "bridge %s: %s", bname, strerror(-r));
        return -1;
    }
    if (STREQ(type, "flat")) {
        r = uplink_flat(w, physnet ? physnet : "", &bridge, reason, n);
    } else if (STREQ(type, "vlan")) {
        r = uplink_vlan(w, physnet ? physnet : "", segid, &bridge, mtu, reason, n);
    } else if (STREQ(type, "vxlan")) {
        r = uplink_vxlan(w, segid, &bridge, mtu, reason, n);
    } else if (!STREQ(type, "local")) {
        snprintf(reason, n, "network type %s is not supported by the linux-bridge agent", type);
        r = -1;
    }
    if (r) {
        return -1;
    }
    r = enslave(w, &tap, &bridge, mtu, up);
    if (r) {
        snprintf(reason, n, "%s into %s: %s", device, bname, strerror(-r));
        return -1;
    }
    return 0;
}

struct members {
    int bridge;
    struct nl_link links[64];
    size_t n;
};

static void
collect_member(const struct nl_link *link, void *aux)
{
    struct members *m = aux;

    if (link->master == m->bridge && m->n < ARRAY_SIZE(m->links)) {
        m->links[m->n++] = *link;
    }
}

int
wire_remove_bridge(struct wire *w, const char *name)
{
    struct members m = { 0 };
    struct nl_link bridge;
    int r = nl_link_get(w->nl, name, &bridge);

    if (r == -ENODEV) {
        return 0;
    }
    if (r || !STREQ(bridge.kind, "bridge")) {
        return r;
    }
    m.bridge = bridge.ifindex;
    r = nl_link_dump(w->nl, collect_member, &m);
    for (size_t i = 0; i < m.n && !r; i++) {
        const struct nl_link *l = &m.links[i];
        if (STREQ(l->kind, "vxlan") || STREQ(l->kind, "vlan")) {
            r = nl_link_del(w->nl, l->ifindex);   /* Uplinks made for this network. */
        } else if (!str_startswith(l->name, "tap")) {
            /* A flat interface: its addresses come back to it, then it leaves. */
            r = move_ips(w, &bridge, l);
            r = r ? r : nl_link_set(w->nl, l->ifindex, 0, 0, -1);
        }
        if (r == -ENODEV) {
            r = 0;
        }
    }
    if (!r) {
        r = nl_link_del(w->nl, bridge.ifindex);
    }
    if (!r) {
        log_info("removed bridge %s", name);
    }
    return r == -ENODEV ? 0 : r;
}

/* --- l2population ---------------------------------------------------------------- */

struct fdb_entry {
    uint8_t mac[6];
    char dst[46];
    bool wanted, present;
};

struct fdb_set {
    struct fdb_entry *items;
    size_t n, cap;
};

static struct fdb_entry *
fdb_find(struct fdb_set *s, const uint8_t mac[6], const char *dst)
{
    for (size_t i = 0; i < s->n; i++) {
        if (!memcmp(s->items[i].mac, mac, 6) && STREQ(s->items[i].dst, dst)) {
            return &s->items[i];
        }
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->items = xrealloc(s->items, s->cap * sizeof *s->items);
    }
    memset(&s->items[s->n], 0, sizeof s->items[0]);
    memcpy(s->items[s->n].mac, mac, 6);
    snprintf(s->items[s->n].dst, sizeof s->items[0].dst, "%s", dst);
    return &s->items[s->n++];
}

static void
fdb_present(const struct nl_fdb *f, void *aux)
{
    if (f->dst[0]) {
        fdb_find(aux, f->mac, f->dst)->present = true;
    }
}

int
wire_l2pop(struct wire *w, const char *dev, const json_t *vteps)
{
    static const uint8_t flood[6] = { 0 };
    struct fdb_set set = { NULL, 0, 0 };
    struct nl_link link;
    const char *vtep;
    json_t *ports;
    int r = nl_link_get(w->nl, dev, &link);

    if (r) {
        return r == -ENODEV ? 0 : r;
    }
    r = nl_fdb_dump(w->nl, link.ifindex, fdb_present, &set);
    json_object_foreach ((json_t *) vteps, vtep, ports) {
        size_t i;
        json_t *p;
        if (w->cfg->local_ip && STREQ(vtep, w->cfg->local_ip)) {
            continue;
        }
        fdb_find(&set, flood, vtep)->wanted = true;
        json_array_foreach (ports, i, p) {
            uint8_t mac[6];
            if (nl_parse_mac(json_string_value(json_array_get(p, 0)) ?: "", mac)) {
                fdb_find(&set, mac, vtep)->wanted = true;
            }
        }
    }
    for (size_t i = 0; i < set.n && !r; i++) {
        struct fdb_entry *e = &set.items[i];
        bool is_flood = !memcmp(e->mac, flood, 6);
        if (e->wanted && !e->present) {
            r = nl_fdb_add(w->nl, link.ifindex, e->mac, e->dst, is_flood);
        } else if (!e->wanted && e->present) {
            r = nl_fdb_del(w->nl, link.ifindex, e->mac, e->dst);
            r = r == -ENOENT ? 0 : r;
        }
    }
    free(set.items);
    return r;
}
