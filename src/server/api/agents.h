/* /v2.0/agents: list, show, update (admin_state_up, description), delete. */
#ifndef NEUTRINO_API_AGENTS_H
#define NEUTRINO_API_AGENTS_H

struct request;

int agents_list(struct request *req, char *const args[]);
int agents_create(struct request *req, char *const args[]);
int agent_show(struct request *req, char *const args[]);
int agent_update(struct request *req, char *const args[]);
int agent_delete(struct request *req, char *const args[]);

#endif
