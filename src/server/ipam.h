/* IP address management for subnets: allocation-pool arithmetic and checks (pure,
 * unit-tested), and address allocation/release over the store's free ranges.
 *
 * Addresses are handed out lowest-free-first by default (the tutorial's .2, .3, .4
 * order); "[ipam] allocation_order = random" picks like Neutron Zed, at random among
 * the first 1,000 free addresses of the first pool with room.  DHCP ports always take
 * the lowest free address (Zed's prefer-next). */
#ifndef NEUTRINO_IPAM_H
#define NEUTRINO_IPAM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "ip.h"
#include "mac.h"
#include "model.h"

struct store_conn;

struct ipam_pool {
    u128 first, last;
};

/* The addresses of 'c' that pools may cover: IPv4 network+1 .. broadcast-1 (the whole
 * CIDR for /31 and /32); IPv6 network+1 .. last. */
void ipam_usable_range(const struct cidr *c, u128 *ret_first, u128 *ret_last);

/* Default pools of 'c': the usable range with the gateway (if inside) cut out.
 * Returns the number of pools written to 'out' (0-2). */
size_t ipam_default_pools(const struct cidr *c, const struct ip_addr *gateway,
                          struct ipam_pool out[2]);

/* A pool as asked for: two address texts (already validated as addresses). */
struct pool_spec {
    const char *start, *end;
};

/* Parses pools asked for a subnet of 'family': start <= end and same family, else
 * InvalidAllocationPool.  '*ret' is an array to free(). Returns 0 or -1 with 'err'. */
int ipam_parse_pool_specs(const struct pool_spec *specs, size_t n, int family,
                          struct ipam_pool **ret, size_t *ret_n, struct api_error *err);
/* The same over a JSON array [{"start","end"}]. */
int ipam_parse_pools(const json_t *pools, int family, struct ipam_pool **ret, size_t *ret_n,
                     struct api_error *err);
/* Checks pools against their subnet: inside the usable range (OutOfBounds) and not
 * overlapping each other (OverlappingAllocationPools). 0 or -1 with 'err'. */
int ipam_check_pools(const struct cidr *c, const struct ipam_pool *pools, size_t n,
                     struct api_error *err);
/* Checks the gateway lies in no pool (GatewayConflictWithAllocationPools). */
int ipam_check_gateway(const struct ip_addr *gateway, const struct ipam_pool *pools, size_t n,
                       struct api_error *err);
/* Renders pools as the JSON text stored with the subnet. Returns an owned string. */
char *ipam_pools_to_json(int family, const struct ipam_pool *pools, size_t n);
/* Reads a subnet's stored pools back. Returns 0 or -EINVAL. */
int ipam_pools_from_json(const char *json, int family, struct ipam_pool **ret, size_t *ret_n);

/* The EUI-64 address of MAC 'm' in the /64 'prefix'. */
void ipam_eui64(const struct cidr *prefix, const struct mac *m, struct ip_addr *ret);

/* True if 'a' is usable on 'c' as a port address: inside, and (IPv4 prefix <= 30)
 * neither the network nor the broadcast address. */
bool ipam_address_valid(const struct cidr *c, const struct ip_addr *a);

/* Index of the pool containing 'v', or -1. */
int ipam_pool_index(const struct ipam_pool *pools, size_t n, u128 v);

/* Subnet free-range bookkeeping in the store. */
/* Sets a subnet's free ranges to its pools minus the addresses already allocated. */
int ipam_rebuild_ranges(struct store_conn *c, const char *subnet_id, int family,
                        const struct ipam_pool *pools, size_t n);
/* Takes any free address of 'subnet' (lowest, or random if 'random'). -ENOSPC if full. */
int ipam_take_any(struct store_conn *c, const struct subnet *s, bool random,
                  struct ip_addr *ret);
/* Takes the specific address 'a' of 'subnet' (inside or outside its pools) for a port.
 * -EEXIST if another port holds it. */
int ipam_take_address(struct store_conn *c, const struct subnet *s, const struct ip_addr *a);
/* Releases 'a' of 'subnet' (allocation row and free range). */
int ipam_release(struct store_conn *c, const struct subnet *s, const struct ip_addr *a);

/* Port addresses: the allocation row and the free range taken together. */
/* Gives port 'p' an address of 's' chosen here: the lowest free one, or a random one
 * when 'random' ([ipam] allocation_order) — but DHCP ports always the lowest.
 * -ENOSPC when 's' is full. */
int ipam_allocate_any(struct store_conn *c, const struct subnet *s, const struct port *p,
                      bool random);
/* Gives port 'p' the address 'a' of 's'; -EEXIST if another port holds it. */
int ipam_allocate(struct store_conn *c, const struct subnet *s, const struct port *p,
                  const struct ip_addr *a);
/* Gives port 'p' its EUI-64 address on the automatic-address subnet 's' ('*ret': the
 * address, also when another port holds it: -EEXIST). */
int ipam_allocate_eui64(struct store_conn *c, const struct subnet *s, const struct port *p,
                        struct ip_addr *ret);
/* True for IPv6 subnets whose ports get EUI-64 addresses (SLAAC, DHCPv6-stateless). */
bool ipam_subnet_is_auto_address(const struct subnet *s);

/* Service types (docs/behaviour/ipam.md §5.7). */
/* True if 's' names at least one service type (device owner). */
bool ipam_subnet_has_service_types(const struct subnet *s);
/* True if a port owned by 'device_owner' may take addresses of 's': 's' has no service
 * types, or names 'device_owner', or 'device_owner' is network:dhcp and 's' serves
 * DHCP. */
bool ipam_subnet_serves(const struct subnet *s, const char *device_owner);
/* True if the JSON array of strings 'json', in byte order, repeats an item. */
bool ipam_service_types_repeat(const char *json);

#endif
