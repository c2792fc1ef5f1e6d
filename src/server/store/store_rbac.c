/* RBAC policies (store.h, "RBAC policies"): one table for every kind of object, whose
 * object_type says which.  What reads other resources through policies (visibility,
 * "shared") is in those resources' files; here are the policies themselves, the
 * network flags that follow them, and what a policy's removal would strand. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_conn.h"
#include "util.h"

LOG_MODULE("store");

#define RBAC_SELECT                                                                        \
    "SELECT b.id, b.project_id, b.object_type, b.object_id, b.action, b.target_project"   \
    " FROM rbac_policies b"

static const struct field_column rbac_columns[] = {
    { SF_ID, "b.id" },
    { SF_PROJECT_ID, "b.project_id" },
    { SF_OBJECT_TYPE, "b.object_type" },
    { SF_OBJECT_ID, "b.object_id" },
    { SF_ACTION, "b.action" },
    { SF_TARGET_PROJECT, "b.target_project" },
};

/* A project sees the policies it made (Neutron scopes them by their project). */
static const struct resource_sql rbac_sql = {
    .select = RBAC_SELECT,
    .table = "rbac_policies",
    .table_alias = "b",
    .visibility = "b.project_id = ?",
    .visibility_params = 1,
    .columns = rbac_columns,
    .n_columns = ARRAY_SIZE(rbac_columns),
};

static void
rbac_from_row(struct db_stmt *st, struct rbac_policy *p, bool copy)
{
    memset(p, 0, sizeof *p);
    col_copy(st, 0, p->std.id, sizeof p->std.id);
    p->std.project_id = col_text(st, 1, copy);
    col_copy(st, 2, p->object_type, sizeof p->object_type);
    col_copy(st, 3, p->object_id, sizeof p->object_id);
    col_copy(st, 4, p->action, sizeof p->action);
    p->target_project = col_text(st, 5, copy);
}

static void
rbac_read(struct db_stmt *st, void *ret)
{
    rbac_from_row(st, ret, true);
}

struct rbac_walk {
    store_rbac_cb *cb;
    void *aux;
};

static int
rbac_row(struct db_stmt *st, void *aux)
{
    struct rbac_walk *w = aux;
    struct rbac_policy p;

    rbac_from_row(st, &p, false);
    return w->cb(&p, w->aux);
}

int
store_rbac_foreach(struct store_conn *c, const struct list_query *q, store_rbac_cb *cb,
                   void *aux)
{
    struct rbac_walk w = { cb, aux };

    return list_run(c, &rbac_sql, q, rbac_row, &w);
}

int
store_rbac_get(struct store_conn *c, const char *id, const char *visible_to,
               struct rbac_policy *ret)
{
    static const char sql[] = RBAC_SELECT " WHERE b.id = ?";
    static const char sql_vis[] = RBAC_SELECT " WHERE b.id = ? AND b.project_id = ?";
    struct db_stmt *st = visible_to ? conn_stmt_text2(c, sql_vis, id, visible_to)
                                    : conn_stmt_text(c, sql, id);

    return conn_read_row(c, st, rbac_read, ret, "get rbac policy");
}

int
store_rbac_insert(struct store_conn *c, const struct rbac_policy *p)
{
    static const char sql[] =
        "INSERT INTO rbac_policies (id, project_id, object_type, object_id, action,"
        " target_project) VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING";
    const char *values[] = { p->std.id, p->std.project_id, p->object_type, p->object_id,
                             p->action, p->target_project };

    return conn_insert_stmt(c, conn_stmt_texts(c, sql, values, ARRAY_SIZE(values)),
                            "insert rbac policy");
}

int
store_rbac_set_target(struct store_conn *c, const char *id, const char *target)
{
    /* The unique key would refuse a duplicate; asking first keeps a PostgreSQL
     * transaction usable for the error's answer. */
    static const char dup[] =
        "SELECT EXISTS (SELECT 1 FROM rbac_policies o, rbac_policies b WHERE b.id = ?1"
        " AND o.object_type = b.object_type AND o.object_id = b.object_id"
        " AND o.action = b.action AND o.target_project = ?2 AND o.id <> b.id)";
    static const char sql[] = "UPDATE rbac_policies SET target_project = ?2 WHERE id = ?1";
    bool taken = false;
    int r = conn_one_bool(c, conn_stmt_text2(c, dup, id, target), &taken, "rbac duplicate");

    if (r || taken) {
        return r ? r : -EEXIST;
    }
    return conn_exec_change(c, conn_stmt_text2(c, sql, id, target), "update rbac policy");
}

int
store_rbac_delete(struct store_conn *c, const char *id)
{
    static const char sql[] = "DELETE FROM rbac_policies WHERE id = ?";

    return conn_exec_change(c, conn_stmt_text(c, sql, id), "delete rbac policy");
}

int
store_rbac_delete_matching(struct store_conn *c, const char *object_type,
                           const char *object_id, const char *action, const char *target)
{
    /* NULL for either binds NULL, which "?3 IS NULL" reads as "any". */
    static const char sql[] =
        "DELETE FROM rbac_policies WHERE object_type = ?1 AND object_id = ?2"
        " AND (CAST(?3 AS TEXT) IS NULL OR action = ?3)"
        " AND (CAST(?4 AS TEXT) IS NULL OR target_project = ?4)";
    const char *values[] = { object_type, object_id, action, target };

    return conn_exec_stmt(c, conn_stmt_texts(c, sql, values, ARRAY_SIZE(values)),
                          "delete rbac policies");
}

int
store_rbac_exists(struct store_conn *c, const char *object_type, const char *object_id,
                  const char *action, const char *target, bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM rbac_policies WHERE object_type = ?1"
        " AND object_id = ?2 AND action = ?3"
        " AND (CAST(?4 AS TEXT) IS NULL OR target_project = ?4))";
    const char *values[] = { object_type, object_id, action, target };

    return conn_one_bool(c, conn_stmt_texts(c, sql, values, ARRAY_SIZE(values)), ret,
                         "rbac policy exists");
}

int
store_network_rbac_sync(struct store_conn *c, const char *network_id)
{
    /* A network stays external while routers have their gateway on it, even once its
     * last access_as_external policy is gone: Neutron refuses to make such a network
     * internal and, after a policy's delete, keeps it as it was. */
    static const char sql[] =
        "UPDATE networks SET"
        " shared = (SELECT COUNT(*) FROM rbac_policies WHERE object_type = 'network'"
        "   AND object_id = ?1 AND action = 'access_as_shared' AND target_project = '*'),"
        " router_external = CASE WHEN EXISTS (SELECT 1 FROM rbac_policies"
        "   WHERE object_type = 'network' AND object_id = ?1"
        "   AND action = 'access_as_external') THEN 1"
        "   WHEN router_external = 1 AND EXISTS (SELECT 1 FROM ports WHERE network_id = ?1"
        "   AND device_owner = 'network:router_gateway') THEN 1 ELSE 0 END"
        " WHERE id = ?1";
    /* Only an external network may be the default (Zed keeps is_default in the row
     * that makes a network external, gone with it). */
    static const char not_default[] =
        "UPDATE networks SET is_default = 0 WHERE id = ?1 AND router_external = 0";
    int r = conn_exec_stmt(c, conn_stmt_text(c, sql, network_id), "sync network rbac");

    return r ? r : conn_exec_stmt(c, conn_stmt_text(c, not_default, network_id),
                                  "sync default network");
}

int
store_rbac_network_foreign_ports(struct store_conn *c, const char *network_id,
                                 const char *owner, bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM ports WHERE network_id = ?1 AND project_id <> ?2"
        " AND project_id NOT IN (SELECT target_project FROM rbac_policies"
        "   WHERE object_type = 'network' AND object_id = ?1"
        "   AND action = 'access_as_shared' AND target_project <> '*'))";

    return conn_one_bool(c, conn_stmt_text2(c, sql, network_id, owner), ret,
                         "network foreign ports");
}

int
store_rbac_network_project_ports(struct store_conn *c, const char *network_id,
                                 const char *project, bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM ports WHERE network_id = ?1 AND project_id = ?2)";

    return conn_one_bool(c, conn_stmt_text2(c, sql, network_id, project), ret,
                         "network project ports");
}

int
store_rbac_network_gateways(struct store_conn *c, const char *network_id,
                            const char *project, const char *also_allowed, bool *ret)
{
    static const char of_project[] =
        "SELECT EXISTS (SELECT 1 FROM ports p JOIN routers r ON r.id = p.device_id"
        " WHERE p.network_id = ?1 AND p.device_owner = 'network:router_gateway'"
        " AND r.project_id = ?2)";
    static const char of_others[] =
        "SELECT EXISTS (SELECT 1 FROM ports p JOIN routers r ON r.id = p.device_id"
        " WHERE p.network_id = ?1 AND p.device_owner = 'network:router_gateway'"
        " AND r.project_id <> COALESCE(CAST(?2 AS TEXT), '')"
        " AND r.project_id NOT IN (SELECT target_project FROM rbac_policies"
        "   WHERE object_type = 'network' AND object_id = ?1"
        "   AND action = 'access_as_external' AND target_project <> '*'))";
    struct db_stmt *st = project ? conn_stmt_text2(c, of_project, network_id, project)
                                 : conn_stmt_text2(c, of_others, network_id, also_allowed);

    return conn_one_bool(c, st, ret, "network gateways of projects");
}

int
store_rbac_sg_ports(struct store_conn *c, const char *sg_id, const char *project, bool *ret)
{
    static const char of_project[] =
        "SELECT EXISTS (SELECT 1 FROM port_security_group_bindings sgb"
        " JOIN ports p ON p.id = sgb.port_id"
        " WHERE sgb.security_group_id = ?1 AND p.project_id = ?2)";
    static const char of_others[] =
        "SELECT EXISTS (SELECT 1 FROM port_security_group_bindings sgb"
        " JOIN ports p ON p.id = sgb.port_id WHERE sgb.security_group_id = ?1"
        " AND p.project_id NOT IN (SELECT target_project FROM rbac_policies"
        "   WHERE object_type = 'security_group' AND object_id = ?1"
        "   AND action = 'access_as_shared' AND target_project <> '*'))";
    struct db_stmt *st = project ? conn_stmt_text2(c, of_project, sg_id, project)
                                 : conn_stmt_text(c, of_others, sg_id);

    return conn_one_bool(c, st, ret, "group ports of projects");
}

int
store_rbac_shared_sync(struct store_conn *c, const char *object_type, const char *object_id)
{
    /* The column is what the '*' policy says (the unique key allows one): what the
     * migration and older readers see.  Callers show "shared" per viewer. */
    static const char pools[] =
        "UPDATE subnetpools SET shared = (SELECT COUNT(*) FROM rbac_policies"
        " WHERE object_type = 'subnetpool' AND object_id = ?1"
        " AND action = 'access_as_shared' AND target_project = '*') WHERE id = ?1";
    static const char scopes[] =
        "UPDATE address_scopes SET shared = (SELECT COUNT(*) FROM rbac_policies"
        " WHERE object_type = 'address_scope' AND object_id = ?1"
        " AND action = 'access_as_shared' AND target_project = '*') WHERE id = ?1";

    if (STREQ(object_type, "subnetpool")) {
        return conn_exec_stmt(c, conn_stmt_text(c, pools, object_id), "sync pool sharing");
    }
    if (STREQ(object_type, "address_scope")) {
        return conn_exec_stmt(c, conn_stmt_text(c, scopes, object_id), "sync scope sharing");
    }
    return -EINVAL;
}

/* The in-use checks of a shared object's policies: does a row of 'table' name the object
 * in 'column' and belong to one project (?2), or to a project no other policy of the
 * object targets?  Built from the same words so the three checks cannot drift apart. */
#define USED_BY_PROJECT(table, column)                                                      \
    "SELECT EXISTS (SELECT 1 FROM " table " WHERE " column " = ?1 AND project_id = ?2)"
#define USED_OUTSIDE_TARGETS(table, column, type)                                           \
    "SELECT EXISTS (SELECT 1 FROM " table " WHERE " column " = ?1"                          \
    " AND project_id NOT IN (SELECT target_project FROM rbac_policies"                      \
    "   WHERE object_type = '" type "' AND object_id = ?1"                                  \
    "   AND action = 'access_as_shared' AND target_project <> '*'))"

struct use_query {
    const char *by_project;
    const char *outside_targets;
    const char *what;
};

static int
object_used(struct store_conn *c, const struct use_query *q, const char *object_id,
            const char *project, bool *ret)
{
    struct db_stmt *st = project ? conn_stmt_text2(c, q->by_project, object_id, project)
                                 : conn_stmt_text(c, q->outside_targets, object_id);

    return conn_one_bool(c, st, ret, q->what);
}

int
store_rbac_pool_subnets(struct store_conn *c, const char *pool_id, const char *project,
                        bool *ret)
{
    static const struct use_query q = {
        USED_BY_PROJECT("subnets", "subnetpool_id"),
        USED_OUTSIDE_TARGETS("subnets", "subnetpool_id", "subnetpool"),
        "pool subnets of projects",
    };

    return object_used(c, &q, pool_id, project, ret);
}

int
store_rbac_address_group_rules(struct store_conn *c, const char *ag_id, const char *project,
                               bool *ret)
{
    static const struct use_query q = {
        USED_BY_PROJECT("security_group_rules", "remote_address_group_id"),
        USED_OUTSIDE_TARGETS("security_group_rules", "remote_address_group_id",
                             "address_group"),
        "address group rules of projects",
    };

    return object_used(c, &q, ag_id, project, ret);
}

int
store_rbac_scope_pools(struct store_conn *c, const char *scope_id, const char *project,
                       bool *ret)
{
    static const struct use_query q = {
        USED_BY_PROJECT("subnetpools", "address_scope_id"),
        USED_OUTSIDE_TARGETS("subnetpools", "address_scope_id", "address_scope"),
        "scope pools of projects",
    };

    return object_used(c, &q, scope_id, project, ret);
}

int
store_rbac_scope_reaches(struct store_conn *c, const char *scope_id, const char *target,
                         const char *made_by, bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM rbac_policies WHERE object_type = 'address_scope'"
        " AND object_id = ?1 AND target_project IN ('*', ?2)"
        " AND (CAST(?3 AS TEXT) IS NULL OR project_id = ?3))";
    const char *values[] = { scope_id, target, made_by };

    return conn_one_bool(c, conn_stmt_texts(c, sql, values, ARRAY_SIZE(values)), ret,
                         "scope reaches project");
}
