/* /v2.0/ports: the attribute table, rendering, and the handlers, which parse a body into
 * a port_spec and leave the work to the core (core/port.h). */
#include "port.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "common.h"
#include "core/port.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

static const char *const vnic_types[] = {
    "normal", "direct", "macvtap", "baremetal", "direct-physical", "virtio-forwarder",
    "smart-nic", "vdpa", "accelerator-direct", "accelerator-direct-physical",
    "remote-managed", NULL,
};

static const struct attr_def port_attrs[] = {
    { "id", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_ID },
    { "name", AK_STRING, true, true, .max_len = 255, .filter = true, .sort = true,
      .field = SF_NAME },
    { "network_id", AK_UUID, true, false, .required = true, .filter = true, .sort = true,
      .field = SF_NETWORK_ID },
    { "admin_state_up", AK_BOOL, true, true, .filter = true, .sort = true,
      .field = SF_ADMIN_STATE_UP, .field_kind = SV_INT },
    { "mac_address", AK_MAC, true, true, .filter = true, .sort = true,
      .field = SF_MAC_ADDRESS },
    { "fixed_ips", AK_FIXED_IPS, true, true },
    { "device_id", AK_STRING, true, true, .max_len = 255, .filter = true, .sort = true,
      .field = SF_DEVICE_ID },
    { "device_owner", AK_STRING, true, true, .max_len = 255, .filter = true, .sort = true,
      .field = SF_DEVICE_OWNER },
    { "tenant_id", AK_STRING, true, false, .max_len = 255, .filter = true, .sort = true,
      .field = SF_PROJECT_ID },
    { "project_id", AK_STRING, true, false, .max_len = 255, .filter = true, .sort = true,
      .field = SF_PROJECT_ID },
    { "status", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_STATUS },
    { "binding:host_id", AK_STRING, true, true, .max_len = 255, .filter = true,
      .field = SF_BINDING_HOST_ID, .null_is_empty = true },
    { "binding:vnic_type", AK_VALUES, true, true, .values = vnic_types },
    { "binding:profile", AK_DICT_OR_NULL, true, true },
    { "binding:vif_type", AK_ANY, false, false },
    { "binding:vif_details", AK_ANY, false, false },
    { "description", AK_STRING, true, true, .max_len = 255, .filter = true,
      .field = SF_DESCRIPTION },
    { "tags", AK_ANY, false, false },
    { "created_at", AK_ANY, false, false },
    { "updated_at", AK_ANY, false, false },
    { "revision_number", AK_ANY, false, false, .filter = true, .field = SF_REVISION_NUMBER,
      .field_kind = SV_INT },
};

const struct resource_def port_def = {
    .singular = "port",
    .plural = "ports",
    .title = "Port",
    .not_found = API_ERR_PORT_NOT_FOUND,
    .attrs = port_attrs,
    .n_attrs = ARRAY_SIZE(port_attrs),
};

static void
port_render(struct jsonw *w, const struct port *p, const struct field_set *fs,
            const struct context *ctx)
{
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", p->std.id);
    api_kv_str(w, fs, "name", p->std.name);
    api_kv_str(w, fs, "network_id", p->network_id);
    api_kv_str(w, fs, "mac_address", p->mac_address);
    api_kv_bool(w, fs, "admin_state_up", p->admin_state_up);
    api_kv_str(w, fs, "status", p->status);
    api_kv_str(w, fs, "device_id", p->device_id);
    api_kv_str(w, fs, "device_owner", p->device_owner);
    api_kv_raw(w, fs, "fixed_ips", p->fixed_ips_json);
    /* Returned as Neutron does; address pairs and extra DHCP options are not settable
     * here (their extensions are not advertised). */
    api_kv_raw(w, fs, "allowed_address_pairs", "[]");
    api_kv_raw(w, fs, "extra_dhcp_opts", "[]");
    api_kv_str(w, fs, "binding:vnic_type", p->binding_vnic_type);
    if (ctx->is_admin) {
        api_kv_raw(w, fs, "binding:profile", p->binding_profile_json);
        api_kv_str(w, fs, "binding:host_id", p->binding_host_id);
        api_kv_str(w, fs, "binding:vif_type", p->binding_vif_type);
        api_kv_raw(w, fs, "binding:vif_details", p->binding_vif_details_json);
    }
    api_render_std(w, &p->std, fs);
    jsonw_object_end(w);
}

struct port_list_walk {
    struct jsonw *w;
    struct list_request *lr;
    const struct context *ctx;
};

static int
port_list_row(const struct port *p, void *aux)
{
    struct port_list_walk *walk = aux;

    port_render(walk->w, p, &walk->lr->fields, walk->ctx);
    listing_note_item(walk->lr, p->std.id);
    return 0;
}

int
ports_list(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct list_request lr;
    struct jsonw w;
    int r;

    if (!c || listing_parse(req, &port_def, &lr)) {
        return -1;
    }
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "ports");
    jsonw_array_begin(&w);
    struct port_list_walk walk = { &w, &lr, &req->ctx };
    r = store_port_foreach(c, &lr.q, port_list_row, &walk);
    if (r) {
        r == -ENOENT ? api_fail(req, API_ERR_PORT_NOT_FOUND, "Port %s could not be found.",
                                lr.q.marker)
                     : api_fail_internal(req, r);
        listing_done(&lr);
        return -1;
    }
    jsonw_array_end(&w);
    listing_render_links(&w, req, &port_def, &lr);
    jsonw_object_end(&w);
    listing_done(&lr);
    return 0;
}

int
port_show(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct field_set fs;
    struct port p;
    struct jsonw w;
    int r;

    if (!c) {
        return -1;
    }
    r = store_port_get(c, args[0], context_visible_to(&req->ctx), &p);
    if (r) {
        return r == -ENOENT ? api_fail(req, API_ERR_PORT_NOT_FOUND,
                                       "Port %s could not be found.", args[0])
                            : api_fail_internal(req, r);
    }
    /* Visibility let in the ports on the caller's networks; the new defaults' get_port
     * rule keeps only its own. */
    if (api_authorize(req, POLICY_PORT, POLICY_GET,
                      &(struct policy_target) { .project_id = p.std.project_id,
                                                .net_project_id = req->ctx.project_id })) {
        port_done(&p);
        return -1;
    }
    fields_parse(req, &fs);
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "port");
    port_render(&w, &p, &fs, &req->ctx);
    jsonw_object_end(&w);
    fields_done(&fs);
    port_done(&p);
    return 0;
}

/* --- From a request body to a port_spec ------------------------------------------ */

/* A checked body item as a port_spec; the strings stay the item's, the entries of
 * fixed_ips go to '*ret_ips' (free()), the dumped binding:profile to '*ret_profile'. */
static void
spec_from_item(const json_t *item, struct port_spec *spec, struct fixed_ip_spec **ret_ips,
               char **ret_profile)
{
    const json_t *fixed = json_object_get(item, "fixed_ips"), *e;
    size_t i;

    memset(spec, 0, sizeof *spec);
    spec->project_id = attr_str(item, "project_id", NULL);
    spec->network_id = attr_str(item, "network_id", NULL);
    spec->name = attr_str(item, "name", NULL);
    spec->description = attr_str(item, "description", NULL);
    spec->mac_address = attr_str(item, "mac_address", NULL);
    spec->device_id = attr_str(item, "device_id", NULL);
    spec->device_owner = attr_str(item, "device_owner", NULL);
    spec->binding_host_id = attr_str(item, "binding:host_id", NULL);
    spec->binding_vnic_type = attr_str(item, "binding:vnic_type", NULL);
    *ret_profile = attr_has(item, "binding:profile")
                       ? json_dumps(json_object_get(item, "binding:profile"), JSON_COMPACT)
                       : NULL;
    spec->binding_profile_json = *ret_profile;
    spec->has_admin_state_up = attr_has(item, "admin_state_up");
    spec->admin_state_up = attr_bool(item, "admin_state_up", true);
    spec->has_fixed_ips = fixed != NULL;
    *ret_ips = xcalloc(json_array_size(fixed) + 1, sizeof **ret_ips);
    json_array_foreach (fixed, i, e) {
        (*ret_ips)[i].subnet_id = json_string_value(json_object_get(e, "subnet_id"));
        (*ret_ips)[i].ip_address = json_string_value(json_object_get(e, "ip_address"));
        (*ret_ips)[i].delete_subnet = json_is_true(json_object_get(e, "delete_subnet"));
    }
    spec->fixed_ips = *ret_ips;
    spec->n_fixed_ips = json_array_size(fixed);
}

/* --- Create ---------------------------------------------------------------------- */

static int
port_create_item(const struct op *op, const json_t *item, char ret_id[ID_LEN])
{
    struct fixed_ip_spec *ips;
    struct port_spec spec;
    char *profile;
    int r;

    spec_from_item(item, &spec, &ips, &profile);
    r = core_port_create(op, &spec, ret_id);
    free(ips);
    free(profile);
    return r;
}

int
ports_create(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct field_set all = { NULL, 0 };
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    char (*ids)[ID_LEN];
    json_t *items, *item;
    struct jsonw w;
    size_t n_made = 0, i;
    bool bulk;
    int r;

    if (!c || attrs_parse_body(req, &port_def, true, &items, &bulk)) {
        return -1;
    }
    ids = xcalloc(json_array_size(items), sizeof *ids);
    r = store_begin(c);
    if (r) {
        api_fail_internal(req, r);
        goto out;
    }
    json_array_foreach (items, i, item) {
        if (port_create_item(&op, item, ids[n_made])) {
            store_rollback(c);
            api_fail_with(req, &err);
            goto out;
        }
        n_made++;
    }
    /* Render from the rows just written, before commit, so the answer is exactly what
     * was stored (fixed_ips in allocation order). */
    api_begin(req, 201, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, bulk ? "ports" : "port");
    if (bulk) {
        jsonw_array_begin(&w);
    }
    for (i = 0; i < n_made; i++) {
        struct port p;
        r = store_port_get(c, ids[i], NULL, &p);
        if (r) {
            store_rollback(c);
            api_fail_internal(req, r);
            goto out;
        }
        port_render(&w, &p, &all, &req->ctx);
        port_done(&p);
    }
    if (bulk) {
        jsonw_array_end(&w);
    }
    jsonw_object_end(&w);
    r = store_commit(c);
    if (r) {
        api_fail_internal(req, r);
    }
out:
    free(ids);
    json_decref(items);
    return req->status >= 400 ? -1 : 0;
}

/* --- Update and delete ------------------------------------------------------------- */

int
port_update(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct field_set all = { NULL, 0 };
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    struct fixed_ip_spec *ips = NULL;
    struct port_spec spec;
    char *profile = NULL;
    json_t *items;
    struct port p;
    struct jsonw w;
    int64_t if_match;
    bool bulk;
    int r;

    if (!c || attrs_parse_body(req, &port_def, false, &items, &bulk)) {
        return -1;
    }
    if (api_if_match_parse(req, &if_match)) {
        json_decref(items);
        return -1;
    }
    spec_from_item(json_array_get(items, 0), &spec, &ips, &profile);
    r = store_begin(c);
    if (r) {
        api_fail_internal(req, r);
    } else if (core_port_update(&op, args[0], &spec, if_match, &p)) {
        store_rollback(c);
        api_fail_with(req, &err);
    } else {
        /* Rendered before commit: the answer is the row as written. */
        api_begin(req, 200, &w);
        jsonw_object_begin(&w);
        jsonw_key(&w, "port");
        port_render(&w, &p, &all, &req->ctx);
        jsonw_object_end(&w);
        port_done(&p);
        r = store_commit(c);
        if (r) {
            api_fail_internal(req, r);
        }
    }
    free(ips);
    free(profile);
    json_decref(items);
    return req->status >= 400 ? -1 : 0;
}

int
port_delete(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    int64_t if_match;
    int r;

    if (!c || api_if_match_parse(req, &if_match)) {
        return -1;
    }
    r = store_begin(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    if (core_port_delete(&op, args[0], if_match)) {
        store_rollback(c);
        return api_fail_with(req, &err);
    }
    r = store_commit(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    req->status = 204;
    return 0;
}
