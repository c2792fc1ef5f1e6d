/* neutrino-linuxbridge-agent: options and configuration, then agent_run(). */
#include <stdbool.h>
#include <stdio.h>

#include "agent_process.h"
#include "agent.h"
#include "config.h"
#include "log.h"

static const char usage[] =
    "usage: neutrino-linuxbridge-agent [--config-file FILE]... [--debug]\n"
    "Wires the ports bound to this host onto Linux bridges.  Reads Neutron's\n"
    "linuxbridge_agent.ini options and [server] (url or unix_socket, and\n"
    "credentials).\n";;

int
main(int argc, char **argv)
{
    struct buf warnings = BUF_INITIALIZER, error = BUF_INITIALIZER;
    char *files[AGENT_MAX_CONFIG_FILES];
    struct agent_config cfg;
    size_t n_files;
    bool debug;
    int status = agent_parse_args(argc, argv, usage, files, &n_files, &debug);

    if (status >= 0) {
        return status;
    }
    status = 1;
    if (agent_config_load(&cfg, files, n_files, &warnings, &error)) {
        fprintf(stderr, "neutrino-linuxbridge-agent: %s\n", buf_cstr(&error));
    } else {
        log_set_level(debug || cfg.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
        agent_log_warnings(&warnings);
        status = agent_run(&cfg);
    }
    agent_config_done(&cfg);
    buf_done(&warnings);
    buf_done(&error);
    return status;
}
