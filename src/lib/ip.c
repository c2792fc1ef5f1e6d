/* IP address and CIDR arithmetic (see ip.h). */
#include "ip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int
ip_bits(int family)
{
    return family == 4 ? 32 : 128;
}

int
ip_parse(const char *s, struct ip_addr *ret)
{
    unsigned char bytes[16];
    struct ip_addr a;

    if (strchr(s, ':')) {
        if (strlen(s) >= IP_STRLEN || inet_pton(AF_INET6, s, bytes) != 1) {
            return -EINVAL;
        }
        a.family = 6;
        a.v = 0;
        for (int i = 0; i < 16; i++) {
            a.v = (a.v << 8) | bytes[i];
        }
    } else {
        if (inet_pton(AF_INET, s, bytes) != 1) {
            return -EINVAL;
        }
        a.family = 4;
        a.v = ((u128) bytes[0] << 24) | ((u128) bytes[1] << 16) | ((u128) bytes[2] << 8)
              | bytes[3];
    }
    *ret = a;
    return 0;
}

void
ip_format(const struct ip_addr *a, char out[IP_STRLEN])
{
    unsigned char bytes[16];

    if (a->family == 4) {
        uint32_t v = (uint32_t) a->v;
        snprintf(out, IP_STRLEN, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255,
                 v & 255);
        return;
    }
    for (int i = 0; i < 16; i++) {
        bytes[i] = (unsigned char) (a->v >> (8 * (15 - i)));
    }
    inet_ntop(AF_INET6, bytes, out, IP_STRLEN);
}

bool
ip_equal(const struct ip_addr *a, const struct ip_addr *b)
{
    return a->family == b->family && a->v == b->v;
}

int
cidr_parse(const char *s, struct cidr *ret)
{
    const char *slash = strchr(s, '/');
    char addr[IP_STRLEN];
    struct cidr c;
    size_t len = slash ? (size_t) (slash - s) : strlen(s);

    if (len == 0 || len >= sizeof addr) {
        return -EINVAL;
    }
    memcpy(addr, s, len);
    addr[len] = '\0';
    if (ip_parse(addr, &c.addr) < 0) {
        return -EINVAL;
    }
    if (slash) {
        const char *p = slash + 1;
        char *end;
        long prefix;

        if (*p < '0' || *p > '9' || strlen(p) > 3) {
            return -EINVAL;
        }
        prefix = strtol(p, &end, 10);
        if (*end || prefix > ip_bits(c.addr.family)) {
            return -EINVAL;
        }
        c.prefix = (int) prefix;
    } else {
        c.prefix = ip_bits(c.addr.family);
    }
    *ret = c;
    return 0;
}

/* Returns the host-bit mask of a prefix within 'bits' bits. */
static u128
host_mask(int bits, int prefix)
{
    int host = bits - prefix;

    return host >= 128 ? ~(u128) 0 : (((u128) 1 << host) - 1);
}

void
cidr_normalize(struct cidr *c)
{
    c->addr.v &= ~host_mask(ip_bits(c->addr.family), c->prefix);
}

void
cidr_format(const struct cidr *c, char out[CIDR_STRLEN])
{
    char a[IP_STRLEN];

    ip_format(&c->addr, a);
    snprintf(out, CIDR_STRLEN, "%s/%d", a, c->prefix);
}

u128
cidr_first(const struct cidr *c)
{
    return c->addr.v & ~host_mask(ip_bits(c->addr.family), c->prefix);
}

u128
cidr_last(const struct cidr *c)
{
    u128 last = cidr_first(c) | host_mask(ip_bits(c->addr.family), c->prefix);

    if (c->addr.family == 4) {
        last &= 0xffffffffu;
    }
    return last;
}

bool
cidr_contains(const struct cidr *c, const struct ip_addr *a)
{
    return a->family == c->addr.family && a->v >= cidr_first(c) && a->v <= cidr_last(c);
}

bool
cidr_overlaps(const struct cidr *a, const struct cidr *b)
{
    return a->addr.family == b->addr.family && cidr_first(a) <= cidr_last(b)
           && cidr_first(b) <= cidr_last(a);
}

void
ip_key_format(int family, u128 v, char out[IP_KEYLEN])
{
    static const char hex[] = "0123456789abcdef";
    int digits = family == 4 ? 8 : 32;

    for (int i = digits - 1; i >= 0; i--) {
        out[i] = hex[v & 15];
        v >>= 4;
    }
    out[digits] = '\0';
}

int
ip_key_parse(const char *key, u128 *ret)
{
    size_t len = strlen(key);
    u128 v = 0;

    if (len != 8 && len != 32) {
        return -EINVAL;
    }
    for (size_t i = 0; i < len; i++) {
        char c = key[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) {
            return -EINVAL;
        }
        v = (v << 4) | (u128) d;
    }
    *ret = v;
    return 0;
}

void
u128_format(u128 v, char out[40])
{
    char tmp[40];
    int n = 0;

    do {
        tmp[n++] = (char) ('0' + (int) (v % 10));
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++) {
        out[i] = tmp[n - 1 - i];
    }
    out[n] = '\0';
}
