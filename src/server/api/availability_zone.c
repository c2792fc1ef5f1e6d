/* GET /v2.0/availability_zones (the availability_zone extension, docs/behaviour/api.md
 * §11.1): the zones agents report, one entry per (zone, resource) — "network" for the
 * zones of DHCP agents, "router" for those of L3 agents.  A zone is "available" when
 * one of its agents of that kind is admin-up (alive or not, as in Zed), "unavailable"
 * otherwise.  Filters: name, resource, state (availability_zone_filter), repeated keys
 * OR'ed.  Entries come by zone name, then resource (Zed's follow its agents' rows). */
#include "availability_zone.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "agent_proto.h"
#include "app.h"
#include "buf.h"
#include "common.h"
#include "listing.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

static const char *const zone_filter_keys[] = { "name", "resource", "state" };

/* The resource whose zones an agent's type gives, NULL for the others. */
static const char *
zone_resource(const char *agent_type)
{
    if (STREQ(agent_type, AGENT_TYPE_DHCP)) {
        return "network";
    }
    if (STREQ(agent_type, AGENT_TYPE_L3)) {
        return "router";
    }
    return NULL;
}

/* Collects {"name", "resource", "available"} per (zone, resource) in 'aux' (an
 * object keyed by zone + "\n" + resource, so the walk stays one pass). */
static int
collect_zone(const struct agent *a, void *aux)
{
    const char *resource = zone_resource(a->agent_type);
    struct buf key = BUF_INITIALIZER;
    json_t *entry;

    if (!resource || !a->availability_zone || !*a->availability_zone) {
        return 0;
    }
    buf_printf(&key, "%s\n%s", a->availability_zone, resource);
    entry = json_object_get(aux, buf_cstr(&key));
    if (!entry) {
        entry = json_pack("{s:s,s:s,s:b}", "name", a->availability_zone, "resource",
                          resource, "available", 0);
        json_object_set_new(aux, buf_cstr(&key), entry);
    }
    if (a->admin_state_up) {
        json_object_set_new(entry, "available", json_true());
    }
    buf_done(&key);
    return 0;
}

static const char *
zone_value(const json_t *entry, size_t k)
{
    if (k == 2) {
        return json_is_true(json_object_get(entry, "available")) ? "available"
                                                                  : "unavailable";
    }
    return json_string_value(json_object_get(entry, zone_filter_keys[k]));
}

/* True if every filter of the query accepts the entry. */
static bool
zone_matches(const struct request *req, const json_t *entry)
{
    for (size_t k = 0; k < ARRAY_SIZE(zone_filter_keys); k++) {
        bool seen = false, hit = false;
        for (size_t i = 0; i < req->n_params; i++) {
            if (STREQ(req->params[i].key, zone_filter_keys[k])) {
                seen = true;
                hit = hit || STREQ(req->params[i].value, zone_value(entry, k));
            }
        }
        if (seen && !hit) {
            return false;
        }
    }
    return true;
}

/* Refuses keys that are not filters of the resource, all named in one message, as
 * Neutron's filter validation does (docs/behaviour/api.md §4.1).  0, or -1 after
 * answering. */
static int
check_filters(struct request *req)
{
    struct buf bad = BUF_INITIALIZER;
    size_t n_bad = 0;

    for (size_t i = 0; i < req->n_params; i++) {
        const char *key = req->params[i].key;
        bool known = listing_param_never_filters(key);
        for (size_t k = 0; k < ARRAY_SIZE(zone_filter_keys) && !known; k++) {
            known = STREQ(key, zone_filter_keys[k]);
        }
        if (!known) {
            buf_printf(&bad, "%s'%s'", n_bad++ ? ", " : "", key);
        }
    }
    if (n_bad) {
        api_fail(req, API_ERR_HTTP_BAD_REQUEST, "[%s] is invalid attribute for filtering",
                 buf_cstr(&bad));
    }
    buf_done(&bad);
    return n_bad ? -1 : 0;
}

/* Zed's get_availability_zone rule: admin only under the new defaults, anyone under
 * the old ones; a caller it refuses gets an empty list, as any list it filters. */
static bool
may_list_zones(const struct context *ctx)
{
    return ctx->is_admin || !ctx->new_defaults;
}

static int
compare_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* The entries in the order of their keys, "zone\nresource": by zone, then resource. */
static void
render_zones(struct request *req, struct jsonw *w, json_t *zones)
{
    const char **keys = xcalloc(json_object_size(zones) + 1, sizeof *keys);
    /* No field selection: Zed's zone list answers every field whatever fields= asks. */
    const struct field_set fs = { 0 };
    const char *key;
    json_t *entry;
    size_t n = 0;

    json_object_foreach (zones, key, entry) {
        keys[n++] = key;
    }
    qsort(keys, n, sizeof *keys, compare_keys);
    for (size_t i = 0; i < n; i++) {
        entry = json_object_get(zones, keys[i]);
        if (!zone_matches(req, entry)) {
            continue;
        }
        jsonw_object_begin(w);
        api_kv_str(w, &fs, "name", zone_value(entry, 0));
        api_kv_str(w, &fs, "resource", zone_value(entry, 1));
        api_kv_str(w, &fs, "state", zone_value(entry, 2));
        jsonw_object_end(w);
    }
    free(keys);
}

int
availability_zones_list(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    json_t *zones = json_object();
    struct jsonw w;
    int r = 0;

    (void) args;
    if (!c || check_filters(req)) {
        json_decref(zones);
        return -1;
    }
    if (may_list_zones(&req->ctx)) {
        r = store_agent_foreach(c, collect_zone, zones);
    }
    if (r) {
        json_decref(zones);
        return api_fail_internal(req, r);
    }
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "availability_zones");
    jsonw_array_begin(&w);
    render_zones(req, &w, zones);
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    json_decref(zones);
    return 0;
}
