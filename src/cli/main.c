/* neutrino: the command-line client.  The `openstack` client's
 * grammar for networks, subnets, ports and agents — same options, column headers, field
 * names, output formats and exit codes — from a C program that starts in milliseconds
 * and keeps its token between runs.  It speaks only HTTP: the lab's commands (`lab …`,
 * `instance …`) are neutrino-lab's, which it runs with the same command line. */
#include "cli.h"
#include "util.h"

static const struct program lab_program = { "lab", "neutrino-lab" };

static const struct command lab_commands[] = {
    { "lab", NULL, NULL, "The tutorial's lab (root): lab up|down|status", &lab_program },
    { "instance", NULL, NULL, "Lab instances: instance launch|list|show|delete|exec",
      &lab_program },
    { NULL, NULL, NULL, NULL, NULL },
};

static const struct command *const tables[] = {
    network_commands, subnet_commands, port_commands, security_group_commands, agent_commands,
    router_commands, floating_ip_commands, network_rbac_commands, quota_commands,
    subnet_pool_commands, address_scope_commands, address_group_commands,
    availability_zone_commands, flavor_commands,
    lab_commands,
};

int
main(int argc, char **argv)
{
    return cli_main(argc, argv, "neutrino", tables, ARRAY_SIZE(tables));
}
