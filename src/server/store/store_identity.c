/* SQLite backend, part 6: the built-in identity service's projects, users, roles,
 * role assignments and tokens (see store.h, "Identity"). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_conn.h"
#include "util.h"

LOG_MODULE("store");

void
id_project_done(struct id_project *p)
{
    free(p->name);
    free(p->description);
    memset(p, 0, sizeof *p);
}

void
id_user_done(struct id_user *u)
{
    free(u->name);
    free(u->password_hash);
    free(u->default_project_id);
    free(u->email);
    free(u->description);
    memset(u, 0, sizeof *u);
}

void
id_role_done(struct id_role *r)
{
    free(r->name);
    free(r->description);
    memset(r, 0, sizeof *r);
}

/* Runs a one-key SELECT and reads its row (owned copies) with 'read'; -ENOENT if none. */
static int
get_one(struct store_conn *c, const char *sql, const char *key, row_reader *read, void *ret,
        const char *what)
{
    return conn_read_row(c, conn_stmt_text(c, sql, key), read, ret, what);
}

/* --- Settings -------------------------------------------------------------------- */

int
store_id_meta_get(struct store_conn *c, const char *key, char **ret)
{
    return get_one(c, "SELECT value FROM identity_meta WHERE key = ?", key, col_text_read, ret,
                   "meta");
}

int
store_id_meta_set(struct store_conn *c, const char *key, const char *value)
{
    static const char sql[] = "INSERT INTO identity_meta (key, value) VALUES (?, ?)"
                              " ON CONFLICT (key) DO UPDATE SET value = excluded.value";

    return conn_exec_stmt(c, conn_stmt_text2(c, sql, key, value), "set meta");
}

/* --- Projects -------------------------------------------------------------------- */

#define PROJECT_SELECT "SELECT id, name, description, enabled FROM identity_projects"

static void
project_from_row(struct db_stmt *st, struct id_project *p, bool copy)
{
    memset(p, 0, sizeof *p);
    col_copy(st, 0, p->id, sizeof p->id);
    p->name = col_text(st, 1, copy);
    p->description = col_text(st, 2, copy);
    p->enabled = (int) db_col_int(st, 3);
}

static void
project_read(struct db_stmt *st, void *ret)
{
    project_from_row(st, ret, true);
}

int
store_id_project_get(struct store_conn *c, const char *id, struct id_project *ret)
{
    return get_one(c, PROJECT_SELECT " WHERE id = ?", id, project_read, ret, "project");
}

int
store_id_project_get_by_name(struct store_conn *c, const char *name, struct id_project *ret)
{
    return get_one(c, PROJECT_SELECT " WHERE name = ?", name, project_read, ret, "project");
}

int
store_id_project_insert(struct store_conn *c, const struct id_project *p)
{
    struct db_stmt *st = conn_stmt(c, "INSERT INTO identity_projects (id, name, description,"
                                    " enabled) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, p->id);
    db_bind_text(st, 2, p->name);
    db_bind_text(st, 3, p->description ? p->description : "");
    db_bind_int(st, 4, p->enabled);
    return conn_insert_stmt(c, st, "insert project");
}

int
store_id_project_update(struct store_conn *c, const struct id_project *p)
{
    struct db_stmt *st = conn_stmt(c, "UPDATE identity_projects SET name = ?, description = ?,"
                                    " enabled = ? WHERE id = ?");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, p->name);
    db_bind_text(st, 2, p->description ? p->description : "");
    db_bind_int(st, 3, p->enabled);
    db_bind_text(st, 4, p->id);
    return conn_exec_change(c, st, "update project");
}

/* Runs a one-parameter DELETE. */
static int
delete_where(struct store_conn *c, const char *sql, const char *key, const char *what)
{
    return conn_exec_stmt(c, conn_stmt_text(c, sql, key), what);
}

/* Runs a one-parameter DELETE of one row; -ENOENT if there was none. */
static int
delete_row(struct store_conn *c, const char *sql, const char *key, const char *what)
{
    return conn_exec_change(c, conn_stmt_text(c, sql, key), what);
}

int
store_id_project_delete(struct store_conn *c, const char *id)
{
    int r = delete_where(c, "DELETE FROM identity_assignments WHERE project_id = ?", id,
                         "delete project assignments");

    if (!r) {
        r = delete_where(c, "DELETE FROM identity_tokens WHERE project_id = ?", id,
                         "delete project tokens");
    }
    if (r) {
        return r;
    }
    return delete_row(c, "DELETE FROM identity_projects WHERE id = ?", id, "delete project");
}

struct project_walk {
    store_id_project_cb *cb;
    void *aux;
};

static int
project_row(struct db_stmt *st, void *aux)
{
    struct project_walk *w = aux;
    struct id_project p;

    project_from_row(st, &p, false);
    return w->cb(&p, w->aux);
}

int
store_id_project_foreach(struct store_conn *c, const char *name, store_id_project_cb *cb,
                         void *aux)
{
    static const char sql[] = PROJECT_SELECT " WHERE CAST(?1 AS TEXT) IS NULL OR name = ?1"
                                             " ORDER BY name";
    struct project_walk w = { cb, aux };

    return conn_each_row(c, conn_stmt_text(c, sql, name), project_row, &w, "projects");
}

int
store_id_projects_of_user(struct store_conn *c, const char *user_id, store_id_project_cb *cb,
                          void *aux)
{
    static const char sql[] = PROJECT_SELECT " WHERE id IN (SELECT project_id FROM"
                              " identity_assignments WHERE user_id = ?) ORDER BY name";
    struct project_walk w = { cb, aux };

    return conn_each_row(c, conn_stmt_text(c, sql, user_id), project_row, &w, "projects");
}

/* --- Users ----------------------------------------------------------------------- */

#define USER_SELECT                                                                        \
    "SELECT id, name, password_hash, default_project_id, email, description, enabled"      \
    " FROM identity_users"

static void
user_from_row(struct db_stmt *st, struct id_user *u, bool copy)
{
    memset(u, 0, sizeof *u);
    col_copy(st, 0, u->id, sizeof u->id);
    u->name = col_text(st, 1, copy);
    u->password_hash = col_text(st, 2, copy);
    u->default_project_id = col_text(st, 3, copy);
    u->email = col_text(st, 4, copy);
    u->description = col_text(st, 5, copy);
    u->enabled = (int) db_col_int(st, 6);
}

static void
user_read(struct db_stmt *st, void *ret)
{
    user_from_row(st, ret, true);
}

int
store_id_user_get(struct store_conn *c, const char *id, struct id_user *ret)
{
    return get_one(c, USER_SELECT " WHERE id = ?", id, user_read, ret, "user");
}

int
store_id_user_get_by_name(struct store_conn *c, const char *name, struct id_user *ret)
{
    return get_one(c, USER_SELECT " WHERE name = ?", name, user_read, ret, "user");
}

/* The cached statement for 'sql' with ?1 to ?7 bound to the user's columns in
 * USER_SELECT's order. */
static struct db_stmt *
user_stmt(struct store_conn *c, const char *sql, const struct id_user *u)
{
    const char *const texts[] = {
        u->id, u->name, u->password_hash, u->default_project_id, u->email, u->description,
    };
    struct db_stmt *st = conn_stmt_texts(c, sql, texts, ARRAY_SIZE(texts));

    if (st) {
        db_bind_int(st, 7, u->enabled);
    }
    return st;
}

int
store_id_user_insert(struct store_conn *c, const struct id_user *u)
{
    static const char sql[] =
        "INSERT INTO identity_users (id, name, password_hash, default_project_id, email,"
        " description, enabled) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

    return conn_insert_stmt(c, user_stmt(c, sql, u), "insert user");
}

int
store_id_user_update(struct store_conn *c, const struct id_user *u)
{
    static const char sql[] =
        "UPDATE identity_users SET name = ?2, password_hash = ?3, default_project_id = ?4,"
        " email = ?5, description = ?6, enabled = ?7 WHERE id = ?1";

    return conn_exec_change(c, user_stmt(c, sql, u), "update user");
}

int
store_id_user_delete(struct store_conn *c, const char *id)
{
    int r = delete_where(c, "DELETE FROM identity_assignments WHERE user_id = ?", id,
                         "delete user assignments");

    if (!r) {
        r = store_id_token_delete_user(c, id);
    }
    if (r) {
        return r;
    }
    return delete_row(c, "DELETE FROM identity_users WHERE id = ?", id, "delete user");
}

struct user_walk {
    store_id_user_cb *cb;
    void *aux;
};

static int
user_row(struct db_stmt *st, void *aux)
{
    struct user_walk *w = aux;
    struct id_user u;

    user_from_row(st, &u, false);
    return w->cb(&u, w->aux);
}

int
store_id_user_foreach(struct store_conn *c, const char *name, store_id_user_cb *cb, void *aux)
{
    static const char sql[] = USER_SELECT " WHERE CAST(?1 AS TEXT) IS NULL"
                                          " OR name = ?1 ORDER BY name";
    struct user_walk w = { cb, aux };

    return conn_each_row(c, conn_stmt_text(c, sql, name), user_row, &w, "users");
}

/* --- Roles ----------------------------------------------------------------------- */

#define ROLE_SELECT "SELECT id, name, description FROM identity_roles"

static void
role_from_row(struct db_stmt *st, struct id_role *r, bool copy)
{
    memset(r, 0, sizeof *r);
    col_copy(st, 0, r->id, sizeof r->id);
    r->name = col_text(st, 1, copy);
    r->description = col_text(st, 2, copy);
}

static void
role_read(struct db_stmt *st, void *ret)
{
    role_from_row(st, ret, true);
}

int
store_id_role_get(struct store_conn *c, const char *id, struct id_role *ret)
{
    return get_one(c, ROLE_SELECT " WHERE id = ?", id, role_read, ret, "role");
}

int
store_id_role_get_by_name(struct store_conn *c, const char *name, struct id_role *ret)
{
    return get_one(c, ROLE_SELECT " WHERE name = ?", name, role_read, ret, "role");
}

int
store_id_role_insert(struct store_conn *c, const struct id_role *r)
{
    struct db_stmt *st = conn_stmt(c, "INSERT INTO identity_roles (id, name, description)"
                                    " VALUES (?, ?, ?) ON CONFLICT DO NOTHING");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, r->id);
    db_bind_text(st, 2, r->name);
    db_bind_text(st, 3, r->description);
    return conn_insert_stmt(c, st, "insert role");
}

int
store_id_role_delete(struct store_conn *c, const char *id)
{
    int r = delete_where(c, "DELETE FROM identity_assignments WHERE role_id = ?", id,
                         "delete role assignments");

    if (r) {
        return r;
    }
    return delete_row(c, "DELETE FROM identity_roles WHERE id = ?", id, "delete role");
}

struct role_walk {
    store_id_role_cb *cb;
    void *aux;
};

static int
role_row(struct db_stmt *st, void *aux)
{
    struct role_walk *w = aux;
    struct id_role role;

    role_from_row(st, &role, false);
    return w->cb(&role, w->aux);
}

int
store_id_role_foreach(struct store_conn *c, const char *name, store_id_role_cb *cb, void *aux)
{
    static const char sql[] = ROLE_SELECT " WHERE CAST(?1 AS TEXT) IS NULL"
                                          " OR name = ?1 ORDER BY name";
    struct role_walk w = { cb, aux };

    return conn_each_row(c, conn_stmt_text(c, sql, name), role_row, &w, "roles");
}

int
store_id_roles_of(struct store_conn *c, const char *user_id, const char *project_id,
                  store_id_role_cb *cb, void *aux)
{
    static const char sql[] = ROLE_SELECT " WHERE id IN (SELECT role_id FROM"
                              " identity_assignments WHERE user_id = ? AND project_id = ?)"
                              " ORDER BY name";
    struct role_walk w = { cb, aux };

    return conn_each_row(c, conn_stmt_text2(c, sql, user_id, project_id), role_row, &w,
                         "roles");
}

/* --- Role assignments ------------------------------------------------------------ */

static void
bind_grant(struct db_stmt *st, const char *project_id, const char *user_id, const char *role_id)
{
    db_bind_text(st, 1, project_id);
    db_bind_text(st, 2, user_id);
    db_bind_text(st, 3, role_id);
}

int
store_id_grant(struct store_conn *c, const char *project_id, const char *user_id,
               const char *role_id)
{
    struct db_stmt *st = conn_stmt(c, "INSERT INTO identity_assignments (project_id, user_id,"
                                    " role_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");

    if (!st) {
        return -EIO;
    }
    bind_grant(st, project_id, user_id, role_id);
    return conn_exec_stmt(c, st, "grant");
}

int
store_id_revoke(struct store_conn *c, const char *project_id, const char *user_id,
                const char *role_id)
{
    struct db_stmt *st = conn_stmt(c, "DELETE FROM identity_assignments WHERE project_id = ?"
                                    " AND user_id = ? AND role_id = ?");

    if (!st) {
        return -EIO;
    }
    bind_grant(st, project_id, user_id, role_id);
    return conn_exec_change(c, st, "revoke");
}

int
store_id_grant_exists(struct store_conn *c, const char *project_id, const char *user_id,
                      const char *role_id, bool *ret)
{
    struct db_stmt *st = conn_stmt(c, "SELECT 1 FROM identity_assignments WHERE project_id = ?"
                                    " AND user_id = ? AND role_id = ?");
    int rc;

    if (!st) {
        return -EIO;
    }
    bind_grant(st, project_id, user_id, role_id);
    rc = db_step(st);
    db_reset(st);
    *ret = rc == DB_ROW;
    return rc == DB_ROW || rc == DB_DONE ? 0 : conn_error(c, rc, "grant exists");
}

struct assignment_walk {
    store_id_assignment_cb *cb;
    void *aux;
};

static int
assignment_row(struct db_stmt *st, void *aux)
{
    struct assignment_walk *w = aux;
    struct id_assignment a = { db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2) };

    return w->cb(&a, w->aux);
}

int
store_id_assignment_foreach(struct store_conn *c, const char *project_id, const char *user_id,
                            const char *role_id, store_id_assignment_cb *cb, void *aux)
{
    struct db_stmt *st = conn_stmt(c, "SELECT project_id, user_id, role_id FROM"
                                    " identity_assignments"
                                    " WHERE (CAST(?1 AS TEXT) IS NULL OR project_id = ?1)"
                                    " AND (CAST(?2 AS TEXT) IS NULL OR user_id = ?2)"
                                    " AND (CAST(?3 AS TEXT) IS NULL OR role_id = ?3)"
                                    " ORDER BY project_id, user_id, role_id");
    struct assignment_walk w = { cb, aux };

    if (st) {
        bind_grant(st, project_id, user_id, role_id);
    }
    return conn_each_row(c, st, assignment_row, &w, "assignments");
}

/* --- Tokens ---------------------------------------------------------------------- */

int
store_id_token_insert(struct store_conn *c, const struct id_token *t)
{
    struct db_stmt *st = conn_stmt(c, "INSERT INTO identity_tokens (hash, user_id, project_id,"
                                    " methods, audit_id, parent_audit_id, issued_at, expires_at)"
                                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    const char *const texts[] = {
        t->hash, t->user_id, t->project_id, t->methods, t->audit_id, t->parent_audit_id,
    };

    if (!st) {
        return -EIO;
    }
    bind_texts(st, 1, texts, ARRAY_SIZE(texts));
    db_bind_int(st, 7, t->issued_at);
    db_bind_int(st, 8, t->expires_at);
    return conn_exec_stmt(c, st, "insert token");
}

static void
token_read(struct db_stmt *st, void *ret)
{
    struct id_token *t = ret;

    memset(t, 0, sizeof *t);
    col_copy(st, 0, t->hash, sizeof t->hash);
    col_copy(st, 1, t->user_id, sizeof t->user_id);
    col_copy(st, 2, t->project_id, sizeof t->project_id);
    col_copy(st, 3, t->methods, sizeof t->methods);
    col_copy(st, 4, t->audit_id, sizeof t->audit_id);
    col_copy(st, 5, t->parent_audit_id, sizeof t->parent_audit_id);
    t->issued_at = db_col_int(st, 6);
    t->expires_at = db_col_int(st, 7);
}

int
store_id_token_get(struct store_conn *c, const char *hash, int64_t now, struct id_token *ret)
{
    static const char sql[] =
        "SELECT hash, user_id, project_id, methods, audit_id, parent_audit_id, issued_at,"
        " expires_at FROM identity_tokens WHERE hash = ? AND expires_at > ?";

    return conn_read_row(c, conn_stmt_text_int(c, sql, hash, now), token_read, ret, "token");
}

int
store_id_token_delete(struct store_conn *c, const char *hash)
{
    return delete_row(c, "DELETE FROM identity_tokens WHERE hash = ?", hash, "delete token");
}

int
store_id_token_purge(struct store_conn *c, int64_t now)
{
    return conn_exec_stmt(c, conn_stmt_int(c, "DELETE FROM identity_tokens WHERE expires_at <= ?",
                                           now), "purge tokens");
}

int
store_id_token_delete_user(struct store_conn *c, const char *user_id)
{
    return delete_where(c, "DELETE FROM identity_tokens WHERE user_id = ?", user_id,
                        "delete user tokens");
}

/* --- Failed logins --------------------------------------------------------------- */

static void
login_failures_read(struct db_stmt *st, void *ret)
{
    struct id_login_failures *f = ret;

    f->count = (unsigned int) db_col_int(st, 0);
    f->last_at = db_col_int(st, 1);
}

int
store_id_login_failures_get(struct store_conn *c, const char *user_id,
                            struct id_login_failures *ret)
{
    struct id_login_failures f = { 0, 0 };
    int r = get_one(c, "SELECT failures, last_failure_at FROM identity_login_failures"
                       " WHERE user_id = ?", user_id, login_failures_read, &f,
                    "login failures");

    if (r && r != -ENOENT) {
        return r;
    }
    *ret = f;
    return 0;
}

int
store_id_login_failure_add(struct store_conn *c, const char *user_id, int64_t now)
{
    static const char sql[] =
        "INSERT INTO identity_login_failures (user_id, failures, last_failure_at)"
        " VALUES (?1, 1, ?2) ON CONFLICT (user_id) DO UPDATE SET"
        " failures = identity_login_failures.failures + 1,"
        " last_failure_at = excluded.last_failure_at";

    return conn_exec_stmt(c, conn_stmt_text_int(c, sql, user_id, now), "count login failure");
}

int
store_id_login_failures_clear(struct store_conn *c, const char *user_id)
{
    return conn_exec_stmt(c, conn_stmt_text(c, "DELETE FROM identity_login_failures"
                                               " WHERE user_id = ?", user_id),
                          "clear login failures");
}
