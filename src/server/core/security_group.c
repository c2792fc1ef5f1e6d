/* Security groups and rules in the domain core; see security_group.h. */
#include "security_group.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/address_group.h"
#include "core/changes.h"
#include "core/quota.h"
#include "ip.h"
#include "ip_protocol.h"
#include "store/store.h"
#include "util.h"

#define DEFAULT_SG_NAME "default"
#define DEFAULT_SG_DESCRIPTION "Default security group"

enum { PROTO_ICMP = 1, PROTO_IPV6_ICMP = 58 };

/* The number of a protocol given by name or number (the API converted it). */
static int
protocol_number(const char *protocol)
{
    int number = ip_protocol_number(protocol);

    return number >= 0 ? number : (int) strtol(protocol, NULL, 10);
}

/* The name a protocol number, as the API writes it (decimal text), stands for in
 * Neutron's reverse map, or NULL. */
static const char *
protocol_name_of(const char *number)
{
    char *end;
    long n = strtol(number, &end, 10);
    char text[8];

    if (end == number || *end || n < 0 || n > 255) {
        return NULL;
    }
    snprintf(text, sizeof text, "%ld", n);
    return STREQ(text, number) ? ip_protocol_name((int) n) : NULL;
}

/* --- Groups ----------------------------------------------------------------------- */

/* An update that changed a group or a rule, before it is stored: one revision more, and
 * now as its update time (a rule's time also becomes its group's, store_sg_bump). */
static void
mark_changed(struct std_attrs *std)
{
    std->revision_number++;
    time_iso8601_now(std->updated_at);
}

/* A rule a new group starts with: no description, revision 0, the group's owner. */
static int
insert_initial_rule(const struct op *op, const struct security_group *g, const char *direction,
                    const char *ethertype, bool from_itself)
{
    struct sg_rule r;

    memset(&r, 0, sizeof r);
    uuid_new(r.std.id);
    r.std.project_id = g->std.project_id;
    r.std.name = "";
    memcpy(r.std.created_at, g->std.created_at, sizeof r.std.created_at);
    memcpy(r.std.updated_at, g->std.created_at, sizeof r.std.updated_at);
    snprintf(r.security_group_id, sizeof r.security_group_id, "%s", g->std.id);
    if (from_itself) {
        snprintf(r.remote_group_id, sizeof r.remote_group_id, "%s", g->std.id);
    }
    snprintf(r.direction, sizeof r.direction, "%s", direction);
    snprintf(r.ethertype, sizeof r.ethertype, "%s", ethertype);
    r.port_range_min = r.port_range_max = SG_PORT_NONE;
    return store_sg_rule_insert(op->c, &r);
}

/* Inserts the group 'g' and its first rules: egress anywhere for IPv4 and IPv6, and for
 * a default group ingress from its own members too.  A default group claims its
 * project's place first: -EEXIST if another one holds it. */
static int
insert_group(const struct op *op, const struct security_group *g, bool is_default)
{
    static const char *const ethertypes[] = { "IPv4", "IPv6" };
    int r = store_sg_insert(op->c, g);

    if (!r && is_default) {
        r = store_sg_default_set(op->c, g->std.project_id, g->std.id);
    }
    for (size_t i = 0; i < ARRAY_SIZE(ethertypes) && !r; i++) {
        if (is_default) {
            r = insert_initial_rule(op, g, "ingress", ethertypes[i], true);
        }
        if (!r) {
            r = insert_initial_rule(op, g, "egress", ethertypes[i], false);
        }
    }
    return r;
}

/* Fills a new group's row (strings owned). */
static void
new_group(struct security_group *g, const char *project_id, const char *name,
          const char *description, bool stateful)
{
    memset(g, 0, sizeof *g);
    uuid_new(g->std.id);
    g->std.project_id = xstrdup(project_id);
    g->std.name = xstrdup(name);
    g->std.description = xstrdup(description);
    time_iso8601_now(g->std.created_at);
    memcpy(g->std.updated_at, g->std.created_at, sizeof g->std.updated_at);
    g->std.revision_number = 1;
    g->stateful = stateful;
}

int
core_security_group_ensure_default(const struct op *op, const char *project_id,
                                   char ret_id[ID_LEN])
{
    struct security_group g;
    int r = store_sg_default_get(op->c, project_id, ret_id);

    if (r != -ENOENT) {
        return r ? core_internal(op, r) : 0;
    }
    /* Neutron checks the rule quota for the group's four rules, whoever asks. */
    if (quota_check(op, QUOTA_SECURITY_GROUP_RULE, project_id, 4)) {
        return -1;
    }
    new_group(&g, project_id, DEFAULT_SG_NAME, DEFAULT_SG_DESCRIPTION, true);
    r = insert_group(op, &g, true);
    if (r == -EEXIST) {
        /* Another server made it since we looked: use theirs, drop ours (nothing but
         * its row was written). */
        r = store_sg_delete(op->c, g.std.id);
        r = r ? r : store_sg_default_get(op->c, project_id, ret_id);
    } else if (!r) {
        memcpy(ret_id, g.std.id, ID_LEN);
    }
    security_group_done(&g);
    return r ? core_internal(op, r) : 0;
}

/* The project whose default group the caller's request makes, or NULL when it makes
 * none. */
static const char *
project_for_default(const struct op *op, const char *asked)
{
    const char *project = asked && *asked ? asked : op->caller->project_id;

    if (!*project || (!op->caller->is_admin && !STREQ(project, op->caller->project_id))) {
        return NULL;    /* A project never makes another one's default group. */
    }
    return project;
}

int
core_security_group_list_needs_default(const struct op *op, const char *asked, bool *ret)
{
    const char *project = project_for_default(op, asked);
    char id[ID_LEN];
    int r;

    *ret = false;
    if (!project) {
        return 0;
    }
    r = store_sg_default_get(op->c, project, id);
    if (r && r != -ENOENT) {
        return core_internal(op, r);
    }
    *ret = r == -ENOENT;
    return 0;
}

int
core_security_group_ensure_for_caller(const struct op *op, const char *asked)
{
    const char *project = project_for_default(op, asked);
    char id[ID_LEN];

    return project ? core_security_group_ensure_default(op, project, id) : 0;
}

/* The group 'id' as the caller sees it, and the caller may do 'action' on it. */
static int
group_for(const struct op *op, const char *id, enum policy_action action,
          struct security_group *ret)
{
    int r = store_sg_get_as(op->c, id, context_visible_to(op->caller),
                            op->caller->project_id, ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return r == -ENOENT ? api_error_set(op->err, API_ERR_SG_NOT_FOUND,
                                            "Security group %s does not exist", id)
                            : core_internal(op, r);
    }
    return core_authorize(op, POLICY_SECURITY_GROUP, action, &(struct policy_target) {
                              .project_id = ret->std.project_id, .shared = ret->shared });
}

int
core_security_group_get(const struct op *op, const char *id, struct security_group *ret)
{
    if (group_for(op, id, POLICY_GET, ret)) {
        security_group_done(ret);
        return -1;
    }
    return 0;
}

int
core_security_group_create(const struct op *op, const struct security_group_spec *spec,
                           struct security_group *ret)
{
    struct security_group g;
    const char *owner;
    int r;

    if (core_owner(op, spec->project_id, &owner)
        || core_authorize(op, POLICY_SECURITY_GROUP, POLICY_CREATE,
                          &(struct policy_target) { .project_id = owner })
        || quota_check(op, QUOTA_SECURITY_GROUP, owner, 1)
        || core_security_group_ensure_for_caller(op, owner)
        || quota_check(op, QUOTA_SECURITY_GROUP_RULE, owner, 2)) {
        return -1;
    }
    new_group(&g, owner, spec->name ? spec->name : "",
              spec->description ? spec->description : "",
              spec->has_stateful ? spec->stateful : true);
    r = insert_group(op, &g, false);
    if (!r) {
        security_group_done(&g);
        r = store_sg_get(op->c, g.std.id, NULL, &g);
    }
    if (r) {
        security_group_done(&g);
        return core_internal(op, r);
    }
    *ret = g;
    return 0;
}

/* Whether 'g' is its project's default group (only its name tells, as in Neutron). */
static bool
is_default_group(const struct security_group *g)
{
    return STREQ(g->std.name, DEFAULT_SG_NAME);
}

static bool
sg_spec_empty(const struct security_group_spec *spec)
{
    return !spec->name && !spec->description && !spec->has_stateful;
}

/* Refuses with SecurityGroupInUse if a port uses the group. */
static int
check_unused(const struct op *op, const char *id)
{
    bool used;
    int r = store_sg_in_use(op->c, id, &used);

    if (r) {
        return core_internal(op, r);
    }
    return used ? api_error_set(op->err, API_ERR_SG_IN_USE, "Security Group %s in use.", id)
                : 0;
}

/* Applies 'spec' to 'g' in memory, with Neutron's refusals. */
static int
apply_update(const struct op *op, const struct security_group_spec *spec,
             struct security_group *g)
{
    /* Ports' firewalls are built for one kind of group; switching a used one is
     * refused. */
    if (spec->has_stateful && spec->stateful != g->stateful && check_unused(op, g->std.id)) {
        return -1;
    }
    if (spec->name && is_default_group(g)) {
        return api_error_set(op->err, API_ERR_SG_CANNOT_UPDATE_DEFAULT,
                             "Updating default security group not allowed.");
    }
    core_take_str(&g->std.name, spec->name);
    core_take_str(&g->std.description, spec->description);
    if (spec->has_stateful) {
        g->stateful = spec->stateful;
    }
    return 0;
}

int
core_security_group_update(const struct op *op, const char *id,
                           const struct security_group_spec *spec, int64_t expected_revision,
                           struct security_group *ret)
{
    int r = group_for(op, id, POLICY_UPDATE, ret)
            || apply_update(op, spec, ret)
            || core_check_revision(op, expected_revision, ret->std.revision_number);

    if (!r && !sg_spec_empty(spec)) {
        mark_changed(&ret->std);
        r = store_sg_update(op->c, ret);
        /* Statefulness decides the firewall of the group's ports. */
        r = r || !spec->has_stateful ? r : changes_record_sg(op->c, CHANGE_SG_RULES, id);
        r = r ? core_internal(op, r) : 0;
    }
    if (r) {
        security_group_done(ret);
        return -1;
    }
    return 0;
}

int
core_security_group_delete(const struct op *op, const char *id, int64_t expected_revision)
{
    struct security_group g;
    int r = group_for(op, id, POLICY_DELETE, &g) || check_unused(op, id);

    if (!r && is_default_group(&g) && !op->caller->is_admin) {
        r = api_error_set(op->err, API_ERR_SG_CANNOT_REMOVE_DEFAULT,
                          "Insufficient rights for removing default security group.");
    }
    r = r || core_check_revision(op, expected_revision, g.std.revision_number);
    if (!r) {
        /* Rules of other groups naming it as their remote group go with it: their
         * hosts are found while those rules still exist. */
        r = changes_record_sg(op->c, CHANGE_SG_RULES, g.std.id);
        r = r ? r : store_sg_delete(op->c, g.std.id);
        r = r ? core_internal(op, r) : 0;
    }
    security_group_done(&g);
    return r ? -1 : 0;
}

/* --- Rules ------------------------------------------------------------------------ */

/* A new rule's attributes after Neutron's rewriting (strings borrowed from the spec or
 * static). */
struct rule_draft {
    const char *protocol;           /* NULL: any. */
    int64_t min, max;               /* The port range, SG_PORT_NONE when not given. */
    const char *ethertype;
    struct cidr prefix;             /* remote_ip_prefix, parsed, if 'has_prefix'. */
    bool has_prefix;
    char prefix_text[CIDR_STRLEN];  /* Written by draft_rule(). */
};

/* IPv6 rules name ICMP "ipv6-icmp" (58), whatever legacy name or number was given; and
 * a range of every port is no range at all. */
static void
canonicalize(const struct sg_rule_spec *spec, struct rule_draft *d)
{
    d->protocol = spec->protocol;
    d->ethertype = spec->ethertype ? spec->ethertype : "IPv4";
    if (STREQ(d->ethertype, "IPv6") && d->protocol) {
        if (STREQ(d->protocol, "icmp") || STREQ(d->protocol, "icmpv6")) {
            d->protocol = "ipv6-icmp";
        } else if (STREQ(d->protocol, "1")) {
            d->protocol = "58";
        }
    }
    d->min = spec->port_range_min;
    d->max = spec->port_range_max;
    if (d->min == 1 && d->max == 65535) {
        d->min = d->max = SG_PORT_NONE;
    }
}

/* Protocols whose rules may have ports. */
static bool
has_ports(int number)
{
    return number == 6 || number == 17 || number == 33 || number == 132 || number == 136;
}

static int
check_icmp_range(const struct op *op, const struct rule_draft *d)
{
    if (d->min != SG_PORT_NONE && (d->min < 0 || d->min > 255)) {
        return api_error_set(op->err, API_ERR_SG_INVALID_ICMP_VALUE, "Invalid value for ICMP"
                             " type (port_range_min) %lld. It must be 0 to 255.",
                             (long long) d->min);
    }
    if (d->max != SG_PORT_NONE && (d->max < 0 || d->max > 255)) {
        return api_error_set(op->err, API_ERR_SG_INVALID_ICMP_VALUE, "Invalid value for ICMP"
                             " code (port_range_max) %lld. It must be 0 to 255.",
                             (long long) d->max);
    }
    if (d->min == SG_PORT_NONE && d->max != SG_PORT_NONE) {
        return api_error_set(op->err, API_ERR_SG_MISSING_ICMP_TYPE, "ICMP code (port-range-max)"
                             " %lld is provided but ICMP type (port-range-min) is missing.",
                             (long long) d->max);
    }
    return 0;
}

/* Ports only with TCP-like protocols, as a range; type and code with ICMP. */
static int
check_port_range(const struct op *op, const struct rule_draft *d)
{
    int number;

    if (d->min == SG_PORT_NONE && d->max == SG_PORT_NONE) {
        return 0;
    }
    if (!d->protocol) {
        return api_error_set(op->err, API_ERR_SG_PROTOCOL_REQUIRED_WITH_PORTS,
                             "Must also specify protocol if port range is given.");
    }
    number = protocol_number(d->protocol);
    if (has_ports(number)) {
        if (d->min == 0 || d->max == 0) {
            return api_error_set(op->err, API_ERR_SG_INVALID_PORT_VALUE,
                                 "Invalid value for port 0");
        }
        if (d->min == SG_PORT_NONE || d->max == SG_PORT_NONE || d->min > d->max) {
            return api_error_set(op->err, API_ERR_SG_INVALID_PORT_RANGE, "For TCP/UDP"
                                 " protocols, port_range_min must be <= port_range_max");
        }
        return 0;
    }
    if (number == PROTO_ICMP || number == PROTO_IPV6_ICMP) {
        return check_icmp_range(op, d);
    }
    return api_error_set(op->err, API_ERR_SG_INVALID_PROTOCOL_FOR_PORT, "Ports cannot be"
                         " specified for protocol %d. Ports are only supported for DCCP, SCTP,"
                         " TCP, UDP, UDPLITE.", number);
}

/* The prefix must be of the rule's ethertype; IPv6-only protocols need IPv6. */
static int
check_ethertype(const struct op *op, const struct sg_rule_spec *spec, struct rule_draft *d)
{
    static const char *const ipv6_only[] = {
        "ipv6-encap", "ipv6-frag", "ipv6-icmp", "icmpv6", "ipv6-nonxt", "ipv6-opts",
        "ipv6-route", "41", "44", "58", "59", "60", "43",
    };

    if (spec->remote_ip_prefix) {
        if (cidr_parse(spec->remote_ip_prefix, &d->prefix)) {
            return api_error_set(op->err, API_ERR_INVALID_CIDR,
                                 "Invalid CIDR %s given as IP prefix.", spec->remote_ip_prefix);
        }
        d->has_prefix = true;
        if (d->prefix.addr.family != (STREQ(d->ethertype, "IPv6") ? 6 : 4)) {
            return api_error_set(op->err, API_ERR_SG_RULE_PARAMETER_CONFLICT,
                                 "Conflicting value ethertype %s for CIDR %s", d->ethertype,
                                 spec->remote_ip_prefix);
        }
    }
    for (size_t i = 0; d->protocol && i < ARRAY_SIZE(ipv6_only); i++) {
        if (STREQ(d->protocol, ipv6_only[i]) && STREQ(d->ethertype, "IPv4")) {
            return api_error_set(op->err, API_ERR_SG_ETHERTYPE_CONFLICT_WITH_PROTOCOL,
                                 "Invalid ethertype %s for protocol %s.", d->ethertype,
                                 d->protocol);
        }
    }
    return 0;
}

/* The group 'id' as the caller may use it in a rule; SecurityGroupNotFound if it may
 * not see it. */
static int
check_group(const struct op *op, const char *id, struct security_group *ret)
{
    int r = store_sg_get(op->c, id, context_visible_to(op->caller), ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return r == -ENOENT ? api_error_set(op->err, API_ERR_SG_NOT_FOUND,
                                            "Security group %s does not exist", id)
                            : core_internal(op, r);
    }
    return 0;
}

static int
check_groups_remote(const struct op *op, const char *id)
{
    struct security_group remote;
    int r = check_group(op, id, &remote);

    security_group_done(&remote);
    return r;
}

/* What makes two rules the same (Neutron's comparison): the protocol by name and
 * number, a prefix of everything equal to no prefix. */
static void
protocol_key(const char *protocol, const char *ethertype, char *out, size_t size)
{
    const char *p = protocol;
    const char *name;

    if (!p) {
        snprintf(out, size, "+");
        return;
    }
    if (STREQ(ethertype, "IPv6") && (STREQ(p, "icmp") || STREQ(p, "icmpv6"))) {
        p = "ipv6-icmp";
    } else if (STREQ(ethertype, "IPv6") && STREQ(p, "1")) {
        p = "58";
    }
    if (ip_protocol_number(p) >= 0) {
        snprintf(out, size, "%s/%d", p, ip_protocol_number(p));
        return;
    }
    name = protocol_name_of(p);
    snprintf(out, size, "%s/%s", name ? name : p, p);
}

static const char *
prefix_key(const char *prefix)
{
    return !prefix || STREQ(prefix, "0.0.0.0/0") || STREQ(prefix, "::/0") ? "" : prefix;
}

static bool
same_rule(const struct sg_rule *a, const struct sg_rule *b)
{
    char ka[48], kb[48];

    protocol_key(a->protocol, a->ethertype, ka, sizeof ka);
    protocol_key(b->protocol, b->ethertype, kb, sizeof kb);
    return STREQ(a->direction, b->direction) && STREQ(a->ethertype, b->ethertype)
           && a->port_range_min == b->port_range_min && a->port_range_max == b->port_range_max
           && STREQ(ka, kb) && STREQ(a->remote_group_id, b->remote_group_id)
           && STREQ(a->remote_address_group_id, b->remote_address_group_id)
           && STREQ(prefix_key(a->remote_ip_prefix), prefix_key(b->remote_ip_prefix));
}

struct duplicate_search {
    const struct sg_rule *rule;
    char found[ID_LEN];
};

static int
duplicate_row(const struct sg_rule *existing, void *aux)
{
    struct duplicate_search *s = aux;

    if (same_rule(existing, s->rule)) {
        snprintf(s->found, sizeof s->found, "%s", existing->std.id);
        return 1;
    }
    return 0;
}

static int
check_duplicate(const struct op *op, const struct sg_rule *rule)
{
    struct duplicate_search s = { rule, "" };
    int r = store_sg_rules_of_group(op->c, rule->security_group_id, duplicate_row, &s);

    if (r < 0) {
        return core_internal(op, r);
    }
    if (s.found[0]) {
        return api_error_set(op->err, API_ERR_SG_RULE_EXISTS, "Security group rule already"
                             " exists. Rule id is %s.", s.found);
    }
    return 0;
}

/* Fills the new rule from the checked draft (strings borrowed from 'spec'/'d'). */
static void
draft_rule(const struct sg_rule_spec *spec, const char *owner, struct rule_draft *d,
           char normalized[CIDR_STRLEN], struct sg_rule *r)
{
    memset(r, 0, sizeof *r);
    uuid_new(r->std.id);
    r->std.project_id = (char *) owner;
    r->std.name = "";
    r->std.description = (char *) (spec->has_description ? spec->description : "");
    time_iso8601_now(r->std.created_at);
    memcpy(r->std.updated_at, r->std.created_at, sizeof r->std.updated_at);
    snprintf(r->security_group_id, sizeof r->security_group_id, "%s",
             spec->security_group_id);
    snprintf(r->remote_group_id, sizeof r->remote_group_id, "%s",
             spec->remote_group_id ? spec->remote_group_id : "");
    snprintf(r->remote_address_group_id, sizeof r->remote_address_group_id, "%s",
             spec->remote_address_group_id ? spec->remote_address_group_id : "");
    snprintf(r->direction, sizeof r->direction, "%s", spec->direction);
    snprintf(r->ethertype, sizeof r->ethertype, "%s", d->ethertype);
    r->protocol = (char *) d->protocol;
    r->port_range_min = d->min;
    r->port_range_max = d->max;
    if (d->has_prefix) {
        struct cidr net = d->prefix;
        cidr_format(&d->prefix, d->prefix_text);
        cidr_normalize(&net);
        cidr_format(&net, normalized);
        r->remote_ip_prefix = d->prefix_text;
        r->normalized_cidr = normalized;
    }
}

/* The checks of a new rule owned by 'owner', in Neutron's order, after the policy
 * check. */
static int
check_new_rule(const struct op *op, const struct sg_rule_spec *spec, const char *owner,
               struct rule_draft *d, struct security_group *ret_group)
{
    canonicalize(spec, d);
    if (check_port_range(op, d) || check_ethertype(op, spec, d)) {
        return -1;
    }
    if ((spec->remote_ip_prefix != NULL) + (spec->remote_group_id != NULL)
        + (spec->remote_address_group_id != NULL) > 1) {
        return api_error_set(op->err, API_ERR_SG_MULTIPLE_REMOTE_ENTITIES, "Only one of"
                             " remote_ip_prefix or remote_group_id or remote_address_group_id"
                             " may be provided.");
    }
    if (spec->remote_group_id && check_groups_remote(op, spec->remote_group_id)) {
        return -1;
    }
    if (spec->remote_address_group_id
        && core_address_group_check_remote(op, spec->remote_address_group_id, owner)) {
        return -1;
    }
    return check_group(op, spec->security_group_id, ret_group);
}

/* The owner of a new rule ('*ret'), which the caller may create. */
static int
rule_owner(const struct op *op, const struct sg_rule_spec *spec, const char **ret)
{
    return core_owner(op, spec->project_id, ret)
           || core_authorize(op, POLICY_SECURITY_GROUP_RULE, POLICY_CREATE,
                             &(struct policy_target) { .project_id = *ret });
}

/* One group and one project for every rule of a bulk create. */
static int
check_bulk_single(const struct op *op, const struct sg_rule_spec *specs, const char **owners,
                  size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (!STREQ(specs[i].security_group_id, specs[0].security_group_id)) {
            return api_error_set(op->err, API_ERR_SG_NOT_SINGLE_GROUP_RULES,
                                 "Only allowed to update rules for one security profile at a"
                                 " time");
        }
        if (!STREQ(owners[i], owners[0])) {
            return api_error_set(op->err, API_ERR_SG_RULES_NOT_SINGLE_TENANT, "Multiple"
                                 " tenant_ids in bulk security group rule create not allowed");
        }
    }
    return 0;
}

/* Each rule's own checks, then no two equal rules in the request. */
static int
check_bulk_rules(const struct op *op, const struct sg_rule_spec *specs, const char **owners,
                 size_t n)
{
    struct rule_draft *d = xcalloc(n, sizeof *d);
    struct sg_rule *rules = xcalloc(n, sizeof *rules);
    char (*normalized)[CIDR_STRLEN] = xcalloc(n, sizeof *normalized);
    int r = 0;

    for (size_t i = 0; i < n && !r; i++) {
        struct security_group g;
        memset(&g, 0, sizeof g);
        r = check_new_rule(op, &specs[i], owners[i], &d[i], &g);
        security_group_done(&g);
        if (!r) {
            draft_rule(&specs[i], owners[i], &d[i], normalized[i], &rules[i]);
        }
    }
    for (size_t i = 1; i < n && !r; i++) {
        for (size_t j = 0; j < i && !r; j++) {
            if (same_rule(&rules[i], &rules[j])) {
                r = api_error_set(op->err, API_ERR_SG_DUPLICATE_RULE_IN_POST,
                                  "Duplicate Security Group Rule in POST.");
            }
        }
    }
    free(normalized);
    free(rules);
    free(d);
    return r;
}

int
core_sg_rules_check_bulk(const struct op *op, const struct sg_rule_spec *specs, size_t n)
{
    const char **owners = xcalloc(n ? n : 1, sizeof *owners);
    int r = 0;

    for (size_t i = 0; i < n && !r; i++) {
        r = rule_owner(op, &specs[i], &owners[i]);
    }
    r = r || check_bulk_single(op, specs, owners, n) || check_bulk_rules(op, specs, owners, n);
    free(owners);
    return r ? -1 : 0;
}

int
core_sg_rule_create(const struct op *op, const struct sg_rule_spec *spec, struct sg_rule *ret)
{
    struct security_group group;
    struct rule_draft d;
    struct sg_rule r;
    char normalized[CIDR_STRLEN];
    const char *owner;
    int rc;

    memset(&d, 0, sizeof d);
    memset(&group, 0, sizeof group);
    if (rule_owner(op, spec, &owner) || quota_check(op, QUOTA_SECURITY_GROUP_RULE, owner, 1)) {
        return -1;
    }
    if (check_new_rule(op, spec, owner, &d, &group)) {
        security_group_done(&group);
        return -1;
    }
    draft_rule(spec, owner, &d, normalized, &r);
    rc = check_duplicate(op, &r);
    if (!rc) {
        rc = store_sg_rule_insert(op->c, &r);
        rc = rc ? rc : store_sg_bump(op->c, group.std.id, r.std.created_at);
        rc = rc ? rc : changes_record_sg(op->c, CHANGE_SG_RULES, group.std.id);
        rc = rc ? rc : store_sg_rule_get(op->c, r.std.id, NULL, ret);
        rc = rc ? core_internal(op, rc) : 0;
    }
    security_group_done(&group);
    return rc ? -1 : 0;
}

/* The rule 'id' as the caller sees it, and the caller may do 'action' on it. */
static int
rule_for(const struct op *op, const char *id, enum policy_action action, struct sg_rule *ret)
{
    int r = store_sg_rule_get(op->c, id, context_visible_to(op->caller), ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return r == -ENOENT ? api_error_set(op->err, API_ERR_SG_RULE_NOT_FOUND,
                                            "Security group rule %s does not exist", id)
                            : core_internal(op, r);
    }
    return core_authorize(op, POLICY_SECURITY_GROUP_RULE, action, &(struct policy_target) {
                              .project_id = ret->std.project_id,
                              .sg_project_id = ret->sg_project_id });
}

int
core_sg_rule_get(const struct op *op, const char *id, struct sg_rule *ret)
{
    if (rule_for(op, id, POLICY_GET, ret)) {
        sg_rule_done(ret);
        return -1;
    }
    return 0;
}

int
core_sg_rule_update(const struct op *op, const char *id, const struct sg_rule_spec *spec,
                    int64_t expected_revision, struct sg_rule *ret)
{
    int r = rule_for(op, id, POLICY_UPDATE, ret)
            || core_check_revision(op, expected_revision, ret->std.revision_number);

    if (!r && spec->has_description) {
        free(ret->std.description);
        ret->std.description = spec->description ? xstrdup(spec->description) : NULL;
        mark_changed(&ret->std);
        r = store_sg_rule_update(op->c, ret);
        r = r ? r : store_sg_bump(op->c, ret->security_group_id, ret->std.updated_at);
        r = r ? core_internal(op, r) : 0;
    }
    if (r) {
        sg_rule_done(ret);
        return -1;
    }
    return 0;
}

int
core_sg_rule_delete(const struct op *op, const char *id, int64_t expected_revision)
{
    struct sg_rule rule;
    char now[TIMESTAMP_LEN];
    int r = rule_for(op, id, POLICY_DELETE, &rule)
            || core_check_revision(op, expected_revision, rule.std.revision_number);

    if (!r) {
        time_iso8601_now(now);
        r = store_sg_rule_delete(op->c, rule.std.id);
        r = r ? r : store_sg_bump(op->c, rule.security_group_id, now);
        r = r ? r : changes_record_sg(op->c, CHANGE_SG_RULES, rule.security_group_id);
        r = r ? core_internal(op, r) : 0;
    }
    sg_rule_done(&rule);
    return r ? -1 : 0;
}
