/* neutrino port create|list|show|set|unset|delete (docs/behaviour/cli.md §5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const struct field show_fields[] = {
    { "admin_state_up", "admin_state_up", R_UPDOWN },
    { "allowed_address_pairs", "allowed_address_pairs", R_TEXT },
    { "binding_host_id", "binding:host_id", R_TEXT },
    { "binding_profile", "binding:profile", R_DICT_OR_EMPTY },
    { "binding_vif_details", "binding:vif_details", R_DICT_OR_EMPTY },
    { "binding_vif_type", "binding:vif_type", R_TEXT },
    { "binding_vnic_type", "binding:vnic_type", R_TEXT },
    { "created_at", "created_at", R_TEXT },
    { "data_plane_status", "data_plane_status", R_TEXT },
    { "description", "description", R_TEXT },
    { "device_id", "device_id", R_TEXT },
    { "device_owner", "device_owner", R_TEXT },
    { "device_profile", "device_profile", R_TEXT },
    { "dns_assignment", "dns_assignment", R_TEXT },
    { "dns_domain", "dns_domain", R_TEXT },
    { "dns_name", "dns_name", R_TEXT },
    { "extra_dhcp_opts", "extra_dhcp_opts", R_LIST_DICTS },
    { "fixed_ips", "fixed_ips", R_FIXED_IPS },
    { "id", "id", R_TEXT },
    { "ip_allocation", "ip_allocation", R_TEXT },
    { "mac_address", "mac_address", R_TEXT },
    { "name", "name", R_TEXT },
    { "network_id", "network_id", R_TEXT },
    { "numa_affinity_policy", "numa_affinity_policy", R_TEXT },
    { "port_security_enabled", "port_security_enabled", R_FALSE },
    { "project_id", "project_id", R_TEXT },
    { "propagate_uplink_status", "propagate_uplink_status", R_TEXT },
    { "qos_network_policy_id", "qos_network_policy_id", R_TEXT },
    { "qos_policy_id", "qos_policy_id", R_TEXT },
    { "resource_request", "resource_request", R_TEXT },
    { "revision_number", "revision_number", R_TEXT },
    { "security_group_ids", "security_groups", R_TEXT },
    { "status", "status", R_TEXT },
    { "tags", "tags", R_TEXT },
    { "trunk_details", "trunk_details", R_TEXT },
    { "updated_at", "updated_at", R_TEXT },
};

/* The columns of "port list --long"; without --long, the first N_SHORT_COLS. */
static const struct field list_cols[] = {
    { "ID", "id", R_TEXT },
    { "Name", "name", R_TEXT },
    { "MAC Address", "mac_address", R_TEXT },
    { "Fixed IP Addresses", "fixed_ips", R_FIXED_IPS },
    { "Status", "status", R_TEXT },
    { "Security Groups", "security_groups", R_TEXT },
    { "Device Owner", "device_owner", R_TEXT },
    { "Tags", "tags", R_TEXT },
};
enum { N_SHORT_COLS = 5 };

/* "subnet=<name or id>,ip-address=<ip>" -> {"subnet_id", "ip_address"}; a list's
 * filter may also have "ip-substring=<text>" -> {"ip_address_substr"}. */
static json_t *
fixed_ip_filter_of(struct cli *c, const char *text, bool substring)
{
    json_t *kv = arg_kv(text), *out = json_object();
    const char *sub = json_string_value(json_object_get(kv, "subnet"));
    const char *ip = json_string_value(json_object_get(kv, "ip-address"));
    const char *part = substring ? json_string_value(json_object_get(kv, "ip-substring"))
                                 : NULL;
    char id[64];

    if (!kv || (!sub && !ip && !part)
        || json_object_size(kv) != (size_t) (!!sub + !!ip + !!part)) {
        json_decref(kv);
        json_decref(out);
        if (substring) {
            cli_fail("--fixed-ip takes subnet=<subnet>,ip-address=<ip>,"
                     "ip-substring=<ip-substring>, not '%s'", text);
        } else {
            cli_fail("--fixed-ip takes subnet=<subnet>,ip-address=<ip>, not '%s'", text);
        }
        return NULL;
    }
    if (part) {
        json_object_set_new(out, "ip_address_substr", json_string(part));
    }
    if (sub) {
        if (cli_find_id(c, &kind_subnet, sub, id)) {
            json_decref(kv);
            json_decref(out);
            return NULL;
        }
        json_object_set_new(out, "subnet_id", json_string(id));
    }
    if (ip) {
        json_object_set_new(out, "ip_address", json_string(ip));
    }
    json_decref(kv);
    return out;
}

static json_t *
fixed_ip_of(struct cli *c, const char *text)
{
    return fixed_ip_filter_of(c, text, false);
}

/* Whether an unset's --fixed-ip names 'entry': the subnet and the address it gives. */
static bool
fixed_ip_matches(const json_t *entry, const json_t *item)
{
    const json_t *fs = json_object_get(item, "subnet_id");
    const json_t *fa = json_object_get(item, "ip_address");

    return (!fs || json_equal(fs, json_object_get(entry, "subnet_id")))
           && (!fa || json_equal(fa, json_object_get(entry, "ip_address")));
}

const struct list_attr cli_fixed_ips = { "fixed_ips", "fixed-ip", fixed_ip_of,
                                         fixed_ip_matches };

/* "ip-address=<ip>[,mac-address=<mac>]" -> {"ip_address", "mac_address"}. */
static json_t *
address_pair_of(struct cli *c, const char *text)
{
    json_t *kv = arg_kv(text), *out;
    const char *ip = json_string_value(json_object_get(kv, "ip-address"));
    const char *mac = json_string_value(json_object_get(kv, "mac-address"));

    (void) c;
    if (!kv || !ip || json_object_size(kv) != (size_t) (1 + !!mac)) {
        json_decref(kv);
        cli_fail("--allowed-address takes ip-address=<ip-address>[,mac-address=<mac-address>], "
                 "not '%s'", text);
        return NULL;
    }
    out = json_pack("{s:s}", "ip_address", ip);
    if (mac) {
        json_object_set_new(out, "mac_address", json_string(mac));
    }
    json_decref(kv);
    return out;
}

/* Whether an unset's --allowed-address names 'entry': its address, and its MAC when one
 * is given (the server fills in the port's MAC for a pair given without one). */
static bool
address_pair_matches(const json_t *entry, const json_t *item)
{
    const json_t *mac = json_object_get(item, "mac_address");

    return json_equal(json_object_get(item, "ip_address"), json_object_get(entry, "ip_address"))
           && (!mac || json_equal(mac, json_object_get(entry, "mac_address")));
}

static const struct list_attr address_pairs = { "allowed_address_pairs", "allowed-address-pair",
                                                address_pair_of, address_pair_matches };

/* body's attribute of 'l': what 'keep' has, then one entry for each text 'given' (set
 * appends, as the openstack client does); 1 after a message. */
static int
put_appended(struct cli *c, const struct list_attr *l, const json_t *given, const json_t *keep,
             json_t *body)
{
    json_t *added = json_object(), *list = json_array();
    int r = cli_put_list(c, l, given, NULL, added);

    if (!r) {
        json_array_extend(list, (json_t *) keep);
        json_array_extend(list, json_object_get(added, l->attr));
        json_object_set(body, l->attr, list);
    }
    json_decref(list);
    json_decref(added);
    return r;
}

/* --extra-dhcp-option's "key=value" pairs as the openstack client reads them
 * (MultiKeyValueCommaAction): a piece without '=' continues the previous value, so a
 * value may hold commas ("value=a,b").  NULL after a message. */
static json_t *
dhcp_option_kv(const char *text)
{
    json_t *kv = json_object();
    const char *p = text, *key = NULL;

    while (true) {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);
        if (eq == p) {
            json_decref(kv);
            cli_fail("A key must be specified before '=': %.*s",
                     (int) len, p);
            return NULL;
        }
        if (eq) {
            char *k = xstrndup(p, (size_t) (eq - p));
            json_object_set_new(kv, k, json_stringn(eq + 1, len - (size_t) (eq - p) - 1));
            key = json_object_iter_key(json_object_iter_at(kv, k));
            free(k);
        } else if (key) {
            char *joined = xasprintf("%s,%.*s", json_string_value(json_object_get(kv, key)),
                                     (int) len, p);
            json_object_set_new(kv, key, json_string(joined));
            free(joined);
        } else {
            json_decref(kv);
            cli_fail("A key=value pair is required: %.*s",
                     (int) len, p);
            return NULL;
        }
        if (!p[len]) {
            return kv;
        }
        p += len + 1;
    }
}

/* One --extra-dhcp-option as the body's option: name=<name>[,value=<value>,
 * ip-version={4,6}], the client's keys; an unset's names an option to remove (value
 * null), so it takes no value. */
static json_t *
dhcp_option_of(const char *text, bool unset)
{
    json_t *kv = dhcp_option_kv(text), *out;
    const char *key;
    json_t *v;

    if (!kv) {
        return NULL;
    }
    json_object_foreach (kv, key, v) {
        if (!STREQ(key, "name") && !STREQ(key, "ip-version") && (unset || !STREQ(key, "value"))) {
            cli_fail("Invalid keys %s specified.\n"
                     "Valid keys are: %s", key, unset ? "name, ip-version"
                                                     : "name, value, ip-version");
            json_decref(kv);
            return NULL;
        }
    }
    if (!json_object_get(kv, "name")) {
        cli_fail("Missing required keys name.\n"
                 "Required keys are: name");
        json_decref(kv);
        return NULL;
    }
    out = json_pack("{s:O}", "opt_name", json_object_get(kv, "name"));
    if (unset) {
        json_object_set_new(out, "opt_value", json_null());
    } else if (json_object_get(kv, "value")) {
        json_object_set(out, "opt_value", json_object_get(kv, "value"));
    }
    if (json_object_get(kv, "ip-version")) {
        json_object_set(out, "ip_version", json_object_get(kv, "ip-version"));
    }
    json_decref(kv);
    return out;
}

/* body's extra_dhcp_opts from the --extra-dhcp-option texts (the server merges them
 * into the port's, so set sends only these); 1 after a message. */
static int
put_dhcp_options(const json_t *a, bool unset, json_t *body)
{
    const json_t *given = arg_list(a, "extra-dhcp-option"), *v;
    json_t *list;
    size_t i;

    if (!given) {
        return 0;
    }
    list = json_array();
    json_array_foreach (given, i, v) {
        json_t *opt = dhcp_option_of(json_string_value(v), unset);
        if (!opt) {
            json_decref(list);
            return 1;
        }
        json_array_append_new(list, opt);
    }
    json_object_set_new(body, "extra_dhcp_opts", list);
    return 0;
}

/* binding:profile from "k=v" or JSON items, merged over 'base'. */
static int
profile(const json_t *given, const json_t *base, json_t *body)
{
    json_t *merged = base ? json_deep_copy(base) : json_object(), *v;
    size_t i;

    json_array_foreach (given, i, v) {
        const char *text = json_string_value(v);
        json_t *item = text[0] == '{' ? json_loads(text, 0, NULL) : arg_kv(text);
        if (!json_is_object(item)) {
            json_decref(item);
            json_decref(merged);
            return cli_fail("--binding-profile takes key=value or a JSON object, not '%s'",
                            text);
        }
        json_object_update(merged, item);
        json_decref(item);
    }
    json_object_set_new(body, "binding:profile", merged);
    return 0;
}

#define COMMON_OPTS                                                                       \
    { "description", OPT_STR, NULL }, { "device", OPT_STR, NULL },                         \
    { "device-owner", OPT_STR, NULL }, { "mac-address", OPT_STR, NULL },                   \
    { "host", OPT_STR, NULL }, { "vnic-type", OPT_STR, NULL },                             \
    { "binding-profile", OPT_LIST, NULL }, { "enable", OPT_TRUE, NULL },                   \
    { "disable", OPT_FALSE, "enable" }, { "fixed-ip", OPT_LIST, NULL },                    \
    { "no-fixed-ip", OPT_TRUE, NULL }, { "enable-port-security", OPT_TRUE, "port-security" }, \
    { "disable-port-security", OPT_FALSE, "port-security" },                               \
    { "tag", OPT_LIST, NULL }, { "no-tag", OPT_TRUE, NULL },                               \
    { "security-group", OPT_LIST, NULL }, { "no-security-group", OPT_TRUE, NULL },         \
    { "allowed-address", OPT_LIST, NULL }, { "numa-policy-required", OPT_TRUE, NULL },     \
    { "numa-policy-preferred", OPT_TRUE, NULL }, { "numa-policy-legacy", OPT_TRUE, NULL }, \
    { "extra-dhcp-option", OPT_LIST, NULL }

static int
common_attrs(struct cli *c, const json_t *a, json_t *body)
{
    static const struct opt_attr given[] = {
        { "description", "description" }, { "device", "device_id" },
        { "device-owner", "device_owner" }, { "mac-address", "mac_address" },
        { "host", "binding:host_id" }, { "vnic-type", "binding:vnic_type" },
        { "name", "name" }, { "enable", "admin_state_up" },
        { "port-security", "port_security_enabled" },
    };

    static const char *const numa_policies[] = { "required", "preferred", "legacy" };
    const char *numa = NULL;

    for (size_t i = 0; i < ARRAY_SIZE(numa_policies); i++) {
        char option[32];
        snprintf(option, sizeof option, "numa-policy-%s", numa_policies[i]);
        if (arg_bool(a, option) != 1) {
            continue;
        }
        if (numa) {   /* One group of exclusive options, as the openstack client has. */
            return cli_fail("--numa-policy-%s is not allowed with --numa-policy-%s",
                            numa_policies[i], numa);
        }
        numa = numa_policies[i];
    }
    cli_put_opts(body, a, given, ARRAY_SIZE(given));
    if (numa) {
        json_object_set_new(body, "numa_affinity_policy", json_string(numa));
    }
    return put_dhcp_options(a, false, body);
}

static const struct opt create_opts[] = {
    COMMON_OPTS,
    { "device-profile", OPT_STR, NULL },
    { "network", OPT_STR, NULL }, { "project", OPT_STR, NULL },
    { "project-domain", OPT_STR, NULL },
    { NULL, 0, NULL },
};

static int
port_create(struct cli *c, const json_t *a)
{
    json_t *body = json_object();
    char net_id[64];

    if (arg_npos(a) != 1 || !arg_str(a, "network")) {
        json_decref(body);
        return cli_fail("port create takes one name and --network");
    }
    if (cli_find_id(c, &kind_network, arg_str(a, "network"), net_id)) {
        json_decref(body);
        return 1;
    }
    json_object_set_new(body, "network_id", json_string(net_id));
    json_object_set_new(body, "name", json_string(arg_pos(a, 0)));
    json_object_set_new(body, "admin_state_up", json_true());
    if (common_attrs(c, a, body)) {
        json_decref(body);
        return 1;
    }
    if (arg_str(a, "device-profile")) {
        json_object_set_new(body, "device_profile", json_string(arg_str(a, "device-profile")));
    }
    if (arg_bool(a, "no-fixed-ip") == 1) {
        json_object_set_new(body, "fixed_ips", json_array());
    } else if (arg_list(a, "fixed-ip")
               && cli_put_list(c, &cli_fixed_ips, arg_list(a, "fixed-ip"), NULL, body)) {
        json_decref(body);
        return 1;
    }
    /* --security-group wins over --no-security-group. */
    if (arg_list(a, "security-group")) {
        if (cli_put_list(c, &cli_security_groups, arg_list(a, "security-group"), NULL, body)) {
            json_decref(body);
            return 1;
        }
    } else if (arg_bool(a, "no-security-group") == 1) {
        json_object_set_new(body, "security_groups", json_array());
    }
    if ((arg_list(a, "allowed-address")
         && cli_put_list(c, &address_pairs, arg_list(a, "allowed-address"), NULL, body))
        || (arg_list(a, "binding-profile") && profile(arg_list(a, "binding-profile"), NULL, body))
        || cli_put_project(c, a, body)) {
        json_decref(body);
        return 1;
    }
    return cli_create(c, &kind_port, body, a, show_fields, ARRAY_SIZE(show_fields));
}

static const struct opt list_opts[] = {
    { "long", OPT_TRUE, NULL }, { "network", OPT_STR, NULL },
    { "device-owner", OPT_STR, NULL }, { "device-id", OPT_STR, NULL },
    { "host", OPT_STR, NULL }, { "mac-address", OPT_STR, NULL }, { "name", OPT_STR, NULL },
    { "project", OPT_STR, NULL }, { "project-domain", OPT_STR, NULL },
    { "fixed-ip", OPT_LIST, NULL }, { "security-group", OPT_STR, NULL },
    { "tags", OPT_STR, NULL }, { "any-tags", OPT_STR, NULL }, { "not-tags", OPT_STR, NULL },
    { "not-any-tags", OPT_STR, NULL },
    { NULL, 0, NULL },
};

static int
port_list(struct cli *c, const json_t *a)
{
    static const struct list_filter filters[] = {
        { "network_id", "network", &kind_network },
        { "device_owner", "device-owner" },
        { "device_id", "device-id" },
        { "binding:host_id", "host" },
        { "mac_address", "mac-address" },
        { "name", "name" },
        { "security_groups", "security-group" },
        { "project_id", "project", .project = true },
    };
    struct buf query = BUF_INITIALIZER;
    const json_t *v;
    size_t i;

    if (cli_q_filters(c, &query, a, filters, ARRAY_SIZE(filters))) {
        buf_done(&query);
        return 1;
    }
    json_array_foreach (arg_list(a, "fixed-ip"), i, v) {
        json_t *f = fixed_ip_filter_of(c, json_string_value(v), true);
        char filter[128];
        if (!f) {
            buf_done(&query);
            return 1;
        }
        if (json_object_get(f, "subnet_id")) {
            snprintf(filter, sizeof filter, "subnet_id=%s",
                     json_string_value(json_object_get(f, "subnet_id")));
            cli_q(&query, "fixed_ips", filter);
        }
        if (json_object_get(f, "ip_address")) {
            snprintf(filter, sizeof filter, "ip_address=%s",
                     json_string_value(json_object_get(f, "ip_address")));
            cli_q(&query, "fixed_ips", filter);
        }
        if (json_object_get(f, "ip_address_substr")) {
            snprintf(filter, sizeof filter, "ip_address_substr=%s",
                     json_string_value(json_object_get(f, "ip_address_substr")));
            cli_q(&query, "fixed_ips", filter);
        }
        json_decref(f);
    }
    return cli_list_tagged(c, &kind_port, a, &query, list_cols, N_SHORT_COLS, list_cols,
                           ARRAY_SIZE(list_cols));
}

static const struct opt set_opts[] = {
    COMMON_OPTS,
    { "name", OPT_STR, NULL }, { "no-binding-profile", OPT_TRUE, NULL },
    { "no-allowed-address", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

/* A list option of set: --<option> adds to what the port has, --no-<option> empties it
 * first. */
static int
set_list(struct cli *c, const json_t *a, const json_t *p, const struct list_attr *l,
         const char *option, const char *clear, json_t *body)
{
    bool cleared = arg_bool(a, clear) == 1;

    if (arg_list(a, option)) {
        return put_appended(c, l, arg_list(a, option),
                            cleared ? NULL : json_object_get(p, l->attr), body);
    }
    if (cleared) {
        json_object_set_new(body, l->attr, json_array());
    }
    return 0;
}

/* --fixed-ip and --binding-profile add to what the port has; --no-fixed-ip and
 * --no-binding-profile replace it. */
static int
set_lists(struct cli *c, const json_t *a, const json_t *p, json_t *body)
{
    if ((arg_list(a, "fixed-ip") || arg_bool(a, "no-fixed-ip") == 1)
        && cli_put_list(c, &cli_fixed_ips, arg_list(a, "fixed-ip"),
                        arg_bool(a, "no-fixed-ip") == 1 ? NULL : json_object_get(p, "fixed_ips"),
                        body)) {
        return 1;
    }
    if ((arg_list(a, "binding-profile") || arg_bool(a, "no-binding-profile") == 1)
        && profile(arg_list(a, "binding-profile"),
                   arg_bool(a, "no-binding-profile") == 1 ? NULL
                                                           : json_object_get(p, "binding:profile"),
                   body)) {
        return 1;
    }
    return set_list(c, a, p, &cli_security_groups, "security-group", "no-security-group", body)
           || set_list(c, a, p, &address_pairs, "allowed-address", "no-allowed-address", body);
}

static int
port_set(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_port, a, false, common_attrs, set_lists);
}

static const struct opt unset_opts[] = {
    { "fixed-ip", OPT_LIST, NULL }, { "host", OPT_TRUE, NULL },
    { "binding-profile", OPT_LIST, NULL }, { "tag", OPT_LIST, NULL },
    { "all-tag", OPT_TRUE, NULL }, { "security-group", OPT_LIST, NULL },
    { "allowed-address", OPT_LIST, NULL }, { "numa-policy", OPT_TRUE, NULL },
    { "extra-dhcp-option", OPT_LIST, NULL },
    { NULL, 0, NULL },
};

static int
unset_values(struct cli *c, const json_t *a, json_t *body)
{
    if (arg_bool(a, "host") == 1) {
        json_object_set_new(body, "binding:host_id", json_null());
    }
    if (arg_bool(a, "numa-policy") == 1) {
        json_object_set_new(body, "numa_affinity_policy", json_null());
    }
    return put_dhcp_options(a, true, body);
}

/* The port's binding profile but the keys --binding-profile names. */
static int
unset_profile(const json_t *a, const json_t *p, json_t *body)
{
    json_t *prof = json_deep_copy(json_object_get(p, "binding:profile")), *v;
    size_t i;

    json_array_foreach (arg_list(a, "binding-profile"), i, v) {
        if (json_object_del(prof, json_string_value(v))) {
            json_decref(prof);
            return cli_fail("Port does not contain binding-profile %s", json_string_value(v));
        }
    }
    json_object_set_new(body, "binding:profile", prof);
    return 0;
}

static int
unset_lists(struct cli *c, const json_t *a, const json_t *p, json_t *body)
{
    return (arg_list(a, "fixed-ip")
            && cli_remove_entries(c, &kind_port, &cli_fixed_ips, p, arg_list(a, "fixed-ip"), body))
           || (arg_list(a, "binding-profile") && unset_profile(a, p, body))
           || (arg_list(a, "security-group")
               && cli_remove_entries(c, &kind_port, &cli_security_groups, p,
                                     arg_list(a, "security-group"), body))
           || (arg_list(a, "allowed-address")
               && cli_remove_entries(c, &kind_port, &address_pairs, p,
                                     arg_list(a, "allowed-address"), body));
}

static int
port_unset(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_port, a, true, unset_values, unset_lists);
}

const struct command port_commands[] = {
    { "port create", create_opts, port_create, "Create a port" },
    { "port list", list_opts, port_list, "List ports" },
    { "port show", NULL, cli_show, "Show a port", .kind = &kind_port, .fields = show_fields,
      .n_fields = ARRAY_SIZE(show_fields) },
    { "port set", set_opts, port_set, "Change a port" },
    { "port unset", unset_opts, port_unset, "Remove values from a port" },
    { "port delete", NULL, cli_delete, "Delete ports", .kind = &kind_port },
    { NULL, NULL, NULL, NULL },
};
