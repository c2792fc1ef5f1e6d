/* The handlers of /v2.0/ports (see port.c). */
#ifndef NEUTRINO_API_PORT_H
#define NEUTRINO_API_PORT_H

#include "http/router.h"

route_handler ports_list;
route_handler port_show;
route_handler ports_create;
route_handler port_update;
route_handler port_delete;

struct app;
/* Whether ports show device_profile and numa_affinity_policy (their ML2 extension
 * drivers are loaded).  Called once by main() before the server serves. */
void port_api_configure(const struct app *app);

#endif
