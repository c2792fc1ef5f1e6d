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

struct jsonw;
struct network;
struct field_set;
struct context;
/* One network as the API shows it to 'ctx'. */
void network_render(struct jsonw *w, const struct network *n, const struct field_set *fs,
                    const struct context *ctx);

#endif
