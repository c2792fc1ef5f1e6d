/* Quotas (store.h, "Quotas"): the limits a project was given beyond the configured
 * defaults, and how many of each resource a project owns now.  Usage is counted from
 * the resources' own tables by project, as Neutron's no-lock quota driver counts its
 * rows, so a count read inside a write transaction is exact: every other writer waits
 * for the database's write lock. */
#include <errno.h>
#include <string.h>

#include "store_conn.h"
#include "util.h"

/* The count of each quota resource neutrino stores.  RBAC policies count as Neutron
 * counts them, every row by its owner, the '*' ones that stand for a shared or
 * external network included.  Subnet pools do not exist here: their count is always 0
 * (NULL). */
static const struct {
    const char *resource;
    const char *sql;
} usage_sql[] = {
    { "network", "SELECT count(*) FROM networks WHERE project_id = ?" },
    { "subnet", "SELECT count(*) FROM subnets WHERE project_id = ?" },
    { "subnetpool", NULL },
    { "port", "SELECT count(*) FROM ports WHERE project_id = ?" },
    { "router", "SELECT count(*) FROM routers WHERE project_id = ?" },
    { "floatingip", "SELECT count(*) FROM floatingips WHERE project_id = ?" },
    { "rbac_policy", "SELECT count(*) FROM rbac_policies WHERE project_id = ?" },
    { "security_group", "SELECT count(*) FROM security_groups WHERE project_id = ?" },
    { "security_group_rule",
      "SELECT count(*) FROM security_group_rules WHERE project_id = ?" },
};

int
store_quota_usage(struct store_conn *c, const char *resource, const char *project_id,
                  int64_t *ret)
{
    for (size_t i = 0; i < ARRAY_SIZE(usage_sql); i++) {
        if (STREQ(usage_sql[i].resource, resource)) {
            if (!usage_sql[i].sql) {
                *ret = 0;
                return 0;
            }
            return conn_one_int(c, conn_stmt_text(c, usage_sql[i].sql, project_id), ret,
                                "quota usage");
        }
    }
    return -EINVAL;
}

struct quota_walk {
    store_quota_cb *cb;
    void *aux;
};

static int
quota_row(struct db_stmt *st, void *aux)
{
    struct quota_walk *w = aux;

    return w->cb(db_col_text(st, 0), db_col_text(st, 1), db_col_int(st, 2), w->aux);
}

int
store_quota_foreach(struct store_conn *c, const char *project_id, store_quota_cb *cb,
                    void *aux)
{
    static const char all[] =
        "SELECT project_id, resource, quota_limit FROM quotas ORDER BY project_id, resource";
    static const char one[] =
        "SELECT project_id, resource, quota_limit FROM quotas WHERE project_id = ?"
        " ORDER BY resource";
    struct quota_walk w = { cb, aux };
    struct db_stmt *st = project_id ? conn_stmt_text(c, one, project_id) : conn_stmt(c, all);

    return conn_each_row(c, st, quota_row, &w, "quotas");
}

int
store_quota_set(struct store_conn *c, const char *project_id, const char *resource,
                int64_t limit)
{
    static const char sql[] =
        "INSERT INTO quotas (project_id, resource, quota_limit) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (project_id, resource) DO UPDATE SET quota_limit = ?3";
    struct db_stmt *st = conn_stmt_text2(c, sql, project_id, resource);

    if (st) {
        db_bind_int(st, 3, limit);
    }
    return conn_exec_stmt(c, st, "set quota");
}

int
store_quota_delete(struct store_conn *c, const char *project_id)
{
    static const char sql[] = "DELETE FROM quotas WHERE project_id = ?";

    return conn_exec_change(c, conn_stmt_text(c, sql, project_id), "delete quotas");
}
