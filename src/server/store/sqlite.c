/* SQLite backend, part 1: opening the database, migrating its schema, per-thread
 * connections with a prepared-statement cache, and write transactions.
 *
 * Durability: WAL with synchronous=NORMAL.  A committed transaction is in the WAL
 * file before store_commit() returns, so it survives kill -9 of the server (the
 * process, not the machine; synchronous=FULL would add an fsync per write for power
 * loss, and is one PRAGMA away if an operator wants it).
 * Concurrency: writes from this process are serialised by a mutex before
 * BEGIN IMMEDIATE, so worker threads queue instead of spinning on SQLITE_BUSY;
 * busy_timeout covers other processes. */
#include "sqlite_conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "schema.h"
#include "util.h"

LOG_MODULE("store");

enum { BUSY_TIMEOUT_MS = 10000 };

static void
conn_destroy(void *p)
{
    struct store_conn *c = p;

    if (!c) {
        return;
    }
    for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
        sqlite3_finalize(c->cache[i].stmt);
    }
    sqlite3_close_v2(c->db);
    free(c);
}

static int
conn_exec(sqlite3 *db, const char *sql, struct buf *error)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        buf_printf(error, "%s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -EIO;
    }
    return 0;
}

static struct store_conn *
conn_open(struct store *s, struct buf *error)
{
    static const char pragmas[] =
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA temp_store=MEMORY;"
        "PRAGMA cache_size=-8000;";
    struct store_conn *c = xcalloc(1, sizeof *c);
    int rc;

    c->store = s;
    rc = sqlite3_open_v2(s->path, &c->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        buf_printf(error, "cannot open database %s: %s", s->path,
                   c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        conn_destroy(c);
        return NULL;
    }
    sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
    if (conn_exec(c->db, pragmas, error) < 0) {
        conn_destroy(c);
        return NULL;
    }
    return c;
}

/* Brings the schema to the newest version, one transaction per migration. */
static int
store_migrate(struct store *s, struct store_conn *c, struct buf *error)
{
    sqlite3_stmt *st = NULL;
    int version = 0;

    if (conn_exec(c->db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);",
                  error) < 0) {
        return -EIO;
    }
    if (sqlite3_prepare_v2(c->db, "SELECT MAX(version) FROM schema_version", -1, &st, NULL)
            == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW) {
        version = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    if ((size_t) version > schema_n_migrations) {
        buf_printf(error, "database schema version %d is newer than this server (%zu)", version,
                   schema_n_migrations);
        return -EPROTO;
    }
    for (size_t v = (size_t) version; v < schema_n_migrations; v++) {
        char *bump = xasprintf("DELETE FROM schema_version;"
                               "INSERT INTO schema_version VALUES (%zu);", v + 1);
        int r = conn_exec(c->db, "BEGIN IMMEDIATE", error);
        if (!r) {
            r = conn_exec(c->db, schema_migrations[v], error);
        }
        if (!r) {
            r = conn_exec(c->db, bump, error);
        }
        if (!r) {
            r = conn_exec(c->db, "COMMIT", error);
        }
        free(bump);
        if (r) {
            (void) sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
            buf_printf(error, " (migration %zu)", v + 1);
            return r;
        }
        log_info("database migrated to schema version %zu", v + 1);
    }
    s->version = (int) schema_n_migrations;
    return 0;
}

int
store_open(const char *path, struct store **ret, struct buf *error)
{
    struct store *s = xcalloc(1, sizeof *s);
    int r;

    s->path = xstrdup(path);
    pthread_mutex_init(&s->write_mutex, NULL);
    if (pthread_key_create(&s->conn_key, conn_destroy)) {
        buf_printf(error, "cannot create thread key");
        r = -ENOMEM;
        goto fail;
    }
    s->main_conn = conn_open(s, error);
    if (!s->main_conn) {
        r = -EIO;
        goto fail_key;
    }
    pthread_setspecific(s->conn_key, s->main_conn);
    r = store_migrate(s, s->main_conn, error);
    if (r) {
        goto fail_key;
    }
    *ret = s;
    return 0;

fail_key:
    pthread_setspecific(s->conn_key, NULL);
    conn_destroy(s->main_conn);
    pthread_key_delete(s->conn_key);
fail:
    pthread_mutex_destroy(&s->write_mutex);
    free(s->path);
    free(s);
    return r;
}

void
store_close(struct store *s)
{
    if (!s) {
        return;
    }
    /* Worker threads' connections were closed by the key destructor when they exited. */
    pthread_setspecific(s->conn_key, NULL);
    conn_destroy(s->main_conn);
    pthread_key_delete(s->conn_key);
    pthread_mutex_destroy(&s->write_mutex);
    free(s->path);
    free(s);
}

int
store_schema_version(struct store *s)
{
    return s->version;
}

struct store_conn *
store_conn(struct store *s)
{
    struct store_conn *c = pthread_getspecific(s->conn_key);

    if (!c) {
        struct buf error = BUF_INITIALIZER;
        c = conn_open(s, &error);
        if (!c) {
            log_err("%s", buf_cstr(&error));
        } else {
            pthread_setspecific(s->conn_key, c);
        }
        buf_done(&error);
    }
    return c;
}

sqlite3_stmt *
conn_stmt(struct store_conn *c, const char *sql)
{
    size_t h = ((uintptr_t) sql >> 4) % STMT_CACHE_SIZE;

    for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
        struct stmt_cache_entry *e = &c->cache[(h + i) % STMT_CACHE_SIZE];
        if (e->sql == sql) {
            sqlite3_reset(e->stmt);
            sqlite3_clear_bindings(e->stmt);
            return e->stmt;
        }
        if (!e->sql) {
            if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &e->stmt, NULL)
                != SQLITE_OK) {
                log_err("cannot prepare statement: %s", sqlite3_errmsg(c->db));
                e->stmt = NULL;
                return NULL;
            }
            e->sql = sql;
            return e->stmt;
        }
    }
    log_err("statement cache full");
    return NULL;
}

int
conn_error(struct store_conn *c, int rc, const char *what)
{
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        return -EEXIST;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        log_warn_rl("%s: database busy", what);
        return -EBUSY;
    default:
        log_err("%s: %s", what, sqlite3_errmsg(c->db));
        return -EIO;
    }
}

int
conn_exec_stmt(struct store_conn *c, sqlite3_stmt *st, const char *what)
{
    int rc;

    if (!st) {
        return -EIO;
    }
    rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        int r = conn_error(c, rc, what);
        sqlite3_reset(st);
        return r;
    }
    sqlite3_reset(st);
    return 0;
}

char *
col_text(sqlite3_stmt *st, int i, bool copy)
{
    const char *t = (const char *) sqlite3_column_text(st, i);

    if (!t) {
        return NULL;
    }
    return copy ? xstrdup(t) : (char *) t;
}

void
col_copy(sqlite3_stmt *st, int i, char *out, size_t size)
{
    const char *t = (const char *) sqlite3_column_text(st, i);
    size_t len = t ? strlen(t) : 0;

    if (len >= size) {
        len = size - 1;
    }
    if (len) {
        memcpy(out, t, len);
    }
    out[len] = '\0';
}

int
store_begin(struct store_conn *c)
{
    static const char sql[] = "BEGIN IMMEDIATE";
    int rc;

    pthread_mutex_lock(&c->store->write_mutex);
    rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        int r = conn_error(c, rc, "begin");
        pthread_mutex_unlock(&c->store->write_mutex);
        return r;
    }
    c->in_write = true;
    return 0;
}

int
store_commit(struct store_conn *c)
{
    int rc = sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    int r = 0;

    if (rc != SQLITE_OK) {
        r = conn_error(c, rc, "commit");
        (void) sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    }
    c->in_write = false;
    pthread_mutex_unlock(&c->store->write_mutex);
    return r;
}

void
store_rollback(struct store_conn *c)
{
    if (!c->in_write) {
        return;
    }
    (void) sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    c->in_write = false;
    pthread_mutex_unlock(&c->store->write_mutex);
}

void
bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s) {
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(st, i);
    }
}
