/* L3 agents: which agent hosts each router (the router scheduler's table), and the
 * views of routers and floating IPs the scheduler and the L3 agents' calls need. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "store_conn.h"

int
store_l3_bind(struct store_conn *c, const char *router_id, const char *agent_id)
{
    /* One agent per legacy router: the write lock makes the check and the insert one. */
    static const char sql[] = "INSERT INTO router_l3_agent_bindings (router_id, agent_id)"
                              " SELECT ?1, ?2 WHERE NOT EXISTS (SELECT 1 FROM"
                              " router_l3_agent_bindings WHERE router_id = ?1)";

    return conn_insert_stmt(c, conn_stmt_text2(c, sql, router_id, agent_id), "bind l3 agent");
}

int
store_l3_unbind(struct store_conn *c, const char *router_id, const char *agent_id)
{
    static const char sql[] = "DELETE FROM router_l3_agent_bindings"
                              " WHERE router_id = ? AND agent_id = ?";

    return conn_exec_change(c, conn_stmt_text2(c, sql, router_id, agent_id),
                            "unbind l3 agent");
}

static void
agent_copy_read(struct db_stmt *st, void *ret)
{
    agent_from_row(st, ret, true);
}

int
store_l3_agent_of_router(struct store_conn *c, const char *router_id, struct agent *ret)
{
    static const char sql[] = AGENT_SELECT " WHERE id = (SELECT agent_id FROM"
                              " router_l3_agent_bindings WHERE router_id = ? ORDER BY agent_id"
                              " LIMIT 1)";

    return conn_read_row(c, conn_stmt_text(c, sql, router_id), agent_copy_read, ret,
                         "l3 agent of router");
}

int
store_l3_routers_of_agent(struct store_conn *c, const char *agent_id, store_id_cb *cb,
                          void *aux)
{
    static const char sql[] = "SELECT router_id FROM router_l3_agent_bindings"
                              " WHERE agent_id = ? ORDER BY router_id";

    return conn_each_id(c, conn_stmt_text(c, sql, agent_id), cb, aux, "routers of l3 agent");
}

int
store_l3_candidates(struct store_conn *c, int64_t alive_since, store_agent_cb *cb, void *aux)
{
    static const char sql[] =
        AGENT_SELECT " WHERE agent_type = 'L3 agent' AND admin_state_up = 1"
                     " AND heartbeat_at >= ?"
                     " ORDER BY (SELECT COUNT(*) FROM router_l3_agent_bindings b"
                     "  WHERE b.agent_id = agents.id), host";

    return agents_each(c, conn_stmt_int(c, sql, alive_since), cb, aux, "l3 candidates");
}

int
store_l3_unscheduled(struct store_conn *c, store_id_cb *cb, void *aux)
{
    static const char sql[] =
        "SELECT r.id FROM routers r WHERE NOT EXISTS (SELECT 1 FROM"
        " router_l3_agent_bindings b WHERE b.router_id = r.id) ORDER BY r.id";

    return conn_each_id(c, conn_stmt(c, sql), cb, aux, "unscheduled routers");
}

int
store_l3_dead_bindings(struct store_conn *c, int64_t dead_before, store_pair_cb *cb, void *aux)
{
    static const char sql[] =
        "SELECT b.router_id, b.agent_id FROM router_l3_agent_bindings b JOIN agents a"
        " ON a.id = b.agent_id JOIN routers r ON r.id = b.router_id"
        " WHERE a.admin_state_up = 1 AND a.heartbeat_at < ? AND r.ha = 0"
        " ORDER BY b.router_id";

    return conn_each_pair(c, conn_stmt_int(c, sql, dead_before), cb, aux,
                          "dead l3 bindings");
}

int
store_floatingips_of_router_status(struct store_conn *c, const char *router_id,
                                   const char *status)
{
    static const char sql[] = "UPDATE floatingips SET status = ?2 WHERE router_id = ?1";

    return conn_exec_stmt(c, conn_stmt_text2(c, sql, router_id, status),
                          "floating IP status");
}

struct fip_walk {
    store_fip_assoc_cb *cb;
    void *aux;
};

static int
fip_row(struct db_stmt *st, void *aux)
{
    struct fip_walk *w = aux;

    return w->cb(col_text(st, 0, false), col_text(st, 1, false), col_text(st, 2, false),
                 col_text(st, 3, false), w->aux);
}

int
store_l3_floatingips_of_router(struct store_conn *c, const char *router_id,
                               store_fip_assoc_cb *cb, void *aux)
{
    static const char sql[] =
        "SELECT id, floating_ip_address, fixed_ip_address, fixed_port_id FROM floatingips"
        " WHERE router_id = ? AND fixed_port_id IS NOT NULL ORDER BY id";
    struct fip_walk w = { cb, aux };

    return conn_each_row(c, conn_stmt_text(c, sql, router_id), fip_row, &w,
                         "floating IPs of router");
}

int
store_routers_with_gateway_on(struct store_conn *c, const char *network_id, store_id_cb *cb,
                              void *aux)
{
    static const char sql[] =
        "SELECT DISTINCT rp.router_id FROM router_ports rp JOIN ports p ON p.id = rp.port_id"
        " WHERE rp.port_type = 'network:router_gateway' AND p.network_id = ?"
        " ORDER BY rp.router_id";

    return conn_each_id(c, conn_stmt_text(c, sql, network_id), cb, aux,
                        "routers with a gateway on");
}

int
store_routers_of_port_floatingips(struct store_conn *c, const char *port_id, store_id_cb *cb,
                                  void *aux)
{
    static const char sql[] =
        "SELECT DISTINCT router_id FROM floatingips WHERE fixed_port_id = ?"
        " AND router_id IS NOT NULL ORDER BY router_id";

    return conn_each_id(c, conn_stmt_text(c, sql, port_id), cb, aux,
                        "routers of a port's floating IPs");
}
