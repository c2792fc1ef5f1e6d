/* SQLite backend, part 8: which DHCP agents host which networks (the scheduler's
 * table), and provisioning blocks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "store_conn.h"

int
store_dhcp_bind(struct store_conn *c, const char *network_id, const char *agent_id)
{
    static const char sql[] = "INSERT INTO network_dhcp_agents (network_id, agent_id)"
                              " VALUES (?, ?) ON CONFLICT DO NOTHING";

    return conn_insert_stmt(c, conn_stmt_text2(c, sql, network_id, agent_id),
                            "bind dhcp agent");
}

int
store_dhcp_unbind(struct store_conn *c, const char *network_id, const char *agent_id)
{
    static const char sql[] = "DELETE FROM network_dhcp_agents"
                              " WHERE network_id = ? AND agent_id = ?";

    return conn_exec_change(c, conn_stmt_text2(c, sql, network_id, agent_id),
                            "unbind dhcp agent");
}

int
store_dhcp_agents_of_network(struct store_conn *c, const char *network_id,
                             store_agent_cb *cb, void *aux)
{
    static const char sql[] = AGENT_SELECT " WHERE id IN (SELECT agent_id FROM"
                              " network_dhcp_agents WHERE network_id = ?) ORDER BY host";

    return agents_each(c, conn_stmt_text(c, sql, network_id), cb, aux,
                       "dhcp agents of network");
}

int
store_dhcp_networks_of_agent(struct store_conn *c, const char *agent_id, store_id_cb *cb,
                             void *aux)
{
    static const char sql[] = "SELECT network_id FROM network_dhcp_agents"
                              " WHERE agent_id = ? ORDER BY network_id";

    return conn_each_id(c, conn_stmt_text(c, sql, agent_id), cb, aux,
                        "networks of dhcp agent");
}

int
store_dhcp_candidates(struct store_conn *c, const char *network_id, int64_t alive_since,
                      store_agent_cb *cb, void *aux)
{
    static const char sql[] =
        AGENT_SELECT " WHERE agent_type = 'DHCP agent' AND admin_state_up = 1"
                     " AND heartbeat_at >= ?2 AND id NOT IN (SELECT agent_id FROM"
                     " network_dhcp_agents WHERE network_id = ?1)"
                     " ORDER BY (SELECT COUNT(*) FROM network_dhcp_agents b"
                     "  WHERE b.agent_id = agents.id), host";

    return agents_each(c, conn_stmt_text_int(c, sql, network_id, alive_since), cb, aux,
                       "dhcp candidates");
}

int
store_dhcp_unscheduled(struct store_conn *c, int per_network, store_id_cb *cb, void *aux)
{
    static const char sql[] =
        "SELECT n.id FROM networks n WHERE EXISTS (SELECT 1 FROM subnets s"
        "  WHERE s.network_id = n.id AND s.enable_dhcp = 1)"
        " AND (SELECT COUNT(*) FROM network_dhcp_agents b WHERE b.network_id = n.id) < ?"
        " ORDER BY n.id";

    return conn_each_id(c, conn_stmt_int(c, sql, per_network), cb, aux,
                        "unscheduled networks");
}

int
store_dhcp_dead_bindings(struct store_conn *c, int64_t dead_before, store_pair_cb *cb,
                         void *aux)
{
    static const char sql[] =
        "SELECT b.network_id, b.agent_id FROM network_dhcp_agents b JOIN agents a"
        " ON a.id = b.agent_id WHERE a.admin_state_up = 1 AND a.heartbeat_at < ?"
        " ORDER BY b.network_id, b.agent_id";

    return conn_each_pair(c, conn_stmt_int(c, sql, dead_before), cb, aux,
                          "dead dhcp bindings");
}

int
store_network_has_dhcp(struct store_conn *c, const char *network_id, bool *ret)
{
    static const char sql[] = "SELECT EXISTS (SELECT 1 FROM subnets WHERE network_id = ?"
                              " AND enable_dhcp = 1)";

    return conn_one_bool(c, conn_stmt_text(c, sql, network_id), ret, "network has dhcp");
}

int
store_dhcp_load(struct store_conn *c, const char *agent_id, int64_t *ret)
{
    static const char sql[] = "SELECT COUNT(*) FROM network_dhcp_agents WHERE agent_id = ?";

    return conn_one_int(c, conn_stmt_text(c, sql, agent_id), ret, "dhcp load");
}

/* --- Provisioning blocks --------------------------------------------------------- */

int
store_block_add(struct store_conn *c, const char *port_id, const char *entity)
{
    static const char sql[] = "INSERT INTO provisioning_blocks (port_id, entity)"
                              " VALUES (?, ?) ON CONFLICT DO NOTHING";

    return conn_exec_stmt(c, conn_stmt_text2(c, sql, port_id, entity),
                          "add provisioning block");
}

int
store_block_remove(struct store_conn *c, const char *port_id, const char *entity)
{
    static const char sql[] = "DELETE FROM provisioning_blocks WHERE port_id = ?"
                              " AND entity = ?";

    return conn_exec_change(c, conn_stmt_text2(c, sql, port_id, entity),
                            "remove provisioning block");
}

int
store_block_count(struct store_conn *c, const char *port_id, int64_t *ret)
{
    static const char sql[] = "SELECT COUNT(*) FROM provisioning_blocks WHERE port_id = ?";

    return conn_one_int(c, conn_stmt_text(c, sql, port_id), ret, "provisioning blocks");
}

int
store_port_needs_dhcp(struct store_conn *c, const char *port_id, const char *network_id,
                      bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM ip_allocations a JOIN subnets s"
        "  ON s.id = a.subnet_id WHERE a.port_id = ?1 AND s.enable_dhcp = 1)"
        " AND EXISTS (SELECT 1 FROM network_dhcp_agents WHERE network_id = ?2)";

    return conn_one_bool(c, conn_stmt_text2(c, sql, port_id, network_id), ret,
                         "port needs dhcp");
}
