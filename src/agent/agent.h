/* The linux-bridge agent: its loop, from opening netlink and the server connection to a
 * clean stop on SIGTERM/SIGINT (the design is described at the top of agent.c). */
#ifndef NEUTRINO_AGENT_AGENT_H
#define NEUTRINO_AGENT_AGENT_H

struct agent_config;

/* Runs the agent until a stop signal.  Returns the process exit status. */
int agent_run(const struct agent_config *cfg);

#endif
