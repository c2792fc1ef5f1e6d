/* The flavors framework's HTTP side: /v2.0/flavors, /v2.0/service_profiles, a
 * flavor's profiles (/v2.0/flavors/{id}/service_profiles[/{profile_id}]) and the
 * service providers (/v2.0/service-providers).  Handlers parse, the core decides
 * (core/flavor.h).  Zed shows neither kind with an owner, revision or timestamps, and
 * a service profile without the flavors it is in; so do we. */
#include "flavor.h"

#include <stdlib.h>

#include "common.h"
#include "resource.h"
#include "core/flavor.h"
#include "jsonw.h"
#include "request.h"
#include "store/store.h"
#include "util.h"

static const struct attr_def flavor_attrs[] = {
    { "id", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_ID },
    { "name", AK_STRING, true, true, .max_len = 255, .filter = true, .sort = true,
      .field = SF_NAME },
    { "description", AK_STRING, true, true, .max_len = 1024, .null_ok = true, .filter = true,
      .sort = true, .field = SF_DESCRIPTION },
    { "service_type", AK_SERVICE_TYPE, true, false, .required = true, .filter = true,
      .sort = true, .field = SF_SERVICE_TYPE },
    { "tenant_id", AK_STRING, true, false, .max_len = 255 },
    { "project_id", AK_STRING, true, false, .max_len = 255 },
    /* Accepted and checked, but Zed ignores it: profiles are added one by one. */
    { "service_profiles", AK_UUID_LIST, true, true },
    { "enabled", AK_BOOL, true, true, .null_ok = true, .filter = true, .sort = true,
      .field = SF_ENABLED, .field_kind = SV_INT },
};

const struct resource_def flavor_def = {
    .singular = "flavor",
    .plural = "flavors",
    .title = "Flavor",
    .not_found = API_ERR_FLAVOR_NOT_FOUND,
    .attrs = flavor_attrs,
    .n_attrs = ARRAY_SIZE(flavor_attrs),
};

static const struct attr_def service_profile_attrs[] = {
    { "id", AK_ANY, false, false, .filter = true, .sort = true, .field = SF_ID },
    { "description", AK_STRING, true, true, .max_len = 1024, .null_ok = true, .filter = true,
      .sort = true, .field = SF_DESCRIPTION },
    { "driver", AK_STRING, true, true, .max_len = 1024, .filter = true, .sort = true,
      .field = SF_DRIVER },
    { "metainfo", AK_METAINFO, true, true },
    { "tenant_id", AK_STRING, true, false, .max_len = 255 },
    { "project_id", AK_STRING, true, false, .max_len = 255 },
    { "enabled", AK_BOOL, true, true, .null_ok = true, .filter = true, .sort = true,
      .field = SF_ENABLED, .field_kind = SV_INT },
};

const struct resource_def service_profile_def = {
    .singular = "service_profile",
    .plural = "service_profiles",
    .title = "Service Profile",
    .not_found = API_ERR_SERVICE_PROFILE_NOT_FOUND,
    .attrs = service_profile_attrs,
    .n_attrs = ARRAY_SIZE(service_profile_attrs),
};

/* The body of an association: {"service_profile": {"id": <profile>}}. */
static const struct attr_def association_attrs[] = {
    { "id", AK_UUID, true, false, .required = true },
    { "tenant_id", AK_STRING, true, false, .max_len = 255 },
    { "project_id", AK_STRING, true, false, .max_len = 255 },
};

static const struct resource_def association_def = {
    .singular = "service_profile",
    .plural = "service_profiles",
    .title = "Service Profile",
    .not_found = API_ERR_SERVICE_PROFILE_NOT_FOUND,
    .attrs = association_attrs,
    .n_attrs = ARRAY_SIZE(association_attrs),
};

/* --- Flavors ------------------------------------------------------------------------ */

static void
flavor_render(struct jsonw *w, const void *obj, const struct field_set *fs,
              const struct context *ctx)
{
    const struct flavor *f = obj;

    (void) ctx;
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", f->id);
    api_kv_str(w, fs, "name", f->name);
    api_kv_str(w, fs, "description", f->description);
    api_kv_str(w, fs, "service_type", f->service_type);
    api_kv_bool(w, fs, "enabled", f->enabled);
    api_kv_raw(w, fs, "service_profiles", f->profiles_json ? f->profiles_json : "[]");
    jsonw_object_end(w);
}

static int
flavor_row(const struct flavor *f, void *walk)
{
    return list_walk_row(walk, f, f->id);
}

/* No flavor has an owner: the caller sees all of them or, when it may not read
 * flavors (a non-admin under the new defaults), none. */
static int
flavor_list(struct store_conn *c, struct list_walk *walk)
{
    if (!core_flavor_may_list(walk->ctx)) {
        return 0;
    }
    return store_flavor_foreach(c, &walk->lr->q, flavor_row, walk);
}

static int
flavor_get(const struct op *op, const char *id, void *ret)
{
    return core_flavor_get(op, id, ret);
}

static int
flavor_write(const struct op *op, const char *id, const json_t *item,
             int64_t expected_revision, void *ret)
{
    struct flavor_spec spec = {
        .project_id = attr_str(item, "project_id", attr_str(item, "tenant_id", NULL)),
        .name = attr_str(item, "name", NULL),
        .has_description = attr_has(item, "description"),
        .description = attr_str(item, "description", NULL),
        .service_type = attr_str(item, "service_type", NULL),
        .has_enabled = attr_has(item, "enabled") && !attr_is_null(item, "enabled"),
        .enabled = attr_bool(item, "enabled", true),
    };

    (void) expected_revision;
    return id ? core_flavor_update(op, id, &spec, ret) : core_flavor_create(op, &spec, ret);
}

static int
flavor_delete_op(const struct op *op, const char *id, int64_t expected_revision)
{
    (void) expected_revision;
    return core_flavor_delete(op, id);
}

static void
flavor_done_any(void *obj)
{
    flavor_done(obj);
}

static const struct resource_ops flavor_ops = {
    .def = &flavor_def, .size = sizeof(struct flavor), .list = flavor_list,
    .get = flavor_get, .write = flavor_write, .delete = flavor_delete_op,
    .render = flavor_render, .done = flavor_done_any,
};

RESOURCE_HANDLERS(flavors, flavor, &flavor_ops)

/* --- Service profiles --------------------------------------------------------------- */

static void
service_profile_render(struct jsonw *w, const void *obj, const struct field_set *fs,
                       const struct context *ctx)
{
    const struct service_profile *p = obj;

    (void) ctx;
    jsonw_object_begin(w);
    api_kv_str(w, fs, "id", p->id);
    api_kv_str(w, fs, "description", p->description);
    api_kv_str(w, fs, "driver", p->driver);
    api_kv_bool(w, fs, "enabled", p->enabled);
    api_kv_str(w, fs, "metainfo", p->metainfo);
    jsonw_object_end(w);
}

static int
service_profile_row(const struct service_profile *p, void *walk)
{
    return list_walk_row(walk, p, p->id);
}

static int
service_profile_list(struct store_conn *c, struct list_walk *walk)
{
    if (!core_service_profile_may_list(walk->ctx)) {
        return 0;
    }
    return store_service_profile_foreach(c, &walk->lr->q, service_profile_row, walk);
}

static int
service_profile_get(const struct op *op, const char *id, void *ret)
{
    return core_service_profile_get(op, id, ret);
}

static int
service_profile_write(const struct op *op, const char *id, const json_t *item,
                      int64_t expected_revision, void *ret)
{
    struct service_profile_spec spec = {
        .project_id = attr_str(item, "project_id", attr_str(item, "tenant_id", NULL)),
        .has_description = attr_has(item, "description"),
        .description = attr_str(item, "description", NULL),
        .driver = attr_str(item, "driver", NULL),
        .has_metainfo = attr_has(item, "metainfo"),
        .metainfo = attr_str(item, "metainfo", NULL),
        .has_enabled = attr_has(item, "enabled") && !attr_is_null(item, "enabled"),
        .enabled = attr_bool(item, "enabled", true),
    };

    (void) expected_revision;
    return id ? core_service_profile_update(op, id, &spec, ret)
              : core_service_profile_create(op, &spec, ret);
}

static int
service_profile_delete_op(const struct op *op, const char *id, int64_t expected_revision)
{
    (void) expected_revision;
    return core_service_profile_delete(op, id);
}

static void
service_profile_done_any(void *obj)
{
    service_profile_done(obj);
}

static const struct resource_ops service_profile_ops = {
    .def = &service_profile_def, .size = sizeof(struct service_profile),
    .list = service_profile_list, .get = service_profile_get,
    .write = service_profile_write, .delete = service_profile_delete_op,
    .render = service_profile_render, .done = service_profile_done_any,
};

RESOURCE_HANDLERS(service_profiles, service_profile, &service_profile_ops)

/* --- A flavor's profiles ------------------------------------------------------------ */

/* Adds each profile of the checked items to the flavor 'flavor_id'. */
static int
add_profiles(const struct op *op, const char *flavor_id, const json_t *items)
{
    const json_t *item;
    size_t i;

    json_array_foreach (items, i, item) {
        if (core_flavor_profile_add(op, flavor_id, attr_str(item, "id", ""))) {
            return -1;
        }
    }
    return 0;
}

/* Zed answers an association with the flavor cut down to the attributes of the
 * association's table, which leaves the flavor's id under "id". */
static void
render_association(struct jsonw *w, const char *flavor_id, size_t n, bool bulk)
{
    jsonw_object_begin(w);
    jsonw_key(w, bulk ? "service_profiles" : "service_profile");
    if (bulk) {
        jsonw_array_begin(w);
    }
    for (size_t i = 0; i < n; i++) {
        jsonw_object_begin(w);
        jsonw_key(w, "id");
        jsonw_string(w, flavor_id);
        jsonw_object_end(w);
    }
    if (bulk) {
        jsonw_array_end(w);
    }
    jsonw_object_end(w);
}

struct association_call {
    const char *flavor_id;
    const char *profile_id;     /* delete */
    json_t *items;              /* create */
    bool bulk;
};

static int
association_add(const struct op *op, void *aux)
{
    struct association_call *call = aux;

    return add_profiles(op, call->flavor_id, call->items);
}

static void
association_added(struct request *req, void *aux)
{
    struct association_call *call = aux;
    struct jsonw w;

    api_begin(req, 201, &w);
    render_association(&w, call->flavor_id, json_array_size(call->items), call->bulk);
}

int
flavor_profiles_create(struct request *req, char *const args[])
{
    struct association_call call = { .flavor_id = args[0] };
    int r;

    if (!request_conn(req)
        || attrs_parse_body(req, &association_def, true, &call.items, &call.bulk)) {
        return -1;
    }
    r = api_in_transaction(req, association_add, association_added, &call);
    json_decref(call.items);
    return r;
}

int
flavor_profile_show(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct api_error err;
    struct op op = { req->app, &req->ctx, c, &err };
    struct jsonw w;

    if (!c) {
        return -1;
    }
    if (core_flavor_profile_get(&op, args[0], args[1])) {
        return api_fail_with(req, &err);
    }
    /* Zed's association has no attribute it shows. */
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "service_profile");
    jsonw_object_begin(&w);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    return 0;
}

static int
association_remove(const struct op *op, void *aux)
{
    struct association_call *call = aux;

    return core_flavor_profile_remove(op, call->flavor_id, call->profile_id);
}

static void
association_removed(struct request *req, void *aux)
{
    (void) aux;
    buf_clear(&req->response);
    req->status = 204;
}

int
flavor_profile_delete(struct request *req, char *const args[])
{
    struct association_call call = { .flavor_id = args[0], .profile_id = args[1] };

    return api_in_transaction(req, association_remove, association_removed, &call);
}

/* --- Service providers -------------------------------------------------------------- */

/* Whether 'value' passes the query's filters on 'key': every value given for it is an
 * alternative; none given passes. */
static bool
filter_passes(const struct request *req, const char *key, const char *value)
{
    bool asked = false;

    for (size_t i = 0; i < req->n_params; i++) {
        if (STREQ(req->params[i].key, key)) {
            if (value && STREQ(req->params[i].value, value)) {
                return true;
            }
            asked = true;
        }
    }
    return !asked;
}

/* Zed compares the query's text with each provider's values as they are, so a filter
 * on "default" (a boolean there) matches none; unknown keys, sorting and paging are
 * ignored. */
static bool
provider_matches(const struct request *req, const struct service_provider *p)
{
    return filter_passes(req, "service_type", p->service_type)
           && filter_passes(req, "name", p->name) && filter_passes(req, "driver", p->driver)
           && filter_passes(req, "default", NULL);
}

int
service_providers_list(struct request *req, char *const args[])
{
    struct api_error err;
    struct op op = { req->app, &req->ctx, NULL, &err };
    const struct service_provider *providers;
    struct field_set fs;
    struct jsonw w;
    size_t n;

    (void) args;
    if (core_service_providers_authorize(&op)) {
        return api_fail_with(req, &err);
    }
    providers = flavor_service_providers(&n);
    fields_parse(req, &fs);
    api_begin_list(req, &w, "service_providers");
    for (size_t i = 0; i < n; i++) {
        if (provider_matches(req, &providers[i])) {
            jsonw_object_begin(&w);
            api_kv_str(&w, &fs, "service_type", providers[i].service_type);
            api_kv_str(&w, &fs, "name", providers[i].name);
            api_kv_bool(&w, &fs, "default", providers[i].is_default);
            jsonw_object_end(&w);
        }
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    fields_done(&fs);
    return 0;
}
