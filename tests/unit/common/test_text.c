/*
 * test_text.c — the bus's text policy (wh/text.h): strings on the wire (NUL, invalid UTF-8), NFC,
 * control, bidi and invisible content, limits in characters and bytes, timestamps, and a whole
 * decoded message with its field paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "welfare/bus/v1/admin.pb-c.h"
#include "welfare/intake/v1/commands.pb-c.h"
#include "wh/status.h"
#include "wh/text.h"

/* Checks s as a one-line field: 0 or WH_INVALID_ARGUMENT; the NFC form (or s) into out. */
static int line(const char *s, const wh_text_limit *limit, char *out, size_t n)
{
    char *nfc = NULL;
    const char *why = NULL;
    int rc = wh_text_check(s, limit, &nfc, &why);
    assert_true(rc == 0 ? why == NULL : why != NULL);
    if (out != NULL)
        snprintf(out, n, "%s", nfc != NULL ? nfc : s);
    free(nfc);
    return rc;
}

static void visible_text_passes_and_is_nfc(void **state)
{
    char out[64];
    assert_int_equal(line("김철수", &wh_text_line, out, sizeof out), 0);
    assert_string_equal(out, "김철수");
    /* decomposed Hangul (U+1100 U+1161) becomes the syllable U+AC00 */
    assert_int_equal(line("\xe1\x84\x80\xe1\x85\xa1", &wh_text_line, out, sizeof out), 0);
    assert_string_equal(out, "\xea\xb0\x80");
    /* e + combining acute becomes U+00E9 */
    assert_int_equal(line("Jose\xcc\x81", &wh_text_line, out, sizeof out), 0);
    assert_string_equal(out, "Jos\xc3\xa9");
    assert_int_equal(line("", &wh_text_line, NULL, 0), 0); /* empty: required-ness is the handler's */
    assert_int_equal(line("12-3 Main St.", &wh_text_line, NULL, 0), 0);
}

static void invisible_and_control_text_is_refused(void **state)
{
    const char *bad[] = {
        "\xcc\x81", /* a lone combining mark */
        "\xcc\x81"
        "abc",                                   /* text beginning with one */
        "\xe2\x80\x8b",                          /* zero-width space only */
        "\xe2\x80\x8b\xe2\x80\x8c \xe2\x80\x8d", /* zero-width characters and a space */
        "   ",                                   /* blank */
        "abc\xe2\x80\xae"
        "cba",                       /* right-to-left override */
        "\xe2\x81\xa6x\xe2\x81\xa9", /* an isolate */
        "a\x01"
        "b",             /* C0 control */
        "a\x7f",         /* DEL */
        "a\xc2\x85",     /* C1 control (NEL) */
        "a\nb",          /* a line feed in a one-line field */
        "a\xef\xbf\xbe", /* noncharacter U+FFFE */
        "a\xff",         /* invalid UTF-8 */
        "a\xed\xa0\x80", /* a UTF-16 surrogate */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (line(bad[i], &wh_text_line, NULL, 0) != WH_INVALID_ARGUMENT)
            fail_msg("bad text %zu accepted", i);
    assert_int_equal(line("line one\n\tline two", &wh_text_prose, NULL, 0), 0);
    assert_int_equal(line("a\rb", &wh_text_prose, NULL, 0), WH_INVALID_ARGUMENT);
}

static void limits_are_in_characters_and_bytes(void **state)
{
    char s[4 * 2100];
    size_t n = 0;
    for (int i = 0; i < 256; i++, n += 3)
        memcpy(s + n, "\xea\xb0\x80", 3); /* 256 Hangul syllables: 768 bytes */
    s[n] = '\0';
    assert_int_equal(line(s, &wh_text_line, NULL, 0), 0);
    memcpy(s + n, "\xea\xb0\x80", 4);
    assert_int_equal(line(s, &wh_text_line, NULL, 0), WH_INVALID_ARGUMENT); /* 257 characters */
    n = 0;
    for (int i = 0; i < 255; i++, n += 4)
        memcpy(s + n, "\xf0\x9f\x98\x80", 4); /* 255 emoji: 1,020 bytes */
    memcpy(s + n, "\xf0\x9f\x98\x80", 5);
    assert_int_equal(line(s, &wh_text_line, NULL, 0), 0); /* 256 characters, 1,024 bytes */
    memset(s, 'a', 2000);
    s[2000] = '\0';
    assert_int_equal(line(s, &wh_text_prose, NULL, 0), 0);
    assert_int_equal(line(s, &wh_text_line, NULL, 0), WH_INVALID_ARGUMENT);
    assert_ptr_equal(wh_text_limit_of("concern"), &wh_text_prose);
    assert_ptr_equal(wh_text_limit_of("name"), &wh_text_line);
}

/* A NUL inside a string survives only on the wire: the decoder cuts the string there. */
static void wire_strings_catch_nul_and_bad_bytes(void **state)
{
    Welfare__Intake__V1__RegisterReporter r = WELFARE__INTAKE__V1__REGISTER_REPORTER__INIT;
    uint8_t frame[64];
    char field[64];
    const char *why = NULL;
    r.name = "x";
    r.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SURVEY;
    size_t len = welfare__intake__v1__register_reporter__pack(&r, frame);
    assert_int_equal(wh_wire_strings_check(r.base.descriptor, frame, len, field, sizeof field, &why), 0);
    static const uint8_t nul_name[] = {0x0a, 0x0a, 0xea, 0xb9, 0x80, 0x00,
                                       0xec, 0xb2, 0xa0, 0xec, 0x88, 0x98};
    memcpy(frame + len, nul_name, sizeof nul_name); /* name = "김\0철수" (the last value wins) */
    assert_int_equal(
        wh_wire_strings_check(r.base.descriptor, frame, len + sizeof nul_name, field, sizeof field, &why),
        WH_MALFORMED);
    assert_string_equal(field, "name");
    assert_non_null(why);
    static const uint8_t truncated[] = {0x0a, 0x05, 'a'};
    memcpy(frame + len, truncated, sizeof truncated);
    assert_int_equal(
        wh_wire_strings_check(r.base.descriptor, frame, len + sizeof truncated, field, sizeof field, &why),
        WH_MALFORMED);
}

/* A nested, repeated field: the path names it; a good message is normalised in place. */
static void a_message_is_checked_and_normalised_in_place(void **state)
{
    Welfare__Intake__V1__SubmitReferral m = WELFARE__INTAKE__V1__SUBMIT_REFERRAL__INIT;
    Welfare__Intake__V1__ReferredHousehold h = WELFARE__INTAKE__V1__REFERRED_HOUSEHOLD__INIT;
    Welfare__Intake__V1__ReferredPerson p[2] = {WELFARE__INTAKE__V1__REFERRED_PERSON__INIT,
                                                WELFARE__INTAKE__V1__REFERRED_PERSON__INIT};
    Welfare__Intake__V1__ReferredPerson *persons[2] = {&p[0], &p[1]};
    uint8_t frame[512];
    char field[64];
    const char *why;

    h.address = "1 Road";
    h.dong_code = "2650051000";
    m.household = &h;
    m.persons = persons;
    m.n_persons = 2;
    p[0].name = "김철수";
    p[1].name = "\xe1\x84\x80\xe1\x85\xa1\xe2\x80\xae"; /* decomposed, with an override */
    m.concern = "lives alone\nno heating";
    size_t len = welfare__intake__v1__submit_referral__pack(&m, frame);
    ProtobufCMessage *d = protobuf_c_message_unpack(m.base.descriptor, NULL, len, frame);
    assert_non_null(d);
    assert_int_equal(wh_text_policy_apply(d, field, sizeof field, &why), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "persons.1.name");
    protobuf_c_message_free_unpacked(d, NULL);

    p[1].name = "\xe1\x84\x80\xe1\x85\xa1";
    len = welfare__intake__v1__submit_referral__pack(&m, frame);
    d = protobuf_c_message_unpack(m.base.descriptor, NULL, len, frame);
    assert_int_equal(wh_text_policy_apply(d, field, sizeof field, &why), 0);
    assert_string_equal(((Welfare__Intake__V1__SubmitReferral *)d)->persons[1]->name, "\xea\xb0\x80");
    assert_string_equal(((Welfare__Intake__V1__SubmitReferral *)d)->concern, "lives alone\nno heating");
    protobuf_c_message_free_unpacked(d, NULL);
}

static void timestamps_are_bounded(void **state)
{
    Welfare__Bus__V1__DeadLetter m = WELFARE__BUS__V1__DEAD_LETTER__INIT;
    char field[64];
    const char *why;
    m.parked_unix_ms = -1;
    assert_int_equal(wh_text_policy_apply(&m.base, field, sizeof field, &why), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "parked_unix_ms");
    m.parked_unix_ms = INT64_C(1) << 62;
    assert_int_equal(wh_text_policy_apply(&m.base, field, sizeof field, &why), WH_INVALID_ARGUMENT);
    m.parked_unix_ms = INT64_C(1764633600000);
    assert_int_equal(wh_text_policy_apply(&m.base, field, sizeof field, &why), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(visible_text_passes_and_is_nfc),
        cmocka_unit_test(invisible_and_control_text_is_refused),
        cmocka_unit_test(limits_are_in_characters_and_bytes),
        cmocka_unit_test(wire_strings_catch_nul_and_bad_bytes),
        cmocka_unit_test(a_message_is_checked_and_normalised_in_place),
        cmocka_unit_test(timestamps_are_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
