/* The tunnel types "vxlan", "gre" and "geneve": a network is one tunnel id (VNI or
 * key) on the overlay.  Ids offered to tenants come from vni_ranges /
 * tunnel_id_ranges; any free id in the type's valid span may be asked for
 * explicitly.  The MTU is the underlay's minus the encapsulation. */
#include <errno.h>

#include "type.h"
#include "util.h"

/* Per-type facts: valid id span, header overhead beyond the IP header. */
struct tunnel_kind {
    const char *name;
    int64_t max_id;
    int overhead;
};

static const struct tunnel_kind tunnel_vxlan = { "vxlan", 16777215, 30 };
static const struct tunnel_kind tunnel_gre = { "gre", 4294967295LL, 22 };
static const struct tunnel_kind tunnel_geneve = { "geneve", 16777215, 30 };

static const struct tunnel_kind *
tunnel_kind(const char *name)
{
    return STREQ(name, "vxlan") ? &tunnel_vxlan : STREQ(name, "gre") ? &tunnel_gre
                                                                      : &tunnel_geneve;
}

static void
tunnel_ranges(const struct ml2_types_config *cfg, const char *type,
              const struct id_range **ranges, size_t *n)
{
    if (STREQ(type, "gre")) {
        *ranges = cfg->gre_ranges;
        *n = cfg->n_gre_ranges;
    } else if (STREQ(type, "vxlan")) {
        *ranges = cfg->vni_ranges;
        *n = cfg->n_vni_ranges;
    } else {
        *ranges = NULL;
        *n = 0;
    }
}

static int
tunnel_validate(const struct ml2_types_config *cfg, const struct provider_request *req,
                struct api_error *err)
{
    const struct tunnel_kind *k = tunnel_kind(req->network_type);

    if (req->physical_network && *req->physical_network) {
        return api_error_invalid(err, "provider:physical_network specified for %s network",
                           req->network_type);
    }
    /* Zed accepts any id here and the agent then cannot wire it; we refuse ids the
     * encapsulation cannot carry (a deliberate difference, see docs). */
    if (req->has_segid && !req->segid_null
        && (req->segmentation_id < 1 || req->segmentation_id > k->max_id)) {
        return api_error_invalid(err, "segmentation_id out of range (1 through %lld)",
                           (long long) k->max_id);
    }
    return 0;
}

static int
tunnel_pick(const struct ml2_types_config *cfg, struct store_conn *c, const char *type,
            int64_t *ret)
{
    const struct id_range *ranges;
    size_t n;

    tunnel_ranges(cfg, type, &ranges, &n);
    return ml2_pick_free_id(c, type, "", ranges, n, ret);
}

static int
tunnel_in_use(const struct segment *seg, struct api_error *err)
{
    return api_error_set(err, API_ERR_TUNNEL_ID_IN_USE,
                    "Unable to create the network. The tunnel ID %lld is in use.",
                    (long long) seg->segmentation_id);
}

static int
tunnel_reserve(const struct ml2_types_config *cfg, struct store_conn *c,
               const struct provider_request *req, const char *network_id,
               struct segment *ret, struct api_error *err)
{
    struct segment seg;
    int64_t id;

    if (req->has_segid && !req->segid_null) {
        id = req->segmentation_id;
    } else {
        int r = tunnel_pick(cfg, c, req->network_type, &id);
        if (r) {
            return ml2_no_free_segment(r, err);
        }
    }
    ml2_segment_init(&seg, req->network_type, "", id);
    return ml2_segment_reserve(c, &seg, network_id, ret, tunnel_in_use, err);
}

static int
tunnel_allocate_type(const struct ml2_types_config *cfg, struct store_conn *c, const char *type,
                     const char *network_id, struct segment *ret)
{
    struct segment seg;
    int64_t id;
    int r = tunnel_pick(cfg, c, type, &id);

    if (r) {
        return r;
    }
    ml2_segment_init(&seg, type, "", id);
    return ml2_segment_store(c, &seg, network_id, ret);
}

static int
vxlan_allocate(const struct ml2_types_config *cfg, struct store_conn *c, const char *network_id,
               struct segment *ret)
{
    return tunnel_allocate_type(cfg, c, "vxlan", network_id, ret);
}

static int
gre_allocate(const struct ml2_types_config *cfg, struct store_conn *c, const char *network_id,
             struct segment *ret)
{
    return tunnel_allocate_type(cfg, c, "gre", network_id, ret);
}

static int
geneve_allocate(const struct ml2_types_config *cfg, struct store_conn *c,
                const char *network_id, struct segment *ret)
{
    return -ENOSPC;     /* No geneve ranges are configurable here. */
}

static int
tunnel_max_mtu(const struct ml2_types_config *cfg, const struct segment *seg)
{
    int mtu = cfg->global_physnet_mtu;

    if (cfg->path_mtu > 0 && cfg->path_mtu < mtu) {
        mtu = cfg->path_mtu;
    }
    return mtu - (cfg->overlay_ip_version == 6 ? 40 : 20) - tunnel_kind(seg->network_type)->overhead;
}

const struct type_driver type_vxlan = {
    .name = "vxlan",
    .validate = tunnel_validate,
    .reserve = tunnel_reserve,
    .allocate = vxlan_allocate,
    .release = ml2_segment_release_stored,
    .max_mtu = tunnel_max_mtu,
};

const struct type_driver type_gre = {
    .name = "gre",
    .validate = tunnel_validate,
    .reserve = tunnel_reserve,
    .allocate = gre_allocate,
    .release = ml2_segment_release_stored,
    .max_mtu = tunnel_max_mtu,
};

const struct type_driver type_geneve = {
    .name = "geneve",
    .validate = tunnel_validate,
    .reserve = tunnel_reserve,
    .allocate = geneve_allocate,
    .release = ml2_segment_release_stored,
    .max_mtu = tunnel_max_mtu,
};
