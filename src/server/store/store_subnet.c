/* SQLite backend, part 4: subnets, their free address ranges and the addresses held
 * by ports.  A subnet's free ranges are rows (pool_index, first_key, last_key); taking
 * the lowest free address reads one row through an index, so the cost of an
 * allocation does not grow with the number of addresses already handed out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_conn.h"
#include "util.h"

LOG_MODULE("store");

/* Whether the subnet's network is shared with the viewer (?1): an access_as_shared
 * policy for '*' or the viewer's project (the network's "shared" as it sees it). */
#define SUBNET_NETWORK_SHARED                                                              \
    "EXISTS (SELECT 1 FROM rbac_policies rs WHERE rs.object_type = 'network'"             \
    " AND rs.object_id = s.network_id AND rs.action = 'access_as_shared'"                  \
    " AND rs.target_project IN ('*', ?1))"

/* A project sees its own subnets and those of networks shared with it (Neutron reads
 * a subnet's network's access_as_shared policies; access_as_external does not show a
 * network's subnets).  Read once, through rbac_policies_target. */
#define SUBNET_VISIBLE(owner, project)                                                     \
    "(s.project_id = " owner " OR s.network_id IN (SELECT rv.object_id"                    \
    " FROM rbac_policies rv WHERE rv.target_project IN ('*', " project ")"                 \
    " AND rv.object_type = 'network' AND rv.action = 'access_as_shared'))"

#define SUBNET_SELECT                                                                      \
    "SELECT " SQL_STD_COLUMNS("s") ", s.network_id, s.ip_version, s.cidr, s.gateway_ip,"   \
    " s.enable_dhcp, s.ipv6_ra_mode, s.ipv6_address_mode, s.allocation_pools,"             \
    " s.dns_nameservers, s.host_routes,"                                                   \
    " " SUBNET_NETWORK_SHARED ", s.service_types, s.subnetpool_id"                        \
    " FROM subnets s"

static const struct field_column subnet_columns[] = {
    { SF_ID, "s.id" },
    { SF_NAME, "s.name" },
    { SF_PROJECT_ID, "s.project_id" },
    { SF_DESCRIPTION, "s.description" },
    { SF_REVISION_NUMBER, "s.revision_number" },
    { SF_NETWORK_ID, "s.network_id" },
    { SF_IP_VERSION, "s.ip_version" },
    { SF_CIDR, "s.cidr" },
    { SF_GATEWAY_IP, "s.gateway_ip" },
    { SF_ENABLE_DHCP, "s.enable_dhcp" },
    { SF_IPV6_RA_MODE, "s.ipv6_ra_mode" },
    { SF_IPV6_ADDRESS_MODE, "s.ipv6_address_mode" },
    { SF_SUBNETPOOL_ID, "s.subnetpool_id" },
    { SF_SUBNET_SHARED, SUBNET_NETWORK_SHARED },
};

static const struct resource_sql subnet_sql = {
    .select = SUBNET_SELECT,
    .table = "subnets",
    .table_alias = "s",
    .visibility = SUBNET_VISIBLE("?", "?"),
    .visibility_params = 2,
    .names_viewer = true,
    .columns = subnet_columns,
    .n_columns = ARRAY_SIZE(subnet_columns),
};

static void
subnet_from_row(struct db_stmt *st, struct subnet *s, bool copy)
{
    memset(s, 0, sizeof *s);
    std_from_row(st, &s->std, copy);
    col_copy(st, STD_NCOLS, s->network_id, sizeof s->network_id);
    s->ip_version = (int) db_col_int(st, STD_NCOLS + 1);
    s->cidr = col_text(st, STD_NCOLS + 2, copy);
    s->gateway_ip = col_text(st, STD_NCOLS + 3, copy);
    s->enable_dhcp = (int) db_col_int(st, STD_NCOLS + 4);
    s->ipv6_ra_mode = col_text(st, STD_NCOLS + 5, copy);
    s->ipv6_address_mode = col_text(st, STD_NCOLS + 6, copy);
    s->allocation_pools_json = col_text(st, STD_NCOLS + 7, copy);
    s->dns_nameservers_json = col_text(st, STD_NCOLS + 8, copy);
    s->host_routes_json = col_text(st, STD_NCOLS + 9, copy);
    s->network_shared = (int) db_col_int(st, STD_NCOLS + 10);
    s->service_types_json = col_text(st, STD_NCOLS + 11, copy);
    col_copy(st, STD_NCOLS + 12, s->subnetpool_id, sizeof s->subnetpool_id);
}

static void
subnet_read(struct db_stmt *st, void *ret)
{
    subnet_from_row(st, ret, true);
}

static void
subnet_clear(void *s)
{
    subnet_done(s);
}

struct subnet_walk {
    store_subnet_cb *cb;
    void *aux;
};

static int
subnet_row(struct db_stmt *st, void *aux)
{
    struct subnet_walk *w = aux;
    struct subnet s;

    subnet_from_row(st, &s, false);
    return w->cb(&s, w->aux);
}

int
store_subnet_foreach(struct store_conn *c, const struct list_query *q, store_subnet_cb *cb,
                     void *aux)
{
    struct subnet_walk w = { cb, aux };

    return list_run(c, &subnet_sql, q, subnet_row, &w);
}

/* The cached statement for 'sql' with what an insert and an update share bound:
 * conn_stmt_std(), then ?8 to ?13. */
static struct db_stmt *
subnet_stmt(struct store_conn *c, const char *sql, const struct subnet *s)
{
    const char *const json[] = {
        s->allocation_pools_json, s->dns_nameservers_json, s->host_routes_json,
        s->service_types_json ? s->service_types_json : "[]",
    };
    struct db_stmt *st = conn_stmt_std(c, sql, &s->std);

    if (st) {
        db_bind_text(st, 8, s->gateway_ip);
        db_bind_int(st, 9, s->enable_dhcp);
        bind_texts(st, 10, json, ARRAY_SIZE(json));
    }
    return st;
}

int
store_subnet_insert(struct store_conn *c, const struct subnet *s)
{
    static const char sql[] =
        "INSERT INTO subnets (" SQL_STD_INSERT_COLUMNS ", gateway_ip, enable_dhcp,"
        " allocation_pools, dns_nameservers, host_routes, service_types, network_id,"
        " ip_version, cidr, ipv6_ra_mode, ipv6_address_mode, subnetpool_id, seq)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
        " (SELECT COALESCE(MAX(seq), 0) + 1 FROM subnets WHERE network_id = ?14))";
    struct db_stmt *st = subnet_stmt(c, sql, s);

    if (st) {
        db_bind_text(st, 14, s->network_id);
        db_bind_int(st, 15, s->ip_version);
        db_bind_text(st, 16, s->cidr);
        db_bind_text(st, 17, s->ipv6_ra_mode);
        db_bind_text(st, 18, s->ipv6_address_mode);
        db_bind_text(st, 19, *s->subnetpool_id ? s->subnetpool_id : NULL);
    }
    return conn_exec_stmt(c, st, "insert subnet");
}

int
store_subnet_update(struct store_conn *c, const struct subnet *s)
{
    static const char sql[] =
        "UPDATE subnets SET " SQL_STD_UPDATE_SET ", gateway_ip = ?8, enable_dhcp = ?9,"
        " allocation_pools = ?10, dns_nameservers = ?11, host_routes = ?12,"
        " service_types = ?13 WHERE id = ?1";

    return conn_exec_stmt(c, subnet_stmt(c, sql, s), "update subnet");
}

int
store_subnet_delete(struct store_conn *c, const char *id)
{
    static const char ranges[] = "DELETE FROM ipam_ranges WHERE subnet_id = ?";
    static const char allocs[] = "DELETE FROM ip_allocations WHERE subnet_id = ?";
    static const char tags[] = "DELETE FROM tags WHERE resource_id = ?";
    static const char sql[] = "DELETE FROM subnets WHERE id = ?";
    int r = conn_exec_stmt(c, conn_stmt_text(c, ranges, id), "delete subnet ranges");

    if (!r) {
        r = conn_exec_stmt(c, conn_stmt_text(c, allocs, id), "delete subnet allocations");
    }
    if (!r) {
        r = conn_exec_stmt(c, conn_stmt_text(c, tags, id), "delete subnet tags");
    }
    return r ? r : conn_exec_change(c, conn_stmt_text(c, sql, id), "delete subnet");
}

int
store_subnet_get(struct store_conn *c, const char *id, const char *visible_to,
                 struct subnet *ret)
{
    static const char sql[] = SUBNET_SELECT " WHERE s.id = ?2";
    static const char sql_vis[] =
        SUBNET_SELECT " WHERE s.id = ?2 AND " SUBNET_VISIBLE("?1", "?1");
    struct db_stmt *st = visible_to ? conn_stmt_text2(c, sql_vis, visible_to, id)
                                    : conn_stmt_text2(c, sql, "", id);

    return conn_read_row(c, st, subnet_read, ret, "get subnet");
}

int
store_subnets_of_network(struct store_conn *c, const char *network_id, struct subnet **ret,
                         size_t *ret_n)
{
    static const char sql[] = SUBNET_SELECT " WHERE s.network_id = ?2 ORDER BY s.seq";
    void *subnets;
    int r = conn_read_rows(c, conn_stmt_text2(c, sql, "", network_id), subnet_read,
                           sizeof **ret,
                           subnet_clear, &subnets, ret_n, "subnets of network");

    if (!r) {
        *ret = subnets;
    }
    return r;
}

/* --- Free ranges ---------------------------------------------------------------- */

static int
range_insert(struct store_conn *c, const char *subnet_id, int family, int pool_index,
             u128 first, u128 last)
{
    static const char sql[] =
        "INSERT INTO ipam_ranges (subnet_id, pool_index, first_key, last_key)"
        " VALUES (?,?,?,?)";
    struct db_stmt *st = conn_stmt(c, sql);
    char fk[IP_KEYLEN], lk[IP_KEYLEN];

    if (!st) {
        return -EIO;
    }
    ip_key_format(family, first, fk);
    ip_key_format(family, last, lk);
    db_bind_text(st, 1, subnet_id);
    db_bind_int(st, 2, pool_index);
    db_bind_text_copy(st, 3, fk);
    db_bind_text_copy(st, 4, lk);
    return conn_exec_stmt(c, st, "insert range");
}

static int
range_delete(struct store_conn *c, const char *subnet_id, int family, u128 first)
{
    static const char sql[] = "DELETE FROM ipam_ranges WHERE subnet_id = ? AND first_key = ?";
    struct db_stmt *st = conn_stmt(c, sql);
    char fk[IP_KEYLEN];

    if (!st) {
        return -EIO;
    }
    ip_key_format(family, first, fk);
    db_bind_text(st, 1, subnet_id);
    db_bind_text_copy(st, 2, fk);
    return conn_exec_stmt(c, st, "delete range");
}

/* Changes the range starting at 'old_first' to [first, last]. */
static int
range_set(struct store_conn *c, const char *subnet_id, int family, u128 old_first, u128 first,
          u128 last)
{
    static const char sql[] =
        "UPDATE ipam_ranges SET first_key = ?, last_key = ? WHERE subnet_id = ?"
        " AND first_key = ?";
    struct db_stmt *st = conn_stmt(c, sql);
    char ok[IP_KEYLEN], fk[IP_KEYLEN], lk[IP_KEYLEN];

    if (!st) {
        return -EIO;
    }
    ip_key_format(family, old_first, ok);
    ip_key_format(family, first, fk);
    ip_key_format(family, last, lk);
    db_bind_text_copy(st, 1, fk);
    db_bind_text_copy(st, 2, lk);
    db_bind_text(st, 3, subnet_id);
    db_bind_text_copy(st, 4, ok);
    return conn_exec_stmt(c, st, "update range");
}

int
store_ipam_set_ranges(struct store_conn *c, const char *subnet_id, int family,
                      const struct ipam_range *ranges, size_t n)
{
    static const char clear[] = "DELETE FROM ipam_ranges WHERE subnet_id = ?";
    int r = conn_exec_stmt(c, conn_stmt_text(c, clear, subnet_id), "clear ranges");

    for (size_t i = 0; i < n && !r; i++) {
        r = range_insert(c, subnet_id, family, ranges[i].pool_index, ranges[i].first,
                         ranges[i].last);
    }
    return r;
}

/* Reads a range row (pool_index, first_key, last_key) at the statement's cursor. */
static int
range_from_row(struct db_stmt *st, struct ipam_range *ret)
{
    const char *fk = (const char *) db_col_text(st, 1);
    const char *lk = (const char *) db_col_text(st, 2);

    ret->pool_index = (int) db_col_int(st, 0);
    if (!fk || !lk || ip_key_parse(fk, &ret->first) || ip_key_parse(lk, &ret->last)) {
        return -EIO;
    }
    return 0;
}

/* Removes the single address 'v' from range 'rg', which contains it. */
static int
range_cut(struct store_conn *c, const char *subnet_id, int family, const struct ipam_range *rg,
          u128 v)
{
    if (rg->first == rg->last) {
        return range_delete(c, subnet_id, family, rg->first);
    }
    if (v == rg->first) {
        return range_set(c, subnet_id, family, rg->first, v + 1, rg->last);
    }
    if (v == rg->last) {
        return range_set(c, subnet_id, family, rg->first, rg->first, v - 1);
    }
    int r = range_set(c, subnet_id, family, rg->first, rg->first, v - 1);
    return r ? r : range_insert(c, subnet_id, family, rg->pool_index, v + 1, rg->last);
}

int
store_ipam_take_lowest(struct store_conn *c, const char *subnet_id, int family, u128 *ret)
{
    static const char sql[] =
        "SELECT pool_index, first_key, last_key FROM ipam_ranges WHERE subnet_id = ?"
        " ORDER BY pool_index, first_key LIMIT 1";
    struct db_stmt *st = conn_stmt(c, sql);
    struct ipam_range rg;
    int rc, r;

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, subnet_id);
    rc = db_step(st);
    if (rc != DB_ROW) {
        db_reset(st);
        return rc == DB_DONE ? -ENOSPC : conn_error(c, rc, "take address");
    }
    r = range_from_row(st, &rg);
    db_reset(st);
    if (!r) {
        r = range_cut(c, subnet_id, family, &rg, rg.first);
    }
    if (!r) {
        *ret = rg.first;
    }
    return r;
}

int
store_ipam_take_random(struct store_conn *c, const char *subnet_id, int family, u128 window,
                       u128 *ret)
{
    static const char sql[] =
        "SELECT pool_index, first_key, last_key FROM ipam_ranges WHERE subnet_id = ?"
        " AND pool_index = (SELECT MIN(pool_index) FROM ipam_ranges WHERE subnet_id = ?1)"
        " ORDER BY first_key";
    struct db_stmt *st = conn_stmt(c, sql);
    struct ipam_range ranges[64];
    size_t n = 0;
    u128 total = 0, pick;
    int rc, r = 0;

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, subnet_id);
    /* Collect ranges until they hold 'window' addresses (or 64 fragments). */
    while (total < window && n < ARRAY_SIZE(ranges) && (rc = db_step(st)) == DB_ROW) {
        r = range_from_row(st, &ranges[n]);
        if (r) {
            break;
        }
        total += ranges[n].last - ranges[n].first + 1;
        n++;
    }
    db_reset(st);
    if (r) {
        return r;
    }
    if (n == 0) {
        return -ENOSPC;
    }
    if (total > window) {
        total = window;
    }
    pick = total > UINT64_MAX ? random_below(UINT64_MAX) : random_below((uint64_t) total);
    for (size_t i = 0; i < n; i++) {
        u128 size = ranges[i].last - ranges[i].first + 1;
        if (pick < size) {
            u128 v = ranges[i].first + pick;
            r = range_cut(c, subnet_id, family, &ranges[i], v);
            if (!r) {
                *ret = v;
            }
            return r;
        }
        pick -= size;
    }
    return -ENOSPC;
}

int
store_ipam_take(struct store_conn *c, const char *subnet_id, int family, u128 v,
                bool *ret_was_free)
{
    static const char sql[] =
        "SELECT pool_index, first_key, last_key FROM ipam_ranges WHERE subnet_id = ?"
        " AND first_key <= ? ORDER BY first_key DESC LIMIT 1";
    struct db_stmt *st = conn_stmt(c, sql);
    char key[IP_KEYLEN];
    struct ipam_range rg;
    int rc, r;

    if (!st) {
        return -EIO;
    }
    ip_key_format(family, v, key);
    db_bind_text(st, 1, subnet_id);
    db_bind_text_copy(st, 2, key);
    rc = db_step(st);
    if (rc != DB_ROW) {
        db_reset(st);
        if (rc != DB_DONE) {
            return conn_error(c, rc, "take address");
        }
        *ret_was_free = false;
        return 0;
    }
    r = range_from_row(st, &rg);
    db_reset(st);
    if (r) {
        return r;
    }
    if (v > rg.last) {
        *ret_was_free = false;
        return 0;
    }
    r = range_cut(c, subnet_id, family, &rg, v);
    if (!r) {
        *ret_was_free = true;
    }
    return r;
}

/* Finds the free range of 'pool_index' that ends at 'last' (if 'by_last') or starts
 * at 'first'. Returns 0 with '*ret', -ENOENT if none. */
static int
range_find(struct store_conn *c, const char *subnet_id, int family, int pool_index, u128 v,
           bool by_last, struct ipam_range *ret)
{
    static const char sql_last[] =
        "SELECT pool_index, first_key, last_key FROM ipam_ranges WHERE subnet_id = ?"
        " AND last_key = ? AND pool_index = ?";
    static const char sql_first[] =
        "SELECT pool_index, first_key, last_key FROM ipam_ranges WHERE subnet_id = ?"
        " AND first_key = ? AND pool_index = ?";
    struct db_stmt *st = conn_stmt(c, by_last ? sql_last : sql_first);
    char key[IP_KEYLEN];
    int rc, r;

    if (!st) {
        return -EIO;
    }
    ip_key_format(family, v, key);
    db_bind_text(st, 1, subnet_id);
    db_bind_text_copy(st, 2, key);
    db_bind_int(st, 3, pool_index);
    rc = db_step(st);
    if (rc != DB_ROW) {
        db_reset(st);
        return rc == DB_DONE ? -ENOENT : conn_error(c, rc, "find range");
    }
    r = range_from_row(st, ret);
    db_reset(st);
    return r;
}

int
store_ipam_give_back(struct store_conn *c, const char *subnet_id, int family, int pool_index,
                     u128 v)
{
    struct ipam_range before, after;
    bool has_before = false, has_after = false;
    int r;

    if (v > 0) {
        r = range_find(c, subnet_id, family, pool_index, v - 1, true, &before);
        if (r && r != -ENOENT) {
            return r;
        }
        has_before = !r;
    }
    r = range_find(c, subnet_id, family, pool_index, v + 1, false, &after);
    if (r && r != -ENOENT) {
        return r;
    }
    has_after = !r;
    if (has_before && has_after) {
        r = range_delete(c, subnet_id, family, after.first);
        return r ? r : range_set(c, subnet_id, family, before.first, before.first, after.last);
    }
    if (has_before) {
        return range_set(c, subnet_id, family, before.first, before.first, v);
    }
    if (has_after) {
        return range_set(c, subnet_id, family, after.first, v, after.last);
    }
    return range_insert(c, subnet_id, family, pool_index, v, v);
}

/* --- Allocations ---------------------------------------------------------------- */

int
store_alloc_insert(struct store_conn *c, const char *subnet_id, const char *network_id,
                   const struct ip_addr *ip, const char *port_id)
{
    static const char sql[] =
        "INSERT INTO ip_allocations (subnet_id, ip_key, ip_address, port_id, network_id, seq)"
        " VALUES (?,?,?,?,?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM ip_allocations"
        " WHERE port_id = ?4)) ON CONFLICT DO NOTHING";
    struct db_stmt *st = conn_stmt(c, sql);
    char key[IP_KEYLEN], text[IP_STRLEN];

    if (!st) {
        return -EIO;
    }
    ip_key_format(ip->family, ip->v, key);
    ip_format(ip, text);
    db_bind_text(st, 1, subnet_id);
    db_bind_text_copy(st, 2, key);
    db_bind_text_copy(st, 3, text);
    db_bind_text(st, 4, port_id);
    db_bind_text(st, 5, network_id);
    return conn_insert_stmt(c, st, "insert allocation");
}

int
store_alloc_delete(struct store_conn *c, const char *subnet_id, const struct ip_addr *ip)
{
    static const char sql[] = "DELETE FROM ip_allocations WHERE subnet_id = ? AND ip_key = ?";
    struct db_stmt *st = conn_stmt(c, sql);
    char key[IP_KEYLEN];

    if (!st) {
        return -EIO;
    }
    ip_key_format(ip->family, ip->v, key);
    db_bind_text(st, 1, subnet_id);
    db_bind_text_copy(st, 2, key);
    return conn_exec_stmt(c, st, "delete allocation");
}

static void
alloc_read(struct db_stmt *st, void *ret)
{
    struct ip_allocation *a = ret;

    col_copy(st, 0, a->subnet_id, sizeof a->subnet_id);
    col_copy(st, 1, a->ip_address, sizeof a->ip_address);
    col_copy(st, 2, a->port_id, sizeof a->port_id);
}

static int
allocs_read(struct store_conn *c, const char *sql, const char *id, struct ip_allocation **ret,
            size_t *ret_n)
{
    void *allocs;
    int r = conn_read_rows(c, conn_stmt_text(c, sql, id), alloc_read, sizeof **ret, NULL,
                           &allocs, ret_n, "read allocations");

    if (!r) {
        *ret = allocs;
    }
    return r;
}

int
store_allocs_of_port(struct store_conn *c, const char *port_id, struct ip_allocation **ret,
                     size_t *ret_n)
{
    static const char sql[] =
        "SELECT subnet_id, ip_address, port_id FROM ip_allocations WHERE port_id = ?"
        " ORDER BY seq";
    return allocs_read(c, sql, port_id, ret, ret_n);
}

int
store_allocs_of_subnet(struct store_conn *c, const char *subnet_id, struct ip_allocation **ret,
                       size_t *ret_n)
{
    static const char sql[] =
        "SELECT subnet_id, ip_address, port_id FROM ip_allocations WHERE subnet_id = ?"
        " ORDER BY ip_key";
    return allocs_read(c, sql, subnet_id, ret, ret_n);
}

int
store_alloc_count(struct store_conn *c, const char *subnet_id, int64_t *ret)
{
    static const char sql[] = "SELECT COUNT(*) FROM ip_allocations WHERE subnet_id = ?";

    return conn_one_int(c, conn_stmt_text(c, sql, subnet_id), ret, "count allocations");
}

/* Device owners whose ports never block deleting a subnet or network: the network's
 * own service ports, removed along with it. */
#define SERVICE_OWNERS "('network:dhcp', 'network:distributed', " \
                       "'network:floatingip_agent_gateway')"
/* The same for the network alone: its floating IPs' ports do not keep it either (its
 * floating IPs go with it, as in Neutron), though they keep their subnet. */
#define NETWORK_OWNERS "('network:dhcp', 'network:distributed', " \
                       "'network:floatingip_agent_gateway', 'network:floatingip')"

/* The first column of each row, as a comma-separated list. */
struct id_list {
    struct buf *ids;
    size_t n;
};

static int
id_list_add(struct db_stmt *st, void *aux)
{
    struct id_list *l = aux;
    const char *id = db_col_text(st, 0);

    if (l->n++) {
        buf_add_char(l->ids, ',');
    }
    buf_add_str(l->ids, id ? id : "");
    return 0;
}

static int
collect_ids(struct store_conn *c, struct db_stmt *st, struct buf *ret_ids, size_t *ret_n)
{
    struct id_list l = { ret_ids, 0 };
    int r = conn_each_row(c, st, id_list_add, &l, "collect ids");

    if (!r) {
        *ret_n = l.n;
    }
    return r;
}

int
store_subnet_blocking_ports(struct store_conn *c, const char *subnet_id, struct buf *ret_ids,
                            size_t *ret_n)
{
    static const char sql[] =
        "SELECT DISTINCT p.id FROM ip_allocations a JOIN ports p ON p.id = a.port_id"
        " WHERE a.subnet_id = ? AND p.device_owner NOT IN " SERVICE_OWNERS " ORDER BY p.id";

    return collect_ids(c, conn_stmt_text(c, sql, subnet_id), ret_ids, ret_n);
}

int
store_network_blocking_ports(struct store_conn *c, const char *network_id, struct buf *ret_ids,
                             size_t *ret_n)
{
    static const char sql[] =
        "SELECT id FROM ports WHERE network_id = ? AND device_owner NOT IN " NETWORK_OWNERS
        " ORDER BY id";

    return collect_ids(c, conn_stmt_text(c, sql, network_id), ret_ids, ret_n);
}

static void
id_read(struct db_stmt *st, void *ret)
{
    col_copy(st, 0, ret, ID_LEN);
}

int
store_network_service_ports(struct store_conn *c, const char *network_id,
                            char (**ret)[ID_LEN], size_t *ret_n)
{
    static const char sql[] =
        "SELECT id FROM ports WHERE network_id = ? AND device_owner IN " NETWORK_OWNERS;
    void *ids;
    int r = conn_read_rows(c, conn_stmt_text(c, sql, network_id), id_read, sizeof **ret,
                           NULL, &ids, ret_n, "service ports");

    if (!r) {
        *ret = ids;
    }
    return r;
}

/* The projects with an access_as_shared policy of their own on network ?1. */
#define OWN_POLICY                                                                         \
    "(SELECT rp.target_project FROM rbac_policies rp WHERE rp.object_type = 'network'"     \
    " AND rp.object_id = ?1 AND rp.action = 'access_as_shared' AND rp.target_project <> '*')"

int
store_network_used_by_others(struct store_conn *c, const char *network_id,
                             const char *project_id, bool *ret)
{
    /* A project with an access_as_shared policy of its own keeps its access. */
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM ports WHERE network_id = ?1 AND project_id != ?2"
        "   AND substr(device_owner, 1, 8) <> 'network:' AND project_id NOT IN " OWN_POLICY ")"
        " OR EXISTS (SELECT 1 FROM subnets WHERE network_id = ?1 AND project_id != ?2"
        "   AND project_id NOT IN " OWN_POLICY ")";

    return conn_one_bool(c, conn_stmt_text2(c, sql, network_id, project_id), ret,
                         "network users");
}

int
store_subnet_set_pool(struct store_conn *c, const char *id, const char *pool_id,
                      const char *now)
{
    static const char sql[] =
        "UPDATE subnets SET subnetpool_id = ?3, revision_number = revision_number + 1,"
        " updated_at = ?2 WHERE id = ?1";
    const char *values[] = { id, now, pool_id };

    return conn_exec_change(c, conn_stmt_texts(c, sql, values, ARRAY_SIZE(values)),
                            "set subnet pool");
}

int
store_subnet_bump(struct store_conn *c, const char *id, const char *now)
{
    static const char sql[] =
        "UPDATE subnets SET revision_number = revision_number + 1, updated_at = ?"
        " WHERE id = ?";

    return conn_exec_stmt(c, conn_stmt_text2(c, sql, now, id), "bump subnet");
}
