/* GET /v2.0/network-ip-availabilities[/{network_id}] (see ip_availability.c). */
#ifndef NEUTRINO_API_IP_AVAILABILITY_H
#define NEUTRINO_API_IP_AVAILABILITY_H

#include "http/router.h"

route_handler ip_availabilities_list;
route_handler ip_availability_show;

#endif
