/* The flavors framework in the domain core: flavors (a named choice of service
 * profiles for one service type), service profiles (a provider's driver and/or free
 * text), which profiles a flavor has, and the service providers this server offers
 * (Zed's service-type extension).  None of them belongs to a project: an admin writes
 * them all (docs/behaviour/api.md §17, policy.md).  See core.h for the calling
 * convention. */
#ifndef NEUTRINO_CORE_FLAVOR_H
#define NEUTRINO_CORE_FLAVOR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"

/* A service provider: a driver that serves one service type. */
struct service_provider {
    const char *service_type;
    const char *name;
    const char *driver;
    bool is_default;
};

/* The providers this server has, in Zed's order; their number into '*ret_n'. */
const struct service_provider *flavor_service_providers(size_t *ret_n);
/* Whether 'type' is the type of a service plugin this server has (the core, the L3
 * router, the flavors framework itself, ...), as a flavor's service_type must be. */
bool flavor_service_type_known(const char *type);

/* What a create sets or an update changes.  For strings that may be null, 'has_*'
 * says the attribute was given (its value then NULL for null). */
struct flavor_spec {
    const char *project_id;     /* Create only (NULL: the caller's); not kept. */
    const char *name;
    bool has_description;
    const char *description;
    const char *service_type;   /* Create only, checked (flavor_service_type_known). */
    bool has_enabled;
    bool enabled;
};

struct service_profile_spec {
    const char *project_id;     /* Create only; not kept. */
    bool has_description;
    const char *description;
    const char *driver;         /* NULL: not given. */
    bool has_metainfo;
    const char *metainfo;
    bool has_enabled;
    bool enabled;
};

int core_flavor_get(const struct op *op, const char *id, struct flavor *ret);
int core_flavor_create(const struct op *op, const struct flavor_spec *spec,
                       struct flavor *ret);
int core_flavor_update(const struct op *op, const char *id, const struct flavor_spec *spec,
                       struct flavor *ret);
int core_flavor_delete(const struct op *op, const char *id);
/* Whether the caller may list flavors (service profiles) at all: a list shows every
 * one or none, as none has an owner. */
bool core_flavor_may_list(const struct context *caller);
bool core_service_profile_may_list(const struct context *caller);

int core_service_profile_get(const struct op *op, const char *id,
                             struct service_profile *ret);
int core_service_profile_create(const struct op *op, const struct service_profile_spec *spec,
                                struct service_profile *ret);
int core_service_profile_update(const struct op *op, const char *id,
                                const struct service_profile_spec *spec,
                                struct service_profile *ret);
int core_service_profile_delete(const struct op *op, const char *id);

/* Gives the flavor 'flavor_id' the profile 'profile_id' (both must exist; not twice). */
int core_flavor_profile_add(const struct op *op, const char *flavor_id,
                            const char *profile_id);
/* 0 if the flavor has the profile and the caller may see that. */
int core_flavor_profile_get(const struct op *op, const char *flavor_id,
                            const char *profile_id);
int core_flavor_profile_remove(const struct op *op, const char *flavor_id,
                               const char *profile_id);
/* Whether the caller may list the service providers. */
int core_service_providers_authorize(const struct op *op);

#endif
