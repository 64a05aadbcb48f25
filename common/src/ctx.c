/*
 * ctx.c — the context a handler runs in: its connection, the message it handles, who sent it, the
 * failure it records and the memory it allocates.
 *
 * Unit tests of handlers replace these functions with tests/unit/support/fake_ctx.h; nothing else in
 * libwh defines them, so that works by the linker's ordinary rules.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bus_internal.h"
#include "wh/log.h"

void wh_ctx_init(wh_ctx *ctx, wh_service *svc, wh_arena *arena, const Welfare__Bus__V1__Envelope *env,
                 const wh_principal *principal)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->svc = svc;
    ctx->arena = arena;
    ctx->env = env;
    ctx->principal = principal;
}

wh_db *wh_ctx_db(wh_ctx *ctx)
{
    return ctx->svc->db;
}

const Welfare__Bus__V1__Envelope *wh_ctx_envelope(wh_ctx *ctx)
{
    return ctx->env;
}

const wh_principal *wh_ctx_principal(wh_ctx *ctx)
{
    return ctx->principal;
}

void *wh_ctx_state(wh_ctx *ctx)
{
    return ctx->svc->state;
}

wh_service *wh_ctx_service(wh_ctx *ctx)
{
    return ctx->svc;
}

int wh_ctx_fail(wh_ctx *ctx, int status, const char *field, const char *fmt, ...)
{
    va_list ap;

    ctx->status = status < 0 ? status : WH_INTERNAL;
    snprintf(ctx->field, sizeof ctx->field, "%s", field != NULL ? field : "");
    va_start(ap, fmt);
    vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
    va_end(ap);
    return ctx->status;
}

void *wh_ctx_alloc(wh_ctx *ctx, size_t size)
{
    return wh_arena_alloc(ctx->arena, size);
}

char *wh_ctx_strdup(wh_ctx *ctx, const char *s)
{
    size_t n = strlen(s != NULL ? s : "") + 1;
    char *p = wh_arena_alloc(ctx->arena, n);

    if (p != NULL)
        memcpy(p, s != NULL ? s : "", n);
    return p;
}

void wh_ctx_audit_disclosure(wh_ctx *ctx, const char *subject_fmt, ...)
{
    char subject[64];
    va_list ap;

    if (ctx->principal == NULL)
        return;
    va_start(ap, subject_fmt);
    vsnprintf(subject, sizeof subject, subject_fmt, ap);
    va_end(ap);
    wh_audit_record(ctx->svc, ctx->principal->name, ctx->principal->public_key,
                    ctx->env != NULL ? ctx->env->type : "", "disclosed", "", subject);
}
