/* The handlers of /v2.0/networks (see network.c) and what other handlers need of
 * networks. */
#ifndef NEUTRINO_API_NETWORK_H
#define NEUTRINO_API_NETWORK_H

#include "http/router.h"

route_handler networks_list;
route_handler network_show;
route_handler networks_create;
route_handler network_update;
route_handler network_delete;

#endif
