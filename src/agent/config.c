/* The linux-bridge agent's option table (see config.h).  Defaults are Neutron's. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "util.h"

#define STR(...) CONF_OPT_STR(struct agent_config, __VA_ARGS__)
#define INT(...) CONF_OPT_INT(struct agent_config, __VA_ARGS__)
#define BOOL(...) CONF_OPT_BOOL(struct agent_config, __VA_ARGS__)

static const struct conf_option agent_options[] = {
    STR("DEFAULT", "host", host, NULL),
    BOOL("DEFAULT", "debug", debug, "false"),
    STR("linux_bridge", "physical_interface_mappings", physical_interface_mappings, ""),
    STR("linux_bridge", "bridge_mappings", bridge_mappings, ""),
    BOOL("vxlan", "enable_vxlan", enable_vxlan, "true"),
    STR("vxlan", "local_ip", local_ip, NULL),
    STR("vxlan", "vxlan_group", vxlan_group, "224.0.0.1"),
    BOOL("vxlan", "l2_population", l2_population, "false"),
    BOOL("vxlan", "arp_responder", arp_responder, "false"),
    INT("vxlan", "udp_dstport", udp_dstport, "0", 0, 65535),
    INT("agent", "polling_interval", polling_interval, "2", 1, 3600),
    INT("agent", "report_interval", report_interval, "30", 0, 3600),
    BOOL("securitygroup", "enable_security_group", enable_security_group, "true"),
    STR("securitygroup", "firewall_driver", firewall_driver, "iptables"),
    SERVER_SETTINGS_OPTIONS(struct agent_config, server),
};

/* The drivers Neutron's linux-bridge agent takes, by alias or class path: the iptables
 * ones filter (the hybrid one is the same rules for a linux bridge), noop does not. */
static const struct {
    const char *name;
    bool filters;
} firewall_drivers[] = {
    { "iptables", true },
    { "iptables_hybrid", true },
    { "neutron.agent.linux.iptables_firewall.IptablesFirewallDriver", true },
    { "neutron.agent.linux.iptables_firewall.OVSHybridIptablesFirewallDriver", true },
    { "noop", false },
    { "neutron.agent.firewall.NoopFirewallDriver", false },
};

static int
parse_firewall(struct agent_config *cfg, struct buf *error)
{
    const char *driver = cfg->firewall_driver ? cfg->firewall_driver : "";

    for (size_t i = 0; i < ARRAY_SIZE(firewall_drivers); i++) {
        if (STREQ(driver, firewall_drivers[i].name)) {
            cfg->firewall = cfg->enable_security_group && firewall_drivers[i].filters;
            return 0;
        }
    }
    buf_printf(error, "[securitygroup] firewall_driver: '%s' is not a driver of this agent"
                      " (iptables, iptables_hybrid or noop)", driver);
    return -EINVAL;
}

/* Parses "physnet:iface,physnet2:iface2". */
static int
parse_mappings(struct agent_config *cfg, struct buf *error)
{
    const char *p = cfg->physical_interface_mappings;
    char *item;

    while ((item = conf_list_next(&p))) {
        char *colon = strchr(item, ':');
        char *phys = item + strspn(item, " "), *iface;

        if (!*phys) {
            free(item);
            continue;
        }
        if (!colon || colon == phys || !colon[1] || strlen(colon + 1) >= 16) {
            buf_printf(error, "[linux_bridge] physical_interface_mappings: '%s' is not"
                              " physnet:interface", item);
            free(item);
            return -EINVAL;
        }
        *colon = '\0';
        iface = colon + 1;
        for (size_t i = 0; i < cfg->n_mappings; i++) {
            if (STREQ(cfg->mappings[i].physnet, phys)) {
                buf_printf(error, "[linux_bridge] physical_interface_mappings: physnet %s"
                                  " is mapped twice", phys);
                free(item);
                return -EINVAL;
            }
        }
        if (cfg->n_mappings == AGENT_MAX_MAPPINGS) {
            buf_printf(error, "[linux_bridge] physical_interface_mappings: too many");
            free(item);
            return -EINVAL;
        }
        cfg->mappings[cfg->n_mappings].physnet = xstrdup(phys);
        cfg->mappings[cfg->n_mappings].iface = xstrdup(iface);
        cfg->n_mappings++;
        free(item);
    }
    return 0;
}

int
agent_config_load(struct agent_config *cfg, char *const *files, size_t n_files, struct buf *warnings,
               struct buf *error)
{
    int r;

    r = conf_load(agent_options, ARRAY_SIZE(agent_options), cfg, sizeof *cfg, files, n_files,
                  warnings, error);
    if (r) {
        return r;
    }
    conf_default_host(&cfg->host);
    if (cfg->bridge_mappings && *cfg->bridge_mappings) {
        buf_printf(error, "[linux_bridge] bridge_mappings is not supported; map interfaces"
                          " with physical_interface_mappings");
        return -EINVAL;
    }
    r = parse_firewall(cfg, error);
    return r ? r : parse_mappings(cfg, error);
}

void
agent_config_done(struct agent_config *cfg)
{
    for (size_t i = 0; i < cfg->n_mappings; i++) {
        free(cfg->mappings[i].physnet);
        free(cfg->mappings[i].iface);
    }
    conf_free(agent_options, ARRAY_SIZE(agent_options), cfg);
}

const char *
agent_config_iface(const struct agent_config *cfg, const char *physnet)
{
    for (size_t i = 0; i < cfg->n_mappings; i++) {
        if (STREQ(cfg->mappings[i].physnet, physnet)) {
            return cfg->mappings[i].iface;
        }
    }
    return NULL;
}
