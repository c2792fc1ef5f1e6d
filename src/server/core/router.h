/* Routers in the domain core (docs/behaviour/api.md §14): create, update and delete, the
 * external gateway (a network:router_gateway port on an external network), interfaces
 * (network:router_interface ports, made from a subnet or taken over from a port) and
 * extra routes, with Neutron's checks in Neutron's order.  Every port a router owns is
 * made and removed through core/port.c, as any port is.  See core.h for the calling
 * convention. */
#ifndef NEUTRINO_CORE_ROUTER_H
#define NEUTRINO_CORE_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/port.h"

#define ROUTER_GATEWAY_OWNER "network:router_gateway"
#define ROUTER_INTERFACE_OWNER "network:router_interface"

/* One extra route, as checked text (a CIDR and an address). */
struct route_spec {
    const char *destination;
    const char *nexthop;
};

/* external_gateway_info as asked; network_id NULL clears the gateway. */
struct gateway_spec {
    const char *network_id;
    bool has_enable_snat;
    bool enable_snat;
    bool has_fixed_ips;                 /* external_fixed_ips given. */
    const struct fixed_ip_spec *fixed_ips;
    size_t n_fixed_ips;
};

/* What a create sets or an update changes (strings borrowed; NULL or a false has_*:
 * not given). */
struct router_spec {
    const char *project_id;             /* Create only: the owner (NULL: the caller's). */
    const char *name;
    const char *description;
    bool has_admin_state_up;
    bool admin_state_up;
    bool has_gateway;
    struct gateway_spec gateway;
    bool has_routes;
    const struct route_spec *routes;    /* Each once (the API refuses duplicates). */
    size_t n_routes;
    bool has_distributed;               /* Admin only; only false exists here. */
    bool distributed;
    bool has_ha;                        /* Admin only; only false exists here. */
    bool ha;
    const char *az_hints_json;          /* Create only: JSON array of zone names (NULL:
                                         * none asked for). */
};

/* What add_router_interface and remove_router_interface answer. */
struct router_interface {
    char router_id[ID_LEN];
    char *project_id;                   /* The port's owner. */
    char port_id[ID_LEN];
    char network_id[ID_LEN];
    char *subnet_ids_json;              /* JSON array of the port's subnets. */
    char subnet_id[ID_LEN];             /* The one Neutron names on its own. */
};

void router_interface_done(struct router_interface *ri);

int core_router_create(const struct op *op, const struct router_spec *spec,
                       struct router *ret);
int core_router_get(const struct op *op, const char *id, struct router *ret);
/* Applies 'spec' ('expected_revision': the If-Match precondition, -1 for none); '*ret'
 * is the router as stored. */
int core_router_update(const struct op *op, const char *id, const struct router_spec *spec,
                       int64_t expected_revision, struct router *ret);
/* Deletes a router that has no interface left, with its gateway port. */
int core_router_delete(const struct op *op, const char *id, int64_t expected_revision);

/* Attaches the subnet 'subnet_id' (a new port on its gateway address) or the port
 * 'port_id' (NULL for the one not given). */
int core_router_add_interface(const struct op *op, const char *router_id,
                              const char *subnet_id, const char *port_id,
                              struct router_interface *ret);
/* Detaches by port (its port is deleted) or by subnet. */
int core_router_remove_interface(const struct op *op, const char *router_id,
                                 const char *subnet_id, const char *port_id,
                                 struct router_interface *ret);
/* extraroute-atomic: adds ('add') or removes 'routes' to or from the router's, as one
 * change; '*ret' is the router as stored. */
int core_router_change_routes(const struct op *op, const char *router_id, bool add,
                              const struct route_spec *routes, size_t n_routes,
                              struct router *ret);

/* Refuses, as Neutron does, the port API's delete of a port a router owns
 * (ServicePortInUse). */
int core_router_check_port_delete(const struct op *op, const struct port *p);

#endif
