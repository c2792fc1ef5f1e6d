/* HA routers in the domain core; see router_ha.h. */
#include "router_ha.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "config.h"
#include "core/network.h"
#include "core/port.h"
#include "core/router.h"
#include "core/router_internal.h"
#include "core/subnet.h"
#include "ip.h"
#include "log.h"
#include "store/store.h"
#include "util.h"

LOG_MODULE("router");

/* The same store connection and error, acting as the server: what an HA router owns
 * belongs to no project, as in Neutron. */
static struct op
service_op(const struct op *op, struct context *svc)
{
    context_service(svc);
    return (struct op) { op->app, svc, op->c, op->err };
}

/* --- The project's HA network ------------------------------------------------------ */

static int
create_ha_subnet(const struct op *sop, const char *network_id, const char *project_id)
{
    const struct server_config *cfg = sop->app->cfg;
    char name[sizeof ROUTER_HA_SUBNET_NAME + 256];
    char cidr_text[CIDR_STRLEN];
    struct subnet s;
    struct cidr cidr;
    struct subnet_spec spec = {
        .project_id = "", .network_id = network_id, .ip_version = 4, .cidr = cidr_text,
        .name = name, .has_gateway_ip = true, .gateway_ip = NULL,
        .has_enable_dhcp = true, .enable_dhcp = false,
    };

    /* config.c checked the CIDR at start. */
    if (cidr_parse(cfg->l3_ha_net_cidr, &cidr)) {
        return core_internal(sop, -EINVAL);
    }
    cidr_format(&cidr, cidr_text);
    snprintf(name, sizeof name, ROUTER_HA_SUBNET_NAME, project_id);
    if (core_subnet_create(sop, &spec, &s)) {
        return -1;
    }
    subnet_done(&s);
    return 0;
}

int
router_ha_ensure_network(const struct op *op, const char *project_id)
{
    const struct server_config *cfg = op->app->cfg;
    char name[sizeof ROUTER_HA_NETWORK_NAME + 256];
    char id[ID_LEN];
    struct context svc;
    struct op sop = service_op(op, &svc);
    struct network_spec spec = {
        .project_id = "", .name = name, .has_admin_state_up = true, .admin_state_up = true,
        .has_shared = true, .shared = false,
    };
    struct network n;
    int r = store_ha_network_get(op->c, project_id, id);

    if (r != -ENOENT) {
        return r ? core_internal(op, r) : 0;
    }
    if (*cfg->l3_ha_network_type) {
        spec.provider.has_type = true;
        spec.provider.network_type = cfg->l3_ha_network_type;
    }
    if (*cfg->l3_ha_network_physical_name) {
        spec.provider.has_physnet = true;
        spec.provider.physical_network = cfg->l3_ha_network_physical_name;
    }
    snprintf(name, sizeof name, ROUTER_HA_NETWORK_NAME, project_id);
    if (core_network_create(&sop, &spec, &n)) {
        return -1;
    }
    r = store_ha_network_insert(op->c, project_id, n.std.id);
    r = r ? core_internal(op, r) : create_ha_subnet(&sop, n.std.id, project_id);
    if (!r) {
        log_info("HA network %s made for project %s", n.std.id, project_id);
    }
    network_done(&n);
    return r;
}

int
router_ha_cleanup_network(const struct op *op, const char *project_id)
{
    struct context svc;
    struct op sop = service_op(op, &svc);
    char id[ID_LEN];
    int64_t n = 0;
    int r = store_ha_routers_count(op->c, project_id, &n);

    r = r ? r : n ? 0 : store_ha_network_get(op->c, project_id, id);
    if (r == -ENOENT || (!r && n)) {
        return 0;
    }
    if (r) {
        return core_internal(op, r);
    }
    /* The binding row goes with the network (ON DELETE CASCADE). */
    if (core_network_delete(&sop, id, -1)) {
        return -1;
    }
    log_info("HA network %s deleted: project %s has no HA router left", id, project_id);
    return 0;
}

/* --- VRRP ids ------------------------------------------------------------------------ */

/* A VRRP id free on 'network_id', drawn at random as Neutron does; 0 if none is. */
static int
pick_vr_id(const struct op *op, const char *network_id, int *ret)
{
    bool used[STORE_VRID_LIMIT];
    int free_ids[STORE_VRID_LIMIT];
    int n = 0;
    int r = store_ha_vrids_used(op->c, network_id, used);

    if (r) {
        return core_internal(op, r);
    }
    for (int v = 1; v < STORE_VRID_LIMIT; v++) {
        if (!used[v]) {
            free_ids[n++] = v;
        }
    }
    *ret = n ? free_ids[random_below((uint64_t) n)] : 0;
    return 0;
}

/* Allocates the router's VRRP id unless it has one; 'rt->ha_vr_id' stays 0 when all
 * are taken. */
static int
ensure_vr_id(const struct op *op, struct router *rt, const char *network_id)
{
    int vr_id = 0;
    int r;

    if (rt->ha_vr_id) {
        return 0;
    }
    if (pick_vr_id(op, network_id, &vr_id)) {
        return -1;
    }
    if (!vr_id) {
        log_warn("router %s: no VRRP id is free on HA network %s", rt->std.id, network_id);
        return 0;
    }
    r = store_ha_vrid_insert(op->c, network_id, vr_id);
    if (!r) {
        rt->ha_vr_id = vr_id;
        r = store_router_update(op->c, rt);
    }
    return r ? core_internal(op, r) : 0;
}

/* Neutron marks an HA router it could not give a VRRP id ERROR. */
static int
set_router_error(const struct op *op, struct router *rt)
{
    int r;

    snprintf(rt->status, sizeof rt->status, "ERROR");
    r = store_router_update(op->c, rt);
    return r ? core_internal(op, r) : 0;
}

/* --- HA ports ------------------------------------------------------------------------ */

static int
create_ha_port(const struct op *op, const struct router *rt, const char *network_id,
               const char *host)
{
    char name[sizeof ROUTER_HA_PORT_NAME + 256];
    struct context svc;
    struct op sop = service_op(op, &svc);
    struct port_spec ps = {
        .project_id = "", .network_id = network_id, .name = name,
        .has_admin_state_up = true, .admin_state_up = true, .device_id = rt->std.id,
        .device_owner = ROUTER_HA_INTERFACE_OWNER, .binding_host_id = host,
    };
    char id[ID_LEN];
    int r;

    snprintf(name, sizeof name, ROUTER_HA_PORT_NAME, rt->std.project_id);
    if (core_port_create(&sop, &ps, id)) {
        return -1;
    }
    r = store_router_port_add(op->c, rt->std.id, id, ROUTER_HA_INTERFACE_OWNER);
    return r ? core_internal(op, r) : 0;
}

/* Deletes the router's HA ports, those bound to 'host' only unless it is NULL. */
static int
delete_ha_ports(const struct op *op, const char *router_id, const char *host)
{
    struct id_set ids = { NULL, 0 };
    struct context svc;
    struct op sop = service_op(op, &svc);
    int r = router_ports(op, router_id, ROUTER_HA_INTERFACE_OWNER, &ids);

    for (size_t i = 0; i < ids.n && !r; i++) {
        struct port p;
        int e = store_port_get(op->c, ids.ids[i], NULL, &p);
        if (e) {
            r = e == -ENOENT ? 0 : core_internal(op, e);
            continue;
        }
        if (!host || STREQ(p.binding_host_id, host)) {
            r = core_port_delete_read(&sop, &p);
        }
        port_done(&p);
    }
    free(ids.ids);
    return r;
}

/* --- Binding agents -------------------------------------------------------------------- */

int
router_ha_bind_agent(const struct op *op, const char *router_id, const struct agent *a,
                     bool *ret_bound)
{
    char network_id[ID_LEN];
    struct router rt;
    int r = store_router_get(op->c, router_id, NULL, &rt);

    *ret_bound = false;
    if (r) {
        return core_internal(op, r);
    }
    if (router_ha_ensure_network(op, rt.std.project_id)) {
        router_done(&rt);
        return -1;
    }
    r = store_ha_network_get(op->c, rt.std.project_id, network_id);
    if (r) {
        router_done(&rt);
        return core_internal(op, r);
    }
    r = ensure_vr_id(op, &rt, network_id);
    if (!r && !rt.ha_vr_id) {
        r = set_router_error(op, &rt);
        router_done(&rt);
        return r;
    }
    if (!r) {
        int e = store_l3_bind_ha(op->c, router_id, a->id);
        r = e == -EEXIST ? 0 : e ? core_internal(op, e) : 0;
        if (!e) {
            r = create_ha_port(op, &rt, network_id, a->host);
            *ret_bound = !r;
        }
    }
    router_done(&rt);
    return r;
}

int
router_ha_unbind_agent(const struct op *op, const char *router_id, const char *host)
{
    return delete_ha_ports(op, router_id, host);
}

int
router_ha_release(const struct op *op, struct router *rt)
{
    char network_id[ID_LEN];
    int r;

    if (delete_ha_ports(op, rt->std.id, NULL)) {
        return -1;
    }
    if (!rt->ha_vr_id) {
        return 0;
    }
    r = store_ha_network_get(op->c, rt->std.project_id, network_id);
    r = r ? r : store_ha_vrid_delete(op->c, network_id, rt->ha_vr_id);
    if (r && r != -ENOENT) {
        return core_internal(op, r);
    }
    rt->ha_vr_id = 0;
    return 0;
}
