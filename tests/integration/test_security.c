/*
 * test_security.c — who gets in and what leaks, against the real stack: a key removed from the
 * allow-list is refused on a connection opened before the removal (the time it survives is measured
 * and printed), so is a FetchEvents of a removed key held waiting for a commit, at the reload and not
 * when its wait ends, every refusal lands in intake's audit_log with the key and the type, so does every
 * read of personal data (GetHousehold, GetReferral: who, which type, which record), an agency is
 * refused a stream it is not granted, and after a referral has flowed through every service neither
 * its resident number nor its person's name is found in clear in a dump of the whole database or in
 * any log file of the run.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "itest.h"
#include "welfare/bus/v1/stream.pb-c.h"
#include "wh/access.h"
#include "wh/status.h"
#include "wh/util.h"

#define AGENCY        "agency-demo"
#define REVOKE_MAX_MS 3000 /* the promise: a removed key stops working within this */
#define RESEND_MS     100
#define DONG_INDEX    2    /* shared with test_bad_input, which asserts no totals per dong */
#define PERSON_BASE   3850 /* persons and households 3850–3970 (modulo 4000, used by no other program) */
#define AUDIT_WAIT_S  5
#define FETCH_WAIT_MS 3000 /* a held fetch's wait: the producer's cap */

static int64_t suite_started_ms; /* audit rows before this are other programs' */

/* --- files ---------------------------------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    if (f == NULL)
        return NULL;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap = (n + 65536 + 1) * 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        size_t got = fread(buf + n, 1, 65536, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void write_file_atomically(const char *path, const char *data, size_t len)
{
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.itest-%d", path, (int)getpid());
    FILE *f = fopen(tmp, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(rename(tmp, path), 0);
}

static const char *allowlist_path(void)
{
    const char *p = getenv("WH_ALLOWLIST_FILE");
    assert_non_null(p);
    return p;
}

/* The allow-list without the lines naming principal (malloc()ed). */
static char *without_principal(const char *list, const char *principal)
{
    char *out = malloc(strlen(list) + 1);
    size_t n = 0, name_len = strlen(principal);
    assert_non_null(out);
    for (const char *line = list; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
        bool ours =
            strncmp(line, principal, name_len) == 0 && (line[name_len] == ' ' || line[name_len] == '\t');
        if (!ours) {
            memcpy(out + n, line, len);
            n += len;
        }
        line += len;
    }
    out[n] = '\0';
    return out;
}

static void agency_public_key(char out[WH_Z85_KEY_LEN + 1])
{
    char path[1024];
    const char *var = getenv("WH_VAR");
    wh_access *a = NULL;
    snprintf(path, sizeof path, "%s/keys/allowlist", var ? var : "var");
    assert_int_equal(wh_access_load(&a, path), 0);
    const wh_principal *p = wh_access_by_name(a, AGENCY);
    assert_non_null(p);
    snprintf(out, WH_Z85_KEY_LEN + 1, "%s", p->public_key);
    wh_access_destroy(&a);
}

/* --- commands ------------------------------------------------------------------------------------- */

/* A client as the agency that never resends on its own: every call is one try on one connection. */
static whc *agency_client(void)
{
    setenv("WH_RETRIES", "0", 1);
    whc *c = itest_client_as("intake", AGENCY);
    unsetenv("WH_RETRIES");
    return c;
}

/* A partner agency's referral of household/person k of this run (the agency's grant). */
static int agency_submit(whc *c, int k)
{
    itest_referral r;
    char dong[11];
    ProtobufCMessage *reply = NULL;
    whc_error err;
    itest_dong_code(dong, DONG_INDEX);
    itest_referral_init(&r, dong, k, k, 1, ITEST_RISK_LOW, "2026-06-01");
    itest_referral_as_agency(&r, AGENCY);
    int rc = whc_call(c, &r.req.base, &welfare__intake__v1__submit_referral_reply__descriptor, &reply, &err);
    if (reply != NULL)
        protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

static int64_t agency_commands_stored(void)
{
    return itest_sql_i64("SELECT count(*) FROM intake.processed_command WHERE principal = $1", AGENCY, NULL);
}

/* Rows of intake's audit log since the suite started matching principal, key, type and decision. */
static int64_t wait_audit_rows(int64_t want, const char *principal, const char *key, const char *type)
{
    char since[32];
    snprintf(since, sizeof since, "%lld", (long long)suite_started_ms);
    return itest_wait_i64_params(
        want, AUDIT_WAIT_S,
        "SELECT coalesce(sum(count), 0) FROM intake.audit_log WHERE principal = $1 AND public_key = $2"
        " AND type = $3 AND decision = 'permission_denied'"
        " AND at >= to_timestamp($4::bigint / 1000.0)",
        principal, key, type, since, NULL);
}

/* --- the cases ------------------------------------------------------------------------------------ */

static int64_t revoked_refusals; /* refusals of the revoked key seen by case 1, audited in case 2 */

static void revoked_key_on_an_open_connection(void **state)
{
    (void)state;
    size_t len;
    char *original = read_file(allowlist_path(), &len);
    assert_non_null(original);
    itest_agency_reporter(AGENCY); /* its reporter id, read while its line is there */
    char *revoked = without_principal(original, AGENCY);
    assert_true(strlen(revoked) < len); /* the agency's line was there */

    whc *c = agency_client();
    int k = PERSON_BASE;
    assert_int_equal(agency_submit(c, k++), 0);

    int64_t referrals_before = itest_sql_i64("SELECT count(*) FROM intake.referral", NULL);
    int64_t stored_before = agency_commands_stored();
    int served = 0, rc = 0;
    int64_t revoked_at = wh_now_ms(), denied_at = 0;
    write_file_atomically(allowlist_path(), revoked, strlen(revoked));
    while (wh_now_ms() - revoked_at <= REVOKE_MAX_MS) {
        rc = agency_submit(c, k++);
        if (rc == WH_PERMISSION_DENIED) {
            denied_at = wh_now_ms();
            break;
        }
        assert_int_equal(rc, 0); /* served (the list not re-read yet) or refused: nothing else */
        served++;
        usleep(RESEND_MS * 1000);
    }
    revoked_refusals = rc == WH_PERMISSION_DENIED ? 1 : 0;
    printf("revoked key: refused on the open connection %lld ms after the allow-list changed (%d served "
           "before)\n",
           (long long)(denied_at - revoked_at), served);
    int64_t referrals_after = itest_sql_i64("SELECT count(*) FROM intake.referral", NULL);
    int64_t stored_after = agency_commands_stored();

    /* restore before asserting, so a failure here does not break the programs after this one */
    write_file_atomically(allowlist_path(), original, len);
    int64_t restored_at = wh_now_ms();
    int back = -1;
    while (wh_now_ms() - restored_at <= REVOKE_MAX_MS) {
        back = agency_submit(c, k++);
        if (back != WH_PERMISSION_DENIED)
            break;
        revoked_refusals++; /* still refused until the next tick re-reads the list */
        usleep(RESEND_MS * 1000);
    }
    printf("restored key: served again on the same connection after %lld ms\n",
           (long long)(wh_now_ms() - restored_at));
    whc_close(&c);
    free(revoked);
    free(original);

    assert_int_equal(rc, WH_PERMISSION_DENIED);
    assert_true(denied_at - revoked_at <= REVOKE_MAX_MS);
    /* only what was served was stored: the refused referral left nothing */
    assert_int_equal(referrals_after - referrals_before, served);
    assert_int_equal(stored_after - stored_before, served);
    assert_int_equal(back, 0);
}

static void refusals_are_audited(void **state)
{
    (void)state;
    char key[WH_Z85_KEY_LEN + 1];
    agency_public_key(key);
    /* refused while its key was not listed: the principal is unknown, the key is the agency's */
    assert_true(revoked_refusals >= 1);
    assert_int_equal(wait_audit_rows(revoked_refusals, "", key, "welfare.intake.v1.SubmitReferral"),
                     revoked_refusals);

    /* a type outside its grants, with the key listed: the principal is named */
    whc *c = agency_client();
    Welfare__Intake__V1__RegisterReporter r = WELFARE__INTAKE__V1__REGISTER_REPORTER__INIT;
    char name[80];
    ProtobufCMessage *reply = NULL;
    whc_error err;
    snprintf(name, sizeof name, "itest security reporter %s", itest_run_id());
    r.name = name;
    r.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_PARTNER_AGENCY;
    assert_int_equal(
        whc_call(c, &r.base, &welfare__intake__v1__register_reporter_reply__descriptor, &reply, &err),
        WH_PERMISSION_DENIED);
    assert_null(reply);
    whc_close(&c);
    assert_int_equal(wait_audit_rows(1, AGENCY, key, "welfare.intake.v1.RegisterReporter"), 1);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.reporter WHERE name = $1", name, NULL), 0);
}

/* An operator's reads of a household and of a referral (masked names, the concern in clear) are each
 * an audit row "disclosed" naming the operator, the type and the record; a read that fails (no such
 * household) discloses nothing. */
static void disclosures_are_audited(void **state)
{
    (void)state;
    itest_referral r;
    char dong[11], household[32], referral[32];
    itest_dong_code(dong, DONG_INDEX);
    itest_referral_init(&r, dong, PERSON_BASE + 110, PERSON_BASE + 110, 1, ITEST_RISK_LOW, "2026-06-02");
    whc *c = itest_client("intake");
    Welfare__Intake__V1__SubmitReferralReply *sub = itest_submit(c, &r);
    snprintf(household, sizeof household, "household:%lld", (long long)sub->household_id);
    snprintf(referral, sizeof referral, "referral:%lld", (long long)sub->referral_id);
    Welfare__Intake__V1__GetHousehold h = WELFARE__INTAKE__V1__GET_HOUSEHOLD__INIT;
    h.household_id = sub->household_id;
    Welfare__Intake__V1__GetReferral g = WELFARE__INTAKE__V1__GET_REFERRAL__INIT;
    g.referral_id = sub->referral_id;
    protobuf_c_message_free_unpacked(&sub->base, NULL);
    protobuf_c_message_free_unpacked(
        itest_call(c, &h.base, &welfare__intake__v1__get_household_reply__descriptor), NULL);
    protobuf_c_message_free_unpacked(
        itest_call(c, &g.base, &welfare__intake__v1__get_referral_reply__descriptor), NULL);
    h.household_id = INT64_MAX; /* no such household */
    ProtobufCMessage *reply = NULL;
    whc_error err;
    assert_int_equal(
        whc_call(c, &h.base, &welfare__intake__v1__get_household_reply__descriptor, &reply, &err),
        WH_NOT_FOUND);
    whc_close(&c);
    const char *rows = "SELECT coalesce(sum(count), 0) FROM intake.audit_log WHERE decision = 'disclosed' "
                       "AND principal <> '' AND public_key <> '' AND type = $1 AND subject = $2";
    assert_int_equal(
        itest_wait_i64_params(1, AUDIT_WAIT_S, rows, "welfare.intake.v1.GetHousehold", household, NULL), 1);
    assert_int_equal(
        itest_wait_i64_params(1, AUDIT_WAIT_S, rows, "welfare.intake.v1.GetReferral", referral, NULL), 1);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.audit_log WHERE decision = 'disclosed' AND "
                                   "subject = 'household:9223372036854775807'",
                                   NULL),
                     0);
}

/* The status of the reply to the FetchEvents in flight on c within timeout_ms (-1: none came). */
static int fetch_status(whc *c, int timeout_ms)
{
    int status;
    Welfare__Bus__V1__FetchEventsReply *r = itest_recv_fetch(c, timeout_ms, &status);
    if (r != NULL)
        protobuf_c_message_free_unpacked(&r->base, NULL);
    return status;
}

/* A FetchEvents from the stream's start: its reply's status.  It is not held (wait 0), so its reply
 * comes; the wait is long only for a slow machine (under ASan+UBSan at the end of the whole suite, a
 * reply took more than 2 s once, and a reply read as missing ended the test's loop). */
static int fetch_again(whc *c)
{
    itest_send_fetch(c, "intake", 0, 0);
    return fetch_status(c, 10000);
}

/* A FetchEvents held at the head (wait_ms) when its key leaves the allow-list is refused as soon as
 * the list is reloaded — not served when its wait ends, nor refused only then: the reload authorizes
 * what is held again (common/src/commands.c:wh_commands_reauthorize).  The operator's key is the one
 * removed (no agency may read a stream), and put back before anything is asserted. */
static void held_fetch_of_a_revoked_key(void **state)
{
    (void)state;
    size_t len;
    char *original = read_file(allowlist_path(), &len);
    assert_non_null(original);
    char *revoked = without_principal(original, "cli");
    assert_true(strlen(revoked) < len);
    setenv("WH_RETRIES", "0", 1);
    whc *c = itest_client("intake");
    unsetenv("WH_RETRIES");

    int status = -1, tries = 0;
    int64_t revoked_at = 0, answered_at = 0;
    for (; tries < 5 && status != WH_PERMISSION_DENIED; tries++) { /* another commit may answer it first */
        /* past any head: held, never answered by a commit's events */
        itest_send_fetch(c, "intake", UINT64_MAX / 2, FETCH_WAIT_MS);
        if (fetch_status(c, 300) != -1)
            continue; /* answered, not held: try again */
        revoked_at = wh_now_ms();
        write_file_atomically(allowlist_path(), revoked, strlen(revoked));
        status = fetch_status(c, FETCH_WAIT_MS + 5000);
        answered_at = wh_now_ms();
        write_file_atomically(allowlist_path(), original, len);
    }
    int64_t back_at = wh_now_ms();
    int back = -1;
    while (wh_now_ms() - back_at <= REVOKE_MAX_MS && (back = fetch_again(c)) == WH_PERMISSION_DENIED)
        usleep(RESEND_MS * 1000);
    printf("held fetch of a revoked key: refused %lld ms after the allow-list changed (its wait %d ms)\n",
           (long long)(answered_at - revoked_at), FETCH_WAIT_MS);
    whc_close(&c);
    free(revoked);
    free(original);

    assert_int_equal(status, WH_PERMISSION_DENIED);
    if (answered_at - revoked_at >= FETCH_WAIT_MS - 300)
        fail_msg("the held fetch was refused only when its wait (%d ms) ended, %lld ms after the allow-list "
                 "changed",
                 FETCH_WAIT_MS, (long long)(answered_at - revoked_at));
    assert_int_equal(back, 0); /* the key put back is served again */
}

static void stream_not_granted(void **state)
{
    (void)state;
    char key[WH_Z85_KEY_LEN + 1];
    agency_public_key(key);
    whc *c = agency_client();
    int status;
    assert_null(itest_fetch_events(c, "intake", 0, 0, NULL, 0, &status));
    assert_int_equal(status, WH_PERMISSION_DENIED);
    whc_close(&c);
    assert_int_equal(wait_audit_rows(1, AGENCY, key, "welfare.bus.v1.FetchEvents"), 1);
}

/* --- nothing personal in clear -------------------------------------------------------------------- */

typedef struct needles {
    const char *what[8];
    char text[8][160];
    int n;
} needles;

static void needle_add(needles *nd, const char *what, const char *text)
{
    assert_true(nd->n < 8);
    nd->what[nd->n] = what;
    snprintf(nd->text[nd->n], sizeof nd->text[nd->n], "%s", text);
    nd->n++;
}

/* The bytes of s as lowercase hex (how pg_dump writes a bytea). */
static void needle_add_hex(needles *nd, const char *what, const char *s)
{
    char hex[160];
    size_t i = 0;
    for (; s[i] && 2 * i + 2 < sizeof hex; i++)
        snprintf(hex + 2 * i, 3, "%02x", (unsigned char)s[i]);
    hex[2 * i] = '\0';
    needle_add(nd, what, hex);
}

/* Fails the test naming the first needle found in buf. */
static void assert_none_in(const needles *nd, const char *buf, size_t len, const char *where)
{
    for (int i = 0; i < nd->n; i++)
        if (memmem(buf, len, nd->text[i], strlen(nd->text[i])) != NULL)
            fail_msg("%s found in clear in %s", nd->what[i], where);
}

static char *dump_database(size_t *len)
{
    FILE *p = popen("pg_dump --no-owner --dbname=\"$WH_TEST_DB_URL\"", "r");
    assert_non_null(p);
    char *buf = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (n + 65536 + 1 > cap) {
            cap = (n + 65536 + 1) * 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        got = fread(buf + n, 1, 65536, p);
        n += got;
    } while (got > 0);
    int status = pclose(p);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int check_log_files(const needles *nd)
{
    char dir[1024];
    const char *var = getenv("WH_VAR");
    snprintf(dir, sizeof dir, "%s/log", var ? var : "var");
    DIR *d = opendir(dir);
    assert_non_null(d);
    int files = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char path[1400];
        size_t len;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *buf = read_file(path, &len);
        if (buf == NULL)
            continue; /* a directory */
        assert_none_in(nd, buf, len, path);
        free(buf);
        files++;
    }
    closedir(d);
    return files;
}

static void no_personal_data_in_clear(void **state)
{
    (void)state;
    itest_referral r;
    char dong[11], digits[14];
    itest_dong_code(dong, DONG_INDEX);
    /* high risk: a case is opened and a first visit planned, so every service handles the household */
    itest_referral_init(&r, dong, PERSON_BASE + 120, PERSON_BASE + 120, 1, ITEST_RISK_HIGH, "2026-06-01");
    snprintf(r.name[0], sizeof r.name[0], "보안시험%s", itest_run_id());
    snprintf(digits, sizeof digits, "%.6s%.7s", r.rrn[0], r.rrn[0] + 7);

    needles nd = {0};
    needle_add(&nd, "the resident number", r.rrn[0]);
    needle_add(&nd, "the resident number without its dash", digits);
    needle_add(&nd, "the name", r.name[0]);
    needle_add(&nd, "the name's Hangul, JSON-escaped", "\\ubcf4\\uc548\\uc2dc\\ud5d8");
    needle_add_hex(&nd, "the resident number in a bytea", r.rrn[0]);
    needle_add_hex(&nd, "the name in a bytea", r.name[0]);

    whc *c = itest_client("intake");
    Welfare__Intake__V1__SubmitReferralReply *reply = itest_submit(c, &r);
    assert_true(reply->referral_id > 0);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    whc_close(&c);

    assert_true(itest_wait_caught_up("casework", "intake", 30));
    assert_true(itest_wait_caught_up("reporting", "intake", 30));
    assert_true(itest_wait_caught_up("routing", "case", 30));
    assert_true(itest_wait_caught_up("reporting", "case", 30));
    assert_true(itest_wait_caught_up("casework", "routing", 30));
    assert_true(itest_wait_caught_up("registry", "routing", 30));

    size_t len;
    char *dump = dump_database(&len);
    /* the dump is the real one: it holds this run's dong code, which is not personal */
    assert_non_null(memmem(dump, len, dong, strlen(dong)));
    assert_none_in(&nd, dump, len, "the database dump");
    printf("database dump: %zu bytes, none of %d needles\n", len, nd.n);
    free(dump);
    int files = check_log_files(&nd);
    assert_true(files >= 5); /* one log per service at least */
    printf("log files: %d, none of %d needles\n", files, nd.n);
}

static int setup(void **state)
{
    (void)state;
    suite_started_ms = wh_now_ms();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(revoked_key_on_an_open_connection), cmocka_unit_test(refusals_are_audited),
        cmocka_unit_test(held_fetch_of_a_revoked_key),       cmocka_unit_test(stream_not_granted),
        cmocka_unit_test(disclosures_are_audited),           cmocka_unit_test(no_personal_data_in_clear),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
