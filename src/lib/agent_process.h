/* What both agents' processes do the same way: their command line (--config-file,
 * --debug, --help), logging their configuration's warnings, stop signals as a
 * signalfd, libcurl's start-up, and the heartbeat (POST AGENT_PATH_REPORT). */
#ifndef NEUTRINO_AGENT_PROCESS_H
#define NEUTRINO_AGENT_PROCESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct server_client;
struct server_settings;

#define AGENT_MAX_CONFIG_FILES 16

/* An agent program, for agent_main(): its texts and its configuration's life. */
struct agent_program {
    const char *name;           /* "neutrino-dhcp-agent": the prefix of errors. */
    const char *usage;          /* The text of --help. */
    /* Reads 'files' (in order) into the program's configuration: 0, or -1 with the
     * reason in 'error'; unknown options go to 'warnings'. */
    int (*load)(char *const *files, size_t n_files, struct buf *warnings, struct buf *error);
    const bool *debug;          /* The loaded configuration's "debug" option. */
    int (*run)(void);           /* Runs the agent; returns the exit status. */
    void (*done)(void);         /* Frees the configuration, loaded or not. */
};

/* What an agent's main() does: the command line, the configuration (its errors on
 * stderr, its warnings logged), the log level, then the agent.  The exit status. */
int agent_main(int argc, char **argv, const struct agent_program *program);

/* Blocks SIGTERM and SIGINT (for the returned signalfd) and ignores SIGPIPE; starts
 * libcurl, with TLS only when the server or Keystone is reached over https (TLS costs
 * about 4 MB of resident memory).  Returns the signalfd or -1. */
int agent_process_start(const struct server_settings *server);

/* Sends a heartbeat: 'state' (agent_type, binary, host, …; consumed) plus start_flag
 * before the first success.  '*need_sync' is set on the first success and when the
 * server answers "revived" (the agent was thought dead).  0 or a negative errno. */
int agent_report(struct server_client *sc, json_t *state, bool *started, bool *need_sync);

#endif
