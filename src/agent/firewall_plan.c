/* Planning the firewall's changes (see firewall_plan.h): the difference between the
 * state wanted (firewall_rules.c) and the one the kernel holds (firewall_state.c) as
 * the tools' input, and the connections that lose what allowed them. */
#include "firewall_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "ctnetlink.h"
#include "util.h"
#include "wire_plan.h"

static const enum fw_tool table_tool[FW_N_TABLES] = {
    FW_TOOL_IPTABLES, FW_TOOL_IPTABLES, FW_TOOL_IP6TABLES, FW_TOOL_IP6TABLES,
    FW_TOOL_EBTABLES,
};
static const char *const table_names[FW_N_TABLES] = { "raw", "filter", "raw", "filter", "nat" };

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

/* Whether a line of a port's i or o chain came from a security group rule: it lets
 * packets through (RETURN) and is none of the fixed lines, which either carry a
 * comment (see C_ND_IN), follow the state (--ctstate) or are DHCP's (--sports: the
 * only source port match written; a rule's ports are destination ports). */
static bool
rule_made_line(const char *line)
{
    size_t len = strlen(line);

    return len > 9 && STREQ(line + len - 9, "-j RETURN") && !strstr(line, "--comment")
           && !strstr(line, "--ctstate") && !strstr(line, "--sports");
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
    ret->zone = fw_port_stateful(m, ret->p) ? fw_state_zone(want, bridge) : 0;
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
has_line(const char **sorted, size_t n, const char *line)
{
    return n && bsearch(&line, sorted, n, sizeof *sorted, fw_cmp_str);
}

static const char **
sorted_copy(const char **lines, size_t n)
{
    const char **copy = xmalloc((n ? n : 1) * sizeof *copy);

    if (n) {
        memcpy(copy, lines, n * sizeof *copy);
        qsort(copy, n, sizeof *copy, fw_cmp_str);
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
    const char **w = sorted_copy(want ? want->lines : NULL, n_want);
    const char **h = sorted_copy(have ? have->lines : NULL, n_have);
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

/* A rule's line as an older agent wrote it, in today's form: a UDP port was
 * "-m udp --dport N" before it went through multiport (UDP_PORTS, firewall_rules.c).
 * Such a line rewritten is the same rule, not one removed: its connections stay. */
static void
line_today(const char *line, struct buf *out)
{
    static const char old[] = "-p udp -m udp --dport ";
    const char *at = strstr(line, old);

    buf_clear(out);
    if (!at) {
        buf_add_str(out, line);
        return;
    }
    buf_add(out, line, (size_t) (at - line));
    buf_printf(out, "-p udp -m udp -m multiport --dports %s", at + strlen(old));
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
        const char **sorted = sorted_copy(w->lines, w->n_lines);
        struct buf today = BUF_INITIALIZER;
        for (size_t i = 0; i < h->n_lines; i++) {
            line_today(h->lines[i], &today);
            if (!has_line(sorted, w->n_lines, h->lines[i])
                && !has_line(sorted, w->n_lines, buf_cstr(&today))) {
                ct_for_removed_line(&cp, w->dir, h->lines[i], p);
            }
        }
        buf_done(&today);
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
    enum fw_table t = fw_filter_table(family);
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
