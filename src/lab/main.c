/* neutrino-lab: the tutorial's lab on one machine (root) — nodes that are network
 * namespaces joined by a lab switch, their agents, and instances — for `make demo`, for
 * users (`neutrino lab …` and `neutrino instance …` run this program) and for the agent
 * tests, which build their lab with its steps.  Same global options as neutrino
 * (clouds, output formats): the instances' ports are made through the API. */
#include "cli.h"
#include "lab_cmds.h"
#include "util.h"

static const struct command *const tables[] = { lab_commands, instance_commands };

int
main(int argc, char **argv)
{
    return cli_main(argc, argv, "neutrino-lab", tables, ARRAY_SIZE(tables));
}
