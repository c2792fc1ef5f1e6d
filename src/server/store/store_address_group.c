/* Address groups and their addresses (store.h, "Address groups").  A group's addresses
 * are rows of address_group_addresses, one normalized CIDR each, kept in the order
 * they were added (position) and read back as one JSON array with the group.  A group
 * is shared through its RBAC policies (object_type 'address_group'); it has no
 * "shared" column of its own. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "store_conn.h"
#include "util.h"

/* Whether the group 'ag' is shared with the viewer (?1): an access_as_shared policy
 * for '*' or the viewer's project (Zed works "shared" out per caller). */
#define AG_SHARED_TO_VIEWER                                                                \
    "EXISTS (SELECT 1 FROM rbac_policies rs WHERE rs.object_type = 'address_group'"       \
    " AND rs.object_id = ag.id AND rs.action = 'access_as_shared'"                         \
    " AND rs.target_project IN ('*', ?1))"

/* A project sees its own groups and those shared with it; the sub-select is not
 * correlated, so it is read once, through rbac_policies_target. */
#define AG_VISIBLE(owner, project)                                                         \
    "(ag.project_id = " owner " OR ag.id IN (SELECT rv.object_id FROM rbac_policies rv"    \
    " WHERE rv.target_project IN ('*', " project ") AND rv.object_type = 'address_group'"  \
    " AND rv.action = 'access_as_shared'))"

/* Names the viewer as ?1 (for "shared"), whether or not it uses it. */
#define AG_SELECT                                                                          \
    "SELECT " SQL_STD_COLUMNS("ag") ","                                                    \
    " (SELECT " SQL_JSON_ARRAY("json_quote(x.address)")                                    \
    "   FROM (SELECT aa.address FROM address_group_addresses aa"                           \
    "   WHERE aa.address_group_id = ag.id ORDER BY aa.position) x), " AG_SHARED_TO_VIEWER  \
    " FROM address_groups ag"

static const struct field_column ag_columns[] = {
    { SF_ID, "ag.id" },
    { SF_NAME, "ag.name" },
    { SF_PROJECT_ID, "ag.project_id" },
    { SF_DESCRIPTION, "ag.description" },
};

static const struct resource_sql ag_sql = {
    .select = AG_SELECT,
    .table = "address_groups",
    .table_alias = "ag",
    .visibility = AG_VISIBLE("?", "?"),
    .visibility_params = 2,
    .names_viewer = true,
    .columns = ag_columns,
    .n_columns = ARRAY_SIZE(ag_columns),
};

static void
ag_from_row(struct db_stmt *st, struct address_group *g, bool copy)
{
    memset(g, 0, sizeof *g);
    std_from_row(st, &g->std, copy);
    g->addresses_json = col_text(st, STD_NCOLS, copy);
    g->shared = db_col_int(st, STD_NCOLS + 1) != 0;
}

static void
ag_read(struct db_stmt *st, void *ret)
{
    ag_from_row(st, ret, true);
}

struct ag_walk {
    store_address_group_cb *cb;
    void *aux;
};

static int
ag_row(struct db_stmt *st, void *aux)
{
    struct ag_walk *w = aux;
    struct address_group g;

    ag_from_row(st, &g, false);
    return w->cb(&g, w->aux);
}

int
store_address_group_foreach(struct store_conn *c, const struct list_query *q,
                            store_address_group_cb *cb, void *aux)
{
    struct ag_walk w = { cb, aux };

    return list_run(c, &ag_sql, q, ag_row, &w);
}

int
store_address_group_get_as(struct store_conn *c, const char *id, const char *visible_to,
                           const char *viewer, struct address_group *ret)
{
    static const char sql[] = AG_SELECT " WHERE ag.id = ?2";
    static const char sql_vis[] = AG_SELECT " WHERE ag.id = ?2 AND " AG_VISIBLE("?3", "?3");
    const char *values[] = { viewer ? viewer : "", id, visible_to };
    struct db_stmt *st = visible_to ? conn_stmt_texts(c, sql_vis, values, 3)
                                    : conn_stmt_texts(c, sql, values, 2);

    return conn_read_row(c, st, ag_read, ret, "get address group");
}

int
store_address_group_get(struct store_conn *c, const char *id, const char *visible_to,
                        struct address_group *ret)
{
    return store_address_group_get_as(c, id, visible_to, visible_to, ret);
}

int
store_address_group_insert(struct store_conn *c, const struct address_group *g)
{
    static const char sql[] =
        "INSERT INTO address_groups (" SQL_STD_INSERT_COLUMNS ") VALUES (?,?,?,?,?,?,?)";

    return conn_exec_stmt(c, conn_stmt_std(c, sql, &g->std), "insert address group");
}

int
store_address_group_update(struct store_conn *c, const struct address_group *g)
{
    static const char sql[] = "UPDATE address_groups SET " SQL_STD_UPDATE_SET " WHERE id = ?1";

    return conn_exec_change(c, conn_stmt_std(c, sql, &g->std), "update address group");
}

int
store_address_group_delete(struct store_conn *c, const char *id)
{
    static const char sql[] = "DELETE FROM address_groups WHERE id = ?";
    /* Its addresses go with it (ON DELETE CASCADE), its policies here. */
    int r = conn_exec_change(c, conn_stmt_text(c, sql, id), "delete address group");

    return r ? r : store_rbac_delete_matching(c, "address_group", id, NULL, NULL);
}

int
store_address_group_add_address(struct store_conn *c, const char *id, const char *cidr)
{
    static const char sql[] =
        "INSERT INTO address_group_addresses (address_group_id, address, position)"
        " SELECT ?1, ?2, COALESCE(MAX(position), 0) + 1 FROM address_group_addresses"
        " WHERE address_group_id = ?1";

    return conn_exec_stmt(c, conn_stmt_text2(c, sql, id, cidr), "add address group address");
}

int
store_address_group_remove_address(struct store_conn *c, const char *id, const char *cidr)
{
    static const char sql[] =
        "DELETE FROM address_group_addresses WHERE address_group_id = ? AND address = ?";

    return conn_exec_change(c, conn_stmt_text2(c, sql, id, cidr),
                            "remove address group address");
}

int
store_address_group_in_use(struct store_conn *c, const char *id, bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM security_group_rules WHERE remote_address_group_id = ?)";

    return conn_one_bool(c, conn_stmt_text(c, sql, id), ret, "address group in use");
}

int
store_address_group_sgs(struct store_conn *c, const char *id, store_id_cb *cb, void *aux)
{
    static const char sql[] =
        "SELECT DISTINCT security_group_id FROM security_group_rules"
        " WHERE remote_address_group_id = ? ORDER BY security_group_id";

    return conn_each_id(c, conn_stmt_text(c, sql, id), cb, aux,
                        "security groups of address group");
}

int
store_address_group_addresses(struct store_conn *c, const char *id, int ip_version,
                              store_id_cb *cb, void *aux)
{
    /* IPv6 text always has a colon, IPv4 text never. */
    static const char sql4[] =
        "SELECT address FROM address_group_addresses WHERE address_group_id = ?"
        " AND address NOT LIKE '%:%' ORDER BY position";
    static const char sql6[] =
        "SELECT address FROM address_group_addresses WHERE address_group_id = ?"
        " AND address LIKE '%:%' ORDER BY position";

    return conn_each_id(c, conn_stmt_text(c, ip_version == 6 ? sql6 : sql4, id), cb, aux,
                        "addresses of address group");
}
