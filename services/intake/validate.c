/*
 * validate.c — every check of a SubmitReferral, with the path of the field that fails.
 *
 * Pure: it runs before anything is hashed, sealed or stored, so a bad referral changes nothing, and
 * the unit tests can walk every field.  What the checks derive (the persons' 13-digit numbers and
 * phone digits, the indicator values, the score) is handed to the handler so nothing is parsed twice.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intake.h"

#define MAX_ADDRESS 300
#define MAX_NAME    64
#define MAX_CONCERN 2000

static int fail(intake_error *err, const char *message, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(intake_error *err, const char *message, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->field, sizeof err->field, fmt, ap);
    va_end(ap);
    err->message = message;
    return WH_INVALID_ARGUMENT;
}

bool intake_channel_valid(int channel)
{
    return channel >= WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET &&
           channel <= WELFARE__INTAKE__V1__CHANNEL__CHANNEL_ROSTER;
}

bool intake_dong_code_valid(const char *s)
{
    return s && strlen(s) == 10 && strspn(s, "0123456789") == 10;
}

static int check_household(const Welfare__Intake__V1__ReferredHousehold *h, intake_error *err)
{
    if (!h)
        return fail(err, "household is required", "household");
    if (!intake_utf8_ok(h->address, 1, MAX_ADDRESS))
        return fail(err, "address must be 1..300 bytes of UTF-8", "household.address");
    char norm[8];
    if (intake_normalize(h->address, norm, sizeof norm) == 0)
        return fail(err, "address has no letters or digits", "household.address");
    if (!intake_dong_code_valid(h->dong_code))
        return fail(err, "dong_code must be 10 digits", "household.dong_code");
    const Welfare__Common__V1__GeoPoint *g = h->location;
    if (g && (!(g->latitude >= -90 && g->latitude <= 90 && g->longitude >= -180 && g->longitude <= 180) ||
              (g->latitude == 0 && g->longitude == 0)))
        return fail(err, "location must be a valid WGS84 position", "household.location");
    return 0;
}

static int check_birth_date(const Welfare__Intake__V1__ReferredPerson *p, size_t i,
                            intake_checked_person *out, intake_error *err)
{
    if (!p->birth_date || !*p->birth_date)
        return 0;
    if (!intake_date_parse(p->birth_date, NULL, NULL, NULL))
        return fail(err, "birth_date must be YYYY-MM-DD", "persons.%zu.birth_date", i);
    if (out->has_rrn && strcmp(p->birth_date, out->rrn.birth_date) != 0)
        return fail(err, "birth_date does not agree with the resident registration number",
                    "persons.%zu.birth_date", i);
    snprintf(out->rrn.birth_date, sizeof out->rrn.birth_date, "%s", p->birth_date);
    return 0;
}

/* Sex, birth year and approximate age (what a neighbour knows): each checked, and against each other
 * and the birth date.  The birth year kept is the date's, else the given year, else the age's. */
static int check_approximate(const Welfare__Intake__V1__ReferredPerson *p, size_t i, const char *reported_on,
                             intake_checked_person *out, intake_error *err)
{
    int on_year = 0;
    intake_date_parse(reported_on, &on_year, NULL, NULL); /* checked by the caller; 0 when bad */
    switch (p->sex) {
    case WELFARE__INTAKE__V1__SEX__SEX_UNSPECIFIED:
        out->sex = out->has_rrn ? intake_rrn_sex(out->rrn.digits) : 0;
        break;
    case WELFARE__INTAKE__V1__SEX__SEX_FEMALE:
    case WELFARE__INTAKE__V1__SEX__SEX_MALE:
        out->sex = p->sex == WELFARE__INTAKE__V1__SEX__SEX_FEMALE ? 'F' : 'M';
        if (out->has_rrn && out->sex != intake_rrn_sex(out->rrn.digits))
            return fail(err, "sex does not agree with the resident registration number", "persons.%zu.sex",
                        i);
        break;
    default:
        return fail(err, "sex must be SEX_FEMALE, SEX_MALE or unspecified", "persons.%zu.sex", i);
    }
    int date_year = 0;
    if (out->rrn.birth_date[0])
        intake_date_parse(out->rrn.birth_date, &date_year, NULL, NULL);
    if (p->birth_year != 0) {
        if (p->birth_year < 1870 || (on_year && p->birth_year > on_year))
            return fail(err, "birth_year must be 1870..the year of reported_on", "persons.%zu.birth_year", i);
        if (date_year && p->birth_year != date_year)
            return fail(err, "birth_year does not agree with the birth date", "persons.%zu.birth_year", i);
    }
    if (p->approximate_age != 0) {
        if (p->approximate_age < 1 || p->approximate_age > 130)
            return fail(err, "approximate_age must be 1..130 years", "persons.%zu.approximate_age", i);
        int known = date_year ? date_year : p->birth_year;
        int from_age = on_year - p->approximate_age;
        if (known && abs(known - from_age) > 1)
            return fail(err, "approximate_age does not agree with the birth year",
                        "persons.%zu.approximate_age", i);
    }
    out->birth_year = date_year            ? date_year
                      : p->birth_year      ? p->birth_year
                      : p->approximate_age ? on_year - p->approximate_age
                                           : 0;
    return 0;
}

static int check_person(const Welfare__Intake__V1__ReferredPerson *p, size_t i, const char *reported_on,
                        intake_checked_person *out, intake_error *err)
{
    const char *why = NULL;
    if (!p)
        return fail(err, "person is required", "persons.%zu", i);
    out->has_rrn = p->rrn && *p->rrn;
    if (out->has_rrn && intake_rrn_parse(p->rrn, &out->rrn, &why) < 0)
        return fail(err, why, "persons.%zu.rrn", i);
    if (!intake_utf8_ok(p->name, 1, MAX_NAME))
        return fail(err, "name must be 1..64 bytes of UTF-8", "persons.%zu.name", i);
    char norm[8];
    if (intake_normalize(p->name, norm, sizeof norm) == 0)
        return fail(err, "name has no letters", "persons.%zu.name", i);
    int rc = check_birth_date(p, i, out, err);
    if (rc == 0)
        rc = check_approximate(p, i, reported_on, out, err);
    if (rc < 0)
        return rc;
    if (p->phone && *p->phone && intake_phone_digits(p->phone, out->phone) < 0)
        return fail(err, "phone must be 9..15 digits", "persons.%zu.phone", i);
    return 0;
}

static int check_persons(const Welfare__Intake__V1__SubmitReferral *m, intake_checked *out, intake_error *err)
{
    if (m->n_persons < 1 || m->n_persons > INTAKE_MAX_PERSONS)
        return fail(err, "a referral names 1..20 persons", "persons");
    for (size_t i = 0; i < m->n_persons; i++) {
        int rc = check_person(m->persons[i], i, m->reported_on, &out->persons[i], err);
        if (rc < 0)
            return rc;
        for (size_t j = 0; j < i && out->persons[i].has_rrn; j++)
            if (strcmp(out->persons[j].rrn.digits, out->persons[i].rrn.digits) == 0)
                return fail(err, "the same resident registration number twice", "persons.%zu.rrn", i);
    }
    out->n_persons = m->n_persons;
    return 0;
}

static int check_months(int v, const char *name, intake_error *err)
{
    if (v < 0 || v > INTAKE_MAX_MONTHS)
        return fail(err, "months must be 0..120", "risk.%s", name);
    return 0;
}

/* 65 or over on day: by the birth date, else surely by the birth year (a year short of the date). */
static bool aged_65_on(const intake_checked_person *p, const char *day)
{
    int year = 0;
    if (p->rrn.birth_date[0])
        return intake_age_on(p->rrn.birth_date, day) >= 65;
    intake_date_parse(day, &year, NULL, NULL);
    return p->birth_year && year - p->birth_year - 1 >= 65;
}

/* Fills the indicator values; aged 65+ also when any person is 65 on the reporting date. */
static int check_risk(const Welfare__Intake__V1__SubmitReferral *m, intake_checked *out, intake_error *err)
{
    const Welfare__Intake__V1__RiskIndicators *r = m->risk;
    int *v = out->indicators;
    memset(out->indicators, 0, sizeof out->indicators);
    if (r) {
        if (check_months(r->months_utility_arrears, "months_utility_arrears", err) < 0 ||
            check_months(r->months_rent_arrears, "months_rent_arrears", err) < 0 ||
            check_months(r->months_insurance_arrears, "months_insurance_arrears", err) < 0)
            return WH_INVALID_ARGUMENT;
        v[INTAKE_IND_UTILITY_ARREARS] = r->months_utility_arrears;
        v[INTAKE_IND_RENT_ARREARS] = r->months_rent_arrears;
        v[INTAKE_IND_INSURANCE_ARREARS] = r->months_insurance_arrears;
        v[INTAKE_IND_LIVES_ALONE] = r->lives_alone;
        v[INTAKE_IND_AGED_65] = r->aged_65_or_over;
        v[INTAKE_IND_DISABILITY] = r->disability;
        v[INTAKE_IND_CHRONIC_ILLNESS] = r->chronic_illness;
        v[INTAKE_IND_UNEMPLOYED] = r->unemployed;
        v[INTAKE_IND_SINGLE_PARENT] = r->single_parent;
    }
    for (size_t i = 0; i < out->n_persons; i++)
        if (aged_65_on(&out->persons[i], m->reported_on))
            v[INTAKE_IND_AGED_65] = 1;
    out->risk_score = intake_risk_score(v);
    return 0;
}

/* Today's date in Korea (UTC+9 all year, no daylight saving): the district's business day. */
static void today_in_korea(char out[INTAKE_DATE_LEN + 1])
{
    time_t t = time(NULL) + 9 * 3600;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, INTAKE_DATE_LEN + 1, "%Y-%m-%d", &tm);
}

int intake_validate_referral(const Welfare__Intake__V1__SubmitReferral *m, intake_checked *out,
                             intake_error *err)
{
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    if (!intake_channel_valid(m->channel))
        return fail(err, "channel is required", "channel");
    if (m->reporter_id < 0)
        return fail(err, "reporter_id must not be negative", "reporter_id");
    int rc = check_household(m->household, err);
    if (rc < 0)
        return rc;
    if ((rc = check_persons(m, out, err)) < 0)
        return rc;
    if (!intake_utf8_ok(m->concern, 0, MAX_CONCERN))
        return fail(err, "concern must be at most 2000 bytes of UTF-8", "concern");
    if (!intake_date_parse(m->reported_on, NULL, NULL, NULL))
        return fail(err, "reported_on must be YYYY-MM-DD", "reported_on");
    char today[INTAKE_DATE_LEN + 1];
    today_in_korea(today);
    if (strcmp(m->reported_on, today) > 0)
        return fail(err, "reported_on is after today (Korean time)", "reported_on");
    for (size_t i = 0; i < out->n_persons; i++)
        if (strcmp(out->persons[i].rrn.birth_date, m->reported_on) > 0)
            return fail(err, "born after the referral was reported",
                        out->persons[i].has_rrn ? "persons.%zu.rrn" : "persons.%zu.birth_date", i);
    return check_risk(m, out, err);
}
