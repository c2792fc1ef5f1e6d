/* The DHCP agents' ports: each DHCP agent serving a network has one port on it
 * (device_owner network:dhcp, device_id from its host, bound to that host) with an
 * address on every subnet dnsmasq serves.  The server makes, mends and removes these
 * ports itself through the core, acting as the service. */
#ifndef NEUTRINO_CORE_DHCP_PORT_H
#define NEUTRINO_CORE_DHCP_PORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"

/* True if dnsmasq serves subnet 's' (DHCP enabled, and not SLAAC-only). */
bool dhcp_subnet_served(const struct subnet *s);

/* Makes sure 'host' has its DHCP port on network 'n' (whose subnets are 'subnets'),
 * bound to it, with an address on every served subnet: its own port, else the port
 * reserved when an agent stopped serving the network, else a new one.  '*ret' gets
 * the port as stored. */
int core_dhcp_port_ensure(const struct op *op, const char *host, const struct network *n,
                          const struct subnet *subnets, size_t n_subnets, struct port *ret);

/* Removes the DHCP port of 'host' on 'network_id', if it has one. */
int core_dhcp_port_release(const struct op *op, const char *host, const char *network_id);

#endif
