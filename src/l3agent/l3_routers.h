/* The L3 agent's view of the server's answers, without any I/O (unit-tested): which
 * routers of an answer to POST AGENT_PATH_L3_ROUTERS this agent hosts, the engine's
 * model of them, the router ids the change feed names, and the counts the heartbeat
 * reports.  l3_agent.c does the talking and the applying. */
#ifndef NEUTRINO_L3_ROUTERS_H
#define NEUTRINO_L3_ROUTERS_H

#include <stdbool.h>

#include <jansson.h>

#include "buf.h"
#include "l3_model.h"

/* Sorts the routers of an answer ('routers', its AGENT_FIELD_ROUTERS array):
 * - a router the engine's model accepts goes to 'hosted' (object: id -> router,
 *   referenced), unless it has no gateway and 'handle_internal_only_routers' is off
 *   (Neutron's agent then does not host it: it is left out, so its namespace goes);
 * - a router the model refuses goes to 'invalid' (object: id -> reason) when it has a
 *   usable id (its namespace is then left as it is), and its reason to 'problems' (one
 *   line each) either way.
 * Returns how many routers were refused. */
size_t l3_routers_select(const json_t *routers, bool handle_internal_only_routers,
                         json_t *hosted, json_t *invalid, struct buf *problems);

/* The engine's model of the routers in 'hosted' (object: id -> router, as
 * l3_routers_select() keeps them) into 'm' (initialised by the caller).  0, or -1 with
 * the reason in 'reason'. */
int l3_routers_model(const json_t *hosted, struct l3_model *m, char *reason,
                     size_t reason_size);

/* Adds to 'ids' (object: id -> true) the router of each router_update or router_delete
 * in 'changes' (the feed's array) whose id is a UUID; other kinds are not this agent's.
 * Returns how many were added. */
size_t l3_routers_changed(const json_t *changes, json_t *ids);

/* Sets in 'configurations' the counts Neutron's L3 agent reports of what it hosts:
 * "routers", "ex_gw_ports", "interfaces", "floating_ips". */
void l3_routers_counts(const json_t *hosted, json_t *configurations);

#endif
