/* neutrino address scope create|list|show|set|delete (docs/behaviour/cli.md §17): the
 * openstack client's options, columns and messages for Neutron's address scopes. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const struct field scope_fields[] = {
    { "id", "id", R_TEXT },
    { "ip_version", "ip_version", R_TEXT },
    { "name", "name", R_TEXT },
    { "project_id", "project_id|tenant_id", R_TEXT },
    { "shared", "shared", R_TEXT },
};

static const struct field list_cols[] = {
    { "ID", "id", R_TEXT },
    { "Name", "name", R_TEXT },
    { "IP Version", "ip_version", R_TEXT },
    { "Shared", "shared", R_TEXT },
    { "Project", "project_id|tenant_id", R_TEXT },
};

static const struct opt create_opts[] = {
    { "ip-version", OPT_STR, NULL }, { "project", OPT_STR, NULL },
    { "project-domain", OPT_STR, NULL }, { "share", OPT_TRUE, NULL },
    { "no-share", OPT_FALSE, "share" },
    { NULL, 0, NULL },
};

static int
scope_create(struct cli *c, const json_t *a)
{
    const char *v = arg_str(a, "ip-version");
    json_t *body;

    if (arg_npos(a) != 1) {
        return cli_usage_error(c, "takes one name");
    }
    if (v && !STREQ(v, "4") && !STREQ(v, "6")) {
        /* The client's choices are integers: a number is shown bare, anything else is no
         * int at all. */
        char *end;
        (void) strtol(v, &end, 10);
        return *v && !*end ? cli_usage_error(c, "argument --ip-version: invalid choice: %s "
                                             "(choose from 4, 6)", v)
                           : cli_usage_error(c, "argument --ip-version: invalid int value: "
                                             "'%s'", v);
    }
    if (!cli_session(c)) {
        return 1;
    }
    body = json_pack("{s:s,s:i}", "name", arg_pos(a, 0), "ip_version", v ? atoi(v) : 4);
    if (arg_bool(a, "share") >= 0) {
        json_object_set_new(body, "shared", json_boolean(arg_bool(a, "share")));
    }
    if (cli_put_project(c, a, body)) {
        json_decref(body);
        return 1;
    }
    return cli_create(c, &kind_address_scope, body, a, scope_fields, ARRAY_SIZE(scope_fields));
}

static const struct opt list_opts[] = {
    { "name", OPT_STR, NULL }, { "ip-version", OPT_STR, NULL },
    { "project", OPT_STR, NULL }, { "project-domain", OPT_STR, NULL },
    { "share", OPT_TRUE, NULL }, { "no-share", OPT_FALSE, "share" },
    { NULL, 0, NULL },
};

static int
scope_list(struct cli *c, const json_t *a)
{
    static const struct list_filter filters[] = {
        { "name", "name" },
        { "ip_version", "ip-version" },
        { "shared", "share" },
        { "project_id", "project", .project = true },
    };
    struct buf query = BUF_INITIALIZER;
    char *path;
    int r;

    if (!cli_session(c) || cli_q_filters(c, &query, a, filters, ARRAY_SIZE(filters))) {
        buf_done(&query);
        return 1;
    }
    path = xasprintf("/v2.0/address-scopes%s%s", query.len ? "?" : "", buf_cstr(&query));
    r = cli_get_list(c, path, "address_scopes", list_cols, ARRAY_SIZE(list_cols));
    free(path);
    buf_done(&query);
    return r;
}

static const struct opt set_opts[] = {
    { "name", OPT_STR, NULL }, { "share", OPT_TRUE, NULL }, { "no-share", OPT_FALSE, "share" },
    { NULL, 0, NULL },
};

static int
set_before(struct cli *c, const json_t *a, json_t *body)
{
    (void) c;
    if (arg_str(a, "name")) {
        json_object_set_new(body, "name", json_string(arg_str(a, "name")));
    }
    if (arg_bool(a, "share") >= 0) {
        json_object_set_new(body, "shared", json_boolean(arg_bool(a, "share")));
    }
    return 0;
}

static int
scope_set(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_address_scope, a, false, set_before, NULL);
}

const struct command address_scope_commands[] = {
    { "address scope create", create_opts, scope_create, "Create an address scope" },
    { "address scope list", list_opts, scope_list, "List address scopes" },
    { "address scope show", NULL, cli_show, "Show an address scope",
      .kind = &kind_address_scope, .fields = scope_fields,
      .n_fields = ARRAY_SIZE(scope_fields) },
    { "address scope set", set_opts, scope_set, "Change an address scope" },
    { "address scope delete", NULL, cli_delete, "Delete address scopes",
      .kind = &kind_address_scope },
    { NULL, NULL, NULL, NULL },
};
