/* Rendering errors for the network API: each error kind of the domain (core/error.h)
 * maps, in one table, to its HTTP status and Neutron exception type.  Handlers call
 * api_fail() with a kind and a message, or api_fail_with() with a domain error; both
 * render {"NeutronError": {"type", "message", "detail": ""}}. */
#ifndef NEUTRINO_HTTP_ERRORS_H
#define NEUTRINO_HTTP_ERRORS_H

#include "core/error.h"

struct request;

/* Answers 'req' with 'err'. Returns -1. */
int api_fail_with(struct request *req, const struct api_error *err);

/* Answers 'req' with error 'kind' and a printf-style message (the "message" field).
 * InvalidInput messages are prefixed "Invalid input for operation: " and end with a
 * period, as Neutron's are.  Always returns -1 so handlers can "return api_fail(...)". */
int api_fail(struct request *req, enum api_err kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Answers with a 500 for an unexpected store failure 'err' (negative errno), or a 503
 * ServiceUnavailable with Retry-After for -ENOSPC (the database's disk is full). */
int api_fail_internal(struct request *req, int err);

/* The HTTP status and Neutron type of 'kind' (for tests). */
int api_err_status(enum api_err kind);
const char *api_err_type(enum api_err kind);

#endif
