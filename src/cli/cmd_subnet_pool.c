/* neutrino subnet pool create|list|show|set|unset|delete (docs/behaviour/cli.md §17): the
 * openstack client's options, columns and messages for Neutron's subnet pools.  The
 * client reads the prefix lengths as numbers although Neutron sends them as text
 * (R_INT), and "set --pool-prefix" sends the new prefixes followed by the old ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

const struct kind kind_subnet_pool = { "subnetpool", "subnetpools", "SubnetPool", "subnet pool" };
const struct kind kind_address_scope = { "address_scope", "address-scopes", "AddressScope",
                                         "address scope", "address_scopes" };

/* Every field the client shows for one, sorted. */
static const struct field pool_fields[] = {
    { "address_scope_id", "address_scope_id", R_TEXT },
    { "created_at", "created_at", R_TEXT },
    { "default_prefixlen", "default_prefixlen", R_INT },
    { "default_quota", "default_quota", R_TEXT },
    { "description", "description", R_TEXT },
    { "id", "id", R_TEXT },
    { "ip_version", "ip_version", R_TEXT },
    { "is_default", "is_default", R_TEXT },
    { "max_prefixlen", "max_prefixlen", R_INT },
    { "min_prefixlen", "min_prefixlen", R_INT },
    { "name", "name", R_TEXT },
    { "prefixes", "prefixes", R_TEXT },
    { "project_id", "project_id|tenant_id", R_TEXT },
    { "revision_number", "revision_number", R_TEXT },
    { "shared", "shared", R_TEXT },
    { "tags", "tags", R_TEXT },
    { "updated_at", "updated_at", R_TEXT },
};

static const struct field list_cols[] = {
    { "ID", "id", R_TEXT },
    { "Name", "name", R_TEXT },
    { "Prefixes", "prefixes", R_TEXT },
};

static const struct field long_cols[] = {
    { "ID", "id", R_TEXT },
    { "Name", "name", R_TEXT },
    { "Prefixes", "prefixes", R_TEXT },
    { "Default Prefix Length", "default_prefixlen", R_INT },
    { "Address Scope", "address_scope_id", R_TEXT },
    { "Default Subnet Pool", "is_default", R_TEXT },
    { "Shared", "shared", R_TEXT },
    { "Tags", "tags", R_TEXT },
};

/* An integer option (the client's type=int): 2 after a usage error when it is not one. */
static int
put_int(const struct cli *c, json_t *body, const json_t *a, const char *opt, const char *attr)
{
    const char *v = arg_str(a, opt);
    char *end;
    long long n;

    if (!v) {
        return 0;
    }
    n = strtoll(v, &end, 10);
    if (!*v || *end) {
        return cli_usage_error(c, "argument --%s: invalid int value: '%s'", opt, v);
    }
    json_object_set_new(body, attr, json_integer(n));
    return 0;
}

/* The options create and set share, into 'body' as the client's _get_attrs(); 1 after a
 * message, 2 after a usage error. */
static int
put_common(struct cli *c, const json_t *a, json_t *body)
{
    static const char *const ints[][2] = {
        { "default-prefix-length", "default_prefixlen" },
        { "min-prefix-length", "min_prefixlen" },
        { "max-prefix-length", "max_prefixlen" },
        { "default-quota", "default_quota" },
    };
    char id[64];
    int r;

    if (arg_str(a, "name")) {
        json_object_set_new(body, "name", json_string(arg_str(a, "name")));
    }
    if (arg_list(a, "pool-prefix")) {
        json_object_set_new(body, "prefixes", json_deep_copy(arg_list(a, "pool-prefix")));
    }
    for (size_t i = 0; i < ARRAY_SIZE(ints); i++) {
        if ((r = put_int(c, body, a, ints[i][0], ints[i][1])) != 0) {
            return r;
        }
    }
    if (arg_str(a, "address-scope")) {
        if (cli_find_id(c, &kind_address_scope, arg_str(a, "address-scope"), id)) {
            return 1;
        }
        json_object_set_new(body, "address_scope_id", json_string(id));
    }
    if (arg_bool(a, "no-address-scope") == 1) {
        json_object_set_new(body, "address_scope_id", json_null());
    }
    if (arg_bool(a, "default") >= 0) {
        json_object_set_new(body, "is_default", json_boolean(arg_bool(a, "default")));
    }
    if (arg_bool(a, "share") >= 0) {
        json_object_set_new(body, "shared", json_boolean(arg_bool(a, "share")));
    }
    if (arg_str(a, "description")) {
        json_object_set_new(body, "description", json_string(arg_str(a, "description")));
    }
    return 0;
}

#define PREFIX_OPTS                                                                        \
    { "pool-prefix", OPT_LIST, NULL }, { "default-prefix-length", OPT_STR, NULL },         \
    { "min-prefix-length", OPT_STR, NULL }, { "max-prefix-length", OPT_STR, NULL },        \
    { "default", OPT_TRUE, NULL }, { "no-default", OPT_FALSE, "default" },                 \
    { "description", OPT_STR, NULL }, { "default-quota", OPT_STR, NULL },                  \
    { "address-scope", OPT_STR, NULL }, { "tag", OPT_LIST, NULL },                         \
    { "no-tag", OPT_TRUE, NULL }

static const struct opt create_opts[] = {
    PREFIX_OPTS,
    { "project", OPT_STR, NULL }, { "project-domain", OPT_STR, NULL },
    { "share", OPT_TRUE, NULL }, { "no-share", OPT_FALSE, "share" },
    { NULL, 0, NULL },
};

static int
pool_create(struct cli *c, const json_t *a)
{
    json_t *body;
    int r;

    if (arg_npos(a) != 1) {
        return cli_usage_error(c, "takes one name");
    }
    if (!arg_list(a, "pool-prefix")) {
        return cli_usage_error(c, "the following arguments are required: --pool-prefix");
    }
    if (!cli_session(c)) {
        return 1;
    }
    body = json_pack("{s:s}", "name", arg_pos(a, 0));
    if ((r = put_common(c, a, body)) != 0 || (r = cli_put_project(c, a, body)) != 0) {
        json_decref(body);
        return r;
    }
    return cli_create(c, &kind_subnet_pool, body, a, pool_fields, ARRAY_SIZE(pool_fields));
}

static const struct opt list_opts[] = {
    { "long", OPT_TRUE, NULL }, { "share", OPT_TRUE, NULL },
    { "no-share", OPT_FALSE, "share" }, { "default", OPT_TRUE, NULL },
    { "no-default", OPT_FALSE, "default" }, { "project", OPT_STR, NULL },
    { "project-domain", OPT_STR, NULL }, { "name", OPT_STR, NULL },
    { "address-scope", OPT_STR, NULL },
    { "tags", OPT_STR, NULL }, { "any-tags", OPT_STR, NULL }, { "not-tags", OPT_STR, NULL },
    { "not-any-tags", OPT_STR, NULL },
    { NULL, 0, NULL },
};

static int
pool_list(struct cli *c, const json_t *a)
{
    static const struct list_filter filters[] = {
        { "shared", "share" },
        { "is_default", "default" },
        { "project_id", "project", .project = true },
        { "name", "name" },
        { "address_scope_id", "address-scope", &kind_address_scope },
    };
    struct buf query = BUF_INITIALIZER;

    if (!cli_session(c) || cli_q_filters(c, &query, a, filters, ARRAY_SIZE(filters))) {
        buf_done(&query);
        return 1;
    }
    return cli_list_tagged(c, &kind_subnet_pool, a, &query, list_cols, ARRAY_SIZE(list_cols),
                           long_cols, ARRAY_SIZE(long_cols));
}

static const struct opt set_opts[] = {
    PREFIX_OPTS,
    { "name", OPT_STR, NULL }, { "no-address-scope", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

/* The new prefixes go first, then the pool's own: Neutron wants a superset. */
static int
set_after(struct cli *c, const json_t *a, const json_t *pool, json_t *body)
{
    json_t *prefixes;

    int r;

    if (arg_str(a, "address-scope") && arg_bool(a, "no-address-scope") == 1) {
        return cli_usage_error(c, "argument --no-address-scope: not allowed with argument "
                               "--address-scope");
    }
    if ((r = put_common(c, a, body)) != 0) {
        return r;
    }
    prefixes = json_object_get(body, "prefixes");
    if (prefixes) {
        json_array_extend(prefixes, json_object_get(pool, "prefixes"));
    }
    return 0;
}

static int
pool_set(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_subnet_pool, a, false, NULL, set_after);
}

static const struct opt unset_opts[] = {
    { "tag", OPT_LIST, NULL }, { "all-tag", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static int
pool_unset(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_subnet_pool, a, true, NULL, NULL);
}

const struct command subnet_pool_commands[] = {
    { "subnet pool create", create_opts, pool_create, "Create a subnet pool" },
    { "subnet pool list", list_opts, pool_list, "List subnet pools" },
    { "subnet pool show", NULL, cli_show, "Show a subnet pool", .kind = &kind_subnet_pool,
      .fields = pool_fields, .n_fields = ARRAY_SIZE(pool_fields) },
    { "subnet pool set", set_opts, pool_set, "Change a subnet pool" },
    { "subnet pool unset", unset_opts, pool_unset, "Remove tags from a subnet pool" },
    { "subnet pool delete", NULL, cli_delete, "Delete subnet pools",
      .kind = &kind_subnet_pool },
    { NULL, NULL, NULL, NULL },
};
