/* /v2.0/networks: the attribute table, rendering, and the handlers of create (single
 * and bulk), list, show, update and delete; the work is the core's (core/network.h). */
#include "network.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "common.h"
#include "resource.h"
#include "core/network.h"
#include "request.h"
#include "store/store.h"
#include "util.h"


static const struct attr_def network_attrs[] = {
    { "id", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_ID },
    { "name", AK_STRING, true, true, .max_len = 255, .filter = true, .sort = true,
      .field = SF_NAME },
    { "subnets", AK_ANY, false, false },
    { "admin_state_up", AK_BOOL, true, true, .filter = true, .sort = true,
      .field = SF_ADMIN_STATE_UP, .field_kind = SV_INT },
    { "status", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_STATUS },
    ATTR_OWNER,
    { "shared", AK_BOOL, true, true, .filter = true, .field = SF_SHARED,
      .field_kind = SV_INT },
    { "mtu", AK_NON_NEGATIVE, true, true, .filter = true, .sort = true, .field = SF_MTU,
      .field_kind = SV_INT },
    { "router:external", AK_BOOL, true, true, .filter = true, .field = SF_ROUTER_EXTERNAL,
      .field_kind = SV_INT },
    { "provider:network_type", AK_STRING, true, true, .max_len = 255, .filter = true,
      .field = SF_NETWORK_TYPE },
    { "provider:physical_network", AK_STRING, true, true, .max_len = 255, .filter = true,
      .field = SF_PHYSICAL_NETWORK },
    { "provider:segmentation_id", AK_INT, true, true, .filter = true,
      .field = SF_SEGMENTATION_ID, .field_kind = SV_INT },
    { "segments", AK_SEGMENTS, true, true },
    { "availability_zone_hints", AK_STRING_LIST, true, false, .max_len = 255, .sort = true,
      .field = SF_AZ_HINTS },
    { "availability_zones", AK_ANY, false, false },
    { "port_security_enabled", AK_BOOL, true, true },
    /* auto-allocated-topology's; Zed takes it as a filter and ignores it. */
    { "is_default", AK_BOOL, true, true, .filter = true, .filter_ignored = true,
      .field_kind = SV_INT },
    { "ipv4_address_scope", AK_ANY, false, false },
    { "ipv6_address_scope", AK_ANY, false, false },
    ATTRS_STANDARD,
};

const struct resource_def network_def = {
    .singular = "network",
    .plural = "networks",
    .title = "Network",
    .not_found = API_ERR_NETWORK_NOT_FOUND,
    .attrs = network_attrs,
    .n_attrs = ARRAY_SIZE(network_attrs),
};

/* A segment's three provider:* attributes (those 'fs' wants). */
static void
render_segment(struct jsonw *w, const struct field_set *fs, const struct segment *seg)
{
    api_kv_str(w, fs, "provider:network_type", seg->network_type);
    api_kv_str(w, fs, "provider:physical_network",
               seg->physical_network[0] ? seg->physical_network : NULL);
    if (fields_want(fs, "provider:segmentation_id")) {
        jsonw_key(w, "provider:segmentation_id");
        if (seg->segmentation_id == SEGMENTATION_ID_NONE) {
            jsonw_null(w);
        } else {
            jsonw_int(w, seg->segmentation_id);
        }
    }
}

void
network_render(struct jsonw *w, const struct network *n, const struct field_set *fs,
               const struct context *ctx)
{
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", n->std.id);
    api_kv_str(w, fs, "name", n->std.name);
    api_kv_bool(w, fs, "admin_state_up", n->admin_state_up);
    api_kv_int(w, fs, "mtu", n->mtu);
    api_kv_str(w, fs, "status", n->status);
    api_kv_raw(w, fs, "subnets", n->subnets_json);
    api_kv_bool(w, fs, "shared", n->shared);
    api_kv_bool(w, fs, "port_security_enabled", n->port_security_enabled);
    api_kv_bool(w, fs, "router:external", n->external);
    /* Provider attributes are for admins only (Neutron's policy hides them): a
     * network's one segment as provider:*, or its several as "segments" alone. */
    if (ctx->is_admin && n->n_more_segments == 0) {
        render_segment(w, fs, &n->segment);
    } else if (ctx->is_admin && fields_want(fs, "segments")) {
        jsonw_key(w, "segments");
        jsonw_array_begin(w);
        for (size_t i = 0; i < network_n_segments(n); i++) {
            jsonw_object_begin(w);
            render_segment(w, &(struct field_set) { 0 }, network_segment_at(n, i));
            jsonw_object_end(w);
        }
        jsonw_array_end(w);
    }
    /* Zed shows it on external networks, and in the answer to a write that set it. */
    if (n->external || n->is_default_asked) {
        api_kv_bool(w, fs, "is_default", n->is_default);
    }
    api_kv_raw(w, fs, "availability_zone_hints", n->az_hints_json);
    api_kv_raw(w, fs, "availability_zones", n->azs_json ? n->azs_json : "[]");
    api_kv_str(w, fs, "ipv4_address_scope",
               *n->ipv4_address_scope ? n->ipv4_address_scope : NULL);
    api_kv_str(w, fs, "ipv6_address_scope",
               *n->ipv6_address_scope ? n->ipv6_address_scope : NULL);
    api_render_std(w, &n->std, fs);
    jsonw_object_end(w);
}

/* The converted "segments" of a checked item as provider requests (strings stay the
 * item's); NULL when none. */
static struct provider_request *
segments_from_item(const json_t *item, size_t *ret_n)
{
    const json_t *list = json_object_get(item, "segments");
    struct provider_request *reqs;
    const json_t *seg;
    size_t i;

    *ret_n = json_array_size(list);
    if (!*ret_n) {
        return NULL;
    }
    reqs = xcalloc(*ret_n, sizeof *reqs);
    json_array_foreach (list, i, seg) {
        struct provider_request *p = &reqs[i];
        p->network_type = json_string_value(json_object_get(seg, "provider:network_type"));
        p->has_type = p->network_type != NULL;
        p->physical_network =
            json_string_value(json_object_get(seg, "provider:physical_network"));
        p->has_physnet = p->physical_network != NULL;
        p->has_segid = json_is_integer(json_object_get(seg, "provider:segmentation_id"));
        p->segmentation_id = attr_int(seg, "provider:segmentation_id", 0);
    }
    return reqs;
}

/* A checked body item as a network_spec (strings stay the item's; '*ret_hints' is the
 * dumped availability_zone_hints, to free(), and the segments' array is the spec's
 * own, to free()). */
static void
spec_from_item(const json_t *item, struct network_spec *spec, char **ret_hints)
{
    const json_t *hints = json_object_get(item, "availability_zone_hints");
    struct provider_request *p = &spec->provider;

    memset(spec, 0, sizeof *spec);
    spec->project_id = attr_str(item, "project_id", NULL);
    spec->name = attr_str(item, "name", NULL);
    spec->description = attr_str(item, "description", NULL);
    spec->has_admin_state_up = attr_has(item, "admin_state_up");
    spec->admin_state_up = attr_bool(item, "admin_state_up", true);
    spec->has_shared = attr_has(item, "shared");
    spec->shared = attr_bool(item, "shared", false);
    spec->has_external = attr_has(item, "router:external");
    spec->external = attr_bool(item, "router:external", false);
    spec->has_is_default = attr_has(item, "is_default");
    spec->is_default = attr_bool(item, "is_default", false);
    spec->has_port_security = attr_has(item, "port_security_enabled");
    spec->port_security = attr_bool(item, "port_security_enabled", true);
    spec->has_mtu = attr_has(item, "mtu");
    spec->mtu = attr_int(item, "mtu", 0);
    p->has_type = attr_has(item, "provider:network_type");
    p->network_type = attr_str(item, "provider:network_type", NULL);
    p->has_physnet = attr_has(item, "provider:physical_network");
    p->physical_network = attr_str(item, "provider:physical_network", NULL);
    p->has_segid = attr_has(item, "provider:segmentation_id");
    p->segid_null = attr_is_null(item, "provider:segmentation_id");
    p->segmentation_id = attr_int(item, "provider:segmentation_id", 0);
    spec->has_segments = attr_has(item, "segments");
    spec->segments = segments_from_item(item, &spec->n_segments);
    *ret_hints = hints ? json_dumps(hints, JSON_COMPACT) : NULL;
    spec->az_hints_json = *ret_hints;
}

/* --- The resource's operations ---------------------------------------------------- */

static int
network_write(const struct op *op, const char *id, const json_t *item,
              int64_t expected_revision, void *ret)
{
    struct network_spec spec;
    char *hints;
    int r;

    spec_from_item(item, &spec, &hints);
    r = id ? core_network_update(op, id, &spec, expected_revision, ret)
           : core_network_create(op, &spec, ret);
    free(hints);
    free((void *) spec.segments);
    return r;
}

RESOURCE_OPS(network, struct network, network_def, store_network_foreach, core_network_get,
             network_write, core_network_delete, network_render, network_done,
             .bump = store_network_bump)

RESOURCE_HANDLERS(networks, network, &network_ops)
