/*
 * test_flags.c — the generic flag parser: scalars, enums by name, nested and repeated messages,
 * bad input, and the CLI's command table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "wctl.h"
#include "welfare/intake/v1/commands.pb-c.h"
#include "welfare/routing/v1/commands.pb-c.h"

static int parse(ProtobufCMessage *m, char *err, size_t n, ...)
{
    char *argv[32];
    int argc = 0;
    va_list ap;

    va_start(ap, n);
    for (char *a = va_arg(ap, char *); a != NULL && argc < 32; a = va_arg(ap, char *))
        argv[argc++] = a;
    va_end(ap);
    return wctl_flags_parse(m, argc, argv, err, n);
}

static void test_scalars_and_enums(void **state)
{
    Welfare__Routing__V1__RegisterStaff *m = (Welfare__Routing__V1__RegisterStaff *)wctl_message_new(
        &welfare__routing__v1__register_staff__descriptor);
    char err[256] = "";

    (void)state;
    assert_int_equal(parse(&m->base, err, sizeof err, "--name", "김민지", "--role", "visiting-nurse",
                           "--employment=PRIVATE", "--shift_start_minute", "540", "--shift-end-minute",
                           "1080", "--skills", "dementia,diabetes", "--skills", "korean", NULL),
                     0);
    assert_string_equal(m->name, "김민지");
    assert_int_equal(m->role, WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_VISITING_NURSE);
    assert_int_equal(m->employment, WELFARE__COMMON__V1__EMPLOYMENT__EMPLOYMENT_PRIVATE);
    assert_int_equal(m->shift_start_minute, 540);
    assert_int_equal(m->shift_end_minute, 1080);
    assert_int_equal(m->n_skills, 3);
    assert_string_equal(m->skills[2], "korean");
    /* full enum names too, any case */
    assert_int_equal(parse(&m->base, err, sizeof err, "--role", "staff_role_case_manager", NULL), 0);
    assert_int_equal(m->role, WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_CASE_MANAGER);
    protobuf_c_message_free_unpacked(&m->base, NULL);
}

static void test_nested_and_repeated_messages(void **state)
{
    Welfare__Intake__V1__SubmitReferral *m = (Welfare__Intake__V1__SubmitReferral *)wctl_message_new(
        &welfare__intake__v1__submit_referral__descriptor);
    char err[256] = "";

    (void)state;
    assert_int_equal(parse(&m->base, err, sizeof err, "--channel", "survey", "--household.address",
                           "부산 수영구 1", "--household.location.latitude", "35.15", "--persons.name", "A",
                           "--persons.birth_date", "1950-01-02", "--persons.name", "B", "--persons.1.phone",
                           "010", "--risk.lives_alone", "--reported_on", "2026-05-01", NULL),
                     0);
    assert_int_equal(m->channel, WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SURVEY);
    assert_non_null(m->household);
    assert_string_equal(m->household->address, "부산 수영구 1");
    assert_non_null(m->household->location);
    assert_true(m->household->location->latitude > 35.1 && m->household->location->latitude < 35.2);
    assert_int_equal(m->n_persons, 2);
    assert_string_equal(m->persons[0]->name, "A");
    assert_string_equal(m->persons[0]->birth_date, "1950-01-02");
    assert_string_equal(m->persons[1]->name, "B");
    assert_string_equal(m->persons[1]->phone, "010");
    assert_non_null(m->risk);
    assert_true(m->risk->lives_alone);
    assert_string_equal(m->reported_on, "2026-05-01");
    /* the message survives a pack/unpack round trip */
    {
        uint8_t buf[1024];
        size_t len = protobuf_c_message_pack(&m->base, buf);
        ProtobufCMessage *back =
            protobuf_c_message_unpack(&welfare__intake__v1__submit_referral__descriptor, NULL, len, buf);

        assert_non_null(back);
        protobuf_c_message_free_unpacked(back, NULL);
    }
    protobuf_c_message_free_unpacked(&m->base, NULL);
}

static void test_bad_input(void **state)
{
    ProtobufCMessage *m = wctl_message_new(&welfare__routing__v1__register_staff__descriptor);
    char err[256];

    (void)state;
    assert_int_equal(parse(m, err, sizeof err, "--nope", "1", NULL), -1);
    assert_non_null(strstr(err, "unknown field"));
    assert_int_equal(parse(m, err, sizeof err, "--shift_start_minute", "nine", NULL), -1);
    assert_non_null(strstr(err, "bad value"));
    assert_int_equal(parse(m, err, sizeof err, "--shift_start_minute", "99999999999", NULL), -1);
    assert_int_equal(parse(m, err, sizeof err, "--role", "astronaut", NULL), -1);
    assert_int_equal(parse(m, err, sizeof err, "--name", NULL), -1);
    assert_non_null(strstr(err, "needs a value"));
    assert_int_equal(parse(m, err, sizeof err, "positional", NULL), -1);
    assert_int_equal(parse(m, err, sizeof err, "--name.sub", "x", NULL), -1);
    protobuf_c_message_free_unpacked(m, NULL);

    m = wctl_message_new(&welfare__intake__v1__submit_referral__descriptor);
    assert_int_equal(parse(m, err, sizeof err, "--household", "x", NULL), -1);
    assert_int_equal(parse(m, err, sizeof err, "--persons.5.name", "x", NULL), -1);
    protobuf_c_message_free_unpacked(m, NULL);
}

static void test_path_check(void **state)
{
    const ProtobufCMessageDescriptor *d = &welfare__intake__v1__submit_referral__descriptor;

    (void)state;
    assert_int_equal(wctl_field_path_check(d, "channel"), 0);
    assert_int_equal(wctl_field_path_check(d, "household.location.longitude"), 0);
    assert_int_equal(wctl_field_path_check(d, "persons.0.rrn"), 0);
    assert_int_equal(wctl_field_path_check(d, "persons.rrn"), 0);
    assert_int_equal(wctl_field_path_check(d, "persons"), -1);
    assert_int_equal(wctl_field_path_check(d, "persons.0"), -1);
    assert_int_equal(wctl_field_path_check(d, "nope"), -1);
}

static void test_command_table(void **state)
{
    const wctl_cmd *all, *c;
    size_t n = wctl_commands(&all);

    (void)state;
    assert_true(n >= 20);
    c = wctl_command_find("intake", "submit-referral");
    assert_non_null(c);
    assert_ptr_equal(c->request, &welfare__intake__v1__submit_referral__descriptor);
    assert_ptr_equal(c->reply, &welfare__intake__v1__submit_referral_reply__descriptor);
    assert_ptr_equal(wctl_command_find("intake", "SubmitReferral"), c);
    assert_null(wctl_command_find("routing", "submit-referral"));
    /* every command the services declare, each with its summary and who may send it */
    assert_int_equal(n, wctl_n_command_docs);
    for (size_t i = 0; i < n; i++) {
        assert_true(wctl_service_known(all[i].service));
        assert_non_null(all[i].reply);
        assert_true(all[i].summary[0] != '\0');
        assert_true(all[i].who[0] != '\0');
    }
    assert_string_equal(c->who, "service, operator, agency (granted)");
    assert_false(c->query);
    assert_true(wctl_command_find("intake", "get-household")->query);
    /* descriptor.proto is built for the custom options, but its messages are not the services' */
    assert_null(wctl_descriptor_find("google.protobuf.FileDescriptorProto"));
    assert_null(wctl_descriptor_find("google.protobuf.MessageOptions"));
    assert_non_null(wctl_descriptor_find("welfare.bus.v1.FetchEvents"));
    assert_null(wctl_descriptor_find("welfare.nope.v1.X"));
}

static void test_enum_names(void **state)
{
    const ProtobufCEnumDescriptor *e = &welfare__intake__v1__channel__descriptor;

    (void)state;
    assert_non_null(wctl_enum_find(e, "partner-agency"));
    assert_int_equal(wctl_enum_find(e, "Partner_Agency")->value,
                     WELFARE__INTAKE__V1__CHANNEL__CHANNEL_PARTNER_AGENCY);
    assert_int_equal(wctl_enum_find(e, "CHANNEL_SELF")->value, WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SELF);
    assert_int_equal(wctl_enum_find(e, "3")->value, 3);
    assert_null(wctl_enum_find(e, "SAFETY"));
    assert_string_equal(wctl_enum_short(e, WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SURVEY), "SURVEY");
    {
        char k[64];

        wctl_kebab("RecordVisitOutcome", k, sizeof k);
        assert_string_equal(k, "record-visit-outcome");
    }
}

static void test_json_input(void **state)
{
    Welfare__Routing__V1__RegisterStaff *m = (Welfare__Routing__V1__RegisterStaff *)wctl_message_new(
        &welfare__routing__v1__register_staff__descriptor);
    Welfare__Intake__V1__SubmitReferral *r = (Welfare__Intake__V1__SubmitReferral *)wctl_message_new(
        &welfare__intake__v1__submit_referral__descriptor);
    char path[] = "/tmp/wctl-input-XXXXXX", err[256];
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");

    (void)state;
    fputs("{\"name\": \"이, 영희\", \"role\": \"case_manager\", \"shift_start_minute\": 540, "
          "\"skills\": [\"a,b\", \"c\"], \"active_from\": null}",
          f);
    fclose(f);
    assert_int_equal(wctl_input_json(&m->base, path, err, sizeof err), 0);
    assert_string_equal(m->name, "이, 영희");
    assert_int_equal(m->role, WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_CASE_MANAGER);
    assert_int_equal(m->shift_start_minute, 540);
    assert_int_equal(m->n_skills, 2); /* JSON values are never split at commas */
    assert_string_equal(m->skills[0], "a,b");
    f = fopen(path, "w");
    fputs("{\"persons\": [{\"name\": \"A\"}, {\"name\": \"B\", \"phone\": \"010\"}], "
          "\"household\": {\"location\": {\"latitude\": 35.5}, \"known_to_programme\": true}}",
          f);
    fclose(f);
    assert_int_equal(wctl_input_json(&r->base, path, err, sizeof err), 0);
    assert_int_equal(r->n_persons, 2);
    assert_string_equal(r->persons[1]->phone, "010");
    assert_true(r->household->known_to_programme);
    f = fopen(path, "w");
    fputs("{\"persons\": [{\"nope\": 1}]}", f);
    fclose(f);
    assert_int_equal(wctl_input_json(&r->base, path, err, sizeof err), -1);
    f = fopen(path, "w");
    fputs("[1, 2", f);
    fclose(f);
    assert_int_equal(wctl_input_json(&r->base, path, err, sizeof err), -1);
    unlink(path);
    protobuf_c_message_free_unpacked(&m->base, NULL);
    protobuf_c_message_free_unpacked(&r->base, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars_and_enums), cmocka_unit_test(test_nested_and_repeated_messages),
        cmocka_unit_test(test_bad_input),         cmocka_unit_test(test_path_check),
        cmocka_unit_test(test_command_table),     cmocka_unit_test(test_enum_names),
        cmocka_unit_test(test_json_input),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
