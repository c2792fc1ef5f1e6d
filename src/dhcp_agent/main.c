/* neutrino-dhcp-agent: options and configuration, then dhcp_agent_run(). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dhcp_agent.h"
#include "config.h"
#include "log.h"

LOG_MODULE("dhcp");

#define MAX_CONFIG_FILES 16

static void
usage(FILE *out)
{
    fprintf(out, "usage: neutrino-dhcp-agent [--config-file FILE]... [--debug]\n"
                 "Serves DHCP with dnsmasq for the networks the server gives this host.\n"
                 "Reads Neutron's dhcp_agent.ini options (and [DEFAULT] host, state_path,\n"
                 "dhcp_lease_duration, dns_domain of neutron.conf) and [server].\n");
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
    struct dhcp_config cfg;
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
    if (dhcp_config_load(&cfg, files, n_files, &warnings, &error)) {
        fprintf(stderr, "neutrino-dhcp-agent: %s\n", buf_cstr(&error));
    } else {
        log_set_level(debug || cfg.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
        for (const char *p = buf_cstr(&warnings); *p;) {
            size_t len = strcspn(p, "\n");
            log_warn("%.*s", (int) len, p);
            p += len + (p[len] == '\n');
        }
        status = dhcp_agent_run(&cfg);
    }
    dhcp_config_done(&cfg);
    buf_done(&warnings);
    buf_done(&error);
    return status;
}
