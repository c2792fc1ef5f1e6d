/* ML2: the network types a network's segment can have, their configuration, and the
 * allocation of segments (VLAN ids, VNIs, GRE keys, flat physnets) in the store.
 * The manager (ml2.c) parses [ml2] and [ml2_type_*], loads one type driver per entry
 * of type_drivers, and answers for networks: which segment a new network gets
 * (provider attributes, or tenant_network_types in order with fall-back), its maximum
 * MTU, and its release on delete.  Errors carry the API error kind and Neutron's
 * message, so handlers pass them on unchanged. */
#ifndef NEUTRINO_ML2_H
#define NEUTRINO_ML2_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "http/errors.h"
#include "model.h"

struct ml2;
struct store_conn;
struct server_config;

/* Provider attributes as given in a request. */
struct provider_request {
    bool has_type, has_physnet, has_segid;
    const char *network_type;       /* NULL if absent or null. */
    const char *physical_network;   /* NULL if absent or null. */
    int64_t segmentation_id;        /* Valid if has_segid and !segid_null. */
    bool segid_null;
};

/* Builds the manager from 'cfg'. Returns 0, or -EINVAL with the reason in 'error'
 * (unknown type, malformed or reversed range, tenant type not loaded...). */
int ml2_create(const struct server_config *cfg, struct ml2 **ret, struct buf *error);
void ml2_destroy(struct ml2 *m);

/* Gives a new network its segment: from 'req' if any provider attribute was given,
 * else from external_network_type (when 'external') or tenant_network_types.
 * Reserves it in the store under 'network_id'. Returns 0 or -1 with 'err' set. */
int ml2_segment_create(struct ml2 *m, struct store_conn *c, const struct provider_request *req,
                       bool external, const char *network_id, struct segment *ret,
                       struct api_error *err);
/* Gives a new network the 'n' segments 'reqs' lists (multi-provider), in 'ret': each
 * checked as a provider request, then none asked twice, then each reserved in order.
 * On failure some may be reserved: the caller's transaction is rolled back.  Returns
 * 0 or -1 with 'err' set. */
int ml2_segments_create(struct ml2 *m, struct store_conn *c, const struct provider_request *reqs,
                        size_t n, const char *network_id, struct segment *ret,
                        struct api_error *err);
/* Frees a deleted network's segment. Returns 0 or a negative errno. */
int ml2_segment_release(struct ml2 *m, struct store_conn *c, const struct segment *seg);
/* Applies a provider-attribute update to 'seg' (only a vlan id may change, and only
 * if 'has_bound_ports' is false). Returns 0 or -1 with 'err' set. */
int ml2_segment_update(struct ml2 *m, struct store_conn *c, const struct provider_request *req,
                       bool has_bound_ports, const char *network_id, struct segment *seg,
                       struct api_error *err);
/* The largest MTU a network on 'seg' can have. */
int ml2_max_mtu(const struct ml2 *m, const struct segment *seg);

#endif
