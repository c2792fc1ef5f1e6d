/* The lab's wiring, through rtnetlink in each namespace. */
#include "topology.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lab_state.h"
#include "netns.h"
#include "nl.h"
#include "supervise.h"
#include "util.h"

/* The external network's upstream router, the external subnet's gateway. */
#define OUTSIDE_ADDRESS "10.10.10.1/24"

static const char *const tutorial_bridges[] = { "sw-mgmt", "sw-vm", "sw-ext" };
static const struct node tutorial_nodes[] = {
    { "controller", "con",
      { { "eth0", "sw-mgmt", "192.168.104.10/24" }, { "eth1", "sw-vm", "10.0.1.10/24" },
        { "eth2", "sw-ext", "10.10.10.10/24" } },
      3, "10.0.1.10", "provider:eth1,external:eth2", true, true },
    { "compute", "com",
      { { "eth0", "sw-mgmt", "192.168.104.20/24" }, { "eth1", "sw-vm", "10.0.1.20/24" } },
      2, "10.0.1.20", "provider:eth1", false, false },
};
static const struct node tutorial_hosts[] = {
    { "outside", "out", { { "eth0", "sw-ext", OUTSIDE_ADDRESS } }, 1, NULL, NULL, false,
      false },
};

static const char *const pair_bridges[] = { "underlay", "physnet1", "external" };
static const struct node pair_nodes[] = {
    { "n1", "n1",
      { { "eth1", "underlay", "10.0.1.11/24" }, { "eth3", "physnet1", NULL },
        { "eth2", "external", NULL } },
      3, "10.0.1.11", "physnet1:eth3,external:eth2", false, false },
    { "n2", "n2", { { "eth1", "underlay", "10.0.1.12/24" }, { "eth3", "physnet1", NULL } },
      2, "10.0.1.12", "physnet1:eth3", false, false },
};
static const struct node pair_hosts[] = {
    { "outside", "out", { { "eth0", "external", OUTSIDE_ADDRESS } }, 1, NULL, NULL, false,
      false },
};

static const struct topology topologies[] = {
    { "tutorial", tutorial_bridges, ARRAY_SIZE(tutorial_bridges), tutorial_nodes,
      ARRAY_SIZE(tutorial_nodes), tutorial_hosts, ARRAY_SIZE(tutorial_hosts), false },
    { "pair", pair_bridges, ARRAY_SIZE(pair_bridges), pair_nodes, ARRAY_SIZE(pair_nodes),
      pair_hosts, ARRAY_SIZE(pair_hosts), true },
};

const struct topology *
topology_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(topologies); i++) {
        if (STREQ(topologies[i].name, name)) {
            return &topologies[i];
        }
    }
    return NULL;
}

const struct node *
topology_node(const struct topology *t, const char *name)
{
    for (size_t i = 0; t && i < t->n_nodes; i++) {
        if (STREQ(t->nodes[i].name, name)) {
            return &t->nodes[i];
        }
    }
    return NULL;
}

/* --- Namespaces ----------------------------------------------------------------------- */

/* Writes a sysctl inside namespace 'fd' (the thread visits it). */
static void
sysctl_in(int fd, const char *path, const char *value)
{
    int home = netns_enter(fd);

    if (home < 0) {
        return;
    }
    int f = open(path, O_WRONLY | O_CLOEXEC);
    if (f >= 0) {
        if (write(f, value, strlen(value)) < 0) {
            /* Best effort: IPv6 may be absent. */
        }
        close(f);
    }
    netns_leave(home);
}

int
lab_ns_create(const char *name, int *ret_fd)
{
    int r = netns_create(name), fd;

    if (r) {
        return cli_fail("cannot create namespace %s: %s", name, strerror(-r));
    }
    fd = netns_open(name);
    if (fd < 0) {
        return cli_fail("cannot open namespace %s: %s", name, strerror(-fd));
    }
    /* No IPv6: no DAD or router solicitations on the lab's links. */
    sysctl_in(fd, "/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
    sysctl_in(fd, "/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
    if (ret_fd) {
        *ret_fd = fd;
    } else {
        close(fd);
    }
    return 0;
}

void
lab_ns_remove(const char *name)
{
    /* A living process keeps a deleted namespace, and its devices, alive. */
    proc_kill_in_ns(name);
    netns_delete(name);
}

static void
note_ns(const char *name, void *aux)
{
    json_array_append_new(aux, json_string(name));
}

size_t
lab_ns_remove_all(const char *prefix)
{
    char *p = xasprintf("%s-", prefix);
    json_t *names = json_array(), *name;
    size_t i, n;

    netns_foreach(p, note_ns, names);
    json_array_foreach (names, i, name) {
        lab_ns_remove(json_string_value(name));
    }
    n = json_array_size(names);
    json_decref(names);
    free(p);
    return n;
}

/* --- Links ------------------------------------------------------------------------------ */

static int
add_address(struct nl *nl, int ifindex, const char *cidr)
{
    char ip[64];
    struct nl_addr a = { .family = AF_INET, .scope = 0 };
    const char *slash = strchr(cidr, '/');

    if (!slash) {
        return -EINVAL;
    }
    snprintf(ip, sizeof ip, "%.*s", (int) (slash - cidr), cidr);
    a.prefixlen = atoi(slash + 1);
    if (inet_pton(AF_INET, ip, a.addr) != 1) {
        return -EINVAL;
    }
    int r = nl_addr_add(nl, ifindex, &a);
    return r == -EEXIST ? 0 : r;
}

/* A namespace of the lab with an rtnetlink socket in it. */
struct ns_nl {
    int fd;
    struct nl *nl;
};

/* Opens namespace 'name' (made first if 'create') and rtnetlink in it.  0, or 1 after
 * printing why not; 'h' is to be closed either way. */
static int
ns_nl_open(const char *name, bool create, struct ns_nl *h)
{
    h->nl = NULL;
    h->fd = -1;
    if (create ? lab_ns_create(name, &h->fd) : (h->fd = netns_open(name)) < 0) {
        return create ? 1 : cli_fail("no namespace %s", name);
    }
    return nl_open_netns(&h->nl, h->fd) ? cli_fail("%s: cannot open rtnetlink", name) : 0;
}

static void
ns_nl_close(struct ns_nl *h)
{
    if (h->nl) {
        nl_close(h->nl);
    }
    if (h->fd >= 0) {
        close(h->fd);
    }
}

/* The switch's bridges (up). */
static int
build_switch(const struct topology *t, struct nl *nl)
{
    for (size_t i = 0; i < t->n_bridges; i++) {
        struct nl_link l;
        int e = nl_bridge_add(nl, t->bridges[i]);
        if ((e && e != -EEXIST) || nl_link_get(nl, t->bridges[i], &l)) {
            return cli_fail("lab switch: cannot create %s: %s", t->bridges[i], strerror(-e));
        }
        nl_link_set(nl, l.ifindex, -1, 0, 1);
    }
    return 0;
}

/* One NIC of a node: a veth whose other end is in the switch, in its bridge. */
static int
build_nic(const struct node *n, const struct nic *nic, struct nl *nl, int sw_fd,
          struct nl *sw_nl)
{
    char peer[IFNAMSIZ];
    struct nl_link l, pl, br;

    snprintf(peer, sizeof peer, "%s-%s", n->short_name, nic->name);
    int e = nl_veth_add(nl, nic->name, peer, sw_fd, NULL, 0);
    if ((e && e != -EEXIST) || nl_link_get(nl, nic->name, &l) || nl_link_get(sw_nl, peer, &pl)
        || nl_link_get(sw_nl, nic->bridge, &br)) {
        return cli_fail("node %s: cannot create %s: %s", n->name, nic->name, strerror(-e));
    }
    nl_link_set(sw_nl, pl.ifindex, br.ifindex, 0, 1);
    nl_link_set(nl, l.ifindex, -1, 0, 1);
    if (nic->address && add_address(nl, l.ifindex, nic->address)) {
        return cli_fail("node %s: cannot give %s the address %s", n->name, nic->name,
                        nic->address);
    }
    return 0;
}

/* A node or a host ('group': "nodes" or "hosts" of the state): its namespace and NICs. */
static int
build_member(const struct topology *t, const struct node *n, const char *group, json_t *state,
             const struct ns_nl *sw)
{
    const char *prefix = json_string_value(json_object_get(state, "prefix"));
    char *name = lab_ns(state, n->name);
    json_t *member = json_pack("{s:s}", "netns", name);
    struct ns_nl h;
    int r;

    if (n->local_ip) {
        char *host = t->host_prefixed ? xasprintf("%s-%s", prefix, n->name) : xstrdup(n->name);
        json_object_set_new(member, "host", json_string(host));
        free(host);
    }
    if (!json_object_get(state, group)) {
        json_object_set_new(state, group, json_object());
    }
    json_object_set_new(json_object_get(state, group), n->name, member);
    lab_save(state);
    r = ns_nl_open(name, true, &h);
    for (size_t k = 0; !r && k < n->n_nics; k++) {
        r = build_nic(n, &n->nics[k], h.nl, sw->fd, sw->nl);
    }
    ns_nl_close(&h);
    free(name);
    return r;
}

int
topology_build(const struct topology *t, json_t *state)
{
    char *sw_name = lab_ns(state, "switch");
    struct ns_nl sw;
    int r;

    json_object_set_new(state, "topology", json_string(t->name));
    json_object_set_new(state, "switch", json_string(sw_name));
    if (!json_object_get(state, "nodes")) {
        json_object_set_new(state, "nodes", json_object());
    }
    lab_save(state);
    r = ns_nl_open(sw_name, true, &sw) || build_switch(t, sw.nl);
    for (size_t i = 0; !r && i < t->n_nodes; i++) {
        r = build_member(t, &t->nodes[i], "nodes", state, &sw);
    }
    for (size_t i = 0; !r && i < t->n_hosts; i++) {
        r = build_member(t, &t->hosts[i], "hosts", state, &sw);
    }
    ns_nl_close(&sw);
    free(sw_name);
    return r;
}

int
lab_plug(const char *node_ns, const char *tap, const char *inst_ns, const char *mac, int mtu,
         const char *cidr)
{
    struct ns_nl node = { -1, NULL }, inst = { -1, NULL };
    struct nl_link l;
    uint8_t mac_bytes[6];
    int r;

    if (mac && !nl_parse_mac(mac, mac_bytes)) {
        return cli_fail("bad MAC address %s", mac);
    }
    r = ns_nl_open(inst_ns, true, &inst) || ns_nl_open(node_ns, false, &node);
    if (!r && (nl_veth_add(node.nl, tap, "eth0", inst.fd, mac ? mac_bytes : NULL, mtu)
               || nl_link_get(inst.nl, "eth0", &l) || nl_link_set(inst.nl, l.ifindex, -1, 0, 1))) {
        r = cli_fail("cannot plug %s into %s", tap, node_ns);
    }
    if (!r && cidr && add_address(inst.nl, l.ifindex, cidr)) {
        r = cli_fail("cannot give eth0 of %s the address %s", inst_ns, cidr);
    }
    ns_nl_close(&node);
    ns_nl_close(&inst);
    return r;
}
