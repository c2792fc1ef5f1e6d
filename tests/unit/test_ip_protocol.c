/* Unit tests for src/lib/ip_protocol.c: the protocol names a security group rule may use,
 * their numbers, and the name each number maps back to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ip_protocol.h"
#include "util.h"

/* Every name neutron_lib's IP_PROTOCOL_MAP has, with its number. */
static const struct {
    const char *name;
    int number;
} neutron_names[] = {
    { "ah", 51 }, { "dccp", 33 }, { "egp", 8 }, { "esp", 50 }, { "gre", 47 },
    { "hopopt", 0 }, { "icmp", 1 }, { "icmpv6", 58 }, { "igmp", 2 }, { "ip", 0 },
    { "ipip", 4 }, { "ipv6-encap", 41 }, { "ipv6-frag", 44 }, { "ipv6-icmp", 58 },
    { "ipv6-nonxt", 59 }, { "ipv6-opts", 60 }, { "ipv6-route", 43 }, { "ospf", 89 },
    { "pgm", 113 }, { "rsvp", 46 }, { "sctp", 132 }, { "tcp", 6 }, { "udp", 17 },
    { "udplite", 136 }, { "vrrp", 112 },
};

static void
every_neutron_name_has_its_number(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(neutron_names); i++) {
        assert_int_equal(ip_protocol_number(neutron_names[i].name), neutron_names[i].number);
    }
}

static void
numbers_and_unknown_names_are_not_names(void **state)
{
    static const char *const not_names[] = { "6", "0", "", "any", "tcpx", "TCP", " tcp",
                                             "ipv6_icmp" };

    for (size_t i = 0; i < ARRAY_SIZE(not_names); i++) {
        assert_int_equal(ip_protocol_number(not_names[i]), -1);
    }
    assert_int_equal(ip_protocol_number(NULL), -1);
}

static void
canonical_name_ignores_case(void **state)
{
    assert_string_equal(ip_protocol_canonical("TCP"), "tcp");
    assert_string_equal(ip_protocol_canonical("IPv6-ICMP"), "ipv6-icmp");
    assert_string_equal(ip_protocol_canonical("IcmpV6"), "icmpv6");
    assert_string_equal(ip_protocol_canonical("vrrp"), "vrrp");
    assert_null(ip_protocol_canonical("tcp "));
    assert_null(ip_protocol_canonical("17"));
    assert_null(ip_protocol_canonical(NULL));
    /* Every name is its own canonical form. */
    for (size_t i = 0; i < ARRAY_SIZE(neutron_names); i++) {
        assert_string_equal(ip_protocol_canonical(neutron_names[i].name),
                            neutron_names[i].name);
    }
}

static void
numbers_map_back_to_one_name_each(void **state)
{
    assert_string_equal(ip_protocol_name(0), "ip");
    assert_string_equal(ip_protocol_name(58), "ipv6-icmp");
    assert_string_equal(ip_protocol_name(6), "tcp");
    assert_string_equal(ip_protocol_name(136), "udplite");
    assert_null(ip_protocol_name(3));
    assert_null(ip_protocol_name(255));
    assert_null(ip_protocol_name(-1));
    /* Each name's number maps back to a name of that same number. */
    for (size_t i = 0; i < ARRAY_SIZE(neutron_names); i++) {
        const char *back = ip_protocol_name(neutron_names[i].number);

        assert_non_null(back);
        assert_int_equal(ip_protocol_number(back), neutron_names[i].number);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_neutron_name_has_its_number),
        cmocka_unit_test(numbers_and_unknown_names_are_not_names),
        cmocka_unit_test(canonical_name_ignores_case),
        cmocka_unit_test(numbers_map_back_to_one_name_each),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
