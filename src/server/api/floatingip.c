/* /v2.0/floatingips: the attribute table, rendering and the handlers of create, list,
 * show, update and delete; the work is the core's (core/floatingip.h,
 * docs/behaviour/api.md §15). */
#include "floatingip.h"

#include <stdlib.h>

#include "common.h"
#include "resource.h"
#include "core/floatingip.h"
#include "store/store.h"
#include "util.h"

static const struct attr_def floatingip_attrs[] = {
    { "id", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_ID },
    { "floating_ip_address", AK_IP_OR_NULL, true, false, .filter = true, .sort = true,
      .field = SF_FLOATING_IP_ADDRESS },
    { "subnet_id", AK_UUID_OR_NULL, true, false },
    { "floating_network_id", AK_UUID, true, false, true, .filter = true, .sort = true,
      .field = SF_FLOATING_NETWORK_ID },
    { "router_id", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_ROUTER_ID },
    { "port_id", AK_UUID_OR_NULL, true, true, .filter = true, .field = SF_PORT_ID },
    { "fixed_ip_address", AK_IP_OR_NULL, true, true, .filter = true, .sort = true,
      .field = SF_FIP_FIXED_IP_ADDRESS },
    ATTR_OWNER,
    { "status", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_STATUS },
    { "port_details", AK_ANY, false, false },
    ATTRS_STANDARD,
};

const struct resource_def floatingip_def = {
    .singular = "floatingip",
    .plural = "floatingips",
    .title = "Floating IP",
    .not_found = API_ERR_FLOATINGIP_NOT_FOUND,
    .attrs = floatingip_attrs,
    .n_attrs = ARRAY_SIZE(floatingip_attrs),
};

static const char *
or_null(const char *s)
{
    return *s ? s : NULL;
}

/* The associated port as Zed's fip-port-details shows it. */
static void
render_port_details(struct jsonw *w, const struct floatingip *f, const struct field_set *fs)
{
    if (!fields_want(fs, "port_details")) {
        return;
    }
    jsonw_key(w, "port_details");
    if (!*f->fixed_port_id) {
        jsonw_null(w);
        return;
    }
    jsonw_object_begin(w);
    jsonw_key(w, "name");
    jsonw_string(w, f->port_name ? f->port_name : "");
    jsonw_key(w, "network_id");
    jsonw_string(w, f->port_network_id);
    jsonw_key(w, "mac_address");
    jsonw_string(w, f->port_mac_address);
    jsonw_key(w, "admin_state_up");
    jsonw_bool(w, f->port_admin_state_up);
    jsonw_key(w, "status");
    jsonw_string(w, f->port_status);
    jsonw_key(w, "device_id");
    jsonw_string(w, f->port_device_id ? f->port_device_id : "");
    jsonw_key(w, "device_owner");
    jsonw_string(w, f->port_device_owner ? f->port_device_owner : "");
    jsonw_object_end(w);
}

static void
floatingip_render(struct jsonw *w, const struct floatingip *f, const struct field_set *fs,
                  const struct context *ctx)
{
    (void) ctx;
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", f->std.id);
    api_kv_str(w, fs, "floating_ip_address", f->floating_ip_address);
    api_kv_str(w, fs, "floating_network_id", f->floating_network_id);
    api_kv_str(w, fs, "router_id", or_null(f->router_id));
    api_kv_str(w, fs, "port_id", or_null(f->fixed_port_id));
    api_kv_str(w, fs, "fixed_ip_address", or_null(f->fixed_ip_address));
    api_kv_str(w, fs, "status", f->status);
    render_port_details(w, f, fs);
    api_render_std(w, &f->std, fs);
    jsonw_object_end(w);
}

static int
floatingip_write(const struct op *op, const char *id, const json_t *item,
                 int64_t expected_revision, void *ret)
{
    struct floatingip_spec spec = {
        .project_id = attr_str(item, "project_id", NULL),
        .floating_network_id = attr_str(item, "floating_network_id", NULL),
        .floating_ip_address = attr_is_null(item, "floating_ip_address")
                               ? NULL : attr_str(item, "floating_ip_address", NULL),
        .subnet_id = attr_is_null(item, "subnet_id") ? NULL : attr_str(item, "subnet_id", NULL),
        .description = attr_str(item, "description", NULL),
        .has_port_id = attr_has(item, "port_id"),
        .port_id = attr_is_null(item, "port_id") ? NULL : attr_str(item, "port_id", NULL),
        .fixed_ip_address = attr_is_null(item, "fixed_ip_address")
                            ? NULL : attr_str(item, "fixed_ip_address", NULL),
    };

    return id ? core_floatingip_update(op, id, &spec, expected_revision, ret)
              : core_floatingip_create(op, &spec, ret);
}

RESOURCE_OPS(floatingip, struct floatingip, floatingip_def, store_floatingip_foreach,
             core_floatingip_get, floatingip_write, core_floatingip_delete, floatingip_render,
             floatingip_done, .bump = store_floatingip_bump)

RESOURCE_HANDLERS(floatingips, floatingip, &floatingip_ops)
