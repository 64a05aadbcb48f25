/*
 * test_identity.c — the identity-bound fields of a referral (identity.c): an agency files only as
 * its own reporters ("reporter:<id>" grants) and on its own channels (partner agency, plus
 * "channel:<name>" grants); operators and services file any reporter and channel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "intake.h"

static char *fire_grants[] = {"welfare.intake.v1.SubmitReferral", "reporter:12", "reporter:7x",
                              "reporter:40"};
static const wh_principal fire = {
    .name = "agency-fire", .role = WH_ROLE_AGENCY, .grants = fire_grants, .n_grants = 4};
static char *member_grants[] = {"welfare.intake.v1.SubmitReferral", "reporter:57", "channel:safety_net"};
static const wh_principal member = {
    .name = "member-0042", .role = WH_ROLE_AGENCY, .grants = member_grants, .n_grants = 3};
static const wh_principal bare = {.name = "agency-new", .role = WH_ROLE_AGENCY};
static const wh_principal operator= {.name = "cli", .role = WH_ROLE_OPERATOR};

static int check(const wh_principal *p, int channel, int64_t reporter, const char *want_field)
{
    Welfare__Intake__V1__SubmitReferral m = WELFARE__INTAKE__V1__SUBMIT_REFERRAL__INIT;
    intake_error err;
    memset(&err, 0, sizeof err);
    m.channel = (Welfare__Intake__V1__Channel)channel;
    m.reporter_id = reporter;
    int rc = intake_check_identity(p, &m, &err);
    if (want_field == NULL)
        assert_int_equal(rc, 0);
    else {
        assert_string_equal(err.field, want_field);
        assert_non_null(err.message);
    }
    return rc;
}

enum { SAFETY = 1, PARTNER = 2, SURVEY = 3, SELF = 5 };

static void agency_files_as_its_own_reporters(void **state)
{
    (void)state;
    check(&fire, PARTNER, 12, NULL);
    check(&fire, PARTNER, 40, NULL);
    assert_int_equal(check(&fire, PARTNER, 13, "reporter_id"), WH_PERMISSION_DENIED);
    assert_int_equal(check(&fire, PARTNER, 1, "reporter_id"), WH_PERMISSION_DENIED);
    /* a malformed grant ("reporter:7x") names no reporter */
    assert_int_equal(check(&fire, PARTNER, 7, "reporter_id"), WH_PERMISSION_DENIED);
    /* none named: the payload cannot leave the reporter open */
    assert_int_equal(check(&fire, PARTNER, 0, "reporter_id"), WH_INVALID_ARGUMENT);
    /* an agency with no reporter listed cannot file at all */
    assert_int_equal(check(&bare, PARTNER, 12, "reporter_id"), WH_PERMISSION_DENIED);
}

static void agency_files_on_its_own_channels(void **state)
{
    (void)state;
    assert_int_equal(check(&fire, SAFETY, 12, "channel"), WH_PERMISSION_DENIED);
    assert_int_equal(check(&fire, SURVEY, 12, "channel"), WH_PERMISSION_DENIED);
    assert_int_equal(check(&fire, 0, 12, "channel"), WH_PERMISSION_DENIED);
    assert_int_equal(check(&fire, 99, 12, "channel"), WH_PERMISSION_DENIED);
    /* a safety-net member's device principal: its channel grant and its own reporter */
    check(&member, SAFETY, 57, NULL);
    check(&member, PARTNER, 57, NULL);
    assert_int_equal(check(&member, SELF, 57, "channel"), WH_PERMISSION_DENIED);
    assert_int_equal(check(&member, SAFETY, 12, "reporter_id"), WH_PERMISSION_DENIED);
}

static void operators_and_services_file_any(void **state)
{
    (void)state;
    check(&operator, SAFETY, 0, NULL);
    check(&operator, SURVEY, 12, NULL);
    check(NULL, SAFETY, 99, NULL); /* no principal: a service applying its own command */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(agency_files_as_its_own_reporters),
        cmocka_unit_test(agency_files_on_its_own_channels),
        cmocka_unit_test(operators_and_services_file_any),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
