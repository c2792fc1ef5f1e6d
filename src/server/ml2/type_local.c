/* The "local" type: a network confined to one host's bridge.  No physical network,
 * no id, nothing to allocate; always available to tenants. */
#include "type.h"

static int
local_validate(const struct ml2_types_config *cfg, const struct provider_request *req,
               struct api_error *err)
{
    if (req->physical_network && *req->physical_network) {
        return api_error_invalid(err, "physical_network prohibited for local provider network");
    }
    if (req->has_segid && !req->segid_null && req->segmentation_id != 0) {
        return api_error_invalid(err, "segmentation_id prohibited for local provider network");
    }
    return 0;
}

static void
local_segment(struct segment *ret)
{
    ml2_segment_init(ret, "local", "", SEGMENTATION_ID_NONE);
}

static int
local_reserve(const struct ml2_types_config *cfg, struct store_conn *c,
              const struct provider_request *req, const char *network_id, struct segment *ret,
              struct api_error *err)
{
    local_segment(ret);
    return 0;
}

static int
local_allocate(const struct ml2_types_config *cfg, struct store_conn *c, const char *network_id,
               struct segment *ret)
{
    local_segment(ret);
    return 0;
}

static int
local_release(const struct ml2_types_config *cfg, struct store_conn *c,
              const struct segment *seg)
{
    return 0;
}

static int
local_max_mtu(const struct ml2_types_config *cfg, const struct segment *seg)
{
    return cfg->global_physnet_mtu;
}

const struct type_driver type_local = {
    .name = "local",
    .validate = local_validate,
    .reserve = local_reserve,
    .allocate = local_allocate,
    .release = local_release,
    .max_mtu = local_max_mtu,
};
