/* /v2.0/auto-allocated-topology/{project_id} (auto-allocated-topology): show, which
 * allocates the project's topology on first use or only checks the requirements with
 * ?fields=dry-run, and delete; the work is the core's (core/auto_allocate.h). */
#ifndef NEUTRINO_API_AUTO_ALLOCATE_H
#define NEUTRINO_API_AUTO_ALLOCATE_H

#include "http/router.h"

route_handler auto_allocated_topology_show;
route_handler auto_allocated_topology_delete;

#endif
