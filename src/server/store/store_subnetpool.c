/* Subnet pools and address scopes (store.h, "Subnet pools and address scopes").  A
 * pool's prefixes are one JSON text column; what it has handed out is the CIDRs of the
 * subnets that name it, so there is no second record to keep in step. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "store_conn.h"
#include "util.h"

LOG_MODULE("store");

/* --- Subnet pools ------------------------------------------------------------------ */

/* Whether the object 'alias'.id of RBAC type 'type' is shared with the viewer (?1): an
 * access_as_shared policy for '*' or the viewer's project (Neutron shows "shared" per
 * caller, as for networks). */
#define SHARED_TO_VIEWER(type, alias)                                                      \
    "EXISTS (SELECT 1 FROM rbac_policies rs WHERE rs.object_type = '" type "'"             \
    " AND rs.object_id = " alias ".id AND rs.action = 'access_as_shared'"                  \
    " AND rs.target_project IN ('*', ?1))"

/* A project sees what it owns and what is shared with it; the sub-select is not
 * correlated, so it is read once, through rbac_policies_target. */
#define VISIBLE(type, alias, owner, project)                                               \
    "(" alias ".project_id = " owner " OR " alias ".id IN (SELECT rv.object_id"            \
    " FROM rbac_policies rv WHERE rv.target_project IN ('*', " project ")"                 \
    " AND rv.object_type = '" type "' AND rv.action = 'access_as_shared'))"

#define POOL_SHARED SHARED_TO_VIEWER("subnetpool", "sp")
#define POOL_VISIBLE(owner, project) VISIBLE("subnetpool", "sp", owner, project)

/* Names the viewer as ?1 (for "shared"), whether or not it uses it. */
#define POOL_SELECT                                                                        \
    "SELECT " SQL_STD_COLUMNS("sp") ", sp.ip_version, sp.default_prefixlen,"               \
    " sp.min_prefixlen, sp.max_prefixlen, sp.default_quota, " POOL_SHARED ", sp.is_default," \
    " sp.address_scope_id, sp.prefixes FROM subnetpools sp"

static const struct field_column pool_columns[] = {
    { SF_ID, "sp.id" },
    { SF_NAME, "sp.name" },
    { SF_PROJECT_ID, "sp.project_id" },
    { SF_DESCRIPTION, "sp.description" },
    { SF_REVISION_NUMBER, "sp.revision_number" },
    { SF_IP_VERSION, "sp.ip_version" },
    { SF_DEFAULT_PREFIXLEN, "sp.default_prefixlen" },
    { SF_MIN_PREFIXLEN, "sp.min_prefixlen" },
    { SF_MAX_PREFIXLEN, "sp.max_prefixlen" },
    { SF_DEFAULT_QUOTA, "sp.default_quota" },
    { SF_SHARED, POOL_SHARED },
    { SF_IS_DEFAULT, "sp.is_default" },
    { SF_ADDRESS_SCOPE_ID, "sp.address_scope_id" },
};

static const struct resource_sql pool_sql = {
    .select = POOL_SELECT,
    .table = "subnetpools",
    .table_alias = "sp",
    .visibility = POOL_VISIBLE("?", "?"),
    .visibility_params = 2,
    .names_viewer = true,
    .columns = pool_columns,
    .n_columns = ARRAY_SIZE(pool_columns),
};

static void
pool_from_row(struct db_stmt *st, struct subnetpool *p, bool copy)
{
    memset(p, 0, sizeof *p);
    std_from_row(st, &p->std, copy);
    p->ip_version = (int) db_col_int(st, STD_NCOLS);
    p->default_prefixlen = db_col_int(st, STD_NCOLS + 1);
    p->min_prefixlen = db_col_int(st, STD_NCOLS + 2);
    p->max_prefixlen = db_col_int(st, STD_NCOLS + 3);
    p->default_quota = db_col_is_null(st, STD_NCOLS + 4) ? SUBNETPOOL_QUOTA_NONE
                                                         : db_col_int(st, STD_NCOLS + 4);
    p->shared = (int) db_col_int(st, STD_NCOLS + 5);
    p->is_default = (int) db_col_int(st, STD_NCOLS + 6);
    col_copy(st, STD_NCOLS + 7, p->address_scope_id, sizeof p->address_scope_id);
    p->prefixes_json = col_text(st, STD_NCOLS + 8, copy);
}

static void
pool_read(struct db_stmt *st, void *ret)
{
    pool_from_row(st, ret, true);
}

struct pool_walk {
    store_subnetpool_cb *cb;
    void *aux;
};

static int
pool_row(struct db_stmt *st, void *aux)
{
    struct pool_walk *w = aux;
    struct subnetpool p;

    pool_from_row(st, &p, false);
    return w->cb(&p, w->aux);
}

int
store_subnetpool_foreach(struct store_conn *c, const struct list_query *q,
                         store_subnetpool_cb *cb, void *aux)
{
    struct pool_walk w = { cb, aux };

    return list_run(c, &pool_sql, q, pool_row, &w);
}

int
store_subnetpool_get_as(struct store_conn *c, const char *id, const char *visible_to,
                        const char *viewer, struct subnetpool *ret)
{
    static const char sql[] = POOL_SELECT " WHERE sp.id = ?2";
    static const char sql_vis[] = POOL_SELECT " WHERE sp.id = ?2 AND " POOL_VISIBLE("?3", "?3");
    const char *values[] = { viewer ? viewer : "", id, visible_to };
    struct db_stmt *st = visible_to ? conn_stmt_texts(c, sql_vis, values, 3)
                                    : conn_stmt_texts(c, sql, values, 2);

    return conn_read_row(c, st, pool_read, ret, "get subnet pool");
}

int
store_subnetpool_get(struct store_conn *c, const char *id, const char *visible_to,
                     struct subnetpool *ret)
{
    return store_subnetpool_get_as(c, id, visible_to, visible_to, ret);
}

/* Binds what an insert and an update share after the standard columns (?8 on). */
static void
bind_pool(struct db_stmt *st, const struct subnetpool *p)
{
    db_bind_int(st, 8, p->default_prefixlen);
    db_bind_int(st, 9, p->min_prefixlen);
    db_bind_int(st, 10, p->max_prefixlen);
    if (p->default_quota == SUBNETPOOL_QUOTA_NONE) {
        db_bind_null(st, 11);
    } else {
        db_bind_int(st, 11, p->default_quota);
    }
    db_bind_int(st, 12, p->is_default);
    db_bind_text(st, 13, *p->address_scope_id ? p->address_scope_id : NULL);
    db_bind_text(st, 14, p->prefixes_json);
}

int
store_subnetpool_insert(struct store_conn *c, const struct subnetpool *p)
{
    static const char sql[] =
        "INSERT INTO subnetpools (" SQL_STD_INSERT_COLUMNS ", default_prefixlen,"
        " min_prefixlen, max_prefixlen, default_quota, is_default, address_scope_id,"
        " prefixes, ip_version, shared) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    struct db_stmt *st = conn_stmt_std(c, sql, &p->std);

    if (st) {
        bind_pool(st, p);
        db_bind_int(st, 15, p->ip_version);
        db_bind_int(st, 16, p->shared);
    }
    return conn_exec_stmt(c, st, "insert subnet pool");
}

int
store_subnetpool_update(struct store_conn *c, const struct subnetpool *p)
{
    static const char sql[] =
        "UPDATE subnetpools SET " SQL_STD_UPDATE_SET ", default_prefixlen = ?8,"
        " min_prefixlen = ?9, max_prefixlen = ?10, default_quota = ?11, is_default = ?12,"
        " address_scope_id = ?13, prefixes = ?14 WHERE id = ?1";
    struct db_stmt *st = conn_stmt_std(c, sql, &p->std);

    if (st) {
        bind_pool(st, p);
    }
    return conn_exec_change(c, st, "update subnet pool");
}

int
store_subnetpool_delete(struct store_conn *c, const char *id)
{
    static const char tags[] = "DELETE FROM tags WHERE resource_id = ?";
    static const char sql[] = "DELETE FROM subnetpools WHERE id = ?";
    int r = conn_exec_stmt(c, conn_stmt_text(c, tags, id), "delete subnet pool tags");

    r = r ? r : store_rbac_delete_matching(c, "subnetpool", id, NULL, NULL);
    return r ? r : conn_exec_change(c, conn_stmt_text(c, sql, id), "delete subnet pool");
}

int
store_subnetpool_bump(struct store_conn *c, const char *id, const char *now)
{
    static const char sql[] =
        "UPDATE subnetpools SET revision_number = revision_number + 1, updated_at = ?"
        " WHERE id = ?";

    return conn_exec_stmt(c, conn_stmt_text2(c, sql, now, id), "bump subnet pool");
}

int
store_subnetpool_default(struct store_conn *c, int ip_version, char ret[ID_LEN])
{
    static const char sql[] =
        "SELECT id FROM subnetpools WHERE is_default = 1 AND ip_version = ? ORDER BY id";
    char *id = NULL;
    int r = conn_read_row(c, conn_stmt_int(c, sql, ip_version), col_text_read, &id,
                          "default subnet pool");

    if (!r) {
        snprintf(ret, ID_LEN, "%s", id ? id : "");
    }
    free(id);
    return r;
}

int
store_subnetpool_cidrs(struct store_conn *c, const char *id, const char *project_id,
                       store_id_cb *cb, void *aux)
{
    static const char sql[] = "SELECT cidr FROM subnets WHERE subnetpool_id = ?";
    static const char sql_project[] =
        "SELECT cidr FROM subnets WHERE subnetpool_id = ? AND project_id = ?";
    struct db_stmt *st = project_id ? conn_stmt_text2(c, sql_project, id, project_id)
                                    : conn_stmt_text(c, sql, id);

    return conn_each_id(c, st, cb, aux, "subnet pool allocations");
}

int
store_subnetpool_in_use(struct store_conn *c, const char *id, bool *ret)
{
    static const char sql[] = "SELECT EXISTS (SELECT 1 FROM subnets WHERE subnetpool_id = ?)";

    return conn_one_bool(c, conn_stmt_text(c, sql, id), ret, "subnet pool in use");
}

int
store_subnetpools_of_scope(struct store_conn *c, const char *scope_id,
                           store_subnetpool_cb *cb, void *aux)
{
    static const char sql[] = POOL_SELECT " WHERE sp.address_scope_id = ?2 ORDER BY sp.id";
    struct pool_walk w = { cb, aux };

    return conn_each_row(c, conn_stmt_text2(c, sql, "", scope_id), pool_row, &w,
                         "subnet pools of scope");
}

int
store_subnetpool_networks(struct store_conn *c, const char *id, store_id_cb *cb, void *aux)
{
    static const char sql[] =
        "SELECT DISTINCT network_id FROM subnets WHERE subnetpool_id = ? ORDER BY network_id";

    return conn_each_id(c, conn_stmt_text(c, sql, id), cb, aux, "networks of subnet pool");
}

/* --- Address scopes ---------------------------------------------------------------- */

#define SCOPE_SHARED SHARED_TO_VIEWER("address_scope", "a")
#define SCOPE_VISIBLE(owner, project) VISIBLE("address_scope", "a", owner, project)

/* Names the viewer as ?1 (for "shared"). */
#define SCOPE_SELECT                                                                       \
    "SELECT " SQL_STD_COLUMNS("a") ", a.ip_version, " SCOPE_SHARED " FROM address_scopes a"

static const struct field_column scope_columns[] = {
    { SF_ID, "a.id" },
    { SF_NAME, "a.name" },
    { SF_PROJECT_ID, "a.project_id" },
    { SF_IP_VERSION, "a.ip_version" },
    { SF_SHARED, SCOPE_SHARED },
};

static const struct resource_sql scope_sql = {
    .select = SCOPE_SELECT,
    .table = "address_scopes",
    .table_alias = "a",
    .visibility = SCOPE_VISIBLE("?", "?"),
    .visibility_params = 2,
    .names_viewer = true,
    .columns = scope_columns,
    .n_columns = ARRAY_SIZE(scope_columns),
};

static void
scope_from_row(struct db_stmt *st, struct address_scope *a, bool copy)
{
    memset(a, 0, sizeof *a);
    std_from_row(st, &a->std, copy);
    a->ip_version = (int) db_col_int(st, STD_NCOLS);
    a->shared = (int) db_col_int(st, STD_NCOLS + 1);
}

static void
scope_read(struct db_stmt *st, void *ret)
{
    scope_from_row(st, ret, true);
}

struct scope_walk {
    store_address_scope_cb *cb;
    void *aux;
};

static int
scope_row(struct db_stmt *st, void *aux)
{
    struct scope_walk *w = aux;
    struct address_scope a;

    scope_from_row(st, &a, false);
    return w->cb(&a, w->aux);
}

int
store_address_scope_foreach(struct store_conn *c, const struct list_query *q,
                            store_address_scope_cb *cb, void *aux)
{
    struct scope_walk w = { cb, aux };

    return list_run(c, &scope_sql, q, scope_row, &w);
}

int
store_address_scope_get_as(struct store_conn *c, const char *id, const char *visible_to,
                           const char *viewer, struct address_scope *ret)
{
    static const char sql[] = SCOPE_SELECT " WHERE a.id = ?2";
    static const char sql_vis[] =
        SCOPE_SELECT " WHERE a.id = ?2 AND " SCOPE_VISIBLE("?3", "?3");
    const char *values[] = { viewer ? viewer : "", id, visible_to };
    struct db_stmt *st = visible_to ? conn_stmt_texts(c, sql_vis, values, 3)
                                    : conn_stmt_texts(c, sql, values, 2);

    return conn_read_row(c, st, scope_read, ret, "get address scope");
}

int
store_address_scope_get(struct store_conn *c, const char *id, const char *visible_to,
                        struct address_scope *ret)
{
    return store_address_scope_get_as(c, id, visible_to, visible_to, ret);
}

int
store_address_scope_insert(struct store_conn *c, const struct address_scope *a)
{
    static const char sql[] =
        "INSERT INTO address_scopes (" SQL_STD_INSERT_COLUMNS ", ip_version, shared)"
        " VALUES (?,?,?,?,?,?,?,?,?)";
    struct db_stmt *st = conn_stmt_std(c, sql, &a->std);

    if (st) {
        db_bind_int(st, 8, a->ip_version);
        db_bind_int(st, 9, a->shared);
    }
    return conn_exec_stmt(c, st, "insert address scope");
}

int
store_address_scope_update(struct store_conn *c, const struct address_scope *a)
{
    static const char sql[] =
        "UPDATE address_scopes SET " SQL_STD_UPDATE_SET " WHERE id = ?1";

    return conn_exec_change(c, conn_stmt_std(c, sql, &a->std), "update address scope");
}

int
store_address_scope_delete(struct store_conn *c, const char *id)
{
    static const char sql[] = "DELETE FROM address_scopes WHERE id = ?";
    int r = store_rbac_delete_matching(c, "address_scope", id, NULL, NULL);

    return r ? r : conn_exec_change(c, conn_stmt_text(c, sql, id), "delete address scope");
}

int
store_address_scope_in_use(struct store_conn *c, const char *id, bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM subnetpools WHERE address_scope_id = ?)";

    return conn_one_bool(c, conn_stmt_text(c, sql, id), ret, "address scope in use");
}
