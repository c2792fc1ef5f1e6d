/* The handlers of /v2.0/address-scopes (see address_scope.c). */
#ifndef NEUTRINO_API_ADDRESS_SCOPE_H
#define NEUTRINO_API_ADDRESS_SCOPE_H

#include "http/router.h"

route_handler address_scopes_list;
route_handler address_scope_show;
route_handler address_scopes_create;
route_handler address_scope_update;
route_handler address_scope_delete;

#endif
