/* The linux-bridge dataplane (see wire.h): takes the snapshot, asks wire_plan.c what
 * to change, and changes it through nl.c. */
#include "wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "log.h"
#include "util.h"

LOG_MODULE("wire");

/* Addresses and gateway routes of an interface, as collected before a move (all of
 * them: one left behind would be lost with the bridge). */
struct ip_config {
    struct nl_addr *addrs;
    size_t n_addrs, cap_addrs;
    struct nl_route *routes;
    size_t n_routes, cap_routes;
};

static void
keep_addr(const struct nl_addr *a, void *aux)
{
    struct ip_config *ip = aux;

    ip->addrs = array_append(ip->addrs, &ip->n_addrs, &ip->cap_addrs, a, sizeof *a);
}

static void
keep_route(const struct nl_route *r, void *aux)
{
    struct ip_config *ip = aux;

    ip->routes = array_append(ip->routes, &ip->n_routes, &ip->cap_routes, r, sizeof *r);
}

/* Moves the addresses of 'from' (and the gateway routes through it) to 'to', as
 * Neutron's agent does when a physical interface that carries the node's addresses
 * (the vxlan underlay, the management network) becomes a bridge port: the bridge must
 * answer for them from then on. */
static int
move_ips(struct wire *w, int from, int to, const char *from_name, const char *to_name)
{
    struct ip_config ip;
    int r;

    memset(&ip, 0, sizeof ip);
    r = nl_addr_list(w->nl, from, keep_addr, &ip);
    if (!r && ip.n_addrs) {
        r = nl_route_list(w->nl, from, keep_route, &ip);
    }
    for (size_t i = 0; i < ip.n_addrs && !r; i++) {
        r = nl_addr_add(w->nl, to, &ip.addrs[i]);
        if (!r) {
            r = nl_addr_del(w->nl, from, &ip.addrs[i]);
        }
    }
    for (size_t i = 0; i < ip.n_routes && !r; i++) {
        r = nl_route_add(w->nl, to, &ip.routes[i]);
        r = r == -EEXIST ? 0 : r;
    }
    if (!r && ip.n_addrs) {
        log_info("moved %zu address(es) and %zu route(s) from %s to %s", ip.n_addrs,
                 ip.n_routes, from_name, to_name);
    }
    free(ip.addrs);
    free(ip.routes);
    return r;
}

/* The ifindex of 'name': from the snapshot, else (made by the plan) asked and added. */
static int
resolve(struct wire *w, struct wire_kernel *k, const char *name, int *ifindex)
{
    const struct nl_link *known = wire_kernel_find(k, name);
    struct nl_link link;
    int r;

    if (known) {
        *ifindex = known->ifindex;
        return 0;
    }
    r = nl_link_get(w->nl, name, &link);
    if (!r) {
        wire_kernel_add(k, &link);
        *ifindex = link.ifindex;
    }
    return r;
}

static int
create_bridge(struct wire *w, const char *name)
{
    struct nl_link link;
    int r = nl_bridge_add(w->nl, name);

    if (!r) {
        log_info("created bridge %s", name);
    } else if (r == -EEXIST) {
        /* Made meanwhile: fine if it is a bridge, which must be up as one we made. */
        r = nl_link_get(w->nl, name, &link);
        r = r ? r : STREQ(link.kind, "bridge") ? 0 : -EEXIST;
        if (!r && !link.up) {
            r = nl_link_set(w->nl, link.ifindex, -1, 0, 1);
        }
    }
    return r;
}

static int
create_vlan(struct wire *w, struct wire_kernel *k, const struct wire_step *s)
{
    int parent, r = resolve(w, k, s->peer, &parent);

    r = r ? r : nl_vlan_add(w->nl, s->name, parent, (uint16_t) s->id);
    if (r == -EOPNOTSUPP && !w->vlan_unsupported) {
        log_err("this kernel has no 802.1Q VLAN support (CONFIG_VLAN_8021Q, module"
                " 8021q): ports on vlan networks cannot be wired on this node");
    }
    if (r == -EOPNOTSUPP) {
        w->vlan_unsupported = true;
    } else if (!r) {
        log_info("created vlan interface %s", s->name);
    }
    return r;
}

static int
create_vxlan(struct wire *w, const struct wire_step *s)
{
    const struct agent_config *cfg = w->cfg;
    /* local_ip may have moved onto a flat network's bridge since start-up. */
    int dev = w->vtep_ifindex, r;

    if (nl_addr_owner(w->nl, cfg->local_ip, &dev)) {
        dev = w->vtep_ifindex;
    }
    /* l2population: unicast, with the forwarding entries the server gives, and the
     * local address; otherwise multicast to vxlan_group. */
    r = nl_vxlan_add(w->nl, s->name, (uint32_t) s->id, dev,
                     cfg->l2_population ? cfg->local_ip : NULL,
                     cfg->l2_population ? NULL : cfg->vxlan_group, (uint16_t) cfg->udp_dstport,
                     !cfg->l2_population, cfg->l2_population && cfg->arp_responder, s->mtu);
    if (!r) {
        log_info("created %s (%s)", s->name,
                 cfg->l2_population ? "unicast, l2population" : "multicast");
    }
    return r;
}

static int
set_link(struct wire *w, struct wire_kernel *k, const struct wire_step *s)
{
    int ifindex, master = -1, r = resolve(w, k, s->name, &ifindex);

    if (!r && s->master == WIRE_MASTER_NONE) {
        master = 0;
    } else if (!r && s->master == WIRE_MASTER_PEER) {
        r = resolve(w, k, s->peer, &master);
    }
    return r ? r : nl_link_set(w->nl, ifindex, master, s->mtu, s->up);
}

static int
run_step(struct wire *w, struct wire_kernel *k, const struct wire_step *s)
{
    int ifindex, peer, r;

    switch (s->kind) {
    case WIRE_CREATE_BRIDGE:
        return create_bridge(w, s->name);
    case WIRE_CREATE_VLAN:
        return create_vlan(w, k, s);
    case WIRE_CREATE_VXLAN:
        return create_vxlan(w, s);
    case WIRE_SET_LINK:
        return set_link(w, k, s);
    case WIRE_MOVE_IPS:
        r = resolve(w, k, s->name, &ifindex);
        r = r ? r : resolve(w, k, s->peer, &peer);
        return r ? r : move_ips(w, ifindex, peer, s->name, s->peer);
    case WIRE_DELETE_LINK:
        r = resolve(w, k, s->name, &ifindex);
        return r ? r : nl_link_del(w->nl, ifindex);
    case WIRE_FDB_ADD:
        r = resolve(w, k, s->name, &ifindex);
        return r ? r : nl_fdb_add(w->nl, ifindex, s->fdb.mac, s->fdb.dst,
                                  wire_fdb_is_flood(&s->fdb));
    case WIRE_FDB_DEL:
        r = resolve(w, k, s->name, &ifindex);
        r = r ? r : nl_fdb_del(w->nl, ifindex, s->fdb.mac, s->fdb.dst);
        return r == -ENOENT ? 0 : r;
    }
    return -EINVAL;
}

/* Carries out 'p' in order, stopping at the first failure (described in 'reason' if
 * not NULL).  'gone_ok': a link that went meanwhile is not a failure (tearing down). */
static int
execute(struct wire *w, struct wire_kernel *k, const struct wire_plan *p, bool gone_ok,
        char *reason, size_t n)
{
    for (size_t i = 0; i < p->n; i++) {
        const struct wire_step *s = &p->steps[i];
        int r = run_step(w, k, s);
        if (r == -ENODEV && (gone_ok || s->kind == WIRE_DELETE_LINK)) {
            r = 0;
        }
        if (r && reason && s->kind == WIRE_CREATE_VLAN && r == -EOPNOTSUPP) {
            snprintf(reason, n, "the kernel lacks 802.1Q VLAN support: cannot create %s",
                     s->name);
        } else if (r && reason) {
            snprintf(reason, n, "%s: %s", s->what, strerror(-r));
        }
        if (r) {
            return r;
        }
    }
    return 0;
}

int
wire_plug(struct wire *w, const json_t *d, char *reason, size_t n)
{
    const struct wire_node node = { w->cfg, w->vtep_ifindex != 0 };
    struct wire_kernel k = { NULL, 0, 0 };
    struct wire_plan plan = { NULL, 0, 0 };
    char names[4][IFNAMSIZ];
    struct wire_port port;
    size_t n_names;
    int r;

    if (wire_port_parse(d, &port, reason, n)) {
        return -1;
    }
    /* The snapshot: only the links this port's wiring looks at. */
    n_names = wire_plug_links(&port, &node, names);
    for (size_t i = 0; i < n_names; i++) {
        struct nl_link link;
        r = nl_link_get(w->nl, names[i], &link);
        if (!r) {
            wire_kernel_add(&k, &link);
        } else if (r != -ENODEV) {
            snprintf(reason, n, "%s: %s", names[i], strerror(-r));
            goto out;
        }
    }
    r = wire_plan_plug(&port, &node, &k, &plan, reason, n);
    r = r ? r : execute(w, &k, &plan, false, reason, n);
out:
    wire_plan_done(&plan);
    wire_kernel_done(&k);
    return r ? -1 : 0;
}

static void
snapshot_link(const struct nl_link *link, void *aux)
{
    wire_kernel_add(aux, link);
}

int
wire_remove_bridge(struct wire *w, const char *name)
{
    struct wire_kernel k = { NULL, 0, 0 };
    struct wire_plan plan = { NULL, 0, 0 };
    struct nl_link bridge;
    int r = nl_link_get(w->nl, name, &bridge);

    /* Every agent hears of every network deleted anywhere: one look-up by name, and a
     * snapshot of the links only when the bridge is here to be taken apart. */
    if (r == -ENODEV) {
        return 0;
    }
    if (r || !STREQ(bridge.kind, "bridge")) {
        return r;
    }
    r = nl_link_dump(w->nl, snapshot_link, &k);
    if (!r) {
        wire_plan_remove_bridge(name, &k, &plan);
        r = execute(w, &k, &plan, true, NULL, 0);
    }
    if (!r && plan.n) {
        log_info("removed bridge %s", name);
    }
    wire_plan_done(&plan);
    wire_kernel_done(&k);
    return r;
}

/* --- l2population ---------------------------------------------------------------- */

struct fdb_list {
    struct nl_fdb *items;
    size_t n, cap;
};

static void
fdb_present(const struct nl_fdb *f, void *aux)
{
    struct fdb_list *l = aux;

    l->items = array_append(l->items, &l->n, &l->cap, f, sizeof *f);
}

int
wire_l2pop(struct wire *w, const char *dev, const json_t *vteps)
{
    struct wire_kernel k = { NULL, 0, 0 };
    struct wire_plan plan = { NULL, 0, 0 };
    struct fdb_list have = { NULL, 0, 0 };
    struct nl_fdb *want = NULL;
    struct nl_link link;
    int r = nl_link_get(w->nl, dev, &link);

    if (r) {
        return r == -ENODEV ? 0 : r;
    }
    wire_kernel_add(&k, &link);
    r = nl_fdb_dump(w->nl, link.ifindex, fdb_present, &have);
    if (!r) {
        size_t n_want = wire_fdb_parse(vteps, w->cfg->local_ip, &want);
        wire_plan_fdb(dev, want, n_want, have.items, have.n, &plan);
        r = execute(w, &k, &plan, false, NULL, 0);
    }
    free(want);
    free(have.items);
    wire_plan_done(&plan);
    wire_kernel_done(&k);
    return r;
}
