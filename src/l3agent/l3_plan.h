/* The L3 agent's planner: what the kernel of a node holds for its routers (struct
 * l3_state, read by l3.c) against what the model wants (l3_model.h), as a list of
 * actions in the order they must run.  Pure functions: no kernel, unit-tested.
 *
 * What a hosted router is in the kernel (Neutron's legacy router with the linuxbridge
 * interface driver; behaviour/dataplane.md §8):
 * - namespace <prefix><router id> (prefix "qrouter-"), with net.ipv4.ip_forward=1,
 *   net.ipv6.conf.all.forwarding=1, net.ipv4.conf.all.arp_ignore=1 and arp_announce=2;
 * - per port a veth pair: tap<port id[:11]> stays in the node's namespace (the
 *   linux-bridge agent plugs it into the network's bridge), its peer qr-<port id[:11]>
 *   (internal) or qg-<port id[:11]> (gateway) in the router's namespace with the port's
 *   MAC, MTU and addresses, up; each floating IP is a /32 on qg-;
 * - routes ("proto static", so that only ours are ever removed): the default route via
 *   each gateway IP (an on-link route to the gateway first when no subnet of the port
 *   holds it), on-link routes to the external network's other subnets, the router's
 *   extra routes through the port whose subnet holds their next hop;
 * - IPv4 rules, chains neutrino-l3-*, written for the whole router in one
 *   iptables-restore (tables nat and mangle) when anything in them differs:
 *     nat  neutrino-l3-PREROUTING, -OUTPUT:  -d FIP/32 -j DNAT --to-destination FIXED
 *          neutrino-l3-POSTROUTING: ! -o qg- -m conntrack ! --ctstate DNAT -j ACCEPT
 *          neutrino-l3-snat: -j neutrino-l3-float-snat, then (enable_snat) -o qg- -j
 *            SNAT --to-source GW, then packets DNATed that did not come in from outside
 *            (mark 0x2) SNAT to GW, so an instance reaching a floating IP of its own
 *            network gets the answers back through the router;
 *          neutrino-l3-float-snat: -s FIXED/32 -j SNAT --to-source FIP
 *          jumps: PREROUTING, OUTPUT, POSTROUTING (then POSTROUTING -> snat);
 *     mangle neutrino-l3-mark: -i qg- -j MARK --set-xmark 0x2/0xffff (from PREROUTING);
 * - gratuitous ARP for each gateway or floating address that appeared;
 * - the connections of a floating IP deleted when it leaves (or moves to another fixed
 *   address): conntrack -D with it as original destination or reply destination.
 * An HA router (l3_model.h "ha") also has ha-<port id[:11]> (its tap likewise) with the
 * HA port's address; its qr-/qg- devices are laid out without addresses, and neither
 * routes nor gratuitous ARPs are planned for it: keepalived (keepalived.h) adds them on
 * the active side and takes them away on the others.  Its rules are the same on every
 * side (they match nothing where the addresses are absent).
 * Namespaces with the prefix whose router the model lacks (or is down) are removed with
 * their qr-/qg- devices (which takes their taps with them).  Nothing else is touched:
 * other namespaces, devices that are not qr-/qg-, routes not "proto static", rules
 * outside the neutrino-l3-* chains and their jumps. */
#ifndef NEUTRINO_L3_PLAN_H
#define NEUTRINO_L3_PLAN_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ip.h"
#include "l3_model.h"

#define L3_NS_SIZE 128
#define L3_NS_PREFIX "qrouter-"
/* Device name prefixes in a router's namespace. */
#define L3_IF_PREFIX "qr-"
#define L3_GW_PREFIX "qg-"
#define L3_HA_PREFIX "ha-"

/* --- What the kernel holds ------------------------------------------------------- */

struct l3_dev_state {
    char name[IFNAMSIZ];        /* qr-..., qg-... or ha-... */
    uint8_t mac[6];
    int mtu;
    bool up;
    struct cidr *addrs;         /* Global addresses, host bits kept. */
    size_t n_addrs;
};

struct l3_route_state {
    char dev[IFNAMSIZ];
    struct cidr destination;
    bool has_nexthop;           /* false: an on-link route. */
    struct ip_addr nexthop;
};

/* One sysctl of the router's namespace (path under /proc/sys) and its value. */
struct l3_sysctl {
    const char *path;
    const char *value;
};

struct l3_router_state {
    char id[L3_ID_SIZE];
    char ns[L3_NS_SIZE];
    struct l3_dev_state *devs;
    size_t n_devs;
    struct l3_route_state *routes;  /* Only "proto static" ones. */
    size_t n_routes;
    bool sysctls_ok;            /* All of l3_sysctls hold their values. */
    bool unreadable;            /* Its namespace could not be read: planned no action. */
    struct buf rules;           /* Our lines of iptables-save (l3_rules_ours()). */
};

/* The node: its routers' namespaces and the taps in its own namespace. */
struct l3_state {
    struct l3_router_state *routers;
    size_t n_routers;
    size_t n_unreadable;        /* Routers marked unreadable... */
    char unreadable_reason[256];    /* ...and why the first one was. */
    struct l3_tap_state {
        char name[IFNAMSIZ];
        int mtu;
        bool up;
    } *taps;
    size_t n_taps;
};

void l3_state_init(struct l3_state *s);
void l3_state_done(struct l3_state *s);
/* Adds a router namespace (zeroed but for the names) and returns it. */
struct l3_router_state *l3_state_add_router(struct l3_state *s, const char *id, const char *ns);
struct l3_dev_state *l3_router_state_add_dev(struct l3_router_state *r, const char *name);

/* The sysctls every router namespace gets, NULL-terminated. */
extern const struct l3_sysctl l3_sysctls[];

/* Keeps from 'iptables_save' (the output for one table, "*nat" ... "COMMIT") the lines
 * that are ours, in order, appending them to 'out': the table line, our chains'
 * declarations (without counters), their rules and the jumps to them. */
void l3_rules_ours(const char *iptables_save, struct buf *out);

/* --- What to do ------------------------------------------------------------------ */

enum l3_action_kind {
    L3_NS_ADD,                  /* ns */
    L3_NS_DEL,                  /* ns */
    L3_SYSCTLS,                 /* ns: write l3_sysctls */
    L3_LINK_DEL,                /* ns, dev (its tap goes with it) */
    L3_TAP_DEL,                 /* tap: a left-over tap whose peer is gone */
    L3_VETH_ADD,                /* ns, dev, tap, mac, mtu */
    L3_LINK_SET,                /* ns, dev, mac, mtu, up */
    L3_TAP_SET,                 /* tap, mtu, up */
    L3_ADDR_DEL,                /* ns, dev, cidr */
    L3_ADDR_ADD,                /* ns, dev, cidr */
    L3_ROUTE_DEL,               /* ns, dev, cidr, nexthop (if has_nexthop) */
    L3_ROUTE_ADD,               /* ns, dev, cidr, nexthop (if has_nexthop) */
    L3_RULES,                   /* ns, text: input of iptables-restore --noflush */
    L3_GARP,                    /* ns, dev, address */
    L3_CT_DELETE,               /* ns, address: its connections go */
    L3_N_ACTIONS
};

struct l3_action {
    enum l3_action_kind kind;
    char router_id[L3_ID_SIZE];
    char ns[L3_NS_SIZE];
    char dev[IFNAMSIZ];
    char tap[IFNAMSIZ];
    uint8_t mac[6];
    int mtu;                    /* 0: unchanged. */
    struct cidr cidr;           /* Address or route destination; for GARP/CT the address. */
    bool has_nexthop;
    struct ip_addr nexthop;
    char *text;                 /* L3_RULES: owned. */
};

struct l3_plan {
    struct l3_action *actions;
    size_t n_actions, cap;
    size_t n_unroutable;        /* Extra routes whose next hop no port reaches (skipped). */
};

void l3_plan_init(struct l3_plan *p);
void l3_plan_done(struct l3_plan *p);
bool l3_plan_empty(const struct l3_plan *p);

/* Which routers an apply looks at: all (NULL), or only those named (an update of a few
 * routers then costs reading only their namespaces; the others are left as they are,
 * whatever the model says of them). */
struct l3_scope {
    const char *const *ids;
    size_t n_ids;
};
bool l3_scope_has(const struct l3_scope *scope, const char *id);

/* Plans what makes 'have' (read under namespace prefix 'ns_prefix') match model 'm' for
 * the routers in 'scope' (NULL: all).  'p' is initialised by the caller. */
void l3_plan_make(const struct l3_model *m, const struct l3_state *have, const char *ns_prefix,
                  const struct l3_scope *scope, struct l3_plan *p);

/* The rules router 'r' wants, as l3_rules_ours() would read them back (tests, tools). */
void l3_rules_desired(const struct l3_router *r, struct buf *out);

/* The action's name ("veth-add"...) and a one-line description for logs and tools. */
const char *l3_action_name(enum l3_action_kind kind);
void l3_action_format(const struct l3_action *a, struct buf *out);

/* Device names: "qr-"/"qg-"/"tap" + the first 11 characters of the port id. */
void l3_dev_name(const char *prefix, const char *port_id, char out[IFNAMSIZ]);

#endif
