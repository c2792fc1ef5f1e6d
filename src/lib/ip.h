/* IPv4/IPv6 addresses and CIDRs as 128-bit integers, for subnet and pool arithmetic.
 * An address is (family, value) with the value in host order, so IPv4 10.0.0.1 is
 * 0x0a000001.  Parsers are strict (inet_pton: four dotted decimal octets without
 * leading zeros for IPv4) and return -EINVAL on anything else.
 *
 * Addresses are also given a fixed-width hex "key" (8 digits for IPv4, 32 for IPv6)
 * whose string order is numeric order: the store keeps ranges and allocations under
 * these keys so SQL can order and compare them. */
#ifndef NEUTRINO_IP_H
#define NEUTRINO_IP_H

#include <stdbool.h>
#include <stdint.h>

typedef unsigned __int128 u128;

#define IP_STRLEN 46    /* INET6_ADDRSTRLEN */
#define CIDR_STRLEN 50
#define IP_KEYLEN 33    /* 32 hex digits + NUL */

struct ip_addr {
    int family;     /* 4 or 6. */
    u128 v;         /* Value in host order; < 2^32 for IPv4. */
};

struct cidr {
    struct ip_addr addr;    /* As given (host bits may be set until normalised). */
    int prefix;             /* Prefix length, 0..32 or 0..128. */
};

/* Parses an IPv4 or IPv6 address. Returns 0 or -EINVAL. */
int ip_parse(const char *s, struct ip_addr *ret);
/* Formats 'a' canonically (IPv6 compressed, lower-case) into 'out'. */
void ip_format(const struct ip_addr *a, char out[IP_STRLEN]);
/* Number of bits in the family's addresses: 32 or 128. */
int ip_bits(int family);
bool ip_equal(const struct ip_addr *a, const struct ip_addr *b);

/* Parses "addr/prefix"; a bare address gets the full-length prefix. Host bits are
 * kept (see cidr_normalize). Returns 0 or -EINVAL. */
int cidr_parse(const char *s, struct cidr *ret);
/* Clears the host bits. */
void cidr_normalize(struct cidr *c);
void cidr_format(const struct cidr *c, char out[CIDR_STRLEN]);
/* First and last address values covered by 'c'. */
u128 cidr_first(const struct cidr *c);
u128 cidr_last(const struct cidr *c);
bool cidr_contains(const struct cidr *c, const struct ip_addr *a);
bool cidr_overlaps(const struct cidr *a, const struct cidr *b);

/* Writes the fixed-width hex key of value 'v' for 'family' into 'out'. */
void ip_key_format(int family, u128 v, char out[IP_KEYLEN]);
/* Parses a key written by ip_key_format(). Returns 0 or -EINVAL. */
int ip_key_parse(const char *key, u128 *ret);

/* Formats a 128-bit count in decimal (for IPv6 sizes) into 'out' (40 bytes). */
void u128_format(u128 v, char out[40]);

#endif
