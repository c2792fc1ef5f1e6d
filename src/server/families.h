/* The API families of neutrino-server besides the identity API (which identity/
 * describes, keystone_api.h): the version document at /, Neutron's v2.0 API, the
 * agents' API and the dashboard's files.  main.c registers them with the HTTP
 * router (http/router.h) under the prefixes named here. */
#ifndef NEUTRINO_FAMILIES_H
#define NEUTRINO_FAMILIES_H

#include "api_family.h"

/* "": the version document at /, and Neutron's 404 for any path no other family
 * serves.  No authentication, as in Neutron. */
extern const struct api_family versions_family;
/* "/v2.0": networks, subnets, ports, agents, tags, IP availability. */
extern const struct api_family network_api_family;
/* "/agent/": what the L2 and DHCP agents call. */
extern const struct api_family agent_api_family;
/* DASHBOARD_PREFIX (http/static_files.h): the dashboard's files. */
extern const struct api_family dashboard_family;

#endif
