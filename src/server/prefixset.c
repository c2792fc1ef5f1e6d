/* Address sets as merged ranges; see prefixset.h. */
#include "prefixset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "util.h"

void
prefixset_init(struct prefixset *s, int family)
{
    memset(s, 0, sizeof *s);
    s->family = family;
}

void
prefixset_done(struct prefixset *s)
{
    free(s->ranges);
    s->ranges = NULL;
    s->n = s->cap = 0;
}

static u128
family_max(int family)
{
    return family == 4 ? (u128) 0xffffffffu : ~(u128) 0;
}

/* Inserts [first, last] at 'at', keeping the array's order. */
static void
insert_range(struct prefixset *s, size_t at, u128 first, u128 last)
{
    s->ranges = array_grow(s->ranges, s->n, &s->cap, sizeof *s->ranges);
    memmove(&s->ranges[at + 1], &s->ranges[at], (s->n - at) * sizeof *s->ranges);
    s->ranges[at] = (struct prefix_range) { first, last };
    s->n++;
}

static void
remove_ranges(struct prefixset *s, size_t at, size_t count)
{
    if (!count) {
        return;     /* Also: an empty set has no array to move in. */
    }
    memmove(&s->ranges[at], &s->ranges[at + count], (s->n - at - count) * sizeof *s->ranges);
    s->n -= count;
}

/* Adds [first, last], merging with the ranges it overlaps or touches. */
static void
add_range(struct prefixset *s, u128 first, u128 last)
{
    size_t i = 0, j;

    /* Skip ranges that end before 'first' and do not touch it. */
    while (i < s->n && s->ranges[i].last < first && s->ranges[i].last + 1 != first) {
        i++;
    }
    j = i;
    while (j < s->n && (s->ranges[j].first <= last
                        || (last != family_max(s->family) && s->ranges[j].first == last + 1))) {
        if (s->ranges[j].first < first) {
            first = s->ranges[j].first;
        }
        if (s->ranges[j].last > last) {
            last = s->ranges[j].last;
        }
        j++;
    }
    remove_ranges(s, i, j - i);
    insert_range(s, i, first, last);
}

void
prefixset_add(struct prefixset *s, const struct cidr *c)
{
    add_range(s, cidr_first(c), cidr_last(c));
}

void
prefixset_union(struct prefixset *s, const struct prefixset *other)
{
    for (size_t i = 0; i < other->n; i++) {
        add_range(s, other->ranges[i].first, other->ranges[i].last);
    }
}

/* Removes [first, last] from 's'. */
static void
subtract_range(struct prefixset *s, u128 first, u128 last)
{
    for (size_t i = 0; i < s->n;) {
        struct prefix_range r = s->ranges[i];

        if (r.last < first || r.first > last) {
            i++;
            continue;
        }
        remove_ranges(s, i, 1);
        if (r.first < first) {
            insert_range(s, i++, r.first, first - 1);
        }
        if (r.last > last) {
            insert_range(s, i++, last + 1, r.last);
        }
    }
}

void
prefixset_subtract(struct prefixset *s, const struct prefixset *other)
{
    for (size_t i = 0; i < other->n; i++) {
        subtract_range(s, other->ranges[i].first, other->ranges[i].last);
    }
}

bool
prefixset_intersects(const struct prefixset *a, const struct prefixset *b)
{
    size_t i = 0, j = 0;

    while (i < a->n && j < b->n) {
        if (a->ranges[i].last < b->ranges[j].first) {
            i++;
        } else if (b->ranges[j].last < a->ranges[i].first) {
            j++;
        } else {
            return true;
        }
    }
    return false;
}

bool
prefixset_contains(const struct prefixset *s, const struct prefixset *sub)
{
    for (size_t j = 0; j < sub->n; j++) {
        bool inside = false;
        for (size_t i = 0; i < s->n && !inside; i++) {
            inside = s->ranges[i].first <= sub->ranges[j].first
                     && sub->ranges[j].last <= s->ranges[i].last;
        }
        if (!inside) {
            return false;
        }
    }
    return true;
}

/* The largest CIDR that starts at 'first' and ends at or before 'last'. */
static struct cidr
largest_cidr_at(int family, u128 first, u128 last)
{
    int bits = ip_bits(family), prefix = bits;

    while (prefix > 0) {
        int host = bits - prefix + 1;
        u128 size_minus_1 = host >= 128 ? ~(u128) 0 : ((u128) 1 << host) - 1;
        if ((first & size_minus_1) != 0 || first + size_minus_1 > last
            || first + size_minus_1 < first) {
            break;
        }
        prefix--;
    }
    return (struct cidr) { { family, first }, prefix };
}

size_t
prefixset_cidrs(const struct prefixset *s, struct cidr **ret)
{
    struct cidr *out = NULL;
    size_t n = 0, cap = 0;

    for (size_t i = 0; i < s->n; i++) {
        u128 at = s->ranges[i].first;
        for (;;) {
            struct cidr c = largest_cidr_at(s->family, at, s->ranges[i].last);
            out = array_append(out, &n, &cap, &c, sizeof c);
            if (cidr_last(&c) >= s->ranges[i].last) {
                break;
            }
            at = cidr_last(&c) + 1;
        }
    }
    *ret = out;
    return n;
}

/* Orders CIDRs longest prefix first, then by address (what a stable sort by prefix
 * length, descending, leaves of a list in address order). */
static int
cmp_longest_first(const void *a, const void *b)
{
    const struct cidr *x = a, *y = b;

    if (x->prefix != y->prefix) {
        return x->prefix > y->prefix ? -1 : 1;
    }
    return x->addr.v < y->addr.v ? -1 : x->addr.v > y->addr.v;
}

int
prefixset_first_fit(const struct prefixset *free_space, int prefixlen, struct cidr *ret)
{
    struct cidr *cidrs;
    size_t n = prefixset_cidrs(free_space, &cidrs);
    int r = -ENOSPC;

    if (n) {
        qsort(cidrs, n, sizeof *cidrs, cmp_longest_first);
    }
    for (size_t i = 0; i < n; i++) {
        if (prefixlen >= cidrs[i].prefix) {
            *ret = (struct cidr) { cidrs[i].addr, prefixlen };
            r = 0;
            break;
        }
    }
    free(cidrs);
    return r;
}

bool
prefixset_fits_one_cidr(const struct prefixset *free_space, const struct cidr *want)
{
    struct cidr *cidrs;
    size_t n = prefixset_cidrs(free_space, &cidrs);
    bool fits = false;

    for (size_t i = 0; i < n && !fits; i++) {
        fits = cidrs[i].prefix <= want->prefix && cidr_contains(&cidrs[i], &want->addr);
    }
    free(cidrs);
    return fits;
}
