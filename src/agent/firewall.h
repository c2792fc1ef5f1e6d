/* The firewall of the linux-bridge agent's node: Neutron's iptables security groups
 * (see firewall_plan.h for what goes into the kernel and under which names).  Given the
 * whole model of the node's ports (firewall_model.h), it makes the kernel match it:
 * it reads what neutrino has there (iptables-save, ip6tables-save, ebtables-save,
 * `ipset save`), plans the difference and applies it in order -- sets before the rules
 * that use them, each table's rules in one atomic restore, sets no rule uses any more
 * after the rules, then the deletion of connections that lost the rule or remote member
 * that allowed them.  Nothing that is right is flushed, so re-applying after an agent
 * restart leaves traffic alone.
 *
 * After a success the state just written is kept and the next apply plans against it
 * without reading the kernel (a member joining a group then costs one `ipset restore`
 * with one line); FIREWALL_RESYNC, or any failure, makes the next apply read the
 * kernel again, as the agent's full comparisons do. */
#ifndef NEUTRINO_AGENT_FIREWALL_H
#define NEUTRINO_AGENT_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>

#include "firewall_model.h"
#include "firewall_plan.h"

/* The programs, by absolute path (the defaults are Debian's). */
struct firewall_tools {
    const char *iptables_save, *iptables_restore;
    const char *ip6tables_save, *ip6tables_restore;
    const char *ebtables_save, *ebtables_restore;
    const char *ipset;
};

struct firewall_stats {
    bool read_kernel;           /* The state was read, not taken from the last apply. */
    bool changed;               /* Anything was run. */
    double read_ms, plan_ms, apply_ms;
    size_t chains_written, lines_changed;
    size_t ct_deletes;          /* Connection filters the plan named... */
    size_t ct_deleted;          /* ...and the conntrack entries deleted. */
};

struct firewall {
    int netns_fd;               /* Where the rules live; -1: the agent's namespace. */
    struct firewall_tools tools;
    bool have_valid;            /* 'have' is what the kernel holds. */
    struct fw_state have;
};

/* Ready to apply in namespace 'netns_fd' (-1: our own; not owned), with Debian's tools. */
void firewall_init(struct firewall *fw, int netns_fd);
void firewall_done(struct firewall *fw);

#define FIREWALL_RESYNC 1       /* Read the kernel even if the last apply succeeded. */

/* Makes the kernel match 'm' (see above).  'stats' may be NULL.  Returns 0, or -1 with
 * the reason (the failing program and its message) in 'reason'. */
int firewall_apply(struct firewall *fw, const struct fw_model *m, int flags,
                   struct firewall_stats *stats, char *reason, size_t reason_size);

/* Reads neutrino's part of the kernel's state into 'have' (initialised here).  Returns
 * 0, or -1 with the reason. */
int firewall_read(struct firewall *fw, struct fw_state *have, char *reason,
                  size_t reason_size);

/* The plan firewall_apply() would carry out now (reading the kernel), for tests and
 * tools.  0, or -1 with the reason. */
int firewall_plan(struct firewall *fw, const struct fw_model *m, struct fw_plan *plan,
                  char *reason, size_t reason_size);

#endif
