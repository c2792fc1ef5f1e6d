/* neutrino-dhcp-agent's configuration: Neutron's dhcp_agent.ini options (and the
 * [DEFAULT] ones of neutron.conf it reads: host, state_path, dhcp_lease_duration,
 * dns_domain), plus [server] as the linux-bridge agent has it. */
#ifndef NEUTRINO_DHCP_CONFIG_H
#define NEUTRINO_DHCP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "server_client.h"

#define DHCP_MAX_DNS_SERVERS 16

struct dhcp_config {
    /* [DEFAULT] */
    char *host;                     /* Default: the machine's host name. */
    bool debug;
    char *state_path;
    char *interface_driver;         /* Must be "linuxbridge" (or Neutron's class path). */
    char *dhcp_driver;
    char *dhcp_confs;               /* Default: $state_path/dhcp. */
    int resync_interval;
    int num_sync_threads;           /* Accepted; one thread does the work. */
    bool enable_isolated_metadata;
    bool force_metadata;
    bool enable_metadata_network;
    char *dnsmasq_config_file;
    char *dnsmasq_dns_servers;      /* Comma-separated. */
    bool dnsmasq_local_resolv;
    int dnsmasq_lease_max;
    bool dhcp_broadcast_reply;
    char *dnsmasq_base_log_dir;
    int dhcp_lease_duration;
    char *dns_domain;
    int dhcp_renewal_time;
    int dhcp_rebinding_time;
    char *ovs_integration_bridge;   /* Accepted (Neutron samples set it); unused. */
    char *namespace_prefix;         /* neutrino: "qdhcp-" (Neutron's fixed prefix). */
    /* [AGENT] */
    char *availability_zone;
    int report_interval;
    bool log_agent_heartbeats;
    /* [server] */
    struct server_settings server;

    /* Parsed dnsmasq_dns_servers. */
    char *dns_servers[DHCP_MAX_DNS_SERVERS];
    size_t n_dns_servers;
};

/* Reads 'files'.  Unknown options go to 'warnings'.  0 or -errno with 'error' set. */
int dhcp_config_load(struct dhcp_config *cfg, char *const *files, size_t n_files,
                     struct buf *warnings, struct buf *error);
void dhcp_config_done(struct dhcp_config *cfg);

#endif
