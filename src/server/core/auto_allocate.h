/* auto-allocated-topology ("Get Me A Network", docs/behaviour/api.md §18): on a
 * project's first request the server makes it a network with a subnet from each
 * default subnet pool and a router joining them to the default external network, all
 * through the core's own network, subnet and router functions, as the caller and in
 * the caller's transaction; the project then keeps that topology until it is deleted.
 * See core.h for the calling convention. */
#ifndef NEUTRINO_CORE_AUTO_ALLOCATE_H
#define NEUTRINO_CORE_AUTO_ALLOCATE_H

#include "core/core.h"

/* The step a failed allocation stopped at: the API shows a refusal of the network
 * step or the router step as Zed's AutoAllocationFailure (its "unmet requirements"),
 * any other failure as it is. */
enum auto_allocate_step {
    AUTO_ALLOCATE_STEP_CHECKS,      /* Before anything was made. */
    AUTO_ALLOCATE_STEP_NETWORK,     /* The network and its subnets. */
    AUTO_ALLOCATE_STEP_ROUTER,      /* The router, its gateway and interfaces. */
    AUTO_ALLOCATE_STEP_RECORD,      /* Recording it (or undoing one that lost a race). */
};

/* The project a request names: 'asked', or the caller's for "None"; only an admin may
 * name another project (Zed's NotAuthorized).  '*ret' borrows 'asked' or the
 * caller's. */
int core_auto_allocate_project(const struct op *op, const char *asked, const char **ret);
/* Checks the policy rule of 'action' (POLICY_GET or POLICY_DELETE) for 'project_id'. */
int core_auto_allocate_authorize(const struct op *op, const char *project_id,
                                 enum policy_action action);
/* dry-run: refuses, as an allocation would, when there is no default external network
 * or no default subnet pool. */
int core_auto_allocate_check(const struct op *op);
/* The network of 'project_id''s topology, made now if it has none.  Write
 * transactions are serialised, so a racing request finds the first one's record; the
 * record's key still guards it: one that finds it taken on insert undoes what it made
 * and answers the recorded one.  On failure '*ret_step' says where it stopped (nothing
 * is left: the caller rolls back). */
int core_auto_allocate(const struct op *op, const char *project_id,
                       char ret_network_id[ID_LEN], enum auto_allocate_step *ret_step);
/* Removes 'project_id''s topology: router interfaces, router, network with its
 * subnets, and the record; parts already gone are skipped. */
int core_auto_allocate_delete(const struct op *op, const char *project_id);

#endif
