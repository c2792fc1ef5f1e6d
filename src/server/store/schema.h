/* The database schema as numbered migrations.  Migration N (1-based) takes a database
 * from version N-1 to N; the version lives in the schema_version table.  A migration,
 * once released, never changes: later issues add new entries at the end. */
#ifndef NEUTRINO_STORE_SCHEMA_H
#define NEUTRINO_STORE_SCHEMA_H

#include <stddef.h>

extern const char *const schema_migrations[];
extern const size_t schema_n_migrations;

/* Migration 'v' (0-based index into schema_migrations) as PostgreSQL takes it; an
 * owned string.  The migrations are written for SQLite, whose types are looser:
 * INTEGER becomes BIGINT (SQLite's integers are 64-bit), TEXT compares bytewise as in
 * SQLite (COLLATE "C", whatever the database's locale), and the change feed's
 * AUTOINCREMENT key becomes an identity column.  Before migration 1 come the
 * functions the store's SQL uses that PostgreSQL lacks under those names
 * (json_quote, json_object, json_extract), giving the same text, as SQL functions a
 * database's owner may create (group_concat is string_agg there; see db_pg.c). */
char *schema_migration_pg(size_t v);

/* The version table, created before any migration. */
extern const char schema_version_table[];

#endif
