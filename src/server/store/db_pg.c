/* The PostgreSQL backend of db.h, over libpq.
 *
 * The store's SQL is SQLite's, and is translated once, when it is prepared: parameters
 * '?' or '?N' become PostgreSQL's $N by SQLite's rule (a plain '?' is one more than the
 * largest number so far), and the aggregate group_concat(x, sep) becomes PostgreSQL's
 * string_agg(x, sep), the same C functions under their own name (defining an
 * aggregate over them would need a superuser; see schema.c).  A parameter the text
 * never uses gets type text, since PostgreSQL cannot prepare a parameter whose type it
 * cannot infer.
 * Static statements become named prepared statements of the connection (prepared on
 * first use, PQexecPrepared after); statements
 * built at run time go through PQexecParams.  All values travel as text, so every
 * column reads back as text too: db_col_int() parses it (and reads 't'/'f', which is
 * how PostgreSQL writes a boolean expression).  A step runs the statement on its first
 * call and then walks the rows of the result.
 *
 * Errors are sorted by SQLSTATE: class 23 (integrity) is a constraint; 40001
 * (serialization failure), 40P01 (deadlock) and 55P03 (lock timeout) are a conflict
 * worth retrying; 53100 (disk_full) is a full disk; class 08 and the shutdown codes
 * 57P01-57P03, or a connection libpq finds broken, mean the connection is lost.
 *
 * A lost connection is opened again before the next statement, unless a transaction
 * was open on it: then every statement fails with DB_LOST until the store ends the
 * transaction (ROLLBACK), so that nothing of a half-done transaction is carried on
 * outside one.  A statement outside a transaction that finds the connection gone is
 * run once more on the new connection (the database restarted; nothing was done).
 * Prepared statements die with their connection, so they are prepared again lazily.
 *
 * PostgreSQL refuses text that is not UTF-8, where SQLite stores and compares bytes:
 * a query with such a parameter can match nothing, so it steps to DB_DONE (an id in
 * a URL is "not found", as on SQLite) instead of failing. */
#include "db_backend.h"

#include <ctype.h>
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

LOG_MODULE("store");

enum { PG_MAX_PARAMS = 32766, PG_TEXT_OID = 25 };

struct pg_stmt {
    struct db_stmt base;
    struct pg_conn *conn;
    char *name;                     /* Prepared statement's name; NULL: run-time SQL. */
    char *sql;                      /* With $n placeholders. */
    bool prepared;                  /* Named, and prepared on the current connection. */
    int n_params;
    unsigned int *types;            /* 0: PostgreSQL infers it; text for unused ones. */
    const char **values;
    char **owned;                   /* Copies and numbers written out, freed on rebind. */
    PGresult *result;
    int row;                        /* Next row to return; -1 before the first step. */
};

struct pg_conn {
    struct db_conn base;
    PGconn *pg;
    bool txn_open;                  /* A transaction was open when last seen. */
    bool broken;                    /* A statement found the connection lost. */
    int64_t changes;
    char errmsg[512];
    unsigned int n_prepared;
    struct db_stmt_cache cache;
};

static const struct db_ops pg_ops;

static struct pg_conn *
conn_of(struct db_conn *c)
{
    return (struct pg_conn *) c;
}

static struct pg_stmt *
stmt_of(struct db_stmt *st)
{
    return (struct pg_stmt *) st;
}

/* SQLite's functions that PostgreSQL has under another name; what the store's SQL
 * uses of them takes the same arguments in both. */
static const struct {
    const char *sqlite;
    const char *pg;
} renamed_functions[] = {
    { "group_concat", "string_agg" },
};

/* Copies the identifier at 'p' (letters, digits, '_') into 'out', renamed if it is
 * one of renamed_functions[] called as a function; returns its length. */
static size_t
translate_identifier(const char *p, struct buf *out)
{
    size_t len = 0;

    while (isalnum((unsigned char) p[len]) || p[len] == '_') {
        len++;
    }
    for (size_t i = 0; i < ARRAY_SIZE(renamed_functions); i++) {
        const char *name = renamed_functions[i].sqlite;
        if (strlen(name) == len && !strncasecmp(p, name, len) && p[len] == '(') {
            buf_add_str(out, renamed_functions[i].pg);
            return len;
        }
    }
    buf_add(out, p, len);
    return len;
}

/* SQLite's text as PostgreSQL takes it (see the top of the file): outside quotes, '?'
 * and '?N' become $N and renamed_functions[] get PostgreSQL's names.  Sets '*n' to
 * the largest parameter number and marks in 'used' (PG_MAX_PARAMS + 1 entries) the
 * numbers the text refers to; -1 in '*n' for a number out of range. */
static char *
translate(const char *sql, int *n, bool *used)
{
    struct buf out = BUF_INITIALIZER;
    char quote = 0;

    *n = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote) {
                quote = 0;
            }
            buf_add_char(&out, *p);
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            buf_add_char(&out, *p);
        } else if (*p == '?') {
            char *end;
            long k = strtol(p + 1, &end, 10);
            if (end == p + 1) {
                k = *n + 1;                 /* plain '?' */
            }
            if (k < 1 || k > PG_MAX_PARAMS) {
                *n = -1;
                break;
            }
            used[k] = true;
            *n = (int) k > *n ? (int) k : *n;
            buf_printf(&out, "$%ld", k);
            p = end - 1;
        } else if (isalpha((unsigned char) *p) || *p == '_') {
            p += translate_identifier(p, &out) - 1;
        } else {
            buf_add_char(&out, *p);
        }
    }
    return buf_steal(&out);
}

/* Copies libpq's message, without its trailing newline. */
static void
set_errmsg(struct pg_conn *c, const char *msg)
{
    size_t len;

    snprintf(c->errmsg, sizeof c->errmsg, "%s", msg && *msg ? msg : "unknown error");
    len = strlen(c->errmsg);
    while (len && (c->errmsg[len - 1] == '\n' || c->errmsg[len - 1] == ' ')) {
        c->errmsg[--len] = '\0';
    }
}

static enum db_rc
rc_of_result(struct pg_conn *c, const PGresult *r)
{
    const char *state;

    switch (PQresultStatus(r)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
        return DB_OK;
    default:
        break;
    }
    set_errmsg(c, r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg));
    state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (PQstatus(c->pg) != CONNECTION_OK) {
        c->broken = true;
        return DB_LOST;
    }
    if (!state) {
        return DB_ERROR;
    }
    if (!strncmp(state, "23", 2)) {
        return DB_CONSTRAINT;
    }
    if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03")) {
        return DB_BUSY;
    }
    if (!strcmp(state, "53100")) {
        return DB_FULL;
    }
    if (!strncmp(state, "08", 2) || !strcmp(state, "57P01") || !strcmp(state, "57P02")
        || !strcmp(state, "57P03")) {
        c->broken = true;
        return DB_LOST;
    }
    return DB_ERROR;
}

/* Notices ("table exists, skipping") are of no use to the server's log. */
static void
ignore_notice(void *aux, const char *message)
{
    (void) aux;
    (void) message;
}

/* Session settings, on every new connection: a lock held longer than this is a
 * conflict to retry rather than a wait without end; a transaction left open by a
 * stuck server must not keep its locks for ever; the store's prepared statements are
 * look-ups by key whose best plan does not depend on the values, so they are
 * planned once, not at every execution (about 10% more port creates/s). */
static enum db_rc
session_setup(struct pg_conn *c)
{
    PGresult *r = PQexec(c->pg, "SET lock_timeout = '10s';"
                                "SET idle_in_transaction_session_timeout = '60s';"
                                "SET plan_cache_mode = force_generic_plan");
    enum db_rc rc = rc_of_result(c, r);

    PQclear(r);
    c->txn_open = false;
    return rc;
}

/* Connects as 'application' (for pg_stat_activity).  The URL or key=value string is
 * expanded in place of dbname; what follows it applies unless the operator's string
 * says otherwise.  The caller checks PQstatus(). */
static PGconn *
pg_connect(const char *conninfo, const char *application)
{
    static const char *const keys[] = {
        "dbname", "fallback_application_name", "client_encoding", "connect_timeout",
        "keepalives_idle", "keepalives_interval", "keepalives_count", NULL,
    };
    const char *values[] = { conninfo, application, "UTF8", "10", "30", "10", "3", NULL };
    PGconn *pg = PQconnectdbParams(keys, values, 1);

    PQsetNoticeProcessor(pg, ignore_notice, NULL);
    return pg;
}

struct db_conn *
db_open_pg(const char *conninfo, struct buf *error)
{
    struct pg_conn *c = xcalloc(1, sizeof *c);

    c->base.ops = &pg_ops;
    c->pg = pg_connect(conninfo, "neutrino-server");
    if (PQstatus(c->pg) != CONNECTION_OK) {
        set_errmsg(c, PQerrorMessage(c->pg));
        buf_printf(error, "cannot connect to PostgreSQL: %s", c->errmsg);
        PQfinish(c->pg);
        free(c);
        return NULL;
    }
    if (session_setup(c) != DB_OK) {
        buf_printf(error, "cannot set up the PostgreSQL session: %s", c->errmsg);
        PQfinish(c->pg);
        free(c);
        return NULL;
    }
    return &c->base;
}

/* --- Checking a URL without showing its password ------------------------------ */

/* libpq's messages about a URL it cannot read quote the URL, or the part it could not
 * decode, whole: the password with it.  And a '/' or a second '@' before the host
 * makes libpq read the password's tail as the host, port or database name, which its
 * connection errors then quote.  So a URL is checked here first: the credentials must
 * be unambiguous, the password's own escapes are checked without showing it, and the
 * rest is checked by libpq on a copy whose password is replaced, so that nothing libpq
 * says can contain it. */

static const char url_password_mask[] = "xxxxx";

/* 0 if the 'len' bytes at 'p' are valid percent-encoding for libpq (each '%' starts
 * two hexadecimal digits, not %00); else -EINVAL with the reason in 'error', naming
 * the part 'what' and never showing its text. */
static int
check_escapes(const char *p, size_t len, const char *what, struct buf *error)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != '%') {
            continue;
        }
        if (i + 2 >= len || !isxdigit((unsigned char) p[i + 1])
            || !isxdigit((unsigned char) p[i + 2])) {
            buf_printf(error, "[database] connection: the %s has a '%%' that does not start"
                              " a %%XX escape (write '%%' itself as %%25)", what);
            return -EINVAL;
        }
        if (p[i + 1] == '0' && p[i + 2] == '0') {
            buf_printf(error, "[database] connection: the %s contains %%00, which"
                              " PostgreSQL does not take", what);
            return -EINVAL;
        }
    }
    return 0;
}

/* Appends the URL's query ('q' after the '?') to 'out' with the value of any
 * "password" parameter checked (check_escapes()) and replaced by the mask. */
static int
mask_query_password(const char *q, struct buf *out, struct buf *error)
{
    while (*q) {
        size_t len = strcspn(q, "&");
        const char *eq = memchr(q, '=', len);

        if (eq && eq - q == 8 && !strncmp(q, "password", 8)) {
            size_t value_len = len - 9;
            if (check_escapes(eq + 1, value_len, "password", error)) {
                return -EINVAL;
            }
            buf_printf(out, "password=%s", url_password_mask);
        } else {
            buf_add(out, q, len);
        }
        q += len;
        if (*q == '&') {
            buf_add_char(out, *q++);
        }
    }
    return 0;
}

/* Writes into 'out' the URL 'url' (after its "scheme://", at 'rest') with its password
 * replaced by the mask, once the credentials are found unambiguous: at most one '@',
 * with no '/' before it (else libpq does not read USER:PASSWORD as such). */
static int
mask_url_password(const char *url, const char *rest, struct buf *out, struct buf *error)
{
    const char *at = strchr(rest, '@'), *q;

    if (at && strchr(at + 1, '@')) {
        buf_printf(error, "[database] connection: the URL has more than one '@'; in the user"
                          " name, the password or the database name write '@' as %%40");
        return -EINVAL;
    }
    if (at && memchr(rest, '/', (size_t) (at - rest))) {
        buf_printf(error, "[database] connection: the URL has an '@' after a '/'; in the"
                          " user name or password write '/' as %%2F, elsewhere write '@'"
                          " as %%40");
        return -EINVAL;
    }
    buf_add(out, url, (size_t) (rest - url));
    if (at) {
        const char *colon = memchr(rest, ':', (size_t) (at - rest));
        if (colon) {
            if (check_escapes(colon + 1, (size_t) (at - colon - 1), "password", error)) {
                return -EINVAL;
            }
            buf_add(out, rest, (size_t) (colon + 1 - rest));
            buf_add_str(out, url_password_mask);
            rest = at;
        }
    }
    q = strchr(rest, '?');
    buf_add(out, rest, q ? (size_t) (q + 1 - rest) : strlen(rest));
    return q ? mask_query_password(q + 1, out, error) : 0;
}

/* 0 if every port in 'ports' (libpq's comma-separated list, one per host) is empty or
 * a number from 1 to 65535; libpq would refuse it only when connecting, and a server
 * waiting for the database would retry it for ever. */
static int
check_ports(const char *ports, struct buf *error)
{
    while (ports && *ports) {
        size_t len = strcspn(ports, ",");
        char *end;
        long port = strtol(ports, &end, 10);

        if (len && (!isdigit((unsigned char) *ports) || end != ports + len || port < 1
                    || port > 65535)) {
            buf_printf(error, "[database] connection: port \"%.*s\" is not a number from 1"
                              " to 65535", (int) (len > 64 ? 64 : len), ports);
            return -EINVAL;
        }
        ports += len + (ports[len] == ',');
    }
    return 0;
}

int
db_pg_check_url(const char *url, struct buf *error)
{
    const char *rest = strstr(url, "://");
    struct buf masked = BUF_INITIALIZER;
    PQconninfoOption *options = NULL;
    char *message = NULL;
    int r;

    if (!rest || (strncmp(url, "postgresql://", 13) && strncmp(url, "postgres://", 11))) {
        return 0;                   /* key=value strings are libpq's to check */
    }
    r = mask_url_password(url, rest + 3, &masked, error);
    if (!r) {
        options = PQconninfoParse(buf_cstr(&masked), &message);
        if (!options) {
            size_t len = message ? strcspn(message, "\n") : 0;
            buf_printf(error, "[database] connection: %.*s", (int) len,
                       message ? message : "cannot read the URL");
            r = -EINVAL;
        }
    }
    for (PQconninfoOption *o = options; !r && o && o->keyword; o++) {
        if (!strcmp(o->keyword, "port")) {
            r = check_ports(o->val, error);
        }
    }
    PQconninfoFree(options);
    PQfreemem(message);
    buf_done(&masked);
    return r;
}

/* Before a statement: re-opens a connection found broken, unless a transaction was
 * open on it (see the top of the file). */
static enum db_rc
conn_ready(struct pg_conn *c)
{
    if (PQstatus(c->pg) == CONNECTION_OK && !c->broken) {
        return DB_OK;
    }
    if (c->txn_open) {
        set_errmsg(c, "the connection to PostgreSQL was lost during a transaction");
        return DB_LOST;
    }
    PQreset(c->pg);
    c->broken = PQstatus(c->pg) != CONNECTION_OK;
    if (c->broken) {
        set_errmsg(c, PQerrorMessage(c->pg));
        return DB_LOST;
    }
    for (size_t i = 0; i < DB_STMT_CACHE_SIZE; i++) {
        if (c->cache.entries[i].stmt) {
            stmt_of(c->cache.entries[i].stmt)->prepared = false;
        }
    }
    if (session_setup(c) != DB_OK) {
        return DB_LOST;
    }
    log_info("reconnected to PostgreSQL");
    return DB_OK;
}

/* Whether the connection is inside a transaction now; a broken connection keeps
 * what was last known. */
static void
note_txn(struct pg_conn *c)
{
    switch (PQtransactionStatus(c->pg)) {
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
    case PQTRANS_ACTIVE:
        c->txn_open = true;
        break;
    case PQTRANS_IDLE:
        c->txn_open = false;
        break;
    default:
        break;
    }
}

static bool
utf8_valid(const unsigned char *p)
{
    while (*p) {
        size_t n;
        unsigned int cp;

        if (*p < 0x80) {
            p++;
            continue;
        } else if ((*p & 0xe0) == 0xc0) {
            n = 1, cp = *p & 0x1f;
        } else if ((*p & 0xf0) == 0xe0) {
            n = 2, cp = *p & 0x0f;
        } else if ((*p & 0xf8) == 0xf0) {
            n = 3, cp = *p & 0x07;
        } else {
            return false;
        }
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80) {
                return false;
            }
            cp = cp << 6 | (p[i] & 0x3f);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)
            || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return false;
        }
        p += n + 1;
    }
    return true;
}

static void
stmt_clear_values(struct pg_stmt *s)
{
    for (int i = 0; i < s->n_params; i++) {
        free(s->owned[i]);
        s->owned[i] = NULL;
        s->values[i] = NULL;
    }
}

static void
pg_reset(struct db_stmt *st)
{
    struct pg_stmt *s = stmt_of(st);

    PQclear(s->result);
    s->result = NULL;
    s->row = -1;
}

static void
pg_finalize(struct db_stmt *st)
{
    struct pg_stmt *s = stmt_of(st);

    pg_reset(st);
    stmt_clear_values(s);
    free(s->types);
    free(s->values);
    free(s->owned);
    free(s->name);
    free(s->sql);
    free(s);
}

static void
pg_close(struct db_conn *conn)
{
    struct pg_conn *c = conn_of(conn);

    db_cache_clear(&c->cache);
    PQfinish(c->pg);
    free(c);
}

static enum db_rc
pg_exec(struct db_conn *conn, const char *sql, struct buf *error)
{
    struct pg_conn *c = conn_of(conn);
    PGresult *r;
    enum db_rc rc;

    if ((PQstatus(c->pg) != CONNECTION_OK || c->broken) && !strcasecmp(sql, "ROLLBACK")) {
        c->txn_open = false;            /* The server rolled it back when it lost us. */
        return DB_OK;
    }
    rc = conn_ready(c);
    if (rc == DB_OK) {
        r = PQexec(c->pg, sql);
        rc = rc_of_result(c, r);
        PQclear(r);
        note_txn(c);
    }
    if (rc != DB_OK && error) {
        buf_printf(error, "%s", c->errmsg);
    }
    return rc;
}

static const char *
pg_errmsg(struct db_conn *c)
{
    return conn_of(c)->errmsg;
}

static int64_t
pg_changes(struct db_conn *c)
{
    return conn_of(c)->changes;
}

static void
pg_describe(struct db_conn *conn, struct buf *out)
{
    PGconn *pg = conn_of(conn)->pg;
    const char *host = PQhost(pg), *port = PQport(pg);

    buf_printf(out, "PostgreSQL %s on %s%s%s", PQdb(pg), host && *host ? host : "localhost",
               port && *port ? ":" : "", port ? port : "");
}

static struct pg_stmt *
stmt_new(struct pg_conn *c, const char *sql)
{
    struct pg_stmt *s = xcalloc(1, sizeof *s);
    bool *used = xcalloc(PG_MAX_PARAMS + 1, sizeof *used);

    s->base.ops = &pg_ops;
    s->conn = c;
    s->sql = translate(sql, &s->n_params, used);
    s->row = -1;
    if (s->n_params < 0) {
        log_err("statement has a parameter number out of 1..%d", PG_MAX_PARAMS);
        s->n_params = 0;
        free(used);
        pg_finalize(&s->base);
        return NULL;
    }
    s->types = xcalloc((size_t) s->n_params + 1, sizeof *s->types);
    s->values = xcalloc((size_t) s->n_params + 1, sizeof *s->values);
    s->owned = xcalloc((size_t) s->n_params + 1, sizeof *s->owned);
    for (int i = 0; i < s->n_params; i++) {
        s->types[i] = used[i + 1] ? 0 : PG_TEXT_OID;
    }
    free(used);
    return s;
}

static struct db_stmt *
pg_stmt(struct db_conn *conn, const char *sql)
{
    struct pg_conn *c = conn_of(conn);
    struct db_cache_entry *e;
    struct db_stmt *cached = db_cache_find(&c->cache, sql, &e);
    struct pg_stmt *s;

    if (cached) {
        pg_reset(cached);
        stmt_clear_values(stmt_of(cached));
        return cached;
    }
    if (!e || !(s = stmt_new(c, sql))) {
        return NULL;
    }
    s->name = xasprintf("s%u", c->n_prepared++);
    e->sql = sql;
    e->stmt = &s->base;
    return e->stmt;
}

static struct db_stmt *
pg_prepare(struct db_conn *conn, const char *sql)
{
    struct pg_stmt *s = stmt_new(conn_of(conn), sql);

    return s ? &s->base : NULL;
}

static void
pg_bind_text(struct db_stmt *st, int i, const char *v, bool copy)
{
    struct pg_stmt *s = stmt_of(st);

    if (i < 1 || i > s->n_params) {
        log_err("parameter %d out of range (statement has %d)", i, s->n_params);
        return;
    }
    free(s->owned[i - 1]);
    s->owned[i - 1] = copy && v ? xstrdup(v) : NULL;
    s->values[i - 1] = s->owned[i - 1] ? s->owned[i - 1] : v;
}

static void
pg_bind_int(struct db_stmt *st, int i, int64_t v)
{
    char text[24];

    snprintf(text, sizeof text, "%lld", (long long) v);
    pg_bind_text(st, i, text, true);
}

/* Runs the statement: prepares it first if it is named and not yet prepared on this
 * connection. */
static enum db_rc
stmt_run(struct pg_stmt *s)
{
    struct pg_conn *c = s->conn;
    enum db_rc rc = conn_ready(c);

    if (rc != DB_OK) {
        return rc;
    }
    if (s->name && !s->prepared) {
        PGresult *r = PQprepare(c->pg, s->name, s->sql, s->n_params, s->types);
        rc = rc_of_result(c, r);
        PQclear(r);
        note_txn(c);
        if (rc != DB_OK) {
            if (rc == DB_ERROR) {
                log_err("cannot prepare statement: %s", c->errmsg);
            }
            return rc;
        }
        s->prepared = true;
    }
    s->result = s->name
        ? PQexecPrepared(c->pg, s->name, s->n_params, s->values, NULL, NULL, 0)
        : PQexecParams(c->pg, s->sql, s->n_params, s->types, s->values, NULL, NULL, 0);
    rc = rc_of_result(c, s->result);
    note_txn(c);
    if (rc != DB_OK) {
        PQclear(s->result);
        s->result = NULL;
    }
    return rc;
}

static enum db_rc
pg_step(struct db_stmt *st)
{
    struct pg_stmt *s = stmt_of(st);
    struct pg_conn *c = s->conn;

    if (s->row < 0) {
        bool in_txn = c->txn_open;
        enum db_rc rc;

        for (int i = 0; i < s->n_params; i++) {
            if (s->values[i] && !utf8_valid((const unsigned char *) s->values[i])) {
                if (!strncmp(s->sql, "INSERT", 6)) {
                    set_errmsg(c, "text to store is not valid UTF-8");
                    return DB_ERROR;
                }
                c->changes = 0;
                s->row = 0;
                return DB_DONE;
            }
        }
        rc = stmt_run(s);
        if (rc == DB_LOST && !in_txn && !strncmp(s->sql, "SELECT", 6)) {
            /* A read outside a transaction changed nothing: run it on a new connection. */
            rc = stmt_run(s);
        }
        if (rc != DB_OK) {
            return rc;
        }
        c->changes = PQresultStatus(s->result) == PGRES_COMMAND_OK
            ? strtoll(PQcmdTuples(s->result), NULL, 10) : 0;
        s->row = 0;
    }
    if (s->row < PQntuples(s->result)) {
        s->row++;
        return DB_ROW;
    }
    return DB_DONE;
}

static const char *
pg_col_text(struct db_stmt *st, int i)
{
    struct pg_stmt *s = stmt_of(st);

    if (!s->result || s->row < 1 || PQgetisnull(s->result, s->row - 1, i)) {
        return NULL;
    }
    return PQgetvalue(s->result, s->row - 1, i);
}

static int64_t
pg_col_int(struct db_stmt *st, int i)
{
    const char *t = pg_col_text(st, i);

    if (!t) {
        return 0;
    }
    if (!strcmp(t, "t")) {
        return 1;
    }
    return strtoll(t, NULL, 10);          /* "f" reads as 0 */
}

static bool
pg_col_is_null(struct db_stmt *st, int i)
{
    struct pg_stmt *s = stmt_of(st);

    return !s->result || s->row < 1 || PQgetisnull(s->result, s->row - 1, i);
}

static const struct db_ops pg_ops = {
    .close = pg_close,
    .exec = pg_exec,
    .errmsg = pg_errmsg,
    .changes = pg_changes,
    .describe = pg_describe,
    .stmt = pg_stmt,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind_text = pg_bind_text,
    .bind_int = pg_bind_int,
    .step = pg_step,
    .reset = pg_reset,
    .col_text = pg_col_text,
    .col_int = pg_col_int,
    .col_is_null = pg_col_is_null,
};

/* --- Notifications ---------------------------------------------------------------- */

struct db_listener {
    char *conninfo;
    char **channels;
    size_t n_channels;
    char *self;                     /* Our payload: notifications carrying it are ours. */
    db_notify_cb *cb;
    void *aux;
    int stop_fd;                    /* An eventfd: readable when the thread must end. */
    pthread_t thread;
};

static PGconn *
listener_connect(struct db_listener *l)
{
    PGconn *pg = pg_connect(l->conninfo, "neutrino-server-listener");

    if (PQstatus(pg) != CONNECTION_OK) {
        log_warn_rl("notifications: cannot connect to PostgreSQL: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return NULL;
    }
    for (size_t i = 0; i < l->n_channels; i++) {
        char *sql = xasprintf("LISTEN %s", l->channels[i]);
        PGresult *r = PQexec(pg, sql);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        free(sql);
        PQclear(r);
        if (!ok) {
            log_warn_rl("notifications: LISTEN failed: %s", PQerrorMessage(pg));
            PQfinish(pg);
            return NULL;
        }
    }
    return pg;
}

/* Waits up to 'ms' for the stop signal; true if it came. */
static bool
listener_stopped(struct db_listener *l, int ms)
{
    struct pollfd p = { .fd = l->stop_fd, .events = POLLIN };

    return poll(&p, 1, ms) > 0;
}

static void *
listener_main(void *arg)
{
    struct db_listener *l = arg;
    PGconn *pg = NULL;
    int backoff_ms = 100;
    bool connected_before = false;

    for (;;) {
        struct pollfd p[2];
        PGnotify *n;

        if (!pg) {
            pg = listener_connect(l);
            if (!pg) {
                if (listener_stopped(l, backoff_ms)) {
                    break;
                }
                backoff_ms = backoff_ms * 2 > 5000 ? 5000 : backoff_ms * 2;
                continue;
            }
            backoff_ms = 100;
            if (connected_before) {
                /* Whatever was sent while we were away is lost: act as if all came. */
                log_info("notifications: listening again");
                for (size_t i = 0; i < l->n_channels; i++) {
                    l->cb(l->channels[i], l->aux);
                }
            }
            connected_before = true;
        }
        p[0] = (struct pollfd) { .fd = PQsocket(pg), .events = POLLIN };
        p[1] = (struct pollfd) { .fd = l->stop_fd, .events = POLLIN };
        if (poll(p, 2, -1) < 0) {
            continue;
        }
        if (p[1].revents) {
            break;
        }
        if (!PQconsumeInput(pg)) {
            log_warn("notifications: connection to PostgreSQL lost: %s", PQerrorMessage(pg));
            PQfinish(pg);
            pg = NULL;
            continue;
        }
        while ((n = PQnotifies(pg))) {
            if (strcmp(n->extra, l->self)) {
                l->cb(n->relname, l->aux);
            }
            PQfreemem(n);
        }
    }
    PQfinish(pg);
    return NULL;
}

struct db_listener *
db_listen_pg(const char *conninfo, const char *const *channels, const char *self,
             db_notify_cb *cb, void *aux, struct buf *error)
{
    struct db_listener *l = xcalloc(1, sizeof *l);

    l->conninfo = xstrdup(conninfo);
    for (const char *const *c = channels; *c; c++) {
        l->n_channels++;
    }
    l->channels = xcalloc(l->n_channels + 1, sizeof *l->channels);
    for (size_t i = 0; i < l->n_channels; i++) {
        l->channels[i] = xstrdup(channels[i]);
    }
    l->self = xstrdup(self);
    l->cb = cb;
    l->aux = aux;
    l->stop_fd = eventfd(0, EFD_CLOEXEC);
    if (l->stop_fd < 0 || pthread_create(&l->thread, NULL, listener_main, l)) {
        buf_printf(error, "cannot start the notification listener");
        if (l->stop_fd >= 0) {
            close(l->stop_fd);
        }
        l->stop_fd = -1;
        db_listener_stop(l);
        return NULL;
    }
    return l;
}

void
db_listener_stop(struct db_listener *l)
{
    if (!l) {
        return;
    }
    if (l->stop_fd >= 0) {
        uint64_t one = 1;
        if (write(l->stop_fd, &one, sizeof one) < 0) {
            log_warn("cannot stop the notification listener");
        }
        pthread_join(l->thread, NULL);
        close(l->stop_fd);
    }
    for (size_t i = 0; i < l->n_channels; i++) {
        free(l->channels[i]);
    }
    free(l->channels);
    free(l->conninfo);
    free(l->self);
    free(l);
}
