/* Availability zones; see availability_zone.h. */
#include "availability_zone.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "core/core.h"
#include "core/error.h"
#include "store/store.h"
#include "util.h"

/* Appends each name of a comma-separated list, blanks around names dropped, empty
 * names skipped (as oslo.config reads a list option). */
static void
append_zone_list(json_t *zones, const char *list)
{
    const char *p = list ? list : "";

    while (*p) {
        size_t len = strcspn(p, ",");
        const char *start = p, *end = p + len;
        while (start < end && (*start == ' ' || *start == '\t')) {
            start++;
        }
        while (end > start && (end[-1] == ' ' || end[-1] == '\t')) {
            end--;
        }
        if (end > start) {
            json_array_append_new(zones, json_stringn(start, (size_t) (end - start)));
        }
        p += len + (p[len] == ',');
    }
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(json_string_value(*(json_t *const *) a),
                  json_string_value(*(json_t *const *) b));
}

/* 'zones' sorted, duplicates dropped (a new array). */
static json_t *
sorted_unique(const json_t *zones)
{
    size_t n = json_array_size(zones), i;
    json_t **items = xcalloc(n ? n : 1, sizeof *items);
    json_t *out = json_array();

    for (i = 0; i < n; i++) {
        items[i] = json_array_get(zones, i);
    }
    qsort(items, n, sizeof *items, compare_names);
    for (i = 0; i < n; i++) {
        if (i == 0 || !STREQ(json_string_value(items[i]), json_string_value(items[i - 1]))) {
            json_array_append(out, items[i]);
        }
    }
    free(items);
    return out;
}

json_t *
az_effective_hints(const struct server_config *cfg, const char *hints_json)
{
    json_t *hints = hints_json ? json_loads(hints_json, 0, NULL) : NULL;
    json_t *out;

    if (!json_is_array(hints) || json_array_size(hints) == 0) {
        json_decref(hints);
        hints = json_array();
        append_zone_list(hints, cfg->default_availability_zones);
    }
    out = sorted_unique(hints);
    json_decref(hints);
    return out;
}

bool
az_hints_allow(const json_t *zones, const char *zone)
{
    size_t i;
    json_t *z;

    if (json_array_size(zones) == 0) {
        return true;
    }
    json_array_foreach (zones, i, z) {
        if (zone && STREQ(json_string_value(z), zone)) {
            return true;
        }
    }
    return false;
}

int
core_az_hints(const struct op *op, const char *agent_type, const char *asked_json,
              char **ret)
{
    json_t *zones = az_effective_hints(op->app->cfg, asked_json), *z;
    size_t i;
    int r = 0;

    json_array_foreach (zones, i, z) {
        bool known = false;
        r = store_agent_zone_known(op->c, agent_type, json_string_value(z), &known);
        if (r) {
            r = core_internal(op, r);
            break;
        }
        if (!known) {
            r = api_error_set(op->err, API_ERR_AVAILABILITY_ZONE_NOT_FOUND,
                              "AvailabilityZone %s could not be found.",
                              json_string_value(z));
            break;
        }
    }
    *ret = r ? NULL : json_dumps(zones, JSON_COMPACT);
    json_decref(zones);
    return r;
}
