/* Internals shared by the store's files: the store, its per-thread connections, and
 * helpers over db.h.  Nothing outside src/server/store/ includes this. */
#ifndef NEUTRINO_STORE_CONN_H
#define NEUTRINO_STORE_CONN_H

#include <pthread.h>
#include <stdbool.h>

#include "db.h"
#include "store.h"

struct store {
    char *path;                     /* SQLite's file, or PostgreSQL's URL. */
    bool pg;                        /* PostgreSQL (else SQLite). */
    pthread_key_t conn_key;         /* Thread-local struct store_conn. */
    pthread_mutex_t write_mutex;    /* Serialises this process's write transactions. */
    struct store_conn *main_conn;   /* The opening thread's connection. */
    char instance[37];              /* This process (a UUID), in the notifications it
                                     * sends. */
    struct db_listener *listener;   /* store_watch(); NULL on SQLite. */
    const struct store_watch_ops *watch_ops;
    void *watch_aux;
    void (*feed_hook)(void *aux);   /* store_on_feed_commit(). */
    void *feed_hook_aux;
    int version;                    /* Schema version after migration. */
};

struct store_conn {
    struct store *store;
    struct db_conn *db;
    bool in_write;                  /* Inside store_begin() .. commit/rollback. */
    enum store_outcome outcome;     /* For store_take_outcome(). */
    bool notify_changes;            /* The write transaction added to the change feed. */
};

/* The cached prepared statement for the static string 'sql' (db_stmt()). */
struct db_stmt *conn_stmt(struct store_conn *c, const char *sql);
/* Maps a failed step to a negative errno, logging unexpected failures:
 * -EEXIST for a constraint, -EBUSY for a conflict and -ENOTCONN for a lost connection
 * (both mark the request to run again), -ENOSPC for a full disk, else -EIO. */
int conn_error(struct store_conn *c, enum db_rc rc, const char *what);
/* Steps a statement expected to finish without rows (INSERT/UPDATE/DELETE). */
int conn_exec_stmt(struct store_conn *c, struct db_stmt *st, const char *what);
/* Steps an "INSERT … ON CONFLICT DO NOTHING": -EEXIST if a unique key kept the row
 * out.  Unlike a failed INSERT, this leaves a PostgreSQL transaction usable, so a
 * caller may treat the duplicate as expected and carry on. */
int conn_insert_stmt(struct store_conn *c, struct db_stmt *st, const char *what);
/* conn_exec_stmt() for an UPDATE or DELETE by key: -ENOENT if it changed no row. */
int conn_exec_change(struct store_conn *c, struct db_stmt *st, const char *what);

/* Binds the texts values[0] to values[n - 1] to the parameters from 'first' on (NULL
 * binds NULL), for a statement that takes many in a row. */
void bind_texts(struct db_stmt *st, int first, const char *const *values, size_t n);

/* The cached statement for 'sql' with its first parameter bound to the text 'a', its
 * first two to 'a' and 'b', or its first 'n' to 'values' (NULL binds NULL); NULL on
 * error.  Every conn_*() that takes a statement answers -EIO for NULL, so a caller may
 * hand the result straight on. */
struct db_stmt *conn_stmt_text(struct store_conn *c, const char *sql, const char *a);
struct db_stmt *conn_stmt_text2(struct store_conn *c, const char *sql, const char *a,
                                const char *b);
struct db_stmt *conn_stmt_texts(struct store_conn *c, const char *sql,
                                const char *const *values, size_t n);
/* The same with its one parameter bound to the integer 'i', or ?1 to the text 'a' and
 * ?2 to the integer 'i'. */
struct db_stmt *conn_stmt_int(struct store_conn *c, const char *sql, int64_t i);
struct db_stmt *conn_stmt_text_int(struct store_conn *c, const char *sql, const char *a,
                                   int64_t i);

/* Called on each row of a statement; nonzero stops the walk and is its result. */
typedef int row_cb(struct db_stmt *st, void *aux);
/* Steps through 'st', calling 'cb' on each row, then resets it. */
int conn_each_row(struct store_conn *c, struct db_stmt *st, row_cb *cb, void *aux,
                  const char *what);
/* conn_each_row() over rows of one text column, or of two. */
int conn_each_id(struct store_conn *c, struct db_stmt *st, store_id_cb *cb, void *aux,
                 const char *what);
int conn_each_pair(struct store_conn *c, struct db_stmt *st, store_pair_cb *cb, void *aux,
                   const char *what);
/* Reads the current row into 'ret' (owned copies). */
typedef void row_reader(struct db_stmt *st, void *ret);
/* Steps 'st' once and reads its row with 'read': 0, or -ENOENT if there is none. */
int conn_read_row(struct store_conn *c, struct db_stmt *st, row_reader *read, void *ret,
                  const char *what);
/* Reads every row of 'st' with 'read' into a new array of 'size'-byte items: '*ret'
 * (NULL for none) and '*ret_n'.  On failure the array is freed, after 'done' (if not
 * NULL) has cleared each item read. */
int conn_read_rows(struct store_conn *c, struct db_stmt *st, row_reader *read, size_t size,
                   void (*done)(void *item), void **ret, size_t *ret_n, const char *what);
/* Steps a query of one row whose first column is an integer (a COUNT, an EXISTS). */
int conn_one_int(struct store_conn *c, struct db_stmt *st, int64_t *ret, const char *what);
/* conn_one_int() for an EXISTS: '*ret' is whether it is true (false on error). */
int conn_one_bool(struct store_conn *c, struct db_stmt *st, bool *ret, const char *what);

/* Returns column 'i' as text: a borrowed pointer if !copy, else an owned copy;
 * NULL for SQL NULL. */
char *col_text(struct db_stmt *st, int i, bool copy);
/* A row_reader: column 0 as an owned string (NULL for SQL NULL) into *(char **) ret. */
void col_text_read(struct db_stmt *st, void *ret);
/* Copies column 'i' into a fixed buffer of 'size' bytes ("" for NULL). */
void col_copy(struct db_stmt *st, int i, char *out, size_t size);

/* SQL for a JSON array of 'elem' (an expression giving JSON text, json_quote(col) for
 * a string) over the rows of the FROM that follows, in their order; "[]" for none.
 * Written with group_concat and json_quote, not json_group_array, so that both
 * engines write the same bytes (on PostgreSQL group_concat is string_agg, db_pg.c,
 * and schema.c defines json_quote). */
#define SQL_JSON_ARRAY(elem) "'[' || COALESCE(group_concat(" elem ", ','), '') || ']'"

/* The attributes every Neutron resource has (struct std_attrs) as the first columns of
 * its SELECT, for the table aliased 'a': id, project_id, name, description,
 * created_at, updated_at, revision_number, then its tags as a JSON array.  The
 * resource's own columns follow, from STD_NCOLS. */
#define SQL_STD_COLUMNS(a)                                                                 \
    a ".id, " a ".project_id, " a ".name, " a ".description, " a ".created_at, "           \
    a ".updated_at, " a ".revision_number,"                                                \
    " (SELECT " SQL_JSON_ARRAY("json_quote(tag)") " FROM (SELECT t.tag FROM tags t"        \
    "   WHERE t.resource_id = " a ".id ORDER BY t.tag) x)"
enum { STD_NCOLS = 8 };
/* The same attributes as parameters ?1 to ?7 (conn_stmt_std()): the first columns of an
 * INSERT, or what an UPDATE of the row whose id is ?1 may change. */
#define SQL_STD_INSERT_COLUMNS                                                             \
    "id, project_id, name, description, created_at, updated_at, revision_number"
#define SQL_STD_UPDATE_SET                                                                 \
    "name = ?3, description = ?4, updated_at = ?6, revision_number = ?7"

/* Fills 'std' from the SQL_STD_COLUMNS() of a row; strings are copies if 'copy'. */
void std_from_row(struct db_stmt *st, struct std_attrs *std, bool copy);
/* The cached statement for 'sql' with ?1 to ?7 bound as SQL_STD_INSERT_COLUMNS lists
 * them; NULL on error. */
struct db_stmt *conn_stmt_std(struct store_conn *c, const char *sql,
                              const struct std_attrs *std);

/* Agents' columns, in the order agent_from_row() reads them (store_agent.c). */
#define AGENT_SELECT                                                                       \
    "SELECT id, agent_type, \"binary\", topic, host, admin_state_up, description,"            \
    " availability_zone, configurations, resource_versions, created_at, started_at,"      \
    " heartbeat_timestamp, heartbeat_at FROM agents"

struct agent;
/* Fills 'a' from a row of AGENT_SELECT; strings are copies if 'copy', else borrowed. */
void agent_from_row(struct db_stmt *st, struct agent *a, bool copy);
/* Steps through an AGENT_SELECT statement, lending each agent to 'cb'. */
int agents_each(struct store_conn *c, struct db_stmt *st, store_agent_cb *cb, void *aux,
                const char *what);

#endif

/* --- List engine (store_list.c) ------------------------------------------------ */

/* SQL column expression of a filterable/sortable field for one resource. */
struct field_column {
    enum store_field field;
    const char *expr;           /* e.g. "p.device_owner"; NULL: special (fixed_ips). */
};

/* What the list engine needs to know of a resource's table. */
struct resource_sql {
    const char *select;         /* "SELECT <columns> FROM <table> <alias>" */
    const char *table;          /* "networks", "subnets" or "ports". */
    const char *table_alias;    /* "n", "s" or "p". */
    /* Visibility condition; each '?' is bound to the viewing project. */
    const char *visibility;
    int visibility_params;
    /* With list_query.owned_only: the stricter condition (one '?'), or NULL when the
     * resource has none. */
    const char *visibility_owned;
    /* The SELECT (or a column's expression) names the viewer's project as ?1
     * (list_query.viewer; "" when none), which is then bound before anything else. */
    bool names_viewer;
    const struct field_column *columns;
    size_t n_columns;
    /* Fields a row may also have in rows of another table (a network's segments
     * after its first): filters on them match a row whose own columns match them all,
     * or one of whose rows there does.  'also_from' is "<table> <alias> WHERE <join>",
     * where a column has the name it has in 'columns' after the alias's dot. */
    const enum store_field *also_fields;
    size_t n_also_fields;
    const char *also_from;
    const char *also_alias;
};

/* Runs the list query 'q' over resource 'r', calling 'cb' per row. */
int list_run(struct store_conn *c, const struct resource_sql *r, const struct list_query *q,
             row_cb *cb, void *aux);
