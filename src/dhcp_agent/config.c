/* The DHCP agent's option table (see config.h).  Defaults are Neutron's. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "ip.h"
#include "util.h"

#define STR(...) CONF_OPT_STR(struct dhcp_config, __VA_ARGS__)
#define INT(...) CONF_OPT_INT(struct dhcp_config, __VA_ARGS__)
#define BOOL(...) CONF_OPT_BOOL(struct dhcp_config, __VA_ARGS__)

static const struct conf_option dhcp_options[] = {
    STR("DEFAULT", "host", host, NULL),
    BOOL("DEFAULT", "debug", debug, "false"),
    STR("DEFAULT", "state_path", state_path, "/var/lib/neutrino"),
    STR("DEFAULT", "interface_driver", interface_driver, NULL),
    STR("DEFAULT", "dhcp_driver", dhcp_driver, "neutron.agent.linux.dhcp.Dnsmasq"),
    STR("DEFAULT", "dhcp_confs", dhcp_confs, NULL),
    INT("DEFAULT", "resync_interval", resync_interval, "5", 1, 3600),
    INT("DEFAULT", "num_sync_threads", num_sync_threads, "4", 1, 1024),
    BOOL("DEFAULT", "enable_isolated_metadata", enable_isolated_metadata, "false"),
    BOOL("DEFAULT", "force_metadata", force_metadata, "false"),
    BOOL("DEFAULT", "enable_metadata_network", enable_metadata_network, "false"),
    STR("DEFAULT", "dnsmasq_config_file", dnsmasq_config_file, ""),
    STR("DEFAULT", "dnsmasq_dns_servers", dnsmasq_dns_servers, ""),
    BOOL("DEFAULT", "dnsmasq_local_resolv", dnsmasq_local_resolv, "false"),
    INT("DEFAULT", "dnsmasq_lease_max", dnsmasq_lease_max, "16777216", 1, 1 << 30),
    BOOL("DEFAULT", "dhcp_broadcast_reply", dhcp_broadcast_reply, "false"),
    STR("DEFAULT", "dnsmasq_base_log_dir", dnsmasq_base_log_dir, ""),
    INT("DEFAULT", "dhcp_lease_duration", dhcp_lease_duration, "86400", -1, 1 << 30),
    STR("DEFAULT", "dns_domain", dns_domain, "openstacklocal"),
    INT("DEFAULT", "dhcp_renewal_time", dhcp_renewal_time, "0", 0, 1 << 30),
    INT("DEFAULT", "dhcp_rebinding_time", dhcp_rebinding_time, "0", 0, 1 << 30),
    STR("DEFAULT", "ovs_integration_bridge", ovs_integration_bridge, "br-int"),
    STR("DEFAULT", "namespace_prefix", namespace_prefix, "qdhcp-"),
    STR("AGENT", "availability_zone", availability_zone, "nova"),
    INT("AGENT", "report_interval", report_interval, "30", 0, 3600),
    BOOL("AGENT", "log_agent_heartbeats", log_agent_heartbeats, "false"),
    SERVER_SETTINGS_OPTIONS(struct dhcp_config, server),
};

static int
parse_dns_servers(struct dhcp_config *cfg, struct buf *error)
{
    const char *p = cfg->dnsmasq_dns_servers;
    char *item;

    while ((item = conf_list_next(&p))) {
        char *s = item + strspn(item, " ");
        struct ip_addr a;

        s[strcspn(s, " ")] = '\0';
        if (!*s) {
            free(item);
            continue;
        }
        if (ip_parse(s, &a) || cfg->n_dns_servers == DHCP_MAX_DNS_SERVERS) {
            buf_printf(error, "dnsmasq_dns_servers: '%s' is not an IP address (or too many)",
                       s);
            free(item);
            return -EINVAL;
        }
        cfg->dns_servers[cfg->n_dns_servers++] = xstrdup(s);
        free(item);
    }
    return 0;
}

int
dhcp_config_load(struct dhcp_config *cfg, char *const *files, size_t n_files,
                 struct buf *warnings, struct buf *error)
{
    int r;

    r = conf_load(dhcp_options, ARRAY_SIZE(dhcp_options), cfg, sizeof *cfg, files, n_files,
                  warnings, error);
    if (r) {
        return r;
    }
    conf_default_host(&cfg->host);
    r = conf_check_interface_driver(cfg->interface_driver, error);
    if (r) {
        return r;
    }
    if (!strstr(cfg->dhcp_driver, "Dnsmasq")) {
        buf_printf(error, "[DEFAULT] dhcp_driver = %s is not supported: only dnsmasq",
                   cfg->dhcp_driver);
        return -EINVAL;
    }
    if (!*cfg->namespace_prefix || strlen(cfg->namespace_prefix) > 64
        || strchr(cfg->namespace_prefix, '/')) {
        buf_printf(error, "[DEFAULT] namespace_prefix must be 1 to 64 characters, no '/'");
        return -EINVAL;
    }
    if (!cfg->dhcp_confs || !*cfg->dhcp_confs) {
        free(cfg->dhcp_confs);
        cfg->dhcp_confs = xasprintf("%s/dhcp", cfg->state_path);
    }
    if (cfg->enable_isolated_metadata || cfg->force_metadata) {
        buf_printf(warnings, "[DEFAULT] enable_isolated_metadata/force_metadata: metadata is"
                             " not served by neutrino; ignored\n");
    }
    return parse_dns_servers(cfg, error);
}

void
dhcp_config_done(struct dhcp_config *cfg)
{
    for (size_t i = 0; i < cfg->n_dns_servers; i++) {
        free(cfg->dns_servers[i]);
    }
    conf_free(dhcp_options, ARRAY_SIZE(dhcp_options), cfg);
}
