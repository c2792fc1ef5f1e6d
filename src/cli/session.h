/* A signed-in conversation with the cloud: a Keystone token (cached per cloud in a
 * 0600 file until shortly before it expires) and the network endpoint from the
 * catalog, or a given endpoint for auth types none and admin_token.  One curl handle,
 * kept alive across the calls of one command. */
#ifndef NEUTRINO_CLI_SESSION_H
#define NEUTRINO_CLI_SESSION_H

#include <jansson.h>
#include <stdbool.h>

#include "buf.h"

struct cloud;

struct session {
    const struct cloud *cloud;
    void *curl;                 /* CURL * */
    char *token;                /* NULL: none (auth type none). */
    char *network_url;          /* Without /v2.0 and without a trailing '/'. */
    char *identity_url;         /* The catalog's identity endpoint (or auth_url). */
    char *project_id;           /* Of the token's scope, when known. */
    bool debug;
    struct buf error;           /* The last failure, readable. */
    long status;                /* HTTP status of the last call (0: no answer). */
};

/* Signs in (or reuses the cached token).  0, or -1 with s->error set. */
int session_open(struct session *s, const struct cloud *c, bool debug);
void session_close(struct session *s);

/* Calls the network API: 'path' starts with "/v2.0/" (or is an absolute URL).  On a 2xx
 * answer returns 0 with '*ret' the parsed body (NULL when empty); otherwise -1 with
 * s->error "<Type> (HTTP <status>): <message>" from the server's error body. */
int session_call(struct session *s, const char *method, const char *path, const json_t *body,
                 json_t **ret);

/* The same against the identity endpoint ('path' like "/projects?name=x"). */
int session_identity_call(struct session *s, const char *method, const char *path,
                          json_t **ret);

/* Percent-encodes 'v' for a query string (appended to 'b'). */
void url_encode(struct buf *b, const char *v);

#endif
