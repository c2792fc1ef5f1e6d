/* The PostgreSQL backend of db.h, over libpq.
 *
 * The store's SQL writes parameters as SQLite does, '?' or '?N'; PostgreSQL wants $N:
 * the text is renumbered once, when it is prepared, by SQLite's rule (a plain '?' is
 * one more than the largest number so far).  A parameter the text never uses gets
 * type text, since PostgreSQL cannot prepare a parameter whose type it cannot infer.  Static statements become named prepared
 * statements of the connection (PQprepare once, PQexecPrepared after); statements
 * built at run time go through PQexecParams.  All values travel as text, so every
 * column reads back as text too: db_col_int() parses it (and reads 't'/'f', which is
 * how PostgreSQL writes a boolean expression).  A step runs the statement on its first
 * call and then walks the rows of the result.
 *
 * Errors are sorted by SQLSTATE: class 23 (integrity) is a constraint; 40001
 * (serialization failure) and 40P01 (deadlock) are a conflict worth retrying. */
#include "db_backend.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

LOG_MODULE("store");

enum { PG_STMT_CACHE_SIZE = 256, PG_MAX_PARAMS = 32766, PG_TEXT_OID = 25 };

struct pg_stmt {
    struct db_stmt base;
    struct pg_conn *conn;
    char *name;                     /* Prepared statement's name; NULL: run-time SQL. */
    char *sql;                      /* With $n placeholders. */
    int n_params;
    unsigned int *types;            /* 0: PostgreSQL infers it; text for unused ones. */
    const char **values;
    char **owned;                   /* Copies and numbers written out, freed on rebind. */
    PGresult *result;
    int row;                        /* Next row to return; -1 before the first step. */
};

struct pg_cache_entry {
    const char *sql;                /* Static SQL text, compared by address. */
    struct pg_stmt *stmt;
};

struct pg_conn {
    struct db_conn base;
    PGconn *pg;
    int64_t changes;
    char errmsg[512];
    unsigned int n_prepared;
    struct pg_cache_entry cache[PG_STMT_CACHE_SIZE];
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

/* '?' and '?N' outside quotes become $N; sets '*n' to the largest number and marks
 * in 'used' (PG_MAX_PARAMS + 1 entries) the numbers the text refers to.  -1 in '*n'
 * for a number out of range. */
static char *
renumber(const char *sql, int *n, bool *used)
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
        } else {
            buf_add_char(&out, *p);
        }
    }
    return buf_steal(&out);
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
    snprintf(c->errmsg, sizeof c->errmsg, "%s", PQresultErrorMessage(r));
    state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (state && !strncmp(state, "23", 2)) {
        return DB_CONSTRAINT;
    }
    if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01"))) {
        return DB_BUSY;
    }
    return DB_ERROR;
}

struct db_conn *
db_open_pg(const char *conninfo, struct buf *error)
{
    struct pg_conn *c = xcalloc(1, sizeof *c);

    c->base.ops = &pg_ops;
    c->pg = PQconnectdb(conninfo);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        buf_printf(error, "cannot connect to PostgreSQL: %s", PQerrorMessage(c->pg));
        PQfinish(c->pg);
        free(c);
        return NULL;
    }
    return &c->base;
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

    for (size_t i = 0; i < PG_STMT_CACHE_SIZE; i++) {
        if (c->cache[i].stmt) {
            pg_finalize(&c->cache[i].stmt->base);
        }
    }
    PQfinish(c->pg);
    free(c);
}

static enum db_rc
pg_exec(struct db_conn *conn, const char *sql, struct buf *error)
{
    struct pg_conn *c = conn_of(conn);
    PGresult *r = PQexec(c->pg, sql);
    enum db_rc rc = rc_of_result(c, r);

    if (rc != DB_OK && error) {
        buf_printf(error, "%s", c->errmsg);
    }
    PQclear(r);
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

static struct pg_stmt *
stmt_new(struct pg_conn *c, const char *sql)
{
    struct pg_stmt *s = xcalloc(1, sizeof *s);
    bool *used = xcalloc(PG_MAX_PARAMS + 1, sizeof *used);

    s->base.ops = &pg_ops;
    s->conn = c;
    s->sql = renumber(sql, &s->n_params, used);
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
    size_t h = ((uintptr_t) sql >> 4) % PG_STMT_CACHE_SIZE;

    for (size_t i = 0; i < PG_STMT_CACHE_SIZE; i++) {
        struct pg_cache_entry *e = &c->cache[(h + i) % PG_STMT_CACHE_SIZE];
        if (e->sql == sql) {
            pg_reset(&e->stmt->base);
            stmt_clear_values(e->stmt);
            return &e->stmt->base;
        }
        if (!e->sql) {
            struct pg_stmt *s = stmt_new(c, sql);
            PGresult *r;
            enum db_rc rc;

            if (!s) {
                return NULL;
            }
            s->name = xasprintf("s%u", c->n_prepared++);
            r = PQprepare(c->pg, s->name, s->sql, s->n_params, s->types);
            rc = rc_of_result(c, r);
            PQclear(r);
            if (rc != DB_OK) {
                log_err("cannot prepare statement: %s", c->errmsg);
                pg_finalize(&s->base);
                return NULL;
            }
            e->sql = sql;
            e->stmt = s;
            return &s->base;
        }
    }
    log_err("statement cache full");
    return NULL;
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

static enum db_rc
pg_step(struct db_stmt *st)
{
    struct pg_stmt *s = stmt_of(st);
    struct pg_conn *c = s->conn;

    if (s->row < 0) {
        enum db_rc rc;

        s->result = s->name
            ? PQexecPrepared(c->pg, s->name, s->n_params, s->values, NULL, NULL, 0)
            : PQexecParams(c->pg, s->sql, s->n_params, s->types, s->values, NULL, NULL, 0);
        rc = rc_of_result(c, s->result);
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
