/*
 * db_rows.c — a query's rows as a reply's repeated messages (wh/db_rows.h).  The memory is the
 * batch's (wh_ctx_alloc), so a reply built here is freed with the batch, never by the handler.
 */
#include "wh/db_rows.h"

#include "wh/status.h"

char *wh_ctx_db_text(wh_ctx *ctx, const PGresult *r, int row, int col)
{
    const char *v = wh_db_text(r, row, col);
    return wh_ctx_strdup(ctx, v != NULL ? v : "");
}

int wh_ctx_db_messages(wh_ctx *ctx, PGresult *r, const ProtobufCMessageDescriptor *type, wh_db_fill_fn fill,
                       void ***out, size_t *n)
{
    if (r == NULL)
        return wh_db_last_status(wh_ctx_db(ctx));
    int rows = PQntuples(r);
    void **v = wh_ctx_alloc(ctx, sizeof *v * (size_t)(rows > 0 ? rows : 1));
    for (int i = 0; v != NULL && i < rows; i++) {
        v[i] = wh_ctx_alloc(ctx, type->sizeof_message);
        if (v[i] == NULL) {
            v = NULL;
            break;
        }
        protobuf_c_message_init(type, v[i]);
        if (!fill(ctx, r, i, v[i]))
            v = NULL;
    }
    PQclear(r);
    if (v == NULL)
        return WH_INTERNAL;
    *out = v;
    *n = (size_t)rows;
    return 0;
}
