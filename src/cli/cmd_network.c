/* neutrino network create|list|show|set|unset|delete (docs/behaviour/cli.md §3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const struct kind network = { "network", "networks", "Network" };

static const struct field show_fields[] = {
    { "admin_state_up", "admin_state_up", R_UPDOWN },
    { "availability_zone_hints", "availability_zone_hints", R_TEXT },
    { "availability_zones", "availability_zones", R_TEXT },
    { "created_at", "created_at", R_TEXT },
    { "description", "description", R_TEXT },
    { "dns_domain", "dns_domain", R_TEXT },
    { "id", "id", R_TEXT },
    { "ipv4_address_scope", "ipv4_address_scope", R_TEXT },
    { "ipv6_address_scope", "ipv6_address_scope", R_TEXT },
    { "is_default", "is_default", R_TEXT },
    { "is_vlan_transparent", "vlan_transparent", R_TEXT },
    { "mtu", "mtu", R_TEXT },
    { "name", "name", R_TEXT },
    { "port_security_enabled", "port_security_enabled", R_FALSE },
    { "project_id", "project_id", R_TEXT },
    { "provider:network_type", "provider:network_type", R_TEXT },
    { "provider:physical_network", "provider:physical_network", R_TEXT },
    { "provider:segmentation_id", "provider:segmentation_id", R_TEXT },
    { "qos_policy_id", "qos_policy_id", R_TEXT },
    { "revision_number", "revision_number", R_TEXT },
    { "router:external", "router:external", R_EXTERNAL },
    { "segments", "segments", R_TEXT },
    { "shared", "shared", R_TEXT },
    { "status", "status", R_TEXT },
    { "subnets", "subnets", R_TEXT },
    { "tags", "tags", R_TEXT },
    { "updated_at", "updated_at", R_TEXT },
};

static const struct field list_cols[] = {
    { "ID", "id", R_TEXT },
    { "Name", "name", R_TEXT },
    { "Subnets", "subnets", R_TEXT },
};

static const struct field long_cols[] = {
    { "ID", "id", R_TEXT },
    { "Name", "name", R_TEXT },
    { "Status", "status", R_TEXT },
    { "Project", "project_id", R_TEXT },
    { "State", "admin_state_up", R_UPDOWN },
    { "Shared", "shared", R_TEXT },
    { "Subnets", "subnets", R_TEXT },
    { "Network Type", "provider:network_type", R_TEXT },
    { "Router Type", "router:external", R_EXTERNAL },
    { "Availability Zones", "availability_zones", R_TEXT },
    { "Tags", "tags", R_TEXT },
};

static int
show(struct cli *c, const json_t *net)
{
    return out_show(&c->out, show_fields, ARRAY_SIZE(show_fields), net);
}

/* An integer option sent as a JSON number; false (after a message) if not one. */
static bool
put_int(json_t *body, const char *attr, const char *text, const char *option)
{
    char *end;
    long long v = text ? strtoll(text, &end, 10) : 0;

    if (!text) {
        return true;
    }
    if (!*text || *end) {
        cli_fail("argument --%s: invalid int value: '%s'", option, text);
        return false;
    }
    json_object_set_new(body, attr, json_integer(v));
    return true;
}

/* The attributes create and set share (docs/behaviour/cli.md §3.1, §3.4). */
static int
common_attrs(struct cli *c, const json_t *a, json_t *body)
{
    const char *v;
    int b;

    if ((v = arg_str(a, "name")) != NULL) {
        json_object_set_new(body, "name", json_string(v));
    }
    if ((b = arg_bool(a, "enable")) >= 0) {
        json_object_set_new(body, "admin_state_up", json_boolean(b));
    }
    if ((b = arg_bool(a, "share")) >= 0) {
        json_object_set_new(body, "shared", json_boolean(b));
    }
    if ((b = arg_bool(a, "external")) >= 0) {
        json_object_set_new(body, "router:external", json_boolean(b));
    }
    if ((b = arg_bool(a, "port-security")) >= 0) {
        json_object_set_new(body, "port_security_enabled", json_boolean(b));
    }
    if ((v = arg_str(a, "description")) != NULL) {
        json_object_set_new(body, "description", json_string(v));
    }
    if ((v = arg_str(a, "provider-network-type")) != NULL) {
        json_object_set_new(body, "provider:network_type", json_string(v));
    }
    if ((v = arg_str(a, "provider-physical-network")) != NULL) {
        json_object_set_new(body, "provider:physical_network", json_string(v));
    }
    if ((v = arg_str(a, "dns-domain")) != NULL) {
        json_object_set_new(body, "dns_domain", json_string(v));
    }
    if (!put_int(body, "mtu", arg_str(a, "mtu"), "mtu")
        || !put_int(body, "provider:segmentation_id", arg_str(a, "provider-segment"),
                    "provider-segment")) {
        return 1;
    }
    return 0;
}

#define COMMON_OPTS                                                                     \
    { "enable", OPT_TRUE, NULL }, { "disable", OPT_FALSE, "enable" },                   \
    { "share", OPT_TRUE, NULL }, { "no-share", OPT_FALSE, "share" },                    \
    { "external", OPT_TRUE, NULL }, { "internal", OPT_FALSE, "external" },              \
    { "enable-port-security", OPT_TRUE, "port-security" },                              \
    { "disable-port-security", OPT_FALSE, "port-security" },                            \
    { "description", OPT_STR, NULL }, { "mtu", OPT_STR, NULL },                         \
    { "provider-network-type", OPT_STR, NULL },                                         \
    { "provider-physical-network", OPT_STR, NULL }, { "provider-segment", OPT_STR, NULL }, \
    { "dns-domain", OPT_STR, NULL }, { "tag", OPT_LIST, NULL }

static const struct opt create_opts[] = {
    COMMON_OPTS,
    { "project", OPT_STR, NULL }, { "project-domain", OPT_STR, NULL },
    { "availability-zone-hint", OPT_LIST, NULL }, { "no-tag", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static int
network_create(struct cli *c, const json_t *a)
{
    json_t *body = json_object(), *ans = NULL, *net;
    const char *name = arg_pos(a, 0), *project = arg_str(a, "project");
    struct session *s;
    char pid[64];
    int r;

    if (arg_npos(a) != 1) {
        json_decref(body);
        return cli_fail("network create takes one name");
    }
    json_object_set_new(body, "name", json_string(name));
    json_object_set_new(body, "admin_state_up", json_true());
    if (common_attrs(c, a, body) || !(s = cli_session(c))) {
        json_decref(body);
        return 1;
    }
    if (project) {
        if (cli_project_id(c, project, pid)) {
            json_decref(body);
            return 1;
        }
        json_object_set_new(body, "project_id", json_string(pid));
    }
    if (arg_list(a, "availability-zone-hint")) {
        json_object_set(body, "availability_zone_hints", (json_t *) arg_list(a,
                                                               "availability-zone-hint"));
    }
    net = json_pack("{s:o}", "network", body);
    r = session_call(s, "POST", "/v2.0/networks", net, &ans);
    json_decref(net);
    if (r) {
        return cli_fail_call(c);
    }
    net = json_object_get(ans, "network");
    r = cli_create_tags(c, &network, net, a) ? 1 : show(c, net);
    json_decref(ans);
    return r;
}

static const struct opt list_opts[] = {
    { "long", OPT_TRUE, NULL }, { "name", OPT_STR, NULL },
    { "enable", OPT_TRUE, NULL }, { "disable", OPT_FALSE, "enable" },
    { "share", OPT_TRUE, NULL }, { "no-share", OPT_FALSE, "share" },
    { "external", OPT_TRUE, NULL }, { "internal", OPT_FALSE, "external" },
    { "project", OPT_STR, NULL }, { "project-domain", OPT_STR, NULL },
    { "status", OPT_STR, NULL }, { "provider-network-type", OPT_STR, NULL },
    { "provider-physical-network", OPT_STR, NULL }, { "provider-segment", OPT_STR, NULL },
    { "tags", OPT_STR, NULL }, { "any-tags", OPT_STR, NULL }, { "not-tags", OPT_STR, NULL },
    { "not-any-tags", OPT_STR, NULL }, { "agent", OPT_STR, NULL },
    { NULL, 0, NULL },
};

static int
network_list(struct cli *c, const json_t *a)
{
    struct buf query = BUF_INITIALIZER;
    bool is_long = arg_bool(a, "long") == 1;
    char pid[64];
    int r;

    if (arg_str(a, "agent")) {
        /* The networks a DHCP agent hosts. */
        struct session *s = cli_session(c);
        char *path = xasprintf("/v2.0/agents/%s/dhcp-networks", arg_str(a, "agent"));
        json_t *ans = NULL;
        if (!s || session_call(s, "GET", path, NULL, &ans)) {
            free(path);
            return s ? cli_fail_call(c) : 1;
        }
        free(path);
        r = out_list(&c->out, list_cols, ARRAY_SIZE(list_cols), json_object_get(ans,
                                                                                "networks"));
        json_decref(ans);
        return r;
    }
    cli_q(&query, "name", arg_str(a, "name"));
    cli_q(&query, "admin_state_up", cli_py_bool(arg_bool(a, "enable")));
    cli_q(&query, "shared", cli_py_bool(arg_bool(a, "share")));
    cli_q(&query, "router:external", cli_py_bool(arg_bool(a, "external")));
    if (arg_str(a, "project")) {
        if (cli_project_id(c, arg_str(a, "project"), pid)) {
            buf_done(&query);
            return 1;
        }
        cli_q(&query, "project_id", pid);
    }
    cli_q(&query, "status", arg_str(a, "status"));
    cli_q(&query, "provider:network_type", arg_str(a, "provider-network-type"));
    cli_q(&query, "provider:physical_network", arg_str(a, "provider-physical-network"));
    cli_q(&query, "provider:segmentation_id", arg_str(a, "provider-segment"));
    cli_tag_filters(&query, a);
    r = is_long ? cli_list(c, &network, buf_cstr(&query), long_cols, ARRAY_SIZE(long_cols))
                : cli_list(c, &network, buf_cstr(&query), list_cols, ARRAY_SIZE(list_cols));
    buf_done(&query);
    return r;
}

static int
network_show(struct cli *c, const json_t *a)
{
    return cli_show(c, &network, a, show_fields, ARRAY_SIZE(show_fields));
}

static int
network_delete(struct cli *c, const json_t *a)
{
    return cli_delete(c, &network, a);
}

static const struct opt set_opts[] = {
    COMMON_OPTS,
    { "name", OPT_STR, NULL }, { "no-tag", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static int
network_set(struct cli *c, const json_t *a)
{
    json_t *net, *body = json_object();
    int r;

    if (arg_npos(a) != 1) {
        json_decref(body);
        return cli_fail("network set takes one network");
    }
    if (common_attrs(c, a, body) || cli_find(c, &network, arg_pos(a, 0), &net)) {
        json_decref(body);
        return 1;
    }
    json_t *tags = cli_new_tags(net, a, false);
    r = cli_update(c, &network, net, body, tags);
    json_decref(tags);
    json_decref(body);
    json_decref(net);
    return r;
}

static const struct opt unset_opts[] = {
    { "tag", OPT_LIST, NULL }, { "all-tag", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static int
network_unset(struct cli *c, const json_t *a)
{
    json_t *net, *body = json_object();
    int r;

    if (arg_npos(a) != 1) {
        json_decref(body);
        return cli_fail("network unset takes one network");
    }
    if (cli_find(c, &network, arg_pos(a, 0), &net)) {
        json_decref(body);
        return 1;
    }
    json_t *tags = cli_new_tags(net, a, true);
    r = cli_update(c, &network, net, body, tags);
    json_decref(tags);
    json_decref(body);
    json_decref(net);
    return r;
}

const struct command network_commands[] = {
    { "network create", create_opts, network_create, "Create a network" },
    { "network list", list_opts, network_list, "List networks" },
    { "network show", NULL, network_show, "Show a network" },
    { "network set", set_opts, network_set, "Change a network" },
    { "network unset", unset_opts, network_unset, "Remove tags of a network" },
    { "network delete", NULL, network_delete, "Delete networks" },
    { NULL, NULL, NULL, NULL },
};
