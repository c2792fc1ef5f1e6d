/* Routers and the ports they own (store.h, "Routers").  A router's gateway is read with
 * it, in the same query: the network and addresses of its network:router_gateway
 * port. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "store_conn.h"
#include "util.h"

LOG_MODULE("store");

#define GATEWAY_PORT(r)                                                                    \
    "(SELECT rp.port_id FROM router_ports rp WHERE rp.router_id = " r ".id"               \
    "   AND rp.port_type = 'network:router_gateway')"

#define ROUTER_SELECT                                                                      \
    "SELECT " SQL_STD_COLUMNS("r") ", r.admin_state_up, r.status, r.enable_snat,"          \
    " r.routes, " GATEWAY_PORT("r") ","                                                    \
    " (SELECT gp.network_id FROM ports gp WHERE gp.id = " GATEWAY_PORT("r") "),"          \
    " (SELECT "                                                                            \
    SQL_JSON_ARRAY("json_object('subnet_id', subnet_id, 'ip_address', ip_address)")       \
    "   FROM (SELECT a.subnet_id, a.ip_address FROM ip_allocations a"                      \
    "   WHERE a.port_id = " GATEWAY_PORT("r") " ORDER BY a.seq) x), r.ha, r.ha_vr_id,"     \
    " r.az_hints,"                                                                         \
    " (SELECT " SQL_JSON_ARRAY("json_quote(z)")                                            \
    "   FROM (SELECT DISTINCT ag.availability_zone AS z"                                   \
    "   FROM router_l3_agent_bindings b JOIN agents ag ON ag.id = b.agent_id"              \
    "   WHERE b.router_id = r.id AND ag.availability_zone IS NOT NULL ORDER BY z) y)"      \
    " FROM routers r"

static const struct field_column router_columns[] = {
    { SF_ID, "r.id" },
    { SF_NAME, "r.name" },
    { SF_PROJECT_ID, "r.project_id" },
    { SF_DESCRIPTION, "r.description" },
    { SF_REVISION_NUMBER, "r.revision_number" },
    { SF_ADMIN_STATE_UP, "r.admin_state_up" },
    { SF_STATUS, "r.status" },
};

static const struct resource_sql router_sql = {
    .select = ROUTER_SELECT,
    .table = "routers",
    .table_alias = "r",
    .visibility = "r.project_id = ?",
    .visibility_params = 1,
    .columns = router_columns,
    .n_columns = ARRAY_SIZE(router_columns),
};

static void
router_from_row(struct db_stmt *st, struct router *r, bool copy)
{
    memset(r, 0, sizeof *r);
    std_from_row(st, &r->std, copy);
    r->admin_state_up = (int) db_col_int(st, STD_NCOLS);
    col_copy(st, STD_NCOLS + 1, r->status, sizeof r->status);
    r->enable_snat = (int) db_col_int(st, STD_NCOLS + 2);
    r->routes_json = col_text(st, STD_NCOLS + 3, copy);
    col_copy(st, STD_NCOLS + 4, r->gw_port_id, sizeof r->gw_port_id);
    col_copy(st, STD_NCOLS + 5, r->gw_network_id, sizeof r->gw_network_id);
    r->gw_fixed_ips_json = col_text(st, STD_NCOLS + 6, copy);
    r->ha = (int) db_col_int(st, STD_NCOLS + 7);
    r->ha_vr_id = (int) db_col_int(st, STD_NCOLS + 8);
    r->az_hints_json = col_text(st, STD_NCOLS + 9, copy);
    r->azs_json = col_text(st, STD_NCOLS + 10, copy);
}

static void
router_read(struct db_stmt *st, void *ret)
{
    router_from_row(st, ret, true);
}

struct router_walk {
    store_router_cb *cb;
    void *aux;
};

static int
router_row(struct db_stmt *st, void *aux)
{
    struct router_walk *w = aux;
    struct router r;

    router_from_row(st, &r, false);
    return w->cb(&r, w->aux);
}

int
store_router_foreach(struct store_conn *c, const struct list_query *q, store_router_cb *cb,
                     void *aux)
{
    struct router_walk w = { cb, aux };

    return list_run(c, &router_sql, q, router_row, &w);
}

int
store_router_get(struct store_conn *c, const char *id, const char *visible_to,
                 struct router *ret)
{
    static const char sql[] = ROUTER_SELECT " WHERE r.id = ?";
    static const char sql_vis[] = ROUTER_SELECT " WHERE r.id = ? AND r.project_id = ?";
    struct db_stmt *st = visible_to ? conn_stmt_text2(c, sql_vis, id, visible_to)
                                    : conn_stmt_text(c, sql, id);

    return conn_read_row(c, st, router_read, ret, "get router");
}

/* Binds the router's own columns after the standard ones (?8 on). */
static void
bind_router(struct db_stmt *st, const struct router *r)
{
    db_bind_int(st, 8, r->admin_state_up);
    db_bind_text(st, 9, r->status);
    db_bind_int(st, 10, r->enable_snat);
    db_bind_text(st, 11, r->routes_json ? r->routes_json : "[]");
    db_bind_int(st, 12, r->ha);
    db_bind_int(st, 13, r->ha_vr_id);
}

int
store_router_insert(struct store_conn *c, const struct router *r)
{
    static const char sql[] =
        "INSERT INTO routers (" SQL_STD_INSERT_COLUMNS ", admin_state_up, status,"
        " enable_snat, routes, ha, ha_vr_id, az_hints)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    struct db_stmt *st = conn_stmt_std(c, sql, &r->std);

    if (st) {
        bind_router(st, r);
        db_bind_text(st, 14, r->az_hints_json ? r->az_hints_json : "[]");
    }
    return conn_exec_stmt(c, st, "insert router");
}

int
store_router_update(struct store_conn *c, const struct router *r)
{
    static const char sql[] =
        "UPDATE routers SET " SQL_STD_UPDATE_SET ", admin_state_up = ?8, status = ?9,"
        " enable_snat = ?10, routes = ?11, ha = ?12, ha_vr_id = ?13 WHERE id = ?1";
    struct db_stmt *st = conn_stmt_std(c, sql, &r->std);

    if (st) {
        bind_router(st, r);
    }
    return conn_exec_change(c, st, "update router");
}

int
store_router_delete(struct store_conn *c, const char *id)
{
    static const char tags[] = "DELETE FROM tags WHERE resource_id = ?";
    static const char sql[] = "DELETE FROM routers WHERE id = ?";
    /* An auto-allocated topology keeps its network without the router (Zed's SET NULL;
     * the SQLite backend does not enforce foreign keys). */
    static const char topology[] =
        "UPDATE auto_allocated_topologies SET router_id = NULL WHERE router_id = ?";
    int r = conn_exec_stmt(c, conn_stmt_text(c, tags, id), "delete router tags");

    r = r ? r : conn_exec_stmt(c, conn_stmt_text(c, topology, id), "unlink topology router");
    return r ? r : conn_exec_change(c, conn_stmt_text(c, sql, id), "delete router");
}

int
store_router_bump(struct store_conn *c, const char *id, const char *now)
{
    static const char sql[] =
        "UPDATE routers SET revision_number = revision_number + 1, updated_at = ?"
        " WHERE id = ?";

    return conn_exec_stmt(c, conn_stmt_text2(c, sql, now, id), "bump router");
}

int
store_router_port_add(struct store_conn *c, const char *router_id, const char *port_id,
                      const char *port_type)
{
    static const char sql[] =
        "INSERT INTO router_ports (router_id, port_id, port_type) VALUES (?, ?, ?)";
    const char *values[] = { router_id, port_id, port_type };

    return conn_exec_stmt(c, conn_stmt_texts(c, sql, values, 3), "add router port");
}

int
store_router_ports(struct store_conn *c, const char *router_id, const char *port_type,
                   store_id_cb *cb, void *aux)
{
    static const char sql[] =
        "SELECT port_id FROM router_ports WHERE router_id = ? AND port_type = ?"
        " ORDER BY port_id";

    return conn_each_id(c, conn_stmt_text2(c, sql, router_id, port_type), cb, aux,
                        "router ports");
}

static void
id_read(struct db_stmt *st, void *ret)
{
    col_copy(st, 0, ret, ID_LEN);
}

int
store_port_router(struct store_conn *c, const char *port_id, char ret[ID_LEN])
{
    static const char sql[] = "SELECT router_id FROM router_ports WHERE port_id = ?";
    int r = conn_read_row(c, conn_stmt_text(c, sql, port_id), id_read, ret, "port router");

    if (r == -ENOENT) {
        ret[0] = '\0';
        return 0;
    }
    return r;
}

int
store_network_has_gateways(struct store_conn *c, const char *network_id, bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM ports WHERE network_id = ?"
        " AND device_owner = 'network:router_gateway')";

    return conn_one_bool(c, conn_stmt_text(c, sql, network_id), ret, "network gateways");
}
