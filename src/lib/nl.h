/* rtnetlink through libmnl: the link, address and bridge-FDB operations the agents
 * need, in whatever network namespace the process runs in.  Requests wait for the
 * kernel's acknowledgement and return 0 or a negative errno (the kernel's answer, e.g.
 * -EOPNOTSUPP for a device kind this kernel lacks).  One struct nl per thread. */
#ifndef NEUTRINO_AGENT_NL_H
#define NEUTRINO_AGENT_NL_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

struct nl;

struct nl_link {
    int ifindex;
    char name[IFNAMSIZ];
    char kind[16];          /* "bridge", "vxlan", "veth", "vlan", ... or "". */
    int master;             /* ifindex of the bridge it is in, 0 if none. */
    int mtu;
    bool up;                /* IFF_UP */
    uint8_t mac[6];
};

/* A bridge forwarding entry of a vxlan device. */
struct nl_fdb {
    uint8_t mac[6];
    char dst[46];           /* Remote VTEP address, "" if none. */
};

int nl_open(struct nl **ret);
/* A socket working in the network namespace 'netns_fd' (the caller's thread is moved
 * there and back while it is made). */
int nl_open_netns(struct nl **ret, int netns_fd);
void nl_close(struct nl *nl);

/* Link events: a non-blocking socket subscribed to RTNLGRP_LINK (fd for poll()). */
int nl_monitor_open(struct nl **ret);
int nl_fd(const struct nl *nl);
/* Reads the queued events, calling 'cb' with each link and whether it was removed.
 * Returns 0 when drained, -ENOBUFS if events were lost (resynchronise), or another
 * negative errno. */
typedef void nl_event_cb(const struct nl_link *link, bool removed, void *aux);
int nl_monitor_read(struct nl *nl, nl_event_cb *cb, void *aux);

typedef void nl_link_cb(const struct nl_link *link, void *aux);
int nl_link_dump(struct nl *nl, nl_link_cb *cb, void *aux);
/* -ENODEV if there is no link of that name. */
int nl_link_get(struct nl *nl, const char *name, struct nl_link *ret);

/* Creates a bridge as Neutron's agent does: STP off, forward delay 0, no multicast
 * snooping, up.  -EEXIST if the name is taken. */
int nl_bridge_add(struct nl *nl, const char *name);
/* Creates a vxlan device over 'dev_ifindex' with VNI 'vni'.  'local' (source
 * address) and 'group' (multicast group) are textual addresses or NULL; 'dstport' 0
 * leaves the kernel's default (8472).  'learning' off for l2population. */
int nl_vxlan_add(struct nl *nl, const char *name, uint32_t vni, int dev_ifindex,
                 const char *local, const char *group, uint16_t dstport, bool learning,
                 bool proxy, int mtu);
/* Creates an 802.1Q sub-interface. -EOPNOTSUPP where the kernel has no 8021q. */
int nl_vlan_add(struct nl *nl, const char *name, int link_ifindex, uint16_t vid);
/* Changes a link: 'master' (ifindex, 0 = none, -1 = unchanged), 'mtu' (0 =
 * unchanged), 'up' (1, 0, or -1 = unchanged). */
int nl_link_set(struct nl *nl, int ifindex, int master, int mtu, int up);
int nl_link_del(struct nl *nl, int ifindex);
/* Creates a veth pair: 'name' here (up) and 'peer' in namespace 'peer_netns_fd' (-1:
 * here) with MAC 'peer_mac' (NULL: random), both with 'mtu' (0: default).  The peer is
 * left down. */
int nl_veth_add(struct nl *nl, const char *name, const char *peer, int peer_netns_fd,
                const uint8_t *peer_mac, int mtu);
int nl_link_set_mac(struct nl *nl, int ifindex, const uint8_t mac[6]);

/* An address of an interface. */
struct nl_addr {
    int family;             /* AF_INET or AF_INET6. */
    uint8_t addr[16];
    int prefixlen;
    int scope;
};

/* A route through a gateway (the routes an address move must carry along), or, with
 * 'onlink', a route to a directly attached destination (no gateway). */
struct nl_route {
    int family;
    uint8_t dst[16];
    int dst_len;
    uint8_t gateway[16];
    uint32_t priority;
    bool onlink;            /* No gateway: scope link. */
    int protocol;           /* RTPROT_*; 0 means RTPROT_BOOT when adding. */
};

typedef void nl_addr_cb(const struct nl_addr *addr, void *aux);
typedef void nl_route_cb(const struct nl_route *route, void *aux);
/* Global-scope addresses of 'ifindex'. */
int nl_addr_list(struct nl *nl, int ifindex, nl_addr_cb *cb, void *aux);
int nl_addr_add(struct nl *nl, int ifindex, const struct nl_addr *addr);
int nl_addr_del(struct nl *nl, int ifindex, const struct nl_addr *addr);
/* Main-table routes leaving through 'ifindex' via a gateway. */
int nl_route_list(struct nl *nl, int ifindex, nl_route_cb *cb, void *aux);
int nl_route_add(struct nl *nl, int ifindex, const struct nl_route *route);
int nl_route_del(struct nl *nl, int ifindex, const struct nl_route *route);
/* Main-table routes leaving through 'ifindex' that were added with 'protocol'
 * (RTPROT_STATIC: the L3 agent's), with or without a gateway. */
int nl_route_list_proto(struct nl *nl, int ifindex, int protocol, nl_route_cb *cb, void *aux);

/* The ifindex of the interface that holds address 'ip'; -ENOENT if none. */
int nl_addr_owner(struct nl *nl, const char *ip, int *ret_ifindex);

/* Forwarding entries of one device (vxlan), and changes to them. */
typedef void nl_fdb_cb(const struct nl_fdb *fdb, void *aux);
int nl_fdb_dump(struct nl *nl, int ifindex, nl_fdb_cb *cb, void *aux);
/* Adds 'mac' -> 'dst': appended (several destinations, for the flood entry) or
 * replacing. */
int nl_fdb_add(struct nl *nl, int ifindex, const uint8_t mac[6], const char *dst, bool append);
int nl_fdb_del(struct nl *nl, int ifindex, const uint8_t mac[6], const char *dst);

/* Parses "aa:bb:cc:dd:ee:ff". */
bool nl_parse_mac(const char *text, uint8_t mac[6]);

#endif
