/* The firewall's decisions as pure functions: what the kernel should hold for a model
 * (firewall_model.h) and what to change to get there from what it holds now.
 *
 * The kernel's side is a struct fw_state: the chains neutrino owns in iptables' raw and
 * filter tables (IPv4 and IPv6) and ebtables' nat table, the jumps into them from the
 * built-in chains, and neutrino's ipsets.  It is read from iptables-save,
 * ip6tables-save, ebtables-save and `ipset save` (fw_state_parse_*()), which print
 * every rule in one canonical form; the desired state is written in that same form, so
 * comparing the two is comparing text.  Nothing else in those tables is read or
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
 * port never rewrites the other ports' rules. */
#ifndef NEUTRINO_AGENT_FIREWALL_PLAN_H
#define NEUTRINO_AGENT_FIREWALL_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "firewall_model.h"

#define FW_PREFIX "neutrino-fw"
#define FW_NAME_SIZE 32         /* Chain and set names: at most 31 characters. */
#define FW_ZONE_FIRST 4097      /* Conntrack zones are given out from here, per network. */

enum fw_table {
    FW_V4_RAW,
    FW_V4_FILTER,
    FW_V6_RAW,
    FW_V6_FILTER,
    FW_EB_NAT,
    FW_N_TABLES,
};

/* The programs a plan feeds, in the order they run. */
enum fw_tool {
    FW_TOOL_IPTABLES,           /* iptables-restore: FW_V4_RAW, FW_V4_FILTER. */
    FW_TOOL_IP6TABLES,          /* ip6tables-restore: FW_V6_RAW, FW_V6_FILTER. */
    FW_TOOL_EBTABLES,           /* ebtables-restore: FW_EB_NAT. */
    FW_N_TOOLS,
};

enum fw_chain_kind {
    FW_CHAIN_BUILTIN,           /* A built-in chain: only neutrino's jumps are kept. */
    FW_CHAIN_SET,               /* Shared; order of lines does not matter but the tail. */
    FW_CHAIN_WHOLE,             /* Rewritten whole when it differs. */
};

struct fw_chain {
    char name[FW_NAME_SIZE];
    enum fw_chain_kind kind;
    bool has_tail;              /* FW_CHAIN_SET: the last line stays last (sg-chain). */
    int port;                   /* Desired port chains: index in the model; else -1. */
    char dir;                   /* 'i', 'o', 's' for port chains, else 0. */
    char **lines;               /* Rules without "-A <chain> ", in order. */
    size_t n_lines, cap_lines;
};

struct fw_table_state {
    struct fw_chain *chains;
    size_t n_chains, cap_chains;
    size_t *slots;              /* While a state is built: a hash of names to index + 1. */
    size_t n_slots;
};

struct fw_set {
    char name[FW_NAME_SIZE];
    int family;                 /* 4 or 6. */
    char **members;             /* As ipset prints them: "10.0.0.5", "10.0.1.0/24". */
    size_t n_members, cap_members;
};

struct fw_state {
    struct fw_table_state tables[FW_N_TABLES];
    struct fw_set *sets;
    size_t n_sets, cap_sets;
};

void fw_state_init(struct fw_state *s);
void fw_state_done(struct fw_state *s);

/* Reads iptables-save (family 4) or ip6tables-save (6) output: neutrino's chains of the
 * raw and filter tables and neutrino's jumps in their built-in chains.  0 or -EINVAL. */
int fw_state_parse_iptables(struct fw_state *s, int family, const char *text);
/* Reads `ebtables-save` output (its nat table).  0 or -EINVAL. */
int fw_state_parse_ebtables(struct fw_state *s, const char *text);
/* Reads `ipset save` output: neutrino's sets and their members.  0 or -EINVAL. */
int fw_state_parse_ipset(struct fw_state *s, const char *text);

/* What the kernel should hold for 'm'.  Conntrack zones already given to networks in
 * 'have' are kept.  'want' is initialised here. */
void fw_state_desired(const struct fw_model *m, const struct fw_state *have,
                      struct fw_state *want);

const struct fw_chain *fw_state_chain(const struct fw_state *s, enum fw_table t,
                                      const char *name);
const struct fw_set *fw_state_set(const struct fw_state *s, const char *name);

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

/* Names, as above. */
void fw_port_chain_name(char dir, const char *port_id, char out[FW_NAME_SIZE]);
void fw_set_name(int family, const char *group_id, char out[FW_NAME_SIZE]);

#endif
