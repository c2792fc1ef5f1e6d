/* db.h's functions: each goes to the backend of its connection or statement
 * (db_backend.h).  Also the statement cache both backends keep. */
#include "db_backend.h"

#include <stdint.h>

#include "log.h"

LOG_MODULE("store");

struct db_stmt *
db_cache_find(struct db_stmt_cache *cache, const char *sql, struct db_cache_entry **ret_free)
{
    size_t h = ((uintptr_t) sql >> 4) % DB_STMT_CACHE_SIZE;

    for (size_t i = 0; i < DB_STMT_CACHE_SIZE; i++) {
        struct db_cache_entry *e = &cache->entries[(h + i) % DB_STMT_CACHE_SIZE];
        if (e->sql == sql) {
            return e->stmt;
        }
        if (!e->sql) {
            *ret_free = e;
            return NULL;
        }
    }
    log_err("statement cache full");
    *ret_free = NULL;
    return NULL;
}

void
db_cache_clear(struct db_stmt_cache *cache)
{
    for (size_t i = 0; i < DB_STMT_CACHE_SIZE; i++) {
        db_finalize(cache->entries[i].stmt);
    }
}

void
db_close(struct db_conn *c)
{
    if (c) {
        c->ops->close(c);
    }
}

enum db_rc
db_exec(struct db_conn *c, const char *sql, struct buf *error)
{
    return c->ops->exec(c, sql, error);
}

const char *
db_errmsg(struct db_conn *c)
{
    return c->ops->errmsg(c);
}

int64_t
db_changes(struct db_conn *c)
{
    return c->ops->changes(c);
}

void
db_describe(struct db_conn *c, struct buf *out)
{
    c->ops->describe(c, out);
}

struct db_stmt *
db_stmt(struct db_conn *c, const char *sql)
{
    return c->ops->stmt(c, sql);
}

struct db_stmt *
db_prepare(struct db_conn *c, const char *sql)
{
    return c->ops->prepare(c, sql);
}

void
db_finalize(struct db_stmt *st)
{
    if (st) {
        st->ops->finalize(st);
    }
}

void
db_bind_text(struct db_stmt *st, int i, const char *s)
{
    st->ops->bind_text(st, i, s, false);
}

void
db_bind_text_copy(struct db_stmt *st, int i, const char *s)
{
    st->ops->bind_text(st, i, s, true);
}

void
db_bind_int(struct db_stmt *st, int i, int64_t v)
{
    st->ops->bind_int(st, i, v);
}

void
db_bind_null(struct db_stmt *st, int i)
{
    st->ops->bind_text(st, i, NULL, false);
}

enum db_rc
db_step(struct db_stmt *st)
{
    return st->ops->step(st);
}

void
db_reset(struct db_stmt *st)
{
    st->ops->reset(st);
}

const char *
db_col_text(struct db_stmt *st, int i)
{
    return st->ops->col_text(st, i);
}

int64_t
db_col_int(struct db_stmt *st, int i)
{
    return st->ops->col_int(st, i);
}

bool
db_col_is_null(struct db_stmt *st, int i)
{
    return st->ops->col_is_null(st, i);
}
