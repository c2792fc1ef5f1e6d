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

/* Sets the status and an empty body ready for a JSON writer over req->response. */
void api_begin(struct request *req, int status, struct jsonw *w);

/* Parses If-Match into '*ret' (-1: none given). Returns 0 or -1 after a 400. */
int api_if_match_parse(struct request *req, int64_t *ret);
/* 412 unless 'expected' is -1 or equals 'current'. Returns 0 or -1. */
int api_if_match_check(struct request *req, int64_t expected, int64_t current);

/* The calling thread's store connection; answers 500 and returns NULL on failure. */
struct store_conn *api_conn(struct request *req);

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

/* Fills the owner of a new resource: the body's project_id, else the caller's.
 * A non-admin naming another project gets 400. Returns 0 or -1. */
int api_owner(struct request *req, const json_t *item, const char **ret);

/* Checks the default rule for 'action' on 'target' (policy.h).  On refusal answers
 * Neutron's way — 403 PolicyNotAuthorized for creates and for writes to resources the
 * caller can see, 404 otherwise — and returns -1. */
int api_authorize(struct request *req, enum policy_resource res, enum policy_action action,
                  const struct policy_target *target);
/* Appends a change for the agents of 'host' ("" = all) in the open transaction; the
 * long-polls waiting on the feed are woken once the request has committed.  Returns 0,
 * or -1 after answering 500. */
int api_change(struct request *req, struct store_conn *c, const char *host, const char *kind,
               const char *object_id, const char *network_id);
/* Tells the DHCP agents hosting 'network_id' that 'object_id' changed ("dhcp_port" for a
 * port, "dhcp_network" for the network, its subnets or its scheduling); same errors. */
int api_change_dhcp(struct request *req, struct store_conn *c, const char *network_id,
                    const char *kind, const char *object_id);

/* api_authorize() for a subnet or port of 'project_id' on network 'network_id' (the
 * rules look at the network's owner and sharing). */
int api_authorize_on_network(struct request *req, struct store_conn *c, enum policy_resource res,
                             enum policy_action action, const char *project_id,
                             const char *network_id);

#endif
