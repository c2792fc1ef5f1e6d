/* The database under the store: connections, prepared statements, rows and columns,
 * the same for every backend.  The store's SQL is written once against this; a backend
 * (db_sqlite.c, db_pg.c; see db_backend.h) supplies the operations.
 *
 * A statement comes from db_stmt() for static SQL text (prepared once per connection
 * and cached by the text's address) or db_prepare() for SQL built at run time (the
 * list engine), which the caller frees with db_finalize().  Parameters are numbered
 * from 1 and written '?' in the SQL; columns are numbered from 0.  Text bound with
 * db_bind_text() is borrowed until the statement is reset; db_bind_text_copy() copies.
 * Nothing here is shared between threads: each thread has its own connection.
 * Only src/server/store/ includes this. */
#ifndef NEUTRINO_STORE_DB_H
#define NEUTRINO_STORE_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

struct db_conn;
struct db_stmt;

/* What a step or an execution came to.  Errors are sorted by what the caller does
 * about them: a constraint is the caller's answer (a duplicate, say), a conflict is
 * worth retrying the whole transaction, a full disk is the operator's to fix, anything
 * else is a failure. */
enum db_rc {
    DB_OK,
    DB_ROW,                 /* db_step(): a row is ready to read. */
    DB_DONE,                /* db_step(): no more rows. */
    DB_CONSTRAINT,          /* A unique, foreign-key or check constraint refused. */
    DB_BUSY,                /* Locked or a serialization conflict: try again. */
    DB_FULL,                /* The database's disk is full: nothing can be written,
                             * reads still work. */
    DB_LOST,                /* The connection to the database server is gone: the
                             * transaction, if any, is lost; the next statement
                             * outside one reconnects. */
    DB_ERROR,               /* Anything else; db_errmsg() says what. */
};

/* Opens a connection to the database at 'path' (a file for SQLite).  NULL on failure,
 * with the reason in 'error'. */
struct db_conn *db_open_sqlite(const char *path, int busy_timeout_ms, struct buf *error);
/* Before SQLite opens 'path': creates the file 0600 if it is missing, whatever the
 * umask (SQLite gives its -wal and -shm files the same mode), and closes an existing
 * database file, -wal, -shm or -journal to group and others if it is this process's,
 * with a warning logged (a warning only if it is not).  Warns too if the directory is
 * open to others.  0, or a negative errno with the reason in 'error'. */
int db_sqlite_private_files(const char *path, struct buf *error);
/* Opens a connection to PostgreSQL; 'conninfo' is a libpq connection string or URI
 * ("postgresql://user:pass@host/db", "host=/run/x dbname=neutrino"). */
struct db_conn *db_open_pg(const char *conninfo, struct buf *error);
void db_close(struct db_conn *);
/* Checks a PostgreSQL URL ("postgresql://" or "postgres://") before any connection:
 * 0, or -EINVAL with the problem in 'error' (prefixed "[database] connection: "), which
 * never contains the URL's password.  key=value strings are not checked (0). */
int db_pg_check_url(const char *url, struct buf *error);

/* PostgreSQL's LISTEN: a thread with a connection of its own calls 'cb' with the
 * channel's name for each notification on 'channels' (a NULL-terminated list) whose
 * payload is not 'self' (what this process sends, so it skips its own).  After a lost
 * connection it connects again, backing off up to 5 s, and then calls 'cb' once per
 * channel, since notifications may have been missed meanwhile. */
typedef void db_notify_cb(const char *channel, void *aux);
struct db_listener *db_listen_pg(const char *conninfo, const char *const *channels,
                                 const char *self, db_notify_cb *cb, void *aux,
                                 struct buf *error);
void db_listener_stop(struct db_listener *);

/* Runs SQL text of one or more statements without parameters or rows (DDL, pragmas,
 * BEGIN/COMMIT).  On failure the message is appended to 'error' if it is not NULL. */
enum db_rc db_exec(struct db_conn *, const char *sql, struct buf *error);
/* The last error's message on this connection. */
const char *db_errmsg(struct db_conn *);
/* Rows changed by the last INSERT, UPDATE or DELETE. */
int64_t db_changes(struct db_conn *);
/* Says in 'out' which database this is, without secrets ("SQLite /var/lib/x.sqlite",
 * "PostgreSQL neutron on /run/postgresql:5432"). */
void db_describe(struct db_conn *, struct buf *out);

/* The cached statement for static text 'sql', reset and with its bindings cleared;
 * NULL on error (logged). */
struct db_stmt *db_stmt(struct db_conn *, const char *sql);
/* A statement for text built at run time; NULL on error (logged). */
struct db_stmt *db_prepare(struct db_conn *, const char *sql);
void db_finalize(struct db_stmt *);

void db_bind_text(struct db_stmt *, int i, const char *s);          /* NULL binds NULL. */
void db_bind_text_copy(struct db_stmt *, int i, const char *s);
void db_bind_int(struct db_stmt *, int i, int64_t v);
void db_bind_null(struct db_stmt *, int i);

enum db_rc db_step(struct db_stmt *);
void db_reset(struct db_stmt *);

/* Column 'i' of the current row; text is NULL for SQL NULL and valid until the next
 * step or reset. */
const char *db_col_text(struct db_stmt *, int i);
int64_t db_col_int(struct db_stmt *, int i);
bool db_col_is_null(struct db_stmt *, int i);

#endif
