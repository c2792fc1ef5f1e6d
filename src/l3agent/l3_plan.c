/* The L3 agent's planner (see l3_plan.h): desired state from the model, compared with
 * what the kernel holds, as an ordered list of actions. */
#include "l3_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "util.h"

#define CHAIN_PREFIX "neutrino-l3-"

const struct l3_sysctl l3_sysctls[] = {
    { "net/ipv4/ip_forward", "1" },
    { "net/ipv6/conf/all/forwarding", "1" },
    { "net/ipv4/conf/all/arp_ignore", "1" },
    { "net/ipv4/conf/all/arp_announce", "2" },
    { NULL, NULL },
};

/* --- State ------------------------------------------------------------------------ */

void
l3_state_init(struct l3_state *s)
{
    memset(s, 0, sizeof *s);
}

void
l3_state_done(struct l3_state *s)
{
    for (size_t i = 0; i < s->n_routers; i++) {
        struct l3_router_state *r = &s->routers[i];
        for (size_t d = 0; d < r->n_devs; d++) {
            free(r->devs[d].addrs);
        }
        free(r->devs);
        free(r->routes);
        buf_done(&r->rules);
    }
    free(s->routers);
    free(s->taps);
    memset(s, 0, sizeof *s);
}

struct l3_router_state *
l3_state_add_router(struct l3_state *s, const char *id, const char *ns)
{
    s->routers = xrealloc(s->routers, (s->n_routers + 1) * sizeof *s->routers);
    struct l3_router_state *r = &s->routers[s->n_routers++];
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", id);
    snprintf(r->ns, sizeof r->ns, "%s", ns);
    buf_init(&r->rules);
    return r;
}

struct l3_dev_state *
l3_router_state_add_dev(struct l3_router_state *r, const char *name)
{
    r->devs = xrealloc(r->devs, (r->n_devs + 1) * sizeof *r->devs);
    struct l3_dev_state *d = &r->devs[r->n_devs++];
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", name);
    return d;
}

void
l3_dev_name(const char *prefix, const char *port_id, char out[IFNAMSIZ])
{
    snprintf(out, IFNAMSIZ, "%s%.11s", prefix, port_id);
}

/* --- Rules ------------------------------------------------------------------------ */

/* One line of a table, with the chain it belongs to and its place, for sorting. */
struct rule_line {
    char chain[64];
    size_t seq;
    bool decl;                  /* A chain declaration. */
    const char *text;           /* Borrowed from the input. */
    size_t len;
};

static int
rule_line_cmp(const void *a, const void *b)
{
    const struct rule_line *x = a, *y = b;

    if (x->decl != y->decl) {
        return x->decl ? -1 : 1;
    }
    int c = strcmp(x->chain, y->chain);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* The chain a "-A CHAIN ..." line appends to, and whether the line is ours (in our
 * chain, or a jump to one). */
static bool
rule_is_ours(const char *line, size_t len, char chain[64])
{
    size_t n = strcspn(line + 3, " \n");

    snprintf(chain, 64, "%.*s", (int) n, line + 3);
    if (str_startswith(chain, CHAIN_PREFIX)) {
        return true;
    }
    const char *jump = memmem(line, len, " -j " CHAIN_PREFIX, strlen(" -j " CHAIN_PREFIX));
    return jump != NULL;
}

static void
table_flush(struct rule_line *lines, size_t n, const char *table, struct buf *out)
{
    if (!n) {
        return;
    }
    qsort(lines, n, sizeof *lines, rule_line_cmp);
    buf_printf(out, "*%s\n", table);
    for (size_t i = 0; i < n; i++) {
        if (lines[i].decl) {
            buf_printf(out, ":%s\n", lines[i].chain);
        } else {
            buf_printf(out, "%.*s\n", (int) lines[i].len, lines[i].text);
        }
    }
    buf_add_str(out, "COMMIT\n");
}

void
l3_rules_ours(const char *save, struct buf *out)
{
    struct rule_line *lines = NULL;
    size_t n = 0, cap = 0;
    char table[32] = "";

    for (const char *p = save; *p;) {
        size_t len = strcspn(p, "\n");
        struct rule_line l = { .text = p, .len = len, .seq = n };
        if (p[0] == '*') {
            table_flush(lines, n, table, out);
            n = 0;
            snprintf(table, sizeof table, "%.*s", (int) (len - 1), p + 1);
        } else if (p[0] == ':' && len > 1 + strlen(CHAIN_PREFIX)
                   && !strncmp(p + 1, CHAIN_PREFIX, strlen(CHAIN_PREFIX))) {
            l.decl = true;
            snprintf(l.chain, sizeof l.chain, "%.*s", (int) strcspn(p + 1, " \n"), p + 1);
            lines = array_append(lines, &n, &cap, &l, sizeof l);
        } else if (!strncmp(p, "-A ", 3) && rule_is_ours(p, len, l.chain)) {
            lines = array_append(lines, &n, &cap, &l, sizeof l);
        }
        p += len + (p[len] == '\n');
    }
    table_flush(lines, n, table, out);
    free(lines);
}

static const char *const nat_chains[] = { "PREROUTING", "OUTPUT", "POSTROUTING", "snat",
                                          "float-snat", NULL };
static const char *const mangle_chains[] = { "mark", NULL };

static void
declare(struct buf *b, const char *const *chains)
{
    for (size_t i = 0; chains[i]; i++) {
        buf_printf(b, ":" CHAIN_PREFIX "%s - [0:0]\n", chains[i]);
    }
}

/* The nat rules of a router with a gateway (see l3_plan.h). */
static void
nat_gateway_rules(const struct l3_router *r, struct buf *b)
{
    char qg[IFNAMSIZ], gw[IP_STRLEN] = "", fip[IP_STRLEN], fixed[IP_STRLEN];

    l3_dev_name("qg-", r->gateway.id, qg);
    for (size_t i = 0; i < r->gateway.n_fixed_ips && !gw[0]; i++) {
        if (r->gateway.fixed_ips[i].address.family == 4) {
            ip_format(&r->gateway.fixed_ips[i].address, gw);
        }
    }
    if (!gw[0]) {
        return;                 /* NAT only with an IPv4 gateway address, as Neutron. */
    }
    for (size_t i = 0; i < r->n_floating_ips; i++) {
        ip_format(&r->floating_ips[i].floating, fip);
        ip_format(&r->floating_ips[i].fixed, fixed);
        buf_printf(b, "-A " CHAIN_PREFIX "PREROUTING -d %s/32 -j DNAT --to-destination %s\n",
                   fip, fixed);
        buf_printf(b, "-A " CHAIN_PREFIX "OUTPUT -d %s/32 -j DNAT --to-destination %s\n",
                   fip, fixed);
        buf_printf(b, "-A " CHAIN_PREFIX "float-snat -s %s/32 -j SNAT --to-source %s "
                   "--random-fully\n", fixed, fip);
    }
    buf_printf(b, "-A " CHAIN_PREFIX "POSTROUTING ! -o %s -m conntrack ! --ctstate DNAT "
               "-j ACCEPT\n", qg);
    buf_add_str(b, "-A " CHAIN_PREFIX "snat -j " CHAIN_PREFIX "float-snat\n");
    if (r->enable_snat) {
        buf_printf(b, "-A " CHAIN_PREFIX "snat -o %s -j SNAT --to-source %s --random-fully\n",
                   qg, gw);
    }
    buf_printf(b, "-A " CHAIN_PREFIX "snat -m mark ! --mark 0x2/0xffff -m conntrack --ctstate "
               "DNAT -j SNAT --to-source %s --random-fully\n", gw);
}

void
l3_rules_desired(const struct l3_router *r, struct buf *out)
{
    struct buf save = BUF_INITIALIZER;
    char qg[IFNAMSIZ];

    buf_add_str(&save, "*nat\n");
    declare(&save, nat_chains);
    buf_add_str(&save, "-A PREROUTING -j " CHAIN_PREFIX "PREROUTING\n"
                "-A OUTPUT -j " CHAIN_PREFIX "OUTPUT\n"
                "-A POSTROUTING -j " CHAIN_PREFIX "POSTROUTING\n"
                "-A POSTROUTING -j " CHAIN_PREFIX "snat\n");
    if (r->has_gateway) {
        nat_gateway_rules(r, &save);
    }
    buf_add_str(&save, "COMMIT\n*mangle\n");
    declare(&save, mangle_chains);
    buf_add_str(&save, "-A PREROUTING -j " CHAIN_PREFIX "mark\n");
    if (r->has_gateway) {
        l3_dev_name("qg-", r->gateway.id, qg);
        buf_printf(&save, "-A " CHAIN_PREFIX "mark -i %s -j MARK --set-xmark 0x2/0xffff\n", qg);
    }
    buf_add_str(&save, "COMMIT\n");
    l3_rules_ours(buf_cstr(&save), out);
    buf_done(&save);
}

/* The lines of table 'table' in 'text' (l3_rules_ours() form), between "*table" and
 * "COMMIT"; "" if it has none.  '*ret_len' gets their length. */
static const char *
table_section(const char *text, const char *table, size_t *ret_len)
{
    char head[40];
    const char *p;

    snprintf(head, sizeof head, "\n*%s\n", table);
    if (str_startswith(text, head + 1)) {
        p = text + strlen(head + 1);
    } else {
        p = strstr(text, head);
        p = p ? p + strlen(head) : NULL;
    }
    if (!p) {
        *ret_len = 0;
        return "";
    }
    const char *end = strstr(p, "COMMIT\n");
    *ret_len = end ? (size_t) (end - p) : strlen(p);
    return p;
}

static bool
section_has_line(const char *sec, size_t sec_len, const char *line, size_t len)
{
    for (const char *p = sec; p < sec + sec_len;) {
        size_t l = strcspn(p, "\n");
        if (l == len && !memcmp(p, line, len)) {
            return true;
        }
        p += l + 1;
    }
    return false;
}

/* The iptables-restore --noflush input that turns our rules 'have' into 'want' (both
 * in l3_rules_ours() form), table by table of 'want': our chains declared (which
 * empties them), the old jumps to them deleted, chains of ours 'want' lacks emptied
 * and removed, then every rule of 'want' appended. */
static void
restore_table(const char *table, const char *have, const char *want, struct buf *out)
{
    size_t hl, wl;
    const char *h = table_section(have, table, &hl), *w = table_section(want, table, &wl);

    buf_printf(out, "*%s\n", table);
    for (const char *p = w; p < w + wl;) {
        size_t l = strcspn(p, "\n");
        if (p[0] == ':') {
            buf_printf(out, "%.*s - [0:0]\n", (int) l, p);
        }
        p += l + 1;
    }
    for (const char *p = h; p < h + hl;) {
        size_t l = strcspn(p, "\n");
        if (!strncmp(p, "-A ", 3) && strncmp(p + 3, CHAIN_PREFIX, strlen(CHAIN_PREFIX))) {
            buf_printf(out, "-D %.*s\n", (int) l - 3, p + 3);
        }
        p += l + 1;
    }
    for (const char *p = h; p < h + hl;) {
        size_t l = strcspn(p, "\n");
        if (p[0] == ':' && !section_has_line(w, wl, p, l)) {
            buf_printf(out, "-F %.*s\n-X %.*s\n", (int) l - 1, p + 1, (int) l - 1, p + 1);
        }
        p += l + 1;
    }
    for (const char *p = w; p < w + wl;) {
        size_t l = strcspn(p, "\n");
        if (p[0] == '-') {
            buf_printf(out, "%.*s\n", (int) l, p);
        }
        p += l + 1;
    }
    buf_add_str(out, "COMMIT\n");
}

static void
restore_input(const char *have, const char *want, struct buf *out)
{
    restore_table("nat", have, want, out);
    restore_table("mangle", have, want, out);
}

/* --- Planning ---------------------------------------------------------------------- */

void
l3_plan_init(struct l3_plan *p)
{
    memset(p, 0, sizeof *p);
}

void
l3_plan_done(struct l3_plan *p)
{
    for (size_t i = 0; i < p->n_actions; i++) {
        free(p->actions[i].text);
    }
    free(p->actions);
    memset(p, 0, sizeof *p);
}

bool
l3_plan_empty(const struct l3_plan *p)
{
    return p->n_actions == 0;
}

/* What planning one router needs at hand. */
struct router_plan {
    struct l3_plan *plan;
    const struct l3_router *want;
    const struct l3_router_state *have;     /* NULL: no namespace yet. */
    const struct l3_state *node;
    char ns[L3_NS_SIZE];
};

static struct l3_action *
push(struct router_plan *rp, enum l3_action_kind kind, const char *dev)
{
    struct l3_plan *p = rp->plan;
    p->actions = array_grow(p->actions, p->n_actions, &p->cap, sizeof *p->actions);
    struct l3_action *a = &p->actions[p->n_actions++];
    memset(a, 0, sizeof *a);
    a->kind = kind;
    snprintf(a->router_id, sizeof a->router_id, "%s", rp->want ? rp->want->id : rp->have->id);
    snprintf(a->ns, sizeof a->ns, "%s", rp->ns);
    snprintf(a->dev, sizeof a->dev, "%s", dev ? dev : "");
    return a;
}

/* A device the router wants: its port, its name, and its addresses. */
struct want_dev {
    const struct l3_port *port;
    char name[IFNAMSIZ];
    char tap[IFNAMSIZ];
    bool gateway;
    bool ha;                    /* The ha- device of an HA router. */
    struct cidr *addrs;         /* Owned. */
    size_t n_addrs;
    size_t n_fip_addrs;         /* The last ones of 'addrs' are floating IPs. */
};

static void
want_dev_init(struct want_dev *d, const struct l3_port *port, const char *prefix,
              size_t n_fips)
{
    memset(d, 0, sizeof *d);
    d->addrs = xcalloc(port->n_fixed_ips + n_fips + 1, sizeof *d->addrs);
    d->port = port;
    d->gateway = !strcmp(prefix, L3_GW_PREFIX);
    d->ha = !strcmp(prefix, L3_HA_PREFIX);
    l3_dev_name(prefix, port->id, d->name);
    l3_dev_name("tap", port->id, d->tap);
    for (size_t i = 0; i < port->n_fixed_ips; i++) {
        d->addrs[d->n_addrs++] = (struct cidr) { port->fixed_ips[i].address,
                                                 port->fixed_ips[i].prefixlen };
    }
}

static bool
cidr_same(const struct cidr *a, const struct cidr *b)
{
    return a->prefix == b->prefix && ip_equal(&a->addr, &b->addr);
}

static const struct l3_dev_state *
have_dev(const struct l3_router_state *have, const char *name)
{
    for (size_t i = 0; have && i < have->n_devs; i++) {
        if (!strcmp(have->devs[i].name, name)) {
            return &have->devs[i];
        }
    }
    return NULL;
}

static const struct l3_tap_state *
have_tap(const struct l3_state *node, const char *name)
{
    for (size_t i = 0; i < node->n_taps; i++) {
        if (!strcmp(node->taps[i].name, name)) {
            return &node->taps[i];
        }
    }
    return NULL;
}

/* The router's devices, gateway first (its ha- device last), in 'devs' (room for 2 +
 * its interfaces); returns how many. */
static size_t
want_devs(const struct l3_router *r, struct want_dev *devs)
{
    size_t n = 0;

    if (r->has_gateway) {
        struct want_dev *d = &devs[n++];
        want_dev_init(d, &r->gateway, L3_GW_PREFIX, r->n_floating_ips);
        for (size_t i = 0; i < r->n_floating_ips; i++) {
            d->addrs[d->n_addrs++] = (struct cidr) { r->floating_ips[i].floating, 32 };
            d->n_fip_addrs++;
        }
    }
    for (size_t i = 0; i < r->n_interfaces; i++) {
        want_dev_init(&devs[n++], &r->interfaces[i], L3_IF_PREFIX, 0);
    }
    if (r->ha) {
        want_dev_init(&devs[n++], &r->ha_port, L3_HA_PREFIX, 0);
    }
    return n;
}

static bool
dev_wanted(const struct want_dev *devs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(devs[i].name, name)) {
            return true;
        }
    }
    return false;
}

/* The link itself: created, or its MAC, MTU and state mended; its tap's too. */
static void
plan_link(struct router_plan *rp, const struct want_dev *d)
{
    const struct l3_dev_state *h = have_dev(rp->have, d->name);
    const struct l3_tap_state *t = have_tap(rp->node, d->tap);
    int mtu = d->port->mtu;

    if (!h) {
        if (t) {
            snprintf(push(rp, L3_TAP_DEL, NULL)->tap, IFNAMSIZ, "%s", d->tap);
        }
        struct l3_action *a = push(rp, L3_VETH_ADD, d->name);
        snprintf(a->tap, sizeof a->tap, "%s", d->tap);
        memcpy(a->mac, d->port->mac, 6);
        a->mtu = mtu;
        return;
    }
    if (memcmp(h->mac, d->port->mac, 6) || (mtu && h->mtu != mtu) || !h->up) {
        struct l3_action *a = push(rp, L3_LINK_SET, d->name);
        memcpy(a->mac, d->port->mac, 6);
        a->mtu = mtu && h->mtu != mtu ? mtu : 0;
    }
    if (t && ((mtu && t->mtu != mtu) || !t->up)) {
        struct l3_action *a = push(rp, L3_TAP_SET, NULL);
        snprintf(a->tap, sizeof a->tap, "%s", d->tap);
        a->mtu = mtu && t->mtu != mtu ? mtu : 0;
    }
}

static void
plan_addrs(struct router_plan *rp, const struct want_dev *d, bool only_deletes)
{
    const struct l3_dev_state *h = have_dev(rp->have, d->name);

    if (only_deletes) {
        for (size_t i = 0; h && i < h->n_addrs; i++) {
            bool keep = false;
            for (size_t k = 0; k < d->n_addrs && !keep; k++) {
                keep = cidr_same(&h->addrs[i], &d->addrs[k]);
            }
            if (!keep) {
                push(rp, L3_ADDR_DEL, d->name)->cidr = h->addrs[i];
            }
        }
        return;
    }
    for (size_t k = 0; k < d->n_addrs; k++) {
        bool have = false;
        for (size_t i = 0; h && i < h->n_addrs && !have; i++) {
            have = cidr_same(&h->addrs[i], &d->addrs[k]);
        }
        if (!have) {
            push(rp, L3_ADDR_ADD, d->name)->cidr = d->addrs[k];
        }
    }
}

/* Gratuitous ARP for the IPv4 addresses of the gateway port that are new. */
static void
plan_garps(struct router_plan *rp, const struct want_dev *d)
{
    const struct l3_dev_state *h = have_dev(rp->have, d->name);

    for (size_t k = 0; d->gateway && k < d->n_addrs; k++) {
        bool have = false;
        for (size_t i = 0; h && i < h->n_addrs && !have; i++) {
            have = cidr_same(&h->addrs[i], &d->addrs[k]);
        }
        if (!have && d->addrs[k].addr.family == 4) {
            struct l3_action *a = push(rp, L3_GARP, d->name);
            a->cidr = d->addrs[k];
            memcpy(a->mac, d->port->mac, 6);
        }
    }
}

/* A route the router wants. */
struct want_route {
    char dev[IFNAMSIZ];
    struct cidr destination;
    bool has_nexthop;
    struct ip_addr nexthop;
};

static bool
port_reaches(const struct l3_port *p, const struct ip_addr *a)
{
    for (size_t i = 0; i < p->n_fixed_ips; i++) {
        struct cidr c = { p->fixed_ips[i].address, p->fixed_ips[i].prefixlen };
        cidr_normalize(&c);
        if (c.addr.family == a->family && cidr_contains(&c, a)) {
            return true;
        }
    }
    return false;
}

static void
add_route(struct want_route **v, size_t *n, size_t *cap, const char *dev, struct cidr dst,
          const struct ip_addr *nexthop)
{
    struct want_route r = { .destination = dst, .has_nexthop = nexthop != NULL };

    snprintf(r.dev, sizeof r.dev, "%s", dev);
    if (nexthop) {
        r.nexthop = *nexthop;
    }
    cidr_normalize(&r.destination);
    *v = array_append(*v, n, cap, &r, sizeof r);
}

/* The routes of l3_plan.h, in the order they must be added. */
static size_t
want_routes(const struct l3_router *r, struct want_route **ret, size_t *n_unroutable)
{
    struct want_route *v = NULL;
    size_t n = 0, cap = 0;
    char qg[IFNAMSIZ], dev[IFNAMSIZ];
    bool default_set[7] = { false };

    l3_dev_name("qg-", r->has_gateway ? r->gateway.id : "", qg);
    for (size_t i = 0; r->has_gateway && i < r->n_gateway_ips; i++) {
        const struct ip_addr *gw = &r->gateway_ips[i];
        if (default_set[gw->family]) {
            continue;           /* One default route per IP version. */
        }
        if (!port_reaches(&r->gateway, gw)) {
            add_route(&v, &n, &cap, qg, (struct cidr) { *gw, ip_bits(gw->family) }, NULL);
        }
        add_route(&v, &n, &cap, qg, (struct cidr) { { gw->family, 0 }, 0 }, gw);
        default_set[gw->family] = true;
    }
    for (size_t i = 0; r->has_gateway && i < r->n_extra_subnets; i++) {
        add_route(&v, &n, &cap, qg, r->extra_subnets[i], NULL);
    }
    for (size_t i = 0; i < r->n_routes; i++) {
        const struct l3_route *rt = &r->routes[i];
        const struct l3_port *via = NULL;
        for (size_t k = 0; k < r->n_interfaces && !via; k++) {
            via = port_reaches(&r->interfaces[k], &rt->nexthop) ? &r->interfaces[k] : NULL;
        }
        if (via) {
            l3_dev_name("qr-", via->id, dev);
        } else if (r->has_gateway && port_reaches(&r->gateway, &rt->nexthop)) {
            snprintf(dev, sizeof dev, "%s", qg);
        } else {
            (*n_unroutable)++;
            continue;
        }
        add_route(&v, &n, &cap, dev, rt->destination, &rt->nexthop);
    }
    *ret = v;
    return n;
}

static bool
route_same(const struct want_route *w, const struct l3_route_state *h)
{
    return !strcmp(w->dev, h->dev) && cidr_same(&w->destination, &h->destination)
           && w->has_nexthop == h->has_nexthop
           && (!w->has_nexthop || ip_equal(&w->nexthop, &h->nexthop));
}

static void
route_action(struct router_plan *rp, enum l3_action_kind kind, const char *dev,
             const struct cidr *dst, bool has_nexthop, const struct ip_addr *nexthop)
{
    struct l3_action *a = push(rp, kind, dev);

    a->cidr = *dst;
    a->has_nexthop = has_nexthop;
    if (has_nexthop) {
        a->nexthop = *nexthop;
    }
}

static void
plan_routes(struct router_plan *rp)
{
    struct want_route *w = NULL;
    size_t n = want_routes(rp->want, &w, &rp->plan->n_unroutable);
    const struct l3_router_state *h = rp->have;

    for (size_t i = 0; h && i < h->n_routes; i++) {
        bool keep = false;
        for (size_t k = 0; k < n && !keep; k++) {
            keep = route_same(&w[k], &h->routes[i]);
        }
        if (!keep) {
            route_action(rp, L3_ROUTE_DEL, h->routes[i].dev, &h->routes[i].destination,
                         h->routes[i].has_nexthop, &h->routes[i].nexthop);
        }
    }
    for (size_t k = 0; k < n; k++) {
        bool have = false;
        for (size_t i = 0; h && i < h->n_routes && !have; i++) {
            have = route_same(&w[k], &h->routes[i]);
        }
        if (!have) {
            route_action(rp, L3_ROUTE_ADD, w[k].dev, &w[k].destination, w[k].has_nexthop,
                         &w[k].nexthop);
        }
    }
    free(w);
}

/* The floating IP -> fixed address pairs of our DNAT rules in 'rules'. */
static bool
dnat_of(const char *rules, const struct ip_addr *fip, struct ip_addr *ret_fixed)
{
    char head[160], fixed[IP_STRLEN];

    ip_format(fip, fixed);
    snprintf(head, sizeof head, "-A " CHAIN_PREFIX "PREROUTING -d %s/32 -j DNAT "
             "--to-destination ", fixed);
    const char *p = strstr(rules, head);
    if (!p) {
        return false;
    }
    p += strlen(head);
    snprintf(fixed, sizeof fixed, "%.*s", (int) strcspn(p, " \n"), p);
    return ip_parse(fixed, ret_fixed) == 0;
}

/* Connections of a floating IP the kernel translates but the model no longer does (or
 * to another address) are deleted, as Neutron does when it removes the address. */
static void
plan_ct_deletes(struct router_plan *rp, const char *want_rules)
{
    const char *have = rp->have ? buf_cstr((struct buf *) &rp->have->rules) : "";
    const char *head = "-A " CHAIN_PREFIX "PREROUTING -d ";

    for (const char *p = strstr(have, head); p; p = strstr(p + 1, head)) {
        char text[IP_STRLEN];
        struct ip_addr fip, was, now;
        snprintf(text, sizeof text, "%.*s", (int) strcspn(p + strlen(head), "/ \n"),
                 p + strlen(head));
        if (ip_parse(text, &fip) || !dnat_of(have, &fip, &was)) {
            continue;
        }
        if (!dnat_of(want_rules, &fip, &now) || !ip_equal(&was, &now)) {
            push(rp, L3_CT_DELETE, NULL)->cidr = (struct cidr) { fip, 32 };
        }
    }
}

static void
plan_rules(struct router_plan *rp)
{
    struct buf want = BUF_INITIALIZER, text = BUF_INITIALIZER;
    const char *have = rp->have ? buf_cstr((struct buf *) &rp->have->rules) : "";

    l3_rules_desired(rp->want, &want);
    if (strcmp(have, buf_cstr(&want))) {
        restore_input(have, buf_cstr(&want), &text);
        push(rp, L3_RULES, NULL)->text = buf_steal(&text);
    }
    plan_ct_deletes(rp, buf_cstr(&want));
    buf_done(&want);
    buf_done(&text);
}

static void
plan_router(struct router_plan *rp)
{
    struct want_dev *devs = xcalloc(rp->want->n_interfaces + 2, sizeof *devs);
    size_t n = want_devs(rp->want, devs);
    const struct l3_router_state *h = rp->have;

    if (!h) {
        push(rp, L3_NS_ADD, NULL);
    }
    if (!h || !h->sysctls_ok) {
        push(rp, L3_SYSCTLS, NULL);
    }
    for (size_t i = 0; h && i < h->n_devs; i++) {
        if (!dev_wanted(devs, n, h->devs[i].name)) {
            push(rp, L3_LINK_DEL, h->devs[i].name);
        }
    }
    for (size_t i = 0; i < n; i++) {
        plan_link(rp, &devs[i]);
    }
    /* An HA router's addresses, routes and gratuitous ARPs are keepalived's (on the
     * active side); only its ha- device's own address is ours, and what keepalived
     * adds there (the primary VIP) stays. */
    for (size_t i = 0; i < n && !rp->want->ha; i++) {
        plan_addrs(rp, &devs[i], true);
    }
    for (size_t i = 0; i < n; i++) {
        if (!rp->want->ha || devs[i].ha) {
            plan_addrs(rp, &devs[i], false);
        }
    }
    if (!rp->want->ha) {
        plan_routes(rp);
    }
    plan_rules(rp);
    for (size_t i = 0; i < n && !rp->want->ha; i++) {
        plan_garps(rp, &devs[i]);
    }
    for (size_t i = 0; i < n; i++) {
        free(devs[i].addrs);
    }
    free(devs);
}

static void
plan_removal(struct router_plan *rp)
{
    for (size_t i = 0; i < rp->have->n_devs; i++) {
        push(rp, L3_LINK_DEL, rp->have->devs[i].name);
    }
    push(rp, L3_NS_DEL, NULL);
}

static const struct l3_router *
hosted(const struct l3_model *m, const char *id)
{
    for (size_t i = 0; i < m->n_routers; i++) {
        if (!strcmp(m->routers[i].id, id) && m->routers[i].admin_state_up) {
            return &m->routers[i];
        }
    }
    return NULL;
}

bool
l3_scope_has(const struct l3_scope *scope, const char *id)
{
    for (size_t i = 0; scope && i < scope->n_ids; i++) {
        if (!strcmp(scope->ids[i], id)) {
            return true;
        }
    }
    return !scope;
}

void
l3_plan_make(const struct l3_model *m, const struct l3_state *have, const char *ns_prefix,
             const struct l3_scope *scope, struct l3_plan *p)
{
    for (size_t i = 0; i < have->n_routers; i++) {
        if (have->routers[i].unreadable) {
            continue;           /* Nothing is known of it: left for a later apply. */
        }
        if (l3_scope_has(scope, have->routers[i].id) && !hosted(m, have->routers[i].id)) {
            struct router_plan rp = { p, NULL, &have->routers[i], have, "" };
            snprintf(rp.ns, sizeof rp.ns, "%s", have->routers[i].ns);
            plan_removal(&rp);
        }
    }
    for (size_t i = 0; i < m->n_routers; i++) {
        const struct l3_router *r = &m->routers[i];
        if (!r->admin_state_up || !l3_scope_has(scope, r->id)) {
            continue;
        }
        struct router_plan rp = { p, r, NULL, have, "" };
        snprintf(rp.ns, sizeof rp.ns, "%s%s", ns_prefix, r->id);
        for (size_t k = 0; k < have->n_routers && !rp.have; k++) {
            rp.have = strcmp(have->routers[k].id, r->id) ? NULL : &have->routers[k];
        }
        if (!rp.have || !rp.have->unreadable) {
            plan_router(&rp);
        }
    }
}

/* --- Descriptions ------------------------------------------------------------------- */

static const char *const action_names[L3_N_ACTIONS] = {
    [L3_NS_ADD] = "ns-add", [L3_NS_DEL] = "ns-del", [L3_SYSCTLS] = "sysctls",
    [L3_LINK_DEL] = "link-del", [L3_TAP_DEL] = "tap-del", [L3_VETH_ADD] = "veth-add",
    [L3_LINK_SET] = "link-set", [L3_TAP_SET] = "tap-set", [L3_ADDR_DEL] = "addr-del",
    [L3_ADDR_ADD] = "addr-add", [L3_ROUTE_DEL] = "route-del", [L3_ROUTE_ADD] = "route-add",
    [L3_RULES] = "rules", [L3_GARP] = "garp", [L3_CT_DELETE] = "ct-delete",
};

const char *
l3_action_name(enum l3_action_kind kind)
{
    return kind < L3_N_ACTIONS ? action_names[kind] : "?";
}

void
l3_action_format(const struct l3_action *a, struct buf *out)
{
    char c[CIDR_STRLEN], hop[IP_STRLEN];

    buf_printf(out, "%s %s", l3_action_name(a->kind), a->ns);
    switch (a->kind) {
    case L3_LINK_DEL:
    case L3_LINK_SET:
        buf_printf(out, " %s", a->dev);
        if (a->mtu) {
            buf_printf(out, " mtu %d", a->mtu);
        }
        break;
    case L3_VETH_ADD:
        buf_printf(out, " %s %s %02x:%02x:%02x:%02x:%02x:%02x", a->dev, a->tap, a->mac[0],
                   a->mac[1], a->mac[2], a->mac[3], a->mac[4], a->mac[5]);
        if (a->mtu) {
            buf_printf(out, " mtu %d", a->mtu);
        }
        break;
    case L3_TAP_DEL:
    case L3_TAP_SET:
        buf_printf(out, " %s", a->tap);
        break;
    case L3_ADDR_ADD:
    case L3_ADDR_DEL:
        cidr_format(&a->cidr, c);
        buf_printf(out, " %s %s", a->dev, c);
        break;
    case L3_ROUTE_ADD:
    case L3_ROUTE_DEL:
        cidr_format(&a->cidr, c);
        buf_printf(out, " %s %s", a->dev, c);
        if (a->has_nexthop) {
            ip_format(&a->nexthop, hop);
            buf_printf(out, " via %s", hop);
        }
        break;
    case L3_GARP:
    case L3_CT_DELETE:
        ip_format(&a->cidr.addr, hop);
        buf_printf(out, "%s%s %s", a->dev[0] ? " " : "", a->dev, hop);
        break;
    default:
        break;
    }
}
