/* libFuzzer target: address, CIDR and MAC parsers, with format/parse round trips. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ip.h"
#include "mac.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = xstrndup((const char *) data, size);
    struct ip_addr a, b;
    struct cidr c, d;
    struct mac m, n;
    char text[CIDR_STRLEN], key[IP_KEYLEN];
    u128 v;

    if (ip_parse(s, &a) == 0) {
        ip_format(&a, text);
        if (ip_parse(text, &b) || !ip_equal(&a, &b)) {
            abort();
        }
        ip_key_format(a.family, a.v, key);
        if (ip_key_parse(key, &v) || v != a.v) {
            abort();
        }
    }
    if (cidr_parse(s, &c) == 0) {
        cidr_format(&c, text);
        if (cidr_parse(text, &d) || !ip_equal(&c.addr, &d.addr) || c.prefix != d.prefix
            || cidr_first(&c) > cidr_last(&c)) {
            abort();
        }
    }
    if (mac_parse(s, &m) == 0) {
        mac_format(&m, text);
        if (mac_parse(text, &n) || memcmp(&m, &n, sizeof m)) {
            abort();
        }
    }
    free(s);
    return 0;
}
