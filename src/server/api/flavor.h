/* The handlers of /v2.0/flavors, /v2.0/service_profiles, a flavor's profiles and
 * /v2.0/service-providers (see flavor.c). */
#ifndef NEUTRINO_API_FLAVOR_H
#define NEUTRINO_API_FLAVOR_H

#include "http/router.h"

route_handler flavors_list;
route_handler flavor_show;
route_handler flavors_create;
route_handler flavor_update;
route_handler flavor_delete;
route_handler service_profiles_list;
route_handler service_profile_show;
route_handler service_profiles_create;
route_handler service_profile_update;
route_handler service_profile_delete;
route_handler flavor_profiles_create;
route_handler flavor_profile_show;
route_handler flavor_profile_delete;
route_handler service_providers_list;

#endif
