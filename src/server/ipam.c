/* Subnet address management (see ipam.h). */
#include "ipam.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "store/store.h"
#include "util.h"

/* Zed's window for a random choice: the first 1,000 free addresses. */
#define IPAM_RANDOM_WINDOW 1000

void
ipam_usable_range(const struct cidr *c, u128 *ret_first, u128 *ret_last)
{
    u128 first = cidr_first(c), last = cidr_last(c);

    if (c->addr.family == 4) {
        if (c->prefix <= 30) {
            first++;
            last--;
        }
    } else if (c->prefix < 128) {
        first++;
    }
    *ret_first = first;
    *ret_last = last;
}

size_t
ipam_default_pools(const struct cidr *c, const struct ip_addr *gateway,
                   struct ipam_pool out[2])
{
    u128 first, last;
    size_t n = 0;

    ipam_usable_range(c, &first, &last);
    if (!gateway || gateway->family != c->addr.family || gateway->v < first
        || gateway->v > last) {
        out[0] = (struct ipam_pool) { first, last };
        return 1;
    }
    if (gateway->v > first) {
        out[n++] = (struct ipam_pool) { first, gateway->v - 1 };
    }
    if (gateway->v < last) {
        out[n++] = (struct ipam_pool) { gateway->v + 1, last };
    }
    return n;
}

static void
format_value(int family, u128 v, char out[IP_STRLEN])
{
    struct ip_addr a = { family, v };

    ip_format(&a, out);
}

int
ipam_parse_pool_specs(const struct pool_spec *specs, size_t n, int family,
                      struct ipam_pool **ret, size_t *ret_n, struct api_error *err)
{
    struct ipam_pool *out = xcalloc(n ? n : 1, sizeof *out);

    for (size_t i = 0; i < n; i++) {
        const char *start = specs[i].start, *end = specs[i].end;
        struct ip_addr a, b;

        if (!start || !end || ip_parse(start, &a) || ip_parse(end, &b) || a.family != family
            || b.family != family || a.v > b.v) {
            api_error_set(err, API_ERR_INVALID_ALLOCATION_POOL,
                          "The allocation pool {'start': '%s', 'end': '%s'} is not valid.",
                          start ? start : "", end ? end : "");
            free(out);
            return -1;
        }
        out[i] = (struct ipam_pool) { a.v, b.v };
    }
    *ret = out;
    *ret_n = n;
    return 0;
}

int
ipam_parse_pools(const json_t *pools, int family, struct ipam_pool **ret, size_t *ret_n,
                 struct api_error *err)
{
    size_t n = json_array_size(pools), i;
    struct pool_spec *specs = xcalloc(n ? n : 1, sizeof *specs);
    json_t *item;
    int r;

    json_array_foreach (pools, i, item) {
        specs[i].start = json_string_value(json_object_get(item, "start"));
        specs[i].end = json_string_value(json_object_get(item, "end"));
    }
    r = ipam_parse_pool_specs(specs, n, family, ret, ret_n, err);
    free(specs);
    return r;
}

int
ipam_check_pools(const struct cidr *c, const struct ipam_pool *pools, size_t n,
                 struct api_error *err)
{
    u128 first, last;
    char a[IP_STRLEN], b[IP_STRLEN], x[IP_STRLEN], y[IP_STRLEN], net[CIDR_STRLEN];

    ipam_usable_range(c, &first, &last);
    cidr_format(c, net);
    for (size_t i = 0; i < n; i++) {
        if (pools[i].first < first || pools[i].last > last) {
            format_value(c->addr.family, pools[i].first, a);
            format_value(c->addr.family, pools[i].last, b);
            return api_error_set(err, API_ERR_OUT_OF_BOUNDS_ALLOCATION_POOL,
                                 "The allocation pool %s-%s spans beyond the subnet cidr %s.",
                                 a, b, net);
        }
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if (pools[i].first <= pools[j].last && pools[j].first <= pools[i].last) {
                format_value(c->addr.family, pools[i].first, a);
                format_value(c->addr.family, pools[i].last, b);
                format_value(c->addr.family, pools[j].first, x);
                format_value(c->addr.family, pools[j].last, y);
                return api_error_set(err, API_ERR_OVERLAPPING_ALLOCATION_POOLS,
                                     "Found overlapping allocation pools: %s-%s %s-%s for"
                                     " subnet %s.", a, b, x, y, net);
            }
        }
    }
    return 0;
}

int
ipam_check_gateway(const struct ip_addr *gateway, const struct ipam_pool *pools, size_t n,
                   struct api_error *err)
{
    char g[IP_STRLEN], a[IP_STRLEN], b[IP_STRLEN];

    if (!gateway) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (gateway->v >= pools[i].first && gateway->v <= pools[i].last) {
            ip_format(gateway, g);
            format_value(gateway->family, pools[i].first, a);
            format_value(gateway->family, pools[i].last, b);
            return api_error_set(err, API_ERR_GATEWAY_CONFLICT_WITH_ALLOCATION_POOLS,
                                 "Gateway ip %s conflicts with allocation pool %s-%s.", g, a, b);
        }
    }
    return 0;
}

char *
ipam_pools_to_json(int family, const struct ipam_pool *pools, size_t n)
{
    struct buf out = BUF_INITIALIZER;
    struct jsonw w;
    char a[IP_STRLEN];

    jsonw_init(&w, &out);
    jsonw_array_begin(&w);
    for (size_t i = 0; i < n; i++) {
        jsonw_object_begin(&w);
        jsonw_key(&w, "start");
        format_value(family, pools[i].first, a);
        jsonw_string(&w, a);
        jsonw_key(&w, "end");
        format_value(family, pools[i].last, a);
        jsonw_string(&w, a);
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    return buf_steal(&out);
}

int
ipam_pools_from_json(const char *json, int family, struct ipam_pool **ret, size_t *ret_n)
{
    struct api_error err;
    json_t *pools = json_loads(json, 0, NULL);
    int r;

    if (!json_is_array(pools)) {
        json_decref(pools);
        return -EINVAL;
    }
    r = ipam_parse_pools(pools, family, ret, ret_n, &err) ? -EINVAL : 0;
    json_decref(pools);
    return r;
}

void
ipam_eui64(const struct cidr *prefix, const struct mac *m, struct ip_addr *ret)
{
    u128 iid = 0;
    uint8_t b[8] = { (uint8_t) (m->b[0] ^ 0x02), m->b[1], m->b[2], 0xff, 0xfe,
                     m->b[3], m->b[4], m->b[5] };

    for (int i = 0; i < 8; i++) {
        iid = (iid << 8) | b[i];
    }
    ret->family = 6;
    ret->v = (cidr_first(prefix) & ~(u128) UINT64_MAX) | iid;
}

bool
ipam_address_valid(const struct cidr *c, const struct ip_addr *a)
{
    if (!cidr_contains(c, a)) {
        return false;
    }
    if (c->addr.family == 4 && c->prefix <= 30) {
        return a->v != cidr_first(c) && a->v != cidr_last(c);
    }
    return true;
}

int
ipam_pool_index(const struct ipam_pool *pools, size_t n, u128 v)
{
    for (size_t i = 0; i < n; i++) {
        if (v >= pools[i].first && v <= pools[i].last) {
            return (int) i;
        }
    }
    return -1;
}

static int
cmp_u128(const void *a, const void *b)
{
    u128 x = *(const u128 *) a, y = *(const u128 *) b;

    return x < y ? -1 : x > y;
}

int
ipam_rebuild_ranges(struct store_conn *c, const char *subnet_id, int family,
                    const struct ipam_pool *pools, size_t n)
{
    struct ip_allocation *allocs = NULL;
    struct ipam_range *ranges = NULL;
    size_t n_allocs = 0, n_ranges = 0, cap = 0;
    u128 *taken;
    int r;

    r = store_allocs_of_subnet(c, subnet_id, &allocs, &n_allocs);
    if (r) {
        return r;
    }
    taken = xcalloc(n_allocs ? n_allocs : 1, sizeof *taken);
    for (size_t i = 0; i < n_allocs; i++) {
        struct ip_addr a;
        taken[i] = ip_parse(allocs[i].ip_address, &a) ? 0 : a.v;
    }
    qsort(taken, n_allocs, sizeof *taken, cmp_u128);
    for (size_t p = 0; p < n; p++) {
        u128 cur = pools[p].first;
        bool done = false;

        for (size_t i = 0; i < n_allocs && !done; i++) {
            if (taken[i] < cur || taken[i] > pools[p].last) {
                continue;
            }
            if (taken[i] > cur) {
                if (n_ranges == cap) {
                    cap = cap ? 2 * cap : 8;
                    ranges = xrealloc(ranges, cap * sizeof *ranges);
                }
                ranges[n_ranges++] = (struct ipam_range) { (int) p, cur, taken[i] - 1 };
            }
            if (taken[i] == pools[p].last) {
                done = true;
            } else {
                cur = taken[i] + 1;
            }
        }
        if (!done) {
            if (n_ranges == cap) {
                cap = cap ? 2 * cap : 8;
                ranges = xrealloc(ranges, cap * sizeof *ranges);
            }
            ranges[n_ranges++] = (struct ipam_range) { (int) p, cur, pools[p].last };
        }
    }
    r = store_ipam_set_ranges(c, subnet_id, family, ranges, n_ranges);
    free(ranges);
    free(taken);
    free(allocs);
    return r;
}

int
ipam_take_any(struct store_conn *c, const struct subnet *s, bool random, struct ip_addr *ret)
{
    int family = s->ip_version;
    u128 v;
    int r = random ? store_ipam_take_random(c, s->std.id, family, IPAM_RANDOM_WINDOW, &v)
                   : store_ipam_take_lowest(c, s->std.id, family, &v);

    if (!r) {
        ret->family = family;
        ret->v = v;
    }
    return r;
}

int
ipam_take_address(struct store_conn *c, const struct subnet *s, const struct ip_addr *a)
{
    bool was_free;
    int r = store_ipam_take(c, s->std.id, s->ip_version, a->v, &was_free);

    (void) was_free;    /* Outside the pools is allowed; the allocation row guards. */
    return r;
}

int
ipam_release(struct store_conn *c, const struct subnet *s, const struct ip_addr *a)
{
    struct ipam_pool *pools = NULL;
    size_t n = 0;
    int r = store_alloc_delete(c, s->std.id, a);
    int index;

    if (r) {
        return r;
    }
    if (ipam_pools_from_json(s->allocation_pools_json, s->ip_version, &pools, &n)) {
        return -EIO;
    }
    index = ipam_pool_index(pools, n, a->v);
    if (index >= 0) {
        r = store_ipam_give_back(c, s->std.id, s->ip_version, index, a->v);
    }
    free(pools);
    return r;
}

int
ipam_allocate_any(struct store_conn *c, const struct subnet *s, const struct port *p,
                  bool random)
{
    /* DHCP ports always take the lowest free address (Zed's prefer-next), so a
     * network's DHCP server sits at a predictable address whatever the order. */
    bool dhcp = STREQ(p->device_owner, "network:dhcp")
                || STREQ(p->device_owner, "network:distributed");
    struct ip_addr a;
    int r = ipam_take_any(c, s, random && !dhcp, &a);

    return r ? r : store_alloc_insert(c, s->std.id, p->network_id, &a, p->std.id);
}

int
ipam_allocate(struct store_conn *c, const struct subnet *s, const struct port *p,
              const struct ip_addr *a)
{
    /* The allocation row is the guard against two holders; take the range after. */
    int r = store_alloc_insert(c, s->std.id, p->network_id, a, p->std.id);

    return r ? r : ipam_take_address(c, s, a);
}

int
ipam_allocate_eui64(struct store_conn *c, const struct subnet *s, const struct port *p,
                    struct ip_addr *ret)
{
    struct cidr prefix;
    struct mac m;

    if (cidr_parse(s->cidr, &prefix) || mac_parse(p->mac_address, &m)) {
        return -EINVAL;
    }
    ipam_eui64(&prefix, &m, ret);
    return ipam_allocate(c, s, p, ret);
}

bool
ipam_subnet_has_service_types(const struct subnet *s)
{
    const char *json = s->service_types_json;

    return json && !STREQ(json, "[]");
}

bool
ipam_subnet_serves(const struct subnet *s, const char *device_owner)
{
    json_t *types, *t;
    bool named = false;
    size_t i;

    if (!ipam_subnet_has_service_types(s)
        || (s->enable_dhcp && STREQ(device_owner, "network:dhcp"))) {
        return true;
    }
    types = json_loads(s->service_types_json, 0, NULL);
    json_array_foreach (types, i, t) {
        named = named || (json_is_string(t) && STREQ(json_string_value(t), device_owner));
    }
    json_decref(types);
    return named;
}

bool
ipam_service_types_repeat(const char *json)
{
    json_t *types = json_loads(json ? json : "[]", 0, NULL);
    bool repeat = false;

    for (size_t i = 1; i < json_array_size(types) && !repeat; i++) {
        const char *a = json_string_value(json_array_get(types, i - 1));
        const char *b = json_string_value(json_array_get(types, i));
        repeat = a && b && STREQ(a, b);
    }
    json_decref(types);
    return repeat;
}

bool
ipam_subnet_is_auto_address(const struct subnet *s)
{
    const char *mode = s->ipv6_address_mode;

    return s->ip_version == 6 && mode
           && (STREQ(mode, "slaac") || STREQ(mode, "dhcpv6-stateless"));
}
