/* Port status and provisioning blocks; see provisioning.h. */
#include "provisioning.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/changes.h"
#include "store/store.h"
#include "util.h"

bool
provisioning_exempt(const char *device_owner)
{
    static const char *const exempt[] = {
        "network:dhcp", "network:floatingip", "network:ha_router_replicated_interface",
        "network:router_centralized_snat", "network:floatingip_agent_gateway",
        "network:distributed",
    };

    if (!device_owner || !*device_owner || str_startswith(device_owner, "network:router_")) {
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(exempt); i++) {
        if (STREQ(device_owner, exempt[i])) {
            return true;
        }
    }
    return false;
}

int
provisioning_setup(struct store_conn *c, const struct port *p, bool l2,
                   bool dhcp)
{
    bool needs_dhcp = false;
    int r = 0;

    if (provisioning_exempt(p->device_owner)) {
        return 0;
    }
    /* A port already ACTIVE gets no new L2 block (as Neutron): it is wired. */
    if (l2 && *p->binding_host_id && STREQ(p->binding_vif_type, "bridge")
        && !STREQ(p->status, "ACTIVE")) {
        r = store_block_add(c, p->std.id, PROVISIONING_L2);
    }
    if (!r && dhcp) {
        r = store_port_needs_dhcp(c, p->std.id, p->network_id, &needs_dhcp);
        if (!r && needs_dhcp) {
            r = store_block_add(c, p->std.id, PROVISIONING_DHCP);
        } else if (!r) {
            r = store_block_remove(c, p->std.id, PROVISIONING_DHCP);
            r = r == -ENOENT ? 0 : r;
        }
    }
    return r;
}

int
provisioning_complete(struct store_conn *c, struct port *p,
                      const struct network *n, const char *entity)
{
    int64_t left = 0;
    int r = store_block_remove(c, p->std.id, entity);

    if (r && r != -ENOENT) {
        return r;
    }
    if (r == -ENOENT && STREQ(entity, PROVISIONING_DHCP)) {
        /* The DHCP agent confirms every port it serves; one it was not waited for must
         * not turn ACTIVE before its tap is wired. */
        return 0;
    }
    r = store_block_count(c, p->std.id, &left);
    if (r || left) {
        return r;
    }
    if (p->admin_state_up && STREQ(p->binding_vif_type, "bridge")) {
        r = port_set_status(c, p, n, "ACTIVE");
    }
    return r;
}

int
port_set_status(struct store_conn *c, struct port *p,
                const struct network *n, const char *status)
{
    bool fdb = STREQ(n->segment.network_type, "vxlan")
               && (STREQ(status, "ACTIVE") || STREQ(p->status, "ACTIVE"));
    int r;

    if (STREQ(p->status, status)) {
        return 0;
    }
    snprintf(p->status, sizeof p->status, "%s", status);
    p->std.revision_number++;
    time_iso8601_now(p->std.updated_at);
    r = store_port_update(c, p);
    if (!r && fdb) {
        r = changes_record(c, "", CHANGE_FDB, p->network_id, p->network_id);
    }
    return r;
}
