/* The type-driver interface inside ML2 (one file per type: type_local.c,
 * type_flat.c, type_vlan.c, type_tunnel.c) and the ranges they share. */
#ifndef NEUTRINO_ML2_TYPE_H
#define NEUTRINO_ML2_TYPE_H

#include <stddef.h>

#include "ml2.h"

struct id_range {
    int64_t lo, hi;
};

/* A physical network with its VLAN ranges (none: not offered for tenants). */
struct vlan_physnet {
    char *name;
    struct id_range *ranges;
    size_t n_ranges;
};

/* What the type drivers know of the configuration. */
struct ml2_types_config {
    int global_physnet_mtu;
    int path_mtu;
    int overlay_ip_version;
    char **physnet_mtu_names;           /* physical_network_mtus */
    int *physnet_mtus;
    size_t n_physnet_mtus;
    bool flat_any;                      /* flat_networks = * */
    char **flat_networks;
    size_t n_flat_networks;
    struct vlan_physnet *vlan_physnets; /* network_vlan_ranges, in order */
    size_t n_vlan_physnets;
    struct id_range *vni_ranges;
    size_t n_vni_ranges;
    struct id_range *gre_ranges;
    size_t n_gre_ranges;
};

struct type_driver {
    const char *name;
    /* Checks provider attributes for this type. 0, or -1 with 'err'. */
    int (*validate)(const struct ml2_types_config *, const struct provider_request *,
                    struct api_error *err);
    /* Reserves the segment 'req' asks for (the id may be missing: pick one).
     * 0, or -1 with 'err'. */
    int (*reserve)(const struct ml2_types_config *, struct store_conn *,
                   const struct provider_request *, const char *network_id,
                   struct segment *ret, struct api_error *err);
    /* Allocates a segment for a tenant network: 0, -ENOSPC if this type has none
     * free (or never allocates), other negative errno on failure. */
    int (*allocate)(const struct ml2_types_config *, struct store_conn *,
                    const char *network_id, struct segment *ret);
    int (*release)(const struct ml2_types_config *, struct store_conn *,
                   const struct segment *);
    int (*max_mtu)(const struct ml2_types_config *, const struct segment *);
};

extern const struct type_driver type_local;
extern const struct type_driver type_flat;
extern const struct type_driver type_vlan;
extern const struct type_driver type_vxlan;
extern const struct type_driver type_gre;
extern const struct type_driver type_geneve;


/* Picks a random free id among 'ranges' for (type, physnet): a random start point,
 * then the first free id upwards (wrapping), range by range.  0, -ENOSPC, or errno. */
int ml2_pick_free_id(struct store_conn *c, const char *type, const char *physnet,
                     const struct id_range *ranges, size_t n, int64_t *ret);
/* The MTU of a physical network: global_physnet_mtu or its physical_network_mtus
 * override, whichever is smaller. */
int ml2_physnet_mtu(const struct ml2_types_config *cfg, const char *physnet);

/* Fills 'seg' with a segment of 'type' on 'physnet' ("" for none) with id 'id'. */
void ml2_segment_init(struct segment *seg, const char *type, const char *physnet, int64_t id);
/* Reserves 'seg' in the store for 'network_id' and copies it to 'ret'.  0, -EEXIST
 * when the segment is taken, or another negative errno. */
int ml2_segment_store(struct store_conn *c, const struct segment *seg, const char *network_id,
                      struct segment *ret);
/* Sets 'err' to a type's own refusal of a segment someone else holds. Returns -1. */
typedef int ml2_segment_in_use_fn(const struct segment *seg, struct api_error *err);
/* A driver's reserve: ml2_segment_store(), with 'in_use' rendering -EEXIST and any
 * other failure internal.  0, or -1 with 'err' set. */
int ml2_segment_reserve(struct store_conn *c, const struct segment *seg, const char *network_id,
                        struct segment *ret, ml2_segment_in_use_fn *in_use,
                        struct api_error *err);
/* Renders a failed search for a free segment: -ENOSPC is Neutron's "no tenant network
 * is available", anything else an internal failure. Returns -1. */
int ml2_no_free_segment(int r, struct api_error *err);

/* The driver operations of the types whose segments are rows in the store and whose
 * MTU is their physical network's. */
int ml2_segment_release_stored(const struct ml2_types_config *cfg, struct store_conn *c,
                               const struct segment *seg);
int ml2_segment_physnet_mtu(const struct ml2_types_config *cfg, const struct segment *seg);

#endif
