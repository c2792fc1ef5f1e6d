/* The handlers of /v2.0/{networks,subnets,ports,security-groups}/{id}/tags[/{tag}] (see tags.c). */
#ifndef NEUTRINO_API_TAGS_H
#define NEUTRINO_API_TAGS_H

#include "http/router.h"

route_handler network_tags_get, network_tags_replace, network_tags_clear;
route_handler network_tag_check, network_tag_add, network_tag_remove;
route_handler subnet_tags_get, subnet_tags_replace, subnet_tags_clear;
route_handler subnet_tag_check, subnet_tag_add, subnet_tag_remove;
route_handler port_tags_get, port_tags_replace, port_tags_clear;
route_handler port_tag_check, port_tag_add, port_tag_remove;
route_handler security_group_tags_get, security_group_tags_replace, security_group_tags_clear;
route_handler security_group_tag_check, security_group_tag_add, security_group_tag_remove;
route_handler router_tags_get, router_tags_replace, router_tags_clear;
route_handler router_tag_check, router_tag_add, router_tag_remove;
route_handler floatingip_tags_get, floatingip_tags_replace, floatingip_tags_clear;
route_handler floatingip_tag_check, floatingip_tag_add, floatingip_tag_remove;
route_handler subnetpool_tags_get, subnetpool_tags_replace, subnetpool_tags_clear;
route_handler subnetpool_tag_check, subnetpool_tag_add, subnetpool_tag_remove;

#endif
