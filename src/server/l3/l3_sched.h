/* Router scheduling (docs/behaviour/api.md §16): which L3 agent hosts each router, as
 * Neutron's LeastRoutersScheduler decides it for legacy routers.  A router is hosted by
 * at most one alive, admin-up L3 agent in agent_mode legacy, the one hosting the fewest
 * routers; an agent whose configurations say handle_internal_only_routers = false takes
 * only routers with a gateway.  Routers are scheduled when they change (a gateway set,
 * an interface added, any update, as Neutron's notifications schedule them), when the
 * hosting agent's full sync finds routers no agent hosts (router_auto_schedule), and by
 * hand (the l3_agent_scheduler API).  The housekeeping timer moves routers off agents
 * dead for twice agent_down_time when allow_automatic_l3agent_failover is on.
 *
 * While a router is hosted its ports (gateway and interfaces) are bound to the agent's
 * host, so the linux-bridge agent there plugs the taps the L3 agent makes; its floating
 * IPs are ACTIVE while the host's agent is alive.  Every change the agent must act on
 * reaches it as CHANGE_ROUTER_UPDATE, and a router that goes or leaves the agent as
 * CHANGE_ROUTER_DELETE, recorded in the writer's transaction.
 *
 * Functions follow core.h's convention: 0, or -1 with op->err filled. */
#ifndef NEUTRINO_L3_SCHED_H
#define NEUTRINO_L3_SCHED_H

#include <stdbool.h>

#include "agent_proto.h"
#include "core/core.h"

struct agent;
struct port;
struct store_conn;

/* A router changed: when no agent hosts it and 'schedule', it is scheduled; if hosted,
 * its ports are bound to the host, its floating IPs' status follows the agent's
 * liveness, and the agent is told (CHANGE_ROUTER_UPDATE). */
int l3_router_changed(const struct op *op, const char *router_id, bool schedule);
/* Tells the agent hosting the router, if any, to read it again; nothing else. */
int l3_notify_router(const struct op *op, const char *router_id);
/* Tells every agent hosting a router whose gateway is on 'network_id' (a subnet of it
 * came, went, or changed its gateway). */
int l3_notify_gateway_network(const struct op *op, const char *network_id);
/* A port changed its addresses, or is about to go: the agents hosting the router that
 * owns it, or the routers of the floating IPs associated with it, are told. */
int l3_port_changed(const struct op *op, const struct port *p);
/* The router is about to be deleted: its agent is told (CHANGE_ROUTER_DELETE). */
int l3_router_deleting(const struct op *op, const char *router_id);

/* Whether agent 'a' may host a router with ('has_gateway') or without a gateway: an L3
 * agent in legacy mode, not pinned to another router, taking internal-only routers if
 * the router has no gateway.  Admin state and liveness are the caller's to check. */
bool l3_agent_can_host(const struct agent *a, const char *router_id, bool has_gateway);
/* Makes 'a' host the router (admin's choice or the scheduler's): binds its ports,
 * tells the agent.  The caller has checked that no agent hosts it. */
int l3_add_router(const struct op *op, const char *router_id, const struct agent *a);
/* Stops 'a' hosting the router: its ports are unbound, the agent is told
 * (CHANGE_ROUTER_DELETE).  Nothing happens if 'a' did not host it. */
int l3_remove_router(const struct op *op, const char *router_id, const struct agent *a);

/* The agent 'a' is about to be deleted: each router it hosts leaves it, as by
 * l3_remove_router(), free for the next change or full sync to schedule. */
int l3_agent_deleting(const struct op *op, const struct agent *a);

/* The admin state of agent 'a' (as now stored) changed: an L3 agent set down serves no
 * routers (Neutron's), so it hears router_delete for each it hosts; set up again,
 * router_update.  Returns 0 or a negative errno (only the feed is written). */
int l3_agent_admin_changed(struct store_conn *c, const struct agent *a);

/* What an L3 agent's full sync triggers with router_auto_schedule: every router no
 * agent hosts that 'a' can host goes to 'a' (if 'a' is alive and admin up). */
int l3_auto_schedule(const struct op *op, const struct agent *a);

/* HA routers (core/router_ha.h) are scheduled to up to max_l3_agents_per_router agents
 * (0: every candidate), each with its HA port; a change is told to each of them; their
 * agents report which of them is active (l3_ha_state_reported()), and the router's
 * ports are bound to that agent's host.  Failover does not move HA routers: VRRP
 * does. */
#define L3_HA_STATE_ACTIVE "active"
#define L3_HA_STATE_STANDBY "standby"
bool l3_ha_state_valid(const char *state);
/* Agent 'a' says the HA router 'router_id' is 'state' (active or standby) there; a
 * router 'a' does not host is ignored. */
int l3_ha_state_reported(const struct op *op, const struct agent *a, const char *router_id,
                         const char *state);

/* Whether port 'p' is the gateway or an interface of an HA router that the L3 agent of
 * 'host' hosts: such a port is plugged on every side (the linux-bridge agent there gets
 * its details, as Neutron's does), though bound to the active one.  0 or -errno. */
int l3_ha_port_hosted_on(struct store_conn *c, const struct port *p, const char *host,
                         bool *ret);

/* Failover, run by the housekeeping timer: moves the routers of admin-up L3 agents
 * silent for twice agent_down_time to another candidate (if
 * allow_automatic_l3agent_failover); a router with nowhere to go stays.  Idempotent. */
int l3_failover(const struct op *op);

#endif
