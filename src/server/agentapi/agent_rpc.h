/* The agent API handlers (see agent_rpc.c for the calls). */
#ifndef NEUTRINO_AGENTAPI_AGENT_RPC_H
#define NEUTRINO_AGENTAPI_AGENT_RPC_H

struct request;

int agent_rpc_report(struct request *req, char *const args[]);
int agent_rpc_devices(struct request *req, char *const args[]);
int agent_rpc_device_status(struct request *req, char *const args[]);
int agent_rpc_changes(struct request *req, char *const args[]);
int agent_rpc_sync(struct request *req, char *const args[]);
int agent_rpc_l2pop(struct request *req, char *const args[]);
/* The security groups of its ports, for a linux-bridge agent (sg_rpc.c). */
int agent_rpc_security_groups(struct request *req, char *const args[]);

/* The DHCP agent's calls (dhcp_rpc.c). */
int dhcp_rpc_sync(struct request *req, char *const args[]);
int dhcp_rpc_network(struct request *req, char *const args[]);
int dhcp_rpc_ports(struct request *req, char *const args[]);
int dhcp_rpc_ready(struct request *req, char *const args[]);

/* The L3 agent's call (l3_rpc.c): the routers it hosts. */
int l3_rpc_routers(struct request *req, char *const args[]);
int l3_rpc_ha_states(struct request *req, char *const args[]);

#endif
