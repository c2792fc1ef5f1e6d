/* Sets of addresses of one family kept as sorted, disjoint, merged ranges: what a
 * subnet pool's prefixes, its allocated CIDRs and the space still free are.  The set
 * operations give what Neutron computes with netaddr's IPSet (union, difference,
 * intersection, compaction into the fewest CIDRs), and prefixset_first_fit() is
 * Zed's choice of the prefix a new subnet gets from a pool (docs/behaviour/ipam.md §10).
 * Pure computation: no store, no errors but a full-length check. */
#ifndef NEUTRINO_PREFIXSET_H
#define NEUTRINO_PREFIXSET_H

#include <stdbool.h>
#include <stddef.h>

#include "ip.h"

struct prefix_range {
    u128 first;
    u128 last;                  /* Inclusive. */
};

struct prefixset {
    int family;                 /* 4 or 6. */
    struct prefix_range *ranges;    /* Sorted, disjoint, no two adjacent. */
    size_t n, cap;
};

void prefixset_init(struct prefixset *s, int family);
void prefixset_done(struct prefixset *s);

/* Adds the addresses of 'c' (host bits ignored; of the set's family). */
void prefixset_add(struct prefixset *s, const struct cidr *c);
/* Adds every address of 'other' (of the same family) to 's'. */
void prefixset_union(struct prefixset *s, const struct prefixset *other);
/* Removes from 's' every address of 'other'. */
void prefixset_subtract(struct prefixset *s, const struct prefixset *other);
/* True if 'a' and 'b' share an address. */
bool prefixset_intersects(const struct prefixset *a, const struct prefixset *b);
/* True if every address of 'sub' is in 's'. */
bool prefixset_contains(const struct prefixset *s, const struct prefixset *sub);

/* The fewest CIDRs covering exactly 's', in address order (netaddr's compacted
 * iter_cidrs()).  '*ret' is a new array (free() it; NULL when empty). */
size_t prefixset_cidrs(const struct prefixset *s, struct cidr **ret);

/* Zed's choice for a subnet of length 'prefixlen' taken from the free space 'free':
 * the free CIDRs are ordered longest prefix first (address order among equals), and
 * the first one at least as large gives its first 'prefixlen' block.  Returns 0 with
 * '*ret', or -ENOSPC when none is large enough. */
int prefixset_first_fit(const struct prefixset *free, int prefixlen, struct cidr *ret);
/* True if 'want' lies inside one CIDR of the free space 'free' as compacted (Zed
 * refuses a CIDR that spans two of them). */
bool prefixset_fits_one_cidr(const struct prefixset *free, const struct cidr *want);

#endif
