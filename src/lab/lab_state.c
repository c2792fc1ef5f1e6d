/* The lab's state: its prefix, directory and lab.json. */
#include "lab_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

const char *
lab_prefix(void)
{
    const char *p = getenv("NEUTRINO_LAB");

    return p && *p ? p : "nlab";
}

char *
lab_dir(const char *prefix)
{
    return xasprintf(LAB_RUN_DIR "/%s", prefix);
}

char *
lab_file(const char *prefix, const char *file)
{
    return xasprintf(LAB_RUN_DIR "/%s/%s", prefix, file);
}

int
lab_make_dir(const char *prefix)
{
    char *dir = lab_dir(prefix);
    int r = 0;

    mkdir(LAB_RUN_DIR, 0755);
    if (mkdir(dir, 0755) && errno != EEXIST) {
        r = cli_fail("cannot create %s: %s", dir, strerror(errno));
    } else {
        chmod(dir, 0755);
    }
    free(dir);
    return r;
}

json_t *
lab_load(const char *prefix)
{
    char *path = lab_file(prefix, "lab.json");
    json_t *s = json_load_file(path, 0, NULL);

    free(path);
    return s;
}

int
lab_save(const json_t *state)
{
    char *path = lab_file(json_string_value(json_object_get(state, "prefix")), "lab.json");
    char *tmp = xasprintf("%s.tmp", path);
    int r = json_dump_file(state, tmp, JSON_INDENT(2)) || rename(tmp, path) ? -1 : 0;

    free(path);
    free(tmp);
    return r;
}

json_t *
lab_or_fail(void)
{
    json_t *state = lab_load(lab_prefix());

    if (!state) {
        cli_fail("no lab %s is up (neutrino lab up)", lab_prefix());
    }
    return state;
}

char *
lab_ns(const json_t *state, const char *name)
{
    return xasprintf("%s-%s", json_string_value(json_object_get(state, "prefix")), name);
}

json_t *
lab_node(const json_t *state, const char *name)
{
    json_t *nodes = json_object_get(state, "nodes"), *n = json_object_get(nodes, name);
    struct buf names = BUF_INITIALIZER;
    const char *key;
    json_t *v;

    if (n) {
        return n;
    }
    json_object_foreach (nodes, key, v) {
        buf_printf(&names, "%s%s", names.len ? ", " : "", key);
    }
    cli_fail("no node %s in the lab (%s)", name, buf_cstr(&names));
    buf_done(&names);
    return NULL;
}

bool
lab_is_root(void)
{
    if (geteuid() != 0) {
        cli_fail("the lab needs root (network namespaces)");
        return false;
    }
    return true;
}
