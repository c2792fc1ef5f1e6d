/* neutrino address group create|list|show|set|unset|delete (docs/behaviour/cli.md §18):
 * the openstack client's options, columns and messages for Neutron's address groups.
 * set --address adds addresses and unset --address removes them, through the group's
 * add_addresses and remove_addresses actions, as the client does. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ip.h"
#include "session.h"
#include "util.h"

static const struct kind kind_address_group = { "address_group", "address-groups",
                                                "AddressGroup", "address group",
                                                "address_groups" };

static const struct field group_fields[] = {
    { "addresses", "addresses", R_PYLIST },
    { "description", "description", R_TEXT },
    { "id", "id", R_TEXT },
    { "name", "name", R_TEXT },
    { "project_id", "project_id|tenant_id", R_TEXT },
};

static const struct field list_cols[] = {
    { "ID", "id", R_TEXT },
    { "Name", "name", R_TEXT },
    { "Description", "description", R_TEXT },
    { "Project", "project_id|tenant_id", R_TEXT },
    { "Addresses", "addresses", R_PYLIST },
};

/* The --address texts as the client sends them: each an address or a CIDR, a bare
 * address getting its full length ("10.0.0.1" is "10.0.0.1/32"), host bits kept.
 * NULL after the client's message for one that is neither. */
static json_t *
addresses_of(const json_t *a)
{
    const json_t *given = arg_list(a, "address");
    json_t *out = json_array(), *v;
    size_t i;

    json_array_foreach (given, i, v) {
        struct cidr net;
        char text[CIDR_STRLEN];
        if (cidr_parse(json_string_value(v), &net)) {
            cli_fail("invalid IPNetwork %s", json_string_value(v));
            json_decref(out);
            return NULL;
        }
        cidr_format(&net, text);
        json_array_append_new(out, json_string(text));
    }
    return out;
}

static const struct opt create_opts[] = {
    { "description", OPT_STR, NULL }, { "address", OPT_LIST, NULL },
    { "project", OPT_STR, NULL }, { "project-domain", OPT_STR, NULL },
    { NULL, 0, NULL },
};

static int
group_create(struct cli *c, const json_t *a)
{
    json_t *body, *addresses;

    if (arg_npos(a) == 0) {
        return cli_usage_error(c, "the following arguments are required: <name>");
    }
    if (arg_npos(a) != 1) {
        return cli_usage_error(c, "takes one name");
    }
    addresses = addresses_of(a);
    if (!addresses) {
        return 1;
    }
    if (!cli_session(c)) {
        json_decref(addresses);
        return 1;
    }
    body = json_pack("{s:s,s:o}", "name", arg_pos(a, 0), "addresses", addresses);
    if (arg_str(a, "description") && *arg_str(a, "description")) {
        json_object_set_new(body, "description", json_string(arg_str(a, "description")));
    }
    if (cli_put_project(c, a, body)) {
        json_decref(body);
        return 1;
    }
    return cli_create(c, &kind_address_group, body, a, group_fields,
                      ARRAY_SIZE(group_fields));
}

static const struct opt list_opts[] = {
    { "name", OPT_STR, NULL }, { "project", OPT_STR, NULL },
    { "project-domain", OPT_STR, NULL },
    { NULL, 0, NULL },
};

static int
group_list(struct cli *c, const json_t *a)
{
    static const struct list_filter filters[] = {
        { "name", "name" },
        { "project_id", "project", .project = true },
    };
    struct buf query = BUF_INITIALIZER;
    char *path;
    int r;

    if (!cli_session(c) || cli_q_filters(c, &query, a, filters, ARRAY_SIZE(filters))) {
        buf_done(&query);
        return 1;
    }
    path = xasprintf("/v2.0/address-groups%s%s", query.len ? "?" : "", buf_cstr(&query));
    r = cli_get_list(c, path, "address_groups", list_cols, ARRAY_SIZE(list_cols));
    free(path);
    buf_done(&query);
    return r;
}

/* PUT …/<action> {"addresses": [...]} on the group 'obj'. */
static int
addresses_action(struct cli *c, const json_t *obj, const char *action, json_t *addresses)
{
    char *path = xasprintf("/v2.0/address-groups/%s/%s",
                           json_string_value(json_object_get(obj, "id")), action);
    json_t *body = json_pack("{s:O}", "addresses", addresses), *ans = NULL;
    int r = session_call(cli_session(c), "PUT", path, body, &ans);

    free(path);
    json_decref(body);
    json_decref(ans);
    return r ? cli_fail_call(c) : 0;
}

/* set and unset: the group, found by name or id; set's name and description first (one
 * update), then the addresses. */
static int
group_change(struct cli *c, const json_t *a, bool unset)
{
    json_t *obj = NULL, *body = json_object(), *addresses = NULL;
    int r = 1;

    if (arg_npos(a) != 1) {
        json_decref(body);
        return cli_usage_error(c, arg_npos(a) ? "takes one address group"
                               : "the following arguments are required: <address-group>");
    }
    addresses = addresses_of(a);
    if (!addresses || !cli_session(c) || cli_find(c, &kind_address_group, arg_pos(a, 0), &obj)) {
        goto out;
    }
    if (!unset && arg_str(a, "name")) {
        json_object_set_new(body, "name", json_string(arg_str(a, "name")));
    }
    if (!unset && arg_str(a, "description")) {
        json_object_set_new(body, "description", json_string(arg_str(a, "description")));
    }
    r = cli_update(c, &kind_address_group, obj, body, NULL);
    if (!r && json_array_size(addresses)) {
        r = addresses_action(c, obj, unset ? "remove_addresses" : "add_addresses", addresses);
    }
out:
    json_decref(addresses);
    json_decref(body);
    json_decref(obj);
    return r;
}

static const struct opt set_opts[] = {
    { "name", OPT_STR, NULL }, { "description", OPT_STR, NULL },
    { "address", OPT_LIST, NULL },
    { NULL, 0, NULL },
};

static int
group_set(struct cli *c, const json_t *a)
{
    return group_change(c, a, false);
}

static const struct opt unset_opts[] = {
    { "address", OPT_LIST, NULL },
    { NULL, 0, NULL },
};

static int
group_unset(struct cli *c, const json_t *a)
{
    return group_change(c, a, true);
}

const struct command address_group_commands[] = {
    { "address group create", create_opts, group_create, "Create a new Address Group" },
    { "address group list", list_opts, group_list, "List address groups" },
    { "address group show", NULL, cli_show, "Display address group details",
      .kind = &kind_address_group, .fields = group_fields,
      .n_fields = ARRAY_SIZE(group_fields) },
    { "address group set", set_opts, group_set, "Set address group properties" },
    { "address group unset", unset_opts, group_unset, "Unset address group properties" },
    { "address group delete", NULL, cli_delete, "Delete address group(s)",
      .kind = &kind_address_group },
    { NULL, NULL, NULL, NULL },
};
