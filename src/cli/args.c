/* Command options; see args.h. */
#include "args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

json_t *
args_parse(const struct opt *opts, int argc, char **argv)
{
    json_t *a = json_object(), *pos = json_array();
    bool only_positional = false;

    json_object_set_new(a, "_args", pos);
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const struct opt *o = NULL;
        const char *value = NULL;
        char name[128];

        if (only_positional || arg[0] != '-' || STREQ(arg, "-")) {
            json_array_append_new(pos, json_string(arg));
            continue;
        }
        if (STREQ(arg, "--")) {
            only_positional = true;
            continue;
        }
        if (!str_startswith(arg, "--")) {
            fprintf(stderr, "unrecognized argument: %s\n", arg);
            json_decref(a);
            return NULL;
        }
        snprintf(name, sizeof name, "%s", arg + 2);
        char *eq = strchr(name, '=');
        if (eq) {
            *eq = '\0';
            value = arg + 2 + (eq - name) + 1;
        }
        for (const struct opt *p = opts; p && p->name; p++) {
            if (STREQ(p->name, name)) {
                o = p;
                break;
            }
        }
        if (!o) {
            fprintf(stderr, "unrecognized arguments: %s\n", arg);
            json_decref(a);
            return NULL;
        }
        const char *key = o->key ? o->key : o->name;
        if (o->kind == OPT_TRUE || o->kind == OPT_FALSE) {
            if (value) {
                fprintf(stderr, "argument --%s: ignored explicit argument '%s'\n", name, value);
                json_decref(a);
                return NULL;
            }
            json_object_set_new(a, key, json_boolean(o->kind == OPT_TRUE));
            continue;
        }
        if (!value) {
            if (i + 1 >= argc) {
                fprintf(stderr, "argument --%s: expected one argument\n", name);
                json_decref(a);
                return NULL;
            }
            value = argv[++i];
        }
        if (o->kind == OPT_STR) {
            json_object_set_new(a, key, json_string(value));
        } else {
            json_t *list = json_object_get(a, key);
            if (!list) {
                list = json_array();
                json_object_set_new(a, key, list);
            }
            json_array_append_new(list, json_string(value));
        }
    }
    return a;
}

const char *
arg_str(const json_t *a, const char *key)
{
    return json_string_value(json_object_get(a, key));
}

int
arg_bool(const json_t *a, const char *key)
{
    const json_t *v = json_object_get(a, key);

    return json_is_boolean(v) ? json_is_true(v) : -1;
}

const json_t *
arg_list(const json_t *a, const char *key)
{
    return json_object_get(a, key);
}

const char *
arg_pos(const json_t *a, size_t i)
{
    return json_string_value(json_array_get(json_object_get(a, "_args"), i));
}

size_t
arg_npos(const json_t *a)
{
    return json_array_size(json_object_get(a, "_args"));
}

char **
arg_argv(const json_t *a, size_t skip)
{
    size_t n = arg_npos(a);
    char **argv = xcalloc(n > skip ? n - skip + 1 : 1, sizeof *argv);

    for (size_t i = skip; i < n; i++) {
        argv[i - skip] = (char *) arg_pos(a, i);
    }
    return argv;
}

json_t *
arg_kv(const char *text)
{
    json_t *o = json_object();
    const char *p = text;

    while (*p) {
        size_t len = strcspn(p, ",");
        char *item = xstrndup(p, len);
        char *eq = strchr(item, '=');
        p += len + (p[len] == ',');
        if (!eq || eq == item) {
            free(item);
            json_decref(o);
            return NULL;
        }
        *eq = '\0';
        json_object_set_new(o, item, json_string(eq + 1));
        free(item);
    }
    return o;
}
