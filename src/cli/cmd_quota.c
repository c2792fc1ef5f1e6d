/* neutrino quota show|set|delete (docs/behaviour/cli.md §16): the openstack client's
 * grammar and output for Neutron's quotas.  Only the network service's quotas exist
 * here, so the client's --network (restrict to it) is what every command does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

/* Neutron's quota names as the openstack client shows them, in its (sorted) order for
 * show, and the option that sets each. */
static const struct {
    const char *api;            /* Neutron's key: "security_group_rule" */
    const char *shown;          /* quota show's field: "secgroup-rules" */
    const char *detail;         /* the detailed list's resource: "security_group_rules" */
    const char *option;         /* quota set's option: "secgroup-rules" */
} quotas[] = {
    { "floatingip", "floating-ips", "floating_ips", "floating-ips" },
    { "network", "networks", "networks", "networks" },
    { "port", "ports", "ports", "ports" },
    { "rbac_policy", "rbac_policies", "rbac_policies", "rbac-policies" },
    { "router", "routers", "routers", "routers" },
    { "security_group_rule", "secgroup-rules", "security_group_rules", "secgroup-rules" },
    { "security_group", "secgroups", "security_groups", "secgroups" },
    { "subnetpool", "subnet_pools", "subnet_pools", "subnetpools" },
    { "subnet", "subnets", "subnets", "subnets" },
};

/* The order of the client's detailed rows (the SDK's quota details attributes). */
static const char *const detail_order[] = {
    "floatingip", "network", "port", "rbac_policy", "router", "subnet", "subnetpool",
    "security_group_rule", "security_group",
};

/* --- The project ------------------------------------------------------------------- */

/* The project 'arg' names (an id, else a name), with its name, as the client finds it:
 * "No project with a name or ID of 'x' exists." when there is none. */
static int
find_project(struct cli *c, const char *arg, char id[64], char name[256])
{
    struct session *s = cli_session(c);
    struct buf path = BUF_INITIALIZER;
    json_t *ans = NULL, *found = NULL;
    int r = 1;

    if (!s) {
        return 1;
    }
    buf_add_str(&path, "/projects/");
    url_encode(&path, arg);
    if (!session_identity_call(s, "GET", buf_cstr(&path), &ans)) {
        found = json_object_get(ans, "project");
    } else if (s->status == 404 || s->status == 403) {
        /* As the client: not an id it may read, so a name to look for. */
        buf_clear(&path);
        buf_add_str(&path, "/projects?name=");
        url_encode(&path, arg);
        if (session_identity_call(s, "GET", buf_cstr(&path), &ans)) {
            r = cli_fail_call(c);
            goto out;
        }
        found = json_array_size(json_object_get(ans, "projects")) == 1
                    ? json_array_get(json_object_get(ans, "projects"), 0)
                    : NULL;
    } else if (s->status == 0 || s->status >= 500) {
        /* No identity service to ask (noauth): the argument is the id. */
        snprintf(id, 64, "%s", arg);
        name[0] = '\0';
        r = 0;
        goto out;
    } else {
        r = cli_fail_call(c);
        goto out;
    }
    if (!json_is_string(json_object_get(found, "id"))) {
        r = cli_fail("No project with a name or ID of '%s' exists.", arg);
        goto out;
    }
    snprintf(id, 64, "%s", json_string_value(json_object_get(found, "id")));
    snprintf(name, 256, "%s", json_string_value(json_object_get(found, "name")) ? json_string_value(json_object_get(found, "name")) : "");
    r = 0;
out:
    buf_done(&path);
    json_decref(ans);
    return r;
}

/* The project a show is about: the positional argument, else the token's. */
static int
show_project(struct cli *c, const json_t *a, char id[64], char name[256])
{
    struct session *s;

    if (arg_pos(a, 0)) {
        return find_project(c, arg_pos(a, 0), id, name);
    }
    s = cli_session(c);
    if (!s) {
        return 1;
    }
    if (!s->project_id) {
        return cli_fail("No project: name one, or sign in to a project");
    }
    return find_project(c, s->project_id, id, name);
}

/* --- quota show --------------------------------------------------------------------- */

static const struct opt show_opts[] = {
    { "default", OPT_TRUE, NULL },
    { "usage", OPT_TRUE, NULL },
    { "network", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

/* "Field | Value": each quota under the client's name, then the project. */
static int
print_limits(struct cli *c, const json_t *quota, const char *id, const char *name)
{
    struct field fields[ARRAY_SIZE(quotas) + 2];
    json_t *obj = json_object();
    size_t n = 0;
    int r;

    for (size_t i = 0; i < ARRAY_SIZE(quotas); i++) {
        json_t *v = json_object_get(quota, quotas[i].api);
        if (v) {
            json_object_set(obj, quotas[i].shown, v);
        }
    }
    if (id) {
        json_object_set_new(obj, "project", json_string(id));
        json_object_set_new(obj, "project_name", name[0] ? json_string(name) : json_null());
    }
    /* Sorted by field name, as the client prints them. */
    for (size_t i = 0; i < ARRAY_SIZE(quotas); i++) {
        if (id && STREQ(quotas[i].shown, "rbac_policies")) {
            fields[n++] = (struct field) { "project", "project", R_TEXT };
            fields[n++] = (struct field) { "project_name", "project_name", R_TEXT };
        }
        if (json_object_get(obj, quotas[i].shown)) {
            fields[n++] = (struct field) { quotas[i].shown, quotas[i].shown, R_TEXT };
        }
    }
    r = out_show(&c->out, fields, n, obj);
    json_decref(obj);
    return r;
}

/* "Resource | In Use | Reserved | Limit", the client's detailed rows. */
static int
print_usage(struct cli *c, const json_t *quota)
{
    static const struct field cols[] = {
        { "Resource", "resource", R_TEXT },
        { "In Use", "used", R_TEXT },
        { "Reserved", "reserved", R_TEXT },
        { "Limit", "limit", R_TEXT },
    };
    json_t *rows = json_array();
    int r;

    for (size_t i = 0; i < ARRAY_SIZE(detail_order); i++) {
        const json_t *d = json_object_get(quota, detail_order[i]);
        const char *resource = detail_order[i];

        for (size_t j = 0; j < ARRAY_SIZE(quotas); j++) {
            if (STREQ(quotas[j].api, detail_order[i])) {
                resource = quotas[j].detail;
            }
        }
        if (json_is_object(d)) {
            json_array_append_new(rows, json_pack("{s:s,s:O,s:O,s:O}", "resource", resource,
                                                  "used", json_object_get(d, "used"),
                                                  "reserved", json_object_get(d, "reserved"),
                                                  "limit", json_object_get(d, "limit")));
        }
    }
    r = out_list(&c->out, cols, ARRAY_SIZE(cols), rows);
    json_decref(rows);
    return r;
}

static int
quota_show(struct cli *c, const json_t *a)
{
    bool defaults = arg_bool(a, "default") == 1, usage = arg_bool(a, "usage") == 1;
    char id[64], name[256], path[160];
    json_t *ans = NULL;
    int r;

    if (arg_npos(a) > 1) {
        return cli_usage_error_words("quota show", "unrecognized arguments: %s", arg_pos(a, 1));
    }
    if (defaults && usage) {
        return cli_usage_error_words("quota show", "argument --usage: not allowed with argument"
                           " --default");
    }
    if (show_project(c, a, id, name)) {
        return 1;
    }
    snprintf(path, sizeof path, "/v2.0/quotas/%s%s", id,
             defaults ? "/default" : usage ? "/details" : "");
    if (session_call(&c->session, "GET", path, NULL, &ans)) {
        return cli_fail_call(c);
    }
    r = usage ? print_usage(c, json_object_get(ans, "quota"))
              : print_limits(c, json_object_get(ans, "quota"), defaults ? NULL : id, name);
    json_decref(ans);
    return r;
}

/* --- quota set, quota delete ------------------------------------------------------- */

static const struct opt set_opts[] = {
    { "floating-ips", OPT_STR, NULL },
    { "secgroup-rules", OPT_STR, NULL },
    { "secgroups", OPT_STR, NULL },
    { "networks", OPT_STR, NULL },
    { "subnets", OPT_STR, NULL },
    { "ports", OPT_STR, NULL },
    { "routers", OPT_STR, NULL },
    { "rbac-policies", OPT_STR, NULL },
    { "subnetpools", OPT_STR, NULL },
    { "check-limit", OPT_TRUE, NULL },
    { "force", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

/* Python's int() of an option's text (spaces around allowed); false if not one. */
static bool
parse_int_option(const char *text, long long *ret)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(text, &end, 10);
    while (*end == ' ' || *end == '\t') {
        end++;
    }
    if (end == text || *end || errno) {
        return false;
    }
    *ret = v;
    return true;
}

/* The body's "quota" from the options, in the client's order; 2 after a usage error. */
static int
set_body(const json_t *a, json_t *quota)
{
    for (size_t i = 0; i < ARRAY_SIZE(quotas); i++) {
        const char *text = arg_str(a, quotas[i].option);
        long long v;

        if (!text) {
            continue;
        }
        if (!parse_int_option(text, &v)) {
            return cli_usage_error_words("quota set", "argument --%s: invalid int value: '%s'",
                               quotas[i].option, text);
        }
        json_object_set_new(quota, quotas[i].api, json_integer(v));
    }
    if (arg_bool(a, "check-limit") == 1) {
        json_object_set_new(quota, "check_limit", json_true());
    }
    if (arg_bool(a, "force") == 1) {
        json_object_set_new(quota, "force", json_true());
    }
    return 0;
}

static int
quota_set(struct cli *c, const json_t *a)
{
    json_t *quota = json_object(), *body, *ans = NULL;
    char id[64], name[256], path[160];
    int r;

    if (arg_npos(a) != 1) {
        json_decref(quota);
        return cli_usage_error_words("quota set", arg_npos(a) ? "unrecognized arguments: %s"
                           : "the following arguments are required: <project/class>%s",
                           arg_npos(a) ? arg_pos(a, 1) : "");
    }
    r = set_body(a, quota);
    if (r || find_project(c, arg_pos(a, 0), id, name)) {
        json_decref(quota);
        return r ? r : 1;
    }
    /* The client sends nothing when no quota is given. */
    if (!json_object_size(quota)) {
        json_decref(quota);
        return 0;
    }
    body = json_pack("{s:o}", "quota", quota);
    snprintf(path, sizeof path, "/v2.0/quotas/%s", id);
    r = session_call(&c->session, "PUT", path, body, &ans) ? cli_fail_call(c) : 0;
    json_decref(body);
    json_decref(ans);
    return r;
}

static const struct opt delete_opts[] = {
    { "network", OPT_TRUE, NULL },
    { "all", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

static int
quota_delete(struct cli *c, const json_t *a)
{
    char id[64], name[256], path[160];
    json_t *ans = NULL;
    int r;

    if (arg_npos(a) != 1) {
        return cli_usage_error_words("quota delete", arg_npos(a) ? "unrecognized arguments: %s"
                           : "the following arguments are required: <project>%s",
                           arg_npos(a) ? arg_pos(a, 1) : "");
    }
    if (find_project(c, arg_pos(a, 0), id, name)) {
        return 1;
    }
    snprintf(path, sizeof path, "/v2.0/quotas/%s", id);
    r = session_call(&c->session, "DELETE", path, NULL, &ans) ? cli_fail_call(c) : 0;
    json_decref(ans);
    return r;
}

const struct command quota_commands[] = {
    { "quota show", show_opts, quota_show, "Show a project's network quotas" },
    { "quota set", set_opts, quota_set, "Set a project's network quotas" },
    { "quota delete", delete_opts, quota_delete,
      "Return a project's network quotas to the defaults" },
    { NULL, NULL, NULL, NULL },
};
