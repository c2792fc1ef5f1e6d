/* The handlers of /v2.0/ports (see port.c). */
#ifndef NEUTRINO_API_PORT_H
#define NEUTRINO_API_PORT_H

#include <jansson.h>

#include "http/router.h"
#include "model.h"

struct store_conn;

route_handler ports_list;
route_handler port_show;
route_handler ports_create;
route_handler port_update;
route_handler port_delete;

/* For the server's own ports (the DHCP agent's): the same work as the API calls, in the
 * caller's open transaction and with the request's context.  'item' is shaped like a
 * validated request body's item.  Return 0, or -1 after answering. */
int port_create_internal(struct request *req, struct store_conn *c, const json_t *item,
                         char ret_id[ID_LEN]);
/* Applies 'item' to 'p' and stores it (revision bumped). */
int port_update_internal(struct request *req, struct store_conn *c, struct port *p,
                         const json_t *item);
int port_delete_internal(struct request *req, struct store_conn *c, const struct port *p);

#endif
