/* SQLite backend, part 8: which DHCP agents host which networks (the scheduler's
 * table), and provisioning blocks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "store_conn.h"

/* Runs a statement whose rows are one or two text columns. */
static int
each_text(struct store_conn *c, struct db_stmt *st, store_id_cb *cb1, store_pair_cb *cb2,
          void *aux, const char *what)
{
    int rc, r = 0;

    while ((rc = db_step(st)) == DB_ROW) {
        const char *a = (const char *) db_col_text(st, 0);
        r = cb1 ? cb1(a, aux) : cb2(a, (const char *) db_col_text(st, 1), aux);
        if (r) {
            break;
        }
    }
    db_reset(st);
    return r ? r : rc == DB_ROW || rc == DB_DONE ? 0 : conn_error(c, rc, what);
}

int
store_dhcp_bind(struct store_conn *c, const char *network_id, const char *agent_id)
{
    struct db_stmt *st = conn_stmt(c, "INSERT INTO network_dhcp_agents (network_id, agent_id)"
                                    " VALUES (?, ?) ON CONFLICT DO NOTHING");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, network_id);
    db_bind_text(st, 2, agent_id);
    return conn_insert_stmt(c, st, "bind dhcp agent");
}

int
store_dhcp_unbind(struct store_conn *c, const char *network_id, const char *agent_id)
{
    struct db_stmt *st = conn_stmt(c, "DELETE FROM network_dhcp_agents"
                                    " WHERE network_id = ? AND agent_id = ?");
    int r;

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, network_id);
    db_bind_text(st, 2, agent_id);
    r = conn_exec_stmt(c, st, "unbind dhcp agent");
    return r ? r : db_changes(c->db) ? 0 : -ENOENT;
}

int
store_dhcp_agents_of_network(struct store_conn *c, const char *network_id,
                             store_agent_cb *cb, void *aux)
{
    struct db_stmt *st = conn_stmt(c, AGENT_SELECT " WHERE id IN (SELECT agent_id FROM"
                                    " network_dhcp_agents WHERE network_id = ?) ORDER BY host");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, network_id);
    return agents_each(c, st, cb, aux, "dhcp agents of network");
}

int
store_dhcp_networks_of_agent(struct store_conn *c, const char *agent_id, store_id_cb *cb,
                             void *aux)
{
    struct db_stmt *st = conn_stmt(c, "SELECT network_id FROM network_dhcp_agents"
                                    " WHERE agent_id = ? ORDER BY network_id");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, agent_id);
    return each_text(c, st, cb, NULL, aux, "networks of dhcp agent");
}

int
store_dhcp_candidates(struct store_conn *c, const char *network_id, int64_t alive_since,
                      store_agent_cb *cb, void *aux)
{
    struct db_stmt *st = conn_stmt(
        c, AGENT_SELECT " WHERE agent_type = 'DHCP agent' AND admin_state_up = 1"
                        " AND heartbeat_at >= ?2 AND id NOT IN (SELECT agent_id FROM"
                        " network_dhcp_agents WHERE network_id = ?1)"
                        " ORDER BY (SELECT COUNT(*) FROM network_dhcp_agents b"
                        "  WHERE b.agent_id = agents.id), host");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, network_id);
    db_bind_int(st, 2, alive_since);
    return agents_each(c, st, cb, aux, "dhcp candidates");
}

int
store_dhcp_unscheduled(struct store_conn *c, int per_network, store_id_cb *cb, void *aux)
{
    struct db_stmt *st = conn_stmt(
        c, "SELECT n.id FROM networks n WHERE EXISTS (SELECT 1 FROM subnets s"
           "  WHERE s.network_id = n.id AND s.enable_dhcp = 1)"
           " AND (SELECT COUNT(*) FROM network_dhcp_agents b WHERE b.network_id = n.id) < ?"
           " ORDER BY n.id");

    if (!st) {
        return -EIO;
    }
    db_bind_int(st, 1, per_network);
    return each_text(c, st, cb, NULL, aux, "unscheduled networks");
}

int
store_dhcp_dead_bindings(struct store_conn *c, int64_t dead_before, store_pair_cb *cb,
                         void *aux)
{
    struct db_stmt *st = conn_stmt(
        c, "SELECT b.network_id, b.agent_id FROM network_dhcp_agents b JOIN agents a"
           " ON a.id = b.agent_id WHERE a.admin_state_up = 1 AND a.heartbeat_at < ?"
           " ORDER BY b.network_id, b.agent_id");

    if (!st) {
        return -EIO;
    }
    db_bind_int(st, 1, dead_before);
    return each_text(c, st, NULL, cb, aux, "dead dhcp bindings");
}

/* Runs a one-row, one-integer query. */
static int
one_int(struct store_conn *c, struct db_stmt *st, int64_t *ret, const char *what)
{
    int rc = db_step(st);

    if (rc == DB_ROW) {
        *ret = db_col_int(st, 0);
    }
    db_reset(st);
    return rc == DB_ROW ? 0 : conn_error(c, rc, what);
}

int
store_network_has_dhcp(struct store_conn *c, const char *network_id, bool *ret)
{
    struct db_stmt *st = conn_stmt(c, "SELECT EXISTS (SELECT 1 FROM subnets WHERE network_id = ?"
                                    " AND enable_dhcp = 1)");
    int64_t n = 0;
    int r;

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, network_id);
    r = one_int(c, st, &n, "network has dhcp");
    *ret = n != 0;
    return r;
}

int
store_dhcp_load(struct store_conn *c, const char *agent_id, int64_t *ret)
{
    struct db_stmt *st = conn_stmt(c, "SELECT COUNT(*) FROM network_dhcp_agents"
                                    " WHERE agent_id = ?");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, agent_id);
    return one_int(c, st, ret, "dhcp load");
}

/* --- Provisioning blocks --------------------------------------------------------- */

int
store_block_add(struct store_conn *c, const char *port_id, const char *entity)
{
    struct db_stmt *st = conn_stmt(c, "INSERT INTO provisioning_blocks (port_id, entity)"
                                    " VALUES (?, ?) ON CONFLICT DO NOTHING");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, port_id);
    db_bind_text(st, 2, entity);
    return conn_exec_stmt(c, st, "add provisioning block");
}

int
store_block_remove(struct store_conn *c, const char *port_id, const char *entity)
{
    struct db_stmt *st = conn_stmt(c, "DELETE FROM provisioning_blocks WHERE port_id = ?"
                                    " AND entity = ?");
    int r;

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, port_id);
    db_bind_text(st, 2, entity);
    r = conn_exec_stmt(c, st, "remove provisioning block");
    return r ? r : db_changes(c->db) ? 0 : -ENOENT;
}

int
store_block_count(struct store_conn *c, const char *port_id, int64_t *ret)
{
    struct db_stmt *st = conn_stmt(c, "SELECT COUNT(*) FROM provisioning_blocks"
                                    " WHERE port_id = ?");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, port_id);
    return one_int(c, st, ret, "provisioning blocks");
}

int
store_port_needs_dhcp(struct store_conn *c, const char *port_id, const char *network_id,
                      bool *ret)
{
    struct db_stmt *st = conn_stmt(
        c, "SELECT EXISTS (SELECT 1 FROM ip_allocations a JOIN subnets s"
           "  ON s.id = a.subnet_id WHERE a.port_id = ?1 AND s.enable_dhcp = 1)"
           " AND EXISTS (SELECT 1 FROM network_dhcp_agents WHERE network_id = ?2)");
    int64_t n = 0;
    int r;

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, port_id);
    db_bind_text(st, 2, network_id);
    r = one_int(c, st, &n, "port needs dhcp");
    *ret = n != 0;
    return r;
}
