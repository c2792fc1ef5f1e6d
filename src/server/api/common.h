/* Helpers every resource handler uses: starting a JSON answer, the If-Match
 * precondition, the standard attributes' rendering, and the resource tables. */
#ifndef NEUTRINO_API_COMMON_H
#define NEUTRINO_API_COMMON_H

#include <stdint.h>

#include "attrs.h"
#include "jsonw.h"
#include "policy.h"
#include "listing.h"
#include "model.h"

struct request;
struct store_conn;

extern const struct resource_def network_def;
extern const struct resource_def subnet_def;
extern const struct resource_def port_def;
extern const struct resource_def router_def;
extern const struct resource_def floatingip_def;
extern const struct resource_def subnetpool_def;
extern const struct resource_def address_scope_def;
extern const struct resource_def address_group_def;
extern const struct resource_def flavor_def;
extern const struct resource_def service_profile_def;

/* Sets the status and an empty body ready for a JSON writer over req->response. */
void api_begin(struct request *req, int status, struct jsonw *w);

struct op;
/* Runs 'fn' (a core call) in a write transaction: on success calls 'render_ok' (which
 * begins the answer) and commits; on failure rolls back and answers the core's error.
 * For the handlers outside the resource table's create/update/delete. */
int api_in_transaction(struct request *req, int (*fn)(const struct op *op, void *aux),
                       void (*render_ok)(struct request *req, void *aux), void *aux);

/* Parses If-Match into '*ret' (-1: none given). Returns 0 or -1 after a 400. */
int api_if_match_parse(struct request *req, int64_t *ret);


/* Writes the standard attributes (project, description, tags, timestamps, revision). */
void api_render_std(struct jsonw *w, const struct std_attrs *s, const struct field_set *fs);
/* Writes '"key": value' if the field is wanted. */
void api_kv_str(struct jsonw *w, const struct field_set *fs, const char *key, const char *v);
void api_kv_bool(struct jsonw *w, const struct field_set *fs, const char *key, bool v);
void api_kv_int(struct jsonw *w, const struct field_set *fs, const char *key, int64_t v);
/* 'json' is trusted JSON text from the store. */
void api_kv_raw(struct jsonw *w, const struct field_set *fs, const char *key, const char *json);

/* The current time as an API timestamp. */
void api_now(char out[TIMESTAMP_LEN]);

/* core_authorize() for a request: answers a refusal (403 or 404, as Neutron) and
 * returns -1. */
int api_authorize(struct request *req, enum policy_resource res, enum policy_action action,
                  const struct policy_target *target);

#endif
