/*
 * service.c — intake as data: its commands and who may send them, migrations, statements; at start
 * the PII key, the NFC rekey (store_rekey.c), the metrics (metrics.c) and memory (memory.c).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "intake.h"
#include "roster.h"
#include "safety_net.h"
#include "survey.h"
#include "welfare/case/v1/events.pb-c.h"
#include "welfare/registry/v1/events.pb-c.h"

#include "wh/config.h"
#include "wh/log.h"

extern const wh_migration intake_migrations[];
extern const size_t intake_migrations_count;

#define CMD(name, fn, roles, query, summary)                                                                 \
    {                                                                                                        \
        &welfare__intake__v1__##name##__descriptor, &welfare__intake__v1__##name##_reply__descriptor, fn,    \
            roles, query, summary                                                                            \
    }

static const wh_command commands[] = {
    CMD(submit_referral, intake_handle_submit_referral, WH_ROLE_OPERATOR | WH_ROLE_AGENCY | WH_ROLE_SERVICE,
        false, "report a household; attaches to a known one or creates it, risk-scored"),
    CMD(register_reporter, intake_handle_register_reporter, WH_ROLE_OPERATOR, false,
        "register a reporting organisation or group"),
    CMD(resolve_duplicate, intake_handle_resolve_duplicate, WH_ROLE_OPERATOR, false,
        "merge two suspected-duplicate households, or keep them apart"),
    CMD(get_household, intake_handle_get_household, WH_ROLE_OPERATOR | WH_ROLE_SERVICE, true,
        "a household's summary (no resident numbers, names masked)"),
    CMD(get_referral, intake_handle_get_referral, WH_ROLE_OPERATOR | WH_ROLE_SERVICE, true, "one referral"),
    /* last, so the fuzz seeds' row numbers of the others stay */
    CMD(import_referral_block, intake_handle_import_block,
        WH_ROLE_OPERATOR | WH_ROLE_AGENCY | WH_ROLE_SERVICE, false,
        "a block of referrals (bulk import): each row as SubmitReferral, resolved set-wise"),
    /* the roster (handle_roster.c, handle_roster_query.c) */
    CMD(import_enrolment_block, intake_handle_import_enrolments,
        WH_ROLE_OPERATOR | WH_ROLE_AGENCY | WH_ROLE_SERVICE, false,
        "a block of a programme's national list: enrolments, persons matched as referrals"),
    CMD(record_enrolment, intake_handle_record_enrolment, WH_ROLE_OPERATOR | WH_ROLE_SERVICE, false,
        "record or correct one enrolment of a person in a programme"),
    CMD(select_for_public_aid, intake_handle_select_for_aid, WH_ROLE_OPERATOR | WH_ROLE_SERVICE, false,
        "a hub's decision: a household's members selected for a public programme"),
    CMD(end_enrolment, intake_handle_end_enrolment, WH_ROLE_OPERATOR | WH_ROLE_SERVICE, false,
        "end an enrolment with a reason (an exit, e.g. an unqualified beneficiary found)"),
    CMD(list_enrolments, intake_handle_list_enrolments, WH_ROLE_OPERATOR | WH_ROLE_SERVICE, true,
        "a household's enrolments and its members' target spells"),
    CMD(list_programmes, intake_handle_list_programmes, WH_ROLE_OPERATOR | WH_ROLE_AGENCY | WH_ROLE_SERVICE,
        true, "the programmes of the roster"),
    /* the safety net (handle_safety_net.c) */
    CMD(register_member, intake_handle_register_member, WH_ROLE_OPERATOR, false,
        "register a safety-net member (dong, team, affiliation, active period; name sealed)"),
    CMD(assign_watch, intake_handle_assign_watch, WH_ROLE_OPERATOR, false,
        "ask a visiting-and-checking member to look in on a household every N days"),
    CMD(record_check_in, intake_handle_record_check_in, WH_ROLE_OPERATOR | WH_ROLE_SERVICE, false,
        "a member's check-in: seen well, concern or not seen (a concern or a second not-seen refers)"),
    CMD(get_safety_net_tally, intake_handle_safety_net_tally, WH_ROLE_OPERATOR | WH_ROLE_SERVICE, true,
        "the safety net's work and credits, per member and per team"),
    /* survey campaigns (handle_survey.c) */
    CMD(create_survey, intake_handle_create_survey, WH_ROLE_OPERATOR, false,
        "open a survey of a target group in a set of dongs over a period"),
    CMD(add_survey_households, intake_handle_add_survey_households, WH_ROLE_OPERATOR | WH_ROLE_SERVICE, false,
        "add households to a survey's list (1..10000 ids a command)"),
    CMD(record_survey_result, intake_handle_record_survey_result, WH_ROLE_OPERATOR | WH_ROLE_SERVICE, false,
        "what a survey found at a listed household (a need becomes a referral of channel survey)"),
    CMD(get_survey_results, intake_handle_get_survey_results, WH_ROLE_OPERATOR | WH_ROLE_SERVICE, true,
        "one survey's result: surveyed, linkages, support, case management"),
};

/* Runs of SubmitReferral in a batch are attached set-wise (handle_referral_batch.c). */
static const wh_command_batch batch_handlers[] = {
    {&welfare__intake__v1__submit_referral__descriptor, intake_handle_submit_referrals},
};

/* The NFC rekey (store_rekey.c) at start, a transaction a batch. */
static int read_state(wh_ctx *ctx, void *arg)
{
    return intake_rekey_state(wh_ctx_db(ctx), arg);
}

static int rekey_job(wh_ctx *ctx, void *arg)
{
    return intake_rekey_batch(wh_ctx_db(ctx), arg);
}

static int rekey_nfc(wh_service *svc)
{
    intake_rekey b = {0};
    int rc = wh_service_run(svc, read_state, &b);
    while (rc == 0 && !b.done)
        rc = wh_service_run(svc, rekey_job, &b);
    if (rc < 0)
        wh_log_error("could not rekey matching keys to NFC text", "{s:I}", "after_household",
                     (json_int_t)b.after);
    return rc;
}

/* Without the PII key nothing can be matched or stored: refuse to start. */
static int start(wh_service *svc)
{
    const char *path = wh_config_str("WH_PII_KEY_FILE", NULL);
    if (!path || !*path) {
        wh_log_error("WH_PII_KEY_FILE is not set", NULL);
        return WH_INVALID_ARGUMENT;
    }
    const char *write = wh_config_str("WH_INTAKE_BULK_WRITE", "copy");
    if (strcmp(write, "copy") == 0)
        intake_bulk_write_mode = INTAKE_BULK_COPY;
    else if (strcmp(write, "unnest") == 0)
        intake_bulk_write_mode = INTAKE_BULK_UNNEST;
    else {
        wh_log_error("WH_INTAKE_BULK_WRITE must be copy or unnest", NULL);
        return WH_INVALID_ARGUMENT;
    }
    int rc = wh_pii_init_file(path);
    if (rc < 0)
        return rc;
    if ((rc = rekey_nfc(svc)) < 0)
        return rc;
    intake_metrics_register();
    intake_memory_start(wh_service_loop(svc));
    return 0;
}

static void stop(wh_service *svc)
{
    (void)svc;
    intake_memory_stop();
    wh_pii_shutdown();
}

/* Intake applies two events: a public-programme linkage that started enrols the household; a case
 * opened credits the safety-net member who reported the household first. */
static const wh_subscription subscriptions[] = {
    {"registry", &welfare__registry__v1__service_linkage_changed__descriptor, intake_apply_service_linkage},
    {"case", &welfare__case__v1__case_opened__descriptor, intake_apply_case_opened},
};

const wh_service_def *intake_service_def(void)
{
    /* The counts are variables of other translation units, not constant expressions: set here. */
    static wh_service_def def = {
        .name = "intake",
        .schema = "intake",
        .commands = commands,
        .n_commands = sizeof commands / sizeof commands[0],
        .subscriptions = subscriptions,
        .n_subscriptions = sizeof subscriptions / sizeof subscriptions[0],
        .batch_handlers = batch_handlers,
        .n_batch_handlers = sizeof batch_handlers / sizeof batch_handlers[0],
        .migrations = intake_migrations,
        .statements = NULL, /* intake_all_statements(), below */
        .start = start,
        .stop = stop,
    };
    def.n_migrations = intake_migrations_count;
    def.statements = intake_all_statements(&def.n_statements);
    return &def;
}
