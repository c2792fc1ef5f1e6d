/* /v2.0/ports: the attribute table, rendering, and the handlers, which parse a body into
 * a port_spec and leave the work to the core (core/port.h). */
#include "port.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "common.h"
#include "resource.h"
#include "core/port.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

static const char *const vnic_types[] = {
    "normal", "direct", "macvtap", "baremetal", "direct-physical", "virtio-forwarder",
    "smart-nic", "vdpa", "accelerator-direct", "accelerator-direct-physical",
    "remote-managed", NULL,
};

static const char *const numa_policies[] = { "required", "preferred", "legacy", NULL };

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
    ATTR_OWNER,
    { "status", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_STATUS },
    /* Zed checks a body's attributes in this order: the address pairs before the
     * binding, port security and groups after it. */
    { "allowed_address_pairs", AK_ADDRESS_PAIRS, true, true },
    { "binding:host_id", AK_STRING, true, true, .max_len = 255, .filter = true,
      .field = SF_BINDING_HOST_ID, .null_is_empty = true },
    { "binding:vnic_type", AK_VALUES, true, true, .values = vnic_types },
    { "binding:profile", AK_DICT_OR_NULL, true, true },
    { "binding:vif_type", AK_ANY, false, false },
    { "binding:vif_details", AK_ANY, false, false },
    { "port_security_enabled", AK_BOOL, true, true },
    /* port-device-profile and port-numa-affinity-policy: neither filters nor sorts. */
    { "device_profile", AK_STRING, true, false, .max_len = 255, .null_is_empty = true },
    { "numa_affinity_policy", AK_VALUES_OR_NULL, true, true, .values = numa_policies },
    /* extra_dhcp_opt (§13.7): neither filters nor sorts. */
    { "extra_dhcp_opts", AK_EXTRA_DHCP_OPTS, true, true },
    { "security_groups", AK_UUID_LIST, true, true, .filter = true,
      .field = SF_PORT_SECURITY_GROUP },
    ATTRS_STANDARD,
};

const struct resource_def port_def = {
    .singular = "port",
    .plural = "ports",
    .title = "Port",
    .not_found = API_ERR_PORT_NOT_FOUND,
    .attrs = port_attrs,
    .n_attrs = ARRAY_SIZE(port_attrs),
};

/* Set once before serving (port_api_configure()); read-only afterwards. */
static bool show_device_profile;
static bool show_numa_affinity_policy;

void
port_api_configure(const struct app *app)
{
    show_device_profile = app->port_device_profile;
    show_numa_affinity_policy = app->port_numa_affinity_policy;
}

/* A nullable string attribute: null when 'v' is NULL. */
static void
kv_str_or_null(struct jsonw *w, const struct field_set *fs, const char *key, const char *v)
{
    if (v) {
        api_kv_str(w, fs, key, v);
    } else {
        api_kv_raw(w, fs, key, "null");
    }
}

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
    api_kv_bool(w, fs, "port_security_enabled", p->port_security_enabled);
    if (show_device_profile) {
        kv_str_or_null(w, fs, "device_profile", p->device_profile);
    }
    if (show_numa_affinity_policy) {
        kv_str_or_null(w, fs, "numa_affinity_policy", p->numa_affinity_policy);
    }
    api_kv_raw(w, fs, "security_groups", p->security_groups_json);
    api_kv_raw(w, fs, "allowed_address_pairs", p->address_pairs_json);
    api_kv_raw(w, fs, "extra_dhcp_opts",
               p->extra_dhcp_opts_json ? p->extra_dhcp_opts_json : "[]");
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

/* --- From a request body to a port_spec ------------------------------------------ */

/* What spec_from_item() allocates for a port_spec (free with spec_storage_done()). */
struct spec_storage {
    struct fixed_ip_spec *ips;
    char *profile;
    const char **groups;
    struct address_pair *pairs;
    struct extra_dhcp_opt *dhcp_opts;
};

static void
spec_storage_done(struct spec_storage *st)
{
    free(st->ips);
    free(st->profile);
    free(st->groups);
    free(st->pairs);
    free(st->dhcp_opts);
}

/* extra_dhcp_opts of a checked item (null: none); a null opt_value stays NULL. */
static void
spec_dhcp_opts(const json_t *item, struct port_spec *spec, struct spec_storage *st)
{
    const json_t *opts = json_object_get(item, "extra_dhcp_opts"), *e;
    size_t i, n = json_is_array(opts) ? json_array_size(opts) : 0;

    st->dhcp_opts = xcalloc(n + 1, sizeof *st->dhcp_opts);
    for (i = 0; i < n; i++) {
        e = json_array_get(opts, i);
        st->dhcp_opts[i].name = json_string_value(json_object_get(e, "opt_name"));
        st->dhcp_opts[i].value = json_string_value(json_object_get(e, "opt_value"));
        st->dhcp_opts[i].ip_version = (int) json_integer_value(json_object_get(e, "ip_version"));
    }
    spec->extra_dhcp_opts = st->dhcp_opts;
    spec->n_extra_dhcp_opts = n;
}

/* security_groups and allowed_address_pairs of a checked item. */
static void
spec_security(const json_t *item, struct port_spec *spec, struct spec_storage *st)
{
    const json_t *groups = json_object_get(item, "security_groups");
    const json_t *pairs = json_object_get(item, "allowed_address_pairs"), *e;
    size_t i;

    spec->has_port_security = attr_has(item, "port_security_enabled");
    spec->port_security = attr_bool(item, "port_security_enabled", true);
    spec->has_security_groups = groups != NULL;
    st->groups = xcalloc(json_array_size(groups) + 1, sizeof *st->groups);
    json_array_foreach (groups, i, e) {
        st->groups[i] = json_string_value(e);
    }
    spec->security_groups = st->groups;
    spec->n_security_groups = json_array_size(groups);
    spec->has_address_pairs = pairs != NULL;
    st->pairs = xcalloc(json_array_size(pairs) + 1, sizeof *st->pairs);
    json_array_foreach (pairs, i, e) {
        st->pairs[i].ip_address = json_string_value(json_object_get(e, "ip_address"));
        st->pairs[i].mac_address = json_string_value(json_object_get(e, "mac_address"));
    }
    spec->address_pairs = st->pairs;
    spec->n_address_pairs = json_array_size(pairs);
}

/* A checked body item as a port_spec; the strings stay the item's, what it needs
 * beyond them goes to '*st'. */
static void
spec_from_item(const json_t *item, struct port_spec *spec, struct spec_storage *st)
{
    const json_t *fixed = json_object_get(item, "fixed_ips"), *e;
    struct fixed_ip_spec *ips;
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
    memset(st, 0, sizeof *st);
    st->profile = attr_has(item, "binding:profile")
                      ? json_dumps(json_object_get(item, "binding:profile"), JSON_COMPACT)
                      : NULL;
    spec->binding_profile_json = st->profile;
    spec->has_admin_state_up = attr_has(item, "admin_state_up");
    spec->admin_state_up = attr_bool(item, "admin_state_up", true);
    spec->has_fixed_ips = fixed != NULL;
    ips = st->ips = xcalloc(json_array_size(fixed) + 1, sizeof *ips);
    json_array_foreach (fixed, i, e) {
        ips[i].subnet_id = json_string_value(json_object_get(e, "subnet_id"));
        ips[i].ip_address = json_string_value(json_object_get(e, "ip_address"));
        ips[i].delete_subnet = json_is_true(json_object_get(e, "delete_subnet"));
    }
    spec->fixed_ips = ips;
    spec->n_fixed_ips = json_array_size(fixed);
    spec->device_profile = attr_str(item, "device_profile", NULL);
    spec->has_numa_affinity_policy = attr_has(item, "numa_affinity_policy");
    spec->numa_affinity_policy = attr_str(item, "numa_affinity_policy", NULL);
    spec_security(item, spec, st);
    spec_dhcp_opts(item, spec, st);
}

/* --- The resource's operations ---------------------------------------------------- */

/* The port is read back as stored: its fixed_ips in allocation order. */
static int
port_write(const struct op *op, const char *id, const json_t *item, int64_t expected_revision,
           void *ret)
{
    struct spec_storage st;
    struct port_spec spec;
    char new_id[ID_LEN];
    int r;

    spec_from_item(item, &spec, &st);
    spec.client_create = !id;
    r = id ? core_port_update(op, id, &spec, expected_revision, ret)
           : core_port_create(op, &spec, new_id);
    spec_storage_done(&st);
    if (!r && !id && (r = store_port_get(op->c, new_id, NULL, ret))) {
        return core_internal(op, r);
    }
    return r;
}

RESOURCE_OPS(port, struct port, port_def, store_port_foreach, core_port_get,
             port_write, core_port_delete, port_render, port_done, .bump = store_port_bump)

RESOURCE_HANDLERS(ports, port, &port_ops)
