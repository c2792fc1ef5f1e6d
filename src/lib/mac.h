/* Ethernet MAC addresses: parsing the forms clients send, canonical formatting
 * (lower-case "xx:xx:xx:xx:xx:xx"), and generation from a Neutron-style base_mac. */
#ifndef NEUTRINO_MAC_H
#define NEUTRINO_MAC_H

#include <stdbool.h>
#include <stdint.h>

#define MAC_STRLEN 18

struct mac {
    uint8_t b[6];
};

/* Parses "aa:bb:cc:dd:ee:ff", "aa-bb-cc-dd-ee-ff", "aabb.ccdd.eeff" or "aabbccddeeff"
 * (any case). Returns 0 or -EINVAL. */
int mac_parse(const char *s, struct mac *ret);
void mac_format(const struct mac *m, char out[MAC_STRLEN]);
/* True for addresses Neutron refuses on a port: all zeros and broadcast. */
bool mac_is_reserved(const struct mac *m);
/* Builds a random MAC from 'base': the first three octets are kept, the fourth too
 * unless it is zero; the rest are random. */
void mac_generate(const struct mac *base, struct mac *ret);

#endif
