/* What the identity API's handlers share: Keystone's answer shapes (an entity under
 * its key with "links": {"self"}, collections with "links", errors as {"error":
 * {"code", "title", "message"}}, Vary: X-Auth-Token on all), the reading and checking
 * of request bodies, and the answers to the ends of lookups and writes. */
#ifndef NEUTRINO_IDENTITY_KS_COMMON_H
#define NEUTRINO_IDENTITY_KS_COMMON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct request;
struct store_conn;

/* The one domain there is. */
#define KS_DEFAULT_DOMAIN_ID "default"
#define KS_DEFAULT_DOMAIN_NAME "Default"

/* How Keystone's 400s about a body's shape end. */
#define KS_MALFORMED " The server could not comply with the request since it is either" \
                     " malformed or otherwise incorrect. The client is assumed to be in error."

/* --- Answers --- */

/* Sets the status and 'body' (taken; NULL: empty). */
void ks_reply(struct request *req, int status, json_t *body);
/* Answers {key: entity} ('entity' taken). Returns 0. */
int ks_reply_entity(struct request *req, int status, const char *key, json_t *entity);
/* Answers a listing, {key: items, "links": {"self": <root>/v3/<path>, ...}}, or a 500
 * if 'r' (the listing's outcome) is an error.  Takes 'items'.  Returns 0 or -1. */
int ks_reply_list(struct request *req, int r, const char *key, json_t *items,
                  const char *path);

/* Answers with Keystone's error shape; 401 adds WWW-Authenticate. Returns -1. */
int ks_fail(struct request *req, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int ks_unauthorized(struct request *req);
/* A 500 for the unexpected failure 'r' (negative errno), logged; for -ENOSPC (the
 * database's disk is full) a 503 with Retry-After. Returns -1. */
int ks_internal(struct request *req, int r);
/* Answers a lookup's failure 'r': 404 "Could not find <kind>: <id>." or 500.  Returns
 * 0 if 'r' is 0. */
int ks_lookup_result(struct request *req, int r, const char *kind, const char *id);
/* Answers the end of a write that made 'entity' (taken): 'status' with {key: entity},
 * 409 with the printf-style message when a name is taken (-EEXIST), or 500. */
int ks_answer_saved(struct request *req, int r, int status, const char *key, json_t *entity,
                    const char *conflict_fmt, ...) __attribute__((format(printf, 6, 7)));
/* Deletes the entity 'id' of 'kind' with 'del' in one transaction, and answers 204,
 * 404 or 500 (after forgetting cached validations, which the delete may change). */
int ks_delete(struct request *req, struct store_conn *c,
              int (*del)(struct store_conn *, const char *id), const char *kind,
              const char *id);

/* --- Links and common parts of answers --- */

/* "scheme://host[:port]" clients reach us at: [identity] public_endpoint or the
 * request's Host.  Owned. */
char *ks_public_base(const struct request *req);
/* The identity API's root as this request reached it, e.g. "http://h:9696/identity".
 * Owned. */
char *ks_api_root(const struct request *req);
/* {"self": <root>/v3/<collection>/<id>} */
json_t *ks_links_self(const struct request *req, const char *collection, const char *id);
/* {"id": "default", "name": "Default"} */
json_t *ks_domain_ref(void);
/* "2024-01-02T03:04:05.000000Z" */
void ks_format_time(int64_t t, char out[32]);

/* --- Requests --- */

/* The request body as JSON, or NULL after answering 400. */
json_t *ks_body(struct request *req);
/* The body's object 'key' ({"project": {...}}), or NULL after answering 400. */
json_t *ks_entity_body(struct request *req, const char *key);
/* Validates the string field 'key' of 'e' into 'ret': NULL when absent (400 if
 * 'required'), else at most 'max_len' bytes (at least 1 if 'required').  Returns 0,
 * or -1 after answering 400. */
int ks_string_field(struct request *req, const json_t *e, const char *key, bool required,
                    size_t max_len, const char **ret);
/* Validates the optional boolean field 'key' of 'e' into 'value' (unchanged when
 * absent).  Returns 0, or -1 after answering 400. */
int ks_bool_field(struct request *req, const json_t *e, const char *key, bool *value);
/* Checks an optional "domain_id" names the default domain. 0, or -1 after 400. */
int ks_check_domain_field(struct request *req, const json_t *e);
/* True if the query filters on a domain other than the default one (matching
 * nothing). */
bool ks_foreign_domain_filter(const struct request *req);

#endif
