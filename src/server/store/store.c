/* The store, part 1: opening the database (SQLite or PostgreSQL, db.h), migrating its
 * schema, per-thread connections, and write transactions.
 *
 * Durability: on SQLite, WAL with synchronous=NORMAL.  A committed transaction is in
 * the WAL file before store_commit() returns, so it survives kill -9 of the server
 * (the process, not the machine; synchronous=FULL would add an fsync per write for
 * power loss, and is one PRAGMA away if an operator wants it).  On PostgreSQL, what
 * the server's synchronous_commit says.
 *
 * Concurrency: one writer at a time in the whole database, readers in parallel.
 * Writes from this process are serialised by a mutex first, so worker threads queue
 * instead of spinning.  Then SQLite's BEGIN IMMEDIATE takes the database's write
 * lock; on PostgreSQL, where several servers may share the database, a transaction
 * takes one advisory lock (WRITE_LOCK_KEY) right after BEGIN.  Under READ COMMITTED
 * each statement then sees everything committed before the lock was granted, so the
 * read-then-write allocations (addresses, MACs, segments) behave as on SQLite, and
 * the change feed's sequence numbers are committed in the order they are taken,
 * which the agents' "everything after N" relies on. */
#include "store_conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "log.h"
#include "schema.h"
#include "util.h"

LOG_MODULE("store");

enum { BUSY_TIMEOUT_MS = 10000 };

/* The advisory lock every write transaction holds on PostgreSQL ("neut"). */
#define WRITE_LOCK_KEY "1852143988"

static void
conn_destroy(void *p)
{
    struct store_conn *c = p;

    if (!c) {
        return;
    }
    db_close(c->db);
    free(c);
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

    c->store = s;
    if (s->pg) {
        c->db = db_open_pg(s->path, error);
    } else {
        c->db = db_open_sqlite(s->path, BUSY_TIMEOUT_MS, error);
    }
    if (!c->db || (!s->pg && db_exec(c->db, pragmas, error) != DB_OK)) {
        conn_destroy(c);
        return NULL;
    }
    return c;
}

static int
conn_exec(struct store_conn *c, const char *sql, struct buf *error)
{
    return db_exec(c->db, sql, error) == DB_OK ? 0 : -EIO;
}

/* BEGIN, holding the database's one write lock (see the top of the file). */
static const char *
begin_sql(const struct store *s)
{
    return s->pg ? "BEGIN; SELECT pg_advisory_xact_lock(" WRITE_LOCK_KEY ")" : "BEGIN IMMEDIATE";
}

/* The schema version, read inside the write transaction. */
static int
read_version(struct store_conn *c, int *ret)
{
    struct db_stmt *st = db_prepare(c->db, "SELECT MAX(version) FROM schema_version");
    enum db_rc rc = st ? db_step(st) : DB_ERROR;

    *ret = rc == DB_ROW ? (int) db_col_int(st, 0) : 0;
    db_finalize(st);
    return rc == DB_ROW ? 0 : -EIO;
}

/* One write transaction of the migration: reads the version under the write lock and
 * applies the next migration, or sets '*done' when there is none.  Servers started
 * together on one database thus migrate it once between them. */
static int
migrate_one(struct store *s, struct store_conn *c, bool *done, struct buf *error)
{
    int version = 0, r = conn_exec(c, begin_sql(s), error);

    r = r ? r : conn_exec(c, schema_version_table, error);
    r = r ? r : read_version(c, &version);
    if (!r && (size_t) version > schema_n_migrations) {
        buf_printf(error, "database schema version %d is newer than this server (%zu)",
                   version, schema_n_migrations);
        (void) db_exec(c->db, "ROLLBACK", NULL);
        return -EPROTO;
    }
    *done = !r && (size_t) version == schema_n_migrations;
    if (!r && !*done) {
        char *sql = s->pg ? schema_migration_pg((size_t) version)
                          : xstrdup(schema_migrations[version]);
        char *bump = xasprintf("DELETE FROM schema_version;"
                               "INSERT INTO schema_version VALUES (%d);", version + 1);
        r = conn_exec(c, sql, error);
        r = r ? r : conn_exec(c, bump, error);
        free(sql);
        free(bump);
    }
    r = r ? r : conn_exec(c, "COMMIT", error);
    if (r) {
        (void) db_exec(c->db, "ROLLBACK", NULL);
        buf_printf(error, " (migration %d)", version + 1);
        return r;
    }
    if (!*done) {
        log_info("database migrated to schema version %d", version + 1);
    }
    return 0;
}

/* Brings the schema to the newest version, one transaction per migration. */
static int
store_migrate(struct store *s, struct store_conn *c, struct buf *error)
{
    bool done = false;

    while (!done) {
        int r = migrate_one(s, c, &done, error);
        if (r) {
            return r;
        }
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
    s->pg = str_startswith(path, "postgresql://") || str_startswith(path, "postgres://");
    uuid_new(s->instance);
    pthread_mutex_init(&s->write_mutex, NULL);
    if (pthread_key_create(&s->conn_key, conn_destroy)) {
        buf_printf(error, "cannot create thread key");
        r = -ENOMEM;
        goto fail;
    }
    r = s->pg ? db_pg_check_url(path, error) : db_sqlite_private_files(path, error);
    if (r) {
        goto fail_key;
    }
    s->main_conn = conn_open(s, error);
    if (!s->main_conn) {
        r = s->pg ? -ENOTCONN : -EIO;
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
    store_unwatch(s);
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

void
store_describe(struct store *s, struct buf *out)
{
    db_describe(s->main_conn->db, out);
}

/* This thread could not open its connection (the database server is away): the
 * request may be run again, as for a connection lost later (store_take_outcome()). */
static __thread bool conn_open_failed;

struct store_conn *
store_conn(struct store *s)
{
    struct store_conn *c = pthread_getspecific(s->conn_key);

    if (!c) {
        struct buf error = BUF_INITIALIZER;
        c = conn_open(s, &error);
        if (!c) {
            log_warn_rl("%s", buf_cstr(&error));
            conn_open_failed = s->pg;
        } else {
            pthread_setspecific(s->conn_key, c);
        }
        buf_done(&error);
    }
    return c;
}

enum store_outcome
store_take_outcome(struct store *s)
{
    struct store_conn *c = pthread_getspecific(s->conn_key);
    enum store_outcome o = c ? c->outcome : STORE_OK;

    if (c) {
        c->outcome = STORE_OK;
    }
    if (conn_open_failed) {
        conn_open_failed = false;
        o = o == STORE_OK ? STORE_RETRY : o;
    }
    return o;
}

struct db_stmt *
conn_stmt(struct store_conn *c, const char *sql)
{
    return db_stmt(c->db, sql);
}

int
conn_error(struct store_conn *c, enum db_rc rc, const char *what)
{
    switch (rc) {
    case DB_CONSTRAINT:
        return -EEXIST;
    case DB_BUSY:
        log_warn_rl("%s: database busy", what);
        c->outcome = c->outcome == STORE_OK ? STORE_RETRY : c->outcome;
        return -EBUSY;
    case DB_FULL:
        log_warn_rl("%s: the database's disk is full, writes fail until space is freed: %s",
                    what, db_errmsg(c->db));
        return -ENOSPC;
    case DB_LOST:
        log_warn_rl("%s: %s", what, db_errmsg(c->db));
        c->outcome = c->outcome == STORE_OK ? STORE_RETRY : c->outcome;
        return -ENOTCONN;
    default:
        log_err("%s: %s", what, db_errmsg(c->db));
        return -EIO;
    }
}

int
conn_exec_stmt(struct store_conn *c, struct db_stmt *st, const char *what)
{
    enum db_rc rc;

    if (!st) {
        return -EIO;
    }
    rc = db_step(st);
    if (rc != DB_DONE && rc != DB_ROW) {
        int r = conn_error(c, rc, what);
        db_reset(st);
        return r;
    }
    db_reset(st);
    return 0;
}

int
conn_insert_stmt(struct store_conn *c, struct db_stmt *st, const char *what)
{
    int r = conn_exec_stmt(c, st, what);

    return r ? r : db_changes(c->db) == 0 ? -EEXIST : 0;
}

int
conn_exec_change(struct store_conn *c, struct db_stmt *st, const char *what)
{
    int r = conn_exec_stmt(c, st, what);

    return r ? r : db_changes(c->db) ? 0 : -ENOENT;
}

void
bind_texts(struct db_stmt *st, int first, const char *const *values, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        db_bind_text(st, first + (int) i, values[i]);
    }
}

struct db_stmt *
conn_stmt_texts(struct store_conn *c, const char *sql, const char *const *values, size_t n)
{
    struct db_stmt *st = conn_stmt(c, sql);

    if (st) {
        bind_texts(st, 1, values, n);
    }
    return st;
}

struct db_stmt *
conn_stmt_int(struct store_conn *c, const char *sql, int64_t i)
{
    struct db_stmt *st = conn_stmt(c, sql);

    if (st) {
        db_bind_int(st, 1, i);
    }
    return st;
}

struct db_stmt *
conn_stmt_text(struct store_conn *c, const char *sql, const char *a)
{
    return conn_stmt_texts(c, sql, &a, 1);
}

struct db_stmt *
conn_stmt_text_int(struct store_conn *c, const char *sql, const char *a, int64_t i)
{
    struct db_stmt *st = conn_stmt_text(c, sql, a);

    if (st) {
        db_bind_int(st, 2, i);
    }
    return st;
}

struct db_stmt *
conn_stmt_text2(struct store_conn *c, const char *sql, const char *a, const char *b)
{
    const char *const values[] = { a, b };

    return conn_stmt_texts(c, sql, values, ARRAY_SIZE(values));
}

int
conn_each_row(struct store_conn *c, struct db_stmt *st, row_cb *cb, void *aux,
              const char *what)
{
    int rc, r = 0;

    if (!st) {
        return -EIO;
    }
    while ((rc = db_step(st)) == DB_ROW) {
        r = cb(st, aux);
        if (r) {
            break;
        }
    }
    db_reset(st);
    return r ? r : rc == DB_ROW || rc == DB_DONE ? 0 : conn_error(c, rc, what);
}

/* conn_each_id() and conn_each_pair(): one of the callbacks is set. */
struct text_walk {
    store_id_cb *id_cb;
    store_pair_cb *pair_cb;
    void *aux;
};

static int
text_row(struct db_stmt *st, void *aux)
{
    struct text_walk *w = aux;
    const char *a = db_col_text(st, 0);

    return w->id_cb ? w->id_cb(a, w->aux) : w->pair_cb(a, db_col_text(st, 1), w->aux);
}

int
conn_each_id(struct store_conn *c, struct db_stmt *st, store_id_cb *cb, void *aux,
             const char *what)
{
    struct text_walk w = { cb, NULL, aux };

    return conn_each_row(c, st, text_row, &w, what);
}

int
conn_each_pair(struct store_conn *c, struct db_stmt *st, store_pair_cb *cb, void *aux,
               const char *what)
{
    struct text_walk w = { NULL, cb, aux };

    return conn_each_row(c, st, text_row, &w, what);
}

int
conn_read_row(struct store_conn *c, struct db_stmt *st, row_reader *read, void *ret,
              const char *what)
{
    enum db_rc rc;

    if (!st) {
        return -EIO;
    }
    rc = db_step(st);
    if (rc == DB_ROW) {
        read(st, ret);
    }
    db_reset(st);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? -ENOENT : conn_error(c, rc, what);
}

/* conn_read_rows()'s growing array. */
struct row_array {
    row_reader *read;
    size_t size;
    char *items;
    size_t n, cap;
};

static int
row_array_add(struct db_stmt *st, void *aux)
{
    struct row_array *a = aux;

    a->items = array_grow(a->items, a->n, &a->cap, a->size);
    a->read(st, a->items + a->n++ * a->size);
    return 0;
}

int
conn_read_rows(struct store_conn *c, struct db_stmt *st, row_reader *read, size_t size,
               void (*done)(void *item), void **ret, size_t *ret_n, const char *what)
{
    struct row_array a = { read, size, NULL, 0, 0 };
    int r = conn_each_row(c, st, row_array_add, &a, what);

    if (r) {
        for (size_t i = 0; done && i < a.n; i++) {
            done(a.items + i * size);
        }
        free(a.items);
        return r;
    }
    *ret = a.items;
    *ret_n = a.n;
    return 0;
}

int
conn_one_int(struct store_conn *c, struct db_stmt *st, int64_t *ret, const char *what)
{
    enum db_rc rc;

    if (!st) {
        return -EIO;
    }
    rc = db_step(st);
    if (rc == DB_ROW) {
        *ret = db_col_int(st, 0);
    }
    db_reset(st);
    return rc == DB_ROW ? 0 : conn_error(c, rc, what);
}

int
conn_one_bool(struct store_conn *c, struct db_stmt *st, bool *ret, const char *what)
{
    int64_t n = 0;
    int r = conn_one_int(c, st, &n, what);

    *ret = n != 0;
    return r;
}

char *
col_text(struct db_stmt *st, int i, bool copy)
{
    const char *t = db_col_text(st, i);

    if (!t) {
        return NULL;
    }
    return copy ? xstrdup(t) : (char *) t;
}

void
col_text_read(struct db_stmt *st, void *ret)
{
    *(char **) ret = col_text(st, 0, true);
}

void
col_copy(struct db_stmt *st, int i, char *out, size_t size)
{
    const char *t = db_col_text(st, i);
    size_t len = t ? strlen(t) : 0;

    if (len >= size) {
        len = size - 1;
    }
    if (len) {
        memcpy(out, t, len);
    }
    out[len] = '\0';
}

void
std_from_row(struct db_stmt *st, struct std_attrs *std, bool copy)
{
    col_copy(st, 0, std->id, sizeof std->id);
    std->project_id = col_text(st, 1, copy);
    std->name = col_text(st, 2, copy);
    std->description = col_text(st, 3, copy);
    col_copy(st, 4, std->created_at, sizeof std->created_at);
    col_copy(st, 5, std->updated_at, sizeof std->updated_at);
    std->revision_number = db_col_int(st, 6);
    std->tags_json = col_text(st, 7, copy);
}

struct db_stmt *
conn_stmt_std(struct store_conn *c, const char *sql, const struct std_attrs *std)
{
    const char *const texts[] = {
        std->id, std->project_id, std->name, std->description, std->created_at,
        std->updated_at,
    };
    struct db_stmt *st = conn_stmt_texts(c, sql, texts, ARRAY_SIZE(texts));

    if (st) {
        db_bind_int(st, 7, std->revision_number);
    }
    return st;
}

int
store_begin(struct store_conn *c)
{
    enum db_rc rc;

    pthread_mutex_lock(&c->store->write_mutex);
    rc = db_exec(c->db, begin_sql(c->store), NULL);
    if (rc != DB_OK) {
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
    enum db_rc rc;
    int r = 0;

    if (c->store->pg && c->notify_changes) {
        /* Delivered to the listeners when, and only if, the transaction commits. */
        char *sql = xasprintf("NOTIFY neutrino_changes, '%s'; COMMIT", c->store->instance);
        rc = db_exec(c->db, sql, NULL);
        free(sql);
    } else {
        rc = db_exec(c->db, "COMMIT", NULL);
    }
    bool feed_moved = c->notify_changes;
    c->notify_changes = false;

    if (rc != DB_OK) {
        /* Lost while committing: the transaction may or may not have been committed,
         * and only a new read can tell.  The request must not be run again. */
        if (rc == DB_LOST) {
            c->outcome = STORE_IN_DOUBT;
        }
        r = conn_error(c, rc, "commit");
        (void) db_exec(c->db, "ROLLBACK", NULL);
    }
    c->in_write = false;
    pthread_mutex_unlock(&c->store->write_mutex);
    if (!r && feed_moved && c->store->feed_hook) {
        c->store->feed_hook(c->store->feed_hook_aux);
    }
    return r;
}

void
store_on_feed_commit(struct store *s, void (*fn)(void *aux), void *aux)
{
    s->feed_hook = fn;
    s->feed_hook_aux = aux;
}

void
store_rollback(struct store_conn *c)
{
    if (!c->in_write) {
        return;
    }
    (void) db_exec(c->db, "ROLLBACK", NULL);
    c->in_write = false;
    c->notify_changes = false;
    pthread_mutex_unlock(&c->store->write_mutex);
}

int
store_end(struct store_conn *c, int r)
{
    if (r) {
        store_rollback(c);
        return r;
    }
    return store_commit(c);
}

static void
heard(const char *channel, void *aux)
{
    struct store *s = aux;

    if (!strcmp(channel, "neutrino_changes")) {
        s->watch_ops->changes(s->watch_aux);
    } else if (!strcmp(channel, "neutrino_identity")) {
        s->watch_ops->identity(s->watch_aux);
    }
}

int
store_watch(struct store *s, const struct store_watch_ops *ops, void *aux, struct buf *error)
{
    static const char *const channels[] = { "neutrino_changes", "neutrino_identity", NULL };

    if (!s->pg) {
        return 0;
    }
    s->watch_ops = ops;
    s->watch_aux = aux;
    s->listener = db_listen_pg(s->path, channels, s->instance, heard, s, error);
    return s->listener ? 0 : -EIO;
}

void
store_unwatch(struct store *s)
{
    db_listener_stop(s->listener);
    s->listener = NULL;
}

void
store_notify_identity(struct store *s)
{
    struct store_conn *c;
    char *sql;

    if (!s->pg || !(c = store_conn(s))) {
        return;
    }
    sql = xasprintf("NOTIFY neutrino_identity, '%s'", s->instance);
    if (db_exec(c->db, sql, NULL) != DB_OK) {
        log_warn_rl("cannot tell the other servers of an identity change: %s",
                    db_errmsg(c->db));
    }
    free(sql);
}
