/* HA routers in the domain core (Neutron's l3-ha; docs/behaviour/api.md §14): what an
 * HA router owns besides a legacy router's ports.  Each project with HA routers has one
 * HA network ("HA network tenant <project>", owned by no project, so only admins see
 * it) with one IPv4 subnet on [DEFAULT] l3_ha_net_cidr without DHCP or gateway; an HA
 * router has a VRRP id unique on that network (1..254, drawn at random among the free
 * ones) and, for each L3 agent hosting it, one network:router_ha_interface port bound
 * to that agent's host, over which the agents' keepalived elect the active one.
 *
 * The scheduler (l3/l3_sched.c) calls router_ha_bind_agent()/router_ha_unbind_agent()
 * as it adds and removes agents; core/router.c calls the rest on create, update and
 * delete.  Functions follow core.h's convention: 0, or -1 with op->err filled. */
#ifndef NEUTRINO_CORE_ROUTER_HA_H
#define NEUTRINO_CORE_ROUTER_HA_H

#include <stdbool.h>

#include "core/core.h"

#define ROUTER_HA_INTERFACE_OWNER "network:router_ha_interface"
/* Neutron's names of what it makes for a project's HA routers. */
#define ROUTER_HA_NETWORK_NAME "HA network tenant %s"
#define ROUTER_HA_SUBNET_NAME "HA subnet tenant %s"
#define ROUTER_HA_PORT_NAME "HA port tenant %s"

struct agent;
struct router;

/* Makes the project's HA network (and its subnet) unless it has one. */
int router_ha_ensure_network(const struct op *op, const char *project_id);
/* Makes agent 'a' one of the HA router's hosts: its VRRP id is allocated on first use
 * (none free: the router's status becomes ERROR, as Neutron, and 'a' is not bound), an
 * HA port is made on the agent's host, and the binding is written.  '*ret_bound' says
 * whether 'a' now hosts it (false: it did already, or no VRRP id was free). */
int router_ha_bind_agent(const struct op *op, const char *router_id, const struct agent *a,
                         bool *ret_bound);
/* Deletes the router's HA port on 'host'. */
int router_ha_unbind_agent(const struct op *op, const char *router_id, const char *host);
/* The router stops being HA (converted or deleted): its HA ports go and its VRRP id is
 * released ('rt' is updated in memory: ha_vr_id 0). */
int router_ha_release(const struct op *op, struct router *rt);
/* Deletes the project's HA network once the project has no HA router left. */
int router_ha_cleanup_network(const struct op *op, const char *project_id);

#endif
