/* Agents, and the views agents need of the network (all network ids, l2population
 * entries). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "store_conn.h"
#include "util.h"

LOG_MODULE("store");

void
agent_from_row(struct db_stmt *st, struct agent *a, bool copy)
{
    memset(a, 0, sizeof *a);
    col_copy(st, 0, a->id, sizeof a->id);
    col_copy(st, 1, a->agent_type, sizeof a->agent_type);
    col_copy(st, 2, a->binary, sizeof a->binary);
    col_copy(st, 3, a->topic, sizeof a->topic);
    col_copy(st, 4, a->host, sizeof a->host);
    a->admin_state_up = (int) db_col_int(st, 5);
    a->description = col_text(st, 6, copy);
    a->availability_zone = col_text(st, 7, copy);
    a->configurations_json = col_text(st, 8, copy);
    a->resource_versions_json = col_text(st, 9, copy);
    col_copy(st, 10, a->created_at, sizeof a->created_at);
    col_copy(st, 11, a->started_at, sizeof a->started_at);
    col_copy(st, 12, a->heartbeat_timestamp, sizeof a->heartbeat_timestamp);
    a->heartbeat_at = db_col_int(st, 13);
}

static int
agent_get_one(struct store_conn *c, struct db_stmt *st, struct agent *ret)
{
    int rc = db_step(st);

    if (rc == DB_ROW) {
        agent_from_row(st, ret, true);
    }
    db_reset(st);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? -ENOENT : conn_error(c, rc, "agent");
}

int
store_agent_get(struct store_conn *c, const char *id, struct agent *ret)
{
    struct db_stmt *st = conn_stmt(c, AGENT_SELECT " WHERE id = ?");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, id);
    return agent_get_one(c, st, ret);
}

int
store_agent_get_by_host(struct store_conn *c, const char *agent_type, const char *host,
                        struct agent *ret)
{
    struct db_stmt *st = conn_stmt(c, AGENT_SELECT " WHERE agent_type = ? AND host = ?");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, agent_type);
    db_bind_text(st, 2, host);
    return agent_get_one(c, st, ret);
}

/* Binds every column in AGENT_SELECT's order. */
static void
agent_bind(struct db_stmt *st, const struct agent *a)
{
    db_bind_text(st, 1, a->id);
    db_bind_text(st, 2, a->agent_type);
    db_bind_text(st, 3, a->binary);
    db_bind_text(st, 4, a->topic);
    db_bind_text(st, 5, a->host);
    db_bind_int(st, 6, a->admin_state_up);
    db_bind_text(st, 7, a->description);
    db_bind_text(st, 8, a->availability_zone);
    db_bind_text(st, 9, a->configurations_json ? a->configurations_json : "{}");
    db_bind_text(st, 10, a->resource_versions_json);
    db_bind_text(st, 11, a->created_at);
    db_bind_text(st, 12, a->started_at);
    db_bind_text(st, 13, a->heartbeat_timestamp);
    db_bind_int(st, 14, a->heartbeat_at);
}

int
store_agent_insert(struct store_conn *c, const struct agent *a)
{
    struct db_stmt *st = conn_stmt(c, "INSERT INTO agents (id, agent_type, \"binary\", topic, host,"
                                    " admin_state_up, description, availability_zone,"
                                    " configurations, resource_versions, created_at, started_at,"
                                    " heartbeat_timestamp, heartbeat_at)"
                                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                    " ON CONFLICT DO NOTHING");

    if (!st) {
        return -EIO;
    }
    agent_bind(st, a);
    return conn_insert_stmt(c, st, "insert agent");
}

int
store_agent_update(struct store_conn *c, const struct agent *a)
{
    struct db_stmt *st = conn_stmt(c, "UPDATE agents SET \"binary\" = ?3, topic = ?4,"
                                    " admin_state_up = ?6, description = ?7,"
                                    " availability_zone = ?8, configurations = ?9,"
                                    " resource_versions = ?10, started_at = ?12,"
                                    " heartbeat_timestamp = ?13, heartbeat_at = ?14"
                                    " WHERE id = ?1");
    int r;

    if (!st) {
        return -EIO;
    }
    agent_bind(st, a);
    r = conn_exec_stmt(c, st, "update agent");
    return r ? r : db_changes(c->db) ? 0 : -ENOENT;
}

int
store_agent_delete(struct store_conn *c, const char *id)
{
    struct db_stmt *st = conn_stmt(c, "DELETE FROM agents WHERE id = ?");
    int r;

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, id);
    r = conn_exec_stmt(c, st, "delete agent");
    return r ? r : db_changes(c->db) ? 0 : -ENOENT;
}

int
agents_each(struct store_conn *c, struct db_stmt *st, store_agent_cb *cb, void *aux,
            const char *what)
{
    int rc, r = 0;

    while ((rc = db_step(st)) == DB_ROW) {
        struct agent a;
        agent_from_row(st, &a, false);
        r = cb(&a, aux);
        if (r) {
            break;
        }
    }
    db_reset(st);
    return r ? r : rc == DB_ROW || rc == DB_DONE ? 0 : conn_error(c, rc, what);
}

int
store_agent_foreach(struct store_conn *c, store_agent_cb *cb, void *aux)
{
    struct db_stmt *st = conn_stmt(c, AGENT_SELECT " ORDER BY host, agent_type");

    return st ? agents_each(c, st, cb, aux, "agents") : -EIO;
}

/* --- Views for agents ------------------------------------------------------------ */

int
store_network_ids(struct store_conn *c, store_id_cb *cb, void *aux)
{
    struct db_stmt *st = conn_stmt(c, "SELECT id FROM networks ORDER BY id");
    int rc, r = 0;

    if (!st) {
        return -EIO;
    }
    while ((rc = db_step(st)) == DB_ROW) {
        r = cb((const char *) db_col_text(st, 0), aux);
        if (r) {
            break;
        }
    }
    db_reset(st);
    return r ? r : rc == DB_ROW || rc == DB_DONE ? 0 : conn_error(c, rc, "network ids");
}

int
store_l2pop_entries(struct store_conn *c, const char *network_id, const char *host,
                    store_l2pop_cb *cb, void *aux)
{
    struct db_stmt *st = conn_stmt(
        c, "SELECT json_extract(a.configurations, '$.tunneling_ip'), p.mac_address,"
           " COALESCE((SELECT i.ip_address FROM ip_allocations i WHERE i.port_id = p.id"
           "   ORDER BY i.seq LIMIT 1), '')"
           " FROM ports p JOIN agents a ON a.host = p.binding_host_id"
           "  AND a.agent_type = 'Linux bridge agent'"
           " WHERE p.network_id = ?1 AND p.status = 'ACTIVE' AND p.binding_host_id <> ?2"
           "  AND json_extract(a.configurations, '$.tunneling_ip') IS NOT NULL"
           " ORDER BY 1, 2");
    int rc, r = 0;

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, network_id);
    db_bind_text(st, 2, host);
    while ((rc = db_step(st)) == DB_ROW) {
        r = cb((const char *) db_col_text(st, 0),
               (const char *) db_col_text(st, 1),
               (const char *) db_col_text(st, 2), aux);
        if (r) {
            break;
        }
    }
    db_reset(st);
    return r ? r : rc == DB_ROW || rc == DB_DONE ? 0 : conn_error(c, rc, "l2pop");
}
