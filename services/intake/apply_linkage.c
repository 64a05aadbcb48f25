/*
 * apply_linkage.c — a public-programme linkage that started (registry's ServiceLinkageChanged,
 * state STARTED) ends in a roster enrolment: the hub's decision for the household's members, from
 * the linkage's date, exactly as SelectForPublicAid records it ("linkage:<id>"); a linkage an unmerge
 * restored (`restored`) was enrolled already.  The registry's
 * programmes map onto the roster's codes as data.  A household intake cannot enrol (merged, unknown)
 * is logged and skipped: retrying cannot mend it.
 */
#include <jansson.h>
#include <stdio.h>

#include "roster.h"

#include "welfare/registry/v1/events.pb-c.h"
#include "wh/log.h"
#include "wh/util.h"

/* welfare.registry.v1.PublicProgramme → the roster's programme code (programmes.c). */
static const char *const programme_codes[] = {
    [WELFARE__REGISTRY__V1__PUBLIC_PROGRAMME__PUBLIC_PROGRAMME_NBLS_LIVING] = "nbls_living",
    [WELFARE__REGISTRY__V1__PUBLIC_PROGRAMME__PUBLIC_PROGRAMME_NBLS_MEDICAL] = "nbls_medical",
    [WELFARE__REGISTRY__V1__PUBLIC_PROGRAMME__PUBLIC_PROGRAMME_NBLS_HOUSING] = "nbls_housing",
    [WELFARE__REGISTRY__V1__PUBLIC_PROGRAMME__PUBLIC_PROGRAMME_NBLS_EDUCATION] = "nbls_education",
    [WELFARE__REGISTRY__V1__PUBLIC_PROGRAMME__PUBLIC_PROGRAMME_SECONDARY_POOR] = "secondary_poor",
    [WELFARE__REGISTRY__V1__PUBLIC_PROGRAMME__PUBLIC_PROGRAMME_SINGLE_PARENT] = "single_parent",
    [WELFARE__REGISTRY__V1__PUBLIC_PROGRAMME__PUBLIC_PROGRAMME_BASIC_PENSION] = "basic_pension",
    [WELFARE__REGISTRY__V1__PUBLIC_PROGRAMME__PUBLIC_PROGRAMME_DISABILITY] = "disability_pension",
    [WELFARE__REGISTRY__V1__PUBLIC_PROGRAMME__PUBLIC_PROGRAMME_CHILD] = "child_low_income",
    [WELFARE__REGISTRY__V1__PUBLIC_PROGRAMME__PUBLIC_PROGRAMME_EMERGENCY_AID] = "ordinance_emergency",
    [WELFARE__REGISTRY__V1__PUBLIC_PROGRAMME__PUBLIC_PROGRAMME_LIVING_STABILISATION] =
        "ordinance_stabilisation",
};

const char *intake_programme_of_linkage(int programme)
{
    if (programme <= 0 || (size_t)programme >= sizeof programme_codes / sizeof programme_codes[0])
        return NULL;
    return programme_codes[programme];
}

int intake_apply_service_linkage(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Registry__V1__ServiceLinkageChanged *ev = (const void *)event;
    if (ev->state != WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_STARTED ||
        ev->kind != WELFARE__REGISTRY__V1__LINKAGE_KIND__LINKAGE_KIND_PUBLIC_PROGRAMME || ev->restored)
        return 0; /* a restored linkage (an unmerge): its enrolment was never undone */
    const char *code = intake_programme_of_linkage(ev->programme);
    if (!code || ev->household_id <= 0 || !wh_date_valid(ev->changed_on)) {
        wh_log_warn("public-programme linkage without programme, household or date", "{s:I}", "linkage_id",
                    (json_int_t)ev->linkage_id);
        return 0;
    }
    char from[32];
    snprintf(from, sizeof from, "linkage:%lld", (long long)ev->linkage_id);
    Welfare__Intake__V1__SelectForPublicAid m = WELFARE__INTAKE__V1__SELECT_FOR_PUBLIC_AID__INIT;
    m.household_id = ev->household_id;
    m.programme = (char *)code;
    m.start_on = ev->changed_on;
    m.decided_from = from;
    ProtobufCMessage *reply = NULL;
    int rc = intake_handle_select_for_aid(ctx, &m.base, &reply);
    if (rc == WH_NOT_FOUND || rc == WH_FAILED_PRECONDITION || rc == WH_INVALID_ARGUMENT) {
        wh_log_warn("public-programme linkage not enrolled", "{s:I, s:I, s:i}", "linkage_id",
                    (json_int_t)ev->linkage_id, "household_id", (json_int_t)ev->household_id, "status", rc);
        return 0;
    }
    return rc;
}
