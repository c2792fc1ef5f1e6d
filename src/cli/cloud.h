/* Where the `neutrino` client finds its cloud, as the `openstack` client does
 * (docs/behaviour/cli.md §8): clouds.yaml (OS_CLIENT_CONFIG_FILE, then ./, ~/.config/openstack/,
 * /etc/openstack/), the OS_* environment, and --os-* flags — flag over environment over
 * file. */
#ifndef NEUTRINO_CLI_CLOUD_H
#define NEUTRINO_CLI_CLOUD_H

#include <stdbool.h>

#include "buf.h"

/* Every setting, NULL when not given.  Strings are owned. */
struct cloud {
    char *name;                 /* The cloud's name ("envvars" when only OS_* vars). */
    char *auth_url;
    char *username;
    char *password;
    char *project_name;
    char *project_id;
    char *user_domain_name;
    char *user_domain_id;
    char *project_domain_name;
    char *project_domain_id;
    char *region_name;
    char *interface;            /* public (default), internal, admin. */
    char *auth_type;            /* password (default), token, admin_token, none. */
    char *token;
    char *endpoint;             /* Network endpoint given directly (--os-endpoint). */
    char *config_file;          /* The clouds.yaml read, if any. */
};

/* The option names (without "os-") a flag or an OS_ variable may set. */
bool cloud_key_known(const char *key);
/* Sets 'key' (e.g. "auth_url") in 'c' (copies 'value'). */
void cloud_set(struct cloud *c, const char *key, const char *value);

/* Merges clouds.yaml (cloud 'flags->name', else OS_CLOUD), then OS_* variables, then
 * 'flags', into 'ret'.  0, or -1 with 'error' set. */
int cloud_load(const struct cloud *flags, struct cloud *ret, struct buf *error);
void cloud_done(struct cloud *c);

#endif
