/* neutrino-linuxbridge-agent: options and configuration, then agent_run(). */
#include "agent_process.h"
#include "agent.h"
#include "config.h"

static struct agent_config cfg;

static int
load(char *const *files, size_t n_files, struct buf *warnings, struct buf *error)
{
    return agent_config_load(&cfg, files, n_files, warnings, error);
}

static int
run(void)
{
    return agent_run(&cfg);
}

static void
done(void)
{
    agent_config_done(&cfg);
}

int
main(int argc, char **argv)
{
    static const struct agent_program program = {
        .name = "neutrino-linuxbridge-agent",
        .usage = "usage: neutrino-linuxbridge-agent [--config-file FILE]... [--debug]\n"
                 "Wires the ports bound to this host onto Linux bridges.  Reads Neutron's\n"
                 "linuxbridge_agent.ini options and [server] (url or unix_socket, and\n"
                 "credentials).\n",
        .load = load,
        .debug = &cfg.debug,
        .run = run,
        .done = done,
    };

    return agent_main(argc, argv, &program);
}
