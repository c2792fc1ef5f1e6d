/* neutrino network create|list|show|set|unset|delete and network auto allocated topology
 * create|delete (docs/behaviour/cli.md §3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

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
    { "segments", "segments", R_PYREPR },   /* The client leaves the list unformatted. */
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
    static const struct opt_attr given[] = {
        { "name", "name" },
        { "enable", "admin_state_up" },
        { "share", "shared" },
        { "external", "router:external" },
        { "port-security", "port_security_enabled" },
        { "description", "description" },
        { "provider-network-type", "provider:network_type" },
        { "provider-physical-network", "provider:physical_network" },
        { "dns-domain", "dns_domain" },
    };

    cli_put_opts(body, a, given, ARRAY_SIZE(given));
    /* The client sends --default or --no-default only with --external. */
    if (arg_bool(a, "external") == 1 && arg_bool(a, "default") != -1) {
        json_object_set_new(body, "is_default", json_boolean(arg_bool(a, "default") == 1));
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
    { "default", OPT_TRUE, NULL }, { "no-default", OPT_FALSE, "default" },              \
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
    json_t *body = json_object();

    if (arg_npos(a) != 1) {
        json_decref(body);
        return cli_fail("network create takes one name");
    }
    json_object_set_new(body, "name", json_string(arg_pos(a, 0)));
    json_object_set_new(body, "admin_state_up", json_true());
    if (common_attrs(c, a, body) || !cli_session(c) || cli_put_project(c, a, body)) {
        json_decref(body);
        return 1;
    }
    if (arg_list(a, "availability-zone-hint")) {
        json_object_set(body, "availability_zone_hints", (json_t *) arg_list(a,
                                                               "availability-zone-hint"));
    }
    return cli_create(c, &kind_network, body, a, show_fields, ARRAY_SIZE(show_fields));
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
    static const struct list_filter filters[] = {
        { "name", "name" },
        { "admin_state_up", "enable" },
        { "shared", "share" },
        { "router:external", "external" },
        { "project_id", "project", .project = true },
        { "status", "status" },
        { "provider:network_type", "provider-network-type" },
        { "provider:physical_network", "provider-physical-network" },
        { "provider:segmentation_id", "provider-segment" },
    };
    struct buf query = BUF_INITIALIZER;

    if (arg_str(a, "agent")) {
        /* The networks a DHCP agent hosts. */
        char *path = xasprintf("/v2.0/agents/%s/dhcp-networks", arg_str(a, "agent"));
        int r = cli_get_list(c, path, "networks", list_cols, ARRAY_SIZE(list_cols));
        free(path);
        return r;
    }
    if (cli_q_filters(c, &query, a, filters, ARRAY_SIZE(filters))) {
        buf_done(&query);
        return 1;
    }
    return cli_list_tagged(c, &kind_network, a, &query, list_cols, ARRAY_SIZE(list_cols),
                           long_cols, ARRAY_SIZE(long_cols));
}

static const struct opt set_opts[] = {
    COMMON_OPTS,
    { "name", OPT_STR, NULL }, { "no-tag", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static int
network_set(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_network, a, false, common_attrs, NULL);
}

static const struct opt unset_opts[] = {
    { "tag", OPT_LIST, NULL }, { "all-tag", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static int
network_unset(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_network, a, true, NULL, NULL);
}

/* --- network auto allocated topology create|delete (cli.md §3.6) --------------------- */

static const struct opt topology_create_opts[] = {
    { "project", OPT_STR, NULL }, { "project-domain", OPT_STR, NULL },
    { "check-resources", OPT_TRUE, NULL }, { "or-show", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static const struct opt topology_delete_opts[] = {
    { "project", OPT_STR, NULL }, { "project-domain", OPT_STR, NULL },
    { NULL, 0, NULL },
};

/* The path of the project's topology.  As the openstack client, --project is sent as
 * it is given (not looked up), else the session's project, else "None", which the
 * server reads as the caller's. */
static char *
topology_path(struct session *s, const json_t *a, bool dry_run)
{
    const char *project = arg_str(a, "project");
    struct buf path = BUF_INITIALIZER;

    if (!project) {
        project = s->project_id ? s->project_id : "None";
    }
    buf_add_str(&path, "/v2.0/auto-allocated-topology/");
    url_encode(&path, project);
    if (dry_run) {
        buf_add_str(&path, "?fields=dry-run");
    }
    return buf_steal(&path);
}

static int
topology_create(struct cli *c, const json_t *a)
{
    static const struct field fields[] = {
        { "id", "id", R_TEXT },
        { "project_id", "tenant_id", R_TEXT },
    };
    /* The client reads a dry_run attribute the answer never has: it prints None. */
    static const struct field check_fields[] = {
        { "dry_run", "dry_run", R_TEXT },
    };
    bool dry_run = arg_bool(a, "check-resources") == 1;
    struct session *s = cli_session(c);
    json_t *ans = NULL, *obj;
    char *path;
    int r;

    if (!s) {
        return 1;
    }
    if (arg_npos(a)) {
        return cli_usage_error(c, "unrecognized arguments: %s", arg_pos(a, 0));
    }
    path = topology_path(s, a, dry_run);
    r = session_call(s, "GET", path, NULL, &ans);
    free(path);
    if (r) {
        return cli_fail_call(c);
    }
    obj = json_object_get(ans, "auto_allocated_topology");
    r = dry_run ? out_show(&c->out, check_fields, ARRAY_SIZE(check_fields), obj)
                : out_show(&c->out, fields, ARRAY_SIZE(fields), obj);
    json_decref(ans);
    return r;
}

static int
topology_delete(struct cli *c, const json_t *a)
{
    struct session *s = cli_session(c);
    json_t *ans = NULL;
    char *path;
    int r;

    if (!s) {
        return 1;
    }
    if (arg_npos(a)) {
        return cli_usage_error(c, "unrecognized arguments: %s", arg_pos(a, 0));
    }
    path = topology_path(s, a, false);
    r = session_call(s, "DELETE", path, NULL, &ans);
    free(path);
    json_decref(ans);
    return r ? cli_fail_call(c) : 0;
}

const struct command network_commands[] = {
    { "network auto allocated topology create", topology_create_opts, topology_create,
      "Create the auto allocated topology for project" },
    { "network auto allocated topology delete", topology_delete_opts, topology_delete,
      "Delete auto allocated topology for project" },
    { "network create", create_opts, network_create, "Create a network" },
    { "network list", list_opts, network_list, "List networks" },
    { "network show", NULL, cli_show, "Show a network", .kind = &kind_network, .fields = show_fields,
      .n_fields = ARRAY_SIZE(show_fields) },
    { "network set", set_opts, network_set, "Change a network" },
    { "network unset", unset_opts, network_unset, "Remove tags of a network" },
    { "network delete", NULL, cli_delete, "Delete networks", .kind = &kind_network },
    { NULL, NULL, NULL, NULL },
};
