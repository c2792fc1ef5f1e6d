/* The handlers of /v2.0/subnetpools and its member actions add_prefixes,
 * remove_prefixes and onboard_network_subnets (see subnetpool.c). */
#ifndef NEUTRINO_API_SUBNETPOOL_H
#define NEUTRINO_API_SUBNETPOOL_H

#include "http/router.h"

route_handler subnetpools_list;
route_handler subnetpool_show;
route_handler subnetpools_create;
route_handler subnetpool_update;
route_handler subnetpool_delete;
route_handler subnetpool_add_prefixes;
route_handler subnetpool_remove_prefixes;
route_handler subnetpool_onboard_network_subnets;

#endif
