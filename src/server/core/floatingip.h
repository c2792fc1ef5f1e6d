/* Floating IPs in the domain core (docs/behaviour/api.md §15): an address of an
 * external network, held by a network:floatingip port made through core/port.c, and
 * its association with a port's fixed address through the router that joins the two.
 * See core.h for the calling convention. */
#ifndef NEUTRINO_CORE_FLOATINGIP_H
#define NEUTRINO_CORE_FLOATINGIP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"

/* What a create sets or an update changes (strings borrowed; NULL or a false has_*:
 * not given). */
struct floatingip_spec {
    const char *project_id;             /* Create only (NULL: the caller's). */
    const char *floating_network_id;    /* Create only. */
    const char *floating_ip_address;    /* Create only; admin only. */
    const char *subnet_id;              /* Create only: the subnet to take it from. */
    const char *description;
    bool has_port_id;                   /* port_id given (NULL: disassociate). */
    const char *port_id;
    const char *fixed_ip_address;
};

int core_floatingip_create(const struct op *op, const struct floatingip_spec *spec,
                           struct floatingip *ret);
int core_floatingip_get(const struct op *op, const char *id, struct floatingip *ret);
int core_floatingip_update(const struct op *op, const char *id,
                           const struct floatingip_spec *spec, int64_t expected_revision,
                           struct floatingip *ret);
int core_floatingip_delete(const struct op *op, const char *id, int64_t expected_revision);

#endif
