/* neutrino security group create|list|show|set|unset|delete and security group rule
 * create|list|show|delete (docs/behaviour/cli.md §12): the openstack client's options,
 * defaults, columns and messages for Neutron's security groups. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

const struct kind kind_security_group = { "security_group", "security-groups", "SecurityGroup",
                                          "group", "security_groups" };
static const struct kind kind_rule = { "security_group_rule", "security-group-rules",
                                       "SecurityGroupRule", "rule",
                                       "security_group_rules", true };
#define RULE_CREATE "security group rule create"
#define RULE_LIST "security group rule list"

static const struct kind kind_address_group = { "address_group", "address-groups",
                                                "AddressGroup", NULL, "address_groups" };

/* --- Groups ----------------------------------------------------------------------- */

static const struct field group_fields[] = {
    { "created_at", "created_at", R_TEXT },
    { "description", "description", R_TEXT },
    { "id", "id", R_TEXT },
    { "name", "name", R_TEXT },
    { "project_id", "project_id|tenant_id", R_TEXT },
    { "revision_number", "revision_number", R_TEXT },
    { "rules", "security_group_rules", R_SG_RULES },
    { "stateful", "stateful", R_TEXT },
    { "tags", "tags", R_PYLIST },
    { "updated_at", "updated_at", R_TEXT },
};

static const struct field group_cols[] = {
    { "ID", "id", R_TEXT },
    { "Name", "name", R_TEXT },
    { "Description", "description", R_TEXT },
    { "Project", "project_id", R_TEXT },
    { "Tags", "tags", R_PYLIST },
};

static const struct opt group_create_opts[] = {
    { "description", OPT_STR, NULL }, { "project", OPT_STR, NULL },
    { "project-domain", OPT_STR, NULL }, { "stateful", OPT_TRUE, NULL },
    { "stateless", OPT_FALSE, "stateful" }, { "tag", OPT_LIST, NULL },
    { "no-tag", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

/* The description defaults to the name, as the openstack client sends it. */
static int
group_create(struct cli *c, const json_t *a)
{
    const char *description = arg_str(a, "description");
    json_t *body;

    if (arg_npos(a) != 1) {
        return cli_fail("security group create takes one name");
    }
    body = json_object();
    json_object_set_new(body, "name", json_string(arg_pos(a, 0)));
    json_object_set_new(body, "description", json_string(description ? description
                                                                     : arg_pos(a, 0)));
    if (arg_bool(a, "stateful") >= 0) {
        json_object_set_new(body, "stateful", json_boolean(arg_bool(a, "stateful")));
    }
    if (!cli_session(c) || cli_put_project(c, a, body)) {
        json_decref(body);
        return 1;
    }
    return cli_create(c, &kind_security_group, body, a, group_fields,
                      ARRAY_SIZE(group_fields));
}

static const struct opt group_list_opts[] = {
    { "project", OPT_STR, NULL }, { "project-domain", OPT_STR, NULL },
    { "all-projects", OPT_TRUE, NULL }, { "long", OPT_TRUE, NULL },
    { "tags", OPT_STR, NULL }, { "any-tags", OPT_STR, NULL }, { "not-tags", OPT_STR, NULL },
    { "not-any-tags", OPT_STR, NULL },
    { NULL, 0, NULL },
};

static int
group_list(struct cli *c, const json_t *a)
{
    static const struct list_filter filters[] = {
        { "project_id", "project", .project = true },
    };
    struct buf query = BUF_INITIALIZER;

    if (cli_q_filters(c, &query, a, filters, ARRAY_SIZE(filters))) {
        buf_done(&query);
        return 1;
    }
    /* --all-projects is accepted and changes nothing: an admin sees every group. */
    return cli_list_tagged(c, &kind_security_group, a, &query, group_cols,
                           ARRAY_SIZE(group_cols), group_cols, ARRAY_SIZE(group_cols));
}

static const struct opt group_set_opts[] = {
    { "name", OPT_STR, NULL }, { "description", OPT_STR, NULL },
    { "stateful", OPT_TRUE, NULL }, { "stateless", OPT_FALSE, "stateful" },
    { "tag", OPT_LIST, NULL }, { "no-tag", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static int
group_attrs(struct cli *c, const json_t *a, json_t *body)
{
    static const struct opt_attr given[] = {
        { "name", "name" }, { "description", "description" }, { "stateful", "stateful" },
    };

    (void) c;
    cli_put_opts(body, a, given, ARRAY_SIZE(given));
    return 0;
}

static int
group_set(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_security_group, a, false, group_attrs, NULL);
}

static const struct opt group_unset_opts[] = {
    { "tag", OPT_LIST, NULL }, { "all-tag", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static int
group_unset(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_security_group, a, true, NULL, NULL);
}

/* A port's --security-group: the group's id. */
static json_t *
group_id_of(struct cli *c, const char *text)
{
    char id[64];

    return cli_find_id(c, &kind_security_group, text, id) ? NULL : json_string(id);
}

const struct list_attr cli_security_groups = { "security_groups", "security group",
                                               group_id_of, NULL };

/* --- Rules ------------------------------------------------------------------------ */

static const struct field rule_fields[] = {
    { "created_at", "created_at", R_TEXT },
    { "description", "description", R_TEXT },
    { "direction", "direction", R_TEXT },
    { "ether_type", "ethertype", R_TEXT },
    { "id", "id", R_TEXT },
    { "name", "name", R_TEXT },
    { "port_range_max", "port_range_max", R_TEXT },
    { "port_range_min", "port_range_min", R_TEXT },
    { "project_id", "project_id|tenant_id", R_TEXT },
    { "protocol", "protocol", R_TEXT },
    { "remote_address_group_id", "remote_address_group_id", R_TEXT },
    { "remote_group_id", "remote_group_id", R_TEXT },
    { "remote_ip_prefix", "remote_ip_prefix", R_TEXT },
    { "revision_number", "revision_number", R_TEXT },
    { "security_group_id", "security_group_id", R_TEXT },
    { "tags", "tags", R_PYLIST },
    { "updated_at", "updated_at", R_TEXT },
};

/* "security group rule list" without a group adds the last column.  "port_range" is
 * made by this client (rule_list_row()); the server sends no such attribute. */
static const struct field rule_cols[] = {
    { "ID", "id", R_TEXT },
    { "IP Protocol", "protocol", R_TEXT },
    { "Ethertype", "ethertype", R_TEXT },
    { "IP Range", "remote_ip_prefix", R_TEXT },
    { "Port Range", "port_range", R_TEXT },
    { "Direction", "direction", R_TEXT },
    { "Remote Security Group", "remote_group_id", R_TEXT },
    { "Remote Address Group", "remote_address_group_id", R_TEXT },
    { "Security Group", "security_group_id", R_TEXT },
};

static bool
is_icmp(const char *protocol)
{
    static const char *const icmp[] = { "icmp", "icmpv6", "ipv6-icmp", "1", "58" };

    for (size_t i = 0; protocol && i < ARRAY_SIZE(icmp); i++) {
        if (STREQ(protocol, icmp[i])) {
            return true;
        }
    }
    return false;
}

/* Protocols that only IPv6 carries: with one, the ethertype defaults to IPv6. */
static bool
is_ipv6_protocol(const char *protocol)
{
    static const char *const v6[] = { "icmpv6", "41", "43", "44", "58", "59", "60" };

    if (!protocol) {
        return false;
    }
    if (str_startswith(protocol, "ipv6-")) {
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(v6); i++) {
        if (STREQ(protocol, v6[i])) {
            return true;
        }
    }
    return false;
}

/* What a rule with no remote prefix matches, by its ethertype. */
static const char *
any_prefix(const char *ethertype)
{
    return !ethertype ? NULL
           : STREQ(ethertype, "IPv4") ? "0.0.0.0/0"
           : STREQ(ethertype, "IPv6") ? "::/0"
                                      : NULL;
}

/* "ipv4" and "IPV6" as IPv4 and IPv6; anything else as given. */
static const char *
ethertype_case(const char *text)
{
    return strcasecmp(text, "ipv4") == 0 ? "IPv4" : strcasecmp(text, "ipv6") == 0 ? "IPv6" : text;
}

/* A decimal integer that fits an int; false when 'text' is not one. */
static bool
parse_int(const char *text, int *ret)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    while (*end == ' ') {
        end++;
    }
    if (!*text || *end || errno || v < -2147483647L || v > 2147483647L) {
        return false;
    }
    *ret = (int) v;
    return true;
}

/* --dst-port N or N:M (N <= M); 'ret' min and max. */
static int
parse_port_range(const char *text, int ret[2])
{
    const char *colon = strchr(text, ':');
    size_t first_len = colon ? (size_t) (colon - text) : strlen(text);
    char first[32];
    int lo, hi;

    if (colon && strchr(colon + 1, ':')) {
        return cli_usage_error_words(RULE_CREATE, "argument --dst-port: Invalid range, too many values");
    }
    snprintf(first, sizeof first, "%.*s", (int) first_len, text);
    if (first_len >= sizeof first || !parse_int(first, &lo)
        || !parse_int(colon ? colon + 1 : text, &hi)) {
        return cli_fail("argument --dst-port: invalid port range '%s'", text);
    }
    if (lo > hi) {
        return cli_usage_error_words(RULE_CREATE, "argument --dst-port: Invalid range, %s is not less "
                           "than %s", first, colon + 1);
    }
    ret[0] = lo;
    ret[1] = hi;
    return 0;
}

/* --icmp-type and --icmp-code: integers, or absent ('*ret_given' false). */
static int
icmp_option(const json_t *a, const char *name, int *ret, bool *ret_given)
{
    const char *text = arg_str(a, name);

    *ret_given = text != NULL;
    if (text && !parse_int(text, ret)) {
        return cli_usage_error_words(RULE_CREATE, "argument --%s: invalid int value: '%s'", name, text);
    }
    return 0;
}

/* The protocol: --protocol or --proto in lower case; "any" (the default) is null. */
static json_t *
rule_protocol(const json_t *a)
{
    const char *given = arg_str(a, "proto") ? arg_str(a, "proto") : arg_str(a, "protocol");
    char *lower;
    json_t *v;

    if (!given || strcasecmp(given, "any") == 0) {
        return json_null();
    }
    lower = xstrdup(given);
    for (char *p = lower; *p; p++) {
        *p = (char) tolower((unsigned char) *p);
    }
    v = json_string(lower);
    free(lower);
    return v;
}

/* Port range or ICMP type and code, checked as the openstack client checks them.  Its
 * tests are Python truth values: an ICMP type or code of 0 counts as not given there. */
static int
rule_ports(const json_t *a, const char *protocol, json_t *body)
{
    int ports[2], type = 0, code = 0, r;
    bool has_ports = arg_str(a, "dst-port") != NULL, has_type, has_code;

    if ((has_ports && (r = parse_port_range(arg_str(a, "dst-port"), ports)))
        || (r = icmp_option(a, "icmp-type", &type, &has_type))
        || (r = icmp_option(a, "icmp-code", &code, &has_code))) {
        return r;
    }
    if (has_ports && (type || code)) {
        return cli_fail("Argument --dst-port not allowed with arguments --icmp-type and "
                        "--icmp-code");
    }
    if (!has_type && has_code) {
        return cli_fail("Argument --icmp-type required with argument --icmp-code");
    }
    if (!is_icmp(protocol) && (type || code)) {
        return cli_fail("ICMP IP protocol required with arguments --icmp-type and --icmp-code");
    }
    if (has_ports && !is_icmp(protocol)) {
        json_object_set_new(body, "port_range_min", json_integer(ports[0]));
        json_object_set_new(body, "port_range_max", json_integer(ports[1]));
    }
    if (has_type && type >= 0) {
        json_object_set_new(body, "port_range_min", json_integer(type));
    }
    if (has_code && code >= 0) {
        json_object_set_new(body, "port_range_max", json_integer(code));
    }
    return 0;
}

const struct opt sg_rule_create_opts[] = {
    { "remote-ip", OPT_STR, NULL }, { "remote-group", OPT_STR, NULL },
    { "remote-address-group", OPT_STR, NULL }, { "dst-port", OPT_STR, NULL },
    { "protocol", OPT_STR, NULL }, { "proto", OPT_STR, NULL },
    { "description", OPT_STR, NULL }, { "icmp-type", OPT_STR, NULL },
    { "icmp-code", OPT_STR, NULL }, { "ingress", OPT_FALSE, "egress" },
    { "egress", OPT_TRUE, NULL }, { "ethertype", OPT_STR, NULL },
    { "project", OPT_STR, NULL }, { "project-domain", OPT_STR, NULL },
    { NULL, 0, NULL },
};

/* At most one of the options of 'names' (argparse's mutually exclusive groups). */
static int
exclusive(const json_t *a, const char *const *names, size_t n)
{
    const char *seen = NULL;

    for (size_t i = 0; i < n; i++) {
        if (json_object_get(a, names[i])) {
            if (seen) {
                return cli_usage_error_words(RULE_CREATE, "argument --%s: not allowed with argument --%s",
                                   names[i], seen);
            }
            seen = names[i];
        }
    }
    return 0;
}

int
sg_rule_attrs(const json_t *a, json_t *body)
{
    static const char *const remotes[] = { "remote-ip", "remote-group", "remote-address-group" };
    static const char *const protocols[] = { "protocol", "proto" };
    const char *ethertype = arg_str(a, "ethertype"), *protocol;
    json_t *proto;
    int r;

    if ((r = exclusive(a, remotes, ARRAY_SIZE(remotes)))
        || (r = exclusive(a, protocols, ARRAY_SIZE(protocols)))) {
        return r;
    }
    if (ethertype) {
        ethertype = ethertype_case(ethertype);
        if (!STREQ(ethertype, "IPv4") && !STREQ(ethertype, "IPv6")) {
            return cli_usage_error_words(RULE_CREATE, "argument --ethertype: invalid choice: '%s' "
                               "(choose from 'IPv4', 'IPv6')", ethertype);
        }
    }
    proto = rule_protocol(a);
    protocol = json_string_value(proto);
    json_object_set_new(body, "protocol", proto);
    if (arg_str(a, "description")) {
        json_object_set_new(body, "description", json_string(arg_str(a, "description")));
    }
    json_object_set_new(body, "direction",
                        json_string(arg_bool(a, "egress") == 1 ? "egress" : "ingress"));
    if (!ethertype) {
        ethertype = is_ipv6_protocol(protocol) ? "IPv6" : "IPv4";
    }
    json_object_set_new(body, "ethertype", json_string(ethertype));
    if ((r = rule_ports(a, protocol, body))) {
        return r;
    }
    /* Without a remote group, the remote prefix is sent: the one given, or "any". */
    if (arg_str(a, "remote-ip")) {
        json_object_set_new(body, "remote_ip_prefix", json_string(arg_str(a, "remote-ip")));
    } else if (!arg_str(a, "remote-group") && !arg_str(a, "remote-address-group")) {
        json_object_set_new(body, "remote_ip_prefix", json_string(any_prefix(ethertype)));
    }
    return 0;
}

/* The ids of the groups and address groups a rule names (after sg_rule_attrs()). */
static int
rule_references(struct cli *c, const json_t *a, json_t *body)
{
    char id[64];

    if (cli_find_id(c, &kind_security_group, arg_pos(a, 0), id)) {
        return 1;
    }
    json_object_set_new(body, "security_group_id", json_string(id));
    if (arg_str(a, "remote-group")) {
        if (cli_find_id(c, &kind_security_group, arg_str(a, "remote-group"), id)) {
            return 1;
        }
        json_object_set_new(body, "remote_group_id", json_string(id));
    } else if (arg_str(a, "remote-address-group")) {
        if (cli_find_id(c, &kind_address_group, arg_str(a, "remote-address-group"), id)) {
            return 1;
        }
        json_object_set_new(body, "remote_address_group_id", json_string(id));
    }
    return cli_put_project(c, a, body);
}

static int
rule_create(struct cli *c, const json_t *a)
{
    json_t *body;
    int r;

    if (arg_npos(a) != 1) {
        return cli_usage_error_words(RULE_CREATE, "takes one group");
    }
    body = json_object();
    if ((r = sg_rule_attrs(a, body)) || (r = rule_references(c, a, body))) {
        json_decref(body);
        return r;
    }
    return cli_create(c, &kind_rule, body, a, rule_fields, ARRAY_SIZE(rule_fields));
}

/* "Port Range" as the openstack client shows it: "type=T:code=C" for ICMP (each part
 * only when not 0 or null), "min:max" for the others, "" for none. */
static void
port_range_text(struct buf *b, const json_t *rule)
{
    const json_t *lo = json_object_get(rule, "port_range_min");
    const json_t *hi = json_object_get(rule, "port_range_max");
    bool has_lo = json_is_integer(lo) && json_integer_value(lo);
    bool has_hi = json_is_integer(hi) && json_integer_value(hi);

    if (is_icmp(json_string_value(json_object_get(rule, "protocol")))) {
        if (has_lo) {
            buf_printf(b, "type=%lld", (long long) json_integer_value(lo));
        }
        if (has_hi) {
            buf_printf(b, ":code=%lld", (long long) json_integer_value(hi));
        }
    } else if (has_lo || has_hi) {
        const json_t *first = json_is_integer(lo) ? lo : hi;
        const json_t *last = json_is_integer(hi) ? hi : lo;
        buf_printf(b, "%lld:%lld", (long long) json_integer_value(first),
                   (long long) json_integer_value(last));
    }
}

/* A rule as "security group rule list" shows it: the port range made, and "any" as the
 * ethertype's whole range when there is no remote prefix. */
static void
rule_list_row(json_t *rule)
{
    struct buf range = BUF_INITIALIZER;
    const json_t *prefix = json_object_get(rule, "remote_ip_prefix");

    port_range_text(&range, rule);
    json_object_set_new(rule, "port_range", json_string(buf_cstr(&range)));
    buf_done(&range);
    if (!prefix || json_is_null(prefix)) {
        const char *any = any_prefix(json_string_value(json_object_get(rule, "ethertype")));
        json_object_set_new(rule, "remote_ip_prefix", any ? json_string(any) : json_null());
    }
}

static const struct opt rule_list_opts[] = {
    { "all-projects", OPT_TRUE, NULL }, { "protocol", OPT_STR, NULL },
    { "ethertype", OPT_STR, NULL }, { "ingress", OPT_TRUE, NULL },
    { "egress", OPT_TRUE, NULL }, { "long", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

/* The query of "security group rule list": the group (when given), the direction, the
 * protocol and the ethertype. */
static int
rule_list_query(struct cli *c, const json_t *a, struct buf *query)
{
    char id[64], *protocol;

    if (arg_npos(a) > 1) {
        return cli_usage_error_words(RULE_LIST, "takes at most one group");
    }
    if (arg_bool(a, "ingress") == 1 && arg_bool(a, "egress") == 1) {
        return cli_usage_error_words(RULE_LIST, "argument --egress: not allowed with argument --ingress");
    }
    if (arg_npos(a) == 1) {
        if (cli_find_id(c, &kind_security_group, arg_pos(a, 0), id)) {
            return 1;
        }
        cli_q(query, "security_group_id", id);
    }
    cli_q(query, "direction", arg_bool(a, "ingress") == 1  ? "ingress"
                              : arg_bool(a, "egress") == 1 ? "egress"
                                                           : NULL);
    if (arg_str(a, "protocol")) {
        protocol = xstrdup(arg_str(a, "protocol"));
        for (char *p = protocol; *p; p++) {
            *p = (char) tolower((unsigned char) *p);
        }
        cli_q(query, "protocol", protocol);
        free(protocol);
    }
    if (arg_str(a, "ethertype")) {
        cli_q(query, "ethertype", ethertype_case(arg_str(a, "ethertype")));
    }
    return 0;
}

static int
rule_list(struct cli *c, const json_t *a)
{
    struct buf query = BUF_INITIALIZER;
    json_t *ans = NULL, *rule;
    char *path;
    size_t i;
    int r;

    if (arg_bool(a, "long") == 1) {
        fputs("The --long option has been deprecated and is no longer needed\n", stderr);
    }
    if (!cli_session(c)) {
        return 1;
    }
    if ((r = rule_list_query(c, a, &query))) {
        buf_done(&query);
        return r;
    }
    path = xasprintf("/v2.0/security-group-rules%s%s", query.len ? "?" : "", buf_cstr(&query));
    buf_done(&query);
    r = session_call(cli_session(c), "GET", path, NULL, &ans);
    free(path);
    if (r) {
        return cli_fail_call(c);
    }
    json_array_foreach (json_object_get(ans, "security_group_rules"), i, rule) {
        rule_list_row(rule);
    }
    /* With a group given, its column would repeat it: left out. */
    r = out_list(&c->out, rule_cols, ARRAY_SIZE(rule_cols) - (arg_npos(a) == 1),
                 json_object_get(ans, "security_group_rules"));
    json_decref(ans);
    return r;
}

/* Rules are found by id only; a rule without a remote prefix shows the ethertype's
 * whole range. */
static int
rule_show(struct cli *c, const json_t *a)
{
    const json_t *prefix;
    json_t *rule;
    int r;

    if (arg_npos(a) != 1) {
        return cli_fail("security group rule show takes one rule");
    }
    if (cli_find(c, &kind_rule, arg_pos(a, 0), &rule)) {
        return 1;
    }
    prefix = json_object_get(rule, "remote_ip_prefix");
    if (!prefix || json_is_null(prefix)) {
        const char *any = any_prefix(json_string_value(json_object_get(rule, "ethertype")));
        json_object_set_new(rule, "remote_ip_prefix", any ? json_string(any) : json_null());
    }
    r = out_show(&c->out, rule_fields, ARRAY_SIZE(rule_fields), rule);
    json_decref(rule);
    return r;
}

const struct command security_group_commands[] = {
    { "security group create", group_create_opts, group_create, "Create a security group" },
    { "security group list", group_list_opts, group_list, "List security groups" },
    { "security group show", NULL, cli_show, "Show a security group",
      .kind = &kind_security_group, .fields = group_fields,
      .n_fields = ARRAY_SIZE(group_fields) },
    { "security group set", group_set_opts, group_set, "Change a security group" },
    { "security group unset", group_unset_opts, group_unset, "Remove tags of a security group" },
    { "security group delete", NULL, cli_delete, "Delete security groups",
      .kind = &kind_security_group },
    { "security group rule create", sg_rule_create_opts, rule_create,
      "Create a security group rule" },
    { "security group rule list", rule_list_opts, rule_list, "List security group rules" },
    { "security group rule show", NULL, rule_show, "Show a security group rule" },
    { "security group rule delete", NULL, cli_delete, "Delete security group rules",
      .kind = &kind_rule },
    { NULL, NULL, NULL, NULL },
};
