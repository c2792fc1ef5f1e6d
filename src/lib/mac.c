/* MAC address parsing, formatting and generation (see mac.h). */
#include "mac.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static int
hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = (char) tolower((unsigned char) c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Parses 12 hex digits from 's', skipping a separator 'sep' after each digit position
 * listed in 'sep_after' (a bit per digit index). */
static int
mac_parse_digits(const char *s, char sep, unsigned int sep_after, struct mac *ret)
{
    struct mac m;
    const char *p = s;

    memset(&m, 0, sizeof m);
    for (int i = 0; i < 12; i++) {
        int d = hexval(*p++);
        if (d < 0) {
            return -EINVAL;
        }
        m.b[i / 2] = (uint8_t) ((m.b[i / 2] << 4) | d);
        if (i < 11 && (sep_after & (1u << i))) {
            if (*p++ != sep) {
                return -EINVAL;
            }
        }
    }
    if (*p) {
        return -EINVAL;
    }
    *ret = m;
    return 0;
}

int
mac_parse(const char *s, struct mac *ret)
{
    size_t len = strlen(s);
    /* Separators after digits 1,3,5,7,9 (pairs) or 3,7 (Cisco groups of four). */
    const unsigned int pairs = (1u << 1) | (1u << 3) | (1u << 5) | (1u << 7) | (1u << 9);
    const unsigned int quads = (1u << 3) | (1u << 7);

    if (len == 17 && s[2] == ':') {
        return mac_parse_digits(s, ':', pairs, ret);
    }
    if (len == 17 && s[2] == '-') {
        return mac_parse_digits(s, '-', pairs, ret);
    }
    if (len == 14) {
        return mac_parse_digits(s, '.', quads, ret);
    }
    if (len == 12) {
        return mac_parse_digits(s, 0, 0, ret);
    }
    return -EINVAL;
}

void
mac_format(const struct mac *m, char out[MAC_STRLEN])
{
    snprintf(out, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", m->b[0], m->b[1], m->b[2],
             m->b[3], m->b[4], m->b[5]);
}

bool
mac_is_reserved(const struct mac *m)
{
    static const uint8_t zero[6] = { 0 };
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

    return !memcmp(m->b, zero, 6) || !memcmp(m->b, bcast, 6);
}

void
mac_generate(const struct mac *base, struct mac *ret)
{
    struct mac m = *base;
    int keep = base->b[3] ? 4 : 3;

    random_bytes(m.b + keep, (size_t) (6 - keep));
    *ret = m;
}
