/* DHCP scheduling: which DHCP agents host which networks.  A network with a
 * DHCP-enabled subnet is hosted by up to dhcp_agents_per_network alive, admin-up DHCP
 * agents, least loaded first, on hosts whose linux-bridge agent can carry the
 * network's segment, in the zones the network is hinted to (its
 * availability_zone_hints, else default_availability_zones; none: any zone).  With
 * network_scheduler_driver AZAwareWeightScheduler a network's agents are spread over
 * those zones: each next agent comes from the zone hosting it on the fewest.  Networks
 * are scheduled when a DHCP subnet appears and when a
 * DHCP agent reports (auto-schedule of every network short of agents); the
 * housekeeping timer (housekeeping.h) moves them off agents dead for twice
 * agent_down_time.  Each agent learns of a change in what it hosts through a
 * CHANGE_DHCP_NETWORK addressed to it. */
#ifndef NEUTRINO_DHCP_SCHED_H
#define NEUTRINO_DHCP_SCHED_H

#include <stdbool.h>

#include "agent_proto.h"

struct agent;
struct server_config;
struct store_conn;

#define DHCP_AGENT_TYPE AGENT_TYPE_DHCP
#define DHCP_RESERVED_DEVICE_ID "reserved_dhcp_port"
/* "dhcp" + UUID + "-" + network id + NUL. */
#define DHCP_DEVICE_ID_LEN (4 + 36 + 1 + 36 + 1)

/* The device_id of the DHCP port 'host' serves 'network_id' with: "dhcp" + UUIDv5(DNS
 * namespace, host name up to its first dot) + "-" + network id, as Neutron forms it. */
void dhcp_device_id(const char *host, const char *network_id, char out[DHCP_DEVICE_ID_LEN]);

/* Gives the network agents up to dhcp_agents_per_network, if it has a DHCP subnet.
 * All functions return 0 or a negative errno. */
int dhcp_schedule_network(const struct server_config *cfg, struct store_conn *c,
                          const char *network_id);

/* Makes 'a' host the network (admin's choice or the scheduler's); -EEXIST if it does. */
int dhcp_add_network(struct store_conn *c, const char *network_id, const struct agent *a);

/* Stops 'a' hosting the network; its DHCP port is kept for the next agent (device_id
 * reserved_dhcp_port).  'notify' tells the agent.  -ENOENT if it did not host it. */
int dhcp_remove_network(struct store_conn *c, const char *network_id, const struct agent *a,
                        bool notify);

/* Failover, run by the housekeeping timer: moves every network off the admin-up DHCP
 * agents silent for twice agent_down_time (if allow_automatic_dhcp_failover) and,
 * with network_auto_schedule, schedules it again.  Idempotent: a second run finds
 * nothing left to move. */
int dhcp_failover(const struct server_config *cfg, struct store_conn *c);

/* What a DHCP agent reporting in (or syncing) triggers: every network short of agents
 * is scheduled (if network_auto_schedule), as the agent may be the one that can take
 * it. */
int dhcp_auto_schedule(const struct server_config *cfg, struct store_conn *c);

#endif
