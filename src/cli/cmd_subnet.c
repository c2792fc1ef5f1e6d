/* neutrino subnet create|list|show|set|unset|delete (docs/behaviour/cli.md §4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const struct kind subnet = { "subnet", "subnets", "Subnet" };
static const struct kind network = { "network", "networks", "Network" };

static const struct field show_fields[] = {
    { "allocation_pools", "allocation_pools", R_POOLS },
    { "cidr", "cidr", R_TEXT },
    { "created_at", "created_at", R_TEXT },
    { "description", "description", R_TEXT },
    { "dns_nameservers", "dns_nameservers", R_TEXT },
    { "dns_publish_fixed_ip", "dns_publish_fixed_ip", R_TEXT },
    { "enable_dhcp", "enable_dhcp", R_TEXT },
    { "gateway_ip", "gateway_ip", R_TEXT },
    { "host_routes", "host_routes", R_ROUTES },
    { "id", "id", R_TEXT },
    { "ip_version", "ip_version", R_TEXT },
    { "ipv6_address_mode", "ipv6_address_mode", R_TEXT },
    { "ipv6_ra_mode", "ipv6_ra_mode", R_TEXT },
    { "name", "name", R_TEXT },
    { "network_id", "network_id", R_TEXT },
    { "project_id", "project_id", R_TEXT },
    { "revision_number", "revision_number", R_TEXT },
    { "segment_id", "segment_id", R_TEXT },
    { "service_types", "service_types", R_TEXT },
    { "subnetpool_id", "subnetpool_id", R_TEXT },
    { "tags", "tags", R_TEXT },
    { "updated_at", "updated_at", R_TEXT },
};

static const struct field list_cols[] = {
    { "ID", "id", R_TEXT },
    { "Name", "name", R_TEXT },
    { "Network", "network_id", R_TEXT },
    { "Subnet", "cidr", R_TEXT },
};

static const struct field long_cols[] = {
    { "ID", "id", R_TEXT },
    { "Name", "name", R_TEXT },
    { "Network", "network_id", R_TEXT },
    { "Subnet", "cidr", R_TEXT },
    { "Project", "project_id", R_TEXT },
    { "DHCP", "enable_dhcp", R_TEXT },
    { "Name Servers", "dns_nameservers", R_TEXT },
    { "Allocation Pools", "allocation_pools", R_POOLS },
    { "Host Routes", "host_routes", R_ROUTES },
    { "IP Version", "ip_version", R_TEXT },
    { "Gateway", "gateway_ip", R_TEXT },
    { "Service Types", "service_types", R_TEXT },
    { "Tags", "tags", R_TEXT },
};

/* "start=..,end=.." -> {"start", "end"}; "destination=..,gateway=.." -> {"destination",
 * "nexthop"}.  NULL after a message if malformed. */
static json_t *
pool_of(const char *text)
{
    json_t *kv = arg_kv(text);
    const char *start = json_string_value(json_object_get(kv, "start"));
    const char *end = json_string_value(json_object_get(kv, "end"));
    json_t *r = start && end && json_object_size(kv) == 2
                    ? json_pack("{s:s,s:s}", "start", start, "end", end)
                    : NULL;

    json_decref(kv);
    if (!r) {
        cli_fail("--allocation-pool takes start=<ip>,end=<ip>, not '%s'", text);
    }
    return r;
}

static json_t *
route_of(const char *text)
{
    json_t *kv = arg_kv(text);
    const char *dst = json_string_value(json_object_get(kv, "destination"));
    const char *gw = json_string_value(json_object_get(kv, "gateway"));
    json_t *r;

    gw = gw ? gw : json_string_value(json_object_get(kv, "nexthop"));
    r = dst && gw && json_object_size(kv) == 2
            ? json_pack("{s:s,s:s}", "destination", dst, "nexthop", gw)
            : NULL;
    json_decref(kv);
    if (!r) {
        cli_fail("--host-route takes destination=<cidr>,gateway=<ip>, not '%s'", text);
    }
    return r;
}

/* Builds a list attribute from a repeatable option with 'conv'; 'prefix' entries (the
 * current value, for set) go after the new ones, as the openstack client sends them. */
static int
list_attr(json_t *body, const char *attr, const json_t *given, json_t *(*conv)(const char *),
          const json_t *keep)
{
    json_t *list = json_array(), *v;
    size_t i;

    json_array_foreach (given, i, v) {
        json_t *item = conv ? conv(json_string_value(v)) : json_incref(v);
        if (!item) {
            json_decref(list);
            return 1;
        }
        json_array_append_new(list, item);
    }
    json_array_foreach (keep, i, v) {
        json_array_append(list, v);
    }
    json_object_set_new(body, attr, list);
    return 0;
}

#define COMMON_OPTS                                                                       \
    { "description", OPT_STR, NULL }, { "dhcp", OPT_TRUE, NULL },                          \
    { "no-dhcp", OPT_FALSE, "dhcp" }, { "gateway", OPT_STR, NULL },                        \
    { "allocation-pool", OPT_LIST, NULL }, { "dns-nameserver", OPT_LIST, NULL },           \
    { "host-route", OPT_LIST, NULL }, { "service-type", OPT_LIST, NULL },                  \
    { "tag", OPT_LIST, NULL }, { "no-tag", OPT_TRUE, NULL }

static const struct opt create_opts[] = {
    COMMON_OPTS,
    { "network", OPT_STR, NULL }, { "subnet-range", OPT_STR, NULL },
    { "ip-version", OPT_STR, NULL }, { "project", OPT_STR, NULL },
    { "project-domain", OPT_STR, NULL }, { "ipv6-ra-mode", OPT_STR, NULL },
    { "ipv6-address-mode", OPT_STR, NULL },
    { NULL, 0, NULL },
};

static int
subnet_create(struct cli *c, const json_t *a)
{
    const char *gw = arg_str(a, "gateway"), *v;
    json_t *body = json_object(), *ans = NULL, *wrapped;
    char net_id[64], pid[64];
    int r, b;

    if (arg_npos(a) != 1 || !arg_str(a, "network")) {
        json_decref(body);
        return cli_fail("subnet create takes one name and --network");
    }
    if (cli_find_id(c, &network, arg_str(a, "network"), net_id)) {
        json_decref(body);
        return 1;
    }
    json_object_set_new(body, "name", json_string(arg_pos(a, 0)));
    json_object_set_new(body, "network_id", json_string(net_id));
    v = arg_str(a, "ip-version");
    json_object_set_new(body, "ip_version", json_integer(v ? atoi(v) : 4));
    if ((v = arg_str(a, "subnet-range")) != NULL) {
        json_object_set_new(body, "cidr", json_string(v));
    }
    if (gw && !STREQ(gw, "auto")) {
        json_object_set_new(body, "gateway_ip", STREQ(gw, "none") ? json_null() : json_string(gw));
    }
    if ((b = arg_bool(a, "dhcp")) >= 0) {
        json_object_set_new(body, "enable_dhcp", json_boolean(b));
    }
    if ((v = arg_str(a, "description")) != NULL) {
        json_object_set_new(body, "description", json_string(v));
    }
    if ((v = arg_str(a, "ipv6-ra-mode")) != NULL) {
        json_object_set_new(body, "ipv6_ra_mode", json_string(v));
    }
    if ((v = arg_str(a, "ipv6-address-mode")) != NULL) {
        json_object_set_new(body, "ipv6_address_mode", json_string(v));
    }
    if ((arg_list(a, "allocation-pool")
         && list_attr(body, "allocation_pools", arg_list(a, "allocation-pool"), pool_of, NULL))
        || (arg_list(a, "dns-nameserver")
            && list_attr(body, "dns_nameservers", arg_list(a, "dns-nameserver"), NULL, NULL))
        || (arg_list(a, "host-route")
            && list_attr(body, "host_routes", arg_list(a, "host-route"), route_of, NULL))
        || (arg_list(a, "service-type")
            && list_attr(body, "service_types", arg_list(a, "service-type"), NULL, NULL))) {
        json_decref(body);
        return 1;
    }
    if ((v = arg_str(a, "project")) != NULL) {
        if (cli_project_id(c, v, pid)) {
            json_decref(body);
            return 1;
        }
        json_object_set_new(body, "project_id", json_string(pid));
    }
    wrapped = json_pack("{s:o}", "subnet", body);
    r = session_call(cli_session(c), "POST", "/v2.0/subnets", wrapped, &ans);
    json_decref(wrapped);
    if (r) {
        return cli_fail_call(c);
    }
    json_t *sub = json_object_get(ans, "subnet");
    if (cli_create_tags(c, &subnet, sub, a)) {
        json_decref(ans);
        return 1;
    }
    r = out_show(&c->out, show_fields, ARRAY_SIZE(show_fields), sub);
    json_decref(ans);
    return r;
}

static const struct opt list_opts[] = {
    { "long", OPT_TRUE, NULL }, { "name", OPT_STR, NULL }, { "network", OPT_STR, NULL },
    { "subnet-range", OPT_STR, NULL }, { "gateway", OPT_STR, NULL },
    { "ip-version", OPT_STR, NULL }, { "dhcp", OPT_TRUE, NULL },
    { "no-dhcp", OPT_FALSE, "dhcp" }, { "project", OPT_STR, NULL },
    { "project-domain", OPT_STR, NULL }, { "service-type", OPT_STR, NULL },
    { "tags", OPT_STR, NULL }, { "any-tags", OPT_STR, NULL }, { "not-tags", OPT_STR, NULL },
    { "not-any-tags", OPT_STR, NULL },
    { NULL, 0, NULL },
};

static int
subnet_list(struct cli *c, const json_t *a)
{
    struct buf query = BUF_INITIALIZER;
    char id[64];
    int r;

    cli_q(&query, "name", arg_str(a, "name"));
    if (arg_str(a, "network")) {
        if (cli_find_id(c, &network, arg_str(a, "network"), id)) {
            buf_done(&query);
            return 1;
        }
        cli_q(&query, "network_id", id);
    }
    cli_q(&query, "cidr", arg_str(a, "subnet-range"));
    cli_q(&query, "gateway_ip", arg_str(a, "gateway"));
    cli_q(&query, "ip_version", arg_str(a, "ip-version"));
    cli_q(&query, "enable_dhcp", cli_py_bool(arg_bool(a, "dhcp")));
    if (arg_str(a, "project")) {
        if (cli_project_id(c, arg_str(a, "project"), id)) {
            buf_done(&query);
            return 1;
        }
        cli_q(&query, "project_id", id);
    }
    cli_q(&query, "service_types", arg_str(a, "service-type"));
    cli_tag_filters(&query, a);
    r = arg_bool(a, "long") == 1
            ? cli_list(c, &subnet, buf_cstr(&query), long_cols, ARRAY_SIZE(long_cols))
            : cli_list(c, &subnet, buf_cstr(&query), list_cols, ARRAY_SIZE(list_cols));
    buf_done(&query);
    return r;
}

static int
subnet_show(struct cli *c, const json_t *a)
{
    return cli_show(c, &subnet, a, show_fields, ARRAY_SIZE(show_fields));
}

static int
subnet_delete(struct cli *c, const json_t *a)
{
    return cli_delete(c, &subnet, a);
}

static const struct opt set_opts[] = {
    COMMON_OPTS,
    { "name", OPT_STR, NULL }, { "no-allocation-pool", OPT_TRUE, NULL },
    { "no-dns-nameservers", OPT_TRUE, NULL }, { "no-host-route", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static const struct opt unset_opts[] = {
    { "gateway", OPT_TRUE, NULL }, { "dns-nameserver", OPT_LIST, NULL },
    { "allocation-pool", OPT_LIST, NULL }, { "host-route", OPT_LIST, NULL },
    { "tag", OPT_LIST, NULL }, { "all-tag", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static int
subnet_set(struct cli *c, const json_t *a)
{
    json_t *sub, *body = json_object(), *tags = NULL;
    const char *v, *gw = arg_str(a, "gateway");
    int r = 1, b;

    if (arg_npos(a) != 1) {
        json_decref(body);
        return cli_fail("subnet set takes one subnet");
    }
    if (gw && STREQ(gw, "auto")) {
        json_decref(body);
        return cli_fail("--gateway takes an IP address or 'none' when changing a subnet");
    }
    if (cli_find(c, &subnet, arg_pos(a, 0), &sub)) {
        json_decref(body);
        return 1;
    }
    if ((v = arg_str(a, "name")) != NULL) {
        json_object_set_new(body, "name", json_string(v));
    }
    if ((v = arg_str(a, "description")) != NULL) {
        json_object_set_new(body, "description", json_string(v));
    }
    if ((b = arg_bool(a, "dhcp")) >= 0) {
        json_object_set_new(body, "enable_dhcp", json_boolean(b));
    }
    if (gw) {
        json_object_set_new(body, "gateway_ip", STREQ(gw, "none") ? json_null() : json_string(gw));
    }
    if ((arg_list(a, "allocation-pool") || arg_bool(a, "no-allocation-pool") == 1)
        && list_attr(body, "allocation_pools", arg_list(a, "allocation-pool"), pool_of,
                     arg_bool(a, "no-allocation-pool") == 1
                         ? NULL
                         : json_object_get(sub, "allocation_pools"))) {
        goto out;
    }
    if ((arg_list(a, "dns-nameserver") || arg_bool(a, "no-dns-nameservers") == 1)
        && list_attr(body, "dns_nameservers", arg_list(a, "dns-nameserver"), NULL,
                     arg_bool(a, "no-dns-nameservers") == 1
                         ? NULL
                         : json_object_get(sub, "dns_nameservers"))) {
        goto out;
    }
    if ((arg_list(a, "host-route") || arg_bool(a, "no-host-route") == 1)
        && list_attr(body, "host_routes", arg_list(a, "host-route"), route_of,
                     arg_bool(a, "no-host-route") == 1 ? NULL
                                                       : json_object_get(sub, "host_routes"))) {
        goto out;
    }
    if (arg_list(a, "service-type")
        && list_attr(body, "service_types", arg_list(a, "service-type"), NULL,
                     json_object_get(sub, "service_types"))) {
        goto out;
    }
    tags = cli_new_tags(sub, a, false);
    r = cli_update(c, &subnet, sub, body, tags);
out:
    json_decref(tags);
    json_decref(body);
    json_decref(sub);
    return r;
}

/* Removes the entries of 'remove' (converted with 'conv') from the subnet's 'attr'. */
static int
remove_entries(const json_t *sub, json_t *body, const char *attr, const json_t *remove,
               json_t *(*conv)(const char *), const char *option)
{
    json_t *left = json_deep_copy(json_object_get(sub, attr)), *v;
    size_t i;

    json_array_foreach (remove, i, v) {
        json_t *item = conv ? conv(json_string_value(v)) : json_incref(v);
        bool found = false;
        size_t j;
        json_t *have;
        if (!item) {
            json_decref(left);
            return 1;
        }
        json_array_foreach (left, j, have) {
            if (json_equal(have, item)) {
                json_array_remove(left, j);
                found = true;
                break;
            }
        }
        json_decref(item);
        if (!found) {
            json_decref(left);
            return cli_fail("Subnet does not contain %s %s", option, json_string_value(v));
        }
    }
    json_object_set_new(body, attr, left);
    return 0;
}

static int
subnet_unset(struct cli *c, const json_t *a)
{
    json_t *sub, *body = json_object(), *tags = NULL;
    int r = 1;

    if (arg_npos(a) != 1) {
        json_decref(body);
        return cli_fail("subnet unset takes one subnet");
    }
    if (cli_find(c, &subnet, arg_pos(a, 0), &sub)) {
        json_decref(body);
        return 1;
    }
    if (arg_bool(a, "gateway") == 1) {
        json_object_set_new(body, "gateway_ip", json_null());
    }
    if ((arg_list(a, "dns-nameserver")
         && remove_entries(sub, body, "dns_nameservers", arg_list(a, "dns-nameserver"), NULL,
                           "dns-nameserver"))
        || (arg_list(a, "allocation-pool")
            && remove_entries(sub, body, "allocation_pools", arg_list(a, "allocation-pool"),
                              pool_of, "allocation-pool"))
        || (arg_list(a, "host-route")
            && remove_entries(sub, body, "host_routes", arg_list(a, "host-route"), route_of,
                              "host-route"))) {
        goto out;
    }
    tags = cli_new_tags(sub, a, true);
    r = cli_update(c, &subnet, sub, body, tags);
out:
    json_decref(tags);
    json_decref(body);
    json_decref(sub);
    return r;
}

const struct command subnet_commands[] = {
    { "subnet create", create_opts, subnet_create, "Create a subnet" },
    { "subnet list", list_opts, subnet_list, "List subnets" },
    { "subnet show", NULL, subnet_show, "Show a subnet" },
    { "subnet set", set_opts, subnet_set, "Change a subnet" },
    { "subnet unset", unset_opts, subnet_unset, "Remove values from a subnet" },
    { "subnet delete", NULL, subnet_delete, "Delete subnets" },
    { NULL, NULL, NULL, NULL },
};
