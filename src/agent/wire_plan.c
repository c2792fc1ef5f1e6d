/* Planning the dataplane's changes (see wire_plan.h). */
#include "wire_plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "util.h"

/* --- What is wanted ---------------------------------------------------------------- */

static const struct {
    const char *name;
    enum wire_net_type type;
} net_types[] = {
    { "local", WIRE_NET_LOCAL },
    { "flat", WIRE_NET_FLAT },
    { "vlan", WIRE_NET_VLAN },
    { "vxlan", WIRE_NET_VXLAN },
};

int
wire_port_parse(const json_t *d, struct wire_port *port, char *reason, size_t n)
{
    const char *device = json_string_value(json_object_get(d, "device"));
    const char *net = json_string_value(json_object_get(d, "network_id"));
    const char *type = json_string_value(json_object_get(d, "network_type"));
    const char *physnet = json_string_value(json_object_get(d, "physical_network"));
    const char *port_id = json_string_value(json_object_get(d, "port_id"));
    size_t i;

    memset(port, 0, sizeof *port);
    if (!device || !net || !type) {
        snprintf(reason, n, "incomplete device details");
        return -1;
    }
    for (i = 0; i < ARRAY_SIZE(net_types) && !STREQ(type, net_types[i].name); i++) {
    }
    if (i == ARRAY_SIZE(net_types)) {
        snprintf(reason, n, "network type %s is not supported by the linux-bridge agent", type);
        return -1;
    }
    port->type = net_types[i].type;
    snprintf(port->device, sizeof port->device, "%s", device);
    snprintf(port->port_id, sizeof port->port_id, "%s", port_id ? port_id : "");
    snprintf(port->network_id, sizeof port->network_id, "%s", net);
    snprintf(port->physical_network, sizeof port->physical_network, "%s",
             physnet ? physnet : "");
    port->segmentation_id = json_integer_value(json_object_get(d, "segmentation_id"));
    port->mtu = (int) json_integer_value(json_object_get(d, "mtu"));
    port->admin_state_up = json_is_true(json_object_get(d, "admin_state_up"));
    return 0;
}

void
wire_bridge_name(const char *network_id, char out[IFNAMSIZ])
{
    snprintf(out, IFNAMSIZ, "brq%.11s", network_id);
}

void
wire_vlan_name(const char *iface, int64_t vid, char out[IFNAMSIZ])
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

void
wire_vxlan_name(int64_t vni, char out[IFNAMSIZ])
{
    snprintf(out, IFNAMSIZ, "vxlan-%lld", (long long) vni);
}

/* --- What the kernel has ----------------------------------------------------------- */

void
wire_kernel_add(struct wire_kernel *k, const struct nl_link *link)
{
    k->links = array_append(k->links, &k->n, &k->cap, link, sizeof *link);
}

const struct nl_link *
wire_kernel_find(const struct wire_kernel *k, const char *name)
{
    for (size_t i = 0; i < k->n; i++) {
        if (STREQ(k->links[i].name, name)) {
            return &k->links[i];
        }
    }
    return NULL;
}

void
wire_kernel_done(struct wire_kernel *k)
{
    free(k->links);
    memset(k, 0, sizeof *k);
}

size_t
wire_plug_links(const struct wire_port *port, const struct wire_node *node,
                char names[4][IFNAMSIZ])
{
    const char *iface = agent_config_iface(node->cfg, port->physical_network);
    size_t n = 0;

    snprintf(names[n++], IFNAMSIZ, "%s", port->device);
    wire_bridge_name(port->network_id, names[n++]);
    if ((port->type == WIRE_NET_FLAT || port->type == WIRE_NET_VLAN) && iface) {
        snprintf(names[n++], IFNAMSIZ, "%s", iface);
    }
    if (port->type == WIRE_NET_VLAN && iface) {
        wire_vlan_name(iface, port->segmentation_id, names[n++]);
    } else if (port->type == WIRE_NET_VXLAN) {
        wire_vxlan_name(port->segmentation_id, names[n++]);
    }
    return n;
}

/* --- The plan ---------------------------------------------------------------------- */

void
wire_plan_clear(struct wire_plan *p)
{
    p->n = 0;
}

void
wire_plan_done(struct wire_plan *p)
{
    free(p->steps);
    memset(p, 0, sizeof *p);
}

/* Appends a step on link 'name'; 'what' names it in an error. */
static struct wire_step *
add_step(struct wire_plan *p, enum wire_step_kind kind, const char *name, const char *what)
{
    struct wire_step *s;

    p->steps = array_grow(p->steps, p->n, &p->cap, sizeof *p->steps);
    s = &p->steps[p->n++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->up = -1;
    snprintf(s->name, sizeof s->name, "%s", name);
    snprintf(s->what, sizeof s->what, "%s", what);
    return s;
}

/* Puts 'name' (its kernel state 'link', NULL when the plan creates it) into bridge
 * 'bname' ('bridge', NULL when created) at 'mtu' (0: leave) and 'up', setting only
 * what differs. */
static void
enslave(struct wire_plan *p, const char *name, const struct nl_link *link, const char *bname,
        const struct nl_link *bridge, int mtu, bool up, const char *what)
{
    bool join = !link || !bridge || link->master != bridge->ifindex;
    int new_mtu = mtu > 0 && (!link || link->mtu != mtu) ? mtu : 0;
    int state = link && link->up == up ? -1 : up;
    struct wire_step *s;

    if (!join && !new_mtu && state < 0) {
        return;
    }
    s = add_step(p, WIRE_SET_LINK, name, what);
    s->master = join ? WIRE_MASTER_PEER : WIRE_MASTER_KEEP;
    snprintf(s->peer, sizeof s->peer, "%s", bname);
    s->mtu = new_mtu;
    s->up = state;
}

static int
fail(struct wire_plan *p, size_t start, char *reason, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Drops the steps planned for this port and says why it cannot be wired. */
static int
fail(struct wire_plan *p, size_t start, char *reason, size_t n, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(reason, n, fmt, args);
    va_end(args);
    p->n = start;
    return -1;
}

/* The mapped interface of a flat or vlan network. */
static const char *
mapped_iface(const struct wire_port *port, const struct wire_node *node, char *reason, size_t n)
{
    const char *iface = agent_config_iface(node->cfg, port->physical_network);

    if (!iface) {
        snprintf(reason, n, "physical network %s is not in physical_interface_mappings",
                 port->physical_network);
    }
    return iface;
}

int
wire_plan_plug(const struct wire_port *port, const struct wire_node *node,
               const struct wire_kernel *k, struct wire_plan *p, char *reason, size_t n)
{
    const struct nl_link *tap = wire_kernel_find(k, port->device), *bridge, *link;
    const char *physnet = port->physical_network, *iface;
    char bname[IFNAMSIZ], name[IFNAMSIZ], what[160];
    size_t start = p->n;
    struct wire_step *s;

    if (!tap) {
        return fail(p, start, reason, n, "%s: %s", port->device, strerror(ENODEV));
    }
    wire_bridge_name(port->network_id, bname);
    bridge = wire_kernel_find(k, bname);
    if (bridge && !STREQ(bridge->kind, "bridge")) {
        /* Something else holds the name. */
        return fail(p, start, reason, n, "bridge %s: %s", bname, strerror(EEXIST));
    }
    snprintf(what, sizeof what, "bridge %s", bname);
    if (!bridge) {
        add_step(p, WIRE_CREATE_BRIDGE, bname, what);
    } else if (!bridge->up) {
        s = add_step(p, WIRE_SET_LINK, bname, what);
        s->up = 1;
    }
    switch (port->type) {
    case WIRE_NET_LOCAL:
        break;
    case WIRE_NET_FLAT:
        if (!(iface = mapped_iface(port, node, reason, n))) {
            p->n = start;
            return -1;
        }
        link = wire_kernel_find(k, iface);
        snprintf(what, sizeof what, "interface %s of physical network %s", iface, physnet);
        if (!link) {
            return fail(p, start, reason, n, "%s: %s", what, strerror(ENODEV));
        }
        enslave(p, iface, link, bname, bridge, 0, true, what);
        if (!bridge || link->master != bridge->ifindex) {
            /* The bridge answers for the interface's addresses from now on. */
            s = add_step(p, WIRE_MOVE_IPS, iface, what);
            snprintf(s->peer, sizeof s->peer, "%s", bname);
        }
        break;
    case WIRE_NET_VLAN:
        if (!(iface = mapped_iface(port, node, reason, n))) {
            p->n = start;
            return -1;
        }
        wire_vlan_name(iface, port->segmentation_id, name);
        snprintf(what, sizeof what, "vlan interface %s", name);
        /* An existing device of that name is used as it is (as Neutron's agent does). */
        link = wire_kernel_find(k, name);
        if (!link) {
            if (!wire_kernel_find(k, iface)) {
                return fail(p, start, reason, n, "interface %s of physical network %s: %s",
                            iface, physnet, strerror(ENODEV));
            }
            s = add_step(p, WIRE_CREATE_VLAN, name, what);
            snprintf(s->peer, sizeof s->peer, "%s", iface);
            s->id = port->segmentation_id;
        }
        enslave(p, name, link, bname, bridge, port->mtu, true, what);
        break;
    case WIRE_NET_VXLAN:
        if (!node->cfg->enable_vxlan || !node->have_vtep) {
            return fail(p, start, reason, n, "vxlan is not enabled on this node");
        }
        wire_vxlan_name(port->segmentation_id, name);
        link = wire_kernel_find(k, name);
        if (!link) {
            s = add_step(p, WIRE_CREATE_VXLAN, name, name);
            s->id = port->segmentation_id;
            s->mtu = port->mtu;
        }
        enslave(p, name, link, bname, bridge, port->mtu, true, name);
        break;
    }
    snprintf(what, sizeof what, "%s into %s", port->device, bname);
    enslave(p, port->device, tap, bname, bridge, port->mtu, port->admin_state_up, what);
    return 0;
}

void
wire_plan_remove_bridge(const char *bname, const struct wire_kernel *k, struct wire_plan *p)
{
    const struct nl_link *bridge = wire_kernel_find(k, bname);
    char what[IFNAMSIZ + 8];
    struct wire_step *s;

    if (!bridge || !STREQ(bridge->kind, "bridge")) {
        return;
    }
    for (size_t i = 0; i < k->n; i++) {
        const struct nl_link *l = &k->links[i];
        if (l->master != bridge->ifindex) {
            continue;
        }
        if (STREQ(l->kind, "vxlan") || STREQ(l->kind, "vlan")) {
            /* Uplinks made for this network. */
            add_step(p, WIRE_DELETE_LINK, l->name, l->name);
        } else if (!str_startswith(l->name, "tap")) {
            /* A flat interface: its addresses come back to it, then it leaves. */
            s = add_step(p, WIRE_MOVE_IPS, bname, l->name);
            snprintf(s->peer, sizeof s->peer, "%s", l->name);
            s = add_step(p, WIRE_SET_LINK, l->name, l->name);
            s->master = WIRE_MASTER_NONE;
        }
    }
    snprintf(what, sizeof what, "bridge %s", bname);
    add_step(p, WIRE_DELETE_LINK, bname, what);
}

/* --- l2population ------------------------------------------------------------------ */

static void
fdb_push(struct nl_fdb **v, size_t *n, size_t *cap, const uint8_t mac[6], const char *dst)
{
    *v = array_grow(*v, *n, cap, sizeof **v);
    memset(&(*v)[*n], 0, sizeof **v);
    memcpy((*v)[*n].mac, mac, 6);
    snprintf((*v)[*n].dst, sizeof (*v)[*n].dst, "%s", dst);
    (*n)++;
}

static const uint8_t flood_mac[6] = { 0 };

size_t
wire_fdb_parse(const json_t *vteps, const char *local_ip, struct nl_fdb **ret)
{
    size_t n = 0, cap = 0;
    const char *vtep;
    json_t *ports;

    *ret = NULL;
    json_object_foreach ((json_t *) vteps, vtep, ports) {
        size_t i;
        json_t *port;
        if (local_ip && STREQ(vtep, local_ip)) {
            continue;
        }
        fdb_push(ret, &n, &cap, flood_mac, vtep);
        json_array_foreach (ports, i, port) {
            uint8_t mac[6];
            if (nl_parse_mac(json_string_value(json_array_get(port, 0)) ?: "", mac)) {
                fdb_push(ret, &n, &cap, mac, vtep);
            }
        }
    }
    return n;
}

static bool
fdb_has(const struct nl_fdb *v, size_t n, const struct nl_fdb *e)
{
    for (size_t i = 0; i < n; i++) {
        if (!memcmp(v[i].mac, e->mac, 6) && STREQ(v[i].dst, e->dst)) {
            return true;
        }
    }
    return false;
}

static void
fdb_step(struct wire_plan *p, enum wire_step_kind kind, const char *dev, const struct nl_fdb *e)
{
    add_step(p, kind, dev, dev)->fdb = *e;
}

void
wire_plan_fdb(const char *dev, const struct nl_fdb *want, size_t n_want,
              const struct nl_fdb *have, size_t n_have, struct wire_plan *p)
{
    /* Stale entries first: a port that moved to another VTEP loses its old entry
     * before it gains the new one. */
    for (size_t i = 0; i < n_have; i++) {
        if (have[i].dst[0] && !fdb_has(want, n_want, &have[i])
            && !fdb_has(have, i, &have[i])) {
            fdb_step(p, WIRE_FDB_DEL, dev, &have[i]);
        }
    }
    for (size_t i = 0; i < n_want; i++) {
        if (!fdb_has(have, n_have, &want[i]) && !fdb_has(want, i, &want[i])) {
            fdb_step(p, WIRE_FDB_ADD, dev, &want[i]);
        }
    }
}

bool
wire_fdb_is_flood(const struct nl_fdb *e)
{
    return !memcmp(e->mac, flood_mac, 6);
}
