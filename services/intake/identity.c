/*
 * identity.c — who reports is who sent it: the identity-bound fields of a referral (its reporter and
 * channel) checked against the authenticated principal, never trusted from the payload.
 *
 * Operators and services file any channel and any registered reporter (district staff enter what
 * the safety net phones in).  An agency files only as one of its own reporters and on its own
 * channels, both listed with its key in the allow-list:
 *
 *     agency-fire  agency  <key>  welfare.intake.v1.SubmitReferral  reporter:12
 *     member-0042  agency  <key>  welfare.intake.v1.SubmitReferral  reporter:57  channel:safety_net
 *
 * - `reporter:<id>` (one or more): the reporter ids it may file as; a referral of an agency must name
 *   one of them (reporter_id 0 is INVALID_ARGUMENT, another id PERMISSION_DENIED);
 * - its channels are CHANNEL_PARTNER_AGENCY plus every `channel:<name>` grant ("safety_net" for a
 *   safety-net member's device principal: a safety-net referral comes only from an operator, a
 *   service or such a principal); another channel is PERMISSION_DENIED.
 *
 * A refusal names the field and is a final typed error of that referral alone: nothing is stored.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

#define REPORTER_GRANT "reporter:"
#define CHANNEL_GRANT  "channel:"

/* "channel:safety_net" for CHANNEL_SAFETY_NET: the enum's own name, lower case, without the prefix. */
static bool channel_grant(int channel, char *out, size_t cap)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&welfare__intake__v1__channel__descriptor, channel);
    size_t at = (size_t)snprintf(out, cap, CHANNEL_GRANT);

    if (v == NULL || strncmp(v->name, "CHANNEL_", 8) != 0)
        return false;
    for (const char *c = v->name + 8; *c != '\0' && at + 1 < cap; c++)
        out[at++] = (char)tolower((unsigned char)*c);
    out[at] = '\0';
    return true;
}

/* The id of a "reporter:<id>" grant, or 0 when g is not one. */
static int64_t reporter_of_grant(const char *g)
{
    char *end = NULL;
    long long id;

    if (strncmp(g, REPORTER_GRANT, strlen(REPORTER_GRANT)) != 0)
        return 0;
    id = strtoll(g + strlen(REPORTER_GRANT), &end, 10);
    return end != NULL && *end == '\0' && id > 0 ? (int64_t)id : 0;
}

bool intake_agency_may_report_as(const wh_principal *p, int64_t reporter_id)
{
    for (size_t i = 0; i < p->n_grants; i++)
        if (reporter_id > 0 && reporter_of_grant(p->grants[i]) == reporter_id)
            return true;
    return false;
}

bool intake_agency_may_use_channel(const wh_principal *p, int channel)
{
    char grant[64];

    if (channel == WELFARE__INTAKE__V1__CHANNEL__CHANNEL_PARTNER_AGENCY)
        return true;
    if (!intake_channel_valid(channel) || !channel_grant(channel, grant, sizeof grant))
        return false;
    for (size_t i = 0; i < p->n_grants; i++)
        if (strcmp(p->grants[i], grant) == 0)
            return true;
    return false;
}

int intake_check_identity(const wh_principal *p, const Welfare__Intake__V1__SubmitReferral *m,
                          intake_error *err)
{
    if (p == NULL || p->role != WH_ROLE_AGENCY)
        return 0;
    if (!intake_agency_may_use_channel(p, m->channel)) {
        snprintf(err->field, sizeof err->field, "channel");
        err->message =
            "an agency files on its own channel (CHANNEL_PARTNER_AGENCY, or a channel:<name> grant)";
        return WH_PERMISSION_DENIED;
    }
    if (m->reporter_id == 0) {
        snprintf(err->field, sizeof err->field, "reporter_id");
        err->message = "an agency names one of its own reporters (its reporter:<id> grants)";
        return WH_INVALID_ARGUMENT;
    }
    if (!intake_agency_may_report_as(p, m->reporter_id)) {
        snprintf(err->field, sizeof err->field, "reporter_id");
        err->message = "an agency files only as its own reporters (its reporter:<id> grants)";
        return WH_PERMISSION_DENIED;
    }
    return 0;
}
