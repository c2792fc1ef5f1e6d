/* The L3 agent's option table (see config.h).  Defaults are Neutron's. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "conf.h"
#include "util.h"

#define STR(...) CONF_OPT_STR(struct l3_config, __VA_ARGS__)
#define INT(...) CONF_OPT_INT(struct l3_config, __VA_ARGS__)
#define BOOL(...) CONF_OPT_BOOL(struct l3_config, __VA_ARGS__)

static const struct conf_option l3_options[] = {
    STR("DEFAULT", "host", host, NULL),
    BOOL("DEFAULT", "debug", debug, "false"),
    STR("DEFAULT", "state_path", state_path, "/var/lib/neutrino"),
    STR("DEFAULT", "interface_driver", interface_driver, NULL),
    STR("DEFAULT", "agent_mode", agent_mode, "legacy"),
    INT("DEFAULT", "send_arp_for_ha", send_arp_for_ha, "3", 0, 100),
    BOOL("DEFAULT", "handle_internal_only_routers", handle_internal_only_routers, "true"),
    INT("DEFAULT", "periodic_interval", periodic_interval, "40", 1, 3600),
    BOOL("DEFAULT", "cleanup_on_shutdown", cleanup_on_shutdown, "false"),
    STR("DEFAULT", "namespace_prefix", namespace_prefix, "qrouter-"),
    STR("DEFAULT", "ha_confs_path", ha_confs_path, NULL),
    STR("DEFAULT", "ha_vrrp_auth_type", ha_vrrp_auth_type, "PASS"),
    STR("DEFAULT", "ha_vrrp_auth_password", ha_vrrp_auth_password, NULL),
    INT("DEFAULT", "ha_vrrp_advert_int", ha_vrrp_advert_int, "2", 1, 255),
    STR("AGENT", "availability_zone", availability_zone, "nova"),
    INT("AGENT", "report_interval", report_interval, "30", 0, 3600),
    BOOL("AGENT", "log_agent_heartbeats", log_agent_heartbeats, "false"),
    SERVER_SETTINGS_OPTIONS(struct l3_config, server),
};

/* agent_mode: legacy is what neutrino does; Neutron's other modes are named so that
 * the operator knows the value was understood but cannot be served. */
static int
check_agent_mode(const char *mode, struct buf *error)
{
    static const char *const neutron_modes[] = { "dvr", "dvr_snat", "dvr_no_external" };

    if (STREQ(mode, "legacy")) {
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(neutron_modes); i++) {
        if (STREQ(mode, neutron_modes[i])) {
            buf_printf(error, "[DEFAULT] agent_mode = %s is not supported: only legacy"
                              " (neutrino has no distributed routers)", mode);
            return -EINVAL;
        }
    }
    buf_printf(error, "[DEFAULT] agent_mode = %s is not a mode (legacy, dvr, dvr_snat,"
                      " dvr_no_external); only legacy is supported", mode);
    return -EINVAL;
}

int
l3_config_load(struct l3_config *cfg, char *const *files, size_t n_files,
               struct buf *warnings, struct buf *error)
{
    int r;

    r = conf_load(l3_options, ARRAY_SIZE(l3_options), cfg, sizeof *cfg, files, n_files,
                  warnings, error);
    if (r) {
        return r;
    }
    conf_default_host(&cfg->host);
    r = conf_check_interface_driver(cfg->interface_driver, error);
    if (r) {
        return r;
    }
    r = check_agent_mode(cfg->agent_mode, error);
    if (r) {
        return r;
    }
    if (!STREQ(cfg->ha_vrrp_auth_type, "PASS") && !STREQ(cfg->ha_vrrp_auth_type, "AH")) {
        buf_printf(error, "[DEFAULT] ha_vrrp_auth_type = %s: expected AH or PASS",
                   cfg->ha_vrrp_auth_type);
        return -EINVAL;
    }
    if (!cfg->ha_confs_path) {
        cfg->ha_confs_path = xasprintf("%s/ha_confs", cfg->state_path);
    }
    /* The engine's prefix holds at most 63 characters; a '/' would leave /run/netns. */
    if (!*cfg->namespace_prefix || strlen(cfg->namespace_prefix) > 63
        || strchr(cfg->namespace_prefix, '/')) {
        buf_printf(error, "[DEFAULT] namespace_prefix must be 1 to 63 characters, no '/'");
        return -EINVAL;
    }
    return 0;
}

void
l3_config_done(struct l3_config *cfg)
{
    conf_free(l3_options, ARRAY_SIZE(l3_options), cfg);
}
