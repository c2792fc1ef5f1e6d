/* Quotas in the domain core: each project's limits (the configured defaults, replaced
 * per resource by what an admin set), what the project uses, and the check a create
 * makes inside its write transaction (docs/behaviour/quotas.md).
 *
 * Counting is exact under concurrency because the count is read in the same write
 * transaction as the insert it guards, and write transactions are serialised by the
 * store (one server's mutex, then the database's write lock, shared by every server
 * on one PostgreSQL).  As in Neutron, only creates a client asks for are checked; what
 * the server makes on a project's behalf (its default security group and rules, DHCP
 * ports, a router's interface ports) is not checked but counts. */
#ifndef NEUTRINO_CORE_QUOTA_H
#define NEUTRINO_CORE_QUOTA_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"

/* Neutron Zed's quota resources, in the order its answers list them. */
enum quota_resource {
    QUOTA_NETWORK,
    QUOTA_SUBNET,
    QUOTA_SUBNETPOOL,
    QUOTA_PORT,
    QUOTA_ROUTER,
    QUOTA_FLOATINGIP,
    QUOTA_RBAC_POLICY,
    QUOTA_SECURITY_GROUP,
    QUOTA_SECURITY_GROUP_RULE,
    QUOTA__COUNT
};

/* A project's limit (negative: unlimited) and usage for every resource. */
struct quota_set {
    int64_t limit[QUOTA__COUNT];
    int64_t used[QUOTA__COUNT];     /* Filled by core_quota_details() only. */
};

/* The API's name of 'res' ("network", "security_group_rule", ...). */
const char *quota_resource_name(enum quota_resource res);
/* The resource called 'name', or -1. */
int quota_resource_find(const char *name);
/* Whether 'limit' admits 'used' + 'delta': a negative limit is unlimited. */
bool quota_allows(int64_t limit, int64_t used, int64_t delta);

/* Refuses (OverQuota, "Quota exceeded for resources: ['network'].") a create of
 * 'delta' more 'res' for 'project_id' that its limit does not admit.  Call inside the
 * create's write transaction, after the policy checks and before the insert. */
int quota_check(const struct op *op, enum quota_resource res, const char *project_id,
                int64_t delta);

/* The configured default limits (GET .../default). */
void core_quota_defaults(const struct op *op, struct quota_set *ret);
/* The limits of 'project_id' (GET /quotas/{id}): the caller's own, or any for an
 * admin (PolicyNotAuthorized "rule:get_quota ..." otherwise). */
int core_quota_get(const struct op *op, const char *project_id, struct quota_set *ret);
/* core_quota_get() as for .../default: the same rule, the configured limits. */
int core_quota_get_defaults(const struct op *op, const char *project_id,
                            struct quota_set *ret);
/* Limits and usage of 'project_id' (GET .../details); another project's only for an
 * admin (AdminRequired). */
int core_quota_details(const struct op *op, const char *project_id, struct quota_set *ret);

/* One project's stored limits, for the admin's list. */
typedef int core_quota_cb(const char *project_id, const struct quota_set *set, void *aux);
/* Every project with a stored limit, in project order (admins only). */
int core_quota_list(const struct op *op, core_quota_cb *cb, void *aux);

/* An update: the resources given, in the body's order, and their new limits. */
struct quota_update {
    size_t n;
    enum quota_resource res[QUOTA__COUNT];
    int64_t limit[QUOTA__COUNT];    /* limit[i] is for res[i]. */
    bool check_limit;               /* Refuse a limit below what is used now (Neutron
                                     * refuses -1 too: it compares the numbers). */
};
/* Refuses a caller who may not update quotas (PolicyNotAuthorized). */
int core_quota_authorize_update(const struct op *op);
/* Applies 'u' to 'project_id' (admins only); '*ret' gets the limits after. */
int core_quota_update(const struct op *op, const char *project_id,
                      const struct quota_update *u, struct quota_set *ret);
/* Deletes the stored limits of 'project_id' (admins only; TenantQuotaNotFound if it
 * has none). */
int core_quota_delete(const struct op *op, const char *project_id);

#endif
