/* Subnets in the domain core: Neutron's checks and defaults in Neutron's order, the
 * subnet row, its allocation pools and free ranges, EUI-64 addresses for ports already
 * on the network, and DHCP scheduling.  See core.h for the calling convention. */
#ifndef NEUTRINO_CORE_SUBNET_H
#define NEUTRINO_CORE_SUBNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "ipam.h"

struct host_route_spec {
    const char *destination;    /* A CIDR. */
    const char *nexthop;        /* An address. */
};

/* What a create sets or an update changes (strings borrowed; NULL or a false has_*
 * flag: not given).  Values are already valid in form (addresses parse, CIDRs are
 * normalised); the core checks how they fit together. */
struct subnet_spec {
    const char *project_id;         /* Create only: the owner (NULL: the caller's). */
    const char *network_id;         /* Create only. */
    int ip_version;                 /* Create only: 4 or 6. */
    const char *cidr;               /* Create only. */
    const char *subnetpool_id;      /* Create only: the pool to cut the CIDR from. */
    bool use_default_subnetpool;    /* Create only: cut it from the default pool. */
    bool has_prefixlen;             /* Create only: a length asked of a pool (a spec the */
    int64_t prefixlen;              /* server fills zeroed asks none). */
    const char *ipv6_ra_mode;       /* Create only. */
    const char *ipv6_address_mode;  /* Create only. */
    const char *name;
    const char *description;
    bool has_gateway_ip;
    const char *gateway_ip;         /* NULL with has_gateway_ip: no gateway. */
    bool has_enable_dhcp, enable_dhcp;
    bool has_pools;
    const struct pool_spec *pools;
    size_t n_pools;
    bool has_dns;
    const char *const *dns;
    size_t n_dns;
    bool has_routes;
    const struct host_route_spec *routes;
    size_t n_routes;
    bool has_service_types;
    const char *service_types_json; /* Given: a JSON array of device owners, sorted. */
};

/* True if 'spec' changes nothing. */
bool subnet_spec_empty(const struct subnet_spec *spec);

/* Reads the subnet 'id' as the caller may see it. */
int core_subnet_get(const struct op *op, const char *id, struct subnet *ret);
/* Creates a subnet; '*ret' gets it as rendered after a create. */
int core_subnet_create(const struct op *op, const struct subnet_spec *spec,
                       struct subnet *ret);
/* Updates the subnet 'id' as the caller sees it; '*ret' gets it as stored. */
int core_subnet_update(const struct op *op, const char *id, const struct subnet_spec *spec,
                       int64_t expected_revision, struct subnet *ret);
/* Deletes the subnet 'id'. */
int core_subnet_delete(const struct op *op, const char *id, int64_t expected_revision);

#endif
