/* How an agent talks to neutrino-server: HTTP+JSON over libcurl, by URL or through the
 * server's unix socket (agents in other network namespaces reach it that way), with a
 * Keystone token when credentials are configured (it logs in, keeps the token, and
 * logs in again when the server answers 401).  One client per thread. */
#ifndef NEUTRINO_AGENT_SERVER_CLIENT_H
#define NEUTRINO_AGENT_SERVER_CLIENT_H

#include <jansson.h>
#include <stdbool.h>

#include "buf.h"

/* [server] in the agent's configuration files. */
struct server_settings {
    char *url;                  /* e.g. http://controller:9696; several servers on one
                                 * database: a comma-separated list, tried in turn
                                 * when one cannot be reached or answers 502/503. */
    char *unix_socket;          /* If set, connect here instead (URL host ignored). */
    char *auth_url;             /* Keystone v3; default <url>/identity/v3. */
    char *username;             /* No username: no token (auth_strategy = noauth). */
    char *password;
    char *project_name;
    char *user_domain_name;
    char *project_domain_name;
    int timeout;                /* Seconds per ordinary call. */
};

/* The conf.h option-table entries of [server] for a config struct 'type' whose
 * struct server_settings is 'member' (both agents read the same section). */
#define SERVER_SETTINGS_OPTIONS(type, member)                                         \
    CONF_OPT_STR(type, "server", "url", member.url, "http://127.0.0.1:9696"),           \
    CONF_OPT_STR(type, "server", "unix_socket", member.unix_socket, NULL),              \
    CONF_OPT_STR(type, "server", "auth_url", member.auth_url, NULL),                    \
    CONF_OPT_STR(type, "server", "username", member.username, NULL),                    \
    CONF_OPT_STR(type, "server", "password", member.password, NULL),                    \
    CONF_OPT_STR(type, "server", "project_name", member.project_name, "service"),       \
    CONF_OPT_STR(type, "server", "user_domain_name", member.user_domain_name, "Default"), \
    CONF_OPT_STR(type, "server", "project_domain_name", member.project_domain_name,     \
                 "Default"),                                                            \
    CONF_OPT_INT(type, "server", "timeout", member.timeout, "30", 1, 600)

struct server_client;

struct server_client *server_client_create(const struct server_settings *s);
void server_client_destroy(struct server_client *sc);

/* Makes a call.  'body' (may be NULL) is sent as JSON; on a 2xx answer '*ret' gets
 * the parsed body (NULL if empty) and 0 is returned.  -EPROTO for another status
 * ('*status' says which; the body is logged), -EAGAIN when the server cannot be
 * reached, -ECANCELED when server_client_abort() was called.  'timeout_s' 0 uses
 * the configured one. */
int server_call(struct server_client *sc, const char *method, const char *path,
                const json_t *body, long timeout_s, json_t **ret, long *status);

/* Makes calls in progress (and later ones) of this client fail with -ECANCELED.
 * Safe from another thread. */
void server_client_abort(struct server_client *sc);

#endif
