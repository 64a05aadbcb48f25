/*
 * itest.h — helpers for the integration tests, which run against the real stack that
 * tests/integration/run.sh started (PostgreSQL, the five services, keys; all found through WH_*).
 *
 *   itest_client("intake")          a whclient connection as the operator (cli)
 *   itest_sql_i64("SELECT …", …)    one number from the database, as superuser (WH_TEST_DB_URL)
 *   itest_wait_i64(want, secs, sql) polls until the query returns want (events are asynchronous)
 *   itest_stack("wh_service_stop case KILL")   runs a scripts/stack.sh function
 *   itest_referral_init(&r, …)      a valid SubmitReferral with this run's unique persons
 *   itest_events_count(…)           counts a stream's events of one type (FetchEvents, as the operator)
 */
#ifndef ITEST_H
#define ITEST_H

#include <stdbool.h>
#include <stdint.h>

#include "welfare/bus/v1/envelope.pb-c.h"
#include "welfare/bus/v1/stream.pb-c.h"
#include "welfare/intake/v1/commands.pb-c.h"
#include "whclient.h"

/* Opens a client to a service with the environment's keys (fails the test when it cannot). */
whc *itest_client(const char *service);
/* The same with another principal's secret key file in $WH_VAR/keys (e.g. "agency-demo"). */
whc *itest_client_as(const char *service, const char *principal);
/* The operator's client with its own per-try timeout and number of same-id resends. */
whc *itest_client_with(const char *service, int timeout_ms, int retries);

/* Runs a query with text parameters (NULL-terminated) and returns the first column of the first row
 * as a number (-1 when there is no row or on failure, which is printed). */
int64_t itest_sql_i64(const char *sql, ...);

/* Runs statements without parameters (several, separated by ';', are fine) as superuser; 0 or -1
 * (printed). */
int itest_sql_exec(const char *sql);

/* Polls sql (no parameters) every 50 ms until it returns want or secs pass; returns the last value. */
int64_t itest_wait_i64(int64_t want, int secs, const char *sql);
/* The same with text parameters (NULL-terminated). */
int64_t itest_wait_i64_params(int64_t want, int secs, const char *sql, ...);

/* Runs `source scripts/stack.sh; <command>` in bash; returns its exit status. */
int itest_stack(const char *command);
/* A sample of a service's /metrics (the one with exactly these labels, e.g.
 * "wh_bus_fetches_total{stream=\"intake\"}"), as an integer; -1 when not found. */
int64_t itest_metric(const char *service, const char *sample);

/* A unique suffix for this test run (so re-runs against a kept stack do not collide). */
const char *itest_run_id(void);
/* This run as a number below 10^8 (the digits of itest_run_id). */
int64_t itest_run_number(void);

/* A 10-digit dong code unique to this run: "9<index>" + 8 digits of the run number (index 0..9),
 * defined in routing and known to intake (itest_dong_define) the first time it is asked for. */
void itest_dong_code(char out[11], int index);
/* Intake refuses a referral naming a dong routing has not defined: defines code in routing (a
 * basic-type hub of its own; a test may redefine it) and waits until intake has applied it. */
void itest_dong_define(const char *code);
/* Defines (or redefines) a dong in routing with these attributes, and waits until intake has applied
 * routing's stream that far (intake refuses a referral naming a dong it has not applied yet). */
void itest_dong_define_as(const char *code, const char *name, int hub_type, const char *hub, double latitude,
                          double longitude);

/* A valid resident registration number "YYMMDD-1NNNNNC" for person number k (0..3999) of this run:
 * the birth date comes from the run number (1940..1958, so aged 65 or over in 2026), the serial from
 * k, the region digits are 96..99 (never issued), the check digit is right.
 *
 * Two programs of one suite get the same birth date about once in 7,000 pairs (the run number is
 * time and pid), and then equal k is the same person in both: the programs sharing a stack keep
 * disjoint ranges of k (mod 4000). In use — pick a free range and add yours here:
 *     0–6 test_flow          10–31, 90, 190 test_retry    300–599, 600–899 test_restart
 *   900–969 test_bad_input    1000–1299 test_restart      1300–1319 test_fetch_types
 *  1400–1620 test_discovery   1650–1949 test_restart      2000–2299 test_import
 *  2400–2899 test_stream      2900–2901 test_poison       3100–3101 test_liveness
 *  3200–3399 test_bus_bytes   3401–3404 test_outreach     3501–3502 test_sequential_visits
 *  3000–3009 test_fetch_wait  3600–3609 test_merge_cases (requests)
 *  3700 test_ledger   3720–3729 test_fuzzy_matching   3730–3739 test_merge   3740–3749 test_merge_cases
 *  3750–3759 test_fuzzy_matching (ties)   3760–3769 test_tie_decision   3850–3970 test_security */
void itest_rrn(char out[15], int k);

/* A SubmitReferral that owns its nested messages and strings. */
#define ITEST_MAX_PERSONS 4
typedef struct itest_referral {
    Welfare__Intake__V1__SubmitReferral req;
    Welfare__Intake__V1__ReferredHousehold household;
    Welfare__Common__V1__GeoPoint location;
    Welfare__Intake__V1__RiskIndicators risk;
    Welfare__Intake__V1__ReferredPerson person[ITEST_MAX_PERSONS];
    Welfare__Intake__V1__ReferredPerson *persons[ITEST_MAX_PERSONS];
    char rrn[ITEST_MAX_PERSONS][15], name[ITEST_MAX_PERSONS][48];
    char address[96], dong_code[11], reported_on[11];
} itest_referral;

enum { ITEST_RISK_LOW, ITEST_RISK_HIGH };

/* Fills r: household number `household` of this run in dong_code (its own address, a location near
 * 35.15 N 129.11 E), persons first_person … first_person + n_persons - 1 (itest_rrn numbers), channel
 * safety net, not known to any programme, reported on `reported_on`.  ITEST_RISK_HIGH adds lives alone
 * and three months each of utility and rent arrears (risk 64 with age: above the case threshold 50);
 * ITEST_RISK_LOW adds nothing (risk 10, from age alone). */
void itest_referral_init(itest_referral *r, const char *dong_code, int household, int first_person,
                         int n_persons, int risk, const char *reported_on);

/* The reporter id an agency files as: the first "reporter:<id>" grant of its allow-list line
 * (WH_ALLOWLIST_FILE; scripts/stack.sh onboards agency-demo so).  Fails the test when it has none. */
int64_t itest_agency_reporter(const char *principal);
/* Makes r a referral the agency may file: channel CHANNEL_PARTNER_AGENCY, its own reporter. */
void itest_referral_as_agency(itest_referral *r, const char *principal);

/* Sends a command with whc_call and returns its reply (caller frees), failing the test with the
 * command's type, the status, field and message on an error reply. */
ProtobufCMessage *itest_call(whc *c, const ProtobufCMessage *request,
                             const ProtobufCMessageDescriptor *reply_type);

/* Sends a command that must fail with status and field (the test fails otherwise, naming both). */
void itest_expect_error(whc *c, const ProtobufCMessage *request, const ProtobufCMessageDescriptor *reply_type,
                        int status, const char *field);

/* v in decimal, for a command's text id fields: one of eight rotating buffers, so up to eight may be
 * used in one statement. */
char *itest_id_text(int64_t v);

/* Waits until the consumer schema's position in stream reaches the stream's head as it is now (the
 * consumer applied everything published so far); true when it did within secs. */
bool itest_wait_caught_up(const char *consumer_schema, const char *stream, int secs);

/* Sends a SubmitReferral with whc_call and returns its reply (caller frees), failing the test on an
 * error reply. */
Welfare__Intake__V1__SubmitReferralReply *itest_submit(whc *c, const itest_referral *r);
/* Submits one referral on a connection of its own; its reply is checked by itest_call and freed. */
void itest_submit_one(const itest_referral *r);

/* One FetchEvents of `stream` after `after` (max 0: the service's default) of the n_types types given
 * (every type when n_types is 0); *status is whc_call's (0 or the error reply's status), the reply
 * NULL on an error (caller frees). */
Welfare__Bus__V1__FetchEventsReply *itest_fetch_events(whc *c, const char *stream, uint64_t after,
                                                       uint32_t max, const char *const *types, size_t n_types,
                                                       int *status);

/* A FetchEvents of `stream` after `after`, held up to wait_ms at the head, sent on c without waiting
 * for the reply: itest_recv_fetch reads it (for fetches held, and what happens to them meanwhile). */
void itest_send_fetch(whc *c, const char *stream, uint64_t after, uint32_t wait_ms);
/* The reply to the FetchEvents in flight on c within timeout_ms: *status is 0 or the error reply's
 * status, and -1 when no reply came; the reply NULL unless *status is 0 (caller frees). */
Welfare__Bus__V1__FetchEventsReply *itest_recv_fetch(whc *c, int timeout_ms, int *status);

/* Counts the events of `type` in a stream (all of it, fetched as the operator) for which match(env,
 * arg) is true (NULL: every one).  -1 when the stream cannot be read.  head_out (may be NULL) gets the
 * stream's head_sequence. */
typedef bool (*itest_event_match)(const Welfare__Bus__V1__Envelope *env, void *arg);
int64_t itest_events_count(const char *stream, const char *type, itest_event_match match, void *arg,
                           uint64_t *head_out);

/* The KPI total of a set of dongs over a period, from reporting's QueryKpi. */
typedef struct itest_kpi {
    int64_t targets, personnel, personnel_private, case_households, blind_spots, site_visits, linkages,
        resources, resource_amount_krw, targets_change;
} itest_kpi;

/* Asks reporting; 0, or the failure's status (printed). */
int itest_kpi_query(const char *const *dongs, size_t n_dongs, const char *from_on, const char *to_on,
                    itest_kpi *out);
/* Polls QueryKpi every 100 ms until the total equals *want or secs pass; true when it did.  *got
 * holds the last answer (so a test can print what differed). */
bool itest_kpi_wait(const char *const *dongs, size_t n_dongs, const char *from_on, const char *to_on,
                    const itest_kpi *want, int secs, itest_kpi *got);
/* Fails the test with every index of want and got side by side when they differ. */
void itest_kpi_assert_equal(const itest_kpi *want, const itest_kpi *got);

/* Packs a message and compares the bytes with another's: the same reply, byte for byte. */
bool itest_same_message(const ProtobufCMessage *a, const ProtobufCMessage *b);

#endif
