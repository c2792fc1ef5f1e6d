/* Networks in the domain core: create (with ML2's segment), update, delete (with the
 * network's DHCP ports and subnets).  See core.h for the calling convention. */
#ifndef NEUTRINO_CORE_NETWORK_H
#define NEUTRINO_CORE_NETWORK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"
#include "ml2/ml2.h"

/* What a create sets or an update changes (strings borrowed; NULL or a false has_*
 * flag: not given). */
struct network_spec {
    const char *project_id;         /* Create only: the owner (NULL: the caller's). */
    const char *name;
    const char *description;
    bool has_admin_state_up, admin_state_up;
    bool has_shared, shared;
    bool has_external, external;    /* router:external */
    bool has_port_security, port_security;  /* port_security_enabled (create: true). */
    bool has_is_default, is_default;        /* The default external network. */
    bool has_mtu;
    int64_t mtu;                    /* 0: the largest the segment allows. */
    struct provider_request provider;
    /* multi-provider's "segments": given (even as []), and its items in order.  An
     * update accepts and ignores it, as Zed does. */
    bool has_segments;
    const struct provider_request *segments;
    size_t n_segments;
    const char *az_hints_json;      /* Create only: JSON array of zone names (NULL: []). */
};

/* True if 'spec' changes nothing. */
bool network_spec_empty(const struct network_spec *spec);

/* Reads the network 'id' as the caller may see it. */
int core_network_get(const struct op *op, const char *id, struct network *ret);
/* Creates a network; '*ret' gets it as rendered after a create. */
int core_network_create(const struct op *op, const struct network_spec *spec,
                        struct network *ret);
/* Updates the network 'id' as the caller sees it; '*ret' gets it as stored. */
int core_network_update(const struct op *op, const char *id, const struct network_spec *spec,
                        int64_t expected_revision, struct network *ret);
/* Deletes the network 'id' with its DHCP ports and subnets. */
int core_network_delete(const struct op *op, const char *id, int64_t expected_revision);

#endif
