/* What every command of the `neutrino` client shares: the session, the output options,
 * name-or-id resolution, error reporting, and the ways of creating, listing, showing,
 * changing and deleting that every kind of resource goes through alike. */
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
    const struct command *command;  /* The one being run. */
};

/* A program of this project that runs some commands for the client. */
struct program {
    const char *subdir;         /* Its directory under src/ in a build tree: "lab". */
    const char *name;           /* "neutrino-lab" */
};

/* A command: words ("network", "create"), its options, and its handler (argc/argv are
 * what follows the words).  Returns the exit status.  With 'program', the command is
 * that program's: it gets the whole command line instead. */
struct command {
    const char *words;          /* "network create" */
    const struct opt *opts;
    int (*run)(struct cli *c, const json_t *args);
    const char *help;           /* One line. */
    const struct program *program;
    /* For the commands that work alike on every kind (cli_show, cli_delete): the kind,
     * and the fields a show prints. */
    const struct kind *kind;
    const struct field *fields;
    size_t n_fields;
};

/* The main() of neutrino and neutrino-lab: global options, then the longest command of
 * 'tables' that matches.  'program' names the caller in messages.  The exit status. */
int cli_main(int argc, char **argv, const char *program, const struct command *const *tables,
             size_t n_tables);
/* Where another program of the project is: beside this one (an installation), else
 * ../<subdir>/<name> (a build tree), else 'name' for PATH.  Owned by the caller. */
char *cli_sibling_binary(const char *subdir, const char *name);

/* The session, signing in on first use; NULL after printing why not. */
struct session *cli_session(struct cli *c);
/* Prints "Error: ..." and returns 1. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a command-line error as argparse does ("neutrino <words>: error: ...") and
 * returns its exit status, 2. */
int cli_usage_error(const struct cli *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same for the command "neutrino <words>", where no struct cli is at hand. */
int cli_usage_error_words(const char *words, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints the session's last error and returns 1. */
int cli_fail_call(struct cli *c);

/* A resource kind the commands work on. */
struct kind {
    const char *singular;       /* "network" (body key) */
    const char *collection;     /* "networks" */
    const char *title;          /* "Network" (messages) */
    const char *noun;           /* "group": what delete's messages call one; NULL: singular. */
    const char *list_key;       /* "security_groups": a list's key; NULL: the collection. */
    bool id_only;               /* Found by id only (rules): no lookup by name. */
    const char *name_attr;      /* What stands for a name (a floating IP's address);
                                 * NULL: "name". */
};
/* The key of a kind's list in an answer. */
#define KIND_LIST_KEY(k) ((k)->list_key ? (k)->list_key : (k)->collection)

/* The kinds several commands name (a port's network, an instance's network...). */
extern const struct kind kind_network;
extern const struct kind kind_subnet;
extern const struct kind kind_port;
extern const struct kind kind_security_group;
extern const struct kind kind_subnet_pool;
extern const struct kind kind_address_scope;

/* Finds 'arg' (an id, else an exact name) among 'k'; '*ret' the resource (owned).
 * Returns 0, or 1 after printing "No Network found for x" / "More than one ...". */
int cli_find(struct cli *c, const struct kind *k, const char *arg, json_t **ret);
/* The same, giving the id (copied into 'id'). */
int cli_find_id(struct cli *c, const struct kind *k, const char *arg, char id[64]);
/* A project id from a name or id (asks the identity service for names). */
int cli_project_id(struct cli *c, const char *arg, char id[64]);

/* Replaces the tags of a resource (sorted, as the openstack client sends them). */
int cli_put_tags(struct cli *c, const struct kind *k, const char *id, const json_t *tags);

/* The tags a set (--tag, --no-tag) or unset (--tag, --all-tag) leaves on 'obj', or NULL
 * when the command gave no tag option (owned). */
json_t *cli_new_tags(const json_t *obj, const json_t *a, bool unset);
/* After a create: --tag on the new resource (PUT …/tags), reflected in 'obj'. */
int cli_create_tags(struct cli *c, const struct kind *k, json_t *obj, const json_t *a);
/* PUT {<singular>: body} when 'body' has anything, then the tags when not NULL. */
int cli_update(struct cli *c, const struct kind *k, const json_t *obj, json_t *body,
               const json_t *tags);
/* "<kind> set|unset <one>": finds it, sends what 'before' (which needs no lookup, and
 * may fail before it) and then 'after' (given the resource) put in the body, and the
 * tags.  Either may be NULL; they return 1 after a message. */
int cli_change(struct cli *c, const struct kind *k, const json_t *a, bool unset,
               int (*before)(struct cli *c, const json_t *a, json_t *body),
               int (*after)(struct cli *c, const json_t *a, const json_t *obj, json_t *body));
/* An option whose value goes into a request body as given: --<opt> X (or the key of a
 * paired boolean option) sets <attr>. */
struct opt_attr {
    const char *opt;
    const char *attr;
};
/* Copies into 'body' each option of 'map' the command gave, in the order of 'map'. */
void cli_put_opts(json_t *body, const json_t *a, const struct opt_attr *map, size_t n);
/* Sets body's project_id from --project (a name or an id), if given; 1 after a message. */
int cli_put_project(struct cli *c, const json_t *a, json_t *body);
/* POST {<singular>: body} (taken over), --tag on the new resource, and prints it. */
int cli_create(struct cli *c, const struct kind *k, json_t *body, const json_t *a,
               const struct field *fields, size_t n);

/* A list attribute that a repeatable option changes entry by entry. */
struct list_attr {
    const char *attr;           /* "host_routes" */
    const char *option;         /* "host-route": one entry each. */
    /* An option's text as an entry, or NULL after a message; NULL: the text itself. */
    json_t *(*conv)(struct cli *c, const char *text);
    /* Whether 'item' (an unset's) names 'entry'; NULL: when they are equal. */
    bool (*match)(const json_t *entry, const json_t *item);
};
/* Sets body's attribute to the entries the option's texts 'given' make, followed by
 * those of 'keep' (what set leaves); 1 after a message. */
int cli_put_list(struct cli *c, const struct list_attr *l, const json_t *given,
                 const json_t *keep, json_t *body);
/* Sets body's attribute to that of 'obj' (a 'k') less one entry for each of the texts
 * 'remove'; 1 after a message, "<Kind> does not contain <option> <text>" when one
 * names no entry. */
int cli_remove_entries(struct cli *c, const struct kind *k, const struct list_attr *l,
                       const json_t *obj, const json_t *remove, json_t *body);
/* The port's "security_groups" from --security-group <name or id> (cmd_security_group.c). */
extern const struct list_attr cli_security_groups;
/* The port's "fixed_ips" from --fixed-ip subnet=<name or id>,ip-address=<ip> (cmd_port.c). */
extern const struct list_attr cli_fixed_ips;

/* "<kind> show <one>" of the command's kind: finds it and prints its fields. */
int cli_show(struct cli *c, const json_t *a);
/* GET 'path' (under the network API) and print its list 'key' with 'cols'. */
int cli_get_list(struct cli *c, const char *path, const char *key, const struct field *cols,
                 size_t n);
/* The end of a list command: the tag filters join 'query' (which is freed), then the list
 * with 'cols', or with --long 'long_cols'. */
int cli_list_tagged(struct cli *c, const struct kind *k, const json_t *a, struct buf *query,
                    const struct field *cols, size_t n, const struct field *long_cols,
                    size_t n_long);
/* A filter of a list command: --<opt> X adds "<key>=X" to the query (a boolean option
 * as the openstack client sends it: True or False).  With 'find', X is the name or id of
 * a resource of that kind, with 'project' of a project: the id found is sent. */
struct list_filter {
    const char *key;
    const char *opt;
    const struct kind *find;
    bool project;
};
/* Adds to 'query' each filter of 'filters' the command gave, in that order; 1 after a
 * message. */
int cli_q_filters(struct cli *c, struct buf *query, const json_t *a,
                  const struct list_filter *filters, size_t n);
/* "<kind> delete <one>...": deletes each positional argument of the command's kind;
 * aggregates failures as the openstack client. */
int cli_delete(struct cli *c, const json_t *args);
/* The same for kinds named by id only (RBAC policies, flavor profiles), with the
 * client's words for them: "Failed to delete <one> with ID '<id>': ...", "N of M <many>
 * failed to delete.". */
int cli_delete_by_id(struct cli *c, const struct kind *k, const json_t *args, const char *one,
                     const char *many);

/* Appends "key=value" (encoded) to a query string when 'value' is not NULL. */
void cli_q(struct buf *b, const char *key, const char *value);
/* A boolean filter as the openstack client sends it ("True"/"False"), NULL if -1. */
const char *cli_py_bool(int b);

/* The command tables of each resource. */
extern const struct command network_commands[];
extern const struct command network_rbac_commands[];
extern const struct command subnet_commands[];
extern const struct command port_commands[];
extern const struct command agent_commands[];
extern const struct command security_group_commands[];
extern const struct command router_commands[];
extern const struct command floating_ip_commands[];
extern const struct command quota_commands[];
extern const struct command subnet_pool_commands[];
extern const struct command address_scope_commands[];
extern const struct command address_group_commands[];
extern const struct command availability_zone_commands[];
extern const struct command flavor_commands[];

/* The options of "security group rule create", and the body they make without asking the
 * server (protocol, direction, ethertype, ports, ICMP type and code, the default remote
 * prefix): 0, 1 after a message, or 2 after a usage error (exit status 2). */
extern const struct opt sg_rule_create_opts[];
int sg_rule_attrs(const json_t *a, json_t *body);

#endif
