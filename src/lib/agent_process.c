/* What both agents' processes share; see agent_process.h. */
#include "agent_process.h"

#include <curl/curl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>

#include "agent_proto.h"
#include "log.h"
#include "server_client.h"
#include "util.h"

LOG_MODULE("agent");

/* Parses argv.  Returns -1 to go on (files and debug filled), else the exit status
 * (after --help, or a usage error); 'usage' is the text of --help. */
static int
agent_parse_args(int argc, char **argv, const char *usage, char **files, size_t *n_files,
                 bool *debug)
{
    static const struct option options[] = {
        { "config-file", required_argument, NULL, 'c' },
        { "debug", no_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;

    *n_files = 0;
    *debug = false;
    while ((opt = getopt_long(argc, argv, "c:dh", options, NULL)) != -1) {
        switch (opt) {
        case 'c':
            if (*n_files == AGENT_MAX_CONFIG_FILES) {
                fprintf(stderr, "too many --config-file options\n");
                return 2;
            }
            files[(*n_files)++] = optarg;
            break;
        case 'd':
            *debug = true;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    return -1;
}

int
agent_main(int argc, char **argv, const struct agent_program *program)
{
    struct buf warnings = BUF_INITIALIZER, error = BUF_INITIALIZER;
    char *files[AGENT_MAX_CONFIG_FILES];
    size_t n_files;
    bool debug;
    int status = agent_parse_args(argc, argv, program->usage, files, &n_files, &debug);

    if (status >= 0) {
        return status;
    }
    status = 1;
    if (program->load(files, n_files, &warnings, &error)) {
        fprintf(stderr, "%s: %s\n", program->name, buf_cstr(&error));
    } else {
        log_set_level(debug || *program->debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
        log_warn_lines(buf_cstr(&warnings));
        status = program->run();
    }
    program->done();
    buf_done(&warnings);
    buf_done(&error);
    return status;
}

int
agent_process_start(const struct server_settings *server)
{
    sigset_t mask;

    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    pthread_sigmask(SIG_BLOCK, &mask, NULL);
    signal(SIGPIPE, SIG_IGN);
    curl_global_init((server->url && str_startswith(server->url, "https:"))
                             || (server->auth_url && str_startswith(server->auth_url, "https:"))
                         ? CURL_GLOBAL_DEFAULT
                         : CURL_GLOBAL_NOTHING);
    return signalfd(-1, &mask, SFD_CLOEXEC);
}

int
agent_report(struct server_client *sc, json_t *state, bool *started, bool *need_sync)
{
    json_t *body, *ans = NULL;
    int r;

    if (!*started) {
        json_object_set_new(state, "start_flag", json_true());
    }
    body = json_pack("{s:o}", "agent", state);
    r = server_call(sc, "POST", AGENT_PATH_REPORT, body, 0, &ans, NULL);
    json_decref(body);
    if (!r) {
        const char *outcome = json_string_value(json_object_get(ans, "state"));
        if (!*started || (outcome && STREQ(outcome, "revived"))) {
            *need_sync = true;
        }
        *started = true;
    }
    json_decref(ans);
    return r;
}
