/* neutrino-dhcp-agent: options and configuration, then dhcp_agent_run(). */
#include <stdbool.h>
#include <stdio.h>

#include "agent_process.h"
#include "config.h"
#include "dhcp_agent.h"
#include "log.h"

static const char usage[] =
    "usage: neutrino-dhcp-agent [--config-file FILE]... [--debug]\n"
    "Serves DHCP with dnsmasq for the networks the server gives this host.\n"
    "Reads Neutron's dhcp_agent.ini options (and [DEFAULT] host, state_path,\n"
    "dhcp_lease_duration, dns_domain of neutron.conf) and [server].\n";;

int
main(int argc, char **argv)
{
    struct buf warnings = BUF_INITIALIZER, error = BUF_INITIALIZER;
    char *files[AGENT_MAX_CONFIG_FILES];
    struct dhcp_config cfg;
    size_t n_files;
    bool debug;
    int status = agent_parse_args(argc, argv, usage, files, &n_files, &debug);

    if (status >= 0) {
        return status;
    }
    status = 1;
    if (dhcp_config_load(&cfg, files, n_files, &warnings, &error)) {
        fprintf(stderr, "neutrino-dhcp-agent: %s\n", buf_cstr(&error));
    } else {
        log_set_level(debug || cfg.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
        agent_log_warnings(&warnings);
        status = dhcp_agent_run(&cfg);
    }
    dhcp_config_done(&cfg);
    buf_done(&warnings);
    buf_done(&error);
    return status;
}
