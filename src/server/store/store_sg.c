/* Security groups, their rules, each project's default group and the groups ports are
 * bound to (store.h, "Security groups"). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "store_conn.h"
#include "util.h"

LOG_MODULE("store");

/* JSON text of a nullable column: the value, or null. */
#define SQL_JSON_OR_NULL(expr) "COALESCE(" expr ", 'null')"

/* One rule of the security_group_rules row aliased 'r' as a group shows it (with its
 * standard_attr_id and tags, which a rule shown on its own does not have), built in
 * SQL so that listing groups reads each group's rules in the same query. */
#define SG_RULE_JSON(r)                                                                    \
    "'{\"id\":' || json_quote(" r ".id)"                                                   \
    " || ',\"tenant_id\":' || json_quote(" r ".project_id)"                                \
    " || ',\"security_group_id\":' || json_quote(" r ".security_group_id)"                 \
    " || ',\"ethertype\":' || json_quote(" r ".ethertype)"                                 \
    " || ',\"direction\":' || json_quote(" r ".direction)"                                 \
    " || ',\"protocol\":' || " SQL_JSON_OR_NULL("json_quote(" r ".protocol)")              \
    " || ',\"port_range_min\":' || " SQL_JSON_OR_NULL("CAST(" r ".port_range_min AS TEXT)") \
    " || ',\"port_range_max\":' || " SQL_JSON_OR_NULL("CAST(" r ".port_range_max AS TEXT)") \
    " || ',\"remote_ip_prefix\":' || " SQL_JSON_OR_NULL("json_quote(" r ".remote_ip_prefix)") \
    " || ',\"remote_address_group_id\":' || "                                              \
    SQL_JSON_OR_NULL("json_quote(" r ".remote_address_group_id)")                         \
    " || ',\"normalized_cidr\":' || " SQL_JSON_OR_NULL("json_quote(" r ".normalized_cidr)") \
    " || ',\"remote_group_id\":' || " SQL_JSON_OR_NULL("json_quote(" r ".remote_group_id)") \
    " || ',\"standard_attr_id\":' || CAST(" r ".seq AS TEXT)"                              \
    " || ',\"description\":' || " SQL_JSON_OR_NULL("json_quote(" r ".description)")        \
    " || ',\"tags\":' || (SELECT " SQL_JSON_ARRAY("json_quote(tag)")                       \
    "   FROM (SELECT t.tag FROM tags t WHERE t.resource_id = " r ".id ORDER BY t.tag) x)"  \
    " || ',\"created_at\":' || json_quote(" r ".created_at)"                               \
    " || ',\"updated_at\":' || json_quote(" r ".updated_at)"                               \
    " || ',\"revision_number\":' || CAST(" r ".revision_number AS TEXT)"                   \
    " || ',\"project_id\":' || json_quote(" r ".project_id) || '}'"

/* Whether the group 'g' is shared with the viewer (?1): an access_as_shared policy for
 * '*' or the viewer's project (Neutron shows "shared" per caller). */
#define SG_SHARED_TO_VIEWER                                                                \
    "EXISTS (SELECT 1 FROM rbac_policies rs WHERE rs.object_type = 'security_group'"      \
    " AND rs.object_id = g.id AND rs.action = 'access_as_shared'"                          \
    " AND rs.target_project IN ('*', ?1))"

/* A project sees its own groups and those shared with it; the sub-select is read
 * once, through rbac_policies_target. */
#define SG_VISIBLE(owner, project)                                                         \
    "(g.project_id = " owner " OR g.id IN (SELECT rv.object_id FROM rbac_policies rv"      \
    " WHERE rv.target_project IN ('*', " project ") AND rv.object_type = 'security_group'" \
    " AND rv.action = 'access_as_shared'))"

#define SG_SELECT                                                                          \
    "SELECT " SQL_STD_COLUMNS("g") ", g.stateful,"                                         \
    " (SELECT " SQL_JSON_ARRAY(SG_RULE_JSON("r"))                                          \
    "   FROM (SELECT * FROM security_group_rules r0 WHERE r0.security_group_id = g.id"     \
    "   ORDER BY r0.seq) r), " SG_SHARED_TO_VIEWER                                         \
    " FROM security_groups g"

static const struct field_column sg_columns[] = {
    { SF_ID, "g.id" },
    { SF_NAME, "g.name" },
    { SF_PROJECT_ID, "g.project_id" },
    { SF_DESCRIPTION, "g.description" },
    { SF_REVISION_NUMBER, "g.revision_number" },
    { SF_SHARED, SG_SHARED_TO_VIEWER },
};

static const struct resource_sql sg_sql = {
    .select = SG_SELECT,
    .table = "security_groups",
    .table_alias = "g",
    .visibility = SG_VISIBLE("?", "?"),
    .visibility_params = 2,
    .names_viewer = true,
    .columns = sg_columns,
    .n_columns = ARRAY_SIZE(sg_columns),
};

#define SG_RULE_SELECT                                                                     \
    "SELECT " SQL_STD_COLUMNS("r") ", r.security_group_id, r.remote_group_id,"            \
    " r.direction, r.ethertype, r.protocol, r.port_range_min, r.port_range_max,"           \
    " r.remote_ip_prefix, r.normalized_cidr, r.seq,"                                      \
    " (SELECT g3.project_id FROM security_groups g3 WHERE g3.id = r.security_group_id),"  \
    " r.remote_address_group_id"                                                          \
    " FROM security_group_rules r"

static const struct field_column sg_rule_columns[] = {
    { SF_ID, "r.id" },
    { SF_PROJECT_ID, "r.project_id" },
    { SF_DESCRIPTION, "r.description" },
    { SF_REVISION_NUMBER, "r.revision_number" },
    { SF_SECURITY_GROUP_ID, "r.security_group_id" },
    { SF_REMOTE_GROUP_ID, "r.remote_group_id" },
    { SF_DIRECTION, "r.direction" },
    { SF_ETHERTYPE, "r.ethertype" },
    { SF_PROTOCOL, "r.protocol" },
    { SF_PORT_RANGE_MIN, "r.port_range_min" },
    { SF_PORT_RANGE_MAX, "r.port_range_max" },
    { SF_REMOTE_IP_PREFIX, "r.remote_ip_prefix" },
    { SF_NORMALIZED_CIDR, "r.normalized_cidr" },
    /* '' rather than NULL for a rule naming none, so that sorting on it pages (NULL
     * compares to nothing). */
    { SF_REMOTE_ADDRESS_GROUP_ID, "COALESCE(r.remote_address_group_id, '')" },
};

/* A project sees the rules it owns and every rule of its own groups (an admin may
 * have added some in its name). */
static const struct resource_sql sg_rule_sql = {
    .select = SG_RULE_SELECT,
    .table = "security_group_rules",
    .table_alias = "r",
    .visibility = "(r.project_id = ? OR r.security_group_id IN (SELECT g2.id"
                  " FROM security_groups g2 WHERE g2.project_id = ?))",
    .visibility_params = 2,
    .columns = sg_rule_columns,
    .n_columns = ARRAY_SIZE(sg_rule_columns),
};

/* --- Groups ------------------------------------------------------------------------ */

static void
sg_from_row(struct db_stmt *st, struct security_group *g, bool copy)
{
    memset(g, 0, sizeof *g);
    std_from_row(st, &g->std, copy);
    g->stateful = (int) db_col_int(st, STD_NCOLS);
    g->rules_json = col_text(st, STD_NCOLS + 1, copy);
    g->shared = (int) db_col_int(st, STD_NCOLS + 2);
}

static void
sg_read(struct db_stmt *st, void *ret)
{
    sg_from_row(st, ret, true);
}

struct sg_walk {
    store_sg_cb *cb;
    void *aux;
};

static int
sg_row(struct db_stmt *st, void *aux)
{
    struct sg_walk *w = aux;
    struct security_group g;

    sg_from_row(st, &g, false);
    return w->cb(&g, w->aux);
}

int
store_sg_foreach(struct store_conn *c, const struct list_query *q, store_sg_cb *cb, void *aux)
{
    struct sg_walk w = { cb, aux };

    return list_run(c, &sg_sql, q, sg_row, &w);
}

int
store_sg_get_as(struct store_conn *c, const char *id, const char *visible_to,
                const char *viewer, struct security_group *ret)
{
    static const char sql[] = SG_SELECT " WHERE g.id = ?2";
    static const char sql_vis[] = SG_SELECT " WHERE g.id = ?2 AND " SG_VISIBLE("?3", "?3");
    const char *values[] = { viewer ? viewer : "", id, visible_to };
    struct db_stmt *st = visible_to ? conn_stmt_texts(c, sql_vis, values, 3)
                                    : conn_stmt_texts(c, sql, values, 2);

    return conn_read_row(c, st, sg_read, ret, "get security group");
}

int
store_sg_get(struct store_conn *c, const char *id, const char *visible_to,
             struct security_group *ret)
{
    return store_sg_get_as(c, id, visible_to, visible_to, ret);
}

int
store_sg_insert(struct store_conn *c, const struct security_group *g)
{
    static const char sql[] =
        "INSERT INTO security_groups (" SQL_STD_INSERT_COLUMNS ", stateful)"
        " VALUES (?,?,?,?,?,?,?,?)";
    struct db_stmt *st = conn_stmt_std(c, sql, &g->std);

    if (st) {
        db_bind_int(st, 8, g->stateful);
    }
    return conn_exec_stmt(c, st, "insert security group");
}

int
store_sg_update(struct store_conn *c, const struct security_group *g)
{
    static const char sql[] =
        "UPDATE security_groups SET " SQL_STD_UPDATE_SET ", stateful = ?8 WHERE id = ?1";
    struct db_stmt *st = conn_stmt_std(c, sql, &g->std);

    if (st) {
        db_bind_int(st, 8, g->stateful);
    }
    return conn_exec_change(c, st, "update security group");
}

int
store_sg_delete(struct store_conn *c, const char *id)
{
    static const char tags[] = "DELETE FROM tags WHERE resource_id = ?";
    static const char sql[] = "DELETE FROM security_groups WHERE id = ?";
    int r = conn_exec_stmt(c, conn_stmt_text(c, tags, id), "delete security group tags");

    /* Its rules, the rules naming it as their remote group and its place as a
     * project's default go with it (ON DELETE CASCADE), and so do its RBAC policies. */
    r = r ? r : store_rbac_delete_matching(c, "security_group", id, NULL, NULL);
    return r ? r : conn_exec_change(c, conn_stmt_text(c, sql, id), "delete security group");
}

int
store_sg_bump(struct store_conn *c, const char *id, const char *now)
{
    static const char sql[] =
        "UPDATE security_groups SET revision_number = revision_number + 1, updated_at = ?"
        " WHERE id = ?";

    return conn_exec_stmt(c, conn_stmt_text2(c, sql, now, id), "bump security group");
}

int
store_sg_member_addresses(struct store_conn *c, const char *sg_id, store_id_cb *cb, void *aux)
{
    static const char sql[] =
        "SELECT a.ip_address FROM ip_allocations a JOIN port_security_group_bindings b"
        " ON b.port_id = a.port_id WHERE b.security_group_id = ?1"
        " UNION SELECT e.ip_address FROM port_allowed_address_pairs e"
        " JOIN port_security_group_bindings b ON b.port_id = e.port_id"
        " WHERE b.security_group_id = ?1";

    return conn_each_id(c, conn_stmt_text(c, sql, sg_id), cb, aux,
                        "member addresses of security group");
}

int
store_sg_in_use(struct store_conn *c, const char *id, bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM port_security_group_bindings"
        " WHERE security_group_id = ?)";

    return conn_one_bool(c, conn_stmt_text(c, sql, id), ret, "security group in use");
}

static void
id_read(struct db_stmt *st, void *ret)
{
    col_copy(st, 0, ret, ID_LEN);
}

int
store_sg_default_get(struct store_conn *c, const char *project_id, char ret[ID_LEN])
{
    static const char sql[] =
        "SELECT security_group_id FROM default_security_group WHERE project_id = ?";

    return conn_read_row(c, conn_stmt_text(c, sql, project_id), id_read, ret,
                         "get default security group");
}

int
store_sg_default_set(struct store_conn *c, const char *project_id, const char *sg_id)
{
    static const char sql[] =
        "INSERT INTO default_security_group (project_id, security_group_id) VALUES (?, ?)"
        " ON CONFLICT DO NOTHING";

    return conn_insert_stmt(c, conn_stmt_text2(c, sql, project_id, sg_id),
                            "set default security group");
}

int
store_sg_is_default(struct store_conn *c, const char *sg_id, bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM default_security_group WHERE security_group_id = ?)";

    return conn_one_bool(c, conn_stmt_text(c, sql, sg_id), ret, "is default security group");
}

/* --- Rules -------------------------------------------------------------------------- */

static void
sg_rule_from_row(struct db_stmt *st, struct sg_rule *r, bool copy)
{
    memset(r, 0, sizeof *r);
    std_from_row(st, &r->std, copy);
    col_copy(st, STD_NCOLS, r->security_group_id, sizeof r->security_group_id);
    col_copy(st, STD_NCOLS + 1, r->remote_group_id, sizeof r->remote_group_id);
    col_copy(st, STD_NCOLS + 2, r->direction, sizeof r->direction);
    col_copy(st, STD_NCOLS + 3, r->ethertype, sizeof r->ethertype);
    r->protocol = col_text(st, STD_NCOLS + 4, copy);
    r->port_range_min = db_col_is_null(st, STD_NCOLS + 5) ? SG_PORT_NONE
                                                           : db_col_int(st, STD_NCOLS + 5);
    r->port_range_max = db_col_is_null(st, STD_NCOLS + 6) ? SG_PORT_NONE
                                                           : db_col_int(st, STD_NCOLS + 6);
    r->remote_ip_prefix = col_text(st, STD_NCOLS + 7, copy);
    r->normalized_cidr = col_text(st, STD_NCOLS + 8, copy);
    r->seq = db_col_int(st, STD_NCOLS + 9);
    r->sg_project_id = col_text(st, STD_NCOLS + 10, copy);
    col_copy(st, STD_NCOLS + 11, r->remote_address_group_id, sizeof r->remote_address_group_id);
}

static void
sg_rule_read(struct db_stmt *st, void *ret)
{
    sg_rule_from_row(st, ret, true);
}

struct sg_rule_walk {
    store_sg_rule_cb *cb;
    void *aux;
};

static int
sg_rule_row(struct db_stmt *st, void *aux)
{
    struct sg_rule_walk *w = aux;
    struct sg_rule r;

    sg_rule_from_row(st, &r, false);
    return w->cb(&r, w->aux);
}

int
store_sg_rule_foreach(struct store_conn *c, const struct list_query *q, store_sg_rule_cb *cb,
                      void *aux)
{
    struct sg_rule_walk w = { cb, aux };

    return list_run(c, &sg_rule_sql, q, sg_rule_row, &w);
}

int
store_sg_rules_of_group(struct store_conn *c, const char *sg_id, store_sg_rule_cb *cb,
                        void *aux)
{
    static const char sql[] = SG_RULE_SELECT " WHERE r.security_group_id = ? ORDER BY r.seq";
    struct sg_rule_walk w = { cb, aux };

    return conn_each_row(c, conn_stmt_text(c, sql, sg_id), sg_rule_row, &w,
                         "rules of security group");
}

int
store_sg_rule_get(struct store_conn *c, const char *id, const char *visible_to,
                  struct sg_rule *ret)
{
    static const char sql[] = SG_RULE_SELECT " WHERE r.id = ?";
    static const char sql_vis[] =
        SG_RULE_SELECT " WHERE r.id = ? AND (r.project_id = ?2 OR r.security_group_id IN"
        " (SELECT g2.id FROM security_groups g2 WHERE g2.project_id = ?2))";
    struct db_stmt *st = visible_to ? conn_stmt_text2(c, sql_vis, id, visible_to)
                                    : conn_stmt_text(c, sql, id);

    return conn_read_row(c, st, sg_rule_read, ret, "get security group rule");
}

/* Binds 'v' to parameter 'i', or NULL for SG_PORT_NONE. */
static void
bind_port(struct db_stmt *st, int i, int64_t v)
{
    if (v == SG_PORT_NONE) {
        db_bind_null(st, i);
    } else {
        db_bind_int(st, i, v);
    }
}

int
store_sg_rule_insert(struct store_conn *c, const struct sg_rule *r)
{
    static const char sql[] =
        "INSERT INTO security_group_rules (" SQL_STD_INSERT_COLUMNS ", security_group_id,"
        " remote_group_id, direction, ethertype, protocol, port_range_min, port_range_max,"
        " remote_ip_prefix, normalized_cidr, remote_address_group_id, seq)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
        " (SELECT COALESCE(MAX(seq), 0) + 1 FROM security_group_rules))";
    struct db_stmt *st = conn_stmt_std(c, sql, &r->std);

    if (st) {
        const char *const texts[] = {
            r->security_group_id, r->remote_group_id[0] ? r->remote_group_id : NULL,
            r->direction, r->ethertype, r->protocol,
        };
        bind_texts(st, 8, texts, ARRAY_SIZE(texts));
        bind_port(st, 13, r->port_range_min);
        bind_port(st, 14, r->port_range_max);
        db_bind_text(st, 15, r->remote_ip_prefix);
        db_bind_text(st, 16, r->normalized_cidr);
        db_bind_text(st, 17, r->remote_address_group_id[0] ? r->remote_address_group_id : NULL);
    }
    return conn_exec_stmt(c, st, "insert security group rule");
}

int
store_sg_rule_update(struct store_conn *c, const struct sg_rule *r)
{
    static const char sql[] = "UPDATE security_group_rules SET " SQL_STD_UPDATE_SET
                              " WHERE id = ?1";

    return conn_exec_change(c, conn_stmt_std(c, sql, &r->std), "update security group rule");
}

int
store_sg_rule_delete(struct store_conn *c, const char *id)
{
    static const char tags[] = "DELETE FROM tags WHERE resource_id = ?";
    static const char sql[] = "DELETE FROM security_group_rules WHERE id = ?";
    int r = conn_exec_stmt(c, conn_stmt_text(c, tags, id), "delete security group rule tags");

    return r ? r : conn_exec_change(c, conn_stmt_text(c, sql, id),
                                    "delete security group rule");
}
