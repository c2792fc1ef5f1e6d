/* Unit tests for src/server/prefixset.c: address sets as merged ranges, compaction into
 * the fewest CIDRs (netaddr's IPSet), and Zed's choice of a pool's next prefix
 * (docs/behaviour/ipam.md §10), IPv4 and IPv6, edges of the address space included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "prefixset.h"

/* A set of one family from a space-separated list of CIDRs. */
static struct prefixset
set_of(int family, const char *cidrs)
{
    struct prefixset s;
    char *copy = strdup(cidrs), *save = NULL;

    prefixset_init(&s, family);
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        struct cidr c;
        assert_int_equal(cidr_parse(t, &c), 0);
        prefixset_add(&s, &c);
    }
    free(copy);
    return s;
}

/* The set's compacted CIDRs as one space-separated text (owned). */
static char *
text_of(const struct prefixset *s)
{
    struct buf out = BUF_INITIALIZER;
    struct cidr *cidrs;
    size_t n = prefixset_cidrs(s, &cidrs);

    for (size_t i = 0; i < n; i++) {
        char t[CIDR_STRLEN];
        cidr_format(&cidrs[i], t);
        buf_printf(&out, "%s%s", i ? " " : "", t);
    }
    free(cidrs);
    return out.data ? buf_steal(&out) : strdup("");
}

static void
assert_set(const struct prefixset *s, const char *want)
{
    char *got = text_of(s);

    assert_string_equal(got, want);
    free(got);
}

static void
union_merges_and_compacts_like_netaddr(void **state)
{
    static const struct {
        int family;
        const char *in, *out;
    } cases[] = {
        { 4, "10.0.0.0/24 10.0.1.0/24 10.0.3.0/24", "10.0.0.0/23 10.0.3.0/24" },
        { 4, "10.10.0.0/16 10.11.0.0/16 10.12.0.0/16", "10.10.0.0/15 10.12.0.0/16" },
        { 4, "10.0.0.1/8", "10.0.0.0/8" },
        { 4, "10.0.0.0/8 10.1.0.0/16", "10.0.0.0/8" },
        { 4, "10.0.0.1/32 10.0.0.2/31", "10.0.0.1/32 10.0.0.2/31" },
        { 4, "0.0.0.0/1 128.0.0.0/1", "0.0.0.0/0" },
        { 4, "255.255.255.255/32 255.255.255.254/32", "255.255.255.254/31" },
        { 6, "2001:db8::/32 2001:db8:1::/48", "2001:db8::/32" },
        { 6, "::/1 8000::/1", "::/0" },
        { 6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128 ::/128",
          "::/128 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128" },
    };

    (void) state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct prefixset s = set_of(cases[i].family, cases[i].in);
        assert_set(&s, cases[i].out);
        prefixset_done(&s);
    }
}

static void
subtract_leaves_the_fewest_cidrs(void **state)
{
    struct prefixset s = set_of(4, "10.10.0.0/16");
    struct prefixset used = set_of(4, "10.10.0.0/24 10.10.1.0/26");

    (void) state;
    prefixset_subtract(&s, &used);
    assert_set(&s, "10.10.1.64/26 10.10.1.128/25 10.10.2.0/23 10.10.4.0/22 10.10.8.0/21"
                   " 10.10.16.0/20 10.10.32.0/19 10.10.64.0/18 10.10.128.0/17");
    prefixset_done(&used);
    used = set_of(4, "0.0.0.0/0");
    prefixset_subtract(&s, &used);
    assert_int_equal(s.n, 0);
    assert_set(&s, "");
    prefixset_done(&s);
    prefixset_done(&used);

    s = set_of(6, "::/0");
    used = set_of(6, "::/128 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
    prefixset_subtract(&s, &used);
    assert_int_equal(s.n, 1);
    assert_true(s.ranges[0].first == 1 && s.ranges[0].last == ~(u128) 0 - 1);
    prefixset_done(&s);
    prefixset_done(&used);
}

static void
intersects_and_contains(void **state)
{
    struct prefixset a = set_of(4, "10.30.0.0/16"), b = set_of(4, "10.30.128.0/17"),
                     c = set_of(4, "10.31.0.0/16 10.29.0.0/16");

    (void) state;
    assert_true(prefixset_intersects(&a, &b));
    assert_false(prefixset_intersects(&a, &c));
    assert_true(prefixset_contains(&a, &b));
    assert_false(prefixset_contains(&b, &a));
    prefixset_union(&c, &a);
    assert_set(&c, "10.29.0.0/16 10.30.0.0/15");
    assert_true(prefixset_contains(&c, &a));
    prefixset_done(&a);
    prefixset_done(&b);
    prefixset_done(&c);
}

/* Takes the next prefix of 'len' from 'free_space' as a pool's subnet would. */
static char *
take(struct prefixset *free_space, int len)
{
    struct cidr c;
    char t[CIDR_STRLEN];
    struct prefixset used;

    if (prefixset_first_fit(free_space, len, &c)) {
        return strdup("full");
    }
    prefixset_init(&used, free_space->family);
    prefixset_add(&used, &c);
    prefixset_subtract(free_space, &used);
    prefixset_done(&used);
    cidr_format(&c, t);
    return strdup(t);
}

static void
first_fit_takes_the_longest_free_prefix_first(void **state)
{
    static const struct {
        int len;
        const char *want;
    } steps[] = {
        { 24, "10.10.0.0/24" }, { 26, "10.10.1.0/26" },
        /* The /26 left beside is too small: the /25 after it is the next longest. */
        { 25, "10.10.1.128/25" }, { 27, "10.10.1.64/27" }, { 28, "10.10.1.96/28" },
        { 15, "full" }, { 16, "full" }, { 17, "10.10.128.0/17" },
    };
    struct prefixset s = set_of(4, "10.10.0.0/16");

    (void) state;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        char *got = take(&s, steps[i].len);
        assert_string_equal(got, steps[i].want);
        free(got);
    }
    prefixset_done(&s);
}

static void
first_fit_ipv6_prefers_the_smaller_prefix(void **state)
{
    struct prefixset s = set_of(6, "2001:db8:100::/48 2001:db8:200::/56");
    char *got;

    (void) state;
    got = take(&s, 64);
    assert_string_equal(got, "2001:db8:200::/64");
    free(got);
    got = take(&s, 120);
    assert_string_equal(got, "2001:db8:200:1::/120");
    free(got);
    got = take(&s, 56);
    assert_string_equal(got, "2001:db8:100::/56");
    free(got);
    prefixset_done(&s);

    s = set_of(6, "::/0");
    got = take(&s, 0);
    assert_string_equal(got, "::/0");
    free(got);
    got = take(&s, 128);
    assert_string_equal(got, "full");
    free(got);
    prefixset_done(&s);
}

static void
asked_cidr_must_lie_in_one_free_cidr(void **state)
{
    struct prefixset s = set_of(4, "10.0.0.0/24 10.0.1.0/25");
    struct cidr c;

    (void) state;
    cidr_parse("10.0.0.128/25", &c);
    assert_true(prefixset_fits_one_cidr(&s, &c));
    cidr_parse("10.0.1.0/25", &c);
    assert_true(prefixset_fits_one_cidr(&s, &c));
    /* Both halves are free, but in two compacted CIDRs. */
    cidr_parse("10.0.0.0/23", &c);
    assert_false(prefixset_fits_one_cidr(&s, &c));
    cidr_parse("10.0.1.128/25", &c);
    assert_false(prefixset_fits_one_cidr(&s, &c));
    prefixset_done(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(union_merges_and_compacts_like_netaddr),
        cmocka_unit_test(subtract_leaves_the_fewest_cidrs),
        cmocka_unit_test(intersects_and_contains),
        cmocka_unit_test(first_fit_takes_the_longest_free_prefix_first),
        cmocka_unit_test(first_fit_ipv6_prefers_the_smaller_prefix),
        cmocka_unit_test(asked_cidr_must_lie_in_one_free_cidr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
