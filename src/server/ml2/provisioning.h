/* Port status and provisioning blocks (docs/behaviour/ml2.md §6).  When a port is created or
 * re-bound, the server notes which components must confirm it before it turns ACTIVE:
 * the linux-bridge agent on its host ("L2": the tap is wired) and, if the port has an
 * address on a DHCP-enabled subnet of a network a DHCP agent hosts, that agent ("DHCP":
 * dnsmasq has its host entry).  Each confirmation clears its block; the last one turns
 * a bound, admin-up port ACTIVE.  Service ports (network:dhcp, routers...) and ports
 * without an owner get no blocks. */
#ifndef NEUTRINO_ML2_PROVISIONING_H
#define NEUTRINO_ML2_PROVISIONING_H

#include <stdbool.h>

#include "model.h"

struct store_conn;

#define PROVISIONING_L2 "L2"
#define PROVISIONING_DHCP "DHCP"

/* True for device owners that never wait for agents. */
bool provisioning_exempt(const char *device_owner);

/* Records the blocks of a port: 'l2' after its binding changed, 'dhcp' after its
 * addresses or MAC changed.  Returns 0 or a negative errno. */
int provisioning_setup(struct store_conn *c, const struct port *p,
                       bool l2, bool dhcp);

/* 'entity' is done with 'p' (on network 'n'): clears its block and, when none remains,
 * turns a bound, admin-up port ACTIVE.  Returns 0 or a negative errno. */
int provisioning_complete(struct store_conn *c, struct port *p,
                          const struct network *n, const char *entity);

/* Sets and stores a port's status (revision bumped).  On vxlan networks an ACTIVE port
 * entering or leaving changes what other agents flood to, so it writes a CHANGE_FDB
 * change.  Returns 0 or a negative errno. */
int port_set_status(struct store_conn *c, struct port *p,
                    const struct network *n, const char *status);

#endif
