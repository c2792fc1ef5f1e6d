/* neutrino-linuxbridge-agent's configuration: Neutron's linuxbridge_agent.ini options
 * (and [DEFAULT] host from neutron.conf), plus [server], where the server is and how
 * to log in to it. */
#ifndef NEUTRINO_AGENT_CONFIG_H
#define NEUTRINO_AGENT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "server_client.h"

#define AGENT_MAX_MAPPINGS 32

struct mapping {
    char *physnet;
    char *iface;
};

struct agent_config {
    /* [DEFAULT] */
    char *host;                     /* Default: the machine's host name. */
    bool debug;
    /* [linux_bridge] */
    char *physical_interface_mappings;
    char *bridge_mappings;
    /* [vxlan] */
    bool enable_vxlan;
    char *local_ip;
    char *vxlan_group;
    bool l2_population;
    bool arp_responder;
    int udp_dstport;                /* 0: the kernel's default (8472). */
    /* [agent] */
    int polling_interval;           /* Seconds between safety-net scans' units. */
    int report_interval;
    /* [securitygroup] */
    bool enable_security_group;
    char *firewall_driver;          /* iptables, iptables_hybrid, noop (or Neutron's
                                     * class paths of those). */
    /* [server] */
    struct server_settings server;

    /* Whether ports are filtered: security groups on and an iptables driver. */
    bool firewall;
    /* Parsed physical_interface_mappings. */
    struct mapping mappings[AGENT_MAX_MAPPINGS];
    size_t n_mappings;
};

/* Reads 'files' (defaults first) and parses the mappings.  Unknown options are
 * appended to 'warnings'.  Returns 0 or a negative errno with 'error' set. */
int agent_config_load(struct agent_config *cfg, char *const *files, size_t n_files,
                   struct buf *warnings, struct buf *error);
void agent_config_done(struct agent_config *cfg);

/* The interface mapped to 'physnet', or NULL. */
const char *agent_config_iface(const struct agent_config *cfg, const char *physnet);

#endif
