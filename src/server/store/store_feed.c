/* The change feed agents follow: rows appended inside write transactions, read by
 * sequence number, pruned from the oldest end.  What the rows mean is the agent
 * protocol's (agent_proto.h); this file only stores them. */
#include <assert.h>
#include <errno.h>

#include "model.h"
#include "store_conn.h"
#include "util.h"

/* Appends to the feed with the INSERT 'sql', its parameters bound to 'values'. */
static int
change_insert(struct store_conn *c, const char *sql, const char *const *values, size_t n,
              const char *what)
{
    struct db_stmt *st = conn_stmt_texts(c, sql, values, n);

    /* Sequence numbers are committed in order only because every change is written
     * under the write lock (store.c); agents rely on that order. */
    assert(c->in_write);

    if (!st) {
        return -EIO;
    }
    int r = conn_exec_stmt(c, st, what);
    /* Only rows written wake the long-polls (a network no DHCP agent hosts adds none). */
    if (!r && db_changes(c->db) > 0) {
        c->notify_changes = true;
    }
    return r;
}

int
store_change_add(struct store_conn *c, const char *host, const char *audience,
                 const char *kind, const char *object_id, const char *network_id)
{
    static const char sql[] = "INSERT INTO changes (host, audience, kind, object_id,"
                              " network_id) VALUES (?, ?, ?, ?, ?)";
    const char *const values[] = {
        host ? host : "", audience ? audience : "", kind, object_id,
        network_id ? network_id : "",
    };

    return change_insert(c, sql, values, ARRAY_SIZE(values), "add change");
}

int
store_change_add_dhcp(struct store_conn *c, const char *network_id, const char *audience,
                      const char *kind, const char *object_id)
{
    static const char sql[] = "INSERT INTO changes (host, audience, kind, object_id,"
                              " network_id) SELECT a.host, ?4, ?2, ?3, ?1"
                              " FROM network_dhcp_agents b JOIN agents a"
                              " ON a.id = b.agent_id WHERE b.network_id = ?1";
    const char *const values[] = { network_id, kind, object_id, audience };

    return change_insert(c, sql, values, ARRAY_SIZE(values), "add dhcp change");
}

int
store_change_add_sg(struct store_conn *c, const char *group_id, bool with_members,
                    const char *audience, const char *kind)
{
    /* The hosts are picked apart from the constants, so DISTINCT never compares a
     * parameter whose type PostgreSQL would have to guess. */
#define SG_CHANGE_HOSTS(cond)                                                             \
    "INSERT INTO changes (host, audience, kind, object_id, network_id)"                   \
    " SELECT x.host, ?2, ?3, ?1, '' FROM (SELECT DISTINCT p.binding_host_id AS host"      \
    " FROM ports p JOIN port_security_group_bindings b ON b.port_id = p.id"               \
    " WHERE p.binding_host_id <> '' AND (" cond ")) x"
#define SG_REMOTE_USERS                                                                   \
    "b.security_group_id IN (SELECT r.security_group_id FROM security_group_rules r"      \
    " WHERE r.remote_group_id = ?1)"
    static const char sql_remote[] = SG_CHANGE_HOSTS(SG_REMOTE_USERS);
    static const char sql_both[] =
        SG_CHANGE_HOSTS("b.security_group_id = ?1 OR " SG_REMOTE_USERS);
#undef SG_CHANGE_HOSTS
#undef SG_REMOTE_USERS
    const char *const values[] = { group_id, audience, kind };

    return change_insert(c, with_members ? sql_both : sql_remote, values, ARRAY_SIZE(values),
                         "add security group change");
}

struct change_walk {
    store_change_cb *cb;
    void *aux;
};

static int
change_row(struct db_stmt *st, void *aux)
{
    struct change_walk *w = aux;
    struct change ch = {
        db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
        db_col_text(st, 4),
    };

    return w->cb(&ch, w->aux);
}

int
store_change_foreach(struct store_conn *c, const char *host, const char *audience,
                     int64_t after, int limit, store_change_cb *cb, void *aux)
{
    struct db_stmt *st = conn_stmt(c, "SELECT seq, kind, object_id, network_id, host FROM changes"
                                    " WHERE seq > ?1 AND (host = ?2 OR host = '')"
                                    " AND (audience = '' OR audience = ?4)"
                                    " ORDER BY seq LIMIT ?3");
    struct change_walk w = { cb, aux };

    if (st) {
        db_bind_int(st, 1, after);
        db_bind_text(st, 2, host);
        db_bind_int(st, 3, limit);
        db_bind_text(st, 4, audience);
    }
    return conn_each_row(c, st, change_row, &w, "changes");
}

int
store_change_bounds(struct store_conn *c, int64_t *ret_first, int64_t *ret_last)
{
    /* Pruning always keeps the newest rows (store_change_prune), so MAX(seq) is the
     * last number ever given; both are index look-ups. */
    struct db_stmt *st = conn_stmt(c, "SELECT (SELECT MIN(seq) FROM changes),"
                                    " (SELECT MAX(seq) FROM changes)");
    int rc;

    if (!st) {
        return -EIO;
    }
    rc = db_step(st);
    if (rc == DB_ROW) {
        *ret_first = db_col_int(st, 0);
        *ret_last = db_col_int(st, 1);
    }
    db_reset(st);
    return rc == DB_ROW ? 0 : conn_error(c, rc, "change bounds");
}

int
store_change_prune(struct store_conn *c, int64_t seq)
{
    return conn_exec_stmt(c, conn_stmt_int(c, "DELETE FROM changes WHERE seq <= ?", seq),
                          "prune changes");
}
