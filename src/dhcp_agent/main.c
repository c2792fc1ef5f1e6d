/* neutrino-dhcp-agent: options and configuration, then dhcp_agent_run(). */
#include "agent_process.h"
#include "config.h"
#include "dhcp_agent.h"

static struct dhcp_config cfg;

static int
load(char *const *files, size_t n_files, struct buf *warnings, struct buf *error)
{
    return dhcp_config_load(&cfg, files, n_files, warnings, error);
}

static int
run(void)
{
    return dhcp_agent_run(&cfg);
}

static void
done(void)
{
    dhcp_config_done(&cfg);
}

int
main(int argc, char **argv)
{
    static const struct agent_program program = {
        .name = "neutrino-dhcp-agent",
        .usage = "usage: neutrino-dhcp-agent [--config-file FILE]... [--debug]\n"
                 "Serves DHCP with dnsmasq for the networks the server gives this host.\n"
                 "Reads Neutron's dhcp_agent.ini options (and [DEFAULT] host, state_path,\n"
                 "dhcp_lease_duration, dns_domain of neutron.conf) and [server].\n",
        .load = load,
        .debug = &cfg.debug,
        .run = run,
        .done = done,
    };

    return agent_main(argc, argv, &program);
}
