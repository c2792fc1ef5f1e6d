/* HA routers in the store (store.h, "HA routers"): the several agents hosting an HA
 * router with the state each reported, each project's HA network, and the VRRP ids in
 * use on it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "store_conn.h"
#include "util.h"

int
store_l3_bind_ha(struct store_conn *c, const char *router_id, const char *agent_id)
{
    static const char sql[] = "INSERT INTO router_l3_agent_bindings (router_id, agent_id,"
                              " ha_state) VALUES (?, ?, 'standby') ON CONFLICT DO NOTHING";

    return conn_insert_stmt(c, conn_stmt_text2(c, sql, router_id, agent_id),
                            "bind ha router");
}

int
store_l3_agents_of_router(struct store_conn *c, const char *router_id, store_agent_cb *cb,
                          void *aux)
{
    static const char sql[] = AGENT_SELECT " WHERE id IN (SELECT agent_id FROM"
                              " router_l3_agent_bindings WHERE router_id = ?) ORDER BY host";

    return agents_each(c, conn_stmt_text(c, sql, router_id), cb, aux, "l3 agents of router");
}

int
store_l3_ha_states(struct store_conn *c, const char *router_id, store_pair_cb *cb, void *aux)
{
    static const char sql[] = "SELECT agent_id, ha_state FROM router_l3_agent_bindings"
                              " WHERE router_id = ? ORDER BY agent_id";

    return conn_each_pair(c, conn_stmt_text(c, sql, router_id), cb, aux, "ha states");
}

int
store_l3_set_ha_state(struct store_conn *c, const char *router_id, const char *agent_id,
                      const char *state)
{
    static const char sql[] = "UPDATE router_l3_agent_bindings SET ha_state = ?3"
                              " WHERE router_id = ?1 AND agent_id = ?2";
    const char *values[] = { router_id, agent_id, state };

    return conn_exec_change(c, conn_stmt_texts(c, sql, values, ARRAY_SIZE(values)),
                            "set ha state");
}

int
store_ha_network_get(struct store_conn *c, const char *project_id, char ret[ID_LEN])
{
    static const char sql[] = "SELECT network_id FROM ha_router_networks WHERE project_id = ?";
    char *id = NULL;
    int r = conn_read_row(c, conn_stmt_text(c, sql, project_id), col_text_read, &id,
                          "ha network");

    if (!r) {
        snprintf(ret, ID_LEN, "%s", id);
    }
    free(id);
    return r;
}

int
store_ha_network_insert(struct store_conn *c, const char *project_id, const char *network_id)
{
    static const char sql[] = "INSERT INTO ha_router_networks (project_id, network_id)"
                              " VALUES (?, ?) ON CONFLICT DO NOTHING";

    return conn_insert_stmt(c, conn_stmt_text2(c, sql, project_id, network_id),
                            "insert ha network");
}

int
store_ha_network_delete(struct store_conn *c, const char *project_id)
{
    static const char sql[] = "DELETE FROM ha_router_networks WHERE project_id = ?";

    return conn_exec_change(c, conn_stmt_text(c, sql, project_id), "delete ha network");
}

int
store_ha_routers_count(struct store_conn *c, const char *project_id, int64_t *ret)
{
    static const char sql[] = "SELECT COUNT(*) FROM routers WHERE project_id = ? AND ha = 1";

    return conn_one_int(c, conn_stmt_text(c, sql, project_id), ret, "count ha routers");
}

static int
vrid_row(struct db_stmt *st, void *aux)
{
    bool *used = aux;
    int64_t v = db_col_int(st, 0);

    if (v > 0 && v < STORE_VRID_LIMIT) {
        used[v] = true;
    }
    return 0;
}

int
store_ha_vrids_used(struct store_conn *c, const char *network_id, bool used[STORE_VRID_LIMIT])
{
    static const char sql[] = "SELECT vr_id FROM ha_router_vrid_allocations"
                              " WHERE network_id = ?";

    memset(used, 0, STORE_VRID_LIMIT * sizeof *used);
    return conn_each_row(c, conn_stmt_text(c, sql, network_id), vrid_row, used, "vr ids");
}

int
store_ha_vrid_insert(struct store_conn *c, const char *network_id, int vr_id)
{
    static const char sql[] = "INSERT INTO ha_router_vrid_allocations (network_id, vr_id)"
                              " VALUES (?, ?) ON CONFLICT DO NOTHING";

    return conn_insert_stmt(c, conn_stmt_text_int(c, sql, network_id, vr_id),
                            "allocate vr id");
}

int
store_ha_vrid_delete(struct store_conn *c, const char *network_id, int vr_id)
{
    static const char sql[] = "DELETE FROM ha_router_vrid_allocations"
                              " WHERE network_id = ? AND vr_id = ?";

    return conn_exec_change(c, conn_stmt_text_int(c, sql, network_id, vr_id),
                            "release vr id");
}

int
store_l3_ha_underscheduled(struct store_conn *c, const char *agent_id, int max_agents,
                           store_id_cb *cb, void *aux)
{
    static const char sql[] =
        "SELECT r.id FROM routers r WHERE r.ha = 1 AND NOT EXISTS (SELECT 1 FROM"
        " router_l3_agent_bindings b WHERE b.router_id = r.id AND b.agent_id = ?1)"
        " AND (?2 = 0 OR (SELECT COUNT(*) FROM router_l3_agent_bindings b"
        " WHERE b.router_id = r.id) < ?2) ORDER BY r.id";

    return conn_each_id(c, conn_stmt_text_int(c, sql, agent_id, max_agents), cb, aux,
                        "under-scheduled ha routers");
}
