/* Floating IPs (store.h, "Floating IPs").  The associated port's details are read with
 * the floating IP, in the same query. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "store_conn.h"
#include "util.h"

LOG_MODULE("store");

/* The port's columns are renamed so that no name repeats (a reversed page selects
 * everything of this query again). */
#define FIP_SELECT                                                                         \
    "SELECT " SQL_STD_COLUMNS("f") ", f.floating_network_id, f.floating_port_id,"          \
    " f.floating_ip_address, f.fixed_port_id, f.fixed_ip_address, f.router_id, f.status,"  \
    " fp.name AS port_name, fp.network_id AS port_network_id,"                            \
    " fp.mac_address AS port_mac_address, fp.admin_state_up AS port_admin_state_up,"      \
    " fp.status AS port_status, fp.device_id AS port_device_id,"                          \
    " fp.device_owner AS port_device_owner"                                               \
    " FROM floatingips f LEFT JOIN ports fp ON fp.id = f.fixed_port_id"

static const struct field_column fip_columns[] = {
    { SF_ID, "f.id" },
    { SF_PROJECT_ID, "f.project_id" },
    { SF_DESCRIPTION, "f.description" },
    { SF_REVISION_NUMBER, "f.revision_number" },
    { SF_STATUS, "f.status" },
    { SF_FLOATING_IP_ADDRESS, "f.floating_ip_address" },
    { SF_FLOATING_NETWORK_ID, "f.floating_network_id" },
    { SF_ROUTER_ID, "f.router_id" },
    { SF_PORT_ID, "f.fixed_port_id" },
    { SF_FIP_FIXED_IP_ADDRESS, "f.fixed_ip_address" },
};

static const struct resource_sql fip_sql = {
    .select = FIP_SELECT,
    .table = "floatingips",
    .table_alias = "f",
    .visibility = "f.project_id = ?",
    .visibility_params = 1,
    .columns = fip_columns,
    .n_columns = ARRAY_SIZE(fip_columns),
};

static void
fip_from_row(struct db_stmt *st, struct floatingip *f, bool copy)
{
    memset(f, 0, sizeof *f);
    std_from_row(st, &f->std, copy);
    col_copy(st, STD_NCOLS, f->floating_network_id, sizeof f->floating_network_id);
    col_copy(st, STD_NCOLS + 1, f->floating_port_id, sizeof f->floating_port_id);
    col_copy(st, STD_NCOLS + 2, f->floating_ip_address, sizeof f->floating_ip_address);
    col_copy(st, STD_NCOLS + 3, f->fixed_port_id, sizeof f->fixed_port_id);
    col_copy(st, STD_NCOLS + 4, f->fixed_ip_address, sizeof f->fixed_ip_address);
    col_copy(st, STD_NCOLS + 5, f->router_id, sizeof f->router_id);
    col_copy(st, STD_NCOLS + 6, f->status, sizeof f->status);
    f->port_name = col_text(st, STD_NCOLS + 7, copy);
    col_copy(st, STD_NCOLS + 8, f->port_network_id, sizeof f->port_network_id);
    col_copy(st, STD_NCOLS + 9, f->port_mac_address, sizeof f->port_mac_address);
    f->port_admin_state_up = (int) db_col_int(st, STD_NCOLS + 10);
    col_copy(st, STD_NCOLS + 11, f->port_status, sizeof f->port_status);
    f->port_device_id = col_text(st, STD_NCOLS + 12, copy);
    f->port_device_owner = col_text(st, STD_NCOLS + 13, copy);
}

static void
fip_read(struct db_stmt *st, void *ret)
{
    fip_from_row(st, ret, true);
}

struct fip_walk {
    store_floatingip_cb *cb;
    void *aux;
};

static int
fip_row(struct db_stmt *st, void *aux)
{
    struct fip_walk *w = aux;
    struct floatingip f;

    fip_from_row(st, &f, false);
    return w->cb(&f, w->aux);
}

int
store_floatingip_foreach(struct store_conn *c, const struct list_query *q,
                         store_floatingip_cb *cb, void *aux)
{
    struct fip_walk w = { cb, aux };

    return list_run(c, &fip_sql, q, fip_row, &w);
}

int
store_floatingip_get(struct store_conn *c, const char *id, const char *visible_to,
                     struct floatingip *ret)
{
    static const char sql[] = FIP_SELECT " WHERE f.id = ?";
    static const char sql_vis[] = FIP_SELECT " WHERE f.id = ? AND f.project_id = ?";
    struct db_stmt *st = visible_to ? conn_stmt_text2(c, sql_vis, id, visible_to)
                                    : conn_stmt_text(c, sql, id);

    return conn_read_row(c, st, fip_read, ret, "get floating IP");
}

/* NULL for "" (no association). */
static const char *
or_null(const char *s)
{
    return *s ? s : NULL;
}

/* Binds the association and status after the standard columns (?8 on). */
static void
bind_association(struct db_stmt *st, const struct floatingip *f)
{
    db_bind_text(st, 8, or_null(f->fixed_port_id));
    db_bind_text(st, 9, or_null(f->fixed_ip_address));
    db_bind_text(st, 10, or_null(f->router_id));
    db_bind_text(st, 11, f->status);
}

int
store_floatingip_insert(struct store_conn *c, const struct floatingip *f)
{
    static const char sql[] =
        "INSERT INTO floatingips (" SQL_STD_INSERT_COLUMNS ", fixed_port_id,"
        " fixed_ip_address, router_id, status, floating_network_id, floating_port_id,"
        " floating_ip_address) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    struct db_stmt *st = conn_stmt_std(c, sql, &f->std);

    if (st) {
        bind_association(st, f);
        db_bind_text(st, 12, f->floating_network_id);
        db_bind_text(st, 13, f->floating_port_id);
        db_bind_text(st, 14, f->floating_ip_address);
    }
    return conn_exec_stmt(c, st, "insert floating IP");
}

int
store_floatingip_update(struct store_conn *c, const struct floatingip *f)
{
    static const char sql[] =
        "UPDATE floatingips SET " SQL_STD_UPDATE_SET ", fixed_port_id = ?8,"
        " fixed_ip_address = ?9, router_id = ?10, status = ?11 WHERE id = ?1";
    struct db_stmt *st = conn_stmt_std(c, sql, &f->std);

    if (st) {
        bind_association(st, f);
    }
    return conn_exec_change(c, st, "update floating IP");
}

int
store_floatingip_delete(struct store_conn *c, const char *id)
{
    static const char tags[] = "DELETE FROM tags WHERE resource_id = ?";
    static const char sql[] = "DELETE FROM floatingips WHERE id = ?";
    int r = conn_exec_stmt(c, conn_stmt_text(c, tags, id), "delete floating IP tags");

    return r ? r : conn_exec_change(c, conn_stmt_text(c, sql, id), "delete floating IP");
}

int
store_floatingips_of_network_delete(struct store_conn *c, const char *network_id)
{
    static const char tags[] =
        "DELETE FROM tags WHERE resource_id IN (SELECT id FROM floatingips"
        " WHERE floating_network_id = ?)";
    static const char sql[] = "DELETE FROM floatingips WHERE floating_network_id = ?";
    int r = conn_exec_stmt(c, conn_stmt_text(c, tags, network_id), "delete floating IP tags");

    return r ? r : conn_exec_stmt(c, conn_stmt_text(c, sql, network_id),
                                  "delete floating IPs of network");
}

int
store_floatingip_bump(struct store_conn *c, const char *id, const char *now)
{
    static const char sql[] =
        "UPDATE floatingips SET revision_number = revision_number + 1, updated_at = ?"
        " WHERE id = ?";

    return conn_exec_stmt(c, conn_stmt_text2(c, sql, now, id), "bump floating IP");
}

int
store_floatingip_disassociate_port(struct store_conn *c, const char *port_id, const char *now)
{
    static const char sql[] =
        "UPDATE floatingips SET fixed_port_id = NULL, fixed_ip_address = NULL,"
        " router_id = NULL, status = 'DOWN', revision_number = revision_number + 1, updated_at = ?1"
        " WHERE fixed_port_id = ?2";

    return conn_exec_stmt(c, conn_stmt_text2(c, sql, now, port_id),
                          "disassociate floating IPs");
}

int
store_floatingip_exists(struct store_conn *c, const char *id, bool *ret)
{
    static const char sql[] = "SELECT EXISTS (SELECT 1 FROM floatingips WHERE id = ?)";

    return conn_one_bool(c, conn_stmt_text(c, sql, id), ret, "floating IP exists");
}

int
store_floatingip_on_router(struct store_conn *c, const char *router_id, bool *ret)
{
    static const char sql[] = "SELECT EXISTS (SELECT 1 FROM floatingips WHERE router_id = ?)";

    return conn_one_bool(c, conn_stmt_text(c, sql, router_id), ret, "floating IPs of router");
}

int
store_floatingip_fixed_taken(struct store_conn *c, const char *network_id, const char *port_id,
                             const char *fixed_ip, bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM floatingips WHERE floating_network_id = ?"
        " AND fixed_port_id = ? AND fixed_ip_address = ?)";
    const char *values[] = { network_id, port_id, fixed_ip };

    return conn_one_bool(c, conn_stmt_texts(c, sql, values, 3), ret, "fixed IP taken");
}

int
store_routers_between(struct store_conn *c, const char *subnet_id,
                      const char *external_network_id, store_pair_cb *cb, void *aux)
{
    static const char sql[] =
        "SELECT DISTINCT rp.router_id, a.ip_address FROM router_ports rp"
        " JOIN ip_allocations a ON a.port_id = rp.port_id"
        " JOIN router_ports gw ON gw.router_id = rp.router_id"
        "  AND gw.port_type = 'network:router_gateway'"
        " JOIN ports gp ON gp.id = gw.port_id"
        " WHERE rp.port_type = 'network:router_interface' AND a.subnet_id = ?1"
        "  AND gp.network_id = ?2 ORDER BY rp.router_id";

    return conn_each_pair(c, conn_stmt_text2(c, sql, subnet_id, external_network_id), cb, aux,
                          "routers between");
}

int
store_floatingip_fixed_of_router(struct store_conn *c, const char *router_id,
                                 store_pair_cb *cb, void *aux)
{
    static const char sql[] =
        "SELECT fixed_ip_address, fixed_port_id FROM floatingips"
        " WHERE router_id = ? AND fixed_port_id IS NOT NULL";

    return conn_each_pair(c, conn_stmt_text(c, sql, router_id), cb, aux,
                          "floating IPs of router");
}
