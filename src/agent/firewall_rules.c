/* The desired state of the firewall (see firewall_plan.h): what the kernel should hold
 * for a model.  The rules follow what Neutron's iptables firewall driver puts in the
 * kernel for the linux-bridge agent (docs/behaviour/dataplane.md, "Security groups");
 * they are written exactly as iptables-save prints them, so a state read back compares
 * equal to the one wanted. */
#include "firewall_plan.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "util.h"
#include "wire_plan.h"

/* Comments: only on the fixed lines that a security group rule could also have written
 * (ICMPv6 types a group may allow too), because a line made from a rule is told apart by
 * having none (its removal ends its connections: rule_made_line() in firewall_plan.c),
 * and on the rare lines of unfiltered ports.  Neutron comments more lines; a comment is
 * parsed and stored per rule by iptables-nft, a fifth of a restore's time at a thousand
 * ports, and it changes nothing a packet meets. */
#define C_UNMATCHED "-m comment --comment \"no rule allowed this\" "
#define C_ND_IN "-m comment --comment \"neighbour discovery and multicast listeners\" "
#define C_ND_OUT "-m comment --comment \"address configuration of the port\" "
#define C_RA_IN "-m comment --comment \"router advertisement to the port\" "
#define C_ICMP6 "-m comment --comment \"ICMPv6 from the port\" "
#define C_UNFILTERED "-m comment --comment \"port security disabled\" "

/* A UDP source and destination port match.  Written with multiport, not the udp match's
 * --sport/--dport: iptables 1.8.9 resolves each of those through getaddrinfo(), which
 * (AI_ADDRCONFIG) dumps every address of every interface in the namespace; with a
 * thousand taps on the node that was about 0.2 ms a port number, over 3 s of the
 * 16,000 in a thousand ports' rules.  multiport reads numbers as numbers.  What the rule
 * matches is the same. */
#define UDP_PORTS(sport, dport) \
    "-p udp -m multiport --sports " sport " -m multiport --dports " dport " "

/* --- Names and addresses --------------------------------------------------------------- */

void
fw_port_chain_name(char dir, const char *port_id, char out[FW_NAME_SIZE])
{
    snprintf(out, FW_NAME_SIZE, FW_PREFIX "-%c%.15s", dir, port_id);
}

void
fw_set_name(int family, const char *group_id, char out[FW_NAME_SIZE])
{
    snprintf(out, FW_NAME_SIZE, FW_PREFIX "%d-%.18s", family, group_id);
}

static enum fw_table
raw_of(int family)
{
    return family == 4 ? FW_V4_RAW : FW_V6_RAW;
}

/* "a.b.c.d/len" as iptables prints a source or destination. */
static void
cidr_text(const struct cidr *c, char out[CIDR_STRLEN])
{
    cidr_format(c, out);
}

static void
host_cidr(const struct ip_addr *a, struct cidr *ret)
{
    ret->addr = *a;
    ret->prefix = ip_bits(a->family);
}

/* A set member as ipset prints it: an address alone, a network with its length. */
static void
member_text(const struct cidr *c, char out[CIDR_STRLEN])
{
    if (c->prefix == ip_bits(c->addr.family)) {
        ip_format(&c->addr, out);
    } else {
        cidr_format(c, out);
    }
}

/* MACs as iptables prints them: lower case, two digits. */
static void
mac_text(const struct mac *m, char out[MAC_STRLEN])
{
    mac_format(m, out);
}

/* MACs as ebtables prints them: no leading zeros. */
static void
mac_text_eb(const struct mac *m, char out[MAC_STRLEN])
{
    snprintf(out, MAC_STRLEN, "%x:%x:%x:%x:%x:%x", m->b[0], m->b[1], m->b[2], m->b[3],
             m->b[4], m->b[5]);
}

/* The IPv6 link-local address made from a MAC (EUI-64). */
static void
link_local(const struct mac *m, struct cidr *ret)
{
    u128 v = (u128) 0xfe80 << 112;
    uint64_t iid = 0;

    iid |= (uint64_t) (m->b[0] ^ 0x02) << 56;
    iid |= (uint64_t) m->b[1] << 48;
    iid |= (uint64_t) m->b[2] << 40;
    iid |= (uint64_t) 0xfffe << 24;
    iid |= (uint64_t) m->b[3] << 16;
    iid |= (uint64_t) m->b[4] << 8;
    iid |= (uint64_t) m->b[5];
    ret->addr.family = 6;
    ret->addr.v = v | iid;
    ret->prefix = 128;
}

/* The protocol's name as iptables-save prints it, or its number. */
static void
protocol_text(int proto, char out[16])
{
    static const struct {
        int number;
        const char *name;
    } names[] = {
        { 1, "icmp" }, { 6, "tcp" }, { 17, "udp" }, { 33, "dccp" }, { 50, "esp" },
        { 51, "ah" }, { 58, "ipv6-icmp" }, { 132, "sctp" }, { 136, "udplite" },
    };
    struct protoent pe, *res = NULL;
    char buf[1024];

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (names[i].number == proto) {
            snprintf(out, 16, "%s", names[i].name);
            return;
        }
    }
    /* What iptables-save prints for the rest comes from /etc/protocols too. */
    if (!getprotobynumber_r(proto, &pe, buf, sizeof buf, &res) && res
        && strlen(res->p_name) < 16) {
        snprintf(out, 16, "%s", res->p_name);
        return;
    }
    snprintf(out, 16, "%d", proto);
}

bool
fw_port_stateful(const struct fw_model *m, const struct fw_port *p)
{
    for (size_t i = 0; i < p->n_groups; i++) {
        const struct fw_group *g = fw_model_group(m, p->groups[i]);
        if (g) {
            return g->stateful;
        }
    }
    return true;
}

/* --- The desired state ---------------------------------------------------------------- */

struct port_ctx {
    const struct fw_model *m;
    const struct fw_port *p;
    int index;                  /* In the model. */
    bool stateful;
    char in[FW_NAME_SIZE], out[FW_NAME_SIZE], spoof[FW_NAME_SIZE];
};

/* The protocol and port matches of a rule ("-p tcp -m tcp --dport 22 "). */
static void
rule_proto_args(const struct fw_rule *r, struct buf *b)
{
    char name[16];
    bool has_ports = r->port_min >= 0;
    int max = r->port_max >= 0 ? r->port_max : r->port_min;

    if (r->protocol < 0) {
        return;
    }
    protocol_text(r->protocol, name);
    buf_printf(b, "-p %s ", name);
    switch (r->protocol) {
    case 1:
    case 58:
        if (has_ports) {
            const char *t = r->protocol == 1 ? "icmp" : "icmpv6";
            buf_printf(b, "-m %s --%s-type %d", r->protocol == 1 ? "icmp" : "icmp6", t,
                       r->port_min);
            if (r->port_max >= 0) {
                buf_printf(b, "/%d", r->port_max);
            }
            buf_add_char(b, ' ');
        }
        break;
    case 6:
    case 17:
    case 33:
    case 132:
        if (has_ports) {
            buf_printf(b, "-m %s ", name);
            if (r->port_min == max && r->protocol == 17) {
                /* UDP's --dport costs an address dump per rule (see UDP_PORTS). */
                buf_printf(b, "-m multiport --dports %d ", r->port_min);
            } else if (r->port_min == max) {
                buf_printf(b, "--dport %d ", r->port_min);
            } else {
                buf_printf(b, "-m multiport --dports %d:%d ", r->port_min, max);
            }
        }
        break;
    case 136:
        if (has_ports) {
            if (r->port_min == max) {
                buf_printf(b, "-m multiport --dports %d ", r->port_min);
            } else {
                buf_printf(b, "-m multiport --dports %d:%d ", r->port_min, max);
            }
        }
        break;
    default:
        break;                  /* Ports mean nothing for other protocols. */
    }
}

/* The line a security group rule becomes in a port's chain. */
static void
rule_line(const struct fw_rule *r, struct buf *b)
{
    buf_clear(b);
    if (r->has_prefix && r->prefix.prefix > 0 && !r->remote_group[0]) {
        char c[CIDR_STRLEN];
        cidr_text(&r->prefix, c);
        buf_printf(b, "-%c %s ", r->direction == FW_INGRESS ? 's' : 'd', c);
    }
    rule_proto_args(r, b);
    if (r->remote_group[0]) {
        char set[FW_NAME_SIZE];
        fw_set_name(r->ethertype, r->remote_group, set);
        buf_printf(b, "-m set --match-set %s %s ", set,
                   r->direction == FW_INGRESS ? "src" : "dst");
    }
    buf_add_str(b, "-j RETURN");
}

/* The port's groups' rules of one direction and family, then the drops at the end. */
static void
add_group_rules(const struct port_ctx *pc, struct fw_chain *c, enum fw_direction dir,
                int family)
{
    struct buf line = BUF_INITIALIZER;

    for (size_t i = 0; i < pc->p->n_groups; i++) {
        const struct fw_group *g = fw_model_group(pc->m, pc->p->groups[i]);
        for (size_t k = 0; g && k < g->n_rules; k++) {
            const struct fw_rule *r = &g->rules[k];
            if (r->direction == dir && r->ethertype == family) {
                rule_line(r, &line);
                fw_chain_printf(c, "%s", buf_cstr(&line));
            }
        }
    }
    buf_done(&line);
    if (pc->stateful) {
        fw_chain_printf(c, "-m conntrack --ctstate INVALID -j DROP");
    }
    fw_chain_printf(c, "-j " CHAIN_FALLBACK);
}

static void
add_known(const struct port_ctx *pc, struct fw_chain *c)
{
    if (pc->stateful) {
        fw_chain_printf(c, "-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN");
    }
}

static bool
has_family(const struct fw_port *p, int family)
{
    for (size_t i = 0; i < p->n_fixed_ips; i++) {
        if (p->fixed_ips[i].family == family) {
            return true;
        }
    }
    return false;
}

static void
add_ingress_chain(const struct port_ctx *pc, struct fw_state *s, int family)
{
    struct fw_chain *c = fw_chain_add(s, fw_filter_table(family), pc->in);

    c->port = pc->index;
    c->dir = 'i';
    if (family == 4) {
        add_known(pc, c);
        for (size_t i = 0; i < pc->p->n_fixed_ips; i++) {
            char a[IP_STRLEN];
            if (pc->p->fixed_ips[i].family == 4) {
                ip_format(&pc->p->fixed_ips[i], a);
                fw_chain_printf(c, "-d %s/32 " UDP_PORTS("67", "68") "-j RETURN", a);
            }
        }
        fw_chain_printf(c, "-d 255.255.255.255/32 " UDP_PORTS("67", "68") "-j RETURN");
    } else {
        static const int types[] = { 130, 135, 136 };
        for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
            fw_chain_printf(c, "-p ipv6-icmp -m icmp6 --icmpv6-type %d " C_ND_IN "-j RETURN",
                         types[i]);
        }
        add_known(pc, c);
        fw_chain_printf(c, "-d fe80::/64 " UDP_PORTS("547", "546") "-j RETURN");
        /* Neutron's server adds this rule to every port with an IPv6 address, so that
         * SLAAC and the default route work whatever the groups say. */
        if (has_family(pc->p, 6)) {
            fw_chain_printf(c, "-p ipv6-icmp -m icmp6 --icmpv6-type 134 " C_RA_IN "-j RETURN");
        }
    }
    add_group_rules(pc, c, FW_INGRESS, family);
}

static void
add_spoof_line(struct fw_chain *c, const struct cidr *ip, const struct mac *mac)
{
    char a[CIDR_STRLEN], m[MAC_STRLEN];

    mac_text(mac, m);
    if (!ip) {
        fw_chain_printf(c, "-m mac --mac-source %s -j RETURN", m);
        return;
    }
    cidr_text(ip, a);
    fw_chain_printf(c, "-s %s -m mac --mac-source %s -j RETURN", a, m);
}

/* The sources the port may send from: its allowed address pairs, then its fixed IPs,
 * each with its MAC; for IPv6 also each MAC's link-local address. */
static void
add_spoof_chain(const struct port_ctx *pc, struct fw_state *s, int family)
{
    struct fw_chain *c = fw_chain_add(s, fw_filter_table(family), pc->spoof);
    const struct fw_port *p = pc->p;
    struct cidr ll;

    c->port = pc->index;
    c->dir = 's';
    for (size_t i = 0; i < p->n_pairs; i++) {
        if (p->pairs[i].ip.addr.family == family) {
            add_spoof_line(c, &p->pairs[i].ip, &p->pairs[i].mac);
            if (family == 6) {
                link_local(&p->pairs[i].mac, &ll);
                add_spoof_line(c, &ll, &p->pairs[i].mac);
            }
        }
    }
    for (size_t i = 0; i < p->n_fixed_ips; i++) {
        struct cidr ip;
        if (p->fixed_ips[i].family == family) {
            host_cidr(&p->fixed_ips[i], &ip);
            add_spoof_line(c, &ip, &p->mac);
        }
    }
    if (!p->n_fixed_ips) {
        add_spoof_line(c, NULL, &p->mac);
    } else if (family == 6) {
        link_local(&p->mac, &ll);
        add_spoof_line(c, &ll, &p->mac);
    }
    fw_chain_printf(c, "-j DROP");
}

static void
add_egress_chain(const struct port_ctx *pc, struct fw_state *s, int family)
{
    struct fw_chain *c = fw_chain_add(s, fw_filter_table(family), pc->out);

    c->port = pc->index;
    c->dir = 'o';
    if (family == 4) {
        fw_chain_printf(c, "-s 0.0.0.0/32 -d 255.255.255.255/32 " UDP_PORTS("68", "67")
                     "-j RETURN");
        fw_chain_printf(c, "-j %s", pc->spoof);
        fw_chain_printf(c, UDP_PORTS("68", "67") "-j RETURN");
        fw_chain_printf(c, UDP_PORTS("67", "68") "-j DROP");
    } else {
        static const int types[] = { 131, 135, 143 };
        for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
            fw_chain_printf(c, "-s ::/128 -d ff02::/16 -p ipv6-icmp -m icmp6 --icmpv6-type %d "
                         C_ND_OUT "-j RETURN", types[i]);
        }
        fw_chain_printf(c, "-j %s", pc->spoof);
        fw_chain_printf(c, "-p ipv6-icmp -m icmp6 --icmpv6-type 134 -j DROP");
        fw_chain_printf(c, "-p ipv6-icmp " C_ICMP6 "-j RETURN");
        fw_chain_printf(c, UDP_PORTS("546", "547") "-j RETURN");
        fw_chain_printf(c, UDP_PORTS("547", "546") "-j DROP");
    }
    add_known(pc, c);
    add_group_rules(pc, c, FW_EGRESS, family);
}

/* The shared chains and the built-in chains' jumps of one family. */
static void
add_shared_chains(struct fw_state *s, int family)
{
    enum fw_table f = fw_filter_table(family), r = raw_of(family);

    fw_chain_printf(fw_chain_add(s, f, "FORWARD"), "-j " CHAIN_FORWARD);
    fw_chain_printf(fw_chain_add(s, f, "INPUT"), "-j " CHAIN_INPUT);
    fw_chain_add(s, f, CHAIN_FORWARD);
    fw_chain_add(s, f, CHAIN_INPUT);
    fw_chain_add(s, f, CHAIN_SG);
    fw_chain_printf(fw_chain_add(s, f, CHAIN_FALLBACK), C_UNMATCHED "-j DROP");
    fw_chain_printf(fw_chain_add(s, r, "PREROUTING"), "-j " CHAIN_PREROUTING);
    struct fw_chain *pre = fw_chain_add(s, r, CHAIN_PREROUTING);
    fw_chain_printf(pre, "-j " CHAIN_NOTRACK);
    fw_chain_printf(pre, "-j " CHAIN_ZONES);
    fw_chain_add(s, r, CHAIN_NOTRACK);
    fw_chain_add(s, r, CHAIN_ZONES);
}

static void
add_port_jumps(const struct port_ctx *pc, struct fw_state *s, int family, int zone)
{
    enum fw_table f = fw_filter_table(family), r = raw_of(family);
    const char *dev = pc->p->device;

    if (!pc->p->port_security) {
        fw_chain_printf(fw_chain_add(s, f, CHAIN_FORWARD), "-m physdev --physdev-out %s "
                     "--physdev-is-bridged " C_UNFILTERED "-j ACCEPT", dev);
        fw_chain_printf(fw_chain_add(s, f, CHAIN_FORWARD), "-m physdev --physdev-in %s "
                     "--physdev-is-bridged " C_UNFILTERED "-j ACCEPT", dev);
        fw_chain_printf(fw_chain_add(s, f, CHAIN_INPUT), "-m physdev --physdev-in %s "
                     C_UNFILTERED "-j ACCEPT", dev);
        return;
    }
    fw_chain_printf(fw_chain_add(s, f, CHAIN_FORWARD), "-m physdev --physdev-out %s "
                 "--physdev-is-bridged -j " CHAIN_SG, dev);
    fw_chain_printf(fw_chain_add(s, f, CHAIN_FORWARD), "-m physdev --physdev-in %s "
                 "--physdev-is-bridged -j " CHAIN_SG, dev);
    fw_chain_printf(fw_chain_add(s, f, CHAIN_SG), "-m physdev --physdev-out %s "
                 "--physdev-is-bridged -j %s", dev, pc->in);
    fw_chain_printf(fw_chain_add(s, f, CHAIN_SG), "-m physdev --physdev-in %s "
                 "--physdev-is-bridged -j %s", dev, pc->out);
    fw_chain_printf(fw_chain_add(s, f, CHAIN_INPUT), "-m physdev --physdev-in %s -j %s", dev,
                 pc->out);
    if (!pc->stateful) {
        fw_chain_printf(fw_chain_add(s, r, CHAIN_NOTRACK), "-m physdev --physdev-in %s "
                     "-j CT --notrack", dev);
    } else {
        /* One line per network (lines_unique() drops the repeats): a bridged packet
         * meets the raw table with the bridge as its input device, whichever tap it
         * came in on, so Neutron's further `--physdev-in tap…` line per port would
         * set the same zone again, at the cost of a physdev match and a CT target per
         * port and family in every restore. */
        char bridge[IFNAMSIZ];
        wire_bridge_name(pc->p->network_id, bridge);
        fw_chain_printf(fw_chain_add(s, r, CHAIN_ZONES), "-i %s -j CT --zone %d", bridge, zone);
    }
}

static int
cmp_mac(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(struct mac));
}

/* ebtables: the port's frames must carry its MAC (or a pair's); its ARP must name one
 * of its IPv4 addresses (fixed or pairs) as the sender, unless a pair is 0.0.0.0/0. */
/* The port's MAC and its pairs' MACs, sorted, as ebtables' --among-src prints them. */
static void
among_text(const struct fw_port *p, struct buf *out)
{
    struct mac *macs = xmalloc((p->n_pairs + 1) * sizeof *macs);
    size_t n_macs = 0;
    char m[MAC_STRLEN];

    macs[n_macs++] = p->mac;
    for (size_t i = 0; i < p->n_pairs; i++) {
        size_t k;
        for (k = 0; k < n_macs && cmp_mac(&macs[k], &p->pairs[i].mac); k++) {
        }
        if (k == n_macs) {
            macs[n_macs++] = p->pairs[i].mac;
        }
    }
    qsort(macs, n_macs, sizeof *macs, cmp_mac);
    for (size_t i = 0; i < n_macs; i++) {
        mac_text_eb(&macs[i], m);
        buf_printf(out, "%s%s", i ? "," : "", m);
    }
    free(macs);
}

static void
add_eb_chains(const struct port_ctx *pc, struct fw_state *s)
{
    const struct fw_port *p = pc->p;
    char mac_chain[FW_NAME_SIZE], arp_chain[FW_NAME_SIZE];
    bool arp_open = false;
    struct buf among = BUF_INITIALIZER;

    snprintf(mac_chain, sizeof mac_chain, FW_PREFIX "-m%s", p->device);
    snprintf(arp_chain, sizeof arp_chain, FW_PREFIX "-a%s", p->device);
    among_text(p, &among);
    for (size_t i = 0; i < p->n_pairs; i++) {
        arp_open |= p->pairs[i].ip.addr.family == 4 && p->pairs[i].ip.prefix == 0;
    }
    struct fw_chain *pre = fw_chain_add(s, FW_EB_NAT, CHAIN_PREROUTING);
    fw_chain_printf(pre, "-i %s -j %s", p->device, mac_chain);
    struct fw_chain *mc = fw_chain_add(s, FW_EB_NAT, mac_chain);
    fw_chain_printf(mc, "-i %s --among-src %s -j RETURN", p->device, buf_cstr(&among));
    fw_chain_printf(mc, "-j DROP");
    buf_done(&among);
    if (arp_open) {
        return;
    }
    pre = fw_chain_add(s, FW_EB_NAT, CHAIN_PREROUTING);   /* (moved by the additions) */
    fw_chain_printf(pre, "-p ARP -i %s -j %s", p->device, arp_chain);
    struct fw_chain *ac = fw_chain_add(s, FW_EB_NAT, arp_chain);
    for (size_t i = 0; i < p->n_fixed_ips; i++) {
        char a[IP_STRLEN];
        if (p->fixed_ips[i].family == 4) {
            ip_format(&p->fixed_ips[i], a);
            fw_chain_printf(ac, "-p ARP --arp-ip-src %s -j RETURN", a);
        }
    }
    for (size_t i = 0; i < p->n_pairs; i++) {
        char a[CIDR_STRLEN];
        if (p->pairs[i].ip.addr.family == 4) {
            member_text(&p->pairs[i].ip, a);
            fw_chain_printf(ac, "-p ARP --arp-ip-src %s -j RETURN", a);
        }
    }
    fw_chain_printf(ac, "-j DROP");
}

/* --- Conntrack zones: one per network, as Neutron's linux-bridge agent ----------------- */

struct zone {
    char bridge[IFNAMSIZ];
    int zone;
};

static bool
zone_used(const struct zone *zones, size_t n, int zone)
{
    for (size_t i = 0; i < n; i++) {
        if (zones[i].zone == zone) {
            return true;
        }
    }
    return false;
}

/* Gives each network of a filtered, stateful port a zone: the one it has in 'have', or
 * the lowest one no other network holds. */
static struct zone *
zones_assign(const struct fw_model *m, const struct fw_state *have, size_t *ret_n)
{
    struct zone *zones = NULL;
    size_t n = 0, cap = 0;

    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < m->n_ports; i++) {
            const struct fw_port *p = &m->ports[i];
            struct zone z = { .zone = 0 };
            size_t k;
            if (!p->port_security || !fw_port_stateful(m, p)) {
                continue;
            }
            wire_bridge_name(p->network_id, z.bridge);
            for (k = 0; k < n && !STREQ(zones[k].bridge, z.bridge); k++) {
            }
            if (k < n) {
                continue;
            }
            z.zone = fw_state_zone(have, z.bridge);
            if (pass == 0 && (!z.zone || zone_used(zones, n, z.zone))) {
                continue;       /* New networks wait for the second pass. */
            }
            if (pass == 1) {
                for (z.zone = FW_ZONE_FIRST; zone_used(zones, n, z.zone); z.zone++) {
                }
            }
            zones = array_append(zones, &n, &cap, &z, sizeof z);
        }
    }
    *ret_n = n;
    return zones;
}

static int
zone_of(const struct zone *zones, size_t n, const char *network_id)
{
    char bridge[IFNAMSIZ];

    wire_bridge_name(network_id, bridge);
    for (size_t i = 0; i < n; i++) {
        if (STREQ(zones[i].bridge, bridge)) {
            return zones[i].zone;
        }
    }
    return 0;
}

/* --- Remote groups as ipsets -------------------------------------------------------- */

/* A member address into its set.  hash:net holds prefixes of 1 bit and more, so "any
 * address" (a member's allowed address pair of 0.0.0.0/0 or ::/0) goes in as its two
 * halves, as Neutron's agent writes it: the set then matches every source, as the
 * pair says. */
static void
add_member(struct fw_set *set, const struct cidr *c)
{
    char a[CIDR_STRLEN];

    if (c->prefix > 0) {
        member_text(c, a);
        fw_set_add_member(set, a);
        return;
    }
    for (int half = 0; half < 2; half++) {
        struct cidr h = { .addr = { .family = c->addr.family }, .prefix = 1 };
        h.addr.v = (u128) half << (ip_bits(c->addr.family) - 1);
        member_text(&h, a);
        fw_set_add_member(set, a);
    }
}

static void
add_sets(const struct port_ctx *pc, struct fw_state *s)
{
    for (size_t i = 0; i < pc->p->n_groups; i++) {
        const struct fw_group *g = fw_model_group(pc->m, pc->p->groups[i]);
        for (size_t k = 0; g && k < g->n_rules; k++) {
            const struct fw_rule *r = &g->rules[k];
            char name[FW_NAME_SIZE];
            if (!r->remote_group[0]) {
                continue;
            }
            fw_set_name(r->ethertype, r->remote_group, name);
            bool seen = false;
            for (size_t j = 0; j < s->n_sets && !seen; j++) {
                seen = STREQ(s->sets[j].name, name);
            }
            if (seen) {
                continue;       /* Another rule or port made it already. */
            }
            struct fw_set *set = fw_set_add(s, name, r->ethertype);
            const struct fw_members *ms = fw_model_members(pc->m, r->remote_group);
            for (size_t j = 0; ms && j < ms->n_addrs; j++) {
                if (ms->addrs[j].addr.family == r->ethertype) {
                    add_member(set, &ms->addrs[j]);
                }
            }
        }
    }
}

/* Drops repeated members (a port's address and a pair's may be the same). */
static void
sets_unique(struct fw_state *s)
{
    for (size_t i = 0; i < s->n_sets; i++) {
        struct fw_set *set = &s->sets[i];
        size_t out = 0;
        for (size_t k = 0; k < set->n_members; k++) {
            if (out && STREQ(set->members[out - 1], set->members[k])) {
                continue;       /* (The text stays in the pool.) */
            }
            set->members[out++] = set->members[k];
        }
        set->n_members = out;
    }
}

/* Each set's size: the kernel's set keeps the size it has while its members fit (a set an
 * older agent made with ipset's default included); a set made, or one outgrown, gets
 * fw_set_capacity(), which the planner meets by swapping a new set in. */
static void
sets_size(struct fw_state *want, const struct fw_state *have)
{
    for (size_t i = 0; i < want->n_sets; i++) {
        struct fw_set *w = &want->sets[i];
        const struct fw_set *h = fw_state_set(have, w->name);
        w->maxelem = h && h->maxelem >= w->n_members ? h->maxelem
                     : fw_set_capacity(w->n_members);
    }
}

/* Sorts the lines of the shared and built-in chains and drops repeated ones (every port
 * of a network adds the network's zone line); their order does not matter. */
static void
lines_unique(struct fw_state *s)
{
    for (int t = 0; t < FW_N_TABLES; t++) {
        for (size_t i = 0; i < s->tables[t].n_chains; i++) {
            struct fw_chain *c = &s->tables[t].chains[i];
            size_t out = 0;
            if (c->kind == FW_CHAIN_WHOLE || !c->n_lines) {
                continue;
            }
            qsort(c->lines, c->n_lines, sizeof *c->lines, fw_cmp_str);
            for (size_t k = 0; k < c->n_lines; k++) {
                if (out && STREQ(c->lines[out - 1], c->lines[k])) {
                    continue;   /* (The text stays in the pool.) */
                }
                c->lines[out++] = c->lines[k];
            }
            c->n_lines = out;
        }
    }
}

void
fw_state_desired(const struct fw_model *m, const struct fw_state *have, struct fw_state *want)
{
    size_t n_zones;
    struct zone *zones;

    fw_state_init(want);
    if (!m->n_ports) {
        return;                 /* Nothing of ours stays when the last port goes. */
    }
    zones = zones_assign(m, have, &n_zones);
    add_shared_chains(want, 4);
    add_shared_chains(want, 6);
    fw_chain_printf(fw_chain_add(want, FW_EB_NAT, "PREROUTING"), "-j " CHAIN_PREROUTING);
    fw_chain_add(want, FW_EB_NAT, CHAIN_PREROUTING);
    for (size_t i = 0; i < m->n_ports; i++) {
        struct port_ctx pc = { .m = m, .p = &m->ports[i], .index = (int) i };
        int zone = zone_of(zones, n_zones, pc.p->network_id);
        pc.stateful = fw_port_stateful(m, pc.p);
        fw_port_chain_name('i', pc.p->id, pc.in);
        fw_port_chain_name('o', pc.p->id, pc.out);
        fw_port_chain_name('s', pc.p->id, pc.spoof);
        for (int family = 4; family <= 6; family += 2) {
            if (pc.p->port_security) {
                add_ingress_chain(&pc, want, family);
                add_egress_chain(&pc, want, family);
                add_spoof_chain(&pc, want, family);
            }
            add_port_jumps(&pc, want, family, zone);
        }
        if (pc.p->port_security) {
            add_eb_chains(&pc, want);
            add_sets(&pc, want);
        }
    }
    lines_unique(want);
    fw_chain_printf(fw_chain_add(want, FW_V4_FILTER, CHAIN_SG), "-j ACCEPT");     /* Its tail. */
    fw_chain_printf(fw_chain_add(want, FW_V6_FILTER, CHAIN_SG), "-j ACCEPT");
    free(zones);
    fw_state_sort(want);
    sets_unique(want);
    sets_size(want, have);
}
