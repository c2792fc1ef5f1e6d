/* neutrino-l3-agent: options and configuration, then l3_agent_run(). */
#include "agent_process.h"
#include "config.h"
#include "l3_agent.h"

static struct l3_config cfg;

static int
load(char *const *files, size_t n_files, struct buf *warnings, struct buf *error)
{
    return l3_config_load(&cfg, files, n_files, warnings, error);
}

static int
run(void)
{
    return l3_agent_run(&cfg);
}

static void
done(void)
{
    l3_config_done(&cfg);
}

int
main(int argc, char **argv)
{
    static const struct agent_program program = {
        .name = "neutrino-l3-agent",
        .usage = "usage: neutrino-l3-agent [--config-file FILE]... [--debug]\n"
                 "Hosts the routers the server schedules to this host (Neutron's legacy\n"
                 "L3 agent with the linuxbridge interface driver): qrouter-<id> namespaces,\n"
                 "SNAT and floating IPs.  Reads Neutron's l3_agent.ini options (and\n"
                 "[DEFAULT] host, state_path, periodic_interval of neutron.conf) and\n"
                 "[server].\n",
        .load = load,
        .debug = &cfg.debug,
        .run = run,
        .done = done,
    };

    return agent_main(argc, argv, &program);
}
