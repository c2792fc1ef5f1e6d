/* neutrino network flavor create|list|show|set|delete|add profile|remove profile,
 * network flavor profile create|list|show|set|delete and network service provider list
 * (docs/behaviour/cli.md §20): the openstack client's options, columns and messages for
 * the flavors framework.  A profile is named by its id only, as the client does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "session.h"
#include "util.h"

static const struct kind kind_flavor = { "flavor", "flavors", "Flavor", "flavor" };
static const struct kind kind_profile = { "service_profile", "service_profiles",
                                          "ServiceProfile", "flavor profile",
                                          .id_only = true };

static const struct field flavor_fields[] = {
    { "description", "description", R_TEXT },
    { "enabled", "enabled", R_TEXT },
    { "id", "id", R_TEXT },
    { "name", "name", R_TEXT },
    { "service_profile_ids", "service_profiles", R_PYLIST },
    { "service_type", "service_type", R_TEXT },
};

static const struct field flavor_cols[] = {
    { "ID", "id", R_TEXT },
    { "Name", "name", R_TEXT },
    { "Enabled", "enabled", R_TEXT },
    { "Service Type", "service_type", R_TEXT },
    { "Description", "description", R_TEXT },
};

/* The server shows no owner; the client's resource has the column all the same. */
static const struct field profile_fields[] = {
    { "description", "description", R_TEXT },
    { "driver", "driver", R_TEXT },
    { "enabled", "enabled", R_TEXT },
    { "id", "id", R_TEXT },
    { "meta_info", "metainfo", R_TEXT },
    { "project_id", "project_id|tenant_id", R_TEXT },
};

static const struct field profile_cols[] = {
    { "ID", "id", R_TEXT },
    { "Driver", "driver", R_TEXT },
    { "Enabled", "enabled", R_TEXT },
    { "Metainfo", "metainfo", R_TEXT },
    { "Description", "description", R_TEXT },
};

static const struct field provider_cols[] = {
    { "Service Type", "service_type", R_TEXT },
    { "Name", "name", R_TEXT },
    { "Default", "default", R_TEXT },
};

/* --- Flavors ------------------------------------------------------------------------ */

static const struct opt flavor_create_opts[] = {
    { "service-type", OPT_STR, NULL }, { "description", OPT_STR, NULL },
    { "project", OPT_STR, NULL }, { "project-domain", OPT_STR, NULL },
    { "enable", OPT_TRUE, NULL }, { "disable", OPT_FALSE, "enable" },
    { NULL, 0, NULL },
};

static int
flavor_create(struct cli *c, const json_t *a)
{
    static const struct opt_attr given[] = {
        { "description", "description" },
        { "enable", "enabled" },
    };
    json_t *body;

    if (!arg_str(a, "service-type")) {
        return cli_usage_error(c, "the following arguments are required: --service-type");
    }
    if (arg_npos(a) != 1) {
        return cli_usage_error(c, arg_npos(a) ? "takes one name"
                               : "the following arguments are required: <name>");
    }
    if (!cli_session(c)) {
        return 1;
    }
    body = json_pack("{s:s,s:s}", "name", arg_pos(a, 0), "service_type",
                     arg_str(a, "service-type"));
    cli_put_opts(body, a, given, ARRAY_SIZE(given));
    if (cli_put_project(c, a, body)) {
        json_decref(body);
        return 1;
    }
    return cli_create(c, &kind_flavor, body, a, flavor_fields, ARRAY_SIZE(flavor_fields));
}

static int
flavor_list(struct cli *c, const json_t *a)
{
    (void) a;
    if (!cli_session(c)) {
        return 1;
    }
    return cli_get_list(c, "/v2.0/flavors", "flavors", flavor_cols, ARRAY_SIZE(flavor_cols));
}

static const struct opt flavor_set_opts[] = {
    { "name", OPT_STR, NULL }, { "description", OPT_STR, NULL },
    { "enable", OPT_TRUE, NULL }, { "disable", OPT_FALSE, "enable" },
    { NULL, 0, NULL },
};

static int
flavor_set_attrs(struct cli *c, const json_t *a, json_t *body)
{
    static const struct opt_attr given[] = {
        { "name", "name" },
        { "description", "description" },
        { "enable", "enabled" },
    };

    (void) c;
    cli_put_opts(body, a, given, ARRAY_SIZE(given));
    return 0;
}

static int
flavor_set(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_flavor, a, false, flavor_set_attrs, NULL);
}

/* add profile / remove profile: the flavor by name or id, the profile by id; the
 * association is made (POST) or undone (DELETE). */
static int
flavor_profile_change(struct cli *c, const json_t *a, bool add)
{
    json_t *flavor = NULL, *profile = NULL, *body = NULL, *ans = NULL;
    const char *fid, *pid;
    char *path = NULL;
    int r = 1;

    if (arg_npos(a) != 2) {
        return cli_usage_error(c, "the following arguments are required: <flavor>,"
                               " <service-profile>");
    }
    if (!cli_session(c) || cli_find(c, &kind_flavor, arg_pos(a, 0), &flavor)
        || cli_find(c, &kind_profile, arg_pos(a, 1), &profile)) {
        goto out;
    }
    fid = json_string_value(json_object_get(flavor, "id"));
    pid = json_string_value(json_object_get(profile, "id"));
    if (add) {
        path = xasprintf("/v2.0/flavors/%s/service_profiles", fid);
        body = json_pack("{s:{s:s}}", "service_profile", "id", pid);
        r = session_call(cli_session(c), "POST", path, body, &ans);
    } else {
        path = xasprintf("/v2.0/flavors/%s/service_profiles/%s", fid, pid);
        r = session_call(cli_session(c), "DELETE", path, NULL, &ans);
    }
    r = r ? cli_fail_call(c) : 0;
out:
    free(path);
    json_decref(body);
    json_decref(ans);
    json_decref(flavor);
    json_decref(profile);
    return r;
}

static int
flavor_add_profile(struct cli *c, const json_t *a)
{
    return flavor_profile_change(c, a, true);
}

static int
flavor_remove_profile(struct cli *c, const json_t *a)
{
    return flavor_profile_change(c, a, false);
}

/* --- Service profiles --------------------------------------------------------------- */

static const struct opt profile_create_opts[] = {
    { "description", OPT_STR, NULL }, { "driver", OPT_STR, NULL },
    { "metainfo", OPT_STR, NULL }, { "project", OPT_STR, NULL },
    { "project-domain", OPT_STR, NULL },
    { "enable", OPT_TRUE, NULL }, { "disable", OPT_FALSE, "enable" },
    { NULL, 0, NULL },
};

static void
profile_attrs(const json_t *a, json_t *body)
{
    static const struct opt_attr given[] = {
        { "description", "description" },
        { "driver", "driver" },
        { "metainfo", "metainfo" },
        { "enable", "enabled" },
    };

    cli_put_opts(body, a, given, ARRAY_SIZE(given));
}

static int
profile_create(struct cli *c, const json_t *a)
{
    json_t *body;

    if (arg_npos(a)) {
        return cli_usage_error(c, "unrecognized arguments: %s", arg_pos(a, 0));
    }
    if (!arg_str(a, "driver") && !arg_str(a, "metainfo")) {
        return cli_fail("Either --driver or --metainfo or both are required");
    }
    if (!cli_session(c)) {
        return 1;
    }
    body = json_object();
    profile_attrs(a, body);
    if (cli_put_project(c, a, body)) {
        json_decref(body);
        return 1;
    }
    return cli_create(c, &kind_profile, body, a, profile_fields, ARRAY_SIZE(profile_fields));
}

static int
profile_list(struct cli *c, const json_t *a)
{
    (void) a;
    if (!cli_session(c)) {
        return 1;
    }
    return cli_get_list(c, "/v2.0/service_profiles", "service_profiles", profile_cols,
                        ARRAY_SIZE(profile_cols));
}

static int
profile_set_attrs(struct cli *c, const json_t *a, json_t *body)
{
    (void) c;
    profile_attrs(a, body);
    return 0;
}

static int
profile_set(struct cli *c, const json_t *a)
{
    return cli_change(c, &kind_profile, a, false, profile_set_attrs, NULL);
}

/* Each profile in turn; failures are told and counted as the client does. */
static int
profile_delete(struct cli *c, const json_t *a)
{
    if (!arg_npos(a)) {
        return cli_usage_error(c, "the following arguments are required: <flavor-profile>");
    }
    return cli_delete_by_id(c, &kind_profile, a, "flavor profile", "flavor_profiles");
}

/* --- Service providers -------------------------------------------------------------- */

static int
provider_list(struct cli *c, const json_t *a)
{
    (void) a;
    if (!cli_session(c)) {
        return 1;
    }
    return cli_get_list(c, "/v2.0/service-providers", "service_providers", provider_cols,
                        ARRAY_SIZE(provider_cols));
}

static const struct opt no_opts[] = { { NULL, 0, NULL } };

const struct command flavor_commands[] = {
    { "network flavor create", flavor_create_opts, flavor_create,
      "Create new network flavor" },
    { "network flavor list", no_opts, flavor_list, "List network flavors" },
    { "network flavor show", NULL, cli_show, "Display network flavor details",
      .kind = &kind_flavor, .fields = flavor_fields, .n_fields = ARRAY_SIZE(flavor_fields) },
    { "network flavor set", flavor_set_opts, flavor_set, "Set network flavor properties" },
    { "network flavor delete", NULL, cli_delete, "Delete network flavors",
      .kind = &kind_flavor },
    { "network flavor add profile", no_opts, flavor_add_profile,
      "Add a service profile to a network flavor" },
    { "network flavor remove profile", no_opts, flavor_remove_profile,
      "Remove service profile from network flavor" },
    { "network flavor profile create", profile_create_opts, profile_create,
      "Create new network flavor profile" },
    { "network flavor profile list", no_opts, profile_list, "List network flavor profile(s)" },
    { "network flavor profile show", NULL, cli_show, "Display network flavor profile details",
      .kind = &kind_profile, .fields = profile_fields,
      .n_fields = ARRAY_SIZE(profile_fields) },
    { "network flavor profile set", profile_create_opts, profile_set,
      "Set network flavor profile properties" },
    { "network flavor profile delete", no_opts, profile_delete,
      "Delete network flavor profile" },
    { "network service provider list", no_opts, provider_list, "List Service Providers" },
    { NULL, NULL, NULL, NULL },
};
