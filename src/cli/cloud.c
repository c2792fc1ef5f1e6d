/* The client's configuration sources; see cloud.h. */
#include "cloud.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "util.h"

static const struct {
    const char *key;
    size_t offset;
} keys[] = {
#define KEY(k) { #k, offsetof(struct cloud, k) }
    KEY(auth_url), KEY(username), KEY(password), KEY(project_name), KEY(project_id),
    KEY(user_domain_name), KEY(user_domain_id), KEY(project_domain_name),
    KEY(project_domain_id), KEY(region_name), KEY(interface), KEY(auth_type), KEY(token),
    KEY(endpoint),
#undef KEY
};

static char **
field(struct cloud *c, const char *key)
{
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        if (STREQ(keys[i].key, key)) {
            return (char **) ((char *) c + keys[i].offset);
        }
    }
    return NULL;
}

bool
cloud_key_known(const char *key)
{
    return field(&(struct cloud) { 0 }, key) != NULL;
}

void
cloud_set(struct cloud *c, const char *key, const char *value)
{
    char **f = field(c, key);

    if (f) {
        free(*f);
        *f = xstrdup(value);
    }
}

/* --- clouds.yaml ----------------------------------------------------------------- */

static yaml_node_t *
map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE) {
        return NULL;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE && STREQ((char *) k->data.scalar.value, key)) {
            return yaml_document_get_node(doc, p->value);
        }
    }
    return NULL;
}

/* Copies the scalars of mapping 'map' whose keys are known settings into 'c'. */
static void
take_scalars(yaml_document_t *doc, yaml_node_t *map, struct cloud *c)
{
    if (!map || map->type != YAML_MAPPING_NODE) {
        return;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        yaml_node_t *v = yaml_document_get_node(doc, p->value);
        if (k && v && k->type == YAML_SCALAR_NODE && v->type == YAML_SCALAR_NODE) {
            cloud_set(c, (char *) k->data.scalar.value, (char *) v->data.scalar.value);
        }
    }
}

static char *
find_config_file(void)
{
    const char *explicit_file = getenv("OS_CLIENT_CONFIG_FILE");
    const char *home = getenv("HOME");
    char *candidates[8];
    size_t n = 0;
    char *found = NULL;

    if (explicit_file && *explicit_file) {
        return xstrdup(explicit_file);
    }
    candidates[n++] = xstrdup("clouds.yaml");
    candidates[n++] = xstrdup("clouds.yml");
    if (home) {
        candidates[n++] = xasprintf("%s/.config/openstack/clouds.yaml", home);
        candidates[n++] = xasprintf("%s/.config/openstack/clouds.yml", home);
    }
    candidates[n++] = xstrdup("/etc/xdg/openstack/clouds.yaml");
    candidates[n++] = xstrdup("/etc/openstack/clouds.yaml");
    candidates[n++] = xstrdup("/etc/openstack/clouds.yml");
    for (size_t i = 0; i < n; i++) {
        if (!found && !access(candidates[i], R_OK)) {
            found = candidates[i];
        } else {
            free(candidates[i]);
        }
    }
    return found;
}

/* Reads cloud 'name' from 'path' into 'c'. */
static int
read_clouds_yaml(const char *path, const char *name, struct cloud *c, struct buf *error)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_node_t *cl;
    FILE *f = fopen(path, "re");
    int r = 0;

    if (!f) {
        buf_printf(error, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc)) {
        buf_printf(error, "%s: not valid YAML (line %zu): %s", path,
                   parser.problem_mark.line + 1, parser.problem ? parser.problem : "?");
        yaml_parser_delete(&parser);
        fclose(f);
        return -1;
    }
    cl = map_get(&doc, map_get(&doc, yaml_document_get_root_node(&doc), "clouds"), name);
    if (!cl) {
        buf_printf(error, "cloud %s not found in %s", name, path);
        r = -1;
    } else {
        take_scalars(&doc, cl, c);
        take_scalars(&doc, map_get(&doc, cl, "auth"), c);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    fclose(f);
    return r;
}

/* --- merging --------------------------------------------------------------------- */

static void
overlay(struct cloud *dst, const struct cloud *src)
{
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        char *v = *(char **) ((const char *) src + keys[i].offset);
        if (v) {
            cloud_set(dst, keys[i].key, v);
        }
    }
}

int
cloud_load(const struct cloud *flags, struct cloud *ret, struct buf *error)
{
    const char *name = flags->name ? flags->name : getenv("OS_CLOUD");
    struct cloud env;

    memset(ret, 0, sizeof *ret);
    memset(&env, 0, sizeof env);
    if (name && *name) {
        ret->config_file = find_config_file();
        if (!ret->config_file) {
            buf_printf(error, "cloud %s: no clouds.yaml found (looked at OS_CLIENT_CONFIG_FILE,"
                              " ./clouds.yaml, ~/.config/openstack/, /etc/openstack/)", name);
            return -1;
        }
        if (read_clouds_yaml(ret->config_file, name, ret, error)) {
            return -1;
        }
        ret->name = xstrdup(name);
    } else {
        ret->name = xstrdup("envvars");
    }
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        char var[64], *p;
        const char *v;
        snprintf(var, sizeof var, "OS_%s", keys[i].key);
        for (p = var; *p; p++) {
            *p = (char) (*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
        }
        v = getenv(var);
        if (v && *v) {
            cloud_set(&env, keys[i].key, v);
        }
    }
    overlay(ret, &env);
    overlay(ret, flags);
    cloud_done(&env);
    return 0;
}

void
cloud_done(struct cloud *c)
{
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        free(*(char **) ((char *) c + keys[i].offset));
    }
    free(c->name);
    free(c->config_file);
    memset(c, 0, sizeof *c);
}
