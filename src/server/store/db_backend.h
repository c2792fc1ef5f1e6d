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

#endif
