/* neutrino: the command-line client (spec/cli.md §11).  The `openstack` client's
 * grammar for networks, subnets, ports and agents — same options, column headers, field
 * names, output formats and exit codes — from a C program that starts in milliseconds
 * and keeps its token between runs. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cloud.h"
#include "util.h"

static const struct command *const tables[] = {
    network_commands, subnet_commands, port_commands, agent_commands, lab_commands,
};

static void
usage(FILE *f)
{
    fprintf(f, "usage: neutrino [--os-cloud NAME] [--os-<setting> VALUE]... [--debug]\n"
               "                <command> [options] [-f table|json|value|yaml|csv|shell]"
               " [-c COLUMN]...\n\ncommands:\n");
    for (size_t t = 0; t < ARRAY_SIZE(tables); t++) {
        for (const struct command *c = tables[t]; c->words; c++) {
            fprintf(f, "  %-32s %s\n", c->words, c->help);
        }
    }
    fprintf(f, "\nSettings come from clouds.yaml (--os-cloud or OS_CLOUD), OS_* variables and"
               " --os-* flags,\nas for the openstack client: auth-url, username, password,"
               " project-name, project-id,\nuser-domain-name, project-domain-name, region-name,"
               " interface, auth-type, token, endpoint.\n");
}

/* How many of 'words' (space-separated) match argv from 'i'; 0 if not all. */
static size_t
match(const char *words, char **argv, int argc, int i)
{
    size_t n = 0;
    const char *p = words;

    while (*p) {
        size_t len = strcspn(p, " ");
        if (i + (int) n >= argc || strlen(argv[i + n]) != len || strncmp(argv[i + n], p, len)) {
            return 0;
        }
        n++;
        p += len + (p[len] == ' ');
    }
    return n;
}

int
main(int argc, char **argv)
{
    struct cloud flags, cloud;
    struct buf error = BUF_INITIALIZER;
    struct cli c;
    const char *columns[64];
    char **rest = xcalloc((size_t) argc + 1, sizeof *rest);
    int nrest = 0, status = 1;

    memset(&flags, 0, sizeof flags);
    memset(&c, 0, sizeof c);
    c.out.format = OUT_TABLE;
    c.out.columns = columns;
    /* Global options may come anywhere; what is left is the command and its options. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (STREQ(a, "--")) {
            /* What follows is another program's command line (instance exec). */
            while (i < argc) {
                rest[nrest++] = argv[i++];
            }
            break;
        }
        if (STREQ(a, "-h") || STREQ(a, "--help") || STREQ(a, "help")) {
            usage(stdout);
            free(rest);
            return 0;
        }
        if (STREQ(a, "--debug")) {
            c.debug = true;
        } else if (STREQ(a, "--noindent")) {
            c.out.noindent = true;
        } else if (STREQ(a, "--insecure")) {
            /* Accepted for compatibility; plain HTTP needs nothing. */
        } else if ((STREQ(a, "-f") || STREQ(a, "--format")) && next) {
            if (!out_parse_format(next, &c.out.format)) {
                fprintf(stderr, "argument -f/--format: invalid choice: '%s'\n", next);
                free(rest);
                return 2;
            }
            i++;
        } else if ((STREQ(a, "-c") || STREQ(a, "--column")) && next) {
            if (c.out.n_columns < ARRAY_SIZE(columns)) {
                columns[c.out.n_columns++] = next;
            }
            i++;
        } else if (STREQ(a, "--prefix") && next) {
            c.out.prefix = next;
            i++;
        } else if (str_startswith(a, "--os-")) {
            char key[64];
            const char *eq = strchr(a, '=');
            const char *value = eq ? eq + 1 : next;
            snprintf(key, sizeof key, "%.*s", (int) (eq ? (size_t) (eq - a - 5) : strlen(a + 5)),
                     a + 5);
            for (char *p = key; *p; p++) {
                *p = *p == '-' ? '_' : *p;
            }
            if (!value) {
                fprintf(stderr, "argument %s: expected one argument\n", a);
                free(rest);
                return 2;
            }
            if (STREQ(key, "cloud")) {
                free(flags.name);
                flags.name = xstrdup(value);
            } else if (STREQ(key, "project")) {
                cloud_set(&flags, "project_name", value);
            } else if (cloud_key_known(key)) {
                cloud_set(&flags, key, value);
            } else if (!STREQ(key, "identity_api_version") && !STREQ(key, "cacert")) {
                fprintf(stderr, "unrecognized arguments: %s\n", a);
                free(rest);
                return 2;
            }
            i += eq ? 0 : 1;
        } else {
            rest[nrest++] = argv[i];
        }
    }
    if (!nrest) {
        usage(stderr);
        free(rest);
        cloud_done(&flags);
        return 2;
    }
    const struct command *cmd = NULL;
    size_t used = 0;
    for (size_t t = 0; t < ARRAY_SIZE(tables); t++) {
        for (const struct command *k = tables[t]; k->words; k++) {
            size_t n = match(k->words, rest, nrest, 0);
            if (n > used) {
                cmd = k;
                used = n;
            }
        }
    }
    if (!cmd) {
        fprintf(stderr, "neutrino: '%s' is not a neutrino command. See 'neutrino --help'.\n",
                rest[0]);
        free(rest);
        cloud_done(&flags);
        return 2;
    }
    json_t *args = args_parse(cmd->opts, nrest - (int) used, rest + used);
    if (!args) {
        free(rest);
        cloud_done(&flags);
        return 2;
    }
    curl_global_init(CURL_GLOBAL_NOTHING);
    if (cloud_load(&flags, &cloud, &error)) {
        fprintf(stderr, "Error: %s\n", buf_cstr(&error));
    } else {
        c.cloud = &cloud;
        status = cmd->run(&c, args);
        cloud_done(&cloud);
    }
    if (c.opened) {
        session_close(&c.session);
    }
    json_decref(args);
    buf_done(&error);
    cloud_done(&flags);
    free(rest);
    curl_global_cleanup();
    return status;
}
