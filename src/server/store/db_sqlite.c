/* The SQLite backend of db.h: a connection with its statement cache; statements are
 * SQLite's own, wrapped.  Also the database files' modes (db_sqlite_private_files()). */
#include "db_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

LOG_MODULE("store");

struct lite_stmt {
    struct db_stmt base;
    sqlite3_stmt *st;
};

struct lite_conn {
    struct db_conn base;
    sqlite3 *db;
    struct db_stmt_cache cache;
};

static const struct db_ops lite_ops;

static sqlite3_stmt *
lite(struct db_stmt *st)
{
    return ((struct lite_stmt *) st)->st;
}

static struct lite_conn *
conn_of(struct db_conn *c)
{
    return (struct lite_conn *) c;
}

static struct lite_stmt *
wrap(sqlite3_stmt *st)
{
    struct lite_stmt *w = xcalloc(1, sizeof *w);

    w->base.ops = &lite_ops;
    w->st = st;
    return w;
}

/* A full disk: SQLITE_FULL, or an I/O error whose cause was ENOSPC (growing the
 * -shm file, say). */
static bool
disk_full(sqlite3 *db, int rc)
{
    return (rc & 0xff) == SQLITE_FULL
        || ((rc & 0xff) == SQLITE_IOERR && db && sqlite3_system_errno(db) == ENOSPC);
}

static enum db_rc
rc_of(sqlite3 *db, int rc)
{
    if (disk_full(db, rc)) {
        return DB_FULL;
    }
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

static void lite_close(struct db_conn *);

/* --- The files' modes ------------------------------------------------------------ */

/* The database holds password and token hashes, so its files are the server's alone.
 * SQLite creates a new database 0644 less the umask, and its -wal, -shm and -journal
 * files with the database file's mode; so the database file is made 0600 before SQLite
 * sees it, and a file found open to group or others is closed to them (if it is
 * ours) with a warning, as is a -wal or -shm left by an earlier run. */
static void
restrict_mode(int fd, const char *path)
{
    struct stat st;
    mode_t open_bits;

    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        return;
    }
    open_bits = st.st_mode & (S_IRWXG | S_IRWXO);
    if (!open_bits) {
        return;
    }
    if (st.st_uid != geteuid()) {
        log_warn("%s is open to group or others (mode %04o) and belongs to uid %u, not to"
                 " this server: it holds password hashes, make it 0600",
                 path, (unsigned int) (st.st_mode & 07777), (unsigned int) st.st_uid);
    } else if (fchmod(fd, st.st_mode & S_IRWXU)) {
        log_warn("%s is open to group or others (mode %04o) and cannot be made 0600: %s",
                 path, (unsigned int) (st.st_mode & 07777), strerror(errno));
    } else {
        log_warn("%s was open to group or others (mode %04o); it holds password hashes:"
                 " mode set to %04o", path, (unsigned int) (st.st_mode & 07777),
                 (unsigned int) (st.st_mode & S_IRWXU));
    }
}

/* A warning when the database's directory lets others in: the files are 0600, but
 * others could still see their names and sizes.  Group access is left alone: the
 * directory the server makes is 0750. */
static void
check_directory(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t) (slash - path))
                      : xstrdup(".");
    struct stat st;

    if (!stat(dir, &st) && (st.st_mode & S_IRWXO)) {
        log_warn("the database's directory %s is open to others (mode %04o); the database"
                 " files in it are kept 0600, but 'chmod o-rwx %s' would hide them",
                 dir, (unsigned int) (st.st_mode & 07777), dir);
    }
    free(dir);
}

int
db_sqlite_private_files(const char *path, struct buf *error)
{
    static const char *const suffixes[] = { "-wal", "-shm", "-journal" };
    int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0) {
        int r = -errno;
        buf_printf(error, "cannot open database %s: %s", path, strerror(errno));
        return r;
    }
    restrict_mode(fd, path);
    close(fd);
    for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
        char *side = xasprintf("%s%s", path, suffixes[i]);
        fd = open(side, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd >= 0) {
            restrict_mode(fd, side);
            close(fd);
        }
        free(side);
    }
    check_directory(path);
    return 0;
}

struct db_conn *
db_open_sqlite(const char *path, int busy_timeout_ms, struct buf *error)
{
    struct lite_conn *c = xcalloc(1, sizeof *c);
    int rc = sqlite3_open_v2(path, &c->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);

    if (rc != SQLITE_OK) {
        buf_printf(error, "cannot open database %s: %s", path,
                   c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        lite_close(&c->base);
        return NULL;
    }
    c->base.ops = &lite_ops;
    sqlite3_busy_timeout(c->db, busy_timeout_ms);
    return &c->base;
}

static void
lite_finalize(struct db_stmt *st)
{
    sqlite3_finalize(lite(st));
    free(st);
}

static void
lite_close(struct db_conn *conn)
{
    struct lite_conn *c = conn_of(conn);

    db_cache_clear(&c->cache);
    sqlite3_close_v2(c->db);
    free(c);
}

static enum db_rc
lite_exec(struct db_conn *conn, const char *sql, struct buf *error)
{
    struct lite_conn *c = conn_of(conn);
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK && error) {
        buf_printf(error, "%s", msg ? msg : sqlite3_errmsg(c->db));
    }
    sqlite3_free(msg);
    return rc_of(c->db, rc);
}

static const char *
lite_errmsg(struct db_conn *c)
{
    return sqlite3_errmsg(conn_of(c)->db);
}

static int64_t
lite_changes(struct db_conn *c)
{
    return sqlite3_changes64(conn_of(c)->db);
}

static void
lite_describe(struct db_conn *c, struct buf *out)
{
    const char *file = sqlite3_db_filename(conn_of(c)->db, "main");

    buf_printf(out, "SQLite %s", file && *file ? file : "(in memory)");
}

static struct db_stmt *
lite_stmt(struct db_conn *conn, const char *sql)
{
    struct lite_conn *c = conn_of(conn);
    struct db_cache_entry *e;
    struct db_stmt *cached = db_cache_find(&c->cache, sql, &e);
    sqlite3_stmt *st = NULL;

    if (cached) {
        sqlite3_reset(lite(cached));
        sqlite3_clear_bindings(lite(cached));
        return cached;
    }
    if (!e) {
        return NULL;
    }
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL)
        != SQLITE_OK) {
        log_err("cannot prepare statement: %s", sqlite3_errmsg(c->db));
        sqlite3_finalize(st);
        return NULL;
    }
    e->sql = sql;
    e->stmt = &wrap(st)->base;
    return e->stmt;
}

static struct db_stmt *
lite_prepare(struct db_conn *conn, const char *sql)
{
    struct lite_conn *c = conn_of(conn);
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
        log_err("cannot prepare statement: %s", sqlite3_errmsg(c->db));
        sqlite3_finalize(st);
        return NULL;
    }
    return &wrap(st)->base;
}

static void
lite_bind_text(struct db_stmt *st, int i, const char *s, bool copy)
{
    if (s) {
        sqlite3_bind_text(lite(st), i, s, -1, copy ? SQLITE_TRANSIENT : SQLITE_STATIC);
    } else {
        sqlite3_bind_null(lite(st), i);
    }
}

static void
lite_bind_int(struct db_stmt *st, int i, int64_t v)
{
    sqlite3_bind_int64(lite(st), i, v);
}

static enum db_rc
lite_step(struct db_stmt *st)
{
    return rc_of(sqlite3_db_handle(lite(st)), sqlite3_step(lite(st)));
}

static void
lite_reset(struct db_stmt *st)
{
    sqlite3_reset(lite(st));
}

static const char *
lite_col_text(struct db_stmt *st, int i)
{
    return (const char *) sqlite3_column_text(lite(st), i);
}

static int64_t
lite_col_int(struct db_stmt *st, int i)
{
    return sqlite3_column_int64(lite(st), i);
}

static bool
lite_col_is_null(struct db_stmt *st, int i)
{
    return sqlite3_column_type(lite(st), i) == SQLITE_NULL;
}

static const struct db_ops lite_ops = {
    .close = lite_close,
    .exec = lite_exec,
    .errmsg = lite_errmsg,
    .changes = lite_changes,
    .describe = lite_describe,
    .stmt = lite_stmt,
    .prepare = lite_prepare,
    .finalize = lite_finalize,
    .bind_text = lite_bind_text,
    .bind_int = lite_bind_int,
    .step = lite_step,
    .reset = lite_reset,
    .col_text = lite_col_text,
    .col_int = lite_col_int,
    .col_is_null = lite_col_is_null,
};
