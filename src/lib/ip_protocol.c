/* The table of IP protocol names (see ip_protocol.h). */
#include "ip_protocol.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static const struct {
    const char *name;
    int number;
    bool reverse;       /* The name the number maps back to (one per number). */
} protocols[] = {
    { "ah", 51, true }, { "dccp", 33, true }, { "egp", 8, true }, { "esp", 50, true },
    { "gre", 47, true }, { "hopopt", 0, false }, { "icmp", 1, true }, { "igmp", 2, true },
    { "ip", 0, true }, { "ipip", 4, true }, { "ipv6-encap", 41, true },
    { "ipv6-frag", 44, true }, { "ipv6-icmp", 58, true }, { "icmpv6", 58, false },
    { "ipv6-nonxt", 59, true }, { "ipv6-opts", 60, true }, { "ipv6-route", 43, true },
    { "ospf", 89, true }, { "pgm", 113, true }, { "rsvp", 46, true }, { "sctp", 132, true },
    { "tcp", 6, true }, { "udp", 17, true }, { "udplite", 136, true }, { "vrrp", 112, true },
};

int
ip_protocol_number(const char *name)
{
    for (size_t i = 0; name && i < ARRAY_SIZE(protocols); i++) {
        if (STREQ(protocols[i].name, name)) {
            return protocols[i].number;
        }
    }
    return -1;
}

const char *
ip_protocol_canonical(const char *name)
{
    for (size_t i = 0; name && i < ARRAY_SIZE(protocols); i++) {
        if (!strcasecmp(protocols[i].name, name)) {
            return protocols[i].name;
        }
    }
    return NULL;
}

const char *
ip_protocol_name(int number)
{
    for (size_t i = 0; i < ARRAY_SIZE(protocols); i++) {
        if (protocols[i].reverse && protocols[i].number == number) {
            return protocols[i].name;
        }
    }
    return NULL;
}
