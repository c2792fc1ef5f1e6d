/* The linux-bridge mechanism driver: port binding (docs/behaviour/ml2.md §5).  A port with a
 * binding:host_id binds if that host has an alive linux-bridge agent that can carry one
 * of the network's segments (the first that fits) — local always; flat and vlan if the agent maps the physnet; vxlan
 * if the agent reports it among its tunnel types; gre and geneve never. */
#ifndef NEUTRINO_ML2_MECH_LINUXBRIDGE_H
#define NEUTRINO_ML2_MECH_LINUXBRIDGE_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct store_conn;
struct server_config;

#define LINUXBRIDGE_AGENT_TYPE "Linux bridge agent"

/* The outcome of a binding attempt: static strings. */
struct binding {
    const char *vif_type;       /* "bridge", "binding_failed" or "unbound". */
    const char *vif_details;    /* JSON object. */
    const char *reason;         /* Why it failed, for the log; NULL on success. */
    int segment;                /* The network's segment it bound to (0: the first). */
};

/* Binds a port of vnic type 'vnic_type' to 'host' on network 'n': to the first of its
 * segments the host's agent can carry, as ML2 tries a network's segments in order.
 * Returns 0 with 'ret' filled, or a negative errno on database failure. */
int linuxbridge_bind(const struct server_config *cfg, struct store_conn *c, const char *host,
                     const char *vnic_type, const struct network *n, struct binding *ret);

/* True if an agent whose last heartbeat was at 'heartbeat_at' counts as alive now. */
bool agent_is_alive(const struct server_config *cfg, int64_t heartbeat_at);

#endif
