/* /v2.0/quotas (Neutron's quotas and quota_details extensions): the handlers, and the
 * parser of an update's body, which the fuzzer and the unit tests call directly. */
#ifndef NEUTRINO_API_QUOTA_H
#define NEUTRINO_API_QUOTA_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"
#include "core/quota.h"
#include "http/router.h"

/* Parses a PUT body's text ('data', 'size' bytes) as Neutron does: the JSON, then the
 * "quota" object (check_limit and force taken out first), unknown attributes, then each
 * resource in Neutron's order converted with Python's int() and kept within -1 ..
 * 2147483647.  Fills '*ret' on success; on failure returns -1 with 'err' set (Neutron's
 * type and words). */
int quota_update_parse(const char *data, size_t size, struct quota_update *ret,
                       struct api_error *err);

route_handler quotas_list;
route_handler quotas_create;
route_handler quota_own_tenant;
route_handler quota_own_project;
route_handler quota_show;
route_handler quota_update;
route_handler quota_delete;
route_handler quota_show_default;
route_handler quota_show_details;

#endif
