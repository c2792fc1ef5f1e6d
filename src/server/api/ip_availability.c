/* Network IP availability (docs/behaviour/api.md §12, admin only): per network and
 * subnet, how many addresses the allocation pools hold (total_ips) and how many are
 * allocated to ports (used_ips, including addresses outside the pools).  IPv6 totals
 * can exceed 64 bits and are printed from 128-bit sums. */
#include "ip_availability.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "request.h"
#include "ipam.h"
#include "store/store.h"
#include "util.h"

static const char *const ip_versions[] = { "4", "6", NULL };

static const struct attr_def availability_attrs[] = {
    { "network_id", AK_ANY, false, false, .filter = true, .field = SF_ID },
    { "network_name", AK_ANY, false, false, .filter = true, .field = SF_NAME },
    { "tenant_id", AK_ANY, false, false, .filter = true, .field = SF_PROJECT_ID },
    { "project_id", AK_ANY, false, false, .filter = true, .field = SF_PROJECT_ID },
    { "ip_version", AK_INT, false, false, .values = ip_versions, .filter = true,
      .field = SF_IP_VERSION, .field_kind = SV_INT },
};

static const struct resource_def availability_def = {
    .singular = "network_ip_availability",
    .plural = "network_ip_availabilities",
    .title = "Network",
    .not_found = API_ERR_NETWORK_NOT_FOUND,
    .attrs = availability_attrs,
    .n_attrs = ARRAY_SIZE(availability_attrs),
};

struct availability_walk {
    struct request *req;
    struct store_conn *c;
    struct jsonw *w;
    int ip_version;     /* 0: both families. */
    int error;
};

static void
write_u128(struct jsonw *w, const char *key, u128 v)
{
    char text[40];

    u128_format(v, text);
    jsonw_key(w, key);
    jsonw_raw(w, text);
}

static int
availability_render(const struct network *n, void *aux)
{
    struct availability_walk *walk = aux;
    struct subnet *subnets = NULL;
    size_t n_subnets = 0;
    u128 net_total = 0, net_used = 0;
    struct jsonw *w = walk->w;
    int r = store_subnets_of_network(walk->c, n->std.id, &subnets, &n_subnets);

    if (r) {
        walk->error = r;
        return r;
    }
    jsonw_object_begin(w);
    jsonw_key(w, "network_id");
    jsonw_string(w, n->std.id);
    jsonw_key(w, "network_name");
    jsonw_string(w, n->std.name);
    jsonw_key(w, "tenant_id");
    jsonw_string(w, n->std.project_id);
    jsonw_key(w, "project_id");
    jsonw_string(w, n->std.project_id);
    jsonw_key(w, "subnet_ip_availability");
    jsonw_array_begin(w);
    for (size_t i = 0; i < n_subnets; i++) {
        const struct subnet *s = &subnets[i];
        struct ipam_pool *pools = NULL;
        size_t n_pools = 0;
        int64_t used = 0;
        u128 total = 0;

        if ((walk->ip_version && s->ip_version != walk->ip_version) || r) {
            continue;
        }
        r = store_alloc_count(walk->c, s->std.id, &used);
        if (!r && ipam_pools_from_json(s->allocation_pools_json, s->ip_version, &pools,
                                       &n_pools)) {
            r = -EIO;
        }
        for (size_t k = 0; k < n_pools; k++) {
            total += pools[k].last - pools[k].first + 1;
        }
        free(pools);
        net_total += total;
        net_used += (u128) used;
        jsonw_object_begin(w);
        jsonw_key(w, "subnet_id");
        jsonw_string(w, s->std.id);
        jsonw_key(w, "subnet_name");
        jsonw_string(w, s->std.name);
        jsonw_key(w, "ip_version");
        jsonw_int(w, s->ip_version);
        jsonw_key(w, "cidr");
        jsonw_string(w, s->cidr);
        write_u128(w, "used_ips", (u128) used);
        write_u128(w, "total_ips", total);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
    write_u128(w, "used_ips", net_used);
    write_u128(w, "total_ips", net_total);
    jsonw_object_end(w);
    for (size_t i = 0; i < n_subnets; i++) {
        subnet_done(&subnets[i]);
    }
    free(subnets);
    walk->error = r;
    return r;
}

/* Splits the ip_version filter off the query: it selects subnets, not networks. */
static int
take_ip_version(struct list_request *lr)
{
    for (size_t i = 0; i < lr->q.n_filters; i++) {
        if (lr->q.filters[i].field == SF_IP_VERSION) {
            int v = lr->q.filters[i].n_values ? atoi(lr->q.filters[i].values[0]) : 0;
            lr->q.filters[i] = lr->q.filters[--lr->q.n_filters];
            return v;
        }
    }
    return 0;
}

int
ip_availabilities_list(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct list_request lr;
    struct jsonw w;
    int r = 0;

    if (!c || listing_parse(req, &availability_def, &lr)) {
        return -1;
    }
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "network_ip_availabilities");
    jsonw_array_begin(&w);
    if (req->ctx.is_admin) {
        struct availability_walk walk = { req, c, &w, take_ip_version(&lr), 0 };
        r = store_network_foreach(c, &lr.q, availability_render, &walk);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    listing_done(&lr);
    return r ? api_fail_internal(req, r) : 0;
}

int
ip_availability_show(struct request *req, char *const args[])
{
    struct store_conn *c = request_conn(req);
    struct network n;
    struct jsonw w;
    int r;

    if (!c) {
        return -1;
    }
    r = req->ctx.is_admin ? store_network_get(c, args[0], NULL, &n) : -ENOENT;
    if (r) {
        return r == -ENOENT ? api_fail(req, API_ERR_NETWORK_NOT_FOUND,
                                       "Network %s could not be found.", args[0])
                            : api_fail_internal(req, r);
    }
    api_begin(req, 200, &w);
    jsonw_object_begin(&w);
    jsonw_key(&w, "network_ip_availability");
    struct availability_walk walk = { req, c, &w, 0, 0 };
    r = availability_render(&n, &walk);
    jsonw_object_end(&w);
    network_done(&n);
    return r ? api_fail_internal(req, r) : 0;
}
