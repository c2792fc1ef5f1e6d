/* What the agent API's handlers share: who may call, reading bodies and parameters,
 * answering. */
#ifndef NEUTRINO_AGENTAPI_RPC_UTIL_H
#define NEUTRINO_AGENTAPI_RPC_UTIL_H

#include <jansson.h>

struct request;
struct store_conn;

/* 0 if the caller may use the agent API (admin or service role, or noauth); otherwise
 * answers 403 and returns -1. */
int rpc_check_caller(struct request *req);
/* The body as a JSON object (owned), or NULL after answering 400. */
json_t *rpc_object_body(struct request *req);
/* A host name: a non-empty string of at most 255 characters without NUL; else NULL. */
const char *rpc_host_value(const json_t *v);
/* Query parameter 'host', or NULL after answering 400. */
const char *rpc_host_param(struct request *req);
/* Answers 'status' with 'body' (consumed). */
void rpc_reply(struct request *req, int status, json_t *body);

#endif
