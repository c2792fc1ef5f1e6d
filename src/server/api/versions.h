/* Version documents and the extension list (see versions.c). */
#ifndef NEUTRINO_API_VERSIONS_H
#define NEUTRINO_API_VERSIONS_H

#include "http/router.h"

route_handler versions_root;
route_handler versions_v2;
route_handler extensions_list;
route_handler extension_show;

#endif
