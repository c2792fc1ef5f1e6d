/* The firewall's states as data: the chains neutrino owns in iptables' raw and filter
 * tables (IPv4 and IPv6) and ebtables' nat table with their lines, the jumps into them
 * from the built-in chains, and neutrino's ipsets with their members.  A state is built
 * by the planner (the desired one, firewall_rules.c) or read from the tools' output
 * (the kernel's); the diff (firewall_plan.c) compares two of them.  The public side of
 * the firewall's planning is firewall_plan.h, which includes this. */
#ifndef NEUTRINO_AGENT_FIREWALL_STATE_H
#define NEUTRINO_AGENT_FIREWALL_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "string_pool.h"

#define FW_PREFIX "neutrino-fw"
#define FW_NAME_SIZE 32         /* Chain and set names: at most 31 characters. */

/* The shared chains' names (the firewall's modules only). */
#define CHAIN_FORWARD FW_PREFIX "-FORWARD"
#define CHAIN_INPUT FW_PREFIX "-INPUT"
#define CHAIN_SG FW_PREFIX "-sg-chain"
#define CHAIN_FALLBACK FW_PREFIX "-fallback"
#define CHAIN_PREROUTING FW_PREFIX "-PREROUTING"
#define CHAIN_NOTRACK FW_PREFIX "-notrack"
#define CHAIN_ZONES FW_PREFIX "-zones"

enum fw_table {
    FW_V4_RAW,
    FW_V4_FILTER,
    FW_V6_RAW,
    FW_V6_FILTER,
    FW_EB_NAT,
    FW_N_TABLES,
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
    const char **lines;         /* Rules without "-A <chain> ", in order... */
    struct string_pool *strings;        /* ...their text: the state's pool. */
    size_t n_lines, cap_lines;
};

struct fw_table_state {
    struct fw_chain *chains;
    size_t n_chains, cap_chains;
    size_t *slots;              /* While a state is built: a hash of names to index + 1. */
    size_t n_slots;
};

/* ipset's default for the most members a hash set holds; a set is made larger only for
 * a group with more member addresses (fw_set_capacity()). */
#define FW_SET_MAXELEM_DEFAULT 65536UL

struct fw_set {
    char name[FW_NAME_SIZE];
    int family;                 /* 4 or 6. */
    unsigned long maxelem;      /* The most members the kernel's set can hold. */
    const char **members;       /* As ipset prints them: "10.0.0.5", "10.0.1.0/24"... */
    struct string_pool *strings;        /* ...their text: the state's pool. */
    size_t n_members, cap_members;
};

struct fw_state {
    struct fw_table_state tables[FW_N_TABLES];
    struct fw_set *sets;
    size_t n_sets, cap_sets;
    struct string_pool *strings;        /* The lines' and members' text, each once. */
};

/* The size a set of 'n_members' is made with: ipset's default, or for more members the
 * next power of two, so that a growing group is rarely moved to a larger set. */
unsigned long fw_set_capacity(size_t n_members);

void fw_state_init(struct fw_state *s);
void fw_state_done(struct fw_state *s);

/* Reads iptables-save (family 4) or ip6tables-save (6) output: neutrino's chains of the
 * raw and filter tables and neutrino's jumps in their built-in chains.  0 or -EINVAL. */
int fw_state_parse_iptables(struct fw_state *s, int family, const char *text);
/* Reads `ebtables-save` output (its nat table).  0 or -EINVAL. */
int fw_state_parse_ebtables(struct fw_state *s, const char *text);
/* Reads `ipset save` output: neutrino's sets and their members.  0 or -EINVAL. */
int fw_state_parse_ipset(struct fw_state *s, const char *text);

const struct fw_chain *fw_state_chain(const struct fw_state *s, enum fw_table t,
                                      const char *name);
const struct fw_set *fw_state_set(const struct fw_state *s, const char *name);

/* Building a state (the firewall's modules only). */

/* The chain 'name' of table 't', made empty if there is none.  The pointer is valid
 * until the next fw_chain_add() of the table. */
struct fw_chain *fw_chain_add(struct fw_state *s, enum fw_table t, const char *name);
/* Appends a line unless the port chain has it already (rules of several groups may be
 * the same); the shared chains' repeats are dropped once, when the state is complete. */
void fw_chain_printf(struct fw_chain *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The set 'name', made empty if there is none. */
struct fw_set *fw_set_add(struct fw_state *s, const char *name, int family);
void fw_set_add_member(struct fw_set *set, const char *member);
/* Sorts chains and sets by name (and set members), for lookups and the diff, once the
 * state is complete: the room kept for growing is given back. */
void fw_state_sort(struct fw_state *s);
/* strcmp() of two lines through pointers to them, for qsort() and bsearch(). */
int fw_cmp_str(const void *a, const void *b);

/* The conntrack zone of 'bridge' in the state's zone chain, or 0. */
int fw_state_zone(const struct fw_state *s, const char *bridge);

static inline enum fw_table
fw_filter_table(int family)
{
    return family == 4 ? FW_V4_FILTER : FW_V6_FILTER;
}

#endif
