/* SQLite backend, part 3: networks and their segment allocations. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_conn.h"
#include "util.h"

LOG_MODULE("store");

/* Whether the network 'n' is shared with the viewer (?1): a '*' access_as_shared policy
 * (the "shared" column says so) or one naming the viewer's project.  Neutron shows
 * "shared" per caller, so the same network is shared for one project and not for
 * another.  One probe of the policies' unique key per row. */
#define NETWORK_SHARED_TO_VIEWER                                                           \
    "(n.shared = 1 OR EXISTS (SELECT 1 FROM rbac_policies rs WHERE"                        \
    " rs.object_type = 'network' AND rs.object_id = n.id"                                  \
    " AND rs.action = 'access_as_shared' AND rs.target_project = ?1))"

/* A project sees its own networks and those a policy names it or '*' for, whatever
 * the action (Neutron: access_as_shared, and access_as_external).  The sub-select is
 * not correlated: it is read once, through rbac_policies_target. */
#define NETWORK_VISIBLE(owner, project)                                                    \
    "(n.project_id = " owner " OR n.id IN (SELECT rv.object_id FROM rbac_policies rv"      \
    " WHERE rv.target_project IN ('*', " project ") AND rv.object_type = 'network'))"

/* The address scope of the network's subnets of one IP version: that of their pool (a
 * network's subnets of one version all come from pools of one scope, or none). */
#define NETWORK_SCOPE_COLUMN(v)                                                            \
    " (SELECT MIN(sp.address_scope_id) FROM subnets s JOIN subnetpools sp"                 \
    "   ON sp.id = s.subnetpool_id WHERE s.network_id = n.id AND sp.ip_version = " #v ")"

#define NETWORK_SELECT                                                                     \
    "SELECT " SQL_STD_COLUMNS("n") ", n.admin_state_up, n.status,"                         \
    " " NETWORK_SHARED_TO_VIEWER ","                                                       \
    " n.router_external, n.mtu, n.network_type, n.physical_network, n.segmentation_id,"    \
    " n.az_hints, n.port_security_enabled,"                                                \
    " (SELECT " SQL_JSON_ARRAY("json_quote(id)") " FROM (SELECT s.id FROM subnets s"       \
    "   WHERE s.network_id = n.id ORDER BY s.seq) x),"                                     \
    " (SELECT " SQL_JSON_ARRAY("json_quote(z)")                                            \
    "   FROM (SELECT DISTINCT a.availability_zone AS z"                                    \
    "   FROM network_dhcp_agents b JOIN agents a ON a.id = b.agent_id"                     \
    "   WHERE b.network_id = n.id AND a.availability_zone IS NOT NULL ORDER BY z) x),"     \
    NETWORK_SCOPE_COLUMN(4) "," NETWORK_SCOPE_COLUMN(6) ","                               \
    " (SELECT " SQL_JSON_ARRAY("'[' || json_quote(network_type) || ','"                    \
    "   || COALESCE(json_quote(physical_network), 'null') || ','"                          \
    "   || COALESCE(CAST(segmentation_id AS TEXT), 'null') || ']'")                         \
    "   FROM (SELECT g.network_type, g.physical_network, g.segmentation_id"                \
    "   FROM network_segments g WHERE g.network_id = n.id ORDER BY g.segment_index) x),"  \
    " n.is_default"                                                                        \
    " FROM networks n"

static const struct field_column network_columns[] = {
    { SF_ID, "n.id" },
    { SF_NAME, "n.name" },
    { SF_PROJECT_ID, "n.project_id" },
    { SF_DESCRIPTION, "n.description" },
    { SF_REVISION_NUMBER, "n.revision_number" },
    { SF_ADMIN_STATE_UP, "n.admin_state_up" },
    { SF_STATUS, "n.status" },
    { SF_SHARED, NETWORK_SHARED_TO_VIEWER },
    { SF_MTU, "n.mtu" },
    { SF_ROUTER_EXTERNAL, "n.router_external" },
    { SF_NETWORK_TYPE, "n.network_type" },
    { SF_PHYSICAL_NETWORK, "n.physical_network" },
    { SF_SEGMENTATION_ID, "n.segmentation_id" },
    { SF_AZ_HINTS, "n.az_hints" },
};

/* A network matches provider:* filters if one of its segments matches them all (ML2's
 * network_matches_filters): the first in its own row, or a later one. */
static const enum store_field network_segment_fields[] = {
    SF_NETWORK_TYPE, SF_PHYSICAL_NETWORK, SF_SEGMENTATION_ID,
};

static const struct resource_sql network_sql = {
    .select = NETWORK_SELECT,
    .table = "networks",
    .table_alias = "n",
    .visibility = NETWORK_VISIBLE("?", "?"),
    .visibility_params = 2,
    .names_viewer = true,
    .columns = network_columns,
    .n_columns = ARRAY_SIZE(network_columns),
    .also_fields = network_segment_fields,
    .n_also_fields = ARRAY_SIZE(network_segment_fields),
    .also_from = "network_segments g WHERE g.network_id = n.id",
    .also_alias = "g",
};

/* Fills the segments after the first from 'text', the select's JSON array of
 * [type, physnet or null, id or null] in order. */
static void
segments_from_text(const char *text, struct network *n)
{
    json_t *all = text ? json_loads(text, 0, NULL) : NULL;
    size_t i, count = json_array_size(all);
    json_t *row;

    n->more_segments = count ? xcalloc(count, sizeof *n->more_segments) : NULL;
    n->n_more_segments = count;
    json_array_foreach (all, i, row) {
        const json_t *id = json_array_get(row, 2);
        const char *physnet = json_string_value(json_array_get(row, 1));
        struct segment *seg = &n->more_segments[i];

        snprintf(seg->network_type, sizeof seg->network_type, "%s",
                 json_string_value(json_array_get(row, 0)) ?: "");
        snprintf(seg->physical_network, sizeof seg->physical_network, "%s",
                 physnet ? physnet : "");
        seg->segmentation_id = json_is_integer(id) ? json_integer_value(id)
                                                   : SEGMENTATION_ID_NONE;
    }
    json_decref(all);
}

/* Fills 'n' from a NETWORK_SELECT row; strings are copies if 'copy' (the segments
 * after the first are always owned). */
static void
network_from_row(struct db_stmt *st, struct network *n, bool copy)
{
    memset(n, 0, sizeof *n);
    std_from_row(st, &n->std, copy);
    n->admin_state_up = (int) db_col_int(st, STD_NCOLS);
    col_copy(st, STD_NCOLS + 1, n->status, sizeof n->status);
    n->shared = (int) db_col_int(st, STD_NCOLS + 2);
    n->external = (int) db_col_int(st, STD_NCOLS + 3);
    n->mtu = (int) db_col_int(st, STD_NCOLS + 4);
    col_copy(st, STD_NCOLS + 5, n->segment.network_type, sizeof n->segment.network_type);
    col_copy(st, STD_NCOLS + 6, n->segment.physical_network,
             sizeof n->segment.physical_network);
    n->segment.segmentation_id = db_col_is_null(st, STD_NCOLS + 7)
                                     ? SEGMENTATION_ID_NONE
                                     : db_col_int(st, STD_NCOLS + 7);
    n->az_hints_json = col_text(st, STD_NCOLS + 8, copy);
    n->port_security_enabled = (int) db_col_int(st, STD_NCOLS + 9);
    n->subnets_json = col_text(st, STD_NCOLS + 10, copy);
    n->azs_json = col_text(st, STD_NCOLS + 11, copy);
    col_copy(st, STD_NCOLS + 12, n->ipv4_address_scope, sizeof n->ipv4_address_scope);
    col_copy(st, STD_NCOLS + 13, n->ipv6_address_scope, sizeof n->ipv6_address_scope);
    segments_from_text(db_col_text(st, STD_NCOLS + 14), n);
    n->is_default = (int) db_col_int(st, STD_NCOLS + 15);
}

static void
network_read(struct db_stmt *st, void *ret)
{
    network_from_row(st, ret, true);
}

struct network_walk {
    store_network_cb *cb;
    void *aux;
};

static int
network_row(struct db_stmt *st, void *aux)
{
    struct network_walk *w = aux;
    struct network n;

    network_from_row(st, &n, false);
    int r = w->cb(&n, w->aux);
    free(n.more_segments);
    return r;
}

int
store_network_foreach(struct store_conn *c, const struct list_query *q, store_network_cb *cb,
                      void *aux)
{
    struct network_walk w = { cb, aux };

    return list_run(c, &network_sql, q, network_row, &w);
}

static void
bind_segment(struct db_stmt *st, int first, const struct segment *seg)
{
    db_bind_text(st, first, seg->network_type);
    if (seg->physical_network[0]) {
        db_bind_text(st, first + 1, seg->physical_network);
    } else {
        db_bind_null(st, first + 1);
    }
    if (seg->segmentation_id != SEGMENTATION_ID_NONE) {
        db_bind_int(st, first + 2, seg->segmentation_id);
    } else {
        db_bind_null(st, first + 2);
    }
}

/* The cached statement for 'sql' with what an insert and an update share bound:
 * conn_stmt_std(), then ?8 to ?13. */
static struct db_stmt *
network_stmt(struct store_conn *c, const char *sql, const struct network *n)
{
    struct db_stmt *st = conn_stmt_std(c, sql, &n->std);

    if (st) {
        db_bind_int(st, 8, n->admin_state_up);
        db_bind_int(st, 9, n->mtu);
        bind_segment(st, 10, &n->segment);
        db_bind_int(st, 13, n->port_security_enabled);
    }
    return st;
}

int
store_network_insert(struct store_conn *c, const struct network *n)
{
    static const char sql[] =
        "INSERT INTO networks (" SQL_STD_INSERT_COLUMNS ", admin_state_up, mtu,"
        " network_type, physical_network, segmentation_id, port_security_enabled,"
        " shared, router_external, status, az_hints, is_default)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    struct db_stmt *st = network_stmt(c, sql, n);

    if (st) {
        db_bind_int(st, 14, n->shared);
        db_bind_int(st, 15, n->external);
        db_bind_text(st, 16, n->status);
        db_bind_text(st, 17, n->az_hints_json);
        db_bind_int(st, 18, n->external && n->is_default);
    }
    return conn_exec_stmt(c, st, "insert network");
}

int
store_network_update(struct store_conn *c, const struct network *n)
{
    /* Not "shared" nor "router:external": they follow the network's RBAC policies
     * (store_network_rbac_sync()), and 'n->shared' is only what its reader saw. */
    static const char sql[] =
        "UPDATE networks SET " SQL_STD_UPDATE_SET ", admin_state_up = ?8, mtu = ?9,"
        " network_type = ?10, physical_network = ?11, segmentation_id = ?12,"
        " port_security_enabled = ?13 WHERE id = ?1";

    return conn_exec_stmt(c, network_stmt(c, sql, n), "update network");
}

int
store_network_segments_insert(struct store_conn *c, const char *network_id,
                              const struct segment *segs, size_t n)
{
    static const char sql[] =
        "INSERT INTO network_segments (network_id, segment_index, network_type,"
        " physical_network, segmentation_id) VALUES (?1, ?2, ?3, ?4, ?5)";
    int r = 0;

    for (size_t i = 0; i < n && !r; i++) {
        struct db_stmt *st = conn_stmt_text(c, sql, network_id);
        if (st) {
            db_bind_int(st, 2, (int64_t) i + 1);
            bind_segment(st, 3, &segs[i]);
        }
        r = conn_exec_stmt(c, st, "insert network segment");
    }
    return r;
}

int
store_network_delete(struct store_conn *c, const char *id)
{
    static const char tags[] = "DELETE FROM tags WHERE resource_id = ?";
    static const char segments[] = "DELETE FROM network_segments WHERE network_id = ?";
    static const char sql[] = "DELETE FROM networks WHERE id = ?";
    /* A project's auto-allocated topology goes with its network (Zed's cascade; the
     * SQLite backend does not enforce foreign keys). */
    static const char topology[] = "DELETE FROM auto_allocated_topologies WHERE network_id = ?";
    int r = conn_exec_stmt(c, conn_stmt_text(c, tags, id), "delete network tags");

    r = r ? r : conn_exec_stmt(c, conn_stmt_text(c, segments, id), "delete network segments");

    r = r ? r : conn_exec_stmt(c, conn_stmt_text(c, topology, id), "delete topology");
    /* Its RBAC policies go with it, as Neutron's cascade does. */
    r = r ? r : store_rbac_delete_matching(c, "network", id, NULL, NULL);
    return r ? r : conn_exec_change(c, conn_stmt_text(c, sql, id), "delete network");
}

int
store_network_get_as(struct store_conn *c, const char *id, const char *visible_to,
                     const char *viewer, struct network *ret)
{
    static const char sql[] = NETWORK_SELECT " WHERE n.id = ?2";
    static const char sql_vis[] =
        NETWORK_SELECT " WHERE n.id = ?2 AND " NETWORK_VISIBLE("?3", "?3");
    const char *values[] = { viewer ? viewer : "", id, visible_to };
    struct db_stmt *st = visible_to ? conn_stmt_texts(c, sql_vis, values, 3)
                                    : conn_stmt_texts(c, sql, values, 2);

    return conn_read_row(c, st, network_read, ret, "get network");
}

int
store_network_get(struct store_conn *c, const char *id, const char *visible_to,
                  struct network *ret)
{
    return store_network_get_as(c, id, visible_to, visible_to, ret);
}

int
store_network_set_default(struct store_conn *c, const char *id, bool is_default)
{
    static const char sql[] = "UPDATE networks SET is_default = ? WHERE id = ?";
    struct db_stmt *st = conn_stmt(c, sql);

    if (st) {
        db_bind_int(st, 1, is_default);
        db_bind_text(st, 2, id);
    }
    return conn_exec_change(c, st, "set default network");
}

int
store_network_default_external(struct store_conn *c, char ret[ID_LEN])
{
    static const char sql[] =
        "SELECT id FROM networks WHERE is_default = 1 AND router_external = 1 ORDER BY id";
    char *id = NULL;
    int r = conn_read_row(c, conn_stmt(c, sql), col_text_read, &id,
                          "default external network");

    if (!r) {
        snprintf(ret, ID_LEN, "%s", id ? id : "");
    }
    free(id);
    return r;
}

int
store_network_bump(struct store_conn *c, const char *id, const char *now)
{
    static const char sql[] =
        "UPDATE networks SET revision_number = revision_number + 1, updated_at = ?"
        " WHERE id = ?";

    return conn_exec_stmt(c, conn_stmt_text2(c, sql, now, id), "bump network");
}

int
store_network_count(struct store_conn *c, const char *project_id, int64_t *ret)
{
    static const char sql[] = "SELECT COUNT(*) FROM networks WHERE project_id = ?";

    return conn_one_int(c, conn_stmt_text(c, sql, project_id), ret, "count networks");
}

/* The cached statement for 'sql' with ?1 to ?3 bound to the segment's allocation key:
 * flat networks use id 0, tunnels physnet "". */
static struct db_stmt *
segment_key_stmt(struct store_conn *c, const char *sql, const struct segment *seg)
{
    struct db_stmt *st = conn_stmt_text2(c, sql, seg->network_type, seg->physical_network);

    if (st) {
        db_bind_int(st, 3, seg->segmentation_id == SEGMENTATION_ID_NONE
                               ? 0 : seg->segmentation_id);
    }
    return st;
}

int
store_segment_reserve(struct store_conn *c, const struct segment *seg, const char *network_id)
{
    static const char sql[] =
        "INSERT INTO segment_allocations (network_type, physical_network, segmentation_id,"
        " network_id) VALUES (?,?,?,?) ON CONFLICT DO NOTHING";
    struct db_stmt *st = segment_key_stmt(c, sql, seg);

    if (st) {
        db_bind_text(st, 4, network_id);
    }
    return conn_insert_stmt(c, st, "reserve segment");
}

int
store_segment_release(struct store_conn *c, const struct segment *seg)
{
    static const char sql[] =
        "DELETE FROM segment_allocations WHERE network_type = ? AND physical_network = ?"
        " AND segmentation_id = ?";

    return conn_exec_stmt(c, segment_key_stmt(c, sql, seg), "release segment");
}

/* Finds the first id >= 'from' and <= 'to' not in the allocation table. */
static int
segment_first_gap(struct store_conn *c, const char *type, const char *physnet, int64_t from,
                  int64_t to, int64_t *ret)
{
    static const char sql[] =
        "SELECT segmentation_id FROM segment_allocations WHERE network_type = ?"
        " AND physical_network = ? AND segmentation_id >= ? AND segmentation_id <= ?"
        " ORDER BY segmentation_id";
    struct db_stmt *st = conn_stmt(c, sql);
    int64_t want = from;
    int rc;

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, type);
    db_bind_text(st, 2, physnet);
    db_bind_int(st, 3, from);
    db_bind_int(st, 4, to);
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t used = db_col_int(st, 0);
        if (used != want) {
            break;      /* 'want' is free. */
        }
        want++;
    }
    db_reset(st);
    if (rc != DB_ROW && rc != DB_DONE) {
        return conn_error(c, rc, "find segment");
    }
    if (want > to) {
        return -ENOSPC;
    }
    *ret = want;
    return 0;
}

int
store_segment_find_free(struct store_conn *c, const char *type, const char *physnet,
                        int64_t lo, int64_t hi, int64_t start, int64_t *ret)
{
    int r = segment_first_gap(c, type, physnet, start, hi, ret);

    if (r == -ENOSPC && start > lo) {
        r = segment_first_gap(c, type, physnet, lo, start - 1, ret);
    }
    return r;
}
