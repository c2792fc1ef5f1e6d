/* /v2.0/networks: create (single and bulk), list, show, update, delete.  A network's
 * segment comes from ML2 inside the same transaction as the network row; deleting a
 * network removes its DHCP ports and subnets and releases the segment. */
#include "network.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "common.h"
#include "request.h"
#include "ml2/ml2.h"
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
    { "tenant_id", AK_STRING, true, false, .max_len = 255, .filter = true, .sort = true,
      .field = SF_PROJECT_ID },
    { "project_id", AK_STRING, true, false, .max_len = 255, .filter = true, .sort = true,
      .field = SF_PROJECT_ID },
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
    { "availability_zone_hints", AK_STRING_LIST, true, false, .max_len = 255, .sort = true,
      .field = SF_AZ_HINTS },
    { "availability_zones", AK_ANY, false, false },
    { "ipv4_address_scope", AK_ANY, false, false },
    { "ipv6_address_scope", AK_ANY, false, false },
    { "description", AK_STRING, true, true, .max_len = 255, .filter = true,
      .field = SF_DESCRIPTION },
    { "tags", AK_ANY, false, false },
    { "created_at", AK_ANY, false, false },
    { "updated_at", AK_ANY, false, false },
    { "revision_number", AK_ANY, false, false, .filter = true, .field = SF_REVISION_NUMBER,
      .field_kind = SV_INT },
};

const struct resource_def network_def = {
    .singular = "network",
    .plural = "networks",
    .title = "Network",
    .not_found = API_ERR_NETWORK_NOT_FOUND,
    .attrs = network_attrs,
    .n_attrs = ARRAY_SIZE(network_attrs),
};

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
    api_kv_bool(w, fs, "router:external", n->external);
    if (ctx->is_admin) {
        /* Provider attributes are for admins only (Neutron's policy hides them). */
        api_kv_str(w, fs, "provider:network_type", n->segment.network_type);
        api_kv_str(w, fs, "provider:physical_network",
                   n->segment.physical_network[0] ? n->segment.physical_network : NULL);
        if (fields_want(fs, "provider:segmentation_id")) {
            jsonw_key(w, "provider:segmentation_id");
            if (n->segment.segmentation_id == SEGMENTATION_ID_NONE) {
                jsonw_null(w);
            } else {
                jsonw_int(w, n->segment.segmentation_id);
            }
        }
    }
    api_kv_raw(w, fs, "availability_zone_hints", n->az_hints_json);
    api_kv_raw(w, fs, "availability_zones", n->azs_json ? n->azs_json : "[]");
    api_kv_str(w, fs, "ipv4_address_scope", NULL);
    api_kv_str(w, fs, "ipv6_address_scope", NULL);
    api_render_std(w, &n->std, fs);
    jsonw_object_end(w);
}

struct network_list_walk {
    struct jsonw *w;
    struct list_request *lr;
    const struct context *ctx;
};

static int
network_list_row(const struct network *n, void *aux)
{
    struct network_list_walk *walk = aux;

    network_render(walk->w, n, &walk->lr->fields, walk->ctx);
    listing_note_item(walk->lr, n->std.id);
    return 0;
}

int
networks_list(struct request *req, char *const args[])
{
    struct list_request lr;
    struct store_conn *c = api_conn(req);
    struct jsonw w;
    int r;

    if (!c || listing_parse(req, &network_def, &lr)) {
        return -1;
    }
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "networks");
    jsonw_array_begin(&w);
    struct network_list_walk walk = { &w, &lr, &req->ctx };
    r = store_network_foreach(c, &lr.q, network_list_row, &walk);
    if (r == -ENOENT) {
        api_fail(req, API_ERR_NETWORK_NOT_FOUND, "Network %s could not be found.", lr.q.marker);
        listing_done(&lr);
        return -1;
    }
    if (r) {
        listing_done(&lr);
        return api_fail_internal(req, r);
    }
    jsonw_array_end(&w);
    listing_render_links(&w, req, &network_def, &lr);
    jsonw_object_end(&w);
    listing_done(&lr);
    return 0;
}

int
network_show(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct network n;
    struct field_set fs;
    struct jsonw w;
    int r;

    if (!c) {
        return -1;
    }
    r = store_network_get(c, args[0], context_visible_to(&req->ctx), &n);
    if (r == -ENOENT) {
        return api_fail(req, API_ERR_NETWORK_NOT_FOUND, "Network %s could not be found.",
                        args[0]);
    }
    if (r) {
        return api_fail_internal(req, r);
    }
    if (api_authorize(req, POLICY_NETWORK, POLICY_GET, &(struct policy_target) {
                          .project_id = n.std.project_id, .shared = n.shared,
                          .external = n.external })) {
        network_done(&n);
        return -1;
    }
    fields_parse(req, &fs);
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "network");
    network_render(&w, &n, &fs, &req->ctx);
    jsonw_object_end(&w);
    fields_done(&fs);
    network_done(&n);
    return 0;
}

/* Reads the provider attributes of a checked body. */
static void
provider_from_body(const json_t *item, struct provider_request *ret)
{
    memset(ret, 0, sizeof *ret);
    ret->has_type = attr_has(item, "provider:network_type");
    ret->network_type = attr_str(item, "provider:network_type", NULL);
    ret->has_physnet = attr_has(item, "provider:physical_network");
    ret->physical_network = attr_str(item, "provider:physical_network", NULL);
    ret->has_segid = attr_has(item, "provider:segmentation_id");
    ret->segid_null = attr_is_null(item, "provider:segmentation_id");
    ret->segmentation_id = attr_int(item, "provider:segmentation_id", 0);
}

/* Policy for attributes only admins may set (create: when different from the
 * default; update: whenever given). */
static int
network_check_admin_attrs(struct request *req, const json_t *item, bool create)
{
    static const char *const admin_only[] = {
        "shared", "router:external", "provider:network_type", "provider:physical_network",
        "provider:segmentation_id",
    };
    const char *action = create ? "create_network" : "update_network";

    if (req->ctx.is_admin) {
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(admin_only); i++) {
        const json_t *v = json_object_get(item, admin_only[i]);
        if (!v) {
            continue;
        }
        if (create && i < 2 && json_is_false(v)) {
            continue;   /* The default value needs no permission. */
        }
        return api_fail(req, API_ERR_POLICY_NOT_AUTHORIZED,
                        "(rule:%s and rule:%s:%s) is disallowed by policy", action, action,
                        admin_only[i]);
    }
    return 0;
}

/* Creates one network inside the open transaction. Returns 0 or -1 after answering. */
static int
network_create_one(struct request *req, struct store_conn *c, const json_t *item,
                   struct network *ret)
{
    struct app *app = req->app;
    struct provider_request prov;
    struct api_error err;
    struct network n;
    const char *owner;
    json_int_t mtu;
    int max_mtu, r;

    if (api_owner(req, item, &owner) || network_check_admin_attrs(req, item, true)
        || api_authorize(req, POLICY_NETWORK, POLICY_CREATE,
                         &(struct policy_target) { .project_id = owner })) {
        return -1;
    }
    if (json_array_size(json_object_get(item, "availability_zone_hints"))) {
        /* Zones are those of DHCP agents; none has reported yet. */
        return api_fail(req, API_ERR_AVAILABILITY_ZONE_NOT_FOUND,
                        "AvailabilityZone %s could not be found.",
                        json_string_value(json_array_get(
                            json_object_get(item, "availability_zone_hints"), 0)));
    }
    memset(&n, 0, sizeof n);
    uuid_new(n.std.id);
    n.std.project_id = (char *) owner;
    n.std.name = (char *) attr_str(item, "name", "");
    n.std.description = (char *) attr_str(item, "description", "");
    n.admin_state_up = attr_bool(item, "admin_state_up", true);
    strcpy(n.status, "ACTIVE");
    n.shared = attr_bool(item, "shared", false);
    n.external = attr_bool(item, "router:external", false);
    api_now(n.std.created_at);
    memcpy(n.std.updated_at, n.std.created_at, sizeof n.std.updated_at);
    n.std.revision_number = 1;
    provider_from_body(item, &prov);
    if (ml2_segment_create(app->ml2, c, &prov, n.external, n.std.id, &n.segment, &err)) {
        return api_fail_with(req, &err);
    }
    max_mtu = ml2_max_mtu(app->ml2, &n.segment);
    mtu = attr_int(item, "mtu", 0);
    if (mtu > max_mtu) {
        return api_fail(req, API_ERR_INVALID_INPUT, "Requested MTU is too big, maximum is %d",
                        max_mtu);
    }
    n.mtu = mtu > 0 ? (int) mtu : max_mtu;
    char *hints = json_dumps(json_object_get(item, "availability_zone_hints"), JSON_COMPACT);
    n.az_hints_json = hints ? hints : xstrdup("[]");
    r = store_network_insert(c, &n);
    if (r) {
        free(n.az_hints_json);
        return api_fail_internal(req, r);
    }
    /* Hand back owned copies for rendering. */
    n.std.project_id = xstrdup(n.std.project_id);
    n.std.name = xstrdup(n.std.name);
    n.std.description = xstrdup(n.std.description);
    n.std.tags_json = xstrdup("[]");
    n.subnets_json = xstrdup("[]");
    *ret = n;
    return 0;
}

int
networks_create(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct network *made;
    json_t *items, *item;
    struct field_set all = { NULL, 0 };
    struct jsonw w;
    size_t n_made = 0, i;
    bool bulk;
    int r;

    if (!c || attrs_parse_body(req, &network_def, true, &items, &bulk)) {
        return -1;
    }
    made = xcalloc(json_array_size(items), sizeof *made);
    r = store_begin(c);
    if (r) {
        free(made);
        json_decref(items);
        return api_fail_internal(req, r);
    }
    json_array_foreach (items, i, item) {
        if (network_create_one(req, c, item, &made[n_made])) {
            goto fail;
        }
        n_made++;
    }
    r = store_commit(c);
    if (r) {
        api_fail_internal(req, r);
        goto out;
    }
    api_begin(req, 201, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, bulk ? "networks" : "network");
    if (bulk) {
        jsonw_array_begin(&w);
    }
    for (i = 0; i < n_made; i++) {
        network_render(&w, &made[i], &all, &req->ctx);
    }
    if (bulk) {
        jsonw_array_end(&w);
    }
    jsonw_object_end(&w);
    goto out;
fail:
    store_rollback(c);
out:
    for (i = 0; i < n_made; i++) {
        network_done(&made[i]);
    }
    free(made);
    json_decref(items);
    return req->status >= 400 ? -1 : 0;
}

/* Applies a checked update body to 'n' inside the open transaction. */
static int
network_apply_update(struct request *req, struct store_conn *c, const json_t *item,
                     struct network *n)
{
    struct app *app = req->app;
    struct provider_request prov;
    struct api_error err;
    int r;

    if (network_check_admin_attrs(req, item, false)) {
        return -1;
    }
    if (attr_has(item, "shared") && n->shared && !attr_bool(item, "shared", true)) {
        bool used;
        r = store_network_used_by_others(c, n->std.id, n->std.project_id, &used);
        if (r) {
            return api_fail_internal(req, r);
        }
        if (used) {
            return api_fail(req, API_ERR_INVALID_SHARED_SETTING,
                            "Unable to reconfigure sharing settings for network %s. Multiple"
                            " tenants are using it.", n->std.name);
        }
    }
    provider_from_body(item, &prov);
    if (prov.has_type || prov.has_physnet || prov.has_segid) {
        /* Ports are bound only once agents exist; none is bound yet. */
        if (ml2_segment_update(app->ml2, c, &prov, false, n->std.id, &n->segment, &err)) {
            return api_fail_with(req, &err);
        }
    }
    if (attr_has(item, "mtu")) {
        int max_mtu = ml2_max_mtu(app->ml2, &n->segment);
        json_int_t mtu = attr_int(item, "mtu", 0);
        if (mtu > max_mtu) {
            return api_fail(req, API_ERR_INVALID_INPUT,
                            "Requested MTU is too big, maximum is %d", max_mtu);
        }
        n->mtu = mtu > 0 ? (int) mtu : max_mtu;
    }
    if (attr_has(item, "name")) {
        free(n->std.name);
        n->std.name = xstrdup(attr_str(item, "name", ""));
    }
    if (attr_has(item, "description")) {
        free(n->std.description);
        n->std.description = xstrdup(attr_str(item, "description", ""));
    }
    n->admin_state_up = attr_bool(item, "admin_state_up", n->admin_state_up);
    n->shared = attr_bool(item, "shared", n->shared);
    n->external = attr_bool(item, "router:external", n->external);
    return 0;
}

int
network_update(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct field_set all = { NULL, 0 };
    json_t *items, *item;
    struct network n;
    struct jsonw w;
    int64_t if_match;
    bool bulk;
    int r;

    if (!c || attrs_parse_body(req, &network_def, false, &items, &bulk)) {
        return -1;
    }
    item = json_array_get(items, 0);
    if (api_if_match_parse(req, &if_match)) {
        json_decref(items);
        return -1;
    }
    r = store_begin(c);
    if (r) {
        json_decref(items);
        return api_fail_internal(req, r);
    }
    r = store_network_get(c, args[0], context_visible_to(&req->ctx), &n);
    if (r) {
        store_rollback(c);
        json_decref(items);
        return r == -ENOENT ? api_fail(req, API_ERR_NETWORK_NOT_FOUND,
                                       "Network %s could not be found.", args[0])
                            : api_fail_internal(req, r);
    }
    if (api_authorize(req, POLICY_NETWORK, POLICY_UPDATE, &(struct policy_target) {
                          .project_id = n.std.project_id, .shared = n.shared,
                          .external = n.external })) {
        goto fail;
    }
    if (network_apply_update(req, c, item, &n)
        || api_if_match_check(req, if_match, n.std.revision_number)) {
        goto fail;
    }
    if (json_object_size(item) > 0) {
        n.std.revision_number++;
        api_now(n.std.updated_at);
        r = store_network_update(c, &n);
        if (r) {
            api_fail_internal(req, r);
            goto fail;
        }
        /* Agents re-wire the network's ports (MTU, segment, admin state); the DHCP
         * agents hosting it look at it again (MTU option, admin state up or down). */
        if (api_change(req, c, "", "network_update", n.std.id, n.std.id)
            || api_change_dhcp(req, c, n.std.id, "dhcp_network", n.std.id)) {
            goto fail;
        }
    }
    r = store_commit(c);
    if (r) {
        api_fail_internal(req, r);
        goto out;
    }
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "network");
    network_render(&w, &n, &all, &req->ctx);
    jsonw_object_end(&w);
    goto out;
fail:
    store_rollback(c);
out:
    network_done(&n);
    json_decref(items);
    return req->status >= 400 ? -1 : 0;
}

/* Deletes a network's service (DHCP) ports and every subnet, then the network. */
static int
network_delete_contents(struct store_conn *c, const char *network_id)
{
    char (*ports)[ID_LEN] = NULL;
    struct subnet *subnets = NULL;
    size_t n_ports = 0, n_subnets = 0;
    int r = store_network_service_ports(c, network_id, &ports, &n_ports);

    for (size_t i = 0; i < n_ports && !r; i++) {
        r = store_port_delete(c, ports[i]);
    }
    free(ports);
    if (!r) {
        r = store_subnets_of_network(c, network_id, &subnets, &n_subnets);
    }
    for (size_t i = 0; i < n_subnets; i++) {
        if (!r) {
            r = store_subnet_delete(c, subnets[i].std.id);
        }
        subnet_done(&subnets[i]);
    }
    free(subnets);
    return r;
}

int
network_delete(struct request *req, char *const args[])
{
    struct store_conn *c = api_conn(req);
    struct buf ids = BUF_INITIALIZER;
    struct network n;
    int64_t if_match;
    size_t n_blocking;
    int r;

    if (!c || api_if_match_parse(req, &if_match)) {
        return -1;
    }
    r = store_begin(c);
    if (r) {
        return api_fail_internal(req, r);
    }
    r = store_network_get(c, args[0], context_visible_to(&req->ctx), &n);
    if (r) {
        store_rollback(c);
        return r == -ENOENT ? api_fail(req, API_ERR_NETWORK_NOT_FOUND,
                                       "Network %s could not be found.", args[0])
                            : api_fail_internal(req, r);
    }
    if (api_authorize(req, POLICY_NETWORK, POLICY_DELETE, &(struct policy_target) {
                          .project_id = n.std.project_id, .shared = n.shared,
                          .external = n.external })) {
        goto fail;
    }
    r = store_network_blocking_ports(c, n.std.id, &ids, &n_blocking);
    if (r) {
        api_fail_internal(req, r);
        goto fail;
    }
    if (n_blocking) {
        api_fail(req, API_ERR_NETWORK_IN_USE, "Unable to complete operation on network %s."
                 " There are one or more ports still in use on the network, id for these"
                 " ports is: %s.", n.std.id, buf_cstr(&ids));
        goto fail;
    }
    if (api_if_match_check(req, if_match, n.std.revision_number)) {
        goto fail;
    }
    r = network_delete_contents(c, n.std.id);
    if (!r) {
        r = ml2_segment_release(req->app->ml2, c, &n.segment);
    }
    if (!r) {
        r = store_network_delete(c, n.std.id);
    }
    if (r) {
        api_fail_internal(req, r);
        goto fail;
    }
    /* Every agent removes the network's bridge. */
    if (api_change(req, c, "", "network_delete", n.std.id, n.std.id)) {
        goto fail;
    }
    r = store_commit(c);
    if (r) {
        api_fail_internal(req, r);
    } else {
        req->status = 204;
    }
    goto out;
fail:
    store_rollback(c);
out:
    buf_done(&ids);
    network_done(&n);
    return req->status >= 400 ? -1 : 0;
}
