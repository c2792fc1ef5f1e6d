/* The DHCP agents' ports; see dhcp_port.h. */
#include "dhcp_port.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/port.h"
#include "dhcp/dhcp_sched.h"
#include "log.h"
#include "store/store.h"
#include "util.h"

LOG_MODULE("core");

bool
dhcp_subnet_served(const struct subnet *s)
{
    return s->enable_dhcp && !(s->ipv6_address_mode && STREQ(s->ipv6_address_mode, "slaac"));
}

static bool
served_subnet(const struct subnet *subnets, size_t n, const char *id)
{
    for (size_t k = 0; k < n; k++) {
        if (STREQ(subnets[k].std.id, id) && dhcp_subnet_served(&subnets[k])) {
            return true;
        }
    }
    return false;
}

/* The fixed_ips the DHCP port should have — its current address on every served
 * subnet, and a new one where it has none — into 'spec' ('*ret_ips' and '*ret_allocs'
 * to free()).  Sets 'spec->has_fixed_ips' only when something must change. */
static int
wanted_fixed_ips(const struct op *op, const char *port_id, const struct subnet *subnets,
                 size_t n_subnets, struct port_spec *spec, struct fixed_ip_spec **ret_ips,
                 struct ip_allocation **ret_allocs)
{
    struct ip_allocation *now = NULL;
    struct fixed_ip_spec *want;
    size_t n_now = 0, n_want = 0;
    bool change = false;
    int r = port_id ? store_allocs_of_port(op->c, port_id, &now, &n_now) : 0;

    if (r) {
        return core_internal(op, r);
    }
    want = xcalloc(n_now + n_subnets + 1, sizeof *want);
    for (size_t i = 0; i < n_now; i++) {
        if (served_subnet(subnets, n_subnets, now[i].subnet_id)) {
            want[n_want++] = (struct fixed_ip_spec) { now[i].subnet_id, now[i].ip_address,
                                                      false };
        } else {
            change = true;
        }
    }
    for (size_t k = 0; k < n_subnets; k++) {
        bool has = false;
        for (size_t i = 0; i < n_now && !has; i++) {
            has = STREQ(now[i].subnet_id, subnets[k].std.id);
        }
        if (dhcp_subnet_served(&subnets[k]) && !has) {
            want[n_want++] = (struct fixed_ip_spec) { subnets[k].std.id, NULL, false };
            change = true;
        }
    }
    spec->has_fixed_ips = change;
    spec->fixed_ips = want;
    spec->n_fixed_ips = n_want;
    *ret_ips = want;
    *ret_allocs = now;
    return 0;
}

/* A new DHCP port for 'host'. */
static int
create_port(const struct op *op, const char *host, const char *device_id,
            const struct network *n, const struct subnet *subnets, size_t n_subnets,
            struct port *ret)
{
    struct port_spec spec = {
        .project_id = n->std.project_id, .network_id = n->std.id, .name = "",
        .has_admin_state_up = true, .admin_state_up = true, .device_id = device_id,
        .device_owner = "network:dhcp", .binding_host_id = host,
    };
    struct ip_allocation *none = NULL;
    struct fixed_ip_spec *ips = NULL;
    char id[ID_LEN];
    int r = wanted_fixed_ips(op, NULL, subnets, n_subnets, &spec, &ips, &none);

    /* Asked for explicitly even when empty: a DHCP port takes no default address. */
    spec.has_fixed_ips = true;
    r = r ? r : core_port_create(op, &spec, id);
    free(ips);
    free(none);
    if (r) {
        return -1;
    }
    r = store_port_get(op->c, id, NULL, ret);
    return r ? core_internal(op, r) : 0;
}

int
core_dhcp_port_ensure(const struct op *op, const char *host, const struct network *n,
                      const struct subnet *subnets, size_t n_subnets, struct port *ret)
{
    char device_id[DHCP_DEVICE_ID_LEN];
    struct port_spec spec = { 0 };
    struct fixed_ip_spec *ips = NULL;
    struct ip_allocation *allocs = NULL;
    int r;

    dhcp_device_id(host, n->std.id, device_id);
    r = store_port_by_device(op->c, n->std.id, device_id, ret);
    if (r == -ENOENT) {
        r = store_port_by_device(op->c, n->std.id, DHCP_RESERVED_DEVICE_ID, ret);
        if (!r) {
            log_info("DHCP agent on %.64s takes over the reserved DHCP port %s", host,
                     ret->std.id);
            spec.device_id = device_id;
            spec.binding_host_id = host;
        }
    }
    if (r == -ENOENT) {
        return create_port(op, host, device_id, n, subnets, n_subnets, ret);
    }
    if (r) {
        return core_internal(op, r);
    }
    if (!STREQ(ret->binding_host_id, host)) {
        spec.binding_host_id = host;
    }
    r = wanted_fixed_ips(op, ret->std.id, subnets, n_subnets, &spec, &ips, &allocs);
    if (!r && !port_spec_empty(&spec)) {
        r = core_port_update_read(op, ret, &spec);
    }
    free(ips);
    free(allocs);
    if (r) {
        port_done(ret);
        return -1;
    }
    return 0;
}

int
core_dhcp_port_release(const struct op *op, const char *host, const char *network_id)
{
    char device_id[DHCP_DEVICE_ID_LEN];
    struct port p;
    int r;

    dhcp_device_id(host, network_id, device_id);
    r = store_port_by_device(op->c, network_id, device_id, &p);
    if (r == -ENOENT) {
        return 0;
    }
    if (r) {
        return core_internal(op, r);
    }
    log_info("releasing DHCP port %s of network %s on %.64s", p.std.id, network_id, host);
    r = core_port_delete_read(op, &p);
    port_done(&p);
    return r;
}
