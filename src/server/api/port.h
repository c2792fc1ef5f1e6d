/* The handlers of /v2.0/ports (see port.c). */
#ifndef NEUTRINO_API_PORT_H
#define NEUTRINO_API_PORT_H

#include "http/router.h"

route_handler ports_list;
route_handler port_show;
route_handler ports_create;
route_handler port_update;
route_handler port_delete;

#endif
