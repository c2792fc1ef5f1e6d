/* Options of one command, declared as a table and parsed into a JSON object, so that
 * each command reads them by name: flags (true), paired booleans (--enable/--disable
 * set one key true or false), strings, and repeatable strings (an array). */
#ifndef NEUTRINO_CLI_ARGS_H
#define NEUTRINO_CLI_ARGS_H

#include <jansson.h>

enum opt_kind {
    OPT_TRUE,       /* --enable: key = true */
    OPT_FALSE,      /* --disable: key = false */
    OPT_STR,        /* --name X: key = "X" (last one wins) */
    OPT_LIST,       /* --tag X (repeatable): key = ["X", ...] */
};

struct opt {
    const char *name;           /* Without the leading "--". */
    enum opt_kind kind;
    const char *key;            /* NULL: the name. */
};

/* Parses argv[0..argc) against 'opts' (NULL-name terminated).  Positional arguments go
 * to "_args" (an array).  Returns the object, or NULL after printing an error. */
json_t *args_parse(const struct opt *opts, int argc, char **argv);

/* Accessors: the string, boolean (-1 when absent) or array under 'key'. */
const char *arg_str(const json_t *a, const char *key);
int arg_bool(const json_t *a, const char *key);
const json_t *arg_list(const json_t *a, const char *key);
/* The i-th positional argument, or NULL. */
const char *arg_pos(const json_t *a, size_t i);
size_t arg_npos(const json_t *a);
/* The positional arguments from the 'skip'th on as a NULL-terminated argv (a command
 * line given after "--"); the array is the caller's, the strings stay the args'. */
char **arg_argv(const json_t *a, size_t skip);

/* Parses "k=v,k2=v2" into an object (values are strings); NULL if malformed. */
json_t *arg_kv(const char *text);

#endif
