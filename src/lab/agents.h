/* The agents of `lab up`: on every node a linux-bridge agent (vxlan with l2population
 * on the node's underlay address, the node's physical networks: "provider" on eth1, and
 * "external" on the controller's eth2), and on the nodes that have them the DHCP agent
 * and the L3 agent inside the node's init (both make namespaces of their own).  They reach the server through
 * its unix socket ([DEFAULT] bind_unix_socket): the one clean path from another network
 * namespace to a server on the host's loopback.  Their configurations and logs are in
 * the lab's directory, their pids in lab.json. */
#ifndef NEUTRINO_LAB_AGENTS_H
#define NEUTRINO_LAB_AGENTS_H

#include <jansson.h>

#include "cloud.h"
#include "topology.h"

/* Starts the agents of node 'n' (recorded in 'jnode': "linuxbridge_agent", and "init",
 * "dhcp_agent" and "l3_agent" on a node that runs them), with the neutrino-agent account of the clouds.yaml
 * of 'user' when it has one.  0, or 1 after printing why not. */
int agents_start(const char *prefix, const struct node *n, json_t *jnode, const char *sock,
                 const struct cloud *user);

/* Stops every agent and node init of 'state' at once (SIGTERM to the agents, SIGKILL to
 * the inits, which ends their DHCP agent and dnsmasq), waiting up to a second each. */
void agents_stop_all(const json_t *state);

#endif
