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

static void
agent_read(struct db_stmt *st, void *ret)
{
    agent_from_row(st, ret, true);
}

int
store_agent_get(struct store_conn *c, const char *id, struct agent *ret)
{
    return conn_read_row(c, conn_stmt_text(c, AGENT_SELECT " WHERE id = ?", id), agent_read,
                         ret, "agent");
}

int
store_agent_get_by_host(struct store_conn *c, const char *agent_type, const char *host,
                        struct agent *ret)
{
    struct db_stmt *st = conn_stmt_text2(c, AGENT_SELECT " WHERE agent_type = ? AND host = ?",
                                         agent_type, host);

    return conn_read_row(c, st, agent_read, ret, "agent");
}

/* The cached statement for 'sql' with every column bound in AGENT_SELECT's order. */
static struct db_stmt *
agent_stmt(struct store_conn *c, const char *sql, const struct agent *a)
{
    const char *const names[] = { a->id, a->agent_type, a->binary, a->topic, a->host };
    const char *const texts[] = {
        a->description, a->availability_zone,
        a->configurations_json ? a->configurations_json : "{}",
        a->resource_versions_json, a->created_at, a->started_at, a->heartbeat_timestamp,
    };
    struct db_stmt *st = conn_stmt_texts(c, sql, names, ARRAY_SIZE(names));

    if (st) {
        db_bind_int(st, 6, a->admin_state_up);
        bind_texts(st, 7, texts, ARRAY_SIZE(texts));
        db_bind_int(st, 14, a->heartbeat_at);
    }
    return st;
}

int
store_agent_insert(struct store_conn *c, const struct agent *a)
{
    static const char sql[] =
        "INSERT INTO agents (id, agent_type, \"binary\", topic, host, admin_state_up,"
        " description, availability_zone, configurations, resource_versions, created_at,"
        " started_at, heartbeat_timestamp, heartbeat_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

    return conn_insert_stmt(c, agent_stmt(c, sql, a), "insert agent");
}

int
store_agent_update(struct store_conn *c, const struct agent *a)
{
    static const char sql[] =
        "UPDATE agents SET \"binary\" = ?3, topic = ?4, admin_state_up = ?6,"
        " description = ?7, availability_zone = ?8, configurations = ?9,"
        " resource_versions = ?10, started_at = ?12, heartbeat_timestamp = ?13,"
        " heartbeat_at = ?14 WHERE id = ?1";

    return conn_exec_change(c, agent_stmt(c, sql, a), "update agent");
}

int
store_agent_delete(struct store_conn *c, const char *id)
{
    return conn_exec_change(c, conn_stmt_text(c, "DELETE FROM agents WHERE id = ?", id),
                            "delete agent");
}

struct agent_walk {
    store_agent_cb *cb;
    void *aux;
};

static int
agent_row(struct db_stmt *st, void *aux)
{
    struct agent_walk *w = aux;
    struct agent a;

    agent_from_row(st, &a, false);
    return w->cb(&a, w->aux);
}

int
agents_each(struct store_conn *c, struct db_stmt *st, store_agent_cb *cb, void *aux,
            const char *what)
{
    struct agent_walk w = { cb, aux };

    return conn_each_row(c, st, agent_row, &w, what);
}

int
store_agent_foreach(struct store_conn *c, store_agent_cb *cb, void *aux)
{
    return agents_each(c, conn_stmt(c, AGENT_SELECT " ORDER BY host, agent_type"), cb, aux,
                       "agents");
}

int
store_agent_zone_known(struct store_conn *c, const char *agent_type, const char *zone,
                       bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM agents WHERE agent_type = ? AND availability_zone = ?)";

    return conn_one_bool(c, conn_stmt_text2(c, sql, agent_type, zone), ret, "agent zone");
}

/* --- Views for agents ------------------------------------------------------------ */

int
store_network_ids(struct store_conn *c, store_id_cb *cb, void *aux)
{
    return conn_each_id(c, conn_stmt(c, "SELECT id FROM networks ORDER BY id"), cb, aux,
                        "network ids");
}

struct l2pop_walk {
    store_l2pop_cb *cb;
    void *aux;
};

static int
l2pop_row(struct db_stmt *st, void *aux)
{
    struct l2pop_walk *w = aux;

    return w->cb(db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2), w->aux);
}

int
store_l2pop_entries(struct store_conn *c, const char *network_id, size_t segment_index,
                    const char *host, store_l2pop_cb *cb, void *aux)
{
    static const char sql[] =
        "SELECT json_extract(a.configurations, '$.tunneling_ip'), p.mac_address,"
        " COALESCE((SELECT i.ip_address FROM ip_allocations i WHERE i.port_id = p.id"
        "   ORDER BY i.seq LIMIT 1), '')"
        " FROM ports p JOIN agents a ON a.host = p.binding_host_id"
        "  AND a.agent_type = 'Linux bridge agent'"
        " WHERE p.network_id = ?1 AND p.status = 'ACTIVE' AND p.binding_host_id <> ?2"
        "  AND p.binding_segment = ?3"
        "  AND json_extract(a.configurations, '$.tunneling_ip') IS NOT NULL"
        " ORDER BY 1, 2";
    struct l2pop_walk w = { cb, aux };
    struct db_stmt *st = conn_stmt_text2(c, sql, network_id, host);

    if (st) {
        db_bind_int(st, 3, (int64_t) segment_index);
    }
    return conn_each_row(c, st, l2pop_row, &w, "l2pop");
}
