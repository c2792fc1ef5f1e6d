/* The kernel's side of the firewall as data (see firewall_state.h): states of chains,
 * their lines and neutrino's sets, built by the planner (firewall_rules.c) or read from
 * the *-save tools' output, and looked up by the diff (firewall_plan.c). */
#include "firewall_state.h"

#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "buf.h"
#include "util.h"

/* --- A state -------------------------------------------------------------------------- */

void
fw_state_init(struct fw_state *s)
{
    memset(s, 0, sizeof *s);
}

void
fw_state_done(struct fw_state *s)
{
    for (int t = 0; t < FW_N_TABLES; t++) {
        struct fw_table_state *ts = &s->tables[t];
        for (size_t i = 0; i < ts->n_chains; i++) {
            free(ts->chains[i].lines);
        }
        free(ts->chains);
        free(ts->slots);
    }
    for (size_t i = 0; i < s->n_sets; i++) {
        free(s->sets[i].members);
    }
    free(s->sets);
    string_pool_destroy(s->strings);
    memset(s, 0, sizeof *s);
}

/* The pool of the state's text, made on first use (a state is zeroed memory). */
static struct string_pool *
state_strings(struct fw_state *s)
{
    if (!s->strings) {
        s->strings = string_pool_create();
    }
    return s->strings;
}

static bool
owned(const char *name)
{
    return !strncmp(name, FW_PREFIX, strlen(FW_PREFIX));
}

static bool
builtin(const char *name)
{
    static const char *const names[] = { "INPUT", "FORWARD", "OUTPUT", "PREROUTING",
                                         "POSTROUTING", "BROUTING" };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (STREQ(name, names[i])) {
            return true;
        }
    }
    return false;
}

/* How a chain of ours is changed, from its table and name. */
static enum fw_chain_kind
chain_kind(enum fw_table t, const char *name, bool *has_tail)
{
    *has_tail = false;
    if (builtin(name)) {
        return FW_CHAIN_BUILTIN;
    }
    if (t == FW_EB_NAT) {
        return STREQ(name, CHAIN_PREROUTING) ? FW_CHAIN_SET : FW_CHAIN_WHOLE;
    }
    if (STREQ(name, CHAIN_SG)) {
        *has_tail = true;
        return FW_CHAIN_SET;
    }
    if (STREQ(name, CHAIN_FORWARD) || STREQ(name, CHAIN_INPUT) || STREQ(name, CHAIN_NOTRACK)
        || STREQ(name, CHAIN_ZONES)) {
        return FW_CHAIN_SET;
    }
    return FW_CHAIN_WHOLE;
}

static size_t
name_hash(const char *name)
{
    size_t h = 14695981039346656037u;

    for (; *name; name++) {
        h = (h ^ (unsigned char) *name) * 1099511628211u;
    }
    return h;
}

/* The slot of 'name' in the hash: where it is, or the empty one where it would go. */
static size_t *
chain_slot(const struct fw_table_state *ts, const char *name)
{
    size_t i = name_hash(name) & (ts->n_slots - 1);

    while (ts->slots[i] && !STREQ(ts->chains[ts->slots[i] - 1].name, name)) {
        i = (i + 1) & (ts->n_slots - 1);
    }
    return &ts->slots[i];
}

/* Keeps the hash at most half full, so that building a state of thousands of chains
 * stays linear. */
static void
chain_index_grow(struct fw_table_state *ts)
{
    if (ts->n_slots && 2 * (ts->n_chains + 1) <= ts->n_slots) {
        return;
    }
    free(ts->slots);
    ts->n_slots = ts->n_slots ? 2 * ts->n_slots : 64;
    while (ts->n_slots < 2 * (ts->n_chains + 1)) {
        ts->n_slots *= 2;
    }
    ts->slots = xcalloc(ts->n_slots, sizeof *ts->slots);
    for (size_t i = 0; i < ts->n_chains; i++) {
        *chain_slot(ts, ts->chains[i].name) = i + 1;
    }
}

/* The chain 'name' of table 't', made empty if there is none.  The pointer is valid
 * until the next fw_chain_add() of the table. */
struct fw_chain *
fw_chain_add(struct fw_state *s, enum fw_table t, const char *name)
{
    struct fw_table_state *ts = &s->tables[t];
    struct fw_chain *c;
    size_t *slot;

    chain_index_grow(ts);
    slot = chain_slot(ts, name);
    if (*slot) {
        return &ts->chains[*slot - 1];
    }
    ts->chains = array_grow(ts->chains, ts->n_chains, &ts->cap_chains, sizeof *ts->chains);
    c = &ts->chains[ts->n_chains++];
    *slot = ts->n_chains;
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->strings = state_strings(s);
    c->kind = chain_kind(t, name, &c->has_tail);
    c->port = -1;
    return c;
}

static void
chain_add_line(struct fw_chain *c, const char *line)
{
    const char *copy = string_pool_add(c->strings, line, strlen(line));

    c->lines = array_append(c->lines, &c->n_lines, &c->cap_lines, &copy, sizeof copy);
}

void
fw_chain_printf(struct fw_chain *c, const char *fmt, ...)
{
    struct buf b = BUF_INITIALIZER;
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    /* Shared chains grow with every port: they are made unique once, at the end
     * (lines_unique(), firewall_rules.c). */
    for (size_t i = 0; c->kind == FW_CHAIN_WHOLE && i < c->n_lines; i++) {
        if (STREQ(c->lines[i], buf_cstr(&b))) {
            buf_done(&b);
            return;
        }
    }
    chain_add_line(c, buf_cstr(&b));
    buf_done(&b);
}

static int
cmp_chain(const void *a, const void *b)
{
    return strcmp(((const struct fw_chain *) a)->name, ((const struct fw_chain *) b)->name);
}

int
fw_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static int
cmp_set(const void *a, const void *b)
{
    return strcmp(((const struct fw_set *) a)->name, ((const struct fw_set *) b)->name);
}

/* Shrinks an array of 'n' elements of 'size' bytes to its count ('*cap' = 'n'). */
static void *
array_trim(void *items, size_t n, size_t *cap, size_t size)
{
    if (n == *cap || !items) {
        return items;
    }
    *cap = n;
    if (!n) {
        free(items);
        return NULL;
    }
    return xrealloc(items, n * size);
}

/* Gives back what a complete state kept for growing: the arrays' spare room and its
 * pool's index (an agent keeps the state it wrote last for as long as it runs: at a
 * thousand ports that was a megabyte).  Adding to the state again still works. */
static void
state_trim(struct fw_state *s)
{
    for (int t = 0; t < FW_N_TABLES; t++) {
        struct fw_table_state *ts = &s->tables[t];
        for (size_t i = 0; i < ts->n_chains; i++) {
            struct fw_chain *c = &ts->chains[i];
            c->lines = array_trim(c->lines, c->n_lines, &c->cap_lines, sizeof *c->lines);
        }
        ts->chains = array_trim(ts->chains, ts->n_chains, &ts->cap_chains,
                                sizeof *ts->chains);
    }
    for (size_t i = 0; i < s->n_sets; i++) {
        struct fw_set *set = &s->sets[i];
        set->members = array_trim(set->members, set->n_members, &set->cap_members,
                                  sizeof *set->members);
    }
    s->sets = array_trim(s->sets, s->n_sets, &s->cap_sets, sizeof *s->sets);
    string_pool_seal(s->strings);
}

/* Sorts chains and sets by name (and set members), for lookups and the diff. */
void
fw_state_sort(struct fw_state *s)
{
    for (int t = 0; t < FW_N_TABLES; t++) {
        struct fw_table_state *ts = &s->tables[t];
        if (ts->n_chains) {
            qsort(ts->chains, ts->n_chains, sizeof *ts->chains, cmp_chain);
        }
        free(ts->slots);        /* Sorted, it is searched by bisection. */
        ts->slots = NULL;
        ts->n_slots = 0;
    }
    if (s->n_sets) {
        qsort(s->sets, s->n_sets, sizeof *s->sets, cmp_set);
    }
    for (size_t i = 0; i < s->n_sets; i++) {
        if (s->sets[i].n_members) {
            qsort(s->sets[i].members, s->sets[i].n_members, sizeof(const char *), fw_cmp_str);
        }
    }
    state_trim(s);
}

const struct fw_chain *
fw_state_chain(const struct fw_state *s, enum fw_table t, const char *name)
{
    const struct fw_table_state *ts = &s->tables[t];
    struct fw_chain key;

    if (!ts->n_chains) {
        return NULL;
    }
    snprintf(key.name, sizeof key.name, "%s", name);
    return bsearch(&key, ts->chains, ts->n_chains, sizeof key, cmp_chain);
}

const struct fw_set *
fw_state_set(const struct fw_state *s, const char *name)
{
    struct fw_set key;

    if (!s->n_sets) {
        return NULL;
    }
    snprintf(key.name, sizeof key.name, "%s", name);
    return bsearch(&key, s->sets, s->n_sets, sizeof key, cmp_set);
}

unsigned long
fw_set_capacity(size_t n_members)
{
    unsigned long size = FW_SET_MAXELEM_DEFAULT;

    while (size < n_members) {
        size *= 2;
    }
    return size;
}

struct fw_set *
fw_set_add(struct fw_state *s, const char *name, int family)
{
    for (size_t i = 0; i < s->n_sets; i++) {
        if (STREQ(s->sets[i].name, name)) {
            return &s->sets[i];
        }
    }
    s->sets = array_grow(s->sets, s->n_sets, &s->cap_sets, sizeof *s->sets);
    struct fw_set *set = &s->sets[s->n_sets++];
    memset(set, 0, sizeof *set);
    snprintf(set->name, sizeof set->name, "%s", name);
    set->family = family;
    set->maxelem = FW_SET_MAXELEM_DEFAULT;
    set->strings = state_strings(s);
    return set;
}

void
fw_set_add_member(struct fw_set *set, const char *member)
{
    const char *copy = string_pool_add(set->strings, member, strlen(member));

    set->members = array_append(set->members, &set->n_members, &set->cap_members, &copy,
                                sizeof copy);
}

/* --- Reading the kernel's state -------------------------------------------------------- */

/* Whether a rule of a built-in chain is one of our jumps: it ends "-j neutrino-fw...". */
static bool
our_jump(const char *rule)
{
    const char *j = strstr(rule, "-j " FW_PREFIX);

    return j && !strchr(j + 3, ' ');
}

/* One "-A chain rule" line of table 't'. */
static void
parse_rule(struct fw_state *s, enum fw_table t, const char *line)
{
    char chain[FW_NAME_SIZE];
    const char *sp = strchr(line + 3, ' ');
    size_t len = sp ? (size_t) (sp - (line + 3)) : strlen(line + 3);

    if (len >= sizeof chain) {
        return;                 /* Not a name of ours. */
    }
    memcpy(chain, line + 3, len);
    chain[len] = '\0';
    const char *rule = sp ? sp + 1 : "";
    if (owned(chain) || (builtin(chain) && our_jump(rule))) {
        chain_add_line(fw_chain_add(s, t, chain), rule);
    }
}

/* Reads one *-save output whose tables map to ours through 'map' (NULL: ignored). */
static int
parse_save(struct fw_state *s, const char *text, int (*map)(const char *table))
{
    int t = -1;

    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t) (nl - p) : strlen(p);
        char *line = xstrndup(p, len);

        if (line[0] == '*') {
            t = map(line + 1);
        } else if (t >= 0 && line[0] == ':') {
            char name[FW_NAME_SIZE];
            if (sscanf(line + 1, "%31s", name) == 1 && owned(name)) {
                fw_chain_add(s, t, name);
            }
        } else if (t >= 0 && !strncmp(line, "-A ", 3)) {
            parse_rule(s, t, line);
        }
        free(line);
        p += len + (nl ? 1 : 0);
    }
    fw_state_sort(s);
    return 0;
}

static int
map_v4(const char *table)
{
    return STREQ(table, "raw") ? FW_V4_RAW : STREQ(table, "filter") ? FW_V4_FILTER : -1;
}

static int
map_v6(const char *table)
{
    return STREQ(table, "raw") ? FW_V6_RAW : STREQ(table, "filter") ? FW_V6_FILTER : -1;
}

static int
map_eb(const char *table)
{
    return STREQ(table, "nat") ? FW_EB_NAT : -1;
}

int
fw_state_parse_iptables(struct fw_state *s, int family, const char *text)
{
    if (family != 4 && family != 6) {
        return -EINVAL;
    }
    return parse_save(s, text, family == 4 ? map_v4 : map_v6);
}

int
fw_state_parse_ebtables(struct fw_state *s, const char *text)
{
    return parse_save(s, text, map_eb);
}

int
fw_state_parse_ipset(struct fw_state *s, const char *text)
{
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t) (nl - p) : strlen(p);
        char *line = xstrndup(p, len);
        char name[64], arg[64];

        if (sscanf(line, "create %63s %*s family %63s", name, arg) == 2 && owned(name)
            && strlen(name) < FW_NAME_SIZE) {
            struct fw_set *set = fw_set_add(s, name, STREQ(arg, "inet6") ? 6 : 4);
            const char *max = strstr(line, " maxelem ");
            if (max) {
                set->maxelem = strtoul(max + strlen(" maxelem "), NULL, 10);
            }
        } else if (sscanf(line, "add %63s %63s", name, arg) == 2 && owned(name)
                   && strlen(name) < FW_NAME_SIZE) {
            fw_set_add_member(fw_set_add(s, name, strchr(arg, ':') ? 6 : 4), arg);
        }
        free(line);
        p += len + (nl ? 1 : 0);
    }
    fw_state_sort(s);
    return 0;
}

int
fw_state_zone(const struct fw_state *s, const char *bridge)
{
    const struct fw_chain *c = fw_state_chain(s, FW_V4_RAW, CHAIN_ZONES);
    char dev[IFNAMSIZ + 1];
    int zone;

    for (size_t i = 0; c && i < c->n_lines; i++) {
        if (sscanf(c->lines[i], "-i %16s -j CT --zone %d", dev, &zone) == 2
            && STREQ(dev, bridge)) {
            return zone;
        }
    }
    return 0;
}
