/* Flavors, service profiles and the profiles each flavor has (store.h, "Flavors and
 * service profiles").  A flavor's profiles are rows of flavor_service_profiles kept in
 * the order they were added (position) and read back with the flavor as one JSON
 * array. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "store_conn.h"
#include "util.h"

#define FLAVOR_SELECT                                                                      \
    "SELECT fl.id, fl.name, fl.description, fl.service_type, fl.enabled,"                 \
    " (SELECT " SQL_JSON_ARRAY("json_quote(x.service_profile_id)")                         \
    "   FROM (SELECT fp.service_profile_id FROM flavor_service_profiles fp"               \
    "   WHERE fp.flavor_id = fl.id ORDER BY fp.position) x)"                               \
    " FROM flavors fl"

#define PROFILE_SELECT                                                                     \
    "SELECT sp.id, sp.description, sp.driver, sp.enabled, sp.metainfo"                     \
    " FROM service_profiles sp"

static const struct field_column flavor_columns[] = {
    { SF_ID, "fl.id" },
    { SF_NAME, "fl.name" },
    { SF_DESCRIPTION, "fl.description" },
    { SF_SERVICE_TYPE, "fl.service_type" },
    { SF_ENABLED, "fl.enabled" },
};

/* No project owns a flavor: 'visibility' is never added (list_query.visible_to is
 * cleared by the caller), the condition here only keeps the table's shape honest. */
static const struct resource_sql flavor_sql = {
    .select = FLAVOR_SELECT,
    .table = "flavors",
    .table_alias = "fl",
    .visibility = "1 = 1",
    .columns = flavor_columns,
    .n_columns = ARRAY_SIZE(flavor_columns),
};

static const struct field_column profile_columns[] = {
    { SF_ID, "sp.id" },
    { SF_DESCRIPTION, "sp.description" },
    { SF_DRIVER, "sp.driver" },
    { SF_ENABLED, "sp.enabled" },
};

static const struct resource_sql profile_sql = {
    .select = PROFILE_SELECT,
    .table = "service_profiles",
    .table_alias = "sp",
    .visibility = "1 = 1",
    .columns = profile_columns,
    .n_columns = ARRAY_SIZE(profile_columns),
};

/* --- Flavors ------------------------------------------------------------------------ */

static void
flavor_from_row(struct db_stmt *st, struct flavor *f, bool copy)
{
    memset(f, 0, sizeof *f);
    col_copy(st, 0, f->id, sizeof f->id);
    f->name = col_text(st, 1, copy);
    f->description = col_text(st, 2, copy);
    f->service_type = col_text(st, 3, copy);
    f->enabled = db_col_int(st, 4) != 0;
    f->profiles_json = col_text(st, 5, copy);
}

static void
flavor_read(struct db_stmt *st, void *ret)
{
    flavor_from_row(st, ret, true);
}

struct flavor_walk {
    store_flavor_cb *cb;
    void *aux;
};

static int
flavor_row(struct db_stmt *st, void *aux)
{
    struct flavor_walk *w = aux;
    struct flavor f;

    flavor_from_row(st, &f, false);
    return w->cb(&f, w->aux);
}

int
store_flavor_foreach(struct store_conn *c, const struct list_query *q, store_flavor_cb *cb,
                     void *aux)
{
    struct flavor_walk w = { cb, aux };

    return list_run(c, &flavor_sql, q, flavor_row, &w);
}

int
store_flavor_get(struct store_conn *c, const char *id, struct flavor *ret)
{
    static const char sql[] = FLAVOR_SELECT " WHERE fl.id = ?";

    return conn_read_row(c, conn_stmt_text(c, sql, id), flavor_read, ret, "get flavor");
}

int
store_flavor_insert(struct store_conn *c, const struct flavor *f)
{
    static const char sql[] =
        "INSERT INTO flavors (id, name, description, service_type, enabled)"
        " VALUES (?, ?, ?, ?, ?)";
    struct db_stmt *st = conn_stmt(c, sql);

    if (st) {
        db_bind_text(st, 1, f->id);
        db_bind_text(st, 2, f->name);
        db_bind_text(st, 3, f->description);
        db_bind_text(st, 4, f->service_type);
        db_bind_int(st, 5, f->enabled);
    }
    return conn_exec_stmt(c, st, "insert flavor");
}

int
store_flavor_update(struct store_conn *c, const struct flavor *f)
{
    static const char sql[] =
        "UPDATE flavors SET name = ?, description = ?, enabled = ? WHERE id = ?";
    struct db_stmt *st = conn_stmt(c, sql);

    if (st) {
        db_bind_text(st, 1, f->name);
        db_bind_text(st, 2, f->description);
        db_bind_int(st, 3, f->enabled);
        db_bind_text(st, 4, f->id);
    }
    return conn_exec_change(c, st, "update flavor");
}

int
store_flavor_delete(struct store_conn *c, const char *id)
{
    static const char sql_profiles[] = "DELETE FROM flavor_service_profiles WHERE flavor_id = ?";
    static const char sql[] = "DELETE FROM flavors WHERE id = ?";
    /* Its associations go first, whatever the engine does with ON DELETE CASCADE. */
    int r = conn_exec_stmt(c, conn_stmt_text(c, sql_profiles, id), "delete flavor profiles");

    return r ? r : conn_exec_change(c, conn_stmt_text(c, sql, id), "delete flavor");
}

/* --- Service profiles --------------------------------------------------------------- */

static void
profile_from_row(struct db_stmt *st, struct service_profile *p, bool copy)
{
    memset(p, 0, sizeof *p);
    col_copy(st, 0, p->id, sizeof p->id);
    p->description = col_text(st, 1, copy);
    p->driver = col_text(st, 2, copy);
    p->enabled = db_col_int(st, 3) != 0;
    p->metainfo = col_text(st, 4, copy);
}

static void
profile_read(struct db_stmt *st, void *ret)
{
    profile_from_row(st, ret, true);
}

struct profile_walk {
    store_service_profile_cb *cb;
    void *aux;
};

static int
profile_row(struct db_stmt *st, void *aux)
{
    struct profile_walk *w = aux;
    struct service_profile p;

    profile_from_row(st, &p, false);
    return w->cb(&p, w->aux);
}

int
store_service_profile_foreach(struct store_conn *c, const struct list_query *q,
                              store_service_profile_cb *cb, void *aux)
{
    struct profile_walk w = { cb, aux };

    return list_run(c, &profile_sql, q, profile_row, &w);
}

int
store_service_profile_get(struct store_conn *c, const char *id, struct service_profile *ret)
{
    static const char sql[] = PROFILE_SELECT " WHERE sp.id = ?";

    return conn_read_row(c, conn_stmt_text(c, sql, id), profile_read, ret,
                         "get service profile");
}

int
store_service_profile_insert(struct store_conn *c, const struct service_profile *p)
{
    static const char sql[] =
        "INSERT INTO service_profiles (id, description, driver, enabled, metainfo)"
        " VALUES (?, ?, ?, ?, ?)";
    struct db_stmt *st = conn_stmt(c, sql);

    if (st) {
        db_bind_text(st, 1, p->id);
        db_bind_text(st, 2, p->description);
        db_bind_text(st, 3, p->driver);
        db_bind_int(st, 4, p->enabled);
        db_bind_text(st, 5, p->metainfo);
    }
    return conn_exec_stmt(c, st, "insert service profile");
}

int
store_service_profile_update(struct store_conn *c, const struct service_profile *p)
{
    static const char sql[] =
        "UPDATE service_profiles SET description = ?, driver = ?, enabled = ?, metainfo = ?"
        " WHERE id = ?";
    struct db_stmt *st = conn_stmt(c, sql);

    if (st) {
        db_bind_text(st, 1, p->description);
        db_bind_text(st, 2, p->driver);
        db_bind_int(st, 3, p->enabled);
        db_bind_text(st, 4, p->metainfo);
        db_bind_text(st, 5, p->id);
    }
    return conn_exec_change(c, st, "update service profile");
}

int
store_service_profile_delete(struct store_conn *c, const char *id)
{
    static const char sql[] = "DELETE FROM service_profiles WHERE id = ?";

    return conn_exec_change(c, conn_stmt_text(c, sql, id), "delete service profile");
}

int
store_service_profile_in_use(struct store_conn *c, const char *id, bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM flavor_service_profiles WHERE service_profile_id = ?)";

    return conn_one_bool(c, conn_stmt_text(c, sql, id), ret, "service profile in use");
}

/* --- Associations ------------------------------------------------------------------- */

int
store_flavor_profile_exists(struct store_conn *c, const char *flavor_id,
                            const char *profile_id, bool *ret)
{
    static const char sql[] =
        "SELECT EXISTS (SELECT 1 FROM flavor_service_profiles"
        " WHERE flavor_id = ? AND service_profile_id = ?)";

    return conn_one_bool(c, conn_stmt_text2(c, sql, flavor_id, profile_id), ret,
                         "flavor has profile");
}

int
store_flavor_profile_add(struct store_conn *c, const char *flavor_id, const char *profile_id)
{
    static const char sql[] =
        "INSERT INTO flavor_service_profiles (flavor_id, service_profile_id, position)"
        " SELECT ?1, ?2, COALESCE(MAX(position), 0) + 1 FROM flavor_service_profiles"
        " WHERE flavor_id = ?1";

    return conn_exec_stmt(c, conn_stmt_text2(c, sql, flavor_id, profile_id),
                          "add flavor profile");
}

int
store_flavor_profile_remove(struct store_conn *c, const char *flavor_id,
                            const char *profile_id)
{
    static const char sql[] =
        "DELETE FROM flavor_service_profiles WHERE flavor_id = ? AND service_profile_id = ?";

    return conn_exec_change(c, conn_stmt_text2(c, sql, flavor_id, profile_id),
                            "remove flavor profile");
}
