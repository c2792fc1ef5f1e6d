/* Subnet pools in the domain core: Zed's checks for a pool's prefixes, prefix-length
 * bounds, default pool and address scope; adding and removing prefixes; and the
 * choice of a new subnet's CIDR from a pool (docs/behaviour/ipam.md §10), made inside
 * the writer's transaction that inserts the subnet, so two creates never get
 * overlapping CIDRs.  See core.h for the calling convention. */
#ifndef NEUTRINO_CORE_SUBNETPOOL_H
#define NEUTRINO_CORE_SUBNETPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "ip.h"

/* What a create sets or an update changes (strings borrowed; NULL or a false has_*
 * flag: not given).  Values are valid in form: prefixes are CIDR texts, the lengths
 * and the quota non-negative. */
struct subnetpool_spec {
    const char *project_id;         /* Create only (NULL: the caller's). */
    const char *name;
    const char *description;
    bool has_prefixes;
    const char *const *prefixes;
    size_t n_prefixes;
    bool has_default_prefixlen, has_min_prefixlen, has_max_prefixlen, has_default_quota;
    int64_t default_prefixlen, min_prefixlen, max_prefixlen, default_quota;
    bool has_shared, shared;        /* Create only. */
    bool has_is_default, is_default;
    bool has_address_scope_id;
    const char *address_scope_id;   /* NULL with has_address_scope_id: none. */
};

int core_subnetpool_get(const struct op *op, const char *id, struct subnetpool *ret);
int core_subnetpool_create(const struct op *op, const struct subnetpool_spec *spec,
                           struct subnetpool *ret);
/* '*ret' is the pool as stored; its update_answer is set (Zed shows an updated pool
 * in another shape, api/subnetpool.c). */
int core_subnetpool_update(const struct op *op, const char *id,
                           const struct subnetpool_spec *spec, int64_t expected_revision,
                           struct subnetpool *ret);
int core_subnetpool_delete(const struct op *op, const char *id, int64_t expected_revision);

/* PUT .../add_prefixes and .../remove_prefixes: 'prefixes' are the texts given (any
 * JSON strings; a bad one is AddrFormatError).  '*ret' is the pool afterwards. */
int core_subnetpool_add_prefixes(const struct op *op, const char *id,
                                 const char *const *prefixes, size_t n,
                                 struct subnetpool *ret);
int core_subnetpool_remove_prefixes(const struct op *op, const char *id,
                                    const char *const *prefixes, size_t n,
                                    struct subnetpool *ret);

/* A subnet onboarded into a pool: what the action answers for it. */
struct onboarded_subnet {
    char id[ID_LEN];
    char cidr[CIDR_STRLEN];
};

/* PUT .../onboard_network_subnets (Zed's subnet_onboard): the subnets of network
 * 'network_id' (NULL: not given; any text otherwise) of the pool's IP version join pool
 * 'id' — the pool gains their CIDRs as prefixes, through the checks of a pool update,
 * and they name the pool from then on — unless one overlaps what the pool has already
 * handed out.  A subnet from another pool moves (that pool keeps its prefixes).
 * '*ret' (owned, in the subnets' creation order) and '*ret_n' on success only. */
int core_subnetpool_onboard(const struct op *op, const char *id, const char *network_id,
                            struct onboarded_subnet **ret, size_t *ret_n);

/* A new subnet's request to a pool. */
struct subnetpool_request {
    const char *subnetpool_id;      /* NULL: the default pool of ip_version. */
    int ip_version;
    const struct cidr *cidr;        /* A CIDR asked for (normalised), or NULL. */
    const struct ip_addr *gateway;  /* A gateway asked for, or NULL. */
    int64_t prefixlen;              /* -1: the pool's default_prefixlen. */
};

/* Chooses the CIDR of a new subnet from a pool, as Zed does: the pool as the caller
 * sees it, its version, its prefix-length bounds, its quota (counted for the pool's own
 * project, whoever asks, as in Zed), then the first free prefix (or the one asked for,
 * if free).  '*ret_pool' (owned) and '*ret_cidr' are filled on success; '*ret_any'
 * tells a request for any prefix (whose gateway is its first host, whatever was
 * asked). */
int core_subnetpool_allocate(const struct op *op, const struct subnetpool_request *req,
                             struct subnetpool *ret_pool, struct cidr *ret_cidr,
                             bool *ret_any);

#endif
