/*
 * retention.c — forgetting old command records.
 *
 * processed_command holds every command's reply so that a retry is answered, not repeated.  Retries
 * come within seconds or minutes; a record older than WH_COMMAND_RETENTION_DAYS (default 30) cannot
 * matter any more, so once a minute the loop deletes up to a few thousand of them — a small,
 * short transaction that never holds the loop up for long.  The event stream (outbox) is kept: it is
 * what consumers replay from.  A service whose own records live as long (wh_service_def.prune:
 * intake's import row ids) has them deleted right after, with the same days and batch size.
 */
#include <jansson.h>

#include "bus_internal.h"
#include "wh/config.h"
#include "wh/log.h"

#define PRUNE_EVERY_TICKS 60
#define PRUNE_BATCH       5000

int wh_retention_start(wh_service *svc)
{
    return wh_config_int("WH_COMMAND_RETENTION_DAYS", 30, 1, 36500, &svc->retention_days);
}

/* One bounded delete (the command records', or the service's hook); false when it failed. */
static bool prune(wh_service *svc, int64_t (*fn)(wh_db *db, int64_t days, int64_t limit), const char *what)
{
    int64_t n = fn(svc->db, svc->retention_days, PRUNE_BATCH);

    if (n < 0) { /* logged by the store (db.c) */
        if (!wh_db_connected(svc->db))
            wh_service_db_lost(svc);
        return false;
    }
    if (n > 0)
        wh_log_info("old records deleted", "{s:s, s:I, s:I}", "records", what, "rows", (json_int_t)n,
                    "retention_days", (json_int_t)svc->retention_days);
    return true;
}

void wh_retention_tick(wh_service *svc)
{
    if (++svc->ticks % PRUNE_EVERY_TICKS != 0 || !svc->db_up)
        return;
    svc->trim_due = true; /* the deletes' results */
    if (prune(svc, wh_bus_prune_commands, "command records") && svc->def->prune)
        prune(svc, svc->def->prune, svc->def->name);
}
