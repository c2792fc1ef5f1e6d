/* The L3 agent's engine: reading the node's routers from the kernel, planning with
 * l3_plan.c, applying (see l3.h). */
#include "l3.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <netinet/if_ether.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "command.h"
#include "ctnetlink.h"
#include "log.h"
#include "netns.h"
#include "nl.h"
#include "util.h"

LOG_MODULE("l3");

static const struct l3_tools debian_tools = {
    .iptables_save = "/usr/sbin/iptables-save",
    .iptables_restore = "/usr/sbin/iptables-restore",
};

void
l3_engine_init(struct l3_engine *e, int node_netns_fd, const char *ns_prefix)
{
    memset(e, 0, sizeof *e);
    e->node_netns_fd = node_netns_fd;
    snprintf(e->ns_prefix, sizeof e->ns_prefix, "%s", ns_prefix ? ns_prefix : L3_NS_PREFIX);
    e->garp_count = 3;
    e->tools = debian_tools;
}

static double
now_ms(void)
{
    return (double) time_mono_us() / 1e3;
}

static void
ip_to_bytes(const struct ip_addr *a, uint8_t out[16])
{
    int n = a->family == 4 ? 4 : 16;

    memset(out, 0, 16);
    for (int i = 0; i < n; i++) {
        out[i] = (uint8_t) (a->v >> (8 * (n - 1 - i)));
    }
}

static void
ip_from_bytes(int af, const uint8_t *in, struct ip_addr *out)
{
    int n = af == AF_INET ? 4 : 16;

    out->family = af == AF_INET ? 4 : 6;
    out->v = 0;
    for (int i = 0; i < n; i++) {
        out->v = (out->v << 8) | in[i];
    }
}

/* --- Reading ------------------------------------------------------------------------ */

/* Runs a tool in a namespace; a non-zero exit is a failure whose message goes into
 * 'reason'. */
static int
run(int netns_fd, char *const argv[], const char *input, struct buf *out, char *reason,
    size_t n)
{
    struct buf err = BUF_INITIALIZER;
    int r = command_run(netns_fd, argv, input, input ? strlen(input) : 0, out, &err);

    if (r < 0) {
        snprintf(reason, n, "%s: %s", argv[0], strerror(-r));
    } else if (r > 0) {
        snprintf(reason, n, "%s exited with %d: %.300s", argv[0], r, buf_cstr(&err));
    }
    buf_done(&err);
    return r ? -1 : 0;
}

struct dev_walk {
    struct l3_router_state *r;
    int *ifindexes;
};

static void
note_dev(const struct nl_link *l, void *aux)
{
    struct dev_walk *w = aux;

    if (!str_startswith(l->name, L3_IF_PREFIX) && !str_startswith(l->name, L3_GW_PREFIX)
        && !str_startswith(l->name, L3_HA_PREFIX)) {
        return;
    }
    struct l3_dev_state *d = l3_router_state_add_dev(w->r, l->name);
    memcpy(d->mac, l->mac, 6);
    d->mtu = l->mtu;
    d->up = l->up;
    w->ifindexes = xrealloc(w->ifindexes, w->r->n_devs * sizeof *w->ifindexes);
    w->ifindexes[w->r->n_devs - 1] = l->ifindex;
}

static void
note_addr(const struct nl_addr *a, void *aux)
{
    struct l3_dev_state *d = aux;

    d->addrs = xrealloc(d->addrs, (d->n_addrs + 1) * sizeof *d->addrs);
    ip_from_bytes(a->family, a->addr, &d->addrs[d->n_addrs].addr);
    d->addrs[d->n_addrs++].prefix = a->prefixlen;
}

struct route_walk {
    struct l3_router_state *r;
    const char *dev;
};

static void
note_route(const struct nl_route *rt, void *aux)
{
    struct route_walk *w = aux;
    struct l3_router_state *r = w->r;

    r->routes = xrealloc(r->routes, (r->n_routes + 1) * sizeof *r->routes);
    struct l3_route_state *s = &r->routes[r->n_routes++];
    memset(s, 0, sizeof *s);
    snprintf(s->dev, sizeof s->dev, "%s", w->dev);
    ip_from_bytes(rt->family, rt->dst, &s->destination.addr);
    s->destination.prefix = rt->dst_len;
    s->has_nexthop = !rt->onlink;
    if (s->has_nexthop) {
        ip_from_bytes(rt->family, rt->gateway, &s->nexthop);
    }
}

/* Reads or writes the sysctls of l3_sysctls in the namespace; when reading, whether
 * they all hold their values.  A file the kernel lacks (IPv6 disabled) is skipped. */
static int
sysctls(int netns_fd, bool write_them, bool *ret_ok)
{
    int home = netns_enter(netns_fd), r = 0;
    bool ok = true;

    if (home < 0) {
        return home;
    }
    for (const struct l3_sysctl *s = l3_sysctls; s->path && r == 0; s++) {
        char path[128], value[16] = "";
        snprintf(path, sizeof path, "/proc/sys/%s", s->path);
        int fd = open(path, write_them ? O_WRONLY | O_CLOEXEC : O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            r = errno == ENOENT ? 0 : -errno;
            continue;
        }
        if (write_them) {
            ssize_t len = (ssize_t) strlen(s->value);
            r = write(fd, s->value, (size_t) len) == len ? 0 : -errno;
        } else {
            ssize_t len = read(fd, value, sizeof value - 1);
            value[len > 0 ? len : 0] = '\0';
            value[strcspn(value, "\n")] = '\0';
            ok = ok && !strcmp(value, s->value);
        }
        close(fd);
    }
    netns_leave(home);
    if (ret_ok) {
        *ret_ok = ok;
    }
    return r;
}

static int
read_rules(struct l3_engine *e, int fd, struct buf *ours, char *reason, size_t n)
{
    static const char *const tables[] = { "nat", "mangle" };
    struct buf out = BUF_INITIALIZER;
    int r = 0;

    for (size_t i = 0; i < 2 && r == 0; i++) {
        char *argv[] = { (char *) e->tools.iptables_save, (char *) "-t", (char *) tables[i],
                         NULL };
        r = run(fd, argv, NULL, &out, reason, n);
    }
    if (r == 0) {
        l3_rules_ours(buf_cstr(&out), ours);
    }
    buf_done(&out);
    return r;
}

static int
read_router(struct l3_engine *e, struct l3_router_state *r, char *reason, size_t n)
{
    struct dev_walk w = { r, NULL };
    struct nl *nl = NULL;
    int fd = netns_open(r->ns), rc;

    if (fd < 0) {
        snprintf(reason, n, "namespace %s: %s", r->ns, strerror(-fd));
        return -1;
    }
    rc = nl_open_netns(&nl, fd);
    rc = rc ? rc : nl_link_dump(nl, note_dev, &w);
    for (size_t i = 0; rc == 0 && i < r->n_devs; i++) {
        struct route_walk rw = { r, r->devs[i].name };
        rc = nl_addr_list(nl, w.ifindexes[i], note_addr, &r->devs[i]);
        rc = rc ? rc : nl_route_list_proto(nl, w.ifindexes[i], RTPROT_STATIC, note_route, &rw);
    }
    rc = rc ? rc : sysctls(fd, false, &r->sysctls_ok);
    if (rc) {
        snprintf(reason, n, "namespace %s: %s", r->ns, strerror(-rc));
    }
    rc = rc ? -1 : read_rules(e, fd, &r->rules, reason, n);
    nl_close(nl);
    free(w.ifindexes);
    close(fd);
    return rc;
}

struct ns_walk {
    const char *prefix;
    const struct l3_scope *scope;
    struct l3_state *s;
};

static void
note_ns(const char *name, void *aux)
{
    struct ns_walk *w = aux;
    const char *id = name + strlen(w->prefix);

    if (uuid_is_valid(id) && l3_scope_has(w->scope, id)) {
        l3_state_add_router(w->s, id, name);
    }
}

static void
note_tap(const struct nl_link *l, void *aux)
{
    struct l3_state *s = aux;

    if (str_startswith(l->name, "tap")) {
        s->taps = xrealloc(s->taps, (s->n_taps + 1) * sizeof *s->taps);
        struct l3_tap_state *t = &s->taps[s->n_taps++];
        snprintf(t->name, sizeof t->name, "%s", l->name);
        t->mtu = l->mtu;
        t->up = l->up;
    }
}

static int
open_node_nl(struct l3_engine *e, struct nl **ret)
{
    return e->node_netns_fd >= 0 ? nl_open_netns(ret, e->node_netns_fd) : nl_open(ret);
}

/* Reads a router; one that cannot be read is marked so, and the first reason kept. */
static void
read_router_or_mark(struct l3_engine *e, struct l3_state *s, struct l3_router_state *r)
{
    char why[256];

    if (read_router(e, r, why, sizeof why)) {
        log_warn("router=%s cannot be read, leaving it: %s", r->id, why);
        r->unreadable = true;
        if (!s->n_unreadable++) {
            snprintf(s->unreadable_reason, sizeof s->unreadable_reason, "%s", why);
        }
    }
}

int
l3_read(struct l3_engine *e, const struct l3_scope *scope, struct l3_state *s, char *reason,
        size_t n)
{
    struct ns_walk w = { e->ns_prefix, scope, s };
    struct nl *nl = NULL;
    int r;

    l3_state_init(s);
    netns_foreach(e->ns_prefix, note_ns, &w);
    r = open_node_nl(e, &nl);
    r = r ? r : nl_link_dump(nl, note_tap, s);
    nl_close(nl);
    if (r) {
        snprintf(reason, n, "the node's links could not be read: %s", strerror(-r));
        goto fail;
    }
    for (size_t i = 0; i < s->n_routers; i++) {
        read_router_or_mark(e, s, &s->routers[i]);
    }
    return 0;
fail:
    l3_state_done(s);
    return -1;
}

int
l3_plan(struct l3_engine *e, const struct l3_model *m, const struct l3_scope *scope,
        struct l3_plan *p, char *reason, size_t n)
{
    struct l3_state have;

    if (l3_read(e, scope, &have, reason, n)) {
        return -1;
    }
    l3_plan_make(m, &have, e->ns_prefix, scope, p);
    l3_state_done(&have);
    return 0;
}

/* --- Gratuitous ARP ------------------------------------------------------------------ */

struct arp_frame {
    struct ether_header eth;
    struct ether_arp arp;
} __attribute__((packed));

static void
arp_frame(struct arp_frame *f, const uint8_t mac[6], const uint8_t ip[4], int op)
{
    memset(f, 0, sizeof *f);
    memset(f->eth.ether_dhost, 0xff, 6);
    memcpy(f->eth.ether_shost, mac, 6);
    f->eth.ether_type = htons(ETHERTYPE_ARP);
    f->arp.arp_hrd = htons(ARPHRD_ETHER);
    f->arp.arp_pro = htons(ETHERTYPE_IP);
    f->arp.arp_hln = 6;
    f->arp.arp_pln = 4;
    f->arp.arp_op = htons((uint16_t) op);
    memcpy(f->arp.arp_sha, mac, 6);
    memcpy(f->arp.arp_spa, ip, 4);
    /* A request asks for nobody (target MAC zero), a reply is addressed to the
     * announcer itself; both carry the address as sender and target. */
    if (op == ARPOP_REPLY) {
        memcpy(f->arp.arp_tha, mac, 6);
    }
    memcpy(f->arp.arp_tpa, ip, 4);
}

/* Sends one round from packet socket 'fd' through device 'ifindex'.  0 or -errno. */
static int
garp_round(int fd, int ifindex, const uint8_t mac[6], const struct ip_addr *ip)
{
    struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP),
                              .sll_ifindex = ifindex, .sll_halen = 6 };
    uint8_t addr[16];

    memset(to.sll_addr, 0xff, 6);
    ip_to_bytes(ip, addr);
    for (int op = ARPOP_REQUEST; op <= ARPOP_REPLY; op++) {
        struct arp_frame f;
        arp_frame(&f, mac, addr, op);
        if (sendto(fd, &f, sizeof f, 0, (struct sockaddr *) &to, sizeof to) < 0) {
            return -errno;
        }
    }
    return 0;
}

int
l3_garp_send(int netns_fd, const char *dev, const uint8_t mac[6], const struct ip_addr *ip)
{
    struct nl *nl = NULL;
    struct nl_link link;
    int fd, r;

    r = nl_open_netns(&nl, netns_fd);
    r = r ? r : nl_link_get(nl, dev, &link);
    nl_close(nl);
    if (r) {
        return r;
    }
    fd = netns_socket(netns_fd, AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ARP));
    if (fd < 0) {
        return fd;
    }
    r = garp_round(fd, link.ifindex, mac, ip);
    close(fd);
    return r;
}

/* The rounds after the first, two seconds apart as Neutron spaces them (a neighbour
 * ignores a second update within its locktime), on a thread of their own so the apply
 * goes on.  The thread also closes the packet socket: closing one waits for an RCU
 * grace period in the kernel (packet_release(), some 15 ms here), which, paid on the
 * apply's path for each new address, was most of the time to build 100 routers. */
struct garp_job {
    int fd;                     /* The packet socket in the router's namespace; owned. */
    int ifindex;                /* The device's index there. */
    uint8_t mac[6];
    struct ip_addr ip;
    int rounds;
};

static void *
garp_rounds(void *arg)
{
    struct garp_job *j = arg;

    for (int i = 0; i < j->rounds; i++) {
        struct timespec two = { 2, 0 };
        nanosleep(&two, NULL);
        if (garp_round(j->fd, j->ifindex, j->mac, &j->ip)) {
            break;              /* The device went meanwhile. */
        }
    }
    close(j->fd);
    free(j);
    return NULL;
}

/* Sends 'rounds' more rounds later and closes 'fd' (taken) off the caller's path. */
static void
garp_later(int fd, int ifindex, const struct l3_action *a, int rounds)
{
    struct garp_job *j = xcalloc(1, sizeof *j);
    pthread_attr_t attr;
    pthread_t t;

    j->fd = fd;
    j->ifindex = ifindex;
    memcpy(j->mac, a->mac, 6);
    j->ip = a->cidr.addr;
    j->rounds = rounds > 0 ? rounds : 0;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, garp_rounds, j)) {
        close(fd);
        free(j);
    }
    pthread_attr_destroy(&attr);
}

/* --- Applying ------------------------------------------------------------------------ */

/* The namespace the actions being applied work in, kept open across them. */
struct applier {
    struct l3_engine *e;
    struct nl *node_nl;
    char ns[L3_NS_SIZE];
    int fd;
    struct nl *nl;
};

static void
applier_close_ns(struct applier *ap)
{
    nl_close(ap->nl);
    ap->nl = NULL;
    if (ap->fd >= 0) {
        close(ap->fd);
    }
    ap->fd = -1;
    ap->ns[0] = '\0';
}

static int
applier_enter_ns(struct applier *ap, const char *ns)
{
    int r;

    if (!strcmp(ap->ns, ns) && ap->fd >= 0) {
        return 0;
    }
    applier_close_ns(ap);
    ap->fd = netns_open(ns);
    if (ap->fd < 0) {
        return ap->fd;
    }
    r = nl_open_netns(&ap->nl, ap->fd);
    if (r) {
        applier_close_ns(ap);
        return r;
    }
    snprintf(ap->ns, sizeof ap->ns, "%s", ns);
    return 0;
}

static int
ifindex_of(struct nl *nl, const char *name)
{
    struct nl_link l;
    int r = nl_link_get(nl, name, &l);

    return r ? r : l.ifindex;
}

static int
do_veth_add(struct applier *ap, const struct l3_action *a)
{
    int r = nl_veth_add(ap->node_nl, a->tap, a->dev, ap->fd, a->mac, a->mtu);
    int ifindex = r ? r : ifindex_of(ap->nl, a->dev);

    return ifindex < 0 ? ifindex : nl_link_set(ap->nl, ifindex, -1, 0, 1);
}

static int
do_link_set(struct nl *nl, const struct l3_action *a, bool set_mac)
{
    int ifindex = ifindex_of(nl, a->kind == L3_TAP_SET ? a->tap : a->dev), r;

    if (ifindex < 0) {
        return ifindex;
    }
    r = set_mac ? nl_link_set_mac(nl, ifindex, a->mac) : 0;
    return r ? r : nl_link_set(nl, ifindex, -1, a->mtu, 1);
}

static int
do_link_del(struct nl *nl, const char *name)
{
    int ifindex = ifindex_of(nl, name);

    if (ifindex == -ENODEV) {
        return 0;
    }
    return ifindex < 0 ? ifindex : nl_link_del(nl, ifindex);
}

static int
do_addr(struct applier *ap, const struct l3_action *a)
{
    struct nl_addr addr = { .family = a->cidr.addr.family == 4 ? AF_INET : AF_INET6,
                            .prefixlen = a->cidr.prefix };
    int ifindex = ifindex_of(ap->nl, a->dev);

    if (ifindex < 0) {
        return ifindex;
    }
    ip_to_bytes(&a->cidr.addr, addr.addr);
    if (a->kind == L3_ADDR_ADD) {
        return nl_addr_add(ap->nl, ifindex, &addr);
    }
    int r = nl_addr_del(ap->nl, ifindex, &addr);
    return r == -EADDRNOTAVAIL ? 0 : r;
}

static int
do_route(struct applier *ap, const struct l3_action *a)
{
    struct nl_route rt = { .family = a->cidr.addr.family == 4 ? AF_INET : AF_INET6,
                           .dst_len = a->cidr.prefix, .onlink = !a->has_nexthop,
                           .protocol = RTPROT_STATIC };
    int ifindex = ifindex_of(ap->nl, a->dev);

    if (ifindex < 0) {
        return ifindex == -ENODEV && a->kind == L3_ROUTE_DEL ? 0 : ifindex;
    }
    ip_to_bytes(&a->cidr.addr, rt.dst);
    if (a->has_nexthop) {
        ip_to_bytes(&a->nexthop, rt.gateway);
    }
    if (a->kind == L3_ROUTE_ADD) {
        return nl_route_add(ap->nl, ifindex, &rt);
    }
    int r = nl_route_del(ap->nl, ifindex, &rt);
    return r == -ESRCH ? 0 : r;
}

/* The first round of gratuitous ARP for a new address, now; the others from a thread
 * (garp_later).  A failure is logged, not returned: the address is in place. */
static void
do_garp(struct applier *ap, const struct l3_action *a)
{
    int ifindex, fd, r;

    if (ap->e->garp_count <= 0) {
        return;                 /* send_arp_for_ha = 0: Neutron sends none. */
    }
    ifindex = ifindex_of(ap->nl, a->dev);
    fd = ifindex < 0 ? ifindex
                     : netns_socket(ap->fd, AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ARP));
    r = fd < 0 ? fd : garp_round(fd, ifindex, a->mac, &a->cidr.addr);
    if (r) {
        log_warn("ns=%s dev=%s gratuitous ARP failed: %s, ignoring", a->ns, a->dev,
                 strerror(-r));
    }
    if (fd >= 0) {
        garp_later(fd, ifindex, a, r ? 0 : ap->e->garp_count - 1);
    }
}

/* --- A floating IP's connections ---------------------------------------------------- */

/* The longest wait for the kernel during a deletion. */
#define CT_TIMEOUT_MS 5000
/* Entries picked per walk of the table (each about 260 bytes), and walks per floating
 * IP: a floating IP with more connections than this leaves the rest to their timeouts. */
#define CT_BATCH_MAX 4096
#define CT_WALKS_MAX 16

/* The entries of one floating IP one walk of the table picked out. */
struct fip_connections {
    struct ip_addr fip;
    struct ctnetlink_entry *entries;
    size_t n_entries, cap_entries;
    bool more;                  /* Some matched beyond CT_BATCH_MAX. */
};

/* Picks the connections to the floating IP (original destination: translated towards
 * the instance) and those answered to it (reply destination: the instance's own,
 * translated from it) -- Neutron's `conntrack -D -d FIP` and `-D -q FIP`. */
static void
pick_fip_connection(const struct ctnetlink_entry *e, void *aux)
{
    struct fip_connections *c = aux;
    bool to_fip = ip_equal(&e->dst, &c->fip);
    bool answered_to_fip = e->has_reply && ip_equal(&e->reply_dst, &c->fip);

    if (!to_fip && !answered_to_fip) {
        return;
    }
    if (c->n_entries == CT_BATCH_MAX) {
        c->more = true;
        return;
    }
    c->entries = array_append(c->entries, &c->n_entries, &c->cap_entries, e, sizeof *e);
}

/* One walk of the table and the deletion of what it picked; adds to '*deleted'. */
static int
fip_delete_walk(struct ctnetlink *ct, struct fip_connections *c, size_t *deleted)
{
    size_t n = 0;
    int r;

    c->n_entries = 0;
    c->more = false;
    r = ctnetlink_dump(ct, c->fip.family, pick_fip_connection, c);
    if (!r && c->n_entries) {
        r = ctnetlink_delete(ct, c->entries, c->n_entries, &n);
        *deleted += n;
    }
    return r;
}

/* Deletes the connections of a floating IP in the router's namespace, in process over
 * ctnetlink (the socket opened inside the namespace): the namespace's table walked
 * once, the entries picked here and deleted by their original tuple and id, many to a
 * message.  A failure is logged, not returned: the rules are right already and a
 * left-over connection ends with its timeout. */
static void
do_ct_delete(struct applier *ap, const struct l3_action *a)
{
    struct fip_connections c = { .fip = a->cidr.addr };
    struct ctnetlink *ct = NULL;
    char ip[IP_STRLEN];
    size_t deleted = 0;
    int r = ctnetlink_open(ap->fd, CT_TIMEOUT_MS, &ct);

    for (int walk = 0; !r && walk < CT_WALKS_MAX && (walk == 0 || c.more); walk++) {
        r = fip_delete_walk(ct, &c, &deleted);
    }
    ip_format(&c.fip, ip);
    if (r) {
        log_warn("ns=%s deleting the connections of %s failed after %zu: %s, ignoring",
                 ap->ns, ip, deleted, strerror(-r));
    } else if (c.more) {
        log_warn("ns=%s %s has more than %d connections; %zu deleted, the rest left to "
                 "their timeouts", ap->ns, ip, CT_BATCH_MAX * CT_WALKS_MAX, deleted);
    } else {
        log_debug("ns=%s deleted %zu connections of %s", ap->ns, deleted, ip);
    }
    ctnetlink_close(ct);
    free(c.entries);
}

static int
apply_action(struct applier *ap, const struct l3_action *a, char *reason, size_t n)
{
    char *restore[] = { (char *) ap->e->tools.iptables_restore, (char *) "-w",
                        (char *) "--noflush", NULL };
    int r = 0;

    if (a->kind == L3_NS_ADD) {
        return netns_create(a->ns);
    }
    if (a->kind == L3_NS_DEL) {
        applier_close_ns(ap);
        r = netns_delete(a->ns);
        return r == -ENOENT ? 0 : r;
    }
    if (a->kind == L3_TAP_DEL) {
        return do_link_del(ap->node_nl, a->tap);
    }
    if (a->kind == L3_TAP_SET) {
        return do_link_set(ap->node_nl, a, false);
    }
    r = applier_enter_ns(ap, a->ns);
    if (r) {
        return r;
    }
    switch (a->kind) {
    case L3_SYSCTLS:
        return sysctls(ap->fd, true, NULL);
    case L3_LINK_DEL:
        return do_link_del(ap->nl, a->dev);
    case L3_VETH_ADD:
        return do_veth_add(ap, a);
    case L3_LINK_SET:
        return do_link_set(ap->nl, a, true);
    case L3_ADDR_ADD:
    case L3_ADDR_DEL:
        return do_addr(ap, a);
    case L3_ROUTE_ADD:
    case L3_ROUTE_DEL:
        return do_route(ap, a);
    case L3_RULES:
        return run(ap->fd, restore, a->text, NULL, reason, n) ? -EPROTO : 0;
    case L3_GARP:
        do_garp(ap, a);
        return 0;
    case L3_CT_DELETE:
        do_ct_delete(ap, a);
        return 0;
    default:
        return -EINVAL;
    }
}

/* Runs the plan's actions in order; when one fails, the rest of its router's are
 * skipped and the other routers' run.  Returns how many routers failed; the first
 * failure is described in 'reason'. */
static size_t
apply_plan(struct l3_engine *e, const struct l3_plan *p, struct l3_stats *st, char *reason,
           size_t n)
{
    struct applier ap = { .e = e, .fd = -1 };
    char failed_router[L3_ID_SIZE] = "";
    size_t n_failed = 0;
    int r = open_node_nl(e, &ap.node_nl);

    if (r) {
        snprintf(reason, n, "netlink in the node's namespace: %s", strerror(-r));
        return 1;
    }
    for (size_t i = 0; i < p->n_actions; i++) {
        const struct l3_action *a = &p->actions[i];
        char why[512] = "";
        if (!strcmp(a->router_id, failed_router)) {
            continue;
        }
        r = apply_action(&ap, a, why, sizeof why);
        if (r) {
            struct buf what = BUF_INITIALIZER;
            l3_action_format(a, &what);
            log_warn("router=%s %s failed: %s", a->router_id, buf_cstr(&what),
                     why[0] ? why : strerror(-r));
            if (!n_failed++) {
                snprintf(reason, n, "%s: %s", buf_cstr(&what), why[0] ? why : strerror(-r));
            }
            if (e->router_failed) {
                struct buf told = BUF_INITIALIZER;
                buf_printf(&told, "%s: %s", buf_cstr(&what), why[0] ? why : strerror(-r));
                e->router_failed(e->router_failed_aux, a->router_id, buf_cstr(&told));
                buf_done(&told);
            }
            snprintf(failed_router, sizeof failed_router, "%s", a->router_id);
            buf_done(&what);
            continue;
        }
        st->by_kind[a->kind]++;
        st->n_actions++;
    }
    applier_close_ns(&ap);
    nl_close(ap.node_nl);
    return n_failed;
}

int
l3_apply(struct l3_engine *e, const struct l3_model *m, const struct l3_scope *scope,
         struct l3_stats *stats, char *reason, size_t n)
{
    struct l3_stats st = { 0 };
    struct l3_state have;
    struct l3_plan plan;
    double t0 = now_ms();
    int r;

    if (l3_read(e, scope, &have, reason, n)) {
        return -1;
    }
    double t1 = now_ms();
    l3_plan_init(&plan);
    l3_plan_make(m, &have, e->ns_prefix, scope, &plan);
    double t2 = now_ms();
    st.changed = !l3_plan_empty(&plan);
    st.n_unroutable = plan.n_unroutable;
    reason[0] = '\0';
    st.n_failed_routers = apply_plan(e, &plan, &st, reason, n) + have.n_unreadable;
    for (size_t i = 0; e->router_failed && i < have.n_routers; i++) {
        if (have.routers[i].unreadable) {
            e->router_failed(e->router_failed_aux, have.routers[i].id,
                             "its namespace could not be read");
        }
    }
    if (have.n_unreadable && !reason[0]) {
        snprintf(reason, n, "%s", have.unreadable_reason);
    }
    r = st.n_failed_routers ? -1 : 0;
    st.read_ms = t1 - t0;
    st.plan_ms = t2 - t1;
    st.apply_ms = now_ms() - t2;
    l3_plan_done(&plan);
    l3_state_done(&have);
    if (stats) {
        *stats = st;
    }
    return r;
}
