/* The L3 agent: hosts the routers the server schedules to this host as qrouter-<id>
 * namespaces, through the engine of l3.h (the design is described at the top of
 * l3_agent.c). */
#ifndef NEUTRINO_L3_AGENT_H
#define NEUTRINO_L3_AGENT_H

struct l3_config;

/* Runs until a stop signal; returns the process exit status. */
int l3_agent_run(const struct l3_config *cfg);

#endif
