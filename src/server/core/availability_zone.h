/* Availability zones (docs/behaviour/agents.md, "Availability zones").  A zone is
 * nothing but a name agents report: the zones networks may be hinted to are those of
 * the DHCP agents, the zones routers may be hinted to those of the L3 agents.  A
 * resource created without hints takes [DEFAULT] default_availability_zones. */
#ifndef NEUTRINO_CORE_AVAILABILITY_ZONE_H
#define NEUTRINO_CORE_AVAILABILITY_ZONE_H

#include <jansson.h>
#include <stdbool.h>

struct op;
struct server_config;

/* The hints a new resource keeps, as a JSON array text in '*ret' (to free()): those
 * asked for ('asked_json', NULL or "[]" for none: the configured defaults instead),
 * sorted, each a zone some agent of 'agent_type' reports.  Returns 0, or -1 with
 * AvailabilityZoneNotFound naming the first unknown zone. */
int core_az_hints(const struct op *op, const char *agent_type, const char *asked_json,
                  char **ret);

/* The zones a scheduler places a resource in: its hints ('hints_json'), or the
 * configured defaults when it has none.  An empty array means any zone. */
json_t *az_effective_hints(const struct server_config *cfg, const char *hints_json);

/* True if 'zones' (an array from az_effective_hints()) lets an agent of 'zone' (NULL:
 * none reported) take the resource. */
bool az_hints_allow(const json_t *zones, const char *zone);

#endif
