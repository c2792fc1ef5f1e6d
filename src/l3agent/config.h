/* neutrino-l3-agent's configuration: Neutron's l3_agent.ini options (and the [DEFAULT]
 * ones of neutron.conf it reads: host, state_path, periodic_interval, debug), plus
 * [server] as the other agents have it.  Only what neutrino can do is accepted:
 * interface_driver linuxbridge and agent_mode legacy; anything else stops the agent
 * at start with an error naming the option. */
#ifndef NEUTRINO_L3_CONFIG_H
#define NEUTRINO_L3_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "server_client.h"

struct l3_config {
    /* [DEFAULT] */
    char *host;                     /* Default: the machine's host name. */
    bool debug;
    char *state_path;
    char *interface_driver;         /* Must be "linuxbridge" (or Neutron's class path). */
    char *agent_mode;               /* Must be "legacy". */
    int send_arp_for_ha;            /* Gratuitous ARP rounds per new address; 0: none. */
    bool handle_internal_only_routers;  /* false: routers without a gateway not hosted. */
    int periodic_interval;          /* Seconds: the longest pause before a retry. */
    bool cleanup_on_shutdown;       /* Remove every router when the agent stops. */
    char *namespace_prefix;         /* neutrino: "qrouter-" (Neutron's fixed prefix). */
    char *ha_confs_path;            /* keepalived's files; default $state_path/ha_confs. */
    char *ha_vrrp_auth_type;        /* "PASS" or "AH". */
    char *ha_vrrp_auth_password;    /* NULL: VRRP without authentication. */
    int ha_vrrp_advert_int;         /* Seconds between VRRP adverts. */
    /* [AGENT] */
    char *availability_zone;
    int report_interval;
    bool log_agent_heartbeats;
    /* [server] */
    struct server_settings server;
};

/* Reads 'files' into 'cfg'.  Unknown options go to 'warnings'.  0 or -errno with
 * 'error' set (release 'cfg' with l3_config_done() either way). */
int l3_config_load(struct l3_config *cfg, char *const *files, size_t n_files,
                   struct buf *warnings, struct buf *error);
void l3_config_done(struct l3_config *cfg);

#endif
