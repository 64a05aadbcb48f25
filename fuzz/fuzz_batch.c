/*
 * fuzz_batch.c — a batch of mixed good and bad commands: only the bad ones fail.
 *
 * The input is cut into up to six commands (two length bytes, then the frame): each is taken as a
 * command frame of a hostile agency — an Envelope around a SubmitReferral, any bytes — and every one
 * is followed in the batch by a known-good referral of another principal (the operator, or a partner
 * agency filing as its own reporter).  Each member goes through every check the framework and intake
 * make before anything is stored, in batch order: the envelope (wh_envelope_check), the payload's
 * decoding, the text policy on the wire and decoded (wh_wire_strings_check, wh_text_policy_apply),
 * intake's field checks (intake_validate_referral) and the identity of its reporter and channel
 * (intake_check_identity).  What must hold:
 *
 *   - every good member passes, whatever its neighbours are;
 *   - every member's verdict (status and field) in the batch is its verdict alone, checked again in
 *     the reverse order: no member's input changes another's answer;
 *   - what passes carries only clean envelope strings (valid UTF-8, no NUL or control character,
 *     ids within their rule), so nothing that reaches the batch's statements can fail them for the
 *     others (issue 10, item 1).
 *
 * The database stage itself (a member failing inside the transaction fails alone) is the integration
 * suite's: test_bad_input's bad_envelopes_do_not_fail_their_batch and a_failing_member_fails_alone.
 */
#include <stdlib.h>
#include <string.h>

#include "bus_internal.h"
#include "fuzz.h"
#include "intake.h"
#include "wh/text.h"
#include "wh/util.h"

#define MEMBERS 6

static char *agency_grants[] = {"welfare.intake.v1.SubmitReferral", "reporter:12"};
static const wh_principal operator= {.name = "cli", .role = WH_ROLE_OPERATOR};
static const wh_principal agency = {
    .name = "agency-fire", .role = WH_ROLE_AGENCY, .grants = agency_grants, .n_grants = 2};
static const wh_principal hostile = {
    .name = "agency-hostile", .role = WH_ROLE_AGENCY, .grants = agency_grants, .n_grants = 2};

typedef struct verdict {
    int status;
    char field[WH_FIELD_PATH_MAX];
} verdict;

typedef struct member {
    const uint8_t *frame;
    size_t len;
    const wh_principal *who;
    bool good;
    verdict in_batch, alone;
} member;

static uint8_t good_frame[2][2048];
static size_t good_len[2];

/* A valid referral as a complete command frame: the operator's (safety net) or the agency's own. */
static size_t make_good(uint8_t *out, size_t cap, bool as_agency)
{
    Welfare__Intake__V1__SubmitReferral r = WELFARE__INTAKE__V1__SUBMIT_REFERRAL__INIT;
    Welfare__Intake__V1__ReferredHousehold h = WELFARE__INTAKE__V1__REFERRED_HOUSEHOLD__INIT;
    Welfare__Intake__V1__ReferredPerson p = WELFARE__INTAKE__V1__REFERRED_PERSON__INIT, *ps[] = {&p};
    Welfare__Bus__V1__Envelope env = WELFARE__BUS__V1__ENVELOPE__INIT;
    uint8_t payload[1024];

    h.address = "수영로 123, 101동 202호";
    h.dong_code = "2650051000";
    p.rrn = "550315-2234564";
    p.name = "김영희";
    r.channel = as_agency ? WELFARE__INTAKE__V1__CHANNEL__CHANNEL_PARTNER_AGENCY
                          : WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET;
    r.reporter_id = as_agency ? 12 : 0;
    r.household = &h;
    r.persons = ps;
    r.n_persons = 1;
    r.concern = "우편물이 쌓여 있음";
    r.reported_on = "2026-06-01";
    env.message_id = as_agency ? "good-agency-1" : "good-operator-1";
    env.type = (char *)welfare__intake__v1__submit_referral__descriptor.name;
    env.correlation_id = "flow-1";
    env.producer = "fuzz";
    env.time_unix_ms = INT64_C(1780000000000);
    env.payload.len = welfare__intake__v1__submit_referral__pack(&r, payload);
    env.payload.data = payload;
    if (welfare__bus__v1__envelope__get_packed_size(&env) > cap)
        fuzz_fail("good frame does not fit", "setup", 0);
    return welfare__bus__v1__envelope__pack(&env, out);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_setup();
    good_len[0] = make_good(good_frame[0], sizeof good_frame[0], false);
    good_len[1] = make_good(good_frame[1], sizeof good_frame[1], true);
    return 0;
}

static int fail_at(verdict *v, int status, const char *field)
{
    v->status = status;
    snprintf(v->field, sizeof v->field, "%s", field != NULL ? field : "");
    return status;
}

/* Every check before the store, as the framework and intake make them, in their order. */
static int judge(const member *m, verdict *v)
{
    char field[WH_FIELD_PATH_MAX] = "";
    const char *why = NULL;
    intake_checked checked;
    intake_error err;
    int rc = 0;

    memset(v, 0, sizeof *v);
    if (m->len > WH_MAX_FRAME_DEFAULT)
        return fail_at(v, WH_TOO_LARGE, "");
    Welfare__Bus__V1__Envelope *env = welfare__bus__v1__envelope__unpack(NULL, m->len, m->frame);
    if (env == NULL)
        return fail_at(v, WH_MALFORMED, "");
    ProtobufCMessage *req = NULL;
    if (wh_envelope_check(env, m->frame, m->len, field, &why) != 0)
        rc = fail_at(v, WH_MALFORMED, field);
    else if (strcmp(env->type, welfare__intake__v1__submit_referral__descriptor.name) != 0)
        rc = fail_at(v, WH_MALFORMED, "type");
    else if ((req = wh_envelope_payload(env, &welfare__intake__v1__submit_referral__descriptor)) == NULL)
        rc = fail_at(v, WH_MALFORMED, "payload");
    else if (wh_wire_strings_check(req->descriptor, env->payload.data, env->payload.len, field, sizeof field,
                                   &why) != 0 ||
             wh_text_policy_apply(req, field, sizeof field, &why) != 0)
        rc = fail_at(v, WH_INVALID_ARGUMENT, field);
    else if (intake_validate_referral((const void *)req, &checked, &err) < 0)
        rc = fail_at(v, WH_INVALID_ARGUMENT, err.field);
    else if ((rc = intake_check_identity(m->who, (const void *)req, &err)) < 0)
        rc = fail_at(v, rc, err.field);
    if (rc == 0 && (!wh_message_id_valid(env->message_id) || !wh_utf8_valid(env->correlation_id, 64) ||
                    !wh_utf8_valid(env->producer, 64) || strlen(env->correlation_id) > 64))
        fuzz_fail("a member passed with an envelope string that could fail the batch", "envelope", 0);
    if (req != NULL)
        protobuf_c_message_free_unpacked(req, NULL);
    memset(&checked, 0, sizeof checked);
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    member batch[2 * MEMBERS];
    size_t n = 0, at = 0;

    while (n + 2 <= sizeof batch / sizeof batch[0] && at + 2 <= size) {
        size_t len = (size_t)data[at] << 8 | data[at + 1];
        at += 2;
        if (len > size - at)
            len = size - at;
        batch[n++] = (member){.frame = data + at, .len = len, .who = &hostile};
        at += len;
        int g = (int)(n / 2) % 2;
        batch[n++] = (member){
            .frame = good_frame[g], .len = good_len[g], .who = g ? &agency : &operator, .good = true };
    }
    for (size_t i = 0; i < n; i++)
        judge(&batch[i], &batch[i].in_batch);
    for (size_t i = n; i-- > 0;)
        judge(&batch[i], &batch[i].alone);
    for (size_t i = 0; i < n; i++) {
        if (batch[i].good && batch[i].in_batch.status != 0)
            fuzz_fail("a good member failed in a batch with bad ones", batch[i].in_batch.field,
                      batch[i].in_batch.status);
        if (batch[i].in_batch.status != batch[i].alone.status ||
            strcmp(batch[i].in_batch.field, batch[i].alone.field) != 0)
            fuzz_fail("a member's verdict depends on its neighbours", batch[i].in_batch.field, (int)i);
    }
    return 0;
}
