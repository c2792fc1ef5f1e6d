/* Unit tests for src/lib/ip.c and src/lib/mac.c: parsing, formatting, CIDR math and
 * the hex keys the store orders addresses by. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ip.h"
#include "mac.h"

static void
ip_parse_rejects_loose_ipv4(void **state)
{
    static const char *const bad[] = { "1.2.3", "010.1.1.1", "1.2.3.4.5", "256.1.1.1", "",
                                       "1.2.3.4 ", "a.b.c.d", "::g" };
    struct ip_addr a;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_not_equal(ip_parse(bad[i], &a), 0);
    }
    assert_int_equal(ip_parse("10.0.0.1", &a), 0);
    assert_int_equal(a.family, 4);
    assert_true(a.v == 0x0a000001);
}

static void
ip_format_compresses_ipv6(void **state)
{
    struct ip_addr a;
    char text[IP_STRLEN];

    assert_int_equal(ip_parse("2001:0DB8:0000:0000:0000:0000:0000:0001", &a), 0);
    ip_format(&a, text);
    assert_string_equal(text, "2001:db8::1");
}

static void
cidr_parse_bare_address_is_host_route(void **state)
{
    struct cidr c;

    assert_int_equal(cidr_parse("10.90.0.0", &c), 0);
    assert_int_equal(c.prefix, 32);
    assert_int_equal(cidr_parse("2001:db8::", &c), 0);
    assert_int_equal(c.prefix, 128);
    assert_int_not_equal(cidr_parse("10.0.0.0/33", &c), 0);
    assert_int_not_equal(cidr_parse("10.0.0.0/", &c), 0);
    assert_int_not_equal(cidr_parse("10.0.0.0/-1", &c), 0);
}

static void
cidr_normalize_clears_host_bits(void **state)
{
    struct cidr c;
    char text[CIDR_STRLEN];

    cidr_parse("10.20.0.5/24", &c);
    cidr_normalize(&c);
    cidr_format(&c, text);
    assert_string_equal(text, "10.20.0.0/24");
    assert_true(cidr_last(&c) == 0x0a1400ff);
}

static void
cidr_overlap_and_contains(void **state)
{
    struct cidr a, b, c;
    struct ip_addr x;

    cidr_parse("172.16.1.0/24", &a);
    cidr_parse("172.16.1.0/25", &b);
    cidr_parse("172.16.2.0/24", &c);
    assert_true(cidr_overlaps(&a, &b));
    assert_false(cidr_overlaps(&a, &c));
    ip_parse("172.16.1.200", &x);
    assert_true(cidr_contains(&a, &x));
    assert_false(cidr_contains(&b, &x));
}

static void
ip_keys_sort_like_numbers(void **state)
{
    char k1[IP_KEYLEN], k2[IP_KEYLEN];
    u128 v;

    ip_key_format(4, 9, k1);
    ip_key_format(4, 10, k2);
    assert_string_equal(k1, "00000009");
    assert_true(strcmp(k1, k2) < 0);
    ip_key_format(6, ~(u128) 0, k1);
    assert_int_equal(strlen(k1), 32);
    assert_int_equal(ip_key_parse(k1, &v), 0);
    assert_true(v == ~(u128) 0);
}

static void
u128_format_prints_big_counts(void **state)
{
    char text[40];

    u128_format((u128) UINT64_MAX + 1, text);
    assert_string_equal(text, "18446744073709551616");
    u128_format(0, text);
    assert_string_equal(text, "0");
}

static void
mac_parse_accepts_client_forms(void **state)
{
    static const char *const forms[] = { "FA:16:3E:00:00:02", "fa-16-3e-00-00-02",
                                         "fa16.3e00.0002", "fa163e000002" };
    char text[MAC_STRLEN];
    struct mac m;

    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(mac_parse(forms[i], &m), 0);
        mac_format(&m, text);
        assert_string_equal(text, "fa:16:3e:00:00:02");
    }
    assert_int_not_equal(mac_parse("fa:16:3e:00:00", &m), 0);
    assert_int_not_equal(mac_parse("zz:16:3e:00:00:02", &m), 0);
}

static void
mac_reserved_and_generated(void **state)
{
    struct mac base, m;

    mac_parse("00:00:00:00:00:00", &m);
    assert_true(mac_is_reserved(&m));
    mac_parse("ff:ff:ff:ff:ff:ff", &m);
    assert_true(mac_is_reserved(&m));
    mac_parse("fa:16:3e:00:00:00", &base);
    mac_generate(&base, &m);
    assert_memory_equal(m.b, base.b, 3);
    mac_parse("fa:16:3e:4f:00:00", &base);
    mac_generate(&base, &m);
    assert_memory_equal(m.b, base.b, 4);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ip_parse_rejects_loose_ipv4),
        cmocka_unit_test(ip_format_compresses_ipv6),
        cmocka_unit_test(cidr_parse_bare_address_is_host_route),
        cmocka_unit_test(cidr_normalize_clears_host_bits),
        cmocka_unit_test(cidr_overlap_and_contains),
        cmocka_unit_test(ip_keys_sort_like_numbers),
        cmocka_unit_test(u128_format_prints_big_counts),
        cmocka_unit_test(mac_parse_accepts_client_forms),
        cmocka_unit_test(mac_reserved_and_generated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
