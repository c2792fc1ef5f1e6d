/* The flavors framework in the domain core; see flavor.h.  The checks come in Zed's
 * order: the object is read (its NotFound first), then the policy, then the plugin's
 * own rules. */
#include "flavor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util.h"

/* Zed's L3 router plugin registers these four providers of its flavor drivers; none
 * is the default.  They are what a service profile's driver may name. */
static const struct service_provider providers[] = {
    { "L3_ROUTER_NAT", "dvrha", "neutron.services.l3_router.service_providers.dvrha.DvrHaDriver",
      false },
    { "L3_ROUTER_NAT", "dvr", "neutron.services.l3_router.service_providers.dvr.DvrDriver",
      false },
    { "L3_ROUTER_NAT", "ha", "neutron.services.l3_router.service_providers.ha.HaDriver", false },
    { "L3_ROUTER_NAT", "single_node",
      "neutron.services.l3_router.service_providers.single_node.SingleNodeDriver", false },
};

/* The types of the service plugins neutrino has, as Zed names them in its plugin
 * directory (the ML2 core, the router, this framework, tags, timestamps, IP
 * availability, revisions). */
static const char *const service_types[] = {
    "CORE", "L3_ROUTER_NAT", "FLAVORS", "TAG", "timestamp", "network-ip-availability",
    "revision_plugin",
};

const struct service_provider *
flavor_service_providers(size_t *ret_n)
{
    *ret_n = ARRAY_SIZE(providers);
    return providers;
}

bool
flavor_service_type_known(const char *type)
{
    for (size_t i = 0; i < ARRAY_SIZE(service_types); i++) {
        if (STREQ(service_types[i], type)) {
            return true;
        }
    }
    return false;
}

static bool
driver_known(const char *driver)
{
    for (size_t i = 0; i < ARRAY_SIZE(providers); i++) {
        if (STREQ(providers[i].driver, driver)) {
            return true;
        }
    }
    return false;
}

static const struct policy_target no_owner = { 0 };

/* A copy of 's', or NULL for null (a description or metainfo may be null). */
static char *
dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* --- Flavors ------------------------------------------------------------------------ */

static int
flavor_read(const struct op *op, const char *id, struct flavor *ret)
{
    int r = store_flavor_get(op->c, id, ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return r == -ENOENT ? api_error_set(op->err, API_ERR_FLAVOR_NOT_FOUND,
                                            "Flavor %s could not be found.", id)
                            : core_internal(op, r);
    }
    return 0;
}

/* The flavor 'id', which the caller may do 'action' on. */
static int
flavor_for(const struct op *op, const char *id, enum policy_action action, struct flavor *ret)
{
    if (flavor_read(op, id, ret)) {
        return -1;
    }
    if (core_authorize(op, POLICY_FLAVOR, action, &no_owner)) {
        flavor_done(ret);
        return -1;
    }
    return 0;
}

int
core_flavor_get(const struct op *op, const char *id, struct flavor *ret)
{
    return flavor_for(op, id, POLICY_GET, ret);
}

bool
core_flavor_may_list(const struct context *caller)
{
    return policy_allows(caller, POLICY_FLAVOR, POLICY_GET, &no_owner);
}

int
core_flavor_create(const struct op *op, const struct flavor_spec *spec, struct flavor *ret)
{
    struct flavor f;
    const char *owner;
    int r;

    if (core_owner(op, spec->project_id, &owner)
        || core_authorize(op, POLICY_FLAVOR, POLICY_CREATE, &no_owner)) {
        return -1;
    }
    memset(&f, 0, sizeof f);
    uuid_new(f.id);
    f.name = xstrdup(spec->name ? spec->name : "");
    f.description = spec->has_description ? dup_or_null(spec->description) : xstrdup("");
    f.service_type = xstrdup(spec->service_type);
    f.enabled = spec->has_enabled ? spec->enabled : true;
    r = store_flavor_insert(op->c, &f);
    flavor_done(&f);
    if (r) {
        return core_internal(op, r);
    }
    return flavor_read(op, f.id, ret);
}

int
core_flavor_update(const struct op *op, const char *id, const struct flavor_spec *spec,
                   struct flavor *ret)
{
    int r;

    if (flavor_for(op, id, POLICY_UPDATE, ret)) {
        return -1;
    }
    core_take_str(&ret->name, spec->name);
    if (spec->has_description) {
        free(ret->description);
        ret->description = dup_or_null(spec->description);
    }
    if (spec->has_enabled) {
        ret->enabled = spec->enabled;
    }
    r = store_flavor_update(op->c, ret);
    if (r) {
        flavor_done(ret);
        return core_internal(op, r);
    }
    return 0;
}

int
core_flavor_delete(const struct op *op, const char *id)
{
    struct flavor f;
    int r;

    if (flavor_for(op, id, POLICY_DELETE, &f)) {
        return -1;
    }
    flavor_done(&f);
    /* Zed would refuse a flavor a service instance uses (FlavorInUse); no service here
     * uses one, so a flavor always goes, with its associations. */
    r = store_flavor_delete(op->c, id);
    return r ? core_internal(op, r) : 0;
}

/* --- Service profiles --------------------------------------------------------------- */

static int
profile_read(const struct op *op, const char *id, struct service_profile *ret)
{
    int r = store_service_profile_get(op->c, id, ret);

    if (r) {
        memset(ret, 0, sizeof *ret);
        return r == -ENOENT ? api_error_set(op->err, API_ERR_SERVICE_PROFILE_NOT_FOUND,
                                            "Service Profile %s could not be found.", id)
                            : core_internal(op, r);
    }
    return 0;
}

static int
profile_for(const struct op *op, const char *id, enum policy_action action,
            struct service_profile *ret)
{
    if (profile_read(op, id, ret)) {
        return -1;
    }
    if (core_authorize(op, POLICY_SERVICE_PROFILE, action, &no_owner)) {
        service_profile_done(ret);
        return -1;
    }
    return 0;
}

int
core_service_profile_get(const struct op *op, const char *id, struct service_profile *ret)
{
    return profile_for(op, id, POLICY_GET, ret);
}

bool
core_service_profile_may_list(const struct context *caller)
{
    return policy_allows(caller, POLICY_SERVICE_PROFILE, POLICY_GET, &no_owner);
}

/* A non-empty driver must be one of a provider's. */
static int
check_driver(const struct op *op, const char *driver)
{
    if (driver && *driver && !driver_known(driver)) {
        return api_error_set(op->err, API_ERR_SERVICE_PROFILE_DRIVER_NOT_FOUND,
                             "Service Profile driver %s could not be found.", driver);
    }
    return 0;
}

static int
profile_in_use(const struct op *op, const char *id)
{
    bool in_use = false;
    int r = store_service_profile_in_use(op->c, id, &in_use);

    if (r) {
        return core_internal(op, r);
    }
    if (in_use) {
        return api_error_set(op->err, API_ERR_SERVICE_PROFILE_IN_USE,
                             "Service Profile %s is used by some service instance.", id);
    }
    return 0;
}

int
core_service_profile_create(const struct op *op, const struct service_profile_spec *spec,
                            struct service_profile *ret)
{
    struct service_profile p;
    const char *owner;
    int r;

    if (core_owner(op, spec->project_id, &owner)
        || core_authorize(op, POLICY_SERVICE_PROFILE, POLICY_CREATE, &no_owner)) {
        return -1;
    }
    if (spec->driver && *spec->driver) {
        if (check_driver(op, spec->driver)) {
            return -1;
        }
    } else if (!spec->has_metainfo || !spec->metainfo || !*spec->metainfo) {
        return api_error_set(op->err, API_ERR_SERVICE_PROFILE_EMPTY,
                             "Service Profile needs either a driver or metainfo.");
    }
    memset(&p, 0, sizeof p);
    uuid_new(p.id);
    p.description = spec->has_description ? dup_or_null(spec->description) : xstrdup("");
    p.driver = xstrdup(spec->driver ? spec->driver : "");
    p.enabled = spec->has_enabled ? spec->enabled : true;
    p.metainfo = spec->has_metainfo ? dup_or_null(spec->metainfo) : xstrdup("");
    r = store_service_profile_insert(op->c, &p);
    service_profile_done(&p);
    if (r) {
        return core_internal(op, r);
    }
    return profile_read(op, p.id, ret);
}

int
core_service_profile_update(const struct op *op, const char *id,
                            const struct service_profile_spec *spec,
                            struct service_profile *ret)
{
    int r;

    if (profile_for(op, id, POLICY_UPDATE, ret)) {
        return -1;
    }
    /* Zed checks the driver, then that no flavor has the profile. */
    if (check_driver(op, spec->driver) || profile_in_use(op, id)) {
        service_profile_done(ret);
        return -1;
    }
    core_take_str(&ret->driver, spec->driver);
    if (spec->has_description) {
        free(ret->description);
        ret->description = dup_or_null(spec->description);
    }
    if (spec->has_metainfo) {
        free(ret->metainfo);
        ret->metainfo = dup_or_null(spec->metainfo);
    }
    if (spec->has_enabled) {
        ret->enabled = spec->enabled;
    }
    r = store_service_profile_update(op->c, ret);
    if (r) {
        service_profile_done(ret);
        return core_internal(op, r);
    }
    return 0;
}

int
core_service_profile_delete(const struct op *op, const char *id)
{
    struct service_profile p;
    int r;

    if (profile_for(op, id, POLICY_DELETE, &p)) {
        return -1;
    }
    service_profile_done(&p);
    if (profile_in_use(op, id)) {
        return -1;
    }
    r = store_service_profile_delete(op->c, id);
    return r ? core_internal(op, r) : 0;
}

/* --- A flavor's profiles ------------------------------------------------------------ */

static int
binding_not_found(const struct op *op, const char *flavor_id, const char *profile_id)
{
    return api_error_set(op->err, API_ERR_FLAVOR_PROFILE_BINDING_NOT_FOUND,
                         "Service Profile %s is not associated with flavor %s.", profile_id,
                         flavor_id);
}

int
core_flavor_profile_add(const struct op *op, const char *flavor_id, const char *profile_id)
{
    struct service_profile p;
    struct flavor f;
    bool exists = false;
    int r;

    if (core_authorize(op, POLICY_FLAVOR_SERVICE_PROFILE, POLICY_CREATE, &no_owner)) {
        return -1;
    }
    /* Zed, on an engine that keeps its foreign keys, fails with a 500 here; both are
     * named instead. */
    if (flavor_read(op, flavor_id, &f)) {
        return -1;
    }
    flavor_done(&f);
    if (profile_read(op, profile_id, &p)) {
        return -1;
    }
    service_profile_done(&p);
    r = store_flavor_profile_exists(op->c, flavor_id, profile_id, &exists);
    if (r) {
        return core_internal(op, r);
    }
    if (exists) {
        return api_error_set(op->err, API_ERR_FLAVOR_PROFILE_BINDING_EXISTS,
                             "Service Profile %s is already associated with flavor %s.",
                             profile_id, flavor_id);
    }
    r = store_flavor_profile_add(op->c, flavor_id, profile_id);
    return r ? core_internal(op, r) : 0;
}

int
core_flavor_profile_get(const struct op *op, const char *flavor_id, const char *profile_id)
{
    bool exists = false;
    int r = store_flavor_profile_exists(op->c, flavor_id, profile_id, &exists);

    if (r) {
        return core_internal(op, r);
    }
    if (!exists) {
        return binding_not_found(op, flavor_id, profile_id);
    }
    return core_authorize(op, POLICY_FLAVOR_SERVICE_PROFILE, POLICY_GET, &no_owner);
}

int
core_flavor_profile_remove(const struct op *op, const char *flavor_id, const char *profile_id)
{
    int r;

    if (core_flavor_profile_get(op, flavor_id, profile_id)
        || core_authorize(op, POLICY_FLAVOR_SERVICE_PROFILE, POLICY_DELETE, &no_owner)) {
        return -1;
    }
    r = store_flavor_profile_remove(op->c, flavor_id, profile_id);
    if (r == -ENOENT) {
        return binding_not_found(op, flavor_id, profile_id);
    }
    return r ? core_internal(op, r) : 0;
}

int
core_service_providers_authorize(const struct op *op)
{
    return core_authorize(op, POLICY_SERVICE_PROVIDER, POLICY_GET, &no_owner);
}
