/* What the linux-bridge dataplane should change, as a pure function of what is wanted
 * and what the kernel has.  The server's device details are parsed into a typed
 * description (struct wire_port); the kernel is a snapshot of links as nl.h reports
 * them (struct wire_kernel); the answer is a plan, an ordered list of steps (create a
 * bridge or an uplink, put a link into a bridge or take it out, move addresses, delete
 * a link, add or remove a forwarding entry).  wire.c takes the snapshot, asks for the
 * plan and carries it out through nl.c; nothing here touches the kernel, so the
 * decisions are tested over fake snapshots.
 *
 * A plan changes only what differs: planning again against the kernel the plan left
 * gives an empty plan. */
#ifndef NEUTRINO_AGENT_WIRE_PLAN_H
#define NEUTRINO_AGENT_WIRE_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "nl.h"

/* --- What is wanted ---------------------------------------------------------------- */

enum wire_net_type {
    WIRE_NET_LOCAL,             /* A bridge, no uplink. */
    WIRE_NET_FLAT,              /* The mapped interface itself. */
    WIRE_NET_VLAN,              /* <iface>.<vid> over the mapped interface. */
    WIRE_NET_VXLAN,             /* vxlan-<vni> over the VTEP interface. */
};

/* One tap and the port behind it, from the server's device details. */
struct wire_port {
    char device[IFNAMSIZ];
    char port_id[40];
    char network_id[40];
    enum wire_net_type type;
    char physical_network[64];  /* "" when none. */
    int64_t segmentation_id;
    int mtu;                    /* 0: leave as it is. */
    bool admin_state_up;
};

/* Parses device details ({device, port_id, network_id, network_type, ...}).  Returns
 * 0, or -1 with the reason (for the log) in 'reason'. */
int wire_port_parse(const json_t *details, struct wire_port *port, char *reason,
                    size_t reason_size);

/* What the node offers the plan (from its configuration and start-up checks). */
struct wire_node {
    const struct agent_config *cfg;     /* physical_interface_mappings, vxlan. */
    bool have_vtep;                     /* local_ip is on an interface here. */
};

/* "brq" + the first 11 characters of a network id. */
void wire_bridge_name(const char *network_id, char out[IFNAMSIZ]);
/* <iface>.<vid>, shortened as Neutron does when too long. */
void wire_vlan_name(const char *iface, int64_t vid, char out[IFNAMSIZ]);
/* vxlan-<vni>. */
void wire_vxlan_name(int64_t vni, char out[IFNAMSIZ]);

/* --- What the kernel has ----------------------------------------------------------- */

struct wire_kernel {
    struct nl_link *links;
    size_t n, cap;
};

void wire_kernel_add(struct wire_kernel *k, const struct nl_link *link);
const struct nl_link *wire_kernel_find(const struct wire_kernel *k, const char *name);
void wire_kernel_done(struct wire_kernel *k);

/* The names of the links wiring 'port' looks at (tap, bridge, uplink, the uplink's
 * parent): a snapshot holding those that exist is all wire_plan_plug() needs.
 * Returns how many (at most 4). */
size_t wire_plug_links(const struct wire_port *port, const struct wire_node *node,
                       char names[4][IFNAMSIZ]);

/* --- The plan ---------------------------------------------------------------------- */

enum wire_step_kind {
    WIRE_CREATE_BRIDGE,         /* name (made up, STP off). */
    WIRE_CREATE_VLAN,           /* name over 'peer' with id 'id'. */
    WIRE_CREATE_VXLAN,          /* name with VNI 'id' and 'mtu', over the VTEP. */
    WIRE_SET_LINK,              /* name: 'master', 'mtu', 'up' as far as they are set. */
    WIRE_MOVE_IPS,              /* Addresses and gateway routes of name go to 'peer'. */
    WIRE_DELETE_LINK,           /* name (gone already is fine). */
    WIRE_FDB_ADD,               /* name's entry mac -> dst (appended for the flood). */
    WIRE_FDB_DEL,               /* name's entry mac -> dst (gone already is fine). */
};

/* For WIRE_SET_LINK's master. */
enum wire_master {
    WIRE_MASTER_KEEP,
    WIRE_MASTER_NONE,           /* Leave its bridge. */
    WIRE_MASTER_PEER,           /* Join bridge 'peer'. */
};

struct wire_step {
    enum wire_step_kind kind;
    char name[IFNAMSIZ];
    char peer[IFNAMSIZ];
    int64_t id;
    enum wire_master master;
    int mtu;                    /* 0: unchanged. */
    int up;                     /* 1, 0, or -1: unchanged. */
    struct nl_fdb fdb;
    char what[160];             /* What the step is about, for an error ("bridge brq…"). */
};

struct wire_plan {
    struct wire_step *steps;
    size_t n, cap;
};

void wire_plan_clear(struct wire_plan *p);
void wire_plan_done(struct wire_plan *p);

/* Appends the steps that wire 'port' against kernel 'k': its bridge, the network's
 * uplink in it, and the tap in it at the port's MTU and admin state.  Returns 0, or
 * -1 with the reason in 'reason' when the port cannot be wired here (then nothing is
 * appended). */
int wire_plan_plug(const struct wire_port *port, const struct wire_node *node,
                   const struct wire_kernel *k, struct wire_plan *p, char *reason,
                   size_t reason_size);

/* Appends the steps that remove bridge 'bridge' of kernel 'k' (a full snapshot: its
 * members are looked for): the uplinks made for it (vlan, vxlan) are deleted, a flat
 * interface gets its addresses back and leaves, taps stay (they go with the bridge).
 * Nothing if there is no such bridge. */
void wire_plan_remove_bridge(const char *bridge, const struct wire_kernel *k,
                             struct wire_plan *p);

/* The remote entries ({vtep ip: [[mac, ip]...]}) a vxlan device should have: a flood
 * entry (00:00:00:00:00:00) per VTEP other than 'local_ip' (may be NULL), and one per
 * remote port.  Returns how many were put in '*ret' (malloc'd). */
size_t wire_fdb_parse(const json_t *vteps, const char *local_ip, struct nl_fdb **ret);

/* Whether 'e' is a flood entry (all-zero MAC: broadcast and unknown unicast). */
bool wire_fdb_is_flood(const struct nl_fdb *e);

/* Appends the steps that make vxlan device 'dev's remote entries 'have' equal to
 * 'want'. */
void wire_plan_fdb(const char *dev, const struct nl_fdb *want, size_t n_want,
                   const struct nl_fdb *have, size_t n_have, struct wire_plan *p);

#endif
