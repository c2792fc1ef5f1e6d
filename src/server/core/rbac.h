/* RBAC policies in the domain core (Neutron's rbac-policies and rbac-security-groups
 * extensions): a policy lets a project, or every project ('*'), do an action on one
 * object of another project — see a network and put ports on it (access_as_shared),
 * use it as an external network (access_as_external), use a security group, a subnet
 * pool, an address scope or an address group (access_as_shared).  See
 * docs/behaviour/rbac.md.
 *
 * The kinds of object a policy may name are a table (core/rbac.c): each says its
 * actions, how its owner is found, what a policy's removal must not strand, and what
 * follows a change (a network's "shared" and "router:external" flags, its revision).
 * A new kind is one more row there.
 *
 * A network's "shared" is its '*' access_as_shared policy and its "router:external"
 * its access_as_external policies: core/network.c sets the flags through
 * core_rbac_network_flag(), and the policies' API changes them back. */
#ifndef NEUTRINO_CORE_RBAC_H
#define NEUTRINO_CORE_RBAC_H

#include <stdbool.h>

#include "core/core.h"

#define RBAC_ACCESS_SHARED "access_as_shared"
#define RBAC_ACCESS_EXTERNAL "access_as_external"
#define RBAC_ANY_PROJECT "*"

/* The longest object type name, with its NUL. */
#define RBAC_TYPE_LEN 32

/* Normalises a policy's object_type as Neutron does (surrounding white space dropped,
 * lower case) into 'out'.  True if it names a kind of object policies may name. */
bool rbac_object_type_normalize(const char *given, char out[RBAC_TYPE_LEN]);

/* What a new policy says; strings are borrowed.  'object_type' is normalised. */
struct rbac_spec {
    const char *project_id;     /* Asked owner (tenant_id/project_id), or NULL. */
    const char *object_type;
    const char *object_id;
    const char *action;
    const char *target_project;
};

/* Creates a policy.  Refusals in Neutron's order and words: the policy rules
 * (a '*' target needs an admin), the object (InvalidInput: not found, or not the
 * caller's), the action (InvalidActionForType), the same access twice
 * (DuplicateRbacPolicy).  '*ret' is filled on success only. */
int core_rbac_create(const struct op *op, const struct rbac_spec *spec,
                     struct rbac_policy *ret);
/* The policy 'id' if the caller may see it (its own project's, or any for an admin);
 * RbacPolicyNotFound otherwise. */
int core_rbac_get(const struct op *op, const char *id, struct rbac_policy *ret);
/* Gives policy 'id' the target 'target' (NULL: nothing changes).  RbacPolicyInUse if
 * the project losing access still depends on it. */
int core_rbac_update(const struct op *op, const char *id, const char *target,
                     struct rbac_policy *ret);
/* Deletes policy 'id'; RbacPolicyInUse if something depends on it. */
int core_rbac_delete(const struct op *op, const char *id);

/* Sets the flag of network 'n' that 'action' stands for: access_as_shared is
 * "shared" (the '*' policy made or removed), access_as_external "router:external"
 * (made: a '*' policy; removed: every access_as_external policy).  The caller has
 * checked the change is allowed; nothing is done if the flag already has the value.
 * The network's columns follow (store_network_rbac_sync()). */
int core_rbac_network_flag(const struct op *op, const struct network *n, const char *action,
                           bool on);
/* Gives subnet pool or address scope 'object_id' (by 'object_type') to every project:
 * its '*' access_as_shared policy, made by 'project' (Neutron: the object's owner when
 * it is made shared, the caller when an update shares it).  The caller has checked
 * that there is none yet. */
int core_rbac_share_with_all(const struct op *op, const char *object_type,
                             const char *object_id, const char *project);

#endif
