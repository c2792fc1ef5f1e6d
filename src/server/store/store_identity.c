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

/* Maps a unique-constraint failure to -EEXIST quietly (a taken name is an answer,
 * not an error worth logging). */
static int
exec_insert(struct store_conn *c, struct db_stmt *st, const char *what)
{
    int rc = db_step(st);

    db_reset(st);
    if (rc == DB_DONE) {
        return 0;
    }
    if (rc == DB_CONSTRAINT) {
        return -EEXIST;
    }
    return conn_error(c, rc, what);
}

/* Steps a statement that changes rows; -ENOENT if it changed none. */
static int
exec_change(struct store_conn *c, struct db_stmt *st, const char *what)
{
    int rc = db_step(st);

    db_reset(st);
    if (rc == DB_CONSTRAINT) {
        return -EEXIST;
    }
    if (rc != DB_DONE) {
        return conn_error(c, rc, what);
    }
    return db_changes(c->db) ? 0 : -ENOENT;
}

typedef void row_reader(struct db_stmt *st, void *ret);

/* Runs a one-key SELECT and reads its row (owned copies) with 'read'; -ENOENT if none. */
static int
get_one(struct store_conn *c, const char *sql, const char *key, row_reader *read, void *ret,
        const char *what)
{
    struct db_stmt *st = conn_stmt(c, sql);
    int rc;

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, key);
    rc = db_step(st);
    if (rc == DB_ROW) {
        read(st, ret);
    }
    db_reset(st);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? -ENOENT : conn_error(c, rc, what);
}

/* --- Settings -------------------------------------------------------------------- */

int
store_id_meta_get(struct store_conn *c, const char *key, char **ret)
{
    struct db_stmt *st = conn_stmt(c, "SELECT value FROM identity_meta WHERE key = ?");
    int rc;

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, key);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *ret = col_text(st, 0, true);
    }
    db_reset(st);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? -ENOENT : conn_error(c, rc, "meta");
}

int
store_id_meta_set(struct store_conn *c, const char *key, const char *value)
{
    struct db_stmt *st = conn_stmt(c, "INSERT INTO identity_meta (key, value) VALUES (?, ?)"
                                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, key);
    db_bind_text(st, 2, value);
    return conn_exec_stmt(c, st, "set meta");
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
    return exec_change(c, st, "update project");
}

/* Runs a one-parameter DELETE. */
static int
delete_where(struct store_conn *c, const char *sql, const char *key, const char *what)
{
    struct db_stmt *st = conn_stmt(c, sql);

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, key);
    return conn_exec_stmt(c, st, what);
}

/* Runs a one-parameter DELETE of one row; -ENOENT if there was none. */
static int
delete_row(struct store_conn *c, const char *sql, const char *key, const char *what)
{
    struct db_stmt *st = conn_stmt(c, sql);

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, key);
    return exec_change(c, st, what);
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

static int
project_walk(struct store_conn *c, struct db_stmt *st, store_id_project_cb *cb, void *aux)
{
    int rc, r = 0;

    while ((rc = db_step(st)) == DB_ROW) {
        struct id_project p;
        project_from_row(st, &p, false);
        r = cb(&p, aux);
        if (r) {
            break;
        }
    }
    db_reset(st);
    return r ? r : rc == DB_ROW || rc == DB_DONE ? 0 : conn_error(c, rc, "projects");
}

int
store_id_project_foreach(struct store_conn *c, const char *name, store_id_project_cb *cb,
                         void *aux)
{
    struct db_stmt *st = conn_stmt(c, PROJECT_SELECT " WHERE CAST(?1 AS TEXT) IS NULL OR name = ?1"
                                                   " ORDER BY name");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, name);
    return project_walk(c, st, cb, aux);
}

int
store_id_projects_of_user(struct store_conn *c, const char *user_id, store_id_project_cb *cb,
                          void *aux)
{
    struct db_stmt *st = conn_stmt(c, PROJECT_SELECT " WHERE id IN (SELECT project_id FROM"
                                    " identity_assignments WHERE user_id = ?) ORDER BY name");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, user_id);
    return project_walk(c, st, cb, aux);
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

static void
user_bind(struct db_stmt *st, const struct id_user *u)
{
    db_bind_text(st, 1, u->id);
    db_bind_text(st, 2, u->name);
    db_bind_text(st, 3, u->password_hash);
    db_bind_text(st, 4, u->default_project_id);
    db_bind_text(st, 5, u->email);
    db_bind_text(st, 6, u->description);
    db_bind_int(st, 7, u->enabled);
}

int
store_id_user_insert(struct store_conn *c, const struct id_user *u)
{
    struct db_stmt *st = conn_stmt(c, "INSERT INTO identity_users (id, name, password_hash,"
                                    " default_project_id, email, description, enabled)"
                                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");

    if (!st) {
        return -EIO;
    }
    user_bind(st, u);
    return conn_insert_stmt(c, st, "insert user");
}

int
store_id_user_update(struct store_conn *c, const struct id_user *u)
{
    struct db_stmt *st = conn_stmt(c, "UPDATE identity_users SET name = ?2, password_hash = ?3,"
                                    " default_project_id = ?4, email = ?5, description = ?6,"
                                    " enabled = ?7 WHERE id = ?1");

    if (!st) {
        return -EIO;
    }
    user_bind(st, u);
    return exec_change(c, st, "update user");
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

int
store_id_user_foreach(struct store_conn *c, const char *name, store_id_user_cb *cb, void *aux)
{
    struct db_stmt *st = conn_stmt(c, USER_SELECT " WHERE CAST(?1 AS TEXT) IS NULL"
                                    " OR name = ?1 ORDER BY name");
    int rc, r = 0;

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, name);
    while ((rc = db_step(st)) == DB_ROW) {
        struct id_user u;
        user_from_row(st, &u, false);
        r = cb(&u, aux);
        if (r) {
            break;
        }
    }
    db_reset(st);
    return r ? r : rc == DB_ROW || rc == DB_DONE ? 0 : conn_error(c, rc, "users");
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

static int
role_walk(struct store_conn *c, struct db_stmt *st, store_id_role_cb *cb, void *aux)
{
    int rc, r = 0;

    while ((rc = db_step(st)) == DB_ROW) {
        struct id_role role;
        role_from_row(st, &role, false);
        r = cb(&role, aux);
        if (r) {
            break;
        }
    }
    db_reset(st);
    return r ? r : rc == DB_ROW || rc == DB_DONE ? 0 : conn_error(c, rc, "roles");
}

int
store_id_role_foreach(struct store_conn *c, const char *name, store_id_role_cb *cb, void *aux)
{
    struct db_stmt *st = conn_stmt(c, ROLE_SELECT " WHERE CAST(?1 AS TEXT) IS NULL"
                                    " OR name = ?1 ORDER BY name");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, name);
    return role_walk(c, st, cb, aux);
}

int
store_id_roles_of(struct store_conn *c, const char *user_id, const char *project_id,
                  store_id_role_cb *cb, void *aux)
{
    struct db_stmt *st = conn_stmt(c, ROLE_SELECT " WHERE id IN (SELECT role_id FROM"
                                    " identity_assignments WHERE user_id = ? AND project_id = ?)"
                                    " ORDER BY name");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, user_id);
    db_bind_text(st, 2, project_id);
    return role_walk(c, st, cb, aux);
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
    return exec_change(c, st, "revoke");
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
    int rc, r = 0;

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, project_id);
    db_bind_text(st, 2, user_id);
    db_bind_text(st, 3, role_id);
    while ((rc = db_step(st)) == DB_ROW) {
        struct id_assignment a = {
            (const char *) db_col_text(st, 0),
            (const char *) db_col_text(st, 1),
            (const char *) db_col_text(st, 2),
        };
        r = cb(&a, aux);
        if (r) {
            break;
        }
    }
    db_reset(st);
    return r ? r : rc == DB_ROW || rc == DB_DONE ? 0 : conn_error(c, rc, "assignments");
}

/* --- Tokens ---------------------------------------------------------------------- */

int
store_id_token_insert(struct store_conn *c, const struct id_token *t)
{
    struct db_stmt *st = conn_stmt(c, "INSERT INTO identity_tokens (hash, user_id, project_id,"
                                    " methods, audit_id, parent_audit_id, issued_at, expires_at)"
                                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, t->hash);
    db_bind_text(st, 2, t->user_id);
    db_bind_text(st, 3, t->project_id);
    db_bind_text(st, 4, t->methods);
    db_bind_text(st, 5, t->audit_id);
    db_bind_text(st, 6, t->parent_audit_id);
    db_bind_int(st, 7, t->issued_at);
    db_bind_int(st, 8, t->expires_at);
    return exec_insert(c, st, "insert token");
}

int
store_id_token_get(struct store_conn *c, const char *hash, int64_t now, struct id_token *ret)
{
    struct db_stmt *st = conn_stmt(c, "SELECT hash, user_id, project_id, methods, audit_id,"
                                    " parent_audit_id, issued_at, expires_at FROM identity_tokens"
                                    " WHERE hash = ? AND expires_at > ?");
    int rc;

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, hash);
    db_bind_int(st, 2, now);
    rc = db_step(st);
    if (rc == DB_ROW) {
        memset(ret, 0, sizeof *ret);
        col_copy(st, 0, ret->hash, sizeof ret->hash);
        col_copy(st, 1, ret->user_id, sizeof ret->user_id);
        col_copy(st, 2, ret->project_id, sizeof ret->project_id);
        col_copy(st, 3, ret->methods, sizeof ret->methods);
        col_copy(st, 4, ret->audit_id, sizeof ret->audit_id);
        col_copy(st, 5, ret->parent_audit_id, sizeof ret->parent_audit_id);
        ret->issued_at = db_col_int(st, 6);
        ret->expires_at = db_col_int(st, 7);
    }
    db_reset(st);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? -ENOENT : conn_error(c, rc, "token");
}

int
store_id_token_delete(struct store_conn *c, const char *hash)
{
    struct db_stmt *st = conn_stmt(c, "DELETE FROM identity_tokens WHERE hash = ?");

    if (!st) {
        return -EIO;
    }
    db_bind_text(st, 1, hash);
    return exec_change(c, st, "delete token");
}

int
store_id_token_purge(struct store_conn *c, int64_t now)
{
    struct db_stmt *st = conn_stmt(c, "DELETE FROM identity_tokens WHERE expires_at <= ?");

    if (!st) {
        return -EIO;
    }
    db_bind_int(st, 1, now);
    return conn_exec_stmt(c, st, "purge tokens");
}

int
store_id_token_delete_user(struct store_conn *c, const char *user_id)
{
    return delete_where(c, "DELETE FROM identity_tokens WHERE user_id = ?", user_id,
                        "delete user tokens");
}
