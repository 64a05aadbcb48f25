/*
 * handlers_discovery.c — applying intake's survey and safety-net events (discovery.h): each checked
 * (discovery_events.c), then stored as its row (store_discovery.c).  An uncountable event is
 * rejected with the field named (dead-lettered, reporting_events_rejected_total); the rows are keyed
 * by intake's ids, so an event applied twice changes nothing, and a survey result replaces the
 * household's earlier one.  SurveyHouseholdsListed adds to the list's counts (once per event: the
 * bus applies it in the transaction that moves the stream position).
 */
#include "discovery.h"

static int apply(wh_ctx *ctx, const ProtobufCMessage *m, int checked, const char *field, int stored)
{
    if (checked != 0)
        return reporting_reject_event(ctx, m, field);
    if (stored == 0)
        reporting_count_applied(m);
    return stored;
}

/* One apply function per event type: check, then store only when the check passed. */
#define APPLY(name, type, check, store)                                                                      \
    int name(wh_ctx *ctx, const ProtobufCMessage *m)                                                         \
    {                                                                                                        \
        const type *e = (const type *)m;                                                                     \
        const char *field = "";                                                                              \
        int checked = check(e, &field);                                                                      \
        return apply(ctx, m, checked, field, checked == 0 ? store(wh_ctx_db(ctx), e) : 0);                   \
    }

APPLY(reporting_apply_survey_created, Welfare__Intake__V1__SurveyCreated, reporting_check_survey_created,
      reporting_store_survey)
APPLY(reporting_apply_survey_listed, Welfare__Intake__V1__SurveyHouseholdsListed,
      reporting_check_survey_listed, reporting_store_survey_listed)
APPLY(reporting_apply_survey_result, Welfare__Intake__V1__SurveyResultRecorded, reporting_check_survey_result,
      reporting_store_survey_result)
APPLY(reporting_apply_member, Welfare__Intake__V1__MemberRegistered, reporting_check_member,
      reporting_store_member)
APPLY(reporting_apply_check_in, Welfare__Intake__V1__CheckInRecorded, reporting_check_check_in,
      reporting_store_check_in)
APPLY(reporting_apply_credit, Welfare__Intake__V1__MemberCredited, reporting_check_credit,
      reporting_store_credit)
