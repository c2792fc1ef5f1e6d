/* /v2.0/agents: list, show, update (admin_state_up, description), delete. */
#ifndef NEUTRINO_API_AGENTS_H
#define NEUTRINO_API_AGENTS_H

#include <stdbool.h>

struct field_set;
struct jsonw;
struct request;
struct server_config;
struct agent;
struct network;
struct context;
struct store_conn;

/* One agent as the API shows it. */
void agent_render(struct jsonw *w, const struct agent *a, const struct field_set *fs,
                  const struct server_config *cfg);
/* The same with "ha_state" (null when 'ha_state' is NULL) if 'with_ha_state': an
 * agent hosting a router, as the l3-agents list shows it. */
void agent_render_ha(struct jsonw *w, const struct agent *a, const struct field_set *fs,
                     const struct server_config *cfg, const char *ha_state,
                     bool with_ha_state);

int agents_list(struct request *req, char *const args[]);
int agents_create(struct request *req, char *const args[]);
int agent_show(struct request *req, char *const args[]);
int agent_update(struct request *req, char *const args[]);
int agent_delete(struct request *req, char *const args[]);

/* Agent 'id' read for an admin into 'a'; answers 404 (HTTPNotFound for non-admins,
 * as the policy hides agents from them; AgentNotFound when there is none) and returns
 * -1 otherwise. */
int agent_lookup(struct request *req, struct store_conn *c, const char *id, struct agent *a);
/* What the two scheduler extensions share: non-admins get the 404 that hides them (as
 * in Neutron); a store callback appending each id to the JSON array 'aux'. */
int agent_scheduler_not_admin(struct request *req);
int agent_scheduler_collect_id(const char *id, void *aux);

/* The dhcp_agent_scheduler extension (dhcp_agents.c). */
int network_dhcp_agents_list(struct request *req, char *const args[]);
int agent_dhcp_networks_list(struct request *req, char *const args[]);
int agent_dhcp_network_add(struct request *req, char *const args[]);
int agent_dhcp_network_remove(struct request *req, char *const args[]);

/* The l3_agent_scheduler extension (l3_agents.c). */
int router_l3_agents_list(struct request *req, char *const args[]);
int agent_l3_routers_list(struct request *req, char *const args[]);
int agent_l3_router_add(struct request *req, char *const args[]);
int agent_l3_router_remove(struct request *req, char *const args[]);

#endif
