/* neutrino floating ip create|list|show|set|unset|delete (docs/behaviour/cli.md §14): the
 * openstack client's options, columns and messages for Neutron's floating IPs.  A
 * floating IP is found by its id or by its address, which the client treats as its
 * name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const struct kind kind_floating_ip = { "floatingip", "floatingips", "FloatingIP",
                                              "floating_ip", NULL, false,
                                              "floating_ip_address" };

/* Every field the client shows for one, sorted; the client's resource has them all
 * (None when the server sends nothing), its address again as 'name'. */
static const struct field fip_fields[] = {
    { "created_at", "created_at", R_TEXT },
    { "description", "description", R_TEXT },
    { "dns_domain", "dns_domain", R_TEXT },
    { "dns_name", "dns_name", R_TEXT },
    { "fixed_ip_address", "fixed_ip_address", R_TEXT },
    { "floating_ip_address", "floating_ip_address", R_TEXT },
    { "floating_network_id", "floating_network_id", R_TEXT },
    { "id", "id", R_TEXT },
    { "name", "floating_ip_address", R_TEXT },
    { "port_details", "port_details", R_PYREPR },
    { "port_id", "port_id", R_TEXT },
    { "project_id", "project_id|tenant_id", R_TEXT },
    { "qos_policy_id", "qos_policy_id", R_TEXT },
    { "revision_number", "revision_number", R_TEXT },
    { "router_id", "router_id", R_TEXT },
    { "status", "status", R_TEXT },
    { "subnet_id", "subnet_id", R_TEXT },
    { "tags", "tags", R_PYLIST },
    { "updated_at", "updated_at", R_TEXT },
};

static const struct field list_cols[] = {
    { "ID", "id", R_TEXT },
    { "Floating IP Address", "floating_ip_address", R_TEXT },
    { "Fixed IP Address", "fixed_ip_address", R_TEXT },
    { "Port", "port_id", R_TEXT },
    { "Floating Network", "floating_network_id", R_TEXT },
    { "Project", "project_id|tenant_id", R_TEXT },
};

static const struct field long_cols[] = {
    { "ID", "id", R_TEXT },
    { "Floating IP Address", "floating_ip_address", R_TEXT },
    { "Fixed IP Address", "fixed_ip_address", R_TEXT },
    { "Port", "port_id", R_TEXT },
    { "Floating Network", "floating_network_id", R_TEXT },
    { "Project", "project_id|tenant_id", R_TEXT },
    { "Router", "router_id", R_TEXT },
    { "Status", "status", R_TEXT },
    { "Description", "description", R_TEXT },
    { "Tags", "tags", R_PYLIST },
    { "DNS Name", "dns_name", R_TEXT },
    { "DNS Domain", "dns_domain", R_TEXT },
};

/* --port <name or id> as port_id; 1 after a message. */
static int
put_port(struct cli *c, const json_t *a, json_t *body)
{
    char id[64];

    if (!arg_str(a, "port")) {
        return 0;
    }
    if (cli_find_id(c, &kind_port, arg_str(a, "port"), id)) {
        return 1;
    }
    json_object_set_new(body, "port_id", json_string(id));
    return 0;
}

/* An option given with a non-empty value goes into the body (the client skips empty
 * ones for these). */
static void
put_nonempty(json_t *body, const json_t *a, const char *opt, const char *attr)
{
    const char *v = arg_str(a, opt);

    if (v && *v) {
        json_object_set_new(body, attr, json_string(v));
    }
}

static const struct opt create_opts[] = {
    { "subnet", OPT_STR, NULL }, { "port", OPT_STR, NULL },
    { "floating-ip-address", OPT_STR, NULL }, { "fixed-ip-address", OPT_STR, NULL },
    { "description", OPT_STR, NULL }, { "project", OPT_STR, NULL },
    { "project-domain", OPT_STR, NULL }, { "dns-domain", OPT_STR, NULL },
    { "dns-name", OPT_STR, NULL }, { "tag", OPT_LIST, NULL }, { "no-tag", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static int
fip_create(struct cli *c, const json_t *a)
{
    json_t *body;
    char id[64];

    if (arg_npos(a) != 1) {
        return cli_fail("floating ip create takes one network");
    }
    if (!cli_session(c) || cli_find_id(c, &kind_network, arg_pos(a, 0), id)) {
        return 1;
    }
    body = json_pack("{s:s}", "floating_network_id", id);
    if (arg_str(a, "subnet")) {
        if (cli_find_id(c, &kind_subnet, arg_str(a, "subnet"), id)) {
            json_decref(body);
            return 1;
        }
        json_object_set_new(body, "subnet_id", json_string(id));
    }
    if (put_port(c, a, body)) {
        json_decref(body);
        return 1;
    }
    put_nonempty(body, a, "floating-ip-address", "floating_ip_address");
    put_nonempty(body, a, "fixed-ip-address", "fixed_ip_address");
    if (arg_str(a, "description")) {
        json_object_set_new(body, "description", json_string(arg_str(a, "description")));
    }
    if (cli_put_project(c, a, body)) {
        json_decref(body);
        return 1;
    }
    put_nonempty(body, a, "dns-domain", "dns_domain");
    put_nonempty(body, a, "dns-name", "dns_name");
    return cli_create(c, &kind_floating_ip, body, a, fip_fields, ARRAY_SIZE(fip_fields));
}

static const struct opt list_opts[] = {
    { "network", OPT_STR, NULL }, { "port", OPT_STR, NULL },
    { "fixed-ip-address", OPT_STR, NULL }, { "floating-ip-address", OPT_STR, NULL },
    { "long", OPT_TRUE, NULL }, { "status", OPT_STR, NULL }, { "project", OPT_STR, NULL },
    { "project-domain", OPT_STR, NULL }, { "router", OPT_STR, NULL },
    { "tags", OPT_STR, NULL }, { "any-tags", OPT_STR, NULL }, { "not-tags", OPT_STR, NULL },
    { "not-any-tags", OPT_STR, NULL },
    { NULL, 0, NULL },
};

static const struct kind kind_router_ref = { "router", "routers", "Router" };

static int
fip_list(struct cli *c, const json_t *a)
{
    static const struct list_filter filters[] = {
        { "floating_network_id", "network", &kind_network },
        { "port_id", "port", &kind_port },
        { "fixed_ip_address", "fixed-ip-address" },
        { "floating_ip_address", "floating-ip-address" },
        { "status", "status" },
        { "project_id", "project", .project = true },
        { "router_id", "router", &kind_router_ref },
    };
    struct buf query = BUF_INITIALIZER;

    if (!cli_session(c) || cli_q_filters(c, &query, a, filters, ARRAY_SIZE(filters))) {
        buf_done(&query);
        return 1;
    }
    return cli_list_tagged(c, &kind_floating_ip, a, &query, list_cols, ARRAY_SIZE(list_cols),
                           long_cols, ARRAY_SIZE(long_cols));
}

/* The client formats port_details with format_dict on show (in every output format),
 * and leaves it as the server sent it on create. */
static int
fip_show(struct cli *c, const json_t *a)
{
    json_t *fip;
    char *details;
    int r;

    if (arg_npos(a) != 1) {
        return cli_fail("floating ip show takes one floating IP");
    }
    if (cli_find(c, &kind_floating_ip, arg_pos(a, 0), &fip)) {
        return 1;
    }
    details = out_format_dict(json_object_get(fip, "port_details"));
    if (details) {
        json_object_set_new(fip, "port_details", json_string(details));
        free(details);
    }
    r = out_show(&c->out, fip_fields, ARRAY_SIZE(fip_fields), fip);
    json_decref(fip);
    return r;
}

static const struct opt set_opts[] = {
    { "port", OPT_STR, NULL }, { "fixed-ip-address", OPT_STR, NULL },
    { "description", OPT_STR, NULL }, { "tag", OPT_LIST, NULL }, { "no-tag", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static int
set_after(struct cli *c, const json_t *a, const json_t *fip, json_t *body)
{
    (void) fip;
    if (put_port(c, a, body)) {
        return 1;
    }
    put_nonempty(body, a, "fixed-ip-address", "fixed_ip_address");
    put_nonempty(body, a, "description", "description");
    return 0;
}

static int
fip_set(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_floating_ip, a, false, NULL, set_after);
}

static const struct opt unset_opts[] = {
    { "port", OPT_TRUE, NULL }, { "tag", OPT_LIST, NULL }, { "all-tag", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static int
unset_after(struct cli *c, const json_t *a, const json_t *fip, json_t *body)
{
    (void) c;
    (void) fip;
    if (arg_bool(a, "port") == 1) {
        json_object_set_new(body, "port_id", json_null());
    }
    return 0;
}

static int
fip_unset(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_floating_ip, a, true, NULL, unset_after);
}

const struct command floating_ip_commands[] = {
    { "floating ip create", create_opts, fip_create, "Create a floating IP" },
    { "floating ip list", list_opts, fip_list, "List floating IPs" },
    { "floating ip show", NULL, fip_show, "Show a floating IP" },
    { "floating ip set", set_opts, fip_set, "Change a floating IP" },
    { "floating ip unset", unset_opts, fip_unset, "Dissociate a floating IP or remove tags" },
    { "floating ip delete", NULL, cli_delete, "Delete floating IPs",
      .kind = &kind_floating_ip },
    { NULL, NULL, NULL, NULL },
};
