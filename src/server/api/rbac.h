/* The handlers of /v2.0/rbac-policies (see rbac.c). */
#ifndef NEUTRINO_API_RBAC_H
#define NEUTRINO_API_RBAC_H

#include "attrs.h"
#include "http/router.h"

extern const struct resource_def rbac_policy_def;

route_handler rbac_policies_list, rbac_policies_create;
route_handler rbac_policy_show, rbac_policy_update, rbac_policy_delete;

#endif
