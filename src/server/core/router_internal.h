/* What core/router.c shares with core/router_interface.c and core/router_ha.c, and no one
 * else: the helpers every router operation starts from. */
#ifndef NEUTRINO_CORE_ROUTER_INTERNAL_H
#define NEUTRINO_CORE_ROUTER_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "core/core.h"
#include "core/router.h"
#include "policy.h"

/* Neutron's BadRequest for routers: "Bad router request: <why>."; returns -1. */
int router_bad_request(const struct op *op, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The router 'id' as the caller sees it, and the caller may do 'action' on it. */
int router_for(const struct op *op, const char *id, enum policy_action action,
               struct router *ret);

/* The ids of a router's ports of one type, in id order. */
struct id_set {
    char (*ids)[ID_LEN];
    size_t n;
};

/* A store callback adding 'id' to the id_set 'aux'. */
int id_set_add(const char *id, void *aux);
/* The ids of the router's ports with device_owner 'type' added to '*ret'. */
int router_ports(const struct op *op, const char *router_id, const char *type,
                 struct id_set *ret);

/* The router's current routes as route_specs borrowing from '*ret_json' (owned). */
int router_current_routes(const struct op *op, const struct router *rt, json_t **ret_json,
                          struct route_spec **ret, size_t *ret_n);

#endif
