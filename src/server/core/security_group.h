/* Security groups and their rules in the domain core (docs/behaviour/api.md §13):
 * create, update and delete of groups, each project's default group, and the checks a
 * new rule goes through, in Neutron's order.  See core.h for the calling convention. */
#ifndef NEUTRINO_CORE_SECURITY_GROUP_H
#define NEUTRINO_CORE_SECURITY_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* What a group create sets or an update changes (strings borrowed; NULL or a false
 * has_* flag: not given). */
struct security_group_spec {
    const char *project_id;         /* Create only: the owner (NULL: the caller's). */
    const char *name;
    const char *description;
    bool has_stateful, stateful;
};

/* A new rule as the API converted it (strings borrowed), or, on update, the one
 * attribute a rule lets change. */
struct sg_rule_spec {
    const char *project_id;         /* The owner (NULL: the caller's). */
    const char *security_group_id;
    const char *remote_group_id;    /* NULL: none. */
    const char *direction;          /* "ingress" or "egress". */
    const char *ethertype;          /* "IPv4" or "IPv6" (NULL: IPv4). */
    const char *protocol;           /* Lower-case name or number text; NULL: any. */
    int64_t port_range_min;         /* SG_PORT_NONE when not given. */
    int64_t port_range_max;
    const char *remote_ip_prefix;   /* "address/length" as given; NULL: anywhere. */
    const char *remote_address_group_id;    /* NULL: none. */
    bool has_description;
    const char *description;        /* NULL with has_description: null. */
};

/* The id of the default group of 'project_id', made now (with its four rules) if the
 * project has none.  Safe against another server making it at the same time: the one
 * that loses reads the winner's.  Needs an open write transaction. */
int core_security_group_ensure_default(const struct op *op, const char *project_id,
                                       char ret_id[ID_LEN]);
/* What a list of groups or rules, a new group and a new network do first, as Neutron
 * does: makes the default group of the project they are about ('project': a list's
 * first project_id filter, the new resource's owner; NULL or "": the caller's), if the
 * caller may (it is its own project, or the caller is an admin).  Needs an open write
 * transaction. */
int core_security_group_ensure_for_caller(const struct op *op, const char *project);
/* True if core_security_group_ensure_for_caller() would make a default group for
 * 'asked' (a read: no transaction needed). */
int core_security_group_list_needs_default(const struct op *op, const char *asked,
                                           bool *ret);

int core_security_group_get(const struct op *op, const char *id, struct security_group *ret);
int core_security_group_create(const struct op *op, const struct security_group_spec *spec,
                               struct security_group *ret);
int core_security_group_update(const struct op *op, const char *id,
                               const struct security_group_spec *spec,
                               int64_t expected_revision, struct security_group *ret);
/* Deletes a group and its rules; refused while a port uses it, and for the default
 * group unless the caller is an admin. */
int core_security_group_delete(const struct op *op, const char *id, int64_t expected_revision);

int core_sg_rule_get(const struct op *op, const char *id, struct sg_rule *ret);
/* Checks and adds a rule; the group's revision_number goes up by one. */
int core_sg_rule_create(const struct op *op, const struct sg_rule_spec *spec,
                        struct sg_rule *ret);
/* The checks of a bulk create before any rule is written, in Neutron's order: each
 * rule's owner and policy; every rule for one group and one project
 * (SecurityGroupNotSingleGroupRules, SecurityGroupRulesNotSingleTenant); each rule's
 * own checks; no rule twice in the request (DuplicateSecurityGroupRuleInPost). */
int core_sg_rules_check_bulk(const struct op *op, const struct sg_rule_spec *specs, size_t n);
/* Changes a rule's description (the only attribute that may change). */
int core_sg_rule_update(const struct op *op, const char *id, const struct sg_rule_spec *spec,
                        int64_t expected_revision, struct sg_rule *ret);
/* Deletes a rule; the group's revision_number goes up by one. */
int core_sg_rule_delete(const struct op *op, const char *id, int64_t expected_revision);

#endif
