/* What every command of the `neutrino` client shares: the session, the output options,
 * name-or-id resolution, error reporting. */
#ifndef NEUTRINO_CLI_CLI_H
#define NEUTRINO_CLI_CLI_H

#include <jansson.h>
#include <stdbool.h>

#include "args.h"
#include "output.h"
#include "session.h"

struct cli {
    struct session session;
    struct out_opts out;
    bool opened;                /* session_open() done (lazily, on first use). */
    const struct cloud *cloud;
    bool debug;
};

/* A command: words ("network", "create"), its options, and its handler (argc/argv are
 * what follows the words).  Returns the exit status. */
struct command {
    const char *words;          /* "network create" */
    const struct opt *opts;
    int (*run)(struct cli *c, const json_t *args);
    const char *help;           /* One line. */
};

/* The session, signing in on first use; NULL after printing why not. */
struct session *cli_session(struct cli *c);
/* Prints "Error: ..." and returns 1. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the session's last error and returns 1. */
int cli_fail_call(struct cli *c);

/* A resource kind the commands work on. */
struct kind {
    const char *singular;       /* "network" (body key) */
    const char *collection;     /* "networks" */
    const char *title;          /* "Network" (messages) */
};

/* Finds 'arg' (an id, else an exact name) among 'k'; '*ret' the resource (owned).
 * Returns 0, or 1 after printing "No Network found for x" / "More than one ...". */
int cli_find(struct cli *c, const struct kind *k, const char *arg, json_t **ret);
/* The same, giving the id (copied into 'id'). */
int cli_find_id(struct cli *c, const struct kind *k, const char *arg, char id[64]);
/* A project id from a name or id (asks the identity service for names). */
int cli_project_id(struct cli *c, const char *arg, char id[64]);

/* Replaces the tags of a resource (sorted, as the openstack client sends them). */
int cli_put_tags(struct cli *c, const struct kind *k, const char *id, const json_t *tags);

/* "GET /v2.0/<collection>?<query>" and print with 'cols'. */
int cli_list(struct cli *c, const struct kind *k, const char *query, const struct field *cols,
             size_t n);
/* Deletes each positional argument; aggregates failures as the openstack client. */
int cli_delete(struct cli *c, const struct kind *k, const json_t *args);

/* Appends "key=value" (encoded) to a query string when 'value' is not NULL. */
void cli_q(struct buf *b, const char *key, const char *value);
/* A boolean filter as the openstack client sends it ("True"/"False"), NULL if -1. */
const char *cli_py_bool(int b);

/* The command tables of each resource. */
extern const struct command network_commands[];
extern const struct command subnet_commands[];
extern const struct command port_commands[];
extern const struct command agent_commands[];
extern const struct command lab_commands[];

#endif
