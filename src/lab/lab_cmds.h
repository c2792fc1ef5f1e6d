/* The command tables of neutrino-lab: `lab …` (cmd_lab.c) and `instance …`
 * (cmd_instance.c). */
#ifndef NEUTRINO_LAB_LAB_CMDS_H
#define NEUTRINO_LAB_LAB_CMDS_H

#include "cli.h"

extern const struct command lab_commands[];
extern const struct command instance_commands[];

/* Runs the command line that follows the first positional argument in the network
 * namespace 'netns_fd' (which it closes), as `ip netns exec`; the exit status. */
int lab_exec_rest(int netns_fd, const json_t *a);

#endif
