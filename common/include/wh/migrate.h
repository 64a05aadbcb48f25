/*
 * wh/migrate.h — numbered SQL migrations, embedded in the binary and applied at start.
 *
 * Each service keeps its migrations as services/<name>/migrations/NNNN_<what>.sql; the build embeds
 * them as an array named <name>_migrations (see scripts/embed-sql.sh); the bus's own tables come from
 * common/migrations as bus_migrations.  wh_migrate() takes a session advisory lock per schema (so
 * two instances starting together apply each migration once), records each applied migration with
 * its SHA-256 checksum in <schema>.schema_migrations, applies the missing ones in order, each in its
 * own transaction, and refuses to start (WH_FAILED_PRECONDITION, logged) when an applied migration's
 * file has changed since.
 */
#ifndef WH_MIGRATE_H
#define WH_MIGRATE_H

#include <stddef.h>

#include "wh/db.h"

typedef struct wh_migration {
    const char *component; /* "bus" or the service's name: versions are numbered per component */
    const char *name;      /* file name, "0001_init.sql"; the version is its leading number */
    const char *sql;
} wh_migration;

/* Applies the missing migrations of one component into schema.  0 or a negative status. */
int wh_migrate(wh_db *db, const char *schema, const wh_migration *migrations, size_t n);

/* The embedded migrations of the bus (common/migrations). */
extern const wh_migration bus_migrations[];
extern const size_t bus_migrations_count;

#endif
