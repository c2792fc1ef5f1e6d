/* What a database backend supplies to db.c (db.h's functions dispatch here).  A
 * backend's connection and statement structs start with the base structs below. */
#ifndef NEUTRINO_STORE_DB_BACKEND_H
#define NEUTRINO_STORE_DB_BACKEND_H

#include "db.h"

struct db_ops {
    void (*close)(struct db_conn *);
    enum db_rc (*exec)(struct db_conn *, const char *sql, struct buf *error);
    const char *(*errmsg)(struct db_conn *);
    int64_t (*changes)(struct db_conn *);
    void (*describe)(struct db_conn *, struct buf *out);
    struct db_stmt *(*stmt)(struct db_conn *, const char *sql);
    struct db_stmt *(*prepare)(struct db_conn *, const char *sql);
    void (*finalize)(struct db_stmt *);
    void (*bind_text)(struct db_stmt *, int i, const char *s, bool copy);
    void (*bind_int)(struct db_stmt *, int i, int64_t v);
    enum db_rc (*step)(struct db_stmt *);
    void (*reset)(struct db_stmt *);
    const char *(*col_text)(struct db_stmt *, int i);
    int64_t (*col_int)(struct db_stmt *, int i);
    bool (*col_is_null)(struct db_stmt *, int i);
};

struct db_conn {
    const struct db_ops *ops;
};

struct db_stmt {
    const struct db_ops *ops;
};

/* A connection's prepared statements for static SQL text (db_stmt()), found by the
 * text's address in a fixed table. */
enum { DB_STMT_CACHE_SIZE = 256 };

struct db_cache_entry {
    const char *sql;                /* Static SQL text, compared by address. */
    struct db_stmt *stmt;
};

struct db_stmt_cache {
    struct db_cache_entry entries[DB_STMT_CACHE_SIZE];
};

/* The cached statement for 'sql'; if there is none, NULL with '*ret_free' the entry
 * where the backend files the one it prepares, or NULL (logged) if the cache is full. */
struct db_stmt *db_cache_find(struct db_stmt_cache *, const char *sql,
                              struct db_cache_entry **ret_free);
/* Finalizes every cached statement (closing the connection). */
void db_cache_clear(struct db_stmt_cache *);

#endif
