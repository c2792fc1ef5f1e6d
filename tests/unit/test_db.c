/* Unit tests for src/server/store/db.h: the same checks on each backend — SQLite in a
 * temporary file, and PostgreSQL in a private cluster this test starts and removes
 * (scripts/pg-test-cluster.sh).  Parameters, NULLs, rows, rows changed, the error
 * classes, statement reuse, and '?' inside a string literal left alone; on PostgreSQL
 * also lost connections and text that is not UTF-8. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "store/db.h"

#ifndef SOURCE_ROOT
#error "SOURCE_ROOT must name the source tree"
#endif

static char pg_dir[] = "/tmp/neutrino-test-db-XXXXXX";
static char *pg_conninfo;
static char sqlite_path[] = "/tmp/neutrino-test-db-XXXXXX.sqlite";

static int
start_pg(void **state)
{
    char cmd[512], line[512];
    FILE *f;

    (void) state;
    if (!mkdtemp(pg_dir)) {
        return -1;
    }
    snprintf(cmd, sizeof cmd, "%s/scripts/pg-test-cluster.sh start %s", SOURCE_ROOT, pg_dir);
    f = popen(cmd, "r");
    if (!f || !fgets(line, sizeof line, f)) {
        if (f) {
            pclose(f);
        }
        return -1;
    }
    line[strcspn(line, "\n")] = '\0';
    pg_conninfo = strdup(line);
    return pclose(f) == 0 ? 0 : -1;
}

static int
stop_pg(void **state)
{
    char cmd[512];

    (void) state;
    snprintf(cmd, sizeof cmd, "%s/scripts/pg-test-cluster.sh stop %s", SOURCE_ROOT, pg_dir);
    free(pg_conninfo);
    return system(cmd) == 0 ? 0 : -1;
}

static struct db_conn *
open_backend(const char *which)
{
    struct buf error = BUF_INITIALIZER;
    struct db_conn *c;

    if (!strcmp(which, "sqlite")) {
        int fd;
        snprintf(sqlite_path, sizeof sqlite_path, "/tmp/neutrino-test-db-XXXXXX.sqlite");
        fd = mkstemps(sqlite_path, 7);
        assert_true(fd >= 0);
        close(fd);
        c = db_open_sqlite(sqlite_path, 1000, &error);
    } else {
        c = db_open_pg(pg_conninfo, &error);
    }
    if (!c) {
        fail_msg("%s: %s", which, buf_cstr(&error));
    }
    buf_done(&error);
    return c;
}

static void
close_backend(const char *which, struct db_conn *c)
{
    db_close(c);
    if (!strcmp(which, "sqlite")) {
        unlink(sqlite_path);
    }                               /* PostgreSQL's cluster goes with stop_pg(). */
}

static void
the_same_on_every_backend(const char *which)
{
    static const char insert[] = "INSERT INTO t (id, name, n) VALUES (?, ?, ?)";
    static const char select_one[] = "SELECT name, n, id = ? FROM t WHERE id = ?";
    struct db_conn *c = open_backend(which);
    struct buf error = BUF_INITIALIZER;
    struct db_stmt *st;

    assert_int_equal(db_exec(c, "CREATE TABLE t (id TEXT PRIMARY KEY, name TEXT, n BIGINT);",
                             &error), DB_OK);

    /* A statement is prepared once and reused with new values. */
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "id%d", i);
        st = db_stmt(c, insert);
        assert_non_null(st);
        db_bind_text_copy(st, 1, id);
        db_bind_text(st, 2, i == 1 ? NULL : "name?");
        db_bind_int(st, 3, INT64_C(5000000000) + i);
        assert_int_equal(db_step(st), DB_DONE);
        assert_int_equal(db_changes(c), 1);
    }

    /* A duplicate key is a constraint, and the statement can be used again after it. */
    st = db_stmt(c, insert);
    db_bind_text(st, 1, "id0");
    db_bind_null(st, 2);
    db_bind_int(st, 3, 0);
    assert_int_equal(db_step(st), DB_CONSTRAINT);
    db_reset(st);

    /* Rows: text, a 64-bit integer, a comparison read as an integer, NULL. */
    st = db_stmt(c, select_one);
    db_bind_text(st, 1, "id2");
    db_bind_text(st, 2, "id2");
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "name?");
    assert_true(db_col_int(st, 1) == INT64_C(5000000002));
    assert_int_equal(db_col_int(st, 2), 1);
    assert_int_equal(db_step(st), DB_DONE);
    st = db_stmt(c, select_one);
    db_bind_text(st, 1, "other");
    db_bind_text(st, 2, "id1");
    assert_int_equal(db_step(st), DB_ROW);
    assert_true(db_col_is_null(st, 0));
    assert_null(db_col_text(st, 0));
    assert_int_equal(db_col_int(st, 2), 0);
    db_reset(st);

    /* SQL built at run time; a '?' inside quotes is text, not a parameter. */
    st = db_prepare(c, "SELECT COUNT(*) FROM t WHERE name = 'name?' AND n > ?");
    assert_non_null(st);
    db_bind_int(st, 1, 5000000000);
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_col_int(st, 0), 1);
    db_finalize(st);

    /* SQLite's numbered parameters: '?N', mixed with '?' (one more than the largest
     * so far), and a number the text never uses. */
    st = db_prepare(c, "SELECT COUNT(*) FROM t WHERE id = ?2 AND n > ?1 AND name = ?");
    assert_non_null(st);
    db_bind_int(st, 1, 5000000000);
    db_bind_text(st, 2, "id2");
    db_bind_text(st, 3, "name?");
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_col_int(st, 0), 1);
    db_finalize(st);
    st = db_prepare(c, "SELECT id FROM t WHERE id = ?3");
    assert_non_null(st);
    db_bind_text(st, 1, "unused");
    db_bind_int(st, 2, 7);
    db_bind_text(st, 3, "id0");
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "id0");
    db_finalize(st);

    /* SQLite's group_concat(x, sep) in the order of its input rows (string_agg on
     * PostgreSQL, which a role owning only its database can use); the name inside a
     * string is left alone. */
    st = db_prepare(c, "SELECT group_concat(id, ','), 'group_concat(' FROM"
                       " (SELECT id FROM t ORDER BY id DESC) AS ordered");
    assert_non_null(st);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "id2,id1,id0");
    assert_string_equal(db_col_text(st, 1), "group_concat(");
    db_finalize(st);

    /* Rows changed by an UPDATE; an error that is no constraint is an error. */
    st = db_prepare(c, "UPDATE t SET n = n + 1 WHERE n >= ?");
    db_bind_int(st, 1, 0);
    assert_int_equal(db_step(st), DB_DONE);
    assert_int_equal(db_changes(c), 3);
    db_finalize(st);
    assert_int_equal(db_exec(c, "SELECT * FROM no_such_table", NULL), DB_ERROR);
    assert_true(strlen(db_errmsg(c)) > 0);

    buf_done(&error);
    close_backend(which, c);
}

static void
sqlite_backend(void **state)
{
    (void) state;
    the_same_on_every_backend("sqlite");
}

static void
pg_backend(void **state)
{
    (void) state;
    the_same_on_every_backend("pg");
}

/* Ends the server session of 'victim' from another connection, as a database restart
 * or a failover would. */
static void
terminate_session(struct db_conn *victim)
{
    struct db_conn *killer = open_backend("pg");
    struct db_stmt *st = db_stmt(victim, "SELECT pg_backend_pid()");
    char sql[96];

    assert_int_equal(db_step(st), DB_ROW);
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)", (long long) db_col_int(st, 0));
    db_reset(st);
    assert_int_equal(db_exec(killer, sql, NULL), DB_OK);
    db_close(killer);
    usleep(100000);                 /* The session is gone once the backend has exited. */
}

/* A read outside a transaction rides over a lost connection (it is run again on a new
 * one); inside a transaction every statement fails as lost until ROLLBACK, and nothing
 * of it runs on a new connection by accident; prepared statements come back. */
static void
pg_lost_connection(void **state)
{
    static const char count[] = "SELECT COUNT(*) FROM lost";
    static const char insert[] = "INSERT INTO lost VALUES (?)";
    struct db_conn *c = open_backend("pg");
    struct db_stmt *st;

    (void) state;
    assert_int_equal(db_exec(c, "CREATE TABLE lost (n BIGINT)", NULL), DB_OK);
    st = db_stmt(c, count);
    assert_int_equal(db_step(st), DB_ROW);
    db_reset(st);

    terminate_session(c);
    st = db_stmt(c, count);
    assert_int_equal(db_step(st), DB_ROW);          /* prepared again, on a new session */
    assert_int_equal(db_col_int(st, 0), 0);
    db_reset(st);

    assert_int_equal(db_exec(c, "BEGIN", NULL), DB_OK);
    st = db_stmt(c, insert);
    db_bind_int(st, 1, 1);
    assert_int_equal(db_step(st), DB_DONE);
    db_reset(st);
    terminate_session(c);
    st = db_stmt(c, insert);
    db_bind_int(st, 1, 2);
    assert_int_equal(db_step(st), DB_LOST);
    db_reset(st);
    st = db_stmt(c, count);
    assert_int_equal(db_step(st), DB_LOST);         /* still inside the lost transaction */
    db_reset(st);
    assert_int_equal(db_exec(c, "COMMIT", NULL), DB_LOST);
    assert_int_equal(db_exec(c, "ROLLBACK", NULL), DB_OK);
    st = db_stmt(c, count);
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_col_int(st, 0), 0);         /* neither row was kept */
    db_reset(st);
    db_close(c);
}

/* PostgreSQL refuses text that is not UTF-8, where SQLite compares bytes: a look-up
 * with such a value finds nothing (as on SQLite), storing one is an error. */
static void
pg_text_that_is_not_utf8(void **state)
{
    struct db_conn *c = open_backend("pg");
    struct db_stmt *st;

    (void) state;
    assert_int_equal(db_exec(c, "CREATE TABLE u (s TEXT)", NULL), DB_OK);
    st = db_prepare(c, "SELECT COUNT(*) FROM u WHERE s = ?");
    db_bind_text(st, 1, "\xff\xfe");
    assert_int_equal(db_step(st), DB_DONE);
    db_finalize(st);
    st = db_prepare(c, "INSERT INTO u VALUES (?)");
    db_bind_text(st, 1, "caf\xc3");
    assert_int_equal(db_step(st), DB_ERROR);
    db_reset(st);
    db_bind_text(st, 1, "caf\xc3\xa9");
    assert_int_equal(db_step(st), DB_DONE);
    db_finalize(st);
    db_close(c);
}

/* A database that cannot grow is DB_FULL, and reads go on.  SQLite: a page limit
 * gives the SQLITE_FULL a full disk gives; PostgreSQL: its disk_full SQLSTATE (53100),
 * raised here by a trigger as "could not extend file" raises it. */
static void
full_disk(const char *which)
{
    static const char insert[] = "INSERT INTO f VALUES (?)";
    struct db_conn *c = open_backend(which);
    enum db_rc rc = DB_DONE;
    struct db_stmt *st;
    char row[1024];

    assert_int_equal(db_exec(c, "CREATE TABLE f (s TEXT)", NULL), DB_OK);
    if (!strcmp(which, "sqlite")) {
        assert_int_equal(db_exec(c, "INSERT INTO f VALUES ('first');"
                                    "PRAGMA max_page_count = 3", NULL), DB_OK);
    } else {
        assert_int_equal(db_exec(c, "INSERT INTO f VALUES ('first');"
                                    "CREATE FUNCTION no_space() RETURNS trigger LANGUAGE plpgsql"
                                    " AS $$ BEGIN RAISE EXCEPTION 'could not extend file'"
                                    " USING ERRCODE = 'disk_full'; END $$;"
                                    "CREATE TRIGGER f_full BEFORE INSERT ON f"
                                    " FOR EACH ROW EXECUTE FUNCTION no_space()", NULL), DB_OK);
    }
    memset(row, 'x', sizeof row - 1);
    row[sizeof row - 1] = '\0';
    for (int i = 0; i < 100 && rc == DB_DONE; i++) {
        st = db_stmt(c, insert);
        db_bind_text(st, 1, row);
        rc = db_step(st);
        db_reset(st);
    }
    assert_int_equal(rc, DB_FULL);
    st = db_stmt(c, "SELECT s FROM f WHERE s = 'first'");
    assert_int_equal(db_step(st), DB_ROW);
    db_reset(st);
    close_backend(which, c);
}

static void
sqlite_full_disk(void **state)
{
    (void) state;
    full_disk("sqlite");
}

static void
pg_full_disk(void **state)
{
    (void) state;
    full_disk("pg");
}

/* A malformed PostgreSQL URL is refused before any connection with a reason that
 * names the part at fault and never contains the password, whatever libpq would have
 * quoted; good URLs pass. */
static void
pg_url_checked_without_its_password(void **state)
{
    static const struct {
        const char *url;
        const char *reason;         /* In the error; NULL: the URL is accepted. */
    } cases[] = {
        { "postgresql://user:s3cretpw@host:badport/db", "port \"badport\"" },
        { "postgresql://user:s3cretpw@host:99999/db", "port \"99999\"" },
        { "postgresql://user:s3cretpw@h1:5432,h2:x/db", "port \"x\"" },
        { "postgresql://user:s3cret%zzpw@host/db", "password has a '%'" },
        { "postgresql://user:s3cretpw%@host/db", "password has a '%'" },
        { "postgresql://user:s3cret%00pw@host/db", "password contains %00" },
        { "postgresql://user:s3c/retpw@host/db", "an '@' after a '/'" },
        { "postgresql://user@x:s3cretpw@host/db", "more than one '@'" },
        { "postgresql://user:s3cretpw@[::1/db", "IPv6 host address" },
        { "postgresql://user:s3cretpw@host/db?foo=bar", "invalid URI query parameter" },
        { "postgresql://host/db?password=s3cret%zzpw", "password has a '%'" },
        { "postgresql://user:s3cretpw@host/db?password=s3cretpw&bad", "separator" },
        { "postgres://user:s3cretpw@host:5432/db", NULL },
        { "postgresql://user:s3c%2Fret%40pw@host/db?sslmode=require", NULL },
        { "postgresql://user:s3cretpw@h1:5432,h2/db", NULL },
        { "postgresql:///db?host=/run/postgresql&user=u&password=s3cretpw", NULL },
        { "postgresql://user:s3cret pw@[::1]:5433/db", NULL },
        { "host=/tmp user=u password=s3cretpw", NULL },
    };

    (void) state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf error = BUF_INITIALIZER;
        int r = db_pg_check_url(cases[i].url, &error);

        if (!cases[i].reason) {
            if (r) {
                fail_msg("%s: refused: %s", cases[i].url, buf_cstr(&error));
            }
        } else if (r != -EINVAL || !strstr(buf_cstr(&error), cases[i].reason)
                   || strstr(buf_cstr(&error), "s3cret")) {
            fail_msg("%s: %d \"%s\", expected \"%s\" without the password", cases[i].url, r,
                     buf_cstr(&error), cases[i].reason);
        }
        buf_done(&error);
    }
}

int
main(void)
{
    /* One group (TAP allows one plan): the cluster is up for both, which costs under
     * a second. */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sqlite_backend),
        cmocka_unit_test(pg_backend),
        cmocka_unit_test(pg_lost_connection),
        cmocka_unit_test(pg_text_that_is_not_utf8),
        cmocka_unit_test(pg_url_checked_without_its_password),
        cmocka_unit_test(sqlite_full_disk),
        cmocka_unit_test(pg_full_disk),
    };

    return cmocka_run_group_tests_name("db", tests, start_pg, stop_pg);
}
