/* The ML2 manager (see ml2.h): configuration parsing for every type, the type-driver
 * table, and the choice of a new network's segment. */
#include "ml2.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "store/store.h"
#include "type.h"
#include "util.h"

static const struct type_driver *const all_types[] = {
    &type_local, &type_flat, &type_vlan, &type_vxlan, &type_gre, &type_geneve,
};

struct ml2 {
    struct ml2_types_config types;
    const struct type_driver *loaded[ARRAY_SIZE(all_types)];    /* type_drivers */
    size_t n_loaded;
    const struct type_driver *tenant[ARRAY_SIZE(all_types)];    /* tenant_network_types */
    size_t n_tenant;
    const struct type_driver *external;                         /* or NULL */
};

/* Splits a comma-separated list, trimming blanks and dropping empty items.
 * Returns the number of items; '*ret' is an array of owned strings. */
static size_t
split_list(const char *s, char ***ret)
{
    char **items = NULL;
    size_t n = 0;

    while (s && *s) {
        size_t len = strcspn(s, ",");
        const char *b = s, *e = s + len;

        while (b < e && (*b == ' ' || *b == '\t')) {
            b++;
        }
        while (e > b && (e[-1] == ' ' || e[-1] == '\t')) {
            e--;
        }
        if (e > b) {
            items = xrealloc(items, (n + 1) * sizeof *items);
            items[n++] = xstrndup(b, (size_t) (e - b));
        }
        s += len + (s[len] == ',');
    }
    *ret = items;
    return n;
}

static void
free_list(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(items[i]);
    }
    free(items);
}

/* Parses a decimal id within [lo, hi]. */
static int
parse_id(const char *s, int64_t lo, int64_t hi, int64_t *ret)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi) {
        return -EINVAL;
    }
    *ret = v;
    return 0;
}

/* Parses "min:max" into 'r' within [lo, hi]. */
static int
parse_range(const char *s, int64_t lo, int64_t hi, struct id_range *r)
{
    const char *colon = strchr(s, ':');
    char *first;
    int ret;

    if (!colon || strchr(colon + 1, ':')) {
        return -EINVAL;
    }
    first = xstrndup(s, (size_t) (colon - s));
    ret = parse_id(first, lo, hi, &r->lo);
    free(first);
    if (!ret) {
        ret = parse_id(colon + 1, lo, hi, &r->hi);
    }
    return ret || r->lo > r->hi ? -EINVAL : 0;
}

static int
parse_tunnel_ranges(const char *option, const char *value, int64_t max, struct id_range **ret,
                    size_t *ret_n, struct buf *error)
{
    char **items;
    size_t n = split_list(value, &items);
    struct id_range *ranges = xcalloc(n, sizeof *ranges);

    for (size_t i = 0; i < n; i++) {
        if (parse_range(items[i], 1, max, &ranges[i])) {
            buf_printf(error, "%s: invalid range '%s' (expected min:max within 1-%lld)", option,
                       items[i], (long long) max);
            free(ranges);
            free_list(items, n);
            return -EINVAL;
        }
    }
    free_list(items, n);
    *ret = ranges;
    *ret_n = n;
    return 0;
}

static struct vlan_physnet *
vlan_physnet_get(struct ml2_types_config *t, const char *name)
{
    for (size_t i = 0; i < t->n_vlan_physnets; i++) {
        if (STREQ(t->vlan_physnets[i].name, name)) {
            return &t->vlan_physnets[i];
        }
    }
    t->vlan_physnets = xrealloc(t->vlan_physnets,
                                (t->n_vlan_physnets + 1) * sizeof *t->vlan_physnets);
    struct vlan_physnet *p = &t->vlan_physnets[t->n_vlan_physnets++];
    p->name = xstrdup(name);
    p->ranges = NULL;
    p->n_ranges = 0;
    return p;
}

/* network_vlan_ranges = physnet[:min:max],...  A physnet without a range offers the
 * whole 1-4094 span to tenants (Zed's behaviour). */
static int
parse_vlan_ranges(struct ml2_types_config *t, const char *value, struct buf *error)
{
    char **items;
    size_t n = split_list(value, &items);
    int r = 0;

    for (size_t i = 0; i < n && !r; i++) {
        char *colon = strchr(items[i], ':');
        struct vlan_physnet *p;
        struct id_range range = { 1, 4094 };

        if (colon) {
            *colon = '\0';
            if (parse_range(colon + 1, 1, 4094, &range)) {
                buf_printf(error, "[ml2_type_vlan] network_vlan_ranges: invalid range '%s'"
                           " for physical network %s (expected min:max within 1-4094)",
                           colon + 1, items[i]);
                r = -EINVAL;
                break;
            }
        }
        if (!*items[i]) {
            buf_printf(error, "[ml2_type_vlan] network_vlan_ranges: empty physical network");
            r = -EINVAL;
            break;
        }
        p = vlan_physnet_get(t, items[i]);
        p->ranges = xrealloc(p->ranges, (p->n_ranges + 1) * sizeof *p->ranges);
        p->ranges[p->n_ranges++] = range;
    }
    free_list(items, n);
    return r;
}

static int
parse_physnet_mtus(struct ml2_types_config *t, const char *value, struct buf *error)
{
    char **items;
    size_t n = split_list(value, &items);

    t->physnet_mtu_names = xcalloc(n, sizeof *t->physnet_mtu_names);
    t->physnet_mtus = xcalloc(n, sizeof *t->physnet_mtus);
    for (size_t i = 0; i < n; i++) {
        char *colon = strchr(items[i], ':');
        int64_t mtu;

        if (!colon || parse_id(colon + 1, 68, 65535, &mtu)) {
            buf_printf(error, "[ml2] physical_network_mtus: invalid entry '%s'"
                       " (expected physnet:mtu)", items[i]);
            free_list(items, n);
            return -EINVAL;
        }
        t->physnet_mtu_names[i] = xstrndup(items[i], (size_t) (colon - items[i]));
        t->physnet_mtus[i] = (int) mtu;
        t->n_physnet_mtus = i + 1;
    }
    free_list(items, n);
    return 0;
}

static const struct type_driver *
find_driver(const struct type_driver *const *drivers, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (STREQ(drivers[i]->name, name)) {
            return drivers[i];
        }
    }
    return NULL;
}

static int
ml2_load_types(struct ml2 *m, const struct server_config *cfg, struct buf *error)
{
    char **items;
    size_t n = split_list(cfg->type_drivers, &items);
    int r = 0;

    for (size_t i = 0; i < n && !r; i++) {
        const struct type_driver *d = find_driver(all_types, ARRAY_SIZE(all_types), items[i]);
        if (!d) {
            buf_printf(error, "[ml2] type_drivers: unknown network type '%s'", items[i]);
            r = -EINVAL;
        } else if (!find_driver(m->loaded, m->n_loaded, d->name)) {
            m->loaded[m->n_loaded++] = d;
        }
    }
    free_list(items, n);
    if (r) {
        return r;
    }
    n = split_list(cfg->tenant_network_types, &items);
    for (size_t i = 0; i < n && !r; i++) {
        const struct type_driver *d = find_driver(m->loaded, m->n_loaded, items[i]);
        if (!d) {
            buf_printf(error, "[ml2] tenant_network_types: no type driver for tenant"
                       " network_type '%s'", items[i]);
            r = -EINVAL;
        } else if (m->n_tenant < ARRAY_SIZE(m->tenant)) {
            m->tenant[m->n_tenant++] = d;
        }
    }
    free_list(items, n);
    if (!r && cfg->external_network_type && *cfg->external_network_type) {
        m->external = find_driver(m->loaded, m->n_loaded, cfg->external_network_type);
        if (!m->external) {
            buf_printf(error, "[ml2] external_network_type: network type '%s' is not loaded",
                       cfg->external_network_type);
            r = -EINVAL;
        }
    }
    return r;
}

int
ml2_create(const struct server_config *cfg, struct ml2 **ret, struct buf *error)
{
    struct ml2 *m = xcalloc(1, sizeof *m);
    struct ml2_types_config *t = &m->types;
    int r;

    t->global_physnet_mtu = cfg->global_physnet_mtu;
    t->path_mtu = cfg->path_mtu;
    t->overlay_ip_version = cfg->overlay_ip_version;
    if (STREQ(cfg->flat_networks, "*")) {
        t->flat_any = true;
    } else {
        t->n_flat_networks = split_list(cfg->flat_networks, &t->flat_networks);
        for (size_t i = 0; i < t->n_flat_networks; i++) {
            t->flat_any = t->flat_any || STREQ(t->flat_networks[i], "*");
        }
    }
    r = ml2_load_types(m, cfg, error);
    if (!r) {
        r = parse_vlan_ranges(t, cfg->network_vlan_ranges, error);
    }
    if (!r) {
        r = parse_tunnel_ranges("[ml2_type_vxlan] vni_ranges", cfg->vni_ranges, 16777215,
                                &t->vni_ranges, &t->n_vni_ranges, error);
    }
    if (!r) {
        r = parse_tunnel_ranges("[ml2_type_gre] tunnel_id_ranges", cfg->tunnel_id_ranges,
                                4294967295LL, &t->gre_ranges, &t->n_gre_ranges, error);
    }
    if (!r) {
        r = parse_physnet_mtus(t, cfg->physical_network_mtus, error);
    }
    if (r) {
        ml2_destroy(m);
        return r;
    }
    *ret = m;
    return 0;
}

void
ml2_destroy(struct ml2 *m)
{
    struct ml2_types_config *t;

    if (!m) {
        return;
    }
    t = &m->types;
    free_list(t->flat_networks, t->n_flat_networks);
    for (size_t i = 0; i < t->n_vlan_physnets; i++) {
        free(t->vlan_physnets[i].name);
        free(t->vlan_physnets[i].ranges);
    }
    free(t->vlan_physnets);
    free(t->vni_ranges);
    free(t->gre_ranges);
    free_list(t->physnet_mtu_names, t->n_physnet_mtus);
    free(t->physnet_mtus);
    free(m);
}

int
ml2_physnet_mtu(const struct ml2_types_config *cfg, const char *physnet)
{
    int mtu = cfg->global_physnet_mtu;

    for (size_t i = 0; i < cfg->n_physnet_mtus; i++) {
        if (STREQ(cfg->physnet_mtu_names[i], physnet) && cfg->physnet_mtus[i] < mtu) {
            mtu = cfg->physnet_mtus[i];
        }
    }
    return mtu;
}

int
ml2_segment_physnet_mtu(const struct ml2_types_config *cfg, const struct segment *seg)
{
    return ml2_physnet_mtu(cfg, seg->physical_network);
}

int
ml2_segment_release_stored(const struct ml2_types_config *cfg, struct store_conn *c,
                           const struct segment *seg)
{
    return store_segment_release(c, seg);
}

void
ml2_segment_init(struct segment *seg, const char *type, const char *physnet, int64_t id)
{
    memset(seg, 0, sizeof *seg);
    snprintf(seg->network_type, sizeof seg->network_type, "%s", type);
    snprintf(seg->physical_network, sizeof seg->physical_network, "%s", physnet);
    seg->segmentation_id = id;
}

int
ml2_segment_store(struct store_conn *c, const struct segment *seg, const char *network_id,
                  struct segment *ret)
{
    int r = store_segment_reserve(c, seg, network_id);

    if (!r) {
        *ret = *seg;
    }
    return r;
}

int
ml2_segment_reserve(struct store_conn *c, const struct segment *seg, const char *network_id,
                    struct segment *ret, ml2_segment_in_use_fn *in_use, struct api_error *err)
{
    int r = ml2_segment_store(c, seg, network_id, ret);

    if (r == -EEXIST) {
        return in_use(seg, err);
    }
    return r ? api_error_internal(err, r) : 0;
}

int
ml2_no_free_segment(int r, struct api_error *err)
{
    if (r == -ENOSPC) {
        return api_error_set(err, API_ERR_NO_NETWORK_AVAILABLE,
                        "Unable to create the network. No tenant network is available for"
                        " allocation.");
    }
    return api_error_internal(err, r);
}

int
ml2_pick_free_id(struct store_conn *c, const char *type, const char *physnet,
                 const struct id_range *ranges, size_t n, int64_t *ret)
{
    uint64_t total = 0, pick;

    for (size_t i = 0; i < n; i++) {
        total += (uint64_t) (ranges[i].hi - ranges[i].lo + 1);
    }
    if (total == 0) {
        return -ENOSPC;
    }
    /* A random start, then ranges in order from there (wrapping), as Neutron's choice
     * among free ids is random: concurrent servers rarely collide. */
    pick = random_below(total);
    size_t start = 0;
    while (pick >= (uint64_t) (ranges[start].hi - ranges[start].lo + 1)) {
        pick -= (uint64_t) (ranges[start].hi - ranges[start].lo + 1);
        start++;
    }
    for (size_t k = 0; k <= n; k++) {
        size_t i = (start + k) % n;
        int64_t from = k == 0 ? ranges[i].lo + (int64_t) pick : ranges[i].lo;
        int64_t to = ranges[i].hi;
        int r;

        if (k == n) {
            /* Back at the first range: the part below the random start. */
            if (pick == 0) {
                break;
            }
            from = ranges[i].lo;
            to = ranges[i].lo + (int64_t) pick - 1;
        }
        r = store_segment_find_free(c, type, physnet, from, to, from, ret);
        if (r != -ENOSPC) {
            return r;
        }
    }
    return -ENOSPC;
}

/* Fills a provider request's type-specific checks: a type is required, and known. */
static const struct type_driver *
ml2_provider_driver(const struct ml2 *m, const struct provider_request *req,
                    struct api_error *err)
{
    const struct type_driver *d;

    if (!req->network_type || !*req->network_type) {
        api_error_invalid(err, "network_type required");
        return NULL;
    }
    d = find_driver(m->loaded, m->n_loaded, req->network_type);
    if (!d) {
        api_error_invalid(err, "network_type value '%s' not supported", req->network_type);
        return NULL;
    }
    return d;
}

int
ml2_segment_create(struct ml2 *m, struct store_conn *c, const struct provider_request *req,
                   bool external, const char *network_id, struct segment *ret,
                   struct api_error *err)
{
    const struct type_driver *const *order = m->tenant;
    size_t n = m->n_tenant;

    if (req->has_type || req->has_physnet || req->has_segid) {
        const struct type_driver *d = ml2_provider_driver(m, req, err);
        if (!d || d->validate(&m->types, req, err)) {
            return -1;
        }
        return d->reserve(&m->types, c, req, network_id, ret, err);
    }
    if (external && m->external) {
        order = &m->external;
        n = 1;
    }
    /* Tenant types in order: the first with a free segment gives it. */
    int r = -ENOSPC;
    for (size_t i = 0; i < n && r == -ENOSPC; i++) {
        r = order[i]->allocate(&m->types, c, network_id, ret);
    }
    return r ? ml2_no_free_segment(r, err) : 0;
}

/* Whether 'req' leaves its id for ML2 to choose (Neutron's is_partial_segment: the
 * types with ids, given none).  Partial segments may repeat in one request. */
static bool
segment_request_partial(const struct provider_request *req)
{
    bool has_ids = !STREQ(req->network_type, "flat") && !STREQ(req->network_type, "local");

    return has_ids && (!req->has_segid || req->segid_null);
}

/* Whether 'a' and 'b' ask for the same segment: the same three values. */
static bool
segment_requests_equal(const struct provider_request *a, const struct provider_request *b)
{
    bool a_id = a->has_segid && !a->segid_null, b_id = b->has_segid && !b->segid_null;

    return STREQ(a->network_type, b->network_type)
           && STREQ(a->physical_network ? a->physical_network : "\x01",
                    b->physical_network ? b->physical_network : "\x01")
           && a_id == b_id && (!a_id || a->segmentation_id == b->segmentation_id);
}

/* Refuses a request naming one fully given segment twice. */
static int
check_duplicate_requests(const struct provider_request *reqs, size_t n, struct api_error *err)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i && !segment_request_partial(&reqs[i]); j++) {
            if (!segment_request_partial(&reqs[j]) && segment_requests_equal(&reqs[i], &reqs[j])) {
                return api_error_set(err, API_ERR_SEGMENTS_DUPLICATE,
                                     "Duplicate segment entry in request.");
            }
        }
    }
    return 0;
}

/* A network holds at most one segment per (type, physnet) where the type has physnets
 * (Neutron's unique key on its segments; no physnet never clashes). */
static int
check_physnet_taken(const struct segment *segs, size_t i, struct api_error *err)
{
    if (!segs[i].physical_network[0]) {
        return 0;
    }
    for (size_t j = 0; j < i; j++) {
        if (STREQ(segs[j].network_type, segs[i].network_type)
            && STREQ(segs[j].physical_network, segs[i].physical_network)) {
            return api_error_set(err, API_ERR_DUPLICATE_NETWORK_SEGMENT,
                                 "Failed to create a duplicate NetworkSegment: for"
                                 " attribute(s) ['network_id', 'network_type',"
                                 " 'physical_network'] with value(s) None");
        }
    }
    return 0;
}

int
ml2_segments_create(struct ml2 *m, struct store_conn *c, const struct provider_request *reqs,
                    size_t n, const char *network_id, struct segment *ret,
                    struct api_error *err)
{
    const struct type_driver **drivers = xcalloc(n ? n : 1, sizeof *drivers);
    int r = 0;

    /* As ML2: every segment is checked, then duplicates, then each is reserved. */
    for (size_t i = 0; i < n && !r; i++) {
        drivers[i] = ml2_provider_driver(m, &reqs[i], err);
        r = !drivers[i] || drivers[i]->validate(&m->types, &reqs[i], err) ? -1 : 0;
    }
    r = r ? r : check_duplicate_requests(reqs, n, err);
    for (size_t i = 0; i < n && !r; i++) {
        r = drivers[i]->reserve(&m->types, c, &reqs[i], network_id, &ret[i], err)
            || check_physnet_taken(ret, i, err) ? -1 : 0;
    }
    free(drivers);
    return r;
}

int
ml2_segment_release(struct ml2 *m, struct store_conn *c, const struct segment *seg)
{
    const struct type_driver *d = find_driver(all_types, ARRAY_SIZE(all_types),
                                              seg->network_type);

    return d ? d->release(&m->types, c, seg) : 0;
}

int
ml2_segment_update(struct ml2 *m, struct store_conn *c, const struct provider_request *req,
                   bool has_bound_ports, const char *network_id, struct segment *seg,
                   struct api_error *err)
{
    struct buf changed = BUF_INITIALIZER;
    struct provider_request next;
    struct segment fresh;
    const struct type_driver *d;
    int r;

    if (req->has_type && !(req->network_type && STREQ(req->network_type, seg->network_type))) {
        buf_add_str(&changed, "provider:network_type");
    }
    if (req->has_physnet
        && !STREQ(req->physical_network ? req->physical_network : "", seg->physical_network)) {
        buf_printf(&changed, "%sprovider:physical_network", changed.len ? ", " : "");
    }
    if (changed.len) {
        api_error_invalid(err, "Plugin does not support updating the following provider network"
                    " attributes: %s", buf_cstr(&changed));
        buf_done(&changed);
        return -1;
    }
    buf_done(&changed);
    if (!req->has_segid
        || (req->segid_null ? seg->segmentation_id == SEGMENTATION_ID_NONE
                            : req->segmentation_id == seg->segmentation_id)) {
        return 0;
    }
    if (!STREQ(seg->network_type, "vlan")) {
        return api_error_invalid(err, "Only VLAN type networks can be updated.");
    }
    if (has_bound_ports) {
        return api_error_invalid(err, "Provider network attribute provider:segmentation_id cannot"
                           " be updated if any port in the network has not the following"
                           " binding:vif_type: unbound, binding_failed");
    }
    next = (struct provider_request) {
        .has_type = true, .network_type = "vlan",
        .has_physnet = true, .physical_network = seg->physical_network,
        .has_segid = true, .segid_null = req->segid_null,
        .segmentation_id = req->segmentation_id,
    };
    d = &type_vlan;
    if (d->validate(&m->types, &next, err)) {
        return -1;
    }
    r = d->reserve(&m->types, c, &next, network_id, &fresh, err);
    if (r) {
        return r;
    }
    r = d->release(&m->types, c, seg);
    if (r) {
        return api_error_internal(err, r);
    }
    *seg = fresh;
    return 0;
}

int
ml2_max_mtu(const struct ml2 *m, const struct segment *seg)
{
    const struct type_driver *d = find_driver(all_types, ARRAY_SIZE(all_types),
                                              seg->network_type);

    return d ? d->max_mtu(&m->types, seg) : m->types.global_physnet_mtu;
}
