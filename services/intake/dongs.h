/*
 * dongs.h — the dongs intake knows (routing's DongDefined) and the one check that refuses any other
 * (dongs.c, store_dong.c).
 */
#ifndef INTAKE_DONGS_H
#define INTAKE_DONGS_H

#include <stdbool.h>
#include <stddef.h>

#include "intake.h"
#include "welfare/routing/v1/events.pb-c.h"

extern const wh_db_statement intake_dong_statements[];
extern const size_t intake_dong_statements_count;
extern const char INTAKE_DONG_UNKNOWN[];
extern const char INTAKE_DONGS_NOT_YET_KNOWN[];

/* routing's DongDefined: the dong is known from now on (a redefinition updates its name). */
int intake_apply_dong_defined(wh_ctx *ctx, const ProtobufCMessage *event);
int intake_store_upsert_dong(wh_db *db, const char *dong_code, const char *name);
/* known[i]: codes[i] is a defined dong; *any: at least one dong is defined.  0 or a store status. */
int intake_store_dongs_known(wh_db *db, const char *const *codes, size_t n, bool *known, bool *any);

/* status[i]: 0 when codes[i] is defined, WH_INVALID_ARGUMENT when it is not, WH_UNAVAILABLE when no
 * dong is known yet (retry: intake has not caught up with routing).  0 or a store status. */
int intake_dongs_check(wh_db *db, const char *const *codes, size_t n, int *status);
/* The message for a status from intake_dongs_check. */
const char *intake_dong_refusal(int status);
/* A command's codes: 0, or the command failed on field (field.i for a list of more than one; the
 * return of wh_ctx_fail). */
int intake_dong_check_list(wh_ctx *ctx, const char *field, const char *const *codes, size_t n);
/* Every still-good referral of p checked; a refused one gets its status on household.dong_code. */
int intake_pipeline_check_dongs(wh_db *db, intake_pipeline *p);

#endif
