/* GET /v2.0/availability_zones (see availability_zone.c). */
#ifndef NEUTRINO_API_AVAILABILITY_ZONE_H
#define NEUTRINO_API_AVAILABILITY_ZONE_H

#include "http/router.h"

route_handler availability_zones_list;

#endif
