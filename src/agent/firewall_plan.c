/* Planning the firewall's changes (see firewall_plan.h).  The rules follow what
 * Neutron's iptables firewall driver puts in the kernel for the linux-bridge agent
 * (docs/behaviour/dataplane.md, "Security groups"); they are written exactly as
 * iptables-save prints them, so a state read back compares equal to the one wanted. */
#include "firewall_plan.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "ctnetlink.h"
#include "util.h"
#include "wire_plan.h"

#define CHAIN_FORWARD FW_PREFIX "-FORWARD"
#define CHAIN_INPUT FW_PREFIX "-INPUT"
#define CHAIN_SG FW_PREFIX "-sg-chain"
#define CHAIN_FALLBACK FW_PREFIX "-fallback"
#define CHAIN_PREROUTING FW_PREFIX "-PREROUTING"
#define CHAIN_NOTRACK FW_PREFIX "-notrack"
#define CHAIN_ZONES FW_PREFIX "-zones"

/* Comments on the fixed rules.  Rules made from security group rules carry none: that
 * is how a removed one is told apart (its connections are deleted). */
#define C_KNOWN "-m comment --comment \"part of a known connection\" "
#define C_INVALID "-m comment --comment \"not a valid packet of a known connection\" "
#define C_UNMATCHED "-m comment --comment \"no rule allowed this\" "
#define C_DHCP_REPLY "-m comment --comment \"DHCP reply to the port\" "
#define C_DHCP_REQUEST "-m comment --comment \"DHCP request from the port\" "
#define C_DHCP_SERVER "-m comment --comment \"no DHCP server behind a port\" "
#define C_ND_IN "-m comment --comment \"neighbour discovery and multicast listeners\" "
#define C_ND_OUT "-m comment --comment \"address configuration of the port\" "
#define C_RA "-m comment --comment \"no router advertisement from a port\" "
#define C_RA_IN "-m comment --comment \"router advertisement to the port\" "
#define C_ICMP6 "-m comment --comment \"ICMPv6 from the port\" "
#define C_SOURCE_OK "-m comment --comment \"a source the port may use\" "
#define C_SOURCE_BAD "-m comment --comment \"a source the port may not use\" "
#define C_TO_SG "-m comment --comment \"to the security group chains\" "
#define C_UNFILTERED "-m comment --comment \"port security disabled\" "

static const enum fw_tool table_tool[FW_N_TABLES] = {
    FW_TOOL_IPTABLES, FW_TOOL_IPTABLES, FW_TOOL_IP6TABLES, FW_TOOL_IP6TABLES,
    FW_TOOL_EBTABLES,
};
static const char *const table_names[FW_N_TABLES] = { "raw", "filter", "raw", "filter", "nat" };

/* --- States -------------------------------------------------------------------------- */

void
fw_state_init(struct fw_state *s)
{
    memset(s, 0, sizeof *s);
}

static void
lines_free(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(lines[i]);
    }
    free(lines);
}

void
fw_state_done(struct fw_state *s)
{
    for (int t = 0; t < FW_N_TABLES; t++) {
        struct fw_table_state *ts = &s->tables[t];
        for (size_t i = 0; i < ts->n_chains; i++) {
            lines_free(ts->chains[i].lines, ts->chains[i].n_lines);
        }
        free(ts->chains);
        free(ts->slots);
    }
    for (size_t i = 0; i < s->n_sets; i++) {
        lines_free(s->sets[i].members, s->sets[i].n_members);
    }
    free(s->sets);
    memset(s, 0, sizeof *s);
}

static bool
owned(const char *name)
{
    return !strncmp(name, FW_PREFIX, strlen(FW_PREFIX));
}

static bool
builtin(const char *name)
{
    static const char *const names[] = { "INPUT", "FORWARD", "OUTPUT", "PREROUTING",
                                         "POSTROUTING", "BROUTING" };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (STREQ(name, names[i])) {
            return true;
        }
    }
    return false;
}

/* How a chain of ours is changed, from its table and name. */
static enum fw_chain_kind
chain_kind(enum fw_table t, const char *name, bool *has_tail)
{
    *has_tail = false;
    if (builtin(name)) {
        return FW_CHAIN_BUILTIN;
    }
    if (t == FW_EB_NAT) {
        return STREQ(name, CHAIN_PREROUTING) ? FW_CHAIN_SET : FW_CHAIN_WHOLE;
    }
    if (STREQ(name, CHAIN_SG)) {
        *has_tail = true;
        return FW_CHAIN_SET;
    }
    if (STREQ(name, CHAIN_FORWARD) || STREQ(name, CHAIN_INPUT) || STREQ(name, CHAIN_NOTRACK)
        || STREQ(name, CHAIN_ZONES)) {
        return FW_CHAIN_SET;
    }
    return FW_CHAIN_WHOLE;
}

static size_t
name_hash(const char *name)
{
    size_t h = 14695981039346656037u;

    for (; *name; name++) {
        h = (h ^ (unsigned char) *name) * 1099511628211u;
    }
    return h;
}

/* The slot of 'name' in the hash: where it is, or the empty one where it would go. */
static size_t *
chain_slot(const struct fw_table_state *ts, const char *name)
{
    size_t i = name_hash(name) & (ts->n_slots - 1);

    while (ts->slots[i] && !STREQ(ts->chains[ts->slots[i] - 1].name, name)) {
        i = (i + 1) & (ts->n_slots - 1);
    }
    return &ts->slots[i];
}

/* Keeps the hash at most half full, so that building a state of thousands of chains
 * stays linear. */
static void
chain_index_grow(struct fw_table_state *ts)
{
    if (ts->n_slots && 2 * (ts->n_chains + 1) <= ts->n_slots) {
        return;
    }
    free(ts->slots);
    ts->n_slots = ts->n_slots ? 2 * ts->n_slots : 64;
    while (ts->n_slots < 2 * (ts->n_chains + 1)) {
        ts->n_slots *= 2;
    }
    ts->slots = xcalloc(ts->n_slots, sizeof *ts->slots);
    for (size_t i = 0; i < ts->n_chains; i++) {
        *chain_slot(ts, ts->chains[i].name) = i + 1;
    }
}

/* The chain 'name' of table 't', made empty if there is none.  The pointer is valid
 * until the next chain_add() of the table. */
static struct fw_chain *
chain_add(struct fw_state *s, enum fw_table t, const char *name)
{
    struct fw_table_state *ts = &s->tables[t];
    struct fw_chain *c;
    size_t *slot;

    chain_index_grow(ts);
    slot = chain_slot(ts, name);
    if (*slot) {
        return &ts->chains[*slot - 1];
    }
    ts->chains = array_grow(ts->chains, ts->n_chains, &ts->cap_chains, sizeof *ts->chains);
    c = &ts->chains[ts->n_chains++];
    *slot = ts->n_chains;
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->kind = chain_kind(t, name, &c->has_tail);
    c->port = -1;
    return c;
}

static void
chain_add_line(struct fw_chain *c, const char *line)
{
    char *copy = xstrdup(line);

    c->lines = array_append(c->lines, &c->n_lines, &c->cap_lines, &copy, sizeof copy);
}

/* Appends a line unless the chain has it already (rules of several groups may be the
 * same; see lines_unique() for the shared chains). */
static void
chain_printf(struct fw_chain *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
chain_printf(struct fw_chain *c, const char *fmt, ...)
{
    struct buf b = BUF_INITIALIZER;
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    /* Shared chains grow with every port: they are made unique once, at the end. */
    for (size_t i = 0; c->kind == FW_CHAIN_WHOLE && i < c->n_lines; i++) {
        if (STREQ(c->lines[i], buf_cstr(&b))) {
            buf_done(&b);
            return;
        }
    }
    chain_add_line(c, buf_cstr(&b));
    buf_done(&b);
}

static int
cmp_chain(const void *a, const void *b)
{
    return strcmp(((const struct fw_chain *) a)->name, ((const struct fw_chain *) b)->name);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static int
cmp_set(const void *a, const void *b)
{
    return strcmp(((const struct fw_set *) a)->name, ((const struct fw_set *) b)->name);
}

/* Sorts chains and sets by name (and set members), for lookups and the diff. */
static void
state_sort(struct fw_state *s)
{
    for (int t = 0; t < FW_N_TABLES; t++) {
        struct fw_table_state *ts = &s->tables[t];
        if (ts->n_chains) {
            qsort(ts->chains, ts->n_chains, sizeof *ts->chains, cmp_chain);
        }
        free(ts->slots);        /* Sorted, it is searched by bisection. */
        ts->slots = NULL;
        ts->n_slots = 0;
    }
    if (s->n_sets) {
        qsort(s->sets, s->n_sets, sizeof *s->sets, cmp_set);
    }
    for (size_t i = 0; i < s->n_sets; i++) {
        if (s->sets[i].n_members) {
            qsort(s->sets[i].members, s->sets[i].n_members, sizeof(char *), cmp_str);
        }
    }
}

const struct fw_chain *
fw_state_chain(const struct fw_state *s, enum fw_table t, const char *name)
{
    const struct fw_table_state *ts = &s->tables[t];
    struct fw_chain key;

    if (!ts->n_chains) {
        return NULL;
    }
    snprintf(key.name, sizeof key.name, "%s", name);
    return bsearch(&key, ts->chains, ts->n_chains, sizeof key, cmp_chain);
}

const struct fw_set *
fw_state_set(const struct fw_state *s, const char *name)
{
    struct fw_set key;

    if (!s->n_sets) {
        return NULL;
    }
    snprintf(key.name, sizeof key.name, "%s", name);
    return bsearch(&key, s->sets, s->n_sets, sizeof key, cmp_set);
}

static struct fw_set *
set_add(struct fw_state *s, const char *name, int family)
{
    for (size_t i = 0; i < s->n_sets; i++) {
        if (STREQ(s->sets[i].name, name)) {
            return &s->sets[i];
        }
    }
    s->sets = array_grow(s->sets, s->n_sets, &s->cap_sets, sizeof *s->sets);
    struct fw_set *set = &s->sets[s->n_sets++];
    memset(set, 0, sizeof *set);
    snprintf(set->name, sizeof set->name, "%s", name);
    set->family = family;
    return set;
}

static void
set_add_member(struct fw_set *set, const char *member)
{
    char *copy = xstrdup(member);

    set->members = array_append(set->members, &set->n_members, &set->cap_members, &copy,
                                sizeof copy);
}

/* --- Reading the kernel's state -------------------------------------------------------- */

/* Whether a rule of a built-in chain is one of our jumps: it ends "-j neutrino-fw...". */
static bool
our_jump(const char *rule)
{
    const char *j = strstr(rule, "-j " FW_PREFIX);

    return j && !strchr(j + 3, ' ');
}

/* One "-A chain rule" line of table 't'. */
static void
parse_rule(struct fw_state *s, enum fw_table t, const char *line)
{
    char chain[FW_NAME_SIZE];
    const char *sp = strchr(line + 3, ' ');
    size_t len = sp ? (size_t) (sp - (line + 3)) : strlen(line + 3);

    if (len >= sizeof chain) {
        return;                 /* Not a name of ours. */
    }
    memcpy(chain, line + 3, len);
    chain[len] = '\0';
    const char *rule = sp ? sp + 1 : "";
    if (owned(chain) || (builtin(chain) && our_jump(rule))) {
        chain_add_line(chain_add(s, t, chain), rule);
    }
}

/* Reads one *-save output whose tables map to ours through 'map' (NULL: ignored). */
static int
parse_save(struct fw_state *s, const char *text, int (*map)(const char *table))
{
    int t = -1;

    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t) (nl - p) : strlen(p);
        char *line = xstrndup(p, len);

        if (line[0] == '*') {
            t = map(line + 1);
        } else if (t >= 0 && line[0] == ':') {
            char name[FW_NAME_SIZE];
            if (sscanf(line + 1, "%31s", name) == 1 && owned(name)) {
                chain_add(s, t, name);
            }
        } else if (t >= 0 && !strncmp(line, "-A ", 3)) {
            parse_rule(s, t, line);
        }
        free(line);
        p += len + (nl ? 1 : 0);
    }
    state_sort(s);
    return 0;
}

static int
map_v4(const char *table)
{
    return STREQ(table, "raw") ? FW_V4_RAW : STREQ(table, "filter") ? FW_V4_FILTER : -1;
}

static int
map_v6(const char *table)
{
    return STREQ(table, "raw") ? FW_V6_RAW : STREQ(table, "filter") ? FW_V6_FILTER : -1;
}

static int
map_eb(const char *table)
{
    return STREQ(table, "nat") ? FW_EB_NAT : -1;
}

int
fw_state_parse_iptables(struct fw_state *s, int family, const char *text)
{
    if (family != 4 && family != 6) {
        return -EINVAL;
    }
    return parse_save(s, text, family == 4 ? map_v4 : map_v6);
}

int
fw_state_parse_ebtables(struct fw_state *s, const char *text)
{
    return parse_save(s, text, map_eb);
}

int
fw_state_parse_ipset(struct fw_state *s, const char *text)
{
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t) (nl - p) : strlen(p);
        char *line = xstrndup(p, len);
        char name[64], arg[64];

        if (sscanf(line, "create %63s %*s family %63s", name, arg) == 2 && owned(name)
            && strlen(name) < FW_NAME_SIZE) {
            set_add(s, name, STREQ(arg, "inet6") ? 6 : 4);
        } else if (sscanf(line, "add %63s %63s", name, arg) == 2 && owned(name)
                   && strlen(name) < FW_NAME_SIZE) {
            set_add_member(set_add(s, name, strchr(arg, ':') ? 6 : 4), arg);
        }
        free(line);
        p += len + (nl ? 1 : 0);
    }
    state_sort(s);
    return 0;
}

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
filter_of(int family)
{
    return family == 4 ? FW_V4_FILTER : FW_V6_FILTER;
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

/* --- The desired state ---------------------------------------------------------------- */

struct port_ctx {
    const struct fw_model *m;
    const struct fw_port *p;
    int index;                  /* In the model. */
    bool stateful;
    char in[FW_NAME_SIZE], out[FW_NAME_SIZE], spoof[FW_NAME_SIZE];
};

/* A port is stateless when its first group is (Neutron refuses a port mixing both). */
static bool
port_stateful(const struct fw_model *m, const struct fw_port *p)
{
    for (size_t i = 0; i < p->n_groups; i++) {
        const struct fw_group *g = fw_model_group(m, p->groups[i]);
        if (g) {
            return g->stateful;
        }
    }
    return true;
}

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
            if (r->port_min == max) {
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
                chain_printf(c, "%s", buf_cstr(&line));
            }
        }
    }
    buf_done(&line);
    if (pc->stateful) {
        chain_printf(c, "-m conntrack --ctstate INVALID " C_INVALID "-j DROP");
    }
    chain_printf(c, C_UNMATCHED "-j " CHAIN_FALLBACK);
}

static void
add_known(const struct port_ctx *pc, struct fw_chain *c)
{
    if (pc->stateful) {
        chain_printf(c, "-m conntrack --ctstate RELATED,ESTABLISHED " C_KNOWN "-j RETURN");
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
    struct fw_chain *c = chain_add(s, filter_of(family), pc->in);

    c->port = pc->index;
    c->dir = 'i';
    if (family == 4) {
        add_known(pc, c);
        for (size_t i = 0; i < pc->p->n_fixed_ips; i++) {
            char a[IP_STRLEN];
            if (pc->p->fixed_ips[i].family == 4) {
                ip_format(&pc->p->fixed_ips[i], a);
                chain_printf(c, "-d %s/32 -p udp -m udp --sport 67 --dport 68 " C_DHCP_REPLY
                             "-j RETURN", a);
            }
        }
        chain_printf(c, "-d 255.255.255.255/32 -p udp -m udp --sport 67 --dport 68 "
                     C_DHCP_REPLY "-j RETURN");
    } else {
        static const int types[] = { 130, 135, 136 };
        for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
            chain_printf(c, "-p ipv6-icmp -m icmp6 --icmpv6-type %d " C_ND_IN "-j RETURN",
                         types[i]);
        }
        add_known(pc, c);
        chain_printf(c, "-d fe80::/64 -p udp -m udp --sport 547 --dport 546 " C_DHCP_REPLY
                     "-j RETURN");
        /* Neutron's server adds this rule to every port with an IPv6 address, so that
         * SLAAC and the default route work whatever the groups say. */
        if (has_family(pc->p, 6)) {
            chain_printf(c, "-p ipv6-icmp -m icmp6 --icmpv6-type 134 " C_RA_IN "-j RETURN");
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
        chain_printf(c, "-m mac --mac-source %s " C_SOURCE_OK "-j RETURN", m);
        return;
    }
    cidr_text(ip, a);
    chain_printf(c, "-s %s -m mac --mac-source %s " C_SOURCE_OK "-j RETURN", a, m);
}

/* The sources the port may send from: its allowed address pairs, then its fixed IPs,
 * each with its MAC; for IPv6 also each MAC's link-local address. */
static void
add_spoof_chain(const struct port_ctx *pc, struct fw_state *s, int family)
{
    struct fw_chain *c = chain_add(s, filter_of(family), pc->spoof);
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
    chain_printf(c, C_SOURCE_BAD "-j DROP");
}

static void
add_egress_chain(const struct port_ctx *pc, struct fw_state *s, int family)
{
    struct fw_chain *c = chain_add(s, filter_of(family), pc->out);

    c->port = pc->index;
    c->dir = 'o';
    if (family == 4) {
        chain_printf(c, "-s 0.0.0.0/32 -d 255.255.255.255/32 -p udp -m udp --sport 68 --dport 67 "
                     C_DHCP_REQUEST "-j RETURN");
        chain_printf(c, "-j %s", pc->spoof);
        chain_printf(c, "-p udp -m udp --sport 68 --dport 67 " C_DHCP_REQUEST "-j RETURN");
        chain_printf(c, "-p udp -m udp --sport 67 --dport 68 " C_DHCP_SERVER "-j DROP");
    } else {
        static const int types[] = { 131, 135, 143 };
        for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
            chain_printf(c, "-s ::/128 -d ff02::/16 -p ipv6-icmp -m icmp6 --icmpv6-type %d "
                         C_ND_OUT "-j RETURN", types[i]);
        }
        chain_printf(c, "-j %s", pc->spoof);
        chain_printf(c, "-p ipv6-icmp -m icmp6 --icmpv6-type 134 " C_RA "-j DROP");
        chain_printf(c, "-p ipv6-icmp " C_ICMP6 "-j RETURN");
        chain_printf(c, "-p udp -m udp --sport 546 --dport 547 " C_DHCP_REQUEST "-j RETURN");
        chain_printf(c, "-p udp -m udp --sport 547 --dport 546 " C_DHCP_SERVER "-j DROP");
    }
    add_known(pc, c);
    add_group_rules(pc, c, FW_EGRESS, family);
}

/* The shared chains and the built-in chains' jumps of one family. */
static void
add_shared_chains(struct fw_state *s, int family)
{
    enum fw_table f = filter_of(family), r = raw_of(family);

    chain_printf(chain_add(s, f, "FORWARD"), "-j " CHAIN_FORWARD);
    chain_printf(chain_add(s, f, "INPUT"), "-j " CHAIN_INPUT);
    chain_add(s, f, CHAIN_FORWARD);
    chain_add(s, f, CHAIN_INPUT);
    chain_add(s, f, CHAIN_SG);
    chain_printf(chain_add(s, f, CHAIN_FALLBACK), C_UNMATCHED "-j DROP");
    chain_printf(chain_add(s, r, "PREROUTING"), "-j " CHAIN_PREROUTING);
    struct fw_chain *pre = chain_add(s, r, CHAIN_PREROUTING);
    chain_printf(pre, "-j " CHAIN_NOTRACK);
    chain_printf(pre, "-j " CHAIN_ZONES);
    chain_add(s, r, CHAIN_NOTRACK);
    chain_add(s, r, CHAIN_ZONES);
}

static void
add_port_jumps(const struct port_ctx *pc, struct fw_state *s, int family, int zone)
{
    enum fw_table f = filter_of(family), r = raw_of(family);
    const char *dev = pc->p->device;

    if (!pc->p->port_security) {
        chain_printf(chain_add(s, f, CHAIN_FORWARD), "-m physdev --physdev-out %s "
                     "--physdev-is-bridged " C_UNFILTERED "-j ACCEPT", dev);
        chain_printf(chain_add(s, f, CHAIN_FORWARD), "-m physdev --physdev-in %s "
                     "--physdev-is-bridged " C_UNFILTERED "-j ACCEPT", dev);
        chain_printf(chain_add(s, f, CHAIN_INPUT), "-m physdev --physdev-in %s "
                     C_UNFILTERED "-j ACCEPT", dev);
        return;
    }
    chain_printf(chain_add(s, f, CHAIN_FORWARD), "-m physdev --physdev-out %s "
                 "--physdev-is-bridged " C_TO_SG "-j " CHAIN_SG, dev);
    chain_printf(chain_add(s, f, CHAIN_FORWARD), "-m physdev --physdev-in %s "
                 "--physdev-is-bridged " C_TO_SG "-j " CHAIN_SG, dev);
    chain_printf(chain_add(s, f, CHAIN_SG), "-m physdev --physdev-out %s "
                 "--physdev-is-bridged -j %s", dev, pc->in);
    chain_printf(chain_add(s, f, CHAIN_SG), "-m physdev --physdev-in %s "
                 "--physdev-is-bridged -j %s", dev, pc->out);
    chain_printf(chain_add(s, f, CHAIN_INPUT), "-m physdev --physdev-in %s -j %s", dev,
                 pc->out);
    if (!pc->stateful) {
        chain_printf(chain_add(s, r, CHAIN_NOTRACK), "-m physdev --physdev-in %s "
                     "-j CT --notrack", dev);
    } else {
        char bridge[IFNAMSIZ];
        wire_bridge_name(pc->p->network_id, bridge);
        chain_printf(chain_add(s, r, CHAIN_ZONES), "-i %s -j CT --zone %d", bridge, zone);
        chain_printf(chain_add(s, r, CHAIN_ZONES), "-m physdev --physdev-in %s "
                     "-j CT --zone %d", dev, zone);
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
    struct fw_chain *pre = chain_add(s, FW_EB_NAT, CHAIN_PREROUTING);
    chain_printf(pre, "-i %s -j %s", p->device, mac_chain);
    struct fw_chain *mc = chain_add(s, FW_EB_NAT, mac_chain);
    chain_printf(mc, "-i %s --among-src %s -j RETURN", p->device, buf_cstr(&among));
    chain_printf(mc, "-j DROP");
    buf_done(&among);
    if (arp_open) {
        return;
    }
    pre = chain_add(s, FW_EB_NAT, CHAIN_PREROUTING);   /* (moved by the additions) */
    chain_printf(pre, "-p ARP -i %s -j %s", p->device, arp_chain);
    struct fw_chain *ac = chain_add(s, FW_EB_NAT, arp_chain);
    for (size_t i = 0; i < p->n_fixed_ips; i++) {
        char a[IP_STRLEN];
        if (p->fixed_ips[i].family == 4) {
            ip_format(&p->fixed_ips[i], a);
            chain_printf(ac, "-p ARP --arp-ip-src %s -j RETURN", a);
        }
    }
    for (size_t i = 0; i < p->n_pairs; i++) {
        char a[CIDR_STRLEN];
        if (p->pairs[i].ip.addr.family == 4) {
            member_text(&p->pairs[i].ip, a);
            chain_printf(ac, "-p ARP --arp-ip-src %s -j RETURN", a);
        }
    }
    chain_printf(ac, "-j DROP");
}

/* --- Conntrack zones: one per network, as Neutron's linux-bridge agent ----------------- */

struct zone {
    char bridge[IFNAMSIZ];
    int zone;
};

/* The zone of 'bridge' in a state's zone chain, or 0. */
static int
zone_in_state(const struct fw_state *s, const char *bridge)
{
    const struct fw_chain *c = fw_state_chain(s, FW_V4_RAW, CHAIN_ZONES);
    char dev[IFNAMSIZ + 1];
    int zone;

    for (size_t i = 0; c && i < c->n_lines; i++) {
        if (sscanf(c->lines[i], "-i %16s -j CT --zone %d", dev, &zone) == 2
            && STREQ(dev, bridge)) {
            return zone;
        }
    }
    return 0;
}

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
            if (!p->port_security || !port_stateful(m, p)) {
                continue;
            }
            wire_bridge_name(p->network_id, z.bridge);
            for (k = 0; k < n && !STREQ(zones[k].bridge, z.bridge); k++) {
            }
            if (k < n) {
                continue;
            }
            z.zone = zone_in_state(have, z.bridge);
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
            struct fw_set *set = set_add(s, name, r->ethertype);
            const struct fw_members *ms = fw_model_members(pc->m, r->remote_group);
            for (size_t j = 0; ms && j < ms->n_addrs; j++) {
                char a[CIDR_STRLEN];
                /* hash:net holds prefixes of 1 bit and more. */
                if (ms->addrs[j].addr.family == r->ethertype && ms->addrs[j].prefix > 0) {
                    member_text(&ms->addrs[j], a);
                    set_add_member(set, a);
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
                free(set->members[k]);
                continue;
            }
            set->members[out++] = set->members[k];
        }
        set->n_members = out;
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
            qsort(c->lines, c->n_lines, sizeof *c->lines, cmp_str);
            for (size_t k = 0; k < c->n_lines; k++) {
                if (out && STREQ(c->lines[out - 1], c->lines[k])) {
                    free(c->lines[k]);
                    continue;
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
    chain_printf(chain_add(want, FW_EB_NAT, "PREROUTING"), "-j " CHAIN_PREROUTING);
    chain_add(want, FW_EB_NAT, CHAIN_PREROUTING);
    for (size_t i = 0; i < m->n_ports; i++) {
        struct port_ctx pc = { .m = m, .p = &m->ports[i], .index = (int) i };
        int zone = zone_of(zones, n_zones, pc.p->network_id);
        pc.stateful = port_stateful(m, pc.p);
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
    chain_printf(chain_add(want, FW_V4_FILTER, CHAIN_SG), "-j ACCEPT");     /* Its tail. */
    chain_printf(chain_add(want, FW_V6_FILTER, CHAIN_SG), "-j ACCEPT");
    free(zones);
    state_sort(want);
    sets_unique(want);
}

/* --- The difference ------------------------------------------------------------------ */

void
fw_plan_init(struct fw_plan *p)
{
    memset(p, 0, sizeof *p);
}

void
fw_plan_done(struct fw_plan *p)
{
    buf_done(&p->ipset_pre);
    buf_done(&p->ipset_post);
    for (int i = 0; i < FW_N_TOOLS; i++) {
        buf_done(&p->restore[i]);
    }
    free(p->ct);
    memset(p, 0, sizeof *p);
}

bool
fw_plan_empty(const struct fw_plan *p)
{
    for (int i = 0; i < FW_N_TOOLS; i++) {
        if (p->restore[i].len) {
            return false;
        }
    }
    return !p->ipset_pre.len && !p->ipset_post.len && !p->n_ct;
}

static void
ct_add(struct fw_plan *p, const struct fw_ct_delete *d)
{
    for (size_t i = 0; i < p->n_ct; i++) {
        if (!memcmp(&p->ct[i], d, sizeof *d)) {
            return;
        }
    }
    p->ct = array_append(p->ct, &p->n_ct, &p->cap_ct, d, sizeof *d);
}

static void
ct_init(struct fw_ct_delete *d, int family, int zone)
{
    memset(d, 0, sizeof *d);
    d->family = family;
    d->zone = zone;
}

/* The protocol of a rule line, as conntrack names it; "" when none or not one conntrack
 * can filter on (then all the port's connections of the family go). */
static void
line_proto(const char *line, char out[16])
{
    static const char *const known[] = { "tcp", "udp", "icmp", "sctp", "dccp", "udplite",
                                         "gre" };
    const char *p = strstr(line, "-p ");
    char name[16] = "";

    out[0] = '\0';
    if (!p || sscanf(p + 3, "%15s", name) != 1) {
        return;
    }
    if (STREQ(name, "ipv6-icmp")) {
        snprintf(out, 16, "icmpv6");
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
        if (STREQ(name, known[i])) {
            snprintf(out, 16, "%s", name);
        }
    }
}

/* Whether a line of a port chain came from a security group rule (see C_KNOWN). */
static bool
rule_made_line(const char *line)
{
    size_t len = strlen(line);

    return !strstr(line, "--comment") && len > 9 && STREQ(line + len - 9, "-j RETURN");
}

struct ct_port {
    const struct fw_port *p;
    int family;
    int zone;                   /* 0: not tracked (stateless). */
};

static bool
ct_port_of(const struct fw_model *m, const struct fw_state *want, const struct fw_chain *c,
           enum fw_table t, struct ct_port *ret)
{
    char bridge[IFNAMSIZ];

    if (c->port < 0 || (c->dir != 'i' && c->dir != 'o')) {
        return false;
    }
    ret->p = &m->ports[c->port];
    ret->family = t == FW_V4_FILTER ? 4 : 6;
    wire_bridge_name(ret->p->network_id, bridge);
    ret->zone = port_stateful(m, ret->p) ? zone_in_state(want, bridge) : 0;
    return ret->zone > 0;
}

/* The connections a removed rule line of port chain 'c' allowed: those of its protocol
 * to (ingress) or from (egress) the port's fixed IPs, as Neutron deletes them. */
static void
ct_for_removed_line(const struct ct_port *cp, char dir, const char *line, struct fw_plan *p)
{
    char proto[16];

    if (!rule_made_line(line)) {
        return;
    }
    line_proto(line, proto);
    for (size_t i = 0; i < cp->p->n_fixed_ips; i++) {
        struct fw_ct_delete d;
        if (cp->p->fixed_ips[i].family != cp->family) {
            continue;
        }
        ct_init(&d, cp->family, cp->zone);
        snprintf(d.proto, sizeof d.proto, "%s", proto);
        ip_format(&cp->p->fixed_ips[i], dir == 'i' ? d.dst : d.src);
        ct_add(p, &d);
    }
}

/* Whether sorted 'lines' holds 'line'. */
static bool
has_line(char **sorted, size_t n, const char *line)
{
    return n && bsearch(&line, sorted, n, sizeof *sorted, cmp_str);
}

static char **
sorted_copy(char **lines, size_t n)
{
    char **copy = xmalloc((n ? n : 1) * sizeof *copy);

    if (n) {
        memcpy(copy, lines, n * sizeof *copy);
        qsort(copy, n, sizeof *copy, cmp_str);
    }
    return copy;
}

/* Where a table's changes are written before they are put together. */
struct table_text {
    struct buf declare;         /* New and rewritten chains. */
    struct buf append;          /* Their rules. */
    struct buf edit;            /* Lines deleted from and inserted into shared chains. */
    struct buf flush;           /* Chains that go: emptied... */
    struct buf remove;          /* ...then removed, once nothing jumps to them. */
};

static void
write_whole(enum fw_table t, const struct fw_chain *c, struct table_text *tt, struct fw_plan *p)
{
    buf_printf(&tt->declare, ":%s %s\n", c->name, t == FW_EB_NAT ? "RETURN" : "- [0:0]");
    for (size_t i = 0; i < c->n_lines; i++) {
        buf_printf(&tt->append, "-A %s %s\n", c->name, c->lines[i]);
    }
    p->n_chains_written++;
}

/* A shared or built-in chain, line by line: what goes is deleted, what comes is
 * inserted at the top (so a tail such as sg-chain's final ACCEPT stays last). */
static void
edit_lines(const struct fw_chain *want, const struct fw_chain *have, struct table_text *tt,
           struct fw_plan *p)
{
    size_t n_want = want ? want->n_lines - (want->has_tail ? 1 : 0) : 0;
    size_t n_have = have ? have->n_lines - (want && want->has_tail ? 1 : 0) : 0;
    char **w = sorted_copy(want ? want->lines : NULL, n_want);
    char **h = sorted_copy(have ? have->lines : NULL, n_have);
    const char *name = want ? want->name : have->name;

    for (size_t i = 0; i < n_have; i++) {
        if (!has_line(w, n_want, h[i])) {
            buf_printf(&tt->edit, "-D %s %s\n", name, h[i]);
            p->n_lines_changed++;
        }
    }
    for (size_t i = 0; i < n_want; i++) {
        if (!has_line(h, n_have, w[i])) {
            buf_printf(&tt->edit, "-I %s 1 %s\n", name, w[i]);
            p->n_lines_changed++;
        }
    }
    free(w);
    free(h);
}

static bool
same_lines(const struct fw_chain *a, const struct fw_chain *b)
{
    if (a->n_lines != b->n_lines) {
        return false;
    }
    for (size_t i = 0; i < a->n_lines; i++) {
        if (!STREQ(a->lines[i], b->lines[i])) {
            return false;
        }
    }
    return true;
}

/* A port chain that differs is rewritten; the rule lines it loses take their
 * connections with them. */
static void
diff_whole(const struct fw_model *m, const struct fw_state *want, enum fw_table t,
           const struct fw_chain *w, const struct fw_chain *h, struct table_text *tt,
           struct fw_plan *p)
{
    struct ct_port cp;

    if (same_lines(w, h)) {
        return;
    }
    write_whole(t, w, tt, p);
    if (t != FW_V4_FILTER && t != FW_V6_FILTER) {
        return;
    }
    if (ct_port_of(m, want, w, t, &cp)) {
        char **sorted = sorted_copy(w->lines, w->n_lines);
        for (size_t i = 0; i < h->n_lines; i++) {
            if (!has_line(sorted, w->n_lines, h->lines[i])) {
                ct_for_removed_line(&cp, w->dir, h->lines[i], p);
            }
        }
        free(sorted);
    }
}

static void
diff_chain(const struct fw_model *m, const struct fw_state *want, enum fw_table t,
           const struct fw_chain *w, const struct fw_chain *h, struct table_text *tt,
           struct fw_plan *p)
{
    if (w && h && w->kind == FW_CHAIN_WHOLE) {
        diff_whole(m, want, t, w, h, tt, p);
    } else if (w && h && w->kind == FW_CHAIN_SET && w->has_tail
               && (!h->n_lines || !STREQ(h->lines[h->n_lines - 1],
                                         w->lines[w->n_lines - 1]))) {
        write_whole(t, w, tt, p);       /* Its tail is missing: start it again. */
    } else if (w && h) {
        edit_lines(w, h, tt, p);
    } else if (w && w->kind == FW_CHAIN_BUILTIN) {
        edit_lines(w, NULL, tt, p);
    } else if (w) {
        write_whole(t, w, tt, p);
    } else if (h->kind == FW_CHAIN_BUILTIN) {
        edit_lines(NULL, h, tt, p);
    } else {
        buf_printf(&tt->flush, "-F %s\n", h->name);
        buf_printf(&tt->remove, "-X %s\n", h->name);
    }
}

static void
diff_table(const struct fw_model *m, const struct fw_state *want, const struct fw_state *have,
           enum fw_table t, struct fw_plan *p)
{
    const struct fw_table_state *ws = &want->tables[t], *hs = &have->tables[t];
    struct table_text tt;
    size_t i = 0, k = 0;

    memset(&tt, 0, sizeof tt);
    while (i < ws->n_chains || k < hs->n_chains) {
        int c = i == ws->n_chains ? 1 : k == hs->n_chains ? -1
                : strcmp(ws->chains[i].name, hs->chains[k].name);
        const struct fw_chain *w = c <= 0 ? &ws->chains[i++] : NULL;
        const struct fw_chain *h = c >= 0 ? &hs->chains[k++] : NULL;
        diff_chain(m, want, t, w, h, &tt, p);
    }
    if (tt.declare.len || tt.edit.len || tt.flush.len) {
        struct buf *out = &p->restore[table_tool[t]];
        buf_printf(out, "*%s\n%s%s%s%s%sCOMMIT\n", table_names[t], buf_cstr(&tt.declare),
                   buf_cstr(&tt.append), buf_cstr(&tt.edit), buf_cstr(&tt.flush),
                   buf_cstr(&tt.remove));
    }
    buf_done(&tt.declare);
    buf_done(&tt.append);
    buf_done(&tt.edit);
    buf_done(&tt.flush);
    buf_done(&tt.remove);
}

/* The connections member 'member' of set 'set' allowed: from it to each port whose
 * ingress rules name the set, and from each port whose egress rules do to it. */
static void
ct_for_removed_member(const struct fw_model *m, const struct fw_state *want, int family,
                      const char *set, const char *member, struct fw_plan *p)
{
    enum fw_table t = filter_of(family);
    const struct fw_table_state *ts = &want->tables[t];
    char src[FW_NAME_SIZE + 20], dst[FW_NAME_SIZE + 20];

    snprintf(src, sizeof src, "--match-set %s src ", set);
    snprintf(dst, sizeof dst, "--match-set %s dst ", set);
    for (size_t i = 0; i < ts->n_chains; i++) {
        const struct fw_chain *c = &ts->chains[i];
        struct ct_port cp;
        bool uses = false;
        if (!ct_port_of(m, want, c, t, &cp)) {
            continue;
        }
        for (size_t k = 0; k < c->n_lines && !uses; k++) {
            uses = strstr(c->lines[k], c->dir == 'i' ? src : dst) != NULL;
        }
        for (size_t k = 0; uses && k < cp.p->n_fixed_ips; k++) {
            struct fw_ct_delete d;
            if (cp.p->fixed_ips[k].family != family) {
                continue;
            }
            ct_init(&d, family, cp.zone);
            snprintf(c->dir == 'i' ? d.src : d.dst, CIDR_STRLEN, "%s", member);
            ip_format(&cp.p->fixed_ips[k], c->dir == 'i' ? d.dst : d.src);
            ct_add(p, &d);
        }
    }
}

static void
diff_set(const struct fw_model *m, const struct fw_state *want, const struct fw_set *w,
         const struct fw_set *h, struct fw_plan *p)
{
    if (!h) {
        buf_printf(&p->ipset_pre, "create %s hash:net family %s hashsize 1024 maxelem 65536\n",
                   w->name, w->family == 4 ? "inet" : "inet6");
    } else if (!w) {
        buf_printf(&p->ipset_post, "destroy %s\n", h->name);
        return;
    }
    for (size_t i = 0; i < w->n_members; i++) {
        if (!h || !has_line(h->members, h->n_members, w->members[i])) {
            buf_printf(&p->ipset_pre, "add %s %s\n", w->name, w->members[i]);
        }
    }
    for (size_t i = 0; h && i < h->n_members; i++) {
        if (!has_line(w->members, w->n_members, h->members[i])) {
            buf_printf(&p->ipset_pre, "del %s %s\n", h->name, h->members[i]);
            ct_for_removed_member(m, want, w->family, w->name, h->members[i], p);
        }
    }
}

void
fw_plan_diff(const struct fw_model *m, const struct fw_state *want, const struct fw_state *have,
             struct fw_plan *p)
{
    size_t i = 0, k = 0;

    for (int t = 0; t < FW_N_TABLES; t++) {
        diff_table(m, want, have, (enum fw_table) t, p);
    }
    while (i < want->n_sets || k < have->n_sets) {
        int c = i == want->n_sets ? 1 : k == have->n_sets ? -1
                : strcmp(want->sets[i].name, have->sets[k].name);
        const struct fw_set *w = c <= 0 ? &want->sets[i++] : NULL;
        const struct fw_set *h = c >= 0 ? &have->sets[k++] : NULL;
        diff_set(m, want, w, h, p);
    }
}

/* A deletion in the form entries are compared with. */
struct ct_filter {
    int family;
    int zone;
    int proto;                  /* IPPROTO_*; -1 for any. */
    bool any_src, any_dst;
    struct cidr src, dst;
};

struct fw_ct_match {
    struct ct_filter *filters;  /* Sorted by family and zone. */
    size_t n_filters;
};

static int
cmp_ct_filter(const void *a, const void *b)
{
    const struct ct_filter *x = a, *y = b;

    return x->family != y->family ? x->family - y->family : x->zone - y->zone;
}

/* An address filter: "" for any, else a CIDR of the deletion's family. */
static bool
ct_addr_filter(const char *text, int family, bool *ret_any, struct cidr *ret)
{
    *ret_any = !text[0];
    return *ret_any || (!cidr_parse(text, ret) && ret->addr.family == family);
}

/* The deletion as a filter; false for one that cannot name any entry. */
static bool
ct_filter_of(const struct fw_ct_delete *d, struct ct_filter *ret)
{
    ret->family = d->family;
    ret->zone = d->zone;
    ret->proto = fw_protocol_parse(d->proto[0] ? d->proto : NULL, d->family);
    return ret->proto >= -1 && ct_addr_filter(d->src, d->family, &ret->any_src, &ret->src)
           && ct_addr_filter(d->dst, d->family, &ret->any_dst, &ret->dst);
}

struct fw_ct_match *
fw_ct_match_create(const struct fw_plan *p)
{
    struct fw_ct_match *m = xcalloc(1, sizeof *m);

    m->filters = xcalloc(p->n_ct ? p->n_ct : 1, sizeof *m->filters);
    for (size_t i = 0; i < p->n_ct; i++) {
        m->n_filters += ct_filter_of(&p->ct[i], &m->filters[m->n_filters]);
    }
    qsort(m->filters, m->n_filters, sizeof *m->filters, cmp_ct_filter);
    return m;
}

void
fw_ct_match_destroy(struct fw_ct_match *m)
{
    if (m) {
        free(m->filters);
        free(m);
    }
}

static bool
ct_filter_matches(const struct ct_filter *f, const struct ctnetlink_entry *e)
{
    return f->family == e->family && f->zone == e->zone && (f->proto < 0 || f->proto == e->proto)
           && (f->any_src || cidr_contains(&f->src, &e->src))
           && (f->any_dst || cidr_contains(&f->dst, &e->dst));
}

bool
fw_ct_match_entry(const struct fw_ct_match *m, const struct ctnetlink_entry *e)
{
    struct ct_filter key = { .family = e->family, .zone = e->zone };
    size_t lo = 0, hi = m->n_filters;

    /* The first filter of the entry's family and zone; a table walk meets thousands of
     * entries of zones no deletion names. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_ct_filter(&m->filters[mid], &key) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    for (size_t i = lo; i < m->n_filters && !cmp_ct_filter(&m->filters[i], &key); i++) {
        if (ct_filter_matches(&m->filters[i], e)) {
            return true;
        }
    }
    return false;
}

void
fw_plan_make(const struct fw_model *m, const struct fw_state *have, struct fw_plan *p)
{
    struct fw_state want;

    fw_state_desired(m, have, &want);
    fw_plan_diff(m, &want, have, p);
    fw_state_done(&want);
}
