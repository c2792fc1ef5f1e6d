/* The handlers of /v2.0/subnets (see subnet.c). */
#ifndef NEUTRINO_API_SUBNET_H
#define NEUTRINO_API_SUBNET_H

#include "http/router.h"

route_handler subnets_list;
route_handler subnet_show;
route_handler subnets_create;
route_handler subnet_update;
route_handler subnet_delete;

#endif
