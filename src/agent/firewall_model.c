/* The firewall's input (see firewall_model.h): building it and reading it from JSON. */
#include "firewall_model.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "ip_protocol.h"
#include "util.h"

void
fw_model_init(struct fw_model *m)
{
    memset(m, 0, sizeof *m);
}

void
fw_model_done(struct fw_model *m)
{
    for (size_t i = 0; i < m->n_ports; i++) {
        free(m->ports[i].fixed_ips);
        free(m->ports[i].pairs);
        free(m->ports[i].groups);
    }
    for (size_t i = 0; i < m->n_groups; i++) {
        free(m->groups[i].rules);
    }
    for (size_t i = 0; i < m->n_members; i++) {
        free(m->members[i].addrs);
    }
    free(m->ports);
    free(m->groups);
    free(m->members);
    memset(m, 0, sizeof *m);
}

struct fw_port *
fw_model_add_port(struct fw_model *m)
{
    m->ports = array_grow(m->ports, m->n_ports, &m->cap_ports, sizeof *m->ports);
    struct fw_port *p = &m->ports[m->n_ports++];
    memset(p, 0, sizeof *p);
    p->port_security = true;
    return p;
}

struct fw_group *
fw_model_add_group(struct fw_model *m)
{
    m->groups = array_grow(m->groups, m->n_groups, &m->cap_groups, sizeof *m->groups);
    struct fw_group *g = &m->groups[m->n_groups++];
    memset(g, 0, sizeof *g);
    g->stateful = true;
    return g;
}

struct fw_members *
fw_model_add_members(struct fw_model *m)
{
    m->members = array_grow(m->members, m->n_members, &m->cap_members, sizeof *m->members);
    struct fw_members *ms = &m->members[m->n_members++];
    memset(ms, 0, sizeof *ms);
    return ms;
}

void
fw_port_add_group(struct fw_port *p, const char *group_id)
{
    p->groups = array_grow(p->groups, p->n_groups, &p->cap_groups, sizeof *p->groups);
    snprintf(p->groups[p->n_groups++], FW_ID_SIZE, "%s", group_id);
}

void
fw_port_add_fixed_ip(struct fw_port *p, const struct ip_addr *ip)
{
    p->fixed_ips = array_append(p->fixed_ips, &p->n_fixed_ips, &p->cap_fixed_ips, ip,
                                sizeof *ip);
}

void
fw_port_add_pair(struct fw_port *p, const struct cidr *ip, const struct mac *mac)
{
    struct fw_address_pair pair = { *ip, *mac };

    cidr_normalize(&pair.ip);
    p->pairs = array_append(p->pairs, &p->n_pairs, &p->cap_pairs, &pair, sizeof pair);
}

void
fw_group_add_rule(struct fw_group *g, const struct fw_rule *r)
{
    g->rules = array_append(g->rules, &g->n_rules, &g->cap_rules, r, sizeof *r);
}

void
fw_members_add(struct fw_members *ms, const struct cidr *addr)
{
    struct cidr c = *addr;

    cidr_normalize(&c);
    ms->addrs = array_append(ms->addrs, &ms->n_addrs, &ms->cap_addrs, &c, sizeof c);
}

const struct fw_group *
fw_model_group(const struct fw_model *m, const char *id)
{
    for (size_t i = 0; i < m->n_groups; i++) {
        if (STREQ(m->groups[i].id, id)) {
            return &m->groups[i];
        }
    }
    return NULL;
}

const struct fw_members *
fw_model_members(const struct fw_model *m, const char *group_id)
{
    for (size_t i = 0; i < m->n_members; i++) {
        if (STREQ(m->members[i].group_id, group_id)) {
            return &m->members[i];
        }
    }
    return NULL;
}

void
fw_rule_init(struct fw_rule *r, enum fw_direction direction, int ethertype)
{
    memset(r, 0, sizeof *r);
    r->direction = direction;
    r->ethertype = ethertype;
    r->protocol = -1;
    r->port_min = -1;
    r->port_max = -1;
}

int
fw_protocol_parse(const char *s, int ethertype)
{
    char *end;
    long v;

    if (!s || !*s || STREQ(s, "any")) {
        return -1;
    }
    v = ip_protocol_number(s);
    if (v < 0) {
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || *end || end == s || v < 0 || v > 255) {
            return -EINVAL;
        }
    }
    if (v == 0) {
        return -1;              /* Neutron: protocol 0 needs no match at all. */
    }
    if (v == 1 && ethertype == 6) {
        return 58;
    }
    return (int) v;
}

/* --- JSON ---------------------------------------------------------------------------- */

static int fail(char *reason, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes the reason and returns -1. */
static int
fail(char *reason, size_t n, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, n, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *
or_empty(const char *s)
{
    return s ? s : "";
}

static int
id_from_json(const json_t *j, char out[FW_ID_SIZE])
{
    const char *s = json_string_value(j);

    if (!s || !*s || strlen(s) >= FW_ID_SIZE) {
        return -1;
    }
    memcpy(out, s, strlen(s) + 1);
    return 0;
}

/* An integer or null (-1) for a port bound. */
static int
bound_from_json(const json_t *j, int *ret)
{
    if (!j || json_is_null(j)) {
        *ret = -1;
        return 0;
    }
    if (!json_is_integer(j) || json_integer_value(j) < 0 || json_integer_value(j) > 65535) {
        return -1;
    }
    *ret = (int) json_integer_value(j);
    return 0;
}

static int
ethertype_from_json(const json_t *j)
{
    const char *s = json_string_value(j);

    if (!s) {
        return -1;
    }
    return STREQ(s, "IPv4") ? 4 : STREQ(s, "IPv6") ? 6 : -1;
}

static int
rule_from_json(const json_t *j, struct fw_rule *r, char *reason, size_t n)
{
    const char *dir = json_string_value(json_object_get(j, "direction"));
    int ethertype = ethertype_from_json(json_object_get(j, "ethertype"));
    const json_t *proto = json_object_get(j, "protocol");
    const json_t *prefix = json_object_get(j, "remote_ip_prefix");
    const json_t *group = json_object_get(j, "remote_group_id");
    const json_t *address_group = json_object_get(j, "remote_address_group_id");
    char num[8];

    if (!dir || (!STREQ(dir, "ingress") && !STREQ(dir, "egress"))) {
        return fail(reason, n, "rule direction %s is not ingress or egress", or_empty(dir));
    }
    if (ethertype < 0) {
        return fail(reason, n, "rule ethertype is not IPv4 or IPv6");
    }
    fw_rule_init(r, STREQ(dir, "ingress") ? FW_INGRESS : FW_EGRESS, ethertype);
    if (json_is_integer(proto)) {
        snprintf(num, sizeof num, "%lld", (long long) json_integer_value(proto));
        r->protocol = fw_protocol_parse(num, ethertype);
    } else if (proto && !json_is_null(proto)) {
        r->protocol = fw_protocol_parse(json_string_value(proto), ethertype);
        if (!json_is_string(proto)) {
            r->protocol = -EINVAL;
        }
    }
    if (r->protocol < -1) {
        return fail(reason, n, "rule protocol %s is not known",
                    or_empty(json_string_value(proto)));
    }
    if (bound_from_json(json_object_get(j, "port_range_min"), &r->port_min)
        || bound_from_json(json_object_get(j, "port_range_max"), &r->port_max)) {
        return fail(reason, n, "rule port range is not 0-65535");
    }
    if (prefix && !json_is_null(prefix)) {
        if (cidr_parse(json_string_value(prefix) ? json_string_value(prefix) : "",
                       &r->prefix) || r->prefix.addr.family != ethertype) {
            return fail(reason, n, "rule remote_ip_prefix %s is not a prefix of its ethertype",
                        or_empty(json_string_value(prefix)));
        }
        cidr_normalize(&r->prefix);
        r->has_prefix = true;
    }
    if (group && !json_is_null(group) && id_from_json(group, r->remote_group)) {
        return fail(reason, n, "rule remote_group_id is not an id");
    }
    /* An address group is a remote set like a group's members: the server sends its
     * CIDRs under its id in sg_member_ips, so it becomes an ipset of its own (the ids
     * are UUIDs, distinct from every security group's). */
    if (!r->remote_group[0] && address_group && !json_is_null(address_group)
        && id_from_json(address_group, r->remote_group)) {
        return fail(reason, n, "rule remote_address_group_id is not an id");
    }
    return 0;
}

static int
group_from_json(const char *id, const json_t *j, struct fw_model *m, char *reason, size_t n)
{
    const json_t *rules = json_is_array(j) ? j : json_object_get(j, "rules");
    const json_t *stateful = json_object_get(j, "stateful");
    struct fw_group *g = fw_model_add_group(m);
    const json_t *rj;
    size_t i;

    if (strlen(id) >= FW_ID_SIZE) {
        return fail(reason, n, "security group id %s is too long", or_empty(id));
    }
    snprintf(g->id, sizeof g->id, "%s", or_empty(id));
    g->stateful = !json_is_false(stateful);
    if (rules && !json_is_array(rules)) {
        return fail(reason, n, "rules of group %s are not a list", or_empty(id));
    }
    json_array_foreach(rules, i, rj) {
        struct fw_rule r;
        if (rule_from_json(rj, &r, reason, n)) {
            return -1;
        }
        fw_group_add_rule(g, &r);
    }
    return 0;
}

static int
port_ips_from_json(const json_t *j, struct fw_port *p, char *reason, size_t n)
{
    const json_t *e;
    size_t i;

    json_array_foreach(json_object_get(j, "fixed_ips"), i, e) {
        const char *s = json_string_value(e);
        struct ip_addr ip;
        if (json_is_object(e)) {
            s = json_string_value(json_object_get(e, "ip_address"));
        }
        if (!s || ip_parse(s, &ip)) {
            return fail(reason, n, "fixed IP %s is not an address", or_empty(s));
        }
        fw_port_add_fixed_ip(p, &ip);
    }
    json_array_foreach(json_object_get(j, "allowed_address_pairs"), i, e) {
        const char *ip_s = json_string_value(json_object_get(e, "ip_address"));
        const char *mac_s = json_string_value(json_object_get(e, "mac_address"));
        struct cidr ip;
        struct mac mac = p->mac;
        if (!ip_s || cidr_parse(ip_s, &ip) || (mac_s && mac_parse(mac_s, &mac))) {
            return fail(reason, n, "allowed address pair %s is not an address and a MAC",
                        or_empty(ip_s));
        }
        fw_port_add_pair(p, &ip, &mac);
    }
    return 0;
}

static int
port_from_json(const json_t *j, struct fw_model *m, char *reason, size_t n)
{
    struct fw_port *p = fw_model_add_port(m);
    const char *device = json_string_value(json_object_get(j, "device"));
    const char *mac = json_string_value(json_object_get(j, "mac_address"));
    const json_t *ps = json_object_get(j, "port_security_enabled");
    const json_t *e;
    size_t i;

    if (id_from_json(json_object_get(j, "id"), p->id)
        || id_from_json(json_object_get(j, "network_id"), p->network_id)) {
        return fail(reason, n, "port without id or network_id");
    }
    if (!device || !*device || strlen(device) >= IFNAMSIZ) {
        return fail(reason, n, "port %s has no device name that fits a link", p->id);
    }
    snprintf(p->device, sizeof p->device, "%s", device);
    if (!mac || mac_parse(mac, &p->mac)) {
        return fail(reason, n, "port %s has no MAC address", p->id);
    }
    p->port_security = !json_is_false(ps);
    if (port_ips_from_json(j, p, reason, n)) {
        return -1;
    }
    json_array_foreach(json_object_get(j, "security_groups"), i, e) {
        if (!json_string_value(e) || strlen(json_string_value(e)) >= FW_ID_SIZE) {
            return fail(reason, n, "port %s names a security group that is not an id", p->id);
        }
        fw_port_add_group(p, json_string_value(e));
    }
    return 0;
}

/* {"IPv4": [ip or [ip, mac] ...], "IPv6": [...]} */
static int
members_from_json(const char *id, const json_t *j, struct fw_model *m, char *reason,
                  size_t n)
{
    static const char *const families[] = { "IPv4", "IPv6" };
    struct fw_members *ms = fw_model_add_members(m);

    if (strlen(id) >= FW_ID_SIZE) {
        return fail(reason, n, "member group id %s is too long", or_empty(id));
    }
    snprintf(ms->group_id, sizeof ms->group_id, "%s", or_empty(id));
    for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
        const json_t *e;
        size_t i;
        json_array_foreach(json_object_get(j, families[f]), i, e) {
            const char *s = json_string_value(json_is_array(e) ? json_array_get(e, 0) : e);
            struct cidr c;
            if (!s || cidr_parse(s, &c) || c.addr.family != (f ? 6 : 4)) {
                return fail(reason, n, "member %s is not an address of its family",
                            or_empty(s));
            }
            fw_members_add(ms, &c);
        }
    }
    return 0;
}

int
fw_model_from_json(const json_t *j, struct fw_model *m, char *reason, size_t n)
{
    const json_t *e;
    const char *key;
    size_t i;

    if (!json_is_object(j)) {
        return fail(reason, n, "the firewall's model is not an object");
    }
    json_array_foreach(json_object_get(j, "ports"), i, e) {
        if (port_from_json(e, m, reason, n)) {
            return -1;
        }
    }
    json_object_foreach((json_t *) json_object_get(j, "security_groups"), key, e) {
        if (group_from_json(key, e, m, reason, n)) {
            return -1;
        }
    }
    json_object_foreach((json_t *) json_object_get(j, "sg_member_ips"), key, e) {
        if (members_from_json(key, e, m, reason, n)) {
            return -1;
        }
    }
    return 0;
}
