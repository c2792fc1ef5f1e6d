/* The linux-bridge dataplane of one node: a bridge
 * brq<net[:11]> per network, its uplink (the mapped interface for flat, <iface>.<vid>
 * for vlan, vxlan-<vni> for vxlan, none for local), taps enslaved into it, and the
 * vxlan forwarding entries l2population asks for.  Every operation is idempotent: it
 * compares with what the kernel has and changes only the difference (wire_plan.h
 * decides what differs), so re-wiring a working port (after an agent restart) never
 * disturbs its traffic. */
#ifndef NEUTRINO_AGENT_WIRE_H
#define NEUTRINO_AGENT_WIRE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "nl.h"
#include "wire_plan.h"

struct wire {
    const struct agent_config *cfg;
    struct nl *nl;
    int vtep_ifindex;           /* Interface holding local_ip (vxlan), 0 if none. */
    bool vlan_unsupported;      /* The kernel refused an 802.1Q device. */
};

/* Wires the tap named in 'details' (the server's device details): bridge, uplink, MTU,
 * membership, link state.  Returns 0, or -1 with the reason (for the log) in 'reason'. */
int wire_plug(struct wire *w, const json_t *details, char *reason, size_t reason_size);

/* Removes the bridge of 'bridge' and the uplink devices it created (vxlan, vlan); a
 * flat interface is only detached.  Missing devices are not an error. */
int wire_remove_bridge(struct wire *w, const char *bridge);

/* Makes vxlan device 'dev's forwarding entries equal to 'vteps' ({ip: [[mac, ip]...]})
 * : a flood entry per remote VTEP plus one per remote port.  Returns 0 or -errno. */
int wire_l2pop(struct wire *w, const char *dev, const json_t *vteps);

#endif
