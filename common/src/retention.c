/*
 * retention.c — forgetting old command records.
 *
 * processed_command holds every command's reply so that a retry is answered, not repeated.  Retries
 * come within seconds or minutes; a record older than WH_COMMAND_RETENTION_DAYS (default 30) cannot
 * matter any more, so once a minute the loop deletes up to a few thousand of them — a small,
 * short transaction that never holds the loop up for long.  The event stream (outbox) is kept: it is
 * what consumers replay from.
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

void wh_retention_tick(wh_service *svc)
{
    int64_t n;

    if (++svc->ticks % PRUNE_EVERY_TICKS != 0 || !svc->db_up)
        return;
    n = wh_bus_prune_commands(svc->db, svc->retention_days, PRUNE_BATCH);
    if (n < 0) {
        if (!wh_db_connected(svc->db))
            wh_service_db_lost(svc);
        return;
    }
    if (n > 0)
        wh_log_info("old command records deleted", "{s:I, s:I}", "rows", (json_int_t)n, "retention_days",
                    (json_int_t)svc->retention_days);
}
