/* db.h over SQLite.  A statement is SQLite's own (struct db_stmt is never defined:
 * the pointers are SQLite's, converted at this file's edge), so the layer costs a call
 * and nothing else.  When the libpq backend joins, db.h's functions dispatch on the
 * connection's backend instead. */
#include "db.h"

#include <sqlite3.h>
#include <stdlib.h>

#include "log.h"
#include "util.h"

LOG_MODULE("store");

#define STMT_CACHE_SIZE 256

struct stmt_cache_entry {
    const char *sql;                /* Static SQL text, compared by address. */
    sqlite3_stmt *stmt;
};

struct db_conn {
    sqlite3 *db;
    struct stmt_cache_entry cache[STMT_CACHE_SIZE];
};

static sqlite3_stmt *
lite(struct db_stmt *st)
{
    return (sqlite3_stmt *) st;
}

static enum db_rc
rc_of(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
        return DB_OK;
    case SQLITE_ROW:
        return DB_ROW;
    case SQLITE_DONE:
        return DB_DONE;
    case SQLITE_CONSTRAINT:
        return DB_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return DB_BUSY;
    default:
        return DB_ERROR;
    }
}

struct db_conn *
db_open_sqlite(const char *path, int busy_timeout_ms, struct buf *error)
{
    struct db_conn *c = xcalloc(1, sizeof *c);
    int rc = sqlite3_open_v2(path, &c->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);

    if (rc != SQLITE_OK) {
        buf_printf(error, "cannot open database %s: %s", path,
                   c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        db_close(c);
        return NULL;
    }
    sqlite3_busy_timeout(c->db, busy_timeout_ms);
    return c;
}

void
db_close(struct db_conn *c)
{
    if (!c) {
        return;
    }
    for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
        sqlite3_finalize(c->cache[i].stmt);
    }
    sqlite3_close_v2(c->db);
    free(c);
}

enum db_rc
db_exec(struct db_conn *c, const char *sql, struct buf *error)
{
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK && error) {
        buf_printf(error, "%s", msg ? msg : sqlite3_errmsg(c->db));
    }
    sqlite3_free(msg);
    return rc_of(rc);
}

const char *
db_errmsg(struct db_conn *c)
{
    return sqlite3_errmsg(c->db);
}

int64_t
db_changes(struct db_conn *c)
{
    return sqlite3_changes64(c->db);
}

struct db_stmt *
db_stmt(struct db_conn *c, const char *sql)
{
    size_t h = ((uintptr_t) sql >> 4) % STMT_CACHE_SIZE;

    for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
        struct stmt_cache_entry *e = &c->cache[(h + i) % STMT_CACHE_SIZE];
        if (e->sql == sql) {
            sqlite3_reset(e->stmt);
            sqlite3_clear_bindings(e->stmt);
            return (struct db_stmt *) e->stmt;
        }
        if (!e->sql) {
            if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &e->stmt, NULL)
                != SQLITE_OK) {
                log_err("cannot prepare statement: %s", sqlite3_errmsg(c->db));
                e->stmt = NULL;
                return NULL;
            }
            e->sql = sql;
            return (struct db_stmt *) e->stmt;
        }
    }
    log_err("statement cache full");
    return NULL;
}

struct db_stmt *
db_prepare(struct db_conn *c, const char *sql)
{
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
        log_err("cannot prepare statement: %s", sqlite3_errmsg(c->db));
        sqlite3_finalize(st);
        return NULL;
    }
    return (struct db_stmt *) st;
}

void
db_finalize(struct db_stmt *st)
{
    sqlite3_finalize(lite(st));
}

void
db_bind_text(struct db_stmt *st, int i, const char *s)
{
    if (s) {
        sqlite3_bind_text(lite(st), i, s, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(lite(st), i);
    }
}

void
db_bind_text_copy(struct db_stmt *st, int i, const char *s)
{
    if (s) {
        sqlite3_bind_text(lite(st), i, s, -1, SQLITE_TRANSIENT);
    } else {
        sqlite3_bind_null(lite(st), i);
    }
}

void
db_bind_int(struct db_stmt *st, int i, int64_t v)
{
    sqlite3_bind_int64(lite(st), i, v);
}

void
db_bind_null(struct db_stmt *st, int i)
{
    sqlite3_bind_null(lite(st), i);
}

enum db_rc
db_step(struct db_stmt *st)
{
    return rc_of(sqlite3_step(lite(st)));
}

void
db_reset(struct db_stmt *st)
{
    sqlite3_reset(lite(st));
}

const char *
db_col_text(struct db_stmt *st, int i)
{
    return (const char *) sqlite3_column_text(lite(st), i);
}

int64_t
db_col_int(struct db_stmt *st, int i)
{
    return sqlite3_column_int64(lite(st), i);
}

bool
db_col_is_null(struct db_stmt *st, int i)
{
    return sqlite3_column_type(lite(st), i) == SQLITE_NULL;
}
