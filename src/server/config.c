/* The option table of neutrino-server (see config.h).  Defaults are Neutron Zed's
 * except where a comment says why not. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "conf.h"
#include "ip.h"
#include "util.h"

#define STR(...) CONF_OPT_STR(struct server_config, __VA_ARGS__)
#define INT(...) CONF_OPT_INT(struct server_config, __VA_ARGS__)
#define BOOL(...) CONF_OPT_BOOL(struct server_config, __VA_ARGS__)

static const struct conf_option server_options[] = {
    STR("DEFAULT", "core_plugin", core_plugin, "ml2"),
    STR("DEFAULT", "service_plugins", service_plugins, ""),
    STR("DEFAULT", "bind_host", bind_host, "0.0.0.0"),
    INT("DEFAULT", "bind_port", bind_port, "9696", 0, 65535),
    STR("DEFAULT", "bind_unix_socket", bind_unix_socket, ""),
    STR("DEFAULT", "auth_strategy", auth_strategy, "keystone"),
    STR("DEFAULT", "base_mac", base_mac, "fa:16:3e:00:00:00"),
    STR("DEFAULT", "state_path", state_path, "/var/lib/neutron"),
    INT("DEFAULT", "api_workers", api_workers, "0", 0, 256),
    /* What one client can make the HTTP front hold (README, "Limits"). */
    INT("DEFAULT", "max_connections_per_client", max_connections_per_client, "256", 0, 1000000),
    INT("DEFAULT", "max_header_size", max_header_size, "65536", 8192, 16 << 20),
    INT("DEFAULT", "max_header_line", max_header_line, "16384", 1024, 16 << 20),
    /* Neutron's default is 900; a connection that has sent no complete request in a
     * minute is a stalled client or a slow-header attack. */
    INT("DEFAULT", "client_socket_timeout", client_socket_timeout, "60", 0, 86400),
    INT("DEFAULT", "agent_down_time", agent_down_time, "75", 1, 86400),
    INT("DEFAULT", "dhcp_agents_per_network", dhcp_agents_per_network, "1", 1, 1000),
    /* Comma-separated zone names, as Neutron's list option. */
    STR("DEFAULT", "default_availability_zones", default_availability_zones, ""),
    INT("DEFAULT", "global_physnet_mtu", global_physnet_mtu, "1500", 68, 65535),
    INT("DEFAULT", "max_dns_nameservers", max_dns_nameservers, "5", -1, 1000),
    INT("DEFAULT", "max_subnet_host_routes", max_subnet_host_routes, "20", -1, 1000),
    INT("DEFAULT", "max_allowed_address_pair", max_allowed_address_pair, "10", 0, 1000),
    INT("DEFAULT", "pagination_max_limit", pagination_max_limit, "-1", -1, 1000000000),
    BOOL("DEFAULT", "allow_bulk", allow_bulk, "true"),
    BOOL("DEFAULT", "debug", debug, "false"),
    STR("DEFAULT", "dns_domain", dns_domain, "openstacklocal"),
    INT("DEFAULT", "dhcp_lease_duration", dhcp_lease_duration, "86400", -1, 1000000000),
    BOOL("DEFAULT", "network_auto_schedule", network_auto_schedule, "true"),
    BOOL("DEFAULT", "allow_automatic_dhcp_failover", allow_automatic_dhcp_failover, "true"),
    BOOL("DEFAULT", "router_auto_schedule", router_auto_schedule, "true"),
    STR("DEFAULT", "router_scheduler_driver", router_scheduler_driver, ROUTER_SCHEDULER_LEAST),
    STR("DEFAULT", "network_scheduler_driver", network_scheduler_driver,
        NETWORK_SCHEDULER_WEIGHT),
    BOOL("DEFAULT", "allow_automatic_l3agent_failover", allow_automatic_l3agent_failover,
         "false"),
    BOOL("DEFAULT", "enable_new_agents", enable_new_agents, "true"),
    STR("DEFAULT", "ipam_driver", ipam_driver, "internal"),
    BOOL("DEFAULT", "allow_overlapping_ips", allow_overlapping_ips, "true"),
    BOOL("DEFAULT", "enable_snat_by_default", enable_snat_by_default, "true"),
    INT("DEFAULT", "max_routes", max_routes, "30", 0, 10000),
    /* Neutron's [quotas] names and defaults, in enum quota_resource's order; subnet
     * pools have no option of their own and take default_quota. */
    INT("quotas", "quota_network", quota_defaults[0], "100", INT32_MIN, INT32_MAX),
    INT("quotas", "quota_subnet", quota_defaults[1], "100", INT32_MIN, INT32_MAX),
    INT("quotas", "default_quota", quota_defaults[2], "-1", INT32_MIN, INT32_MAX),
    INT("quotas", "quota_port", quota_defaults[3], "500", INT32_MIN, INT32_MAX),
    INT("quotas", "quota_router", quota_defaults[4], "10", INT32_MIN, INT32_MAX),
    INT("quotas", "quota_floatingip", quota_defaults[5], "50", INT32_MIN, INT32_MAX),
    INT("quotas", "quota_rbac_policy", quota_defaults[6], "10", INT32_MIN, INT32_MAX),
    INT("quotas", "quota_security_group", quota_defaults[7], "10", INT32_MIN, INT32_MAX),
    INT("quotas", "quota_security_group_rule", quota_defaults[8], "100", INT32_MIN,
        INT32_MAX),
    BOOL("DEFAULT", "l3_ha", l3_ha, "false"),
    /* Negative is refused with Neutron's words below; 0 means every candidate. */
    INT("DEFAULT", "max_l3_agents_per_router", max_l3_agents_per_router, "3", -1000, 1000),
    STR("DEFAULT", "l3_ha_net_cidr", l3_ha_net_cidr, "169.254.192.0/18"),
    STR("DEFAULT", "l3_ha_network_type", l3_ha_network_type, ""),
    STR("DEFAULT", "l3_ha_network_physical_name", l3_ha_network_physical_name, ""),
    /* Zed shipped false; Neutron turned the new defaults on in 2023.2, and they are
     * what makes the reader role read-only. */
    BOOL("oslo_policy", "enforce_new_defaults", enforce_new_defaults, "true"),
    BOOL("oslo_policy", "enforce_scope", enforce_scope, "false"),
    STR("identity", "admin_password", admin_password, NULL),
    STR("identity", "demo_password", demo_password, NULL),
    STR("identity", "agent_password", agent_password, NULL),
    STR("identity", "clouds_yaml", clouds_yaml, NULL),
    BOOL("dashboard", "enabled", dashboard_enabled, "true"),
    STR("dashboard", "root", dashboard_root, NULL),
    STR("identity", "public_endpoint", public_endpoint, NULL),
    STR("identity", "region_name", region_name, "RegionOne"),
    /* neutrino: password hashing runs on its own threads (0: one per CPU, at most 4),
     * with this many requests waiting at most; see README. */
    INT("identity", "password_hash_workers", password_hash_workers, "0", 0, 64),
    INT("identity", "password_hash_queue", password_hash_queue, "32", 1, 10000),
    INT("token", "expiration", token_expiration, "3600", 60, 7 * 86400),
    /* Keystone ships lock-out off; a server facing clients directly wants it on. */
    INT("security_compliance", "lockout_failure_attempts", lockout_failure_attempts, "5", 0,
        1000000),
    INT("security_compliance", "lockout_duration", lockout_duration, "60", 1, 86400),
    STR("security_compliance", "password_regex", password_regex, NULL),
    STR("security_compliance", "password_regex_description", password_regex_description, NULL),
    STR("keystone_authtoken", "www_authenticate_uri", ks_www_authenticate_uri, NULL),
    STR("keystone_authtoken", "auth_url", ks_auth_url, NULL),
    STR("keystone_authtoken", "auth_type", ks_auth_type, "password"),
    STR("keystone_authtoken", "username", ks_username, NULL),
    STR("keystone_authtoken", "password", ks_password, NULL),
    STR("keystone_authtoken", "project_name", ks_project_name, NULL),
    STR("keystone_authtoken", "user_domain_name", ks_user_domain_name, NULL),
    STR("keystone_authtoken", "project_domain_name", ks_project_domain_name, NULL),
    STR("keystone_authtoken", "user_domain_id", ks_user_domain_id, NULL),
    STR("keystone_authtoken", "project_domain_id", ks_project_domain_id, NULL),
    STR("keystone_authtoken", "memcached_servers", ks_memcached_servers, NULL),
    STR("keystone_authtoken", "region_name", ks_region_name, NULL),
    INT("keystone_authtoken", "token_cache_time", ks_token_cache_time, "300", -1, 86400),
    INT("keystone_authtoken", "http_connect_timeout", ks_http_connect_timeout, "5", 1, 600),
    STR("database", "connection", connection, NULL),
    /* oslo.db's names for how long start-up waits for the database to answer. */
    INT("database", "max_retries", db_max_retries, "10", -1, 1000000),
    INT("database", "retry_interval", db_retry_interval, "10", 0, 3600),
    INT("oslo_middleware", "max_request_body_size", max_request_body_size, "114688", 1024,
        1 << 30),
    STR("ipam", "allocation_order", allocation_order, "lowest"),
    STR("ml2", "type_drivers", type_drivers, "local,flat,vlan,gre,vxlan,geneve"),
    STR("ml2", "tenant_network_types", tenant_network_types, "local"),
    STR("ml2", "mechanism_drivers", mechanism_drivers, ""),
    STR("ml2", "extension_drivers", extension_drivers, ""),
    INT("ml2", "path_mtu", path_mtu, "0", 0, 65535),
    STR("ml2", "physical_network_mtus", physical_network_mtus, ""),
    STR("ml2", "external_network_type", external_network_type, NULL),
    INT("ml2", "overlay_ip_version", overlay_ip_version, "4", 4, 6),
    STR("ml2_type_flat", "flat_networks", flat_networks, "*"),
    STR("ml2_type_vlan", "network_vlan_ranges", network_vlan_ranges, ""),
    STR("ml2_type_vxlan", "vni_ranges", vni_ranges, ""),
    STR("ml2_type_vxlan", "vxlan_group", vxlan_group, NULL),
    STR("ml2_type_gre", "tunnel_id_ranges", tunnel_id_ranges, ""),
    BOOL("experimental", "linuxbridge", experimental_linuxbridge, "false"),
    BOOL("securitygroup", "enable_security_group", enable_security_group, "true"),
};

/* Neutron's start-up checks of the HA options, in its words: the HA network's CIDR is
 * a network address with its prefix (and IPv4: the HA subnets are), and at least one agent per router (or 0:
 * as many as there are). */
static int
check_l3_ha(const struct server_config *cfg, struct buf *error)
{
    struct cidr c;

    if (!strchr(cfg->l3_ha_net_cidr, '/') || cidr_parse(cfg->l3_ha_net_cidr, &c)
        || c.addr.family != 4 || cidr_first(&c) != c.addr.v) {
        buf_printf(error, "The HA Network CIDR specified in the configuration file isn't"
                          " valid; %s.", cfg->l3_ha_net_cidr);
        return -EINVAL;
    }
    if (cfg->max_l3_agents_per_router < 0) {
        buf_printf(error, "max_l3_agents_per_router %d config parameter is not valid as it"
                          " cannot be negative. It must be 1 or greater. Alternatively, it"
                          " can be 0 to mean unlimited.", cfg->max_l3_agents_per_router);
        return -EINVAL;
    }
    return 0;
}

/* The scheduler drivers: Neutron's names of the ones provided; records whether each is
 * the availability-zone aware one. */
static int
check_schedulers(struct server_config *cfg, struct buf *error)
{
    const char *router = cfg->router_scheduler_driver;
    const char *network = cfg->network_scheduler_driver;

    if (!STREQ(router, ROUTER_SCHEDULER_LEAST) && !STREQ(router, ROUTER_SCHEDULER_AZ)) {
        buf_printf(error, "[DEFAULT] router_scheduler_driver = '%s': only %s and %s are"
                          " provided", router, ROUTER_SCHEDULER_LEAST, ROUTER_SCHEDULER_AZ);
        return -EINVAL;
    }
    if (!STREQ(network, NETWORK_SCHEDULER_WEIGHT) && !STREQ(network, NETWORK_SCHEDULER_AZ)) {
        buf_printf(error, "[DEFAULT] network_scheduler_driver = '%s': only %s and %s are"
                          " provided", network, NETWORK_SCHEDULER_WEIGHT, NETWORK_SCHEDULER_AZ);
        return -EINVAL;
    }
    cfg->router_scheduler_az = STREQ(router, ROUTER_SCHEDULER_AZ);
    cfg->network_scheduler_az = STREQ(network, NETWORK_SCHEDULER_AZ);
    return 0;
}

int
server_config_load(struct server_config *cfg, char *const *files, size_t n_files,
                   struct buf *warnings, struct buf *error)
{
    int r;

    r = conf_load(server_options, ARRAY_SIZE(server_options), cfg, sizeof *cfg, files, n_files,
                  warnings, error);
    if (r) {
        return r;
    }
    if (!STREQ(cfg->allocation_order, "lowest") && !STREQ(cfg->allocation_order, "random")) {
        buf_printf(error, "[ipam] allocation_order = '%s': expected 'lowest' or 'random'",
                   cfg->allocation_order);
        return -EINVAL;
    }
    if (!STREQ(cfg->auth_strategy, "noauth") && !STREQ(cfg->auth_strategy, "keystone")) {
        buf_printf(error, "[DEFAULT] auth_strategy = '%s': expected 'keystone' or 'noauth'",
                   cfg->auth_strategy);
        return -EINVAL;
    }
    if (server_config_external_keystone(cfg)) {
        if (!cfg->ks_username || !cfg->ks_password || !cfg->ks_project_name) {
            buf_printf(error, "[keystone_authtoken] auth_url is set: username, password and"
                              " project_name are needed to validate tokens");
            return -EINVAL;
        }
        if (!STREQ(cfg->ks_auth_type, "password")) {
            buf_printf(error, "[keystone_authtoken] auth_type = '%s': only 'password' is"
                              " supported", cfg->ks_auth_type);
            return -EINVAL;
        }
    }
    if (check_l3_ha(cfg, error)) {
        return -EINVAL;
    }
    if (check_schedulers(cfg, error)) {
        return -EINVAL;
    }
    if (!STREQ(cfg->core_plugin, "ml2")
        && !STREQ(cfg->core_plugin, "neutron.plugins.ml2.plugin.Ml2Plugin")) {
        buf_printf(error, "[DEFAULT] core_plugin = '%s': only ml2 is provided",
                   cfg->core_plugin);
        return -EINVAL;
    }
    return 0;
}

void
server_config_done(struct server_config *cfg)
{
    conf_free(server_options, ARRAY_SIZE(server_options), cfg);
}

char *
server_config_database(const struct server_config *cfg, struct buf *error)
{
    const char *c = cfg->connection;

    if (!c || !*c) {
        return xasprintf("%s/neutrino.sqlite", cfg->state_path);
    }
    /* SQLAlchemy's postgresql[+driver]://…: libpq takes the URL without the driver. */
    if (str_startswith(c, "postgresql://") || str_startswith(c, "postgres://")) {
        return xstrdup(c);
    }
    if (str_startswith(c, "postgresql+")) {
        const char *rest = strstr(c, "://");
        if (rest) {
            return xasprintf("postgresql%s", rest);
        }
    }
    /* sqlite:///relative/or/absolute (SQLAlchemy: four slashes = absolute path). */
    if (str_startswith(c, "sqlite:///") && c[10]) {
        const char *path = c + 10;
        const char *q = strchr(path, '?');
        return q ? xstrndup(path, (size_t) (q - path)) : xstrdup(path);
    }
    if (str_startswith(c, "sqlite://")) {
        buf_printf(error, "[database] connection: an in-memory database loses every write;"
                          " give a file: sqlite:///PATH");
    } else {
        /* Never echo the URL: it may carry a password. */
        buf_printf(error, "[database] connection: give sqlite:///PATH or"
                          " postgresql://USER:PASSWORD@HOST/DATABASE");
    }
    return NULL;
}

bool
server_config_external_keystone(const struct server_config *cfg)
{
    return STREQ(cfg->auth_strategy, "keystone") && cfg->ks_auth_url && *cfg->ks_auth_url;
}

bool
server_config_list_has(const char *list, const char *item)
{
    size_t want = strlen(item);

    while (list && *list) {
        size_t len = strcspn(list, ",");
        const char *b = list, *e = list + len;

        while (b < e && (*b == ' ' || *b == '\t')) {
            b++;
        }
        while (e > b && (e[-1] == ' ' || e[-1] == '\t')) {
            e--;
        }
        if ((size_t) (e - b) == want && !strncmp(b, item, want)) {
            return true;
        }
        list += len + (list[len] == ',');
    }
    return false;
}
