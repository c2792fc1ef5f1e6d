/* The handlers of /v2.0/address-groups and its member actions add_addresses and
 * remove_addresses (see address_group.c). */
#ifndef NEUTRINO_API_ADDRESS_GROUP_H
#define NEUTRINO_API_ADDRESS_GROUP_H

#include "http/router.h"

route_handler address_groups_list;
route_handler address_group_show;
route_handler address_groups_create;
route_handler address_group_update;
route_handler address_group_delete;
route_handler address_group_add_addresses;
route_handler address_group_remove_addresses;

#endif
