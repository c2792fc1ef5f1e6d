/* The domain core: networks, subnets and ports as the server changes them, whoever
 * asks — an API request, an agent's call, or the server itself.  A core function takes
 * a 'struct op' (who acts, on which store connection, where to put a refusal) and
 * typed inputs; it checks, decides, writes and records the agents' work (changes.h),
 * all inside the caller's open write transaction, and never answers HTTP.
 *
 * Error convention (core/error.h): 0 on success; -1 with 'op->err' filled on any
 * failure (a refusal's kind and message, or API_ERR_INTERNAL with the errno). */
#ifndef NEUTRINO_CORE_CORE_H
#define NEUTRINO_CORE_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "core/error.h"
#include "model.h"
#include "policy.h"

struct app;
struct store_conn;

/* One unit of work. */
struct op {
    const struct app *app;          /* Configuration, ML2, MAC base. */
    const struct context *caller;   /* Who acts; context_service() for the server. */
    struct store_conn *c;           /* With a write transaction open for writes. */
    struct api_error *err;          /* Where a failure is described. */
};

/* The server acting on its own behalf (DHCP ports, scheduling): every right, no
 * project. */
void context_service(struct context *ctx);

/* Fills 'op->err' for a store failure 'r' (negative errno). Returns -1. */
int core_internal(const struct op *op, int r);
/* Replaces the owned string '*field' with a copy of 'given', unless 'given' is NULL
 * (an update that does not name the attribute). */
void core_take_str(char **field, const char *given);

/* --- Authorization ---------------------------------------------------------------- */

/* Checks the default rule for 'action' on 'target' (policy.h).  A refusal is Neutron's:
 * PolicyNotAuthorized for creates and for writes to what the caller may see, else
 * "not found" (HTTPNotFound), so a refusal does not reveal that the resource exists. */
int core_authorize(const struct op *op, enum policy_resource res, enum policy_action action,
                   const struct policy_target *target);
/* core_authorize() for a subnet or port of 'project_id' on network 'network_id' (the
 * rules look at the network's owner and sharing). */
int core_authorize_on_network(const struct op *op, enum policy_resource res,
                              enum policy_action action, const char *project_id,
                              const char *network_id);
/* The network 'network_id' that a new subnet or port ('res') of 'owner' goes on, as the
 * caller may use it: visible, the caller's or shared (else HTTPForbidden), and the
 * create rule allows it.  '*ret' is filled on success only. */
int core_network_for_child(const struct op *op, enum policy_resource res,
                           const char *network_id, const char *owner, struct network *ret);
/* The owner of a new resource: 'asked' (may be NULL), else the caller's project.  Only
 * admins may name another project. */
int core_owner(const struct op *op, const char *asked, const char **ret);
/* Refuses a revision precondition 'expected' (-1: none) that 'current' does not meet
 * (RevisionNumberConstraintFailed). */
int core_check_revision(const struct op *op, int64_t expected, int64_t current);

#endif
