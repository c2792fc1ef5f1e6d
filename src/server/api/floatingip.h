/* The handlers of /v2.0/floatingips (see floatingip.c). */
#ifndef NEUTRINO_API_FLOATINGIP_H
#define NEUTRINO_API_FLOATINGIP_H

#include "http/router.h"

route_handler floatingips_list;
route_handler floatingip_show;
route_handler floatingips_create;
route_handler floatingip_update;
route_handler floatingip_delete;

#endif
