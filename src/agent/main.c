/* neutrino-linuxbridge-agent: options and configuration, then agent_run(). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "config.h"
#include "log.h"

LOG_MODULE("agent");

#define MAX_CONFIG_FILES 16

static void
usage(FILE *out)
{
    fprintf(out, "usage: neutrino-linuxbridge-agent [--config-file FILE]... [--debug]\n"
                 "Wires the ports bound to this host onto Linux bridges.  Reads Neutron's\n"
                 "linuxbridge_agent.ini options and [server] (url or unix_socket, and\n"
                 "credentials).\n");
}

int
main(int argc, char **argv)
{
    static const struct option options[] = {
        { "config-file", required_argument, NULL, 'c' },
        { "debug", no_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct buf warnings = BUF_INITIALIZER, error = BUF_INITIALIZER;
    char *files[MAX_CONFIG_FILES];
    struct agent_config cfg;
    size_t n_files = 0;
    bool debug = false;
    int opt, status = 1;

    while ((opt = getopt_long(argc, argv, "c:dh", options, NULL)) != -1) {
        switch (opt) {
        case 'c':
            if (n_files == MAX_CONFIG_FILES) {
                fprintf(stderr, "too many --config-file options\n");
                return 2;
            }
            files[n_files++] = optarg;
            break;
        case 'd':
            debug = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (agent_config_load(&cfg, files, n_files, &warnings, &error)) {
        fprintf(stderr, "neutrino-linuxbridge-agent: %s\n", buf_cstr(&error));
    } else {
        log_set_level(debug || cfg.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
        for (const char *p = buf_cstr(&warnings); *p;) {
            size_t len = strcspn(p, "\n");
            log_warn("%.*s", (int) len, p);
            p += len + (p[len] == '\n');
        }
        status = agent_run(&cfg);
    }
    agent_config_done(&cfg);
    buf_done(&warnings);
    buf_done(&error);
    return status;
}
