/* The L3 agent's input: the routers one node hosts, as Neutron's L3 agent receives them
 * (agent_mode = legacy), reduced to what the kernel needs.  l3_plan.h turns it into the
 * changes that make the kernel match; l3.h reads the kernel and applies them.
 *
 * As JSON (l3_model_from_json), a node model is {"routers": [ROUTER, ...]} with
 *   ROUTER = {"id": uuid, "admin_state_up": bool (default true),
 *             "enable_snat": bool (default true),
 *             "gateway": null | {"port_id", "mac_address", "mtu",
 *                                "fixed_ips": [{"ip_address", "prefixlen", "subnet_id"}],
 *                                "gateway_ips": [next hop, ...],
 *                                "extra_subnets": [cidr, ...]},
 *             "interfaces": [{"port_id", "mac_address", "mtu",
 *                             "fixed_ips": [{"ip_address", "prefixlen", "subnet_id",
 *                                            "cidr"}]}],
 *             "routes": [{"destination", "nexthop"}],
 *             "floating_ips": [{"id", "floating_ip_address", "fixed_ip_address",
 *                               "port_id"}],
 *             "ha": absent | {"vr_id": 1..254, "port": PORT with one IPv4 address,
 *                             "state": "active" | "standby" as last reported}}
 * An HA router ("ha" given; Neutron's l3-ha) is kept by keepalived (keepalived.h): the
 * agent lays out its devices without their addresses, routes and gratuitous ARPs, which
 * keepalived adds on the side VRRP makes active; its HA port is the ha- device.
 * A router that is administratively down is not hosted (the server sends Neutron's agent
 * only active routers), so its namespace goes.  "gateway_ips" are the next hops of the
 * external subnets (their gateway_ip); "extra_subnets" are the external network's other
 * subnets, reached on-link through the gateway port.  Unknown members are ignored;
 * wrong types, bad addresses and MACs are errors naming the member. */
#ifndef NEUTRINO_L3_MODEL_H
#define NEUTRINO_L3_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ip.h"

#define L3_ID_SIZE 37           /* A UUID and its NUL. */

struct l3_fixed_ip {
    struct ip_addr address;     /* The port's address... */
    int prefixlen;              /* ...with its subnet's prefix length. */
    char subnet_id[L3_ID_SIZE];
};

/* A router port: the gateway port or an interface on an internal subnet. */
struct l3_port {
    char id[L3_ID_SIZE];
    uint8_t mac[6];
    int mtu;                    /* 0: leave the kernel's default. */
    struct l3_fixed_ip *fixed_ips;
    size_t n_fixed_ips;
};

struct l3_route {
    struct cidr destination;    /* Normalised. */
    struct ip_addr nexthop;
};

struct l3_floating_ip {
    char id[L3_ID_SIZE];
    struct ip_addr floating;    /* On the gateway port, as a /32. */
    struct ip_addr fixed;       /* The instance's address it stands for. */
    char port_id[L3_ID_SIZE];
};

struct l3_router {
    char id[L3_ID_SIZE];
    bool admin_state_up;
    bool enable_snat;
    bool has_gateway;
    struct l3_port gateway;     /* When has_gateway. */
    struct ip_addr *gateway_ips;
    size_t n_gateway_ips;
    struct cidr *extra_subnets;
    size_t n_extra_subnets;
    struct l3_port *interfaces;
    size_t n_interfaces;
    struct l3_route *routes;
    size_t n_routes;
    struct l3_floating_ip *floating_ips;
    size_t n_floating_ips;
    bool ha;                    /* Kept by VRRP (keepalived) among several nodes. */
    int ha_vr_id;               /* Its VRRP id, when ha. */
    struct l3_port ha_port;     /* Its port on the HA network (ha-), when ha. */
    char ha_state[16];          /* What this node last reported ("" if nothing). */
};

/* The routers a node hosts. */
struct l3_model {
    struct l3_router *routers;
    size_t n_routers;
};

void l3_model_init(struct l3_model *m);
void l3_model_done(struct l3_model *m);

/* Reads 'j' (see above) into 'm' (initialised by the caller, filled here).  Returns 0,
 * or -1 with the reason in 'reason' ('m' then holds what was read so far; release it
 * with l3_model_done()). */
int l3_model_from_json(const json_t *j, struct l3_model *m, char *reason, size_t reason_size);

#endif
