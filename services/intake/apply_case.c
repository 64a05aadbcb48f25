/*
 * apply_case.c — case's CaseOpened: the household's first reporting safety-net member is credited
 * (once per household; a household no member reported is no credit).
 */
#include <stdio.h>

#include "safety_net.h"

#include "welfare/case/v1/events.pb-c.h"
#include "wh/util.h"

int intake_apply_case_opened(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Case__V1__CaseOpened *ev = (const void *)event;
    if (ev->household_id <= 0 || !wh_date_valid(ev->opened_on))
        return 0;
    char source[32];
    snprintf(source, sizeof source, "case:%lld", (long long)ev->case_id);
    return intake_safety_net_credit(ctx, ev->household_id,
                                    WELFARE__INTAKE__V1__MEMBER_CREDIT_KIND__MEMBER_CREDIT_KIND_CASE_OPENED,
                                    ev->opened_on, source);
}
