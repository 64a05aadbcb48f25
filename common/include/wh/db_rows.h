/*
 * wh/db_rows.h — a query's rows as a reply's repeated messages, in the batch's memory.
 *
 *     static bool fill_escalation(wh_ctx *ctx, const PGresult *r, int row, void *message)
 *     {
 *         Welfare__Case__V1__Escalation *e = message;
 *         e->household_id = wh_db_i64(r, row, 0, 0);
 *         e->dong_code = wh_ctx_db_text(ctx, r, row, 1);
 *         return e->dong_code != NULL;
 *     }
 *     …
 *     return wh_ctx_db_messages(ctx, wh_db_query(db, "case_list_escalations", &p),
 *                               &welfare__case__v1__escalation__descriptor, fill_escalation,
 *                               (void ***)&out->escalations, &out->n_escalations);
 */
#ifndef WH_DB_ROWS_H
#define WH_DB_ROWS_H

#include <protobuf-c/protobuf-c.h>

#include "wh/db.h"
#include "wh/service.h"

/* A copy of a text cell in the batch's memory: "" for NULL, NULL only when memory ran out. */
char *wh_ctx_db_text(wh_ctx *ctx, const PGresult *r, int row, int col);

/* Fills one initialised message from one row; false when memory ran out. */
typedef bool (*wh_db_fill_fn)(wh_ctx *ctx, const PGresult *r, int row, void *message);

/* Turns every row of r (which it clears) into a message of `type`, filled by fill, in an array in
 * the batch's memory: 0, WH_INTERNAL (no memory), or the connection's status when r is NULL (the
 * query failed). */
int wh_ctx_db_messages(wh_ctx *ctx, PGresult *r, const ProtobufCMessageDescriptor *type, wh_db_fill_fn fill,
                       void ***out, size_t *n);

#endif
