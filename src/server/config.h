/* neutrino-server's configuration: Neutron's option names in Neutron's files
 * (neutron.conf, ml2_conf.ini), read with the table in config.c. */
#ifndef NEUTRINO_SERVER_CONFIG_H
#define NEUTRINO_SERVER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* The schedulers neutrino provides: Neutron's defaults, and their availability-zone
 * aware forms (l3/l3_sched.h, dhcp/dhcp_sched.h). */
#define ROUTER_SCHEDULER_LEAST "neutron.scheduler.l3_agent_scheduler.LeastRoutersScheduler"
#define ROUTER_SCHEDULER_AZ "neutron.scheduler.l3_agent_scheduler.AZLeastRoutersScheduler"
#define NETWORK_SCHEDULER_WEIGHT "neutron.scheduler.dhcp_agent_scheduler.WeightScheduler"
#define NETWORK_SCHEDULER_AZ "neutron.scheduler.dhcp_agent_scheduler.AZAwareWeightScheduler"

struct server_config {
    /* [DEFAULT] */
    char *core_plugin;
    char *service_plugins;
    char *bind_host;
    int bind_port;
    char *bind_unix_socket;         /* neutrino: also serve on this unix socket path
                                     * (agents in other network namespaces). */
    char *auth_strategy;            /* "keystone" or "noauth". */
    char *base_mac;
    char *state_path;
    int api_workers;                /* HTTP worker threads; 0 = number of CPUs. */
    int max_connections_per_client; /* Open TCP connections from one address; 0: no
                                     * limit (the unix socket has none). */
    int max_header_size;            /* Bytes of request line and headers of a request. */
    int max_header_line;            /* Bytes of one header line (Neutron's option). */
    int client_socket_timeout;      /* Seconds a connection may wait for a complete
                                     * request, or stay inactive; 0: for ever. */
    int agent_down_time;
    int dhcp_agents_per_network;
    char *default_availability_zones; /* Comma-separated: the hints of a network or
                                       * router created without any. */
    int global_physnet_mtu;
    int max_dns_nameservers;
    int max_subnet_host_routes;
    int max_allowed_address_pair;   /* Allowed address pairs one port may have. */
    int pagination_max_limit;       /* -1: unlimited. */
    bool allow_bulk;
    bool debug;
    char *dns_domain;
    int dhcp_lease_duration;
    bool network_auto_schedule;
    bool allow_automatic_dhcp_failover;
    bool router_auto_schedule;      /* An L3 agent's full sync takes unhosted routers. */
    char *router_scheduler_driver;  /* ROUTER_SCHEDULER_LEAST or _AZ. */
    bool router_scheduler_az;       /* It is ROUTER_SCHEDULER_AZ. */
    char *network_scheduler_driver; /* NETWORK_SCHEDULER_WEIGHT or _AZ. */
    bool network_scheduler_az;      /* It is NETWORK_SCHEDULER_AZ. */
    bool allow_automatic_l3agent_failover;  /* Routers move off dead L3 agents. */
    bool enable_new_agents;
    char *ipam_driver;
    bool allow_overlapping_ips;
    bool enable_snat_by_default;    /* A router gateway's enable_snat when not given. */
    int max_routes;                 /* Extra routes one router may have. */
    /* [quotas]: each project's limits unless set through the API; negative is
     * unlimited.  Indexed by enum quota_resource (core/quota.h), Neutron's order. */
    int quota_defaults[9];
    bool l3_ha;                     /* A new router's ha when not given. */
    int max_l3_agents_per_router;   /* Agents an HA router is scheduled to; 0: all. */
    char *l3_ha_net_cidr;           /* The HA networks' subnet. */
    char *l3_ha_network_type;       /* Their provider:network_type ("": ML2's choice). */
    char *l3_ha_network_physical_name;  /* Their provider:physical_network. */
    /* [oslo_policy] */
    bool enforce_new_defaults;      /* policy.h: which default rules apply. */
    bool enforce_scope;             /* Accepted; scopes are not enforced (as Zed). */
    /* [identity] (neutrino's built-in identity service) */
    char *admin_password;           /* NULL: generated at bootstrap. */
    char *demo_password;
    char *agent_password;           /* User neutrino-agent (service role, agents). */
    char *clouds_yaml;              /* NULL: $state_path/clouds.yaml. */
    /* [dashboard] */
    bool dashboard_enabled;
    char *dashboard_root;           /* The dashboard's static files; NULL: the installed
                                     * ones, else those of the source tree. */
    char *public_endpoint;          /* Catalog base URL; NULL: from the request. */
    char *region_name;
    int password_hash_workers;      /* Threads hashing passwords; 0: CPUs, at most 4. */
    int password_hash_queue;        /* Requests waiting for them at most (then 429). */
    /* [token] */
    int token_expiration;           /* Seconds. */
    /* [security_compliance] */
    int lockout_failure_attempts;   /* 0: no lock-out. */
    int lockout_duration;           /* Seconds. */
    char *password_regex;           /* NULL: any password; else POSIX ERE it must match
                                     * from its first character. */
    char *password_regex_description;   /* Told to clients whose password fails it. */
    /* [keystone_authtoken]: with auth_url set, tokens are checked by that Keystone
     * and the built-in identity service is off. */
    char *ks_www_authenticate_uri;
    char *ks_auth_url;
    char *ks_auth_type;
    char *ks_username;
    char *ks_password;
    char *ks_project_name;
    char *ks_user_domain_name;
    char *ks_project_domain_name;
    char *ks_user_domain_id;
    char *ks_project_domain_id;
    char *ks_memcached_servers;     /* Accepted; the cache is in-process. */
    char *ks_region_name;
    int ks_token_cache_time;
    int ks_http_connect_timeout;
    /* [database] */
    char *connection;
    int db_max_retries;             /* Start-up: connection attempts (-1: for ever). */
    int db_retry_interval;          /* Seconds between them. */
    /* [oslo_middleware] */
    int max_request_body_size;
    /* [ipam] (neutrino): "lowest" hands out the lowest free address; "random" is
     * Zed's pick among the first 1,000 free ones. */
    char *allocation_order;
    /* [ml2] */
    char *type_drivers;
    char *tenant_network_types;
    char *mechanism_drivers;
    char *extension_drivers;
    int path_mtu;
    char *physical_network_mtus;
    char *external_network_type;
    int overlay_ip_version;
    /* [ml2_type_flat] [ml2_type_vlan] [ml2_type_vxlan] [ml2_type_gre] */
    char *flat_networks;
    char *network_vlan_ranges;
    char *vni_ranges;
    char *vxlan_group;
    char *tunnel_id_ranges;
    /* [experimental] [securitygroup] */
    bool experimental_linuxbridge;
    bool enable_security_group;
};

/* Reads 'files' into 'cfg' (defaults first).  Unknown options go to 'warnings'.
 * Returns 0, or a negative errno with the reason in 'error'. */
int server_config_load(struct server_config *cfg, char *const *files, size_t n_files,
                       struct buf *warnings, struct buf *error);
void server_config_done(struct server_config *cfg);

/* What store_open() takes for [database] connection: the SQLite file of
 * "sqlite:///PATH" ("sqlite://" alone means in-memory and is refused), or a
 * "postgresql://…" URL for libpq ("postgresql+driver://" loses its driver).  Returns an
 * owned string, or NULL with the reason in 'error' (which never quotes the URL: it may
 * carry a password). */
char *server_config_database(const struct server_config *cfg, struct buf *error);

/* True if the comma-separated option value 'list' names 'item' (blanks around items
 * ignored): "[ml2] extension_drivers = port_security, port_numa_affinity_policy". */
bool server_config_list_has(const char *list, const char *item);

/* True when tokens are validated by an external Keystone ([keystone_authtoken]
 * auth_url set with auth_strategy = keystone); the built-in identity is then off. */
bool server_config_external_keystone(const struct server_config *cfg);

#endif
