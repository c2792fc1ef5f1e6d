/* neutrino availability zone list [--network] [--long] (docs/behaviour/cli.md §19): the
 * openstack client's command, for the one service neutrino is.  Its rows are the
 * network API's zones, with the client's wording ("not available" for a zone Neutron
 * calls unavailable) and, with --long, its empty host and service columns (those are
 * the compute service's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const struct field list_cols[] = {
    { "Zone Name", "zone_name", R_TEXT },
    { "Zone Status", "zone_status", R_TEXT },
};

static const struct field long_cols[] = {
    { "Zone Name", "zone_name", R_TEXT },
    { "Zone Status", "zone_status", R_TEXT },
    { "Zone Resource", "zone_resource", R_TEXT },
    { "Host Name", "host_name", R_TEXT },
    { "Service Name", "service_name", R_TEXT },
    { "Service Status", "service_status", R_TEXT },
};

static const struct opt list_opts[] = {
    { "network", OPT_TRUE, NULL }, { "compute", OPT_TRUE, NULL },
    { "volume", OPT_TRUE, NULL }, { "long", OPT_TRUE, NULL },
    { NULL, 0, NULL },
};

/* One zone of the API as the client's row. */
static json_t *
zone_row(const json_t *zone)
{
    const char *state = json_string_value(json_object_get(zone, "state"));
    const char *name = json_string_value(json_object_get(zone, "name"));
    const char *resource = json_string_value(json_object_get(zone, "resource"));

    if (state && STREQ(state, "unavailable")) {
        state = "not available";
    }
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "zone_name", name ? name : "",
                     "zone_status", state ? state : "", "zone_resource",
                     resource ? resource : "", "host_name", "", "service_name", "",
                     "service_status", "");
}

static int
availability_zone_list(struct cli *c, const json_t *a)
{
    struct session *s = cli_session(c);
    json_t *ans = NULL, *rows, *zone;
    bool is_long = arg_bool(a, "long") == 1;
    size_t i;
    int r;

    if (!s) {
        return 1;
    }
    /* Without --network the client lists every service's zones; asked only for
     * another service's, it has nothing neutrino could give. */
    if ((arg_bool(a, "compute") == 1 || arg_bool(a, "volume") == 1)
        && arg_bool(a, "network") != 1) {
        return cli_fail("compute and volume availability zones are not part of neutrino");
    }
    if (session_call(s, "GET", "/v2.0/availability_zones", NULL, &ans)) {
        return cli_fail_call(c);
    }
    rows = json_array();
    json_array_foreach (json_object_get(ans, "availability_zones"), i, zone) {
        json_array_append_new(rows, zone_row(zone));
    }
    r = out_list(&c->out, is_long ? long_cols : list_cols,
                 is_long ? ARRAY_SIZE(long_cols) : ARRAY_SIZE(list_cols), rows);
    json_decref(rows);
    json_decref(ans);
    return r;
}

const struct command availability_zone_commands[] = {
    { "availability zone list", list_opts, availability_zone_list,
      "List availability zones and their status" },
    { NULL, NULL, NULL, NULL },
};
