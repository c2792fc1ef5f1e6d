/* The lab's wiring: named network namespaces (loopback up, IPv6 off), a switch
 * namespace whose bridges join the nodes' NICs (veth pairs), the addresses of those
 * NICs, and an instance's eth0 plugged into a node as tap<port>.  Only the lab's
 * namespaces are touched, never the root one.
 *
 * Two topologies: "tutorial" (nodes controller and compute: eth0 on the management
 * network, eth1 on the VM network that is also the vxlan underlay and physical network
 * "provider", eth2 of the controller on the external network, physical network
 * "external") and "pair" (the agent tests' nodes n1 and n2: eth1 on the underlay
 * 10.0.1.0/24, eth3 on physnet1, and n1's eth2 on the external network).  Both have an
 * "outside" host on the external network at 10.10.10.1/24: the upstream router that
 * the external subnet names as its gateway, so that SNAT and floating IPs can be seen
 * from beyond the routers.  A host is a namespace with NICs and no agents. */
#ifndef NEUTRINO_LAB_TOPOLOGY_H
#define NEUTRINO_LAB_TOPOLOGY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct nic {
    const char *name;           /* In the node. */
    const char *bridge;         /* On the lab switch. */
    const char *address;        /* CIDR, or NULL: none. */
};

struct node {
    const char *name;           /* "controller"; its namespace is <prefix>-<name>. */
    const char *short_name;     /* Prefix of its switch-side veth ends. */
    struct nic nics[3];
    size_t n_nics;
    const char *local_ip;       /* vxlan underlay; NULL for a host. */
    const char *physnets;       /* Its linux-bridge agent's physical_interface_mappings. */
    bool dhcp;                  /* `lab up` runs the DHCP agent here. */
    bool l3;                    /* `lab up` runs the L3 agent here. */
};

struct topology {
    const char *name;
    const char *const *bridges; /* Of the switch. */
    size_t n_bridges;
    const struct node *nodes;
    size_t n_nodes;
    const struct node *hosts;   /* Namespaces without agents ("outside"). */
    size_t n_hosts;
    bool host_prefixed;         /* Agents' host = <prefix>-<node> (runs never meet). */
};

/* The topology called 'name', or NULL. */
const struct topology *topology_find(const char *name);
const struct node *topology_node(const struct topology *t, const char *name);

/* Builds the switch, the nodes and the hosts of 't' for the lab of 'state', recording in
 * it "switch", "topology", "nodes" ({netns, host}) and "hosts" ({netns}) as they come
 * (lab.json is saved after each).  0, or 1 after printing why not. */
int topology_build(const struct topology *t, json_t *state);

/* Creates the namespace 'name' (loopback up, IPv6 off); '*ret_fd' its fd if not NULL.
 * 0, or 1 after printing why not. */
int lab_ns_create(const char *name, int *ret_fd);
/* Kills what runs in namespace 'name' and removes it (its devices go with it). */
void lab_ns_remove(const char *name);
/* Removes every namespace whose name starts with "<prefix>-".  How many there were. */
size_t lab_ns_remove_all(const char *prefix);

/* Plugs an instance into a node as libvirt does: creates namespace 'inst_ns' whose eth0
 * (MAC 'mac', MTU 'mtu' unless 0, address 'cidr' unless NULL) is the peer of 'tap' in
 * namespace 'node_ns'; eth0 is up.  0, or 1 after printing why not. */
int lab_plug(const char *node_ns, const char *tap, const char *inst_ns, const char *mac,
             int mtu, const char *cidr);

#endif
