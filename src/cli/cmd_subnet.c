/* neutrino subnet create|list|show|set|unset|delete (docs/behaviour/cli.md §4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

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

/* The columns of "subnet list --long"; without --long, the first N_SHORT_COLS. */
static const struct field list_cols[] = {
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
enum { N_SHORT_COLS = 4 };

/* "<k1>=..,<k2>=.." (k2 may also be spelt 'k2_alias') -> {<k1>, <k2_attr>}; NULL after a
 * message naming 'option' and its 'form' if the text has anything else. */
static json_t *
kv_pair(const char *text, const char *k1, const char *k2, const char *k2_alias,
        const char *k2_attr, const char *option, const char *form)
{
    json_t *kv = arg_kv(text), *r;
    const char *v1 = json_string_value(json_object_get(kv, k1));
    const char *v2 = json_string_value(json_object_get(kv, k2));

    if (!v2 && k2_alias) {
        v2 = json_string_value(json_object_get(kv, k2_alias));
    }
    r = v1 && v2 && json_object_size(kv) == 2 ? json_pack("{s:s,s:s}", k1, v1, k2_attr, v2)
                                               : NULL;
    json_decref(kv);
    if (!r) {
        cli_fail("--%s takes %s, not '%s'", option, form, text);
    }
    return r;
}

/* "start=..,end=.." -> {"start", "end"}. */
static json_t *
pool_of(struct cli *c, const char *text)
{
    return kv_pair(text, "start", "end", NULL, "end", "allocation-pool", "start=<ip>,end=<ip>");
}

/* "destination=..,gateway=.." -> {"destination", "nexthop"}. */
static json_t *
route_of(struct cli *c, const char *text)
{
    return kv_pair(text, "destination", "gateway", "nexthop", "nexthop", "host-route",
                   "destination=<cidr>,gateway=<ip>");
}

static const struct list_attr pools = { "allocation_pools", "allocation-pool", pool_of };
static const struct list_attr nameservers = { "dns_nameservers", "dns-nameserver" };
static const struct list_attr routes = { "host_routes", "host-route", route_of };
static const struct list_attr service_types = { "service_types", "service-type" };

/* The list attributes create and set take from repeatable options; set adds to what
 * the subnet has, or replaces it with --no-<...> ('clear'). */
static const struct {
    const struct list_attr *list;
    const char *clear;
} lists[] = {
    { &pools, "no-allocation-pool" },
    { &nameservers, "no-dns-nameservers" },
    { &routes, "no-host-route" },
    { &service_types, NULL },
};

/* The 'lists' a create or set gives, after what the subnet 'sub' has (NULL: none). */
static int
put_lists(struct cli *c, const json_t *a, const json_t *sub, json_t *body)
{
    for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
        const struct list_attr *l = lists[i].list;
        bool clear = lists[i].clear && arg_bool(a, lists[i].clear) == 1;
        if ((arg_list(a, l->option) || clear)
            && cli_put_list(c, l, arg_list(a, l->option),
                            clear ? NULL : json_object_get(sub, l->attr), body)) {
            return 1;
        }
    }
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
    { "ipv6-address-mode", OPT_STR, NULL }, { "subnet-pool", OPT_STR, NULL },
    { "use-default-subnet-pool", OPT_TRUE, NULL }, { "prefix-length", OPT_STR, NULL },
    { NULL, 0, NULL },
};

/* --subnet-pool, --use-default-subnet-pool and --prefix-length (sent as given, as the
 * client does); 1 after a message, 2 after a usage error. */
static int
put_pool(struct cli *c, const json_t *a, json_t *body)
{
    char id[64];

    if (arg_str(a, "subnet-pool") && arg_bool(a, "use-default-subnet-pool") == 1) {
        return cli_usage_error(c, "argument --use-default-subnet-pool: not allowed with "
                               "argument --subnet-pool");
    }
    if (arg_str(a, "subnet-pool")) {
        if (cli_find_id(c, &kind_subnet_pool, arg_str(a, "subnet-pool"), id)) {
            return 1;
        }
        json_object_set_new(body, "subnetpool_id", json_string(id));
    }
    if (arg_bool(a, "use-default-subnet-pool") == 1) {
        json_object_set_new(body, "use_default_subnetpool", json_true());
    }
    if (arg_str(a, "prefix-length")) {
        json_object_set_new(body, "prefixlen", json_string(arg_str(a, "prefix-length")));
    }
    return 0;
}

static int
subnet_create(struct cli *c, const json_t *a)
{
    static const struct opt_attr given[] = {
        { "dhcp", "enable_dhcp" },
        { "description", "description" },
        { "ipv6-ra-mode", "ipv6_ra_mode" },
        { "ipv6-address-mode", "ipv6_address_mode" },
    };
    const char *gw = arg_str(a, "gateway"), *v;
    json_t *body = json_object();
    char net_id[64];
    int r;

    if (arg_npos(a) != 1 || !arg_str(a, "network")) {
        json_decref(body);
        return cli_fail("subnet create takes one name and --network");
    }
    if (cli_find_id(c, &kind_network, arg_str(a, "network"), net_id)) {
        json_decref(body);
        return 1;
    }
    json_object_set_new(body, "name", json_string(arg_pos(a, 0)));
    json_object_set_new(body, "network_id", json_string(net_id));
    if ((r = put_pool(c, a, body)) != 0) {
        json_decref(body);
        return r;
    }
    v = arg_str(a, "ip-version");
    json_object_set_new(body, "ip_version", json_integer(v ? atoi(v) : 4));
    if ((v = arg_str(a, "subnet-range")) != NULL) {
        json_object_set_new(body, "cidr", json_string(v));
    }
    if (gw && !STREQ(gw, "auto")) {
        json_object_set_new(body, "gateway_ip", STREQ(gw, "none") ? json_null() : json_string(gw));
    }
    cli_put_opts(body, a, given, ARRAY_SIZE(given));
    if (put_lists(c, a, NULL, body) || cli_put_project(c, a, body)) {
        json_decref(body);
        return 1;
    }
    return cli_create(c, &kind_subnet, body, a, show_fields, ARRAY_SIZE(show_fields));
}

static const struct opt list_opts[] = {
    { "long", OPT_TRUE, NULL }, { "name", OPT_STR, NULL }, { "network", OPT_STR, NULL },
    { "subnet-range", OPT_STR, NULL }, { "gateway", OPT_STR, NULL },
    { "ip-version", OPT_STR, NULL }, { "dhcp", OPT_TRUE, NULL },
    { "no-dhcp", OPT_FALSE, "dhcp" }, { "project", OPT_STR, NULL },
    { "project-domain", OPT_STR, NULL }, { "service-type", OPT_STR, NULL },
    { "subnet-pool", OPT_STR, NULL }, { "tags", OPT_STR, NULL }, { "any-tags", OPT_STR, NULL }, { "not-tags", OPT_STR, NULL },
    { "not-any-tags", OPT_STR, NULL },
    { NULL, 0, NULL },
};

static int
subnet_list(struct cli *c, const json_t *a)
{
    static const struct list_filter filters[] = {
        { "name", "name" },
        { "network_id", "network", &kind_network },
        { "cidr", "subnet-range" },
        { "gateway_ip", "gateway" },
        { "ip_version", "ip-version" },
        { "enable_dhcp", "dhcp" },
        { "project_id", "project", .project = true },
        { "service_types", "service-type" },
        { "subnetpool_id", "subnet-pool", &kind_subnet_pool },
    };
    struct buf query = BUF_INITIALIZER;

    if (cli_q_filters(c, &query, a, filters, ARRAY_SIZE(filters))) {
        buf_done(&query);
        return 1;
    }
    return cli_list_tagged(c, &kind_subnet, a, &query, list_cols, N_SHORT_COLS, list_cols,
                           ARRAY_SIZE(list_cols));
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

/* What set changes that needs no lookup ("auto" is for create only). */
static int
set_attrs(struct cli *c, const json_t *a, json_t *body)
{
    static const struct opt_attr given[] = {
        { "name", "name" },
        { "description", "description" },
        { "dhcp", "enable_dhcp" },
    };
    const char *gw = arg_str(a, "gateway");

    if (gw && STREQ(gw, "auto")) {
        return cli_fail("--gateway takes an IP address or 'none' when changing a subnet");
    }
    cli_put_opts(body, a, given, ARRAY_SIZE(given));
    if (gw) {
        json_object_set_new(body, "gateway_ip", STREQ(gw, "none") ? json_null() : json_string(gw));
    }
    return 0;
}

static int
subnet_set(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_subnet, a, false, set_attrs, put_lists);
}

static int
unset_gateway(struct cli *c, const json_t *a, json_t *body)
{
    if (arg_bool(a, "gateway") == 1) {
        json_object_set_new(body, "gateway_ip", json_null());
    }
    return 0;
}

/* What unset removes, checked in this order (the first that fails is reported). */
static int
unset_lists(struct cli *c, const json_t *a, const json_t *sub, json_t *body)
{
    static const struct list_attr *const removable[] = { &nameservers, &pools, &routes };

    for (size_t i = 0; i < ARRAY_SIZE(removable); i++) {
        const json_t *remove = arg_list(a, removable[i]->option);
        if (remove && cli_remove_entries(c, &kind_subnet, removable[i], sub, remove, body)) {
            return 1;
        }
    }
    return 0;
}

static int
subnet_unset(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_subnet, a, true, unset_gateway, unset_lists);
}

const struct command subnet_commands[] = {
    { "subnet create", create_opts, subnet_create, "Create a subnet" },
    { "subnet list", list_opts, subnet_list, "List subnets" },
    { "subnet show", NULL, cli_show, "Show a subnet", .kind = &kind_subnet, .fields = show_fields,
      .n_fields = ARRAY_SIZE(show_fields) },
    { "subnet set", set_opts, subnet_set, "Change a subnet" },
    { "subnet unset", unset_opts, subnet_unset, "Remove values from a subnet" },
    { "subnet delete", NULL, cli_delete, "Delete subnets", .kind = &kind_subnet },
    { NULL, NULL, NULL, NULL },
};
