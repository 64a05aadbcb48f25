/*
 * apply_routing.c — what case does with routing's events: the hub map (DongDefined), the case
 * workers (StaffRegistered, StaffDeactivated) and the outcomes of the visits it asked for.
 *
 * Each change of the map or of the staff runs the assignment pass (assign.c) of the hubs it touches,
 * so cases waiting for a worker are given one as soon as someone has room, and the cases of a worker
 * who left or moved go to the others.  A missed visit is only recorded: routing keeps the request
 * pending and plans it again, so a second request would send staff twice.
 */
#include <jansson.h>
#include <string.h>

#include "case.h"

#include "wh/log.h"
#include "wh/util.h"

static int pass(wh_ctx *ctx, const char *hub, const char *date)
{
    return hub && *hub ? case_assign_waiting(ctx, hub, date, NULL) : 0;
}

int case_apply_dong_defined(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Routing__V1__DongDefined *d = (const void *)event;
    if (!case_text_ok(d->dong_code, CASE_CODE_MAX)) {
        wh_log_warn("ignoring dong without a code", NULL);
        return 0;
    }
    const char *hub = case_text_ok(d->hub_dong_code, CASE_CODE_MAX) ? d->hub_dong_code : d->dong_code;
    char old_hub[CASE_CODE_MAX + 1], today[11];
    bool known;
    int64_t moved = 0;
    wh_db *db = wh_ctx_db(ctx);
    int rc = case_store_hub_of(db, d->dong_code, old_hub, &known);
    if (rc == 0)
        rc = case_store_upsert_dong(db, d, hub);
    if (rc == 0)
        rc = case_store_rehome_dong(db, d->dong_code, hub, &moved);
    if (rc < 0 || moved == 0)
        return rc;
    /* The event carries no date: the map changes today. */
    wh_date_today(today);
    wh_log_info("open cases moved to the dong's new hub", "{s:s, s:I}", "hub_dong_code", hub, "cases",
                (json_int_t)moved);
    if ((rc = pass(ctx, hub, today)) < 0)
        return rc;
    return strcmp(old_hub, hub) != 0 ? pass(ctx, old_hub, today) : 0;
}

int case_apply_staff_registered(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Routing__V1__StaffRegistered *s = (const void *)event;
    if (s->staff_id <= 0 || !case_text_ok(s->hub_dong_code, CASE_CODE_MAX) || !case_role_ok(s->role)) {
        wh_log_warn("ignoring staff without id, hub or role", "{s:I}", "staff_id", (json_int_t)s->staff_id);
        return 0;
    }
    Welfare__Routing__V1__StaffRegistered copy = *s;
    char from[11], old_hub[CASE_CODE_MAX + 1];
    bool known;
    case_event_date(s->active_from, "StaffRegistered", from);
    copy.active_from = from;
    wh_db *db = wh_ctx_db(ctx);
    int rc = case_store_worker_hub(db, s->staff_id, old_hub, &known);
    if (rc == 0)
        rc = case_store_upsert_worker(db, &copy, case_role_carries_cases(s->role));
    if (rc == 0 && known && strcmp(old_hub, s->hub_dong_code) != 0)
        rc = pass(ctx, old_hub, from); /* their cases at the old hub go to its other workers */
    if (rc == 0)
        rc = pass(ctx, s->hub_dong_code, from);
    return rc;
}

int case_apply_staff_deactivated(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Routing__V1__StaffDeactivated *s = (const void *)event;
    char until[11], first_day_gone[11], hub[CASE_CODE_MAX + 1];
    if (s->staff_id <= 0) {
        wh_log_warn("ignoring staff deactivation without id", NULL);
        return 0;
    }
    case_event_date(s->active_until, "StaffDeactivated", until);
    int rc = case_store_worker_until(wh_ctx_db(ctx), s->staff_id, until, hub);
    if (rc == WH_NOT_FOUND) {
        wh_log_warn("ignoring deactivation of unknown staff", "{s:I}", "staff_id", (json_int_t)s->staff_id);
        return 0;
    }
    if (rc < 0)
        return rc;
    wh_date_add_days(until, 1, first_day_gone);
    return pass(ctx, hub, first_day_gone);
}

static int outcome(wh_ctx *ctx, int64_t visit_id, int64_t visit_request_id, bool completed, int reason,
                   const char *on, const char *what)
{
    char date[11];
    bool fresh;
    if (visit_id <= 0 || visit_request_id <= 0) {
        wh_log_warn("ignoring visit outcome without visit or request id", "{s:s}", "event", what);
        return 0;
    }
    case_event_date(on, what, date);
    int rc =
        case_store_visit_outcome(wh_ctx_db(ctx), visit_id, visit_request_id, completed, reason, date, &fresh);
    if (rc == 0 && !fresh)
        wh_log_debug("visit outcome recorded already or for another request", "{s:I, s:I}", "visit_id",
                     (json_int_t)visit_id, "visit_request_id", (json_int_t)visit_request_id);
    if (rc == 0 && fresh) /* the household's watch: a meeting, or a failed attempt */
        rc = case_outreach_routing_outcome(ctx, visit_id, visit_request_id,
                                           completed ? CASE_OUTCOME_MET : case_outcome_of_miss(reason), date);
    return rc;
}

int case_apply_visit_completed(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Routing__V1__VisitCompleted *v = (const void *)event;
    return outcome(ctx, v->visit_id, v->visit_request_id, true, 0, v->visited_on, "VisitCompleted");
}

int case_apply_visit_missed(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Routing__V1__VisitMissed *v = (const void *)event;
    return outcome(ctx, v->visit_id, v->visit_request_id, false, v->reason, v->missed_on, "VisitMissed");
}
