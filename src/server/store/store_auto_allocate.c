/* Each project's auto-allocated topology (auto-allocated-topology): one row per
 * project naming its network and router.  The project is the primary key, so two
 * requests racing to allocate for one project cannot both record theirs. */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_conn.h"

static void
topology_read(struct db_stmt *st, void *ret)
{
    struct auto_allocated_topology *t = ret;

    memset(t, 0, sizeof *t);
    col_copy(st, 0, t->network_id, sizeof t->network_id);
    col_copy(st, 1, t->router_id, sizeof t->router_id);
}

int
store_auto_allocated_get(struct store_conn *c, const char *project_id,
                         struct auto_allocated_topology *ret)
{
    static const char sql[] =
        "SELECT network_id, router_id FROM auto_allocated_topologies WHERE project_id = ?";

    return conn_read_row(c, conn_stmt_text(c, sql, project_id), topology_read, ret,
                         "get auto-allocated topology");
}

int
store_auto_allocated_insert(struct store_conn *c, const char *project_id,
                            const struct auto_allocated_topology *t)
{
    static const char sql[] =
        "INSERT INTO auto_allocated_topologies (project_id, network_id, router_id)"
        " VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
    const char *values[] = { project_id, t->network_id, *t->router_id ? t->router_id : NULL };

    return conn_insert_stmt(c, conn_stmt_texts(c, sql, values, 3),
                            "insert auto-allocated topology");
}

int
store_auto_allocated_delete(struct store_conn *c, const char *project_id)
{
    static const char sql[] = "DELETE FROM auto_allocated_topologies WHERE project_id = ?";

    return conn_exec_stmt(c, conn_stmt_text(c, sql, project_id),
                          "delete auto-allocated topology");
}
