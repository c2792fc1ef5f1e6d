/* The "vlan" type: a network is one 802.1Q id on a physical network.  Physical
 * networks and the id ranges offered to tenants come from network_vlan_ranges; a
 * physnet listed without a range offers all of 1-4094.  Any free id of a known
 * physnet may be asked for explicitly. */
#include <errno.h>

#include "type.h"
#include "util.h"

enum { VLAN_MIN = 1, VLAN_MAX = 4094 };

static const struct vlan_physnet *
vlan_find(const struct ml2_types_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_vlan_physnets; i++) {
        if (STREQ(cfg->vlan_physnets[i].name, name)) {
            return &cfg->vlan_physnets[i];
        }
    }
    return NULL;
}

static int
vlan_validate(const struct ml2_types_config *cfg, const struct provider_request *req,
              struct api_error *err)
{
    bool has_id = req->has_segid && !req->segid_null;

    if (req->physical_network && *req->physical_network) {
        if (!vlan_find(cfg, req->physical_network)) {
            return api_error_invalid(err, "physical_network '%s' unknown for VLAN provider network",
                               req->physical_network);
        }
        if (has_id && (req->segmentation_id < VLAN_MIN || req->segmentation_id > VLAN_MAX)) {
            return api_error_invalid(err, "segmentation_id out of range (%d through %d)", VLAN_MIN,
                               VLAN_MAX);
        }
    } else if (has_id) {
        return api_error_invalid(err,
                           "segmentation_id requires physical_network for VLAN provider network");
    }
    return 0;
}

/* Picks a free id on 'pn', or on the first physnet with one when 'pn' is NULL. */
static int
vlan_pick(const struct ml2_types_config *cfg, struct store_conn *c,
          const struct vlan_physnet *pn, struct segment *ret)
{
    for (size_t i = 0; i < cfg->n_vlan_physnets; i++) {
        const struct vlan_physnet *p = pn ? pn : &cfg->vlan_physnets[i];
        int64_t id;
        int r = ml2_pick_free_id(c, "vlan", p->name, p->ranges, p->n_ranges, &id);

        if (r == 0) {
            ml2_segment_init(ret, "vlan", p->name, id);
            return 0;
        }
        if (r != -ENOSPC || pn) {
            return r;
        }
    }
    return -ENOSPC;
}

static int
vlan_in_use(const struct segment *seg, struct api_error *err)
{
    return api_error_set(err, API_ERR_VLAN_ID_IN_USE,
                    "Unable to create the network. The VLAN %lld on physical network %s"
                    " is in use.", (long long) seg->segmentation_id, seg->physical_network);
}

static int
vlan_reserve(const struct ml2_types_config *cfg, struct store_conn *c,
             const struct provider_request *req, const char *network_id, struct segment *ret,
             struct api_error *err)
{
    struct segment seg;

    if (req->has_segid && !req->segid_null) {
        ml2_segment_init(&seg, "vlan", req->physical_network, req->segmentation_id);
    } else {
        const struct vlan_physnet *pn = NULL;
        if (req->physical_network && *req->physical_network) {
            pn = vlan_find(cfg, req->physical_network);
        }
        int r = vlan_pick(cfg, c, pn, &seg);
        if (r) {
            return ml2_no_free_segment(r, err);
        }
    }
    return ml2_segment_reserve(c, &seg, network_id, ret, vlan_in_use, err);
}

static int
vlan_allocate(const struct ml2_types_config *cfg, struct store_conn *c, const char *network_id,
              struct segment *ret)
{
    struct segment seg;
    int r = vlan_pick(cfg, c, NULL, &seg);

    return r ? r : ml2_segment_store(c, &seg, network_id, ret);
}

const struct type_driver type_vlan = {
    .name = "vlan",
    .validate = vlan_validate,
    .reserve = vlan_reserve,
    .allocate = vlan_allocate,
    .release = ml2_segment_release_stored,
    .max_mtu = ml2_segment_physnet_mtu,
};
