/* The command tables of neutrino-lab: `lab …` (cmd_lab.c) and `instance …`
 * (cmd_instance.c). */
#ifndef NEUTRINO_LAB_LAB_CMDS_H
#define NEUTRINO_LAB_LAB_CMDS_H

#include "cli.h"

extern const struct command lab_commands[];
extern const struct command instance_commands[];

#endif
