/* Address scopes in the domain core: create, update (a shared scope stays shared),
 * delete (not while a pool is in it).  A pool joins a scope through
 * core/subnetpool.h, which checks the scope's version and that pools of one scope do
 * not overlap.  See core.h for the calling convention. */
#ifndef NEUTRINO_CORE_ADDRESS_SCOPE_H
#define NEUTRINO_CORE_ADDRESS_SCOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"

/* What a create sets or an update changes (NULL or a false has_* flag: not given). */
struct address_scope_spec {
    const char *project_id;     /* Create only (NULL: the caller's). */
    const char *name;
    int ip_version;             /* Create only: 4 or 6. */
    bool has_shared, shared;
};

int core_address_scope_get(const struct op *op, const char *id, struct address_scope *ret);
int core_address_scope_create(const struct op *op, const struct address_scope_spec *spec,
                              struct address_scope *ret);
int core_address_scope_update(const struct op *op, const char *id,
                              const struct address_scope_spec *spec,
                              int64_t expected_revision, struct address_scope *ret);
int core_address_scope_delete(const struct op *op, const char *id, int64_t expected_revision);

#endif
