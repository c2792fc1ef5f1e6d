/* The firewall's decisions as pure functions: what the kernel should hold for a model
 * (firewall_model.h) and what to change to get there from what it holds now.
 *
 * The kernel's side is a struct fw_state (firewall_state.h): the chains neutrino owns in
 * iptables' raw and filter tables (IPv4 and IPv6) and ebtables' nat table, the jumps
 * into them from the built-in chains, and neutrino's ipsets.  It is read from
 * iptables-save, ip6tables-save, ebtables-save and `ipset save` (fw_state_parse_*()),
 * which print every rule in one canonical form; the desired state is written in that
 * same form, so comparing the two is comparing text.  Nothing else in those tables is read or
 * touched: every name neutrino makes starts with FW_PREFIX.
 *
 * The answer (struct fw_plan) is the input of one `ipset restore` run before the
 * rules change (new sets, members added and removed), one `iptables-restore
 * --noflush`, one `ip6tables-restore --noflush` and one `ebtables-restore --noflush`
 * (each table's part commits atomically), one `ipset restore` after them (sets no rule
 * uses any more), and the connection-tracking entries to delete because a rule or a
 * remote group member that allowed them went.
 *
 * Names (FW_PREFIX is "neutrino-fw"):
 *   neutrino-fw-i<port id[:15]>   traffic to the port (ingress rules)
 *   neutrino-fw-o<port id[:15]>   traffic from the port (egress rules)
 *   neutrino-fw-s<port id[:15]>   source addresses and MACs the port may use
 *   neutrino-fw-FORWARD, -INPUT, -sg-chain, -fallback   shared filter chains
 *   neutrino-fw-PREROUTING, -notrack, -zones            raw: conntrack zones, NOTRACK
 *   ebtables nat: neutrino-fw-PREROUTING, neutrino-fw-m<tap> (MACs), neutrino-fw-a<tap> (ARP)
 *   (ebtables-restore takes names of at most 28 characters, as iptables does)
 *   ipsets: neutrino-fw4-<group id[:18]>, neutrino-fw6-<group id[:18]> (hash:net)
 * A port's chains are rewritten whole when they differ (atomically: the table's part of
 * a restore is one transaction); the shared chains change line by line, so adding a
 * port never rewrites the other ports' rules.
 *
 * The code: firewall_state.c (a state, reading the tools' output), firewall_rules.c (the
 * desired state), firewall_plan.c (the difference and the connections). */
#ifndef NEUTRINO_AGENT_FIREWALL_PLAN_H
#define NEUTRINO_AGENT_FIREWALL_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "firewall_model.h"
#include "firewall_state.h"

#define FW_ZONE_FIRST 4097      /* Conntrack zones are given out from here, per network. */

/* The programs a plan feeds, in the order they run. */
enum fw_tool {
    FW_TOOL_IPTABLES,           /* iptables-restore: FW_V4_RAW, FW_V4_FILTER. */
    FW_TOOL_IP6TABLES,          /* ip6tables-restore: FW_V6_RAW, FW_V6_FILTER. */
    FW_TOOL_EBTABLES,           /* ebtables-restore: FW_EB_NAT. */
    FW_N_TOOLS,
};

/* What the kernel should hold for 'm' (firewall_rules.c).  Conntrack zones already
 * given to networks in 'have' are kept.  'want' is initialised here. */
void fw_state_desired(const struct fw_model *m, const struct fw_state *have,
                      struct fw_state *want);

/* A conntrack entry filter: `conntrack -D -f <family> -w <zone> [-p proto] [-s] [-d]`. */
struct fw_ct_delete {
    int family;
    int zone;
    char proto[16];             /* "" for any. */
    char src[CIDR_STRLEN];      /* "" for any. */
    char dst[CIDR_STRLEN];
};

struct fw_plan {
    struct buf ipset_pre;       /* `ipset restore -exist` before the rules. */
    struct buf restore[FW_N_TOOLS];     /* `*-restore --noflush` input; empty: nothing. */
    struct buf ipset_post;      /* `ipset restore -exist` after them. */
    struct fw_ct_delete *ct;
    size_t n_ct, cap_ct;
    size_t n_chains_written;    /* Chains declared (new or rewritten), for the log. */
    size_t n_lines_changed;     /* Lines inserted into or deleted from shared chains. */
};

void fw_plan_init(struct fw_plan *p);
void fw_plan_done(struct fw_plan *p);
bool fw_plan_empty(const struct fw_plan *p);

/* The changes that take the kernel from 'have' to what 'm' wants. */
void fw_plan_make(const struct fw_model *m, const struct fw_state *have, struct fw_plan *p);

/* The same from two states (fw_plan_make() is this over fw_state_desired()); 'm' gives
 * the ports' addresses for conntrack deletions. */
void fw_plan_diff(const struct fw_model *m, const struct fw_state *want,
                  const struct fw_state *have, struct fw_plan *p);

/* The plan's connection deletions made ready to compare with the kernel's conntrack
 * entries (the addresses parsed, the protocols as numbers, sorted by zone). */
struct fw_ct_match;
struct ctnetlink_entry;
struct fw_ct_match *fw_ct_match_create(const struct fw_plan *p);
void fw_ct_match_destroy(struct fw_ct_match *m);
/* Whether one of the deletions names entry 'e': same family and zone, the protocol if
 * the deletion names one, the original source and destination within the deletion's
 * (when it names them). */
bool fw_ct_match_entry(const struct fw_ct_match *m, const struct ctnetlink_entry *e);

/* Whether the port's connections are tracked: a port is stateless when its first group
 * is (Neutron refuses a port mixing both). */
bool fw_port_stateful(const struct fw_model *m, const struct fw_port *p);

/* Names, as above. */
void fw_port_chain_name(char dir, const char *port_id, char out[FW_NAME_SIZE]);
void fw_set_name(int family, const char *group_id, char out[FW_NAME_SIZE]);

#endif
