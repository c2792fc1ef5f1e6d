/* The handlers of /v2.0/routers and its member actions (see router.c). */
#ifndef NEUTRINO_API_ROUTER_H
#define NEUTRINO_API_ROUTER_H

#include "http/router.h"

struct context;
struct field_set;
struct jsonw;
struct router;

/* One router as the API shows it to 'ctx'. */
void router_render(struct jsonw *w, const struct router *r, const struct field_set *fs,
                   const struct context *ctx);

route_handler routers_list;
route_handler router_show;
route_handler routers_create;
route_handler router_update;
route_handler router_delete;
route_handler router_add_interface;
route_handler router_remove_interface;
route_handler router_add_extraroutes;
route_handler router_remove_extraroutes;

#endif
