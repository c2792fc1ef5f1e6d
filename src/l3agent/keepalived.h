/* keepalived for HA routers (Neutron's l3-ha; behaviour/dataplane.md §8): one
 * /usr/sbin/keepalived per HA router this node hosts, run inside the router's namespace
 * with a configuration the agent writes under <ha_confs_path>/<router id>/, as
 * Neutron's L3 agent writes it:
 *   vrrp_instance VR_<vr_id> on ha-<port[:11]>, state BACKUP, priority 50, nopreempt,
 *   advert_int ha_vrrp_advert_int, authentication when ha_vrrp_auth_password is set,
 *   track_interface the ha- device; virtual_ipaddress the primary VIP (169.254.X.<vr_id>/24
 *   on ha-, X the first /24 of 169.254.0.0/16 clear of the HA network, the metadata
 *   address and 169.254.64.0/18); virtual_ipaddress_excluded the gateway's and the
 *   interfaces' addresses and the floating IPs (/32 on qg-); virtual_routes the default
 *   route via each gateway IP, the external network's other subnets on-link and the
 *   extra routes.
 * So the side VRRP elects holds the router's addresses and routes, and the others hold
 * none.  Which side this node is shows in the kernel: the primary VIP is on ha- on the
 * active side only (what Neutron's state-change monitor watches too).
 *
 * Processes are known by their pid files (keepalived -p, -r), checked against
 * /proc/<pid>/cmdline so a reused pid is never signalled: a running keepalived whose
 * configuration is unchanged is left alone (an agent restart reconciles without a
 * restart of keepalived), a changed configuration is sent SIGHUP, and a router no
 * longer hosted has its keepalived stopped (SIGTERM, which hands the router to another
 * side at once) and its directory removed. */
#ifndef NEUTRINO_L3_KEEPALIVED_H
#define NEUTRINO_L3_KEEPALIVED_H

#include <stdbool.h>

#include "buf.h"
#include "ip.h"
#include "l3_model.h"

struct keepalived_options {
    const char *binary;             /* Absolute path: /usr/sbin/keepalived. */
    const char *confs_dir;          /* ha_confs_path. */
    int advert_int;                 /* Seconds between VRRP adverts. */
    const char *auth_type;          /* "PASS" or "AH". */
    const char *auth_password;      /* NULL or "": no authentication. */
};

/* The router's primary VIP (see above) into 'ret'. */
void keepalived_primary_vip(const struct l3_router *r, struct cidr *ret);
/* Appends HA router 'r''s keepalived.conf to 'out'. */
void keepalived_config(const struct l3_router *r, const struct keepalived_options *o,
                       struct buf *out);

/* Makes keepalived run for HA router 'r' in namespace 'netns_fd' with its current
 * configuration: written if it differs (and then SIGHUP to a running keepalived),
 * started if none runs.  '*ret_started' says whether it was started.  0 or -errno. */
int keepalived_ensure(const struct keepalived_options *o, int netns_fd,
                      const struct l3_router *r, bool *ret_started);
/* Stops the keepalived of router 'router_id' (if one runs) and removes its directory.
 * 0 or -errno. */
int keepalived_stop(const struct keepalived_options *o, const char *router_id);
/* Calls 'cb' with each router id that has a directory under confs_dir. */
int keepalived_each(const struct keepalived_options *o,
                    void (*cb)(const char *router_id, void *aux), void *aux);
/* The pid of the router's running keepalived, or 0. */
int keepalived_pid(const struct keepalived_options *o, const char *router_id);

/* 1 if HA router 'r' is active in namespace 'netns_fd' (its primary VIP is on its ha-
 * device), 0 if not, or -errno. */
int keepalived_is_active(int netns_fd, const struct l3_router *r);

#endif
