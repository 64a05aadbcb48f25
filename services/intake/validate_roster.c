/*
 * validate_roster.c — the checks of an enrolment row (pure).
 *
 * The person and the household are checked by intake_validate_referral itself, on the referral the
 * row would be for a person intake does not know yet, so a roster row and a referral accept exactly
 * the same resident numbers, names, phones, addresses and dong codes; its field paths are renamed to
 * the row's ("persons.0.rrn" → "person.rrn", "reported_on" → "start_on").
 */
#include <stdio.h>
#include <string.h>

#include "roster.h"

bool intake_exit_reason_valid(int reason)
{
    return reason >= WELFARE__INTAKE__V1__EXIT_REASON__EXIT_REASON_UNSPECIFIED &&
           reason <= WELFARE__INTAKE__V1__EXIT_REASON__EXIT_REASON_DECLINED;
}

static int fail(intake_error *err, const char *field, const char *message)
{
    snprintf(err->field, sizeof err->field, "%s", field);
    err->message = message;
    return WH_INVALID_ARGUMENT;
}

/* The referral's field path as the row's. */
static void rename_field(intake_error *err)
{
    char f[sizeof err->field];
    if (strncmp(err->field, "persons.0", 9) == 0)
        snprintf(f, sizeof f, "person%s", err->field + 9);
    else if (strcmp(err->field, "reported_on") == 0)
        snprintf(f, sizeof f, "start_on");
    else if (strcmp(err->field, "persons") == 0)
        snprintf(f, sizeof f, "person");
    else
        return;
    memcpy(err->field, f, sizeof f);
}

static int check_dates(const Welfare__Intake__V1__EnrolmentRow *row, intake_roster_row *out,
                       intake_error *err)
{
    out->start = intake_day_number(row->start_on);
    if (out->start == INTAKE_DAY_INVALID)
        return fail(err, "start_on", "start_on must be YYYY-MM-DD");
    out->end = INTAKE_DAY_OPEN;
    if (row->end_on && row->end_on[0]) {
        out->end = intake_day_number(row->end_on);
        if (out->end == INTAKE_DAY_INVALID)
            return fail(err, "end_on", "end_on must be YYYY-MM-DD or empty");
        if (out->end < out->start)
            return fail(err, "end_on", "an enrolment cannot end before it starts");
    }
    if (!intake_exit_reason_valid(row->exit_reason))
        return fail(err, "exit_reason", "unknown exit reason");
    if (row->exit_reason && out->end == INTAKE_DAY_OPEN)
        return fail(err, "exit_reason", "an exit reason needs an end_on");
    return 0;
}

int intake_validate_enrolment(const Welfare__Intake__V1__EnrolmentRow *row, intake_roster_row *out,
                              intake_error *err)
{
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    out->row = row;
    if (!row->person)
        return fail(err, "person", "person is required");
    if (!row->household)
        return fail(err, "household", "household is required");
    if (!row->person->rrn || !*row->person->rrn) /* a national list names people by number */
        return fail(err, "person.rrn", "an enrolment's person needs a resident registration number");
    out->programme = intake_programme_find(row->programme);
    if (!out->programme)
        return fail(err, "programme", "unknown programme (see ListProgrammes)");
    int rc = check_dates(row, out, err);
    if (rc < 0)
        return rc;
    out->household = *row->household;
    out->household.known_to_programme = true;
    out->person = row->person;
    welfare__intake__v1__submit_referral__init(&out->referral);
    out->referral.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_ROSTER;
    out->referral.household = &out->household;
    out->referral.n_persons = 1;
    out->referral.persons = &out->person;
    out->referral.reported_on = (char *)row->start_on;
    if (intake_validate_referral(&out->referral, &out->checked, err) < 0) {
        rename_field(err);
        if (strcmp(err->field, "person.rrn") == 0 && strstr(err->message, "born after"))
            err->message = "born after the enrolment starts";
        return WH_INVALID_ARGUMENT;
    }
    return 0;
}
