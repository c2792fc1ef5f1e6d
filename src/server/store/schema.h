/* The database schema as numbered migrations.  Migration N (1-based) takes a database
 * from version N-1 to N; the version lives in the schema_version table.  A migration,
 * once released, never changes: later issues add new entries at the end. */
#ifndef NEUTRINO_STORE_SCHEMA_H
#define NEUTRINO_STORE_SCHEMA_H

#include <stddef.h>

extern const char *const schema_migrations[];
extern const size_t schema_n_migrations;

#endif
