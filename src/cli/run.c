/* The command line of neutrino and neutrino-lab: global options (clouds, output format,
 * columns) anywhere, then the longest matching command of the program's tables.  A
 * command may live in another program (`neutrino lab …` is neutrino-lab's): the whole
 * command line is handed to it, so the client itself links nothing of the lab. */
#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cloud.h"
#include "util.h"

static void
usage(FILE *f, const char *program, const struct command *const *tables,
      size_t n_tables)
{
    fprintf(f, "usage: %s [--os-cloud NAME] [--os-<setting> VALUE]... [--debug]\n"
               "                <command> [options] [-f table|json|value|yaml|csv|shell]"
               " [-c COLUMN]...\n\ncommands:\n", program);
    for (size_t t = 0; t < n_tables; t++) {
        for (const struct command *c = tables[t]; c->words; c++) {
            fprintf(f, "  %-32s %s\n", c->words, c->help);
        }
    }
    fprintf(f, "\nSettings come from clouds.yaml (--os-cloud or OS_CLOUD), OS_* variables and"
               " --os-* flags,\nas for the openstack client: auth-url, username, password,"
               " project-name, project-id,\nuser-domain-name, project-domain-name, region-name,"
               " interface, auth-type, token, endpoint.\n");
}

char *
cli_sibling_binary(const char *subdir, const char *name)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    char *cand;

    if (n > 0) {
        self[n] = '\0';
        *strrchr(self, '/') = '\0';
        cand = xasprintf("%s/%s", self, name);                 /* installed side by side */
        if (!access(cand, X_OK)) {
            return cand;
        }
        free(cand);
        cand = xasprintf("%s/../%s/%s", self, subdir, name);   /* build tree */
        if (!access(cand, X_OK)) {
            return cand;
        }
        free(cand);
    }
    return xstrdup(name);
}

/* Hands the whole command line to 'program' (src/<subdir>/<program> in a build tree,
 * else beside this one, else on PATH).  Returns only on failure. */
static int
run_program(const struct program *p, char **argv)
{
    char *path = cli_sibling_binary(p->subdir, p->name);

    argv[0] = path;
    execvp(path, argv);
    fprintf(stderr, "neutrino: cannot run %s: %s\n", p->name, strerror(errno));
    free(path);
    return 127;
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
cli_main(int argc, char **argv, const char *program, const struct command *const *tables,
         size_t n_tables)
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
            usage(stdout, program, tables, n_tables);
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
        usage(stderr, program, tables, n_tables);
        free(rest);
        cloud_done(&flags);
        return 2;
    }
    const struct command *cmd = NULL;
    size_t used = 0;
    for (size_t t = 0; t < n_tables; t++) {
        for (const struct command *k = tables[t]; k->words; k++) {
            size_t n = match(k->words, rest, nrest, 0);
            if (n > used) {
                cmd = k;
                used = n;
            }
        }
    }
    if (!cmd) {
        fprintf(stderr, "%s: '%s' is not a %s command. See '%s --help'.\n",
                program, rest[0], program, program);
        free(rest);
        cloud_done(&flags);
        return 2;
    }
    if (cmd->program) {
        free(rest);
        cloud_done(&flags);
        return run_program(cmd->program, argv);
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
        c.command = cmd;
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
