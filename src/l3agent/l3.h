/* The L3 agent's engine: makes a node's kernel match the routers it hosts (l3_model.h)
 * the way Neutron's legacy L3 agent with the linuxbridge interface driver lays them out
 * (l3_plan.h says what and under which names).  Each apply reads what the kernel holds
 * -- the namespaces with the prefix, their qr-/qg- devices with addresses and static
 * routes, sysctls, our iptables chains, the taps in the node's namespace -- plans the
 * difference and carries it out in order, one iptables-restore per router whose rules
 * changed, and the connections of a floating IP that goes deleted over ctnetlink.
 * Nothing that is right is redone, so a second apply of the same model runs nothing.
 * Runs as root. */
#ifndef NEUTRINO_L3_H
#define NEUTRINO_L3_H

#include <stdbool.h>
#include <stddef.h>

#include "l3_model.h"
#include "l3_plan.h"

/* The programs, by absolute path (the defaults are Debian's). */
struct l3_tools {
    const char *iptables_save, *iptables_restore;
};

struct l3_engine {
    int node_netns_fd;          /* Where the taps live; -1: ours.  Not owned. */
    char ns_prefix[64];         /* "qrouter-" */
    int garp_count;             /* Gratuitous ARP rounds per new address (send_arp_for_ha;
                                 * 0: none). */
    struct l3_tools tools;
    /* Told, during l3_apply(), of each router it could not finish (its namespace
     * unreadable, or a step failed) with why, so that a caller can retry just those;
     * NULL: they are only logged. */
    void (*router_failed)(void *aux, const char *router_id, const char *reason);
    void *router_failed_aux;
};

struct l3_stats {
    bool changed;               /* Anything was run. */
    size_t n_actions;
    size_t by_kind[L3_N_ACTIONS];
    size_t n_unroutable;        /* Extra routes skipped: no port reaches their next hop. */
    size_t n_failed_routers;    /* Unreadable, or a step failed. */
    double read_ms, plan_ms, apply_ms;
};

/* Ready to work with taps in 'node_netns_fd' (-1: our namespace) and router namespaces
 * named 'ns_prefix' + router id (NULL: "qrouter-"), with Debian's tools. */
void l3_engine_init(struct l3_engine *e, int node_netns_fd, const char *ns_prefix);

/* Reads the node's routers in 'scope' (NULL: all) from the kernel into 's'
 * (initialised here).  A router whose namespace cannot be read is marked unreadable
 * (the planner leaves it alone) and the others are read; -1 with the reason only when
 * the node's own links cannot be read. */
int l3_read(struct l3_engine *e, const struct l3_scope *scope, struct l3_state *s,
            char *reason, size_t reason_size);

/* The plan l3_apply() would carry out now ('p' initialised by the caller).  0 or -1. */
int l3_plan(struct l3_engine *e, const struct l3_model *m, const struct l3_scope *scope,
            struct l3_plan *p, char *reason, size_t reason_size);

/* Makes the kernel match 'm' for the routers in 'scope' (NULL: all, removing the
 * namespaces of routers 'm' lacks).  Routers are independent, as in Neutron: one whose
 * namespace cannot be read, or whose step fails, is left there (its later steps not
 * run) and the others are done.  'stats' may be NULL.  Returns 0, or -1 with the first
 * failure in 'reason' (the failing step or namespace and the kernel's or the tool's
 * answer); the next apply reads the kernel again and finishes the work. */
int l3_apply(struct l3_engine *e, const struct l3_model *m, const struct l3_scope *scope,
             struct l3_stats *stats, char *reason, size_t reason_size);

/* Sends one round of gratuitous ARP for 'ip' (IPv4) from device 'dev' of namespace
 * 'netns_fd' with MAC 'mac': a request and a reply, both announcing ip is at mac, as
 * Neutron's arping -U and -A.  0 or -errno. */
int l3_garp_send(int netns_fd, const char *dev, const uint8_t mac[6], const struct ip_addr *ip);

#endif
