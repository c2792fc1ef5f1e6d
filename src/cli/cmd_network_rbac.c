/* neutrino network rbac create|list|show|set|delete (docs/behaviour/cli.md §15): the
 * openstack client's options, columns and messages for Neutron's RBAC policies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

/* A policy is found by id only, as the client does. */
static const struct kind kind_rbac = { "rbac_policy", "rbac-policies", "RBACPolicy",
                                       .list_key = "rbac_policies", .id_only = true };

/* The object types and actions the client offers, in its order (its error lists them). */
static const char *const types[] = { "address_group", "address_scope", "security_group",
                                     "subnetpool", "qos_policy", "network", NULL };
static const char *const actions[] = { "access_as_external", "access_as_shared", NULL };

/* What each type's object is looked up as: its collection and the client's name for it
 * in "No <title> found for <x>". */
static const struct kind kind_address_group = { "address_group", "address-groups",
                                                "AddressGroup",
                                                .list_key = "address_groups" };
static const struct kind kind_qos_policy = { "policy", "qos/policies", "QoSPolicy",
                                             .list_key = "policies" };

static const struct kind *const type_kinds[] = {
    &kind_address_group, &kind_address_scope, &kind_security_group, &kind_subnet_pool,
    &kind_qos_policy, &kind_network,
};

/* The client's show: target_tenant as target_project_id, without tenant_id. */
static const struct field rbac_fields[] = {
    { "action", "action", R_TEXT },
    { "id", "id", R_TEXT },
    { "object_id", "object_id", R_TEXT },
    { "object_type", "object_type", R_TEXT },
    { "project_id", "project_id", R_TEXT },
    { "target_project_id", "target_tenant", R_TEXT },
};

/* The index of 'value' in 'choices', or -1 after argparse's "invalid choice" error. */
static int
choice(const char *words, const char *opt, const char *value, const char *const *choices)
{
    struct buf list = BUF_INITIALIZER;
    int i;

    for (i = 0; choices[i]; i++) {
        if (STREQ(choices[i], value)) {
            return i;
        }
    }
    for (i = 0; choices[i]; i++) {
        buf_printf(&list, "%s'%s'", i ? ", " : "", choices[i]);
    }
    cli_usage_error_words(words, "argument --%s: invalid choice: '%s' (choose from %s)", opt, value,
                buf_cstr(&list));
    buf_done(&list);
    return -1;
}

/* --- create ------------------------------------------------------------------------ */

#define CREATE "network rbac create"

static const struct opt create_opts[] = {
    { "type", OPT_STR, NULL }, { "action", OPT_STR, NULL },
    { "target-project", OPT_STR, NULL }, { "target-all-projects", OPT_TRUE, NULL },
    { "target-project-domain", OPT_STR, NULL },
    { "project", OPT_STR, NULL }, { "project-domain", OPT_STR, NULL },
    { NULL, 0, NULL },
};

/* The command line's checks, in argparse's order: choices and exclusive options as
 * they are read, then what is required.  0, or 2 after the message. */
static int
create_usage(const json_t *a, int *ret_type)
{
    struct buf missing = BUF_INITIALIZER;
    int type = -1;

    if (arg_str(a, "type") && (type = choice(CREATE, "type", arg_str(a, "type"), types)) < 0) {
        return 2;
    }
    if (arg_str(a, "action") && choice(CREATE, "action", arg_str(a, "action"), actions) < 0) {
        return 2;
    }
    if (arg_str(a, "target-project") && arg_bool(a, "target-all-projects") == 1) {
        return cli_usage_error_words(CREATE, "argument --target-all-projects: not allowed with argument"
                           " --target-project");
    }
    if (!arg_str(a, "type")) {
        buf_add_str(&missing, "--type");
    }
    if (!arg_str(a, "action")) {
        buf_printf(&missing, "%s--action", missing.len ? ", " : "");
    }
    if (arg_npos(a) == 0) {
        buf_printf(&missing, "%s<rbac-object>", missing.len ? ", " : "");
    }
    if (missing.len) {
        cli_usage_error_words(CREATE, "the following arguments are required: %s", buf_cstr(&missing));
        buf_done(&missing);
        return 2;
    }
    if (arg_npos(a) > 1) {
        return cli_usage_error_words(CREATE, "unrecognized arguments: %s", arg_pos(a, 1));
    }
    if (!arg_str(a, "target-project") && arg_bool(a, "target-all-projects") != 1) {
        return cli_usage_error_words(CREATE, "one of the arguments --target-project"
                           " --target-all-projects is required");
    }
    *ret_type = type;
    return 0;
}

static int
rbac_create(struct cli *c, const json_t *a)
{
    json_t *body, *wrapped, *ans = NULL;
    char object[64], target[64], project[64];
    int type, r = create_usage(a, &type);

    if (r) {
        return r;
    }
    if (cli_find_id(c, type_kinds[type], arg_pos(a, 0), object)) {
        return 1;
    }
    if (arg_str(a, "target-project")) {
        if (cli_project_id(c, arg_str(a, "target-project"), target)) {
            return 1;
        }
    } else {
        snprintf(target, sizeof target, "*");
    }
    body = json_pack("{s:s,s:s,s:s,s:s}", "object_type", types[type], "action",
                     arg_str(a, "action"), "object_id", object, "target_tenant", target);
    if (arg_str(a, "project")) {
        if (cli_project_id(c, arg_str(a, "project"), project)) {
            json_decref(body);
            return 1;
        }
        json_object_set_new(body, "project_id", json_string(project));
    }
    wrapped = json_pack("{s:o}", "rbac_policy", body);
    r = session_call(cli_session(c), "POST", "/v2.0/rbac-policies", wrapped, &ans);
    json_decref(wrapped);
    if (r) {
        return cli_fail_call(c);
    }
    r = out_show(&c->out, rbac_fields, ARRAY_SIZE(rbac_fields),
                 json_object_get(ans, "rbac_policy"));
    json_decref(ans);
    return r;
}

/* --- list, show, set, delete ------------------------------------------------------- */

#define LIST "network rbac list"

static const struct opt list_opts[] = {
    { "type", OPT_STR, NULL }, { "action", OPT_STR, NULL }, { "long", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static int
rbac_list(struct cli *c, const json_t *a)
{
    static const struct field cols[] = {
        { "ID", "id", R_TEXT }, { "Object Type", "object_type", R_TEXT },
        { "Object ID", "object_id", R_TEXT }, { "Action", "action", R_TEXT },
    };
    struct buf query = BUF_INITIALIZER, path = BUF_INITIALIZER;
    int r;

    if ((arg_str(a, "type") && choice(LIST, "type", arg_str(a, "type"), types) < 0)
        || (arg_str(a, "action") && choice(LIST, "action", arg_str(a, "action"), actions) < 0)) {
        return 2;
    }
    if (arg_npos(a)) {
        return cli_usage_error_words(LIST, "unrecognized arguments: %s", arg_pos(a, 0));
    }
    cli_q(&query, "object_type", arg_str(a, "type"));
    cli_q(&query, "action", arg_str(a, "action"));
    buf_printf(&path, "/v2.0/rbac-policies%s%s", query.len ? "?" : "", buf_cstr(&query));
    r = cli_get_list(c, buf_cstr(&path), "rbac_policies", cols,
                     arg_bool(a, "long") == 1 ? 4 : 3);
    buf_done(&query);
    buf_done(&path);
    return r;
}

static const struct opt set_opts[] = {
    { "target-project", OPT_STR, NULL }, { "target-project-domain", OPT_STR, NULL },
    { NULL, 0, NULL },
};

/* --target-project moves the policy; without it the client sends nothing. */
static int
set_target(struct cli *c, const json_t *a, const json_t *obj, json_t *body)
{
    char target[64];

    (void) obj;
    if (arg_str(a, "target-project")) {
        if (cli_project_id(c, arg_str(a, "target-project"), target)) {
            return 1;
        }
        json_object_set_new(body, "target_tenant", json_string(target));
    }
    return 0;
}

static int
rbac_set(struct cli *c, const json_t *a)
{
    if (arg_npos(a) != 1) {
        return cli_usage_error_words("network rbac set", arg_npos(a) ? "unrecognized arguments: %s"
                           : "the following arguments are required: <rbac-policy>",
                           arg_pos(a, 1));
    }
    return cli_change(c, &kind_rbac, a, false, NULL, set_target);
}

/* Each policy in turn; failures are told and counted as the client does. */
static int
rbac_delete(struct cli *c, const json_t *a)
{
    if (!arg_npos(a)) {
        return cli_usage_error_words("network rbac delete", "the following arguments are required:"
                           " <rbac-policy>");
    }
    return cli_delete_by_id(c, &kind_rbac, a, "RBAC policy", "RBAC policies");
}

const struct command network_rbac_commands[] = {
    { "network rbac create", create_opts, rbac_create, "Create an RBAC policy" },
    { "network rbac list", list_opts, rbac_list, "List RBAC policies" },
    { "network rbac show", NULL, cli_show, "Show an RBAC policy", .kind = &kind_rbac,
      .fields = rbac_fields, .n_fields = ARRAY_SIZE(rbac_fields) },
    { "network rbac set", set_opts, rbac_set, "Change an RBAC policy's target" },
    { "network rbac delete", NULL, rbac_delete, "Delete RBAC policies" },
    { NULL, NULL, NULL, NULL },
};
