/* The "flat" type: a network that is a whole physical network, untagged.  At most
 * one flat network per physical network (its allocation row is the guard); never
 * allocated to tenants automatically. */
#include <errno.h>

#include "type.h"
#include "util.h"

static bool
flat_allowed(const struct ml2_types_config *cfg, const char *physnet)
{
    if (cfg->flat_any) {
        return true;
    }
    for (size_t i = 0; i < cfg->n_flat_networks; i++) {
        if (STREQ(cfg->flat_networks[i], physnet)) {
            return true;
        }
    }
    return false;
}

static int
flat_validate(const struct ml2_types_config *cfg, const struct provider_request *req,
              struct api_error *err)
{
    if (!req->physical_network || !*req->physical_network) {
        return api_error_invalid(err, "physical_network required for flat provider network");
    }
    if (!cfg->flat_any && cfg->n_flat_networks == 0) {
        return api_error_invalid(err, "Flat provider networks are disabled");
    }
    if (!flat_allowed(cfg, req->physical_network)) {
        return api_error_invalid(err, "physical_network '%s' unknown for flat provider network",
                           req->physical_network);
    }
    if (req->has_segid && !req->segid_null && req->segmentation_id != 0) {
        return api_error_invalid(err, "segmentation_id prohibited for flat provider network");
    }
    return 0;
}

static int
flat_in_use(const struct segment *seg, struct api_error *err)
{
    return api_error_set(err, API_ERR_FLAT_NETWORK_IN_USE,
                    "Unable to create the flat network. Physical network %s is in use.",
                    seg->physical_network);
}

static int
flat_reserve(const struct ml2_types_config *cfg, struct store_conn *c,
             const struct provider_request *req, const char *network_id, struct segment *ret,
             struct api_error *err)
{
    struct segment seg;

    ml2_segment_init(&seg, "flat", req->physical_network, SEGMENTATION_ID_NONE);
    return ml2_segment_reserve(c, &seg, network_id, ret, flat_in_use, err);
}

static int
flat_allocate(const struct ml2_types_config *cfg, struct store_conn *c, const char *network_id,
              struct segment *ret)
{
    return -ENOSPC;
}

const struct type_driver type_flat = {
    .name = "flat",
    .validate = flat_validate,
    .reserve = flat_reserve,
    .allocate = flat_allocate,
    .release = ml2_segment_release_stored,
    .max_mtu = ml2_segment_physnet_mtu,
};
