/* The handlers of /v2.0/security-groups and /v2.0/security-group-rules (see
 * security_group.c). */
#ifndef NEUTRINO_API_SECURITY_GROUP_H
#define NEUTRINO_API_SECURITY_GROUP_H

#include "attrs.h"
#include "http/router.h"

extern const struct resource_def security_group_def;
extern const struct resource_def sg_rule_def;

route_handler security_groups_list, security_groups_create;
route_handler security_group_show, security_group_update, security_group_delete;
route_handler security_group_rules_list, security_group_rules_create;
route_handler security_group_rule_show, security_group_rule_update, security_group_rule_delete;

#endif
