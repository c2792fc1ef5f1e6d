/* /v2.0/agents: list, show, update (admin_state_up, description), delete. */
#ifndef NEUTRINO_API_AGENTS_H
#define NEUTRINO_API_AGENTS_H

struct field_set;
struct jsonw;
struct request;
struct server_config;
struct agent;
struct network;
struct context;

/* One agent as the API shows it. */
void agent_render(struct jsonw *w, const struct agent *a, const struct field_set *fs,
                  const struct server_config *cfg);

int agents_list(struct request *req, char *const args[]);
int agents_create(struct request *req, char *const args[]);
int agent_show(struct request *req, char *const args[]);
int agent_update(struct request *req, char *const args[]);
int agent_delete(struct request *req, char *const args[]);

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
