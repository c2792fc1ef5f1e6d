/* The DHCP agent: serves the networks the server schedules to this host with dnsmasq
 * (the design is described at the top of dhcp_agent.c). */
#ifndef NEUTRINO_DHCP_AGENT_H
#define NEUTRINO_DHCP_AGENT_H

struct dhcp_config;

/* Runs until a stop signal; returns the process exit status. */
int dhcp_agent_run(const struct dhcp_config *cfg);

#endif
