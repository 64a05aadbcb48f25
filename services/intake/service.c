/*
 * service.c — intake as data: its commands and who may send them, migrations, statements; at start
 * the PII key, the NFC rekey (store_rekey.c), the fuzzy blocks of old persons (store_blocks.c), the metrics
 * (metrics.c) and memory (memory.c).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "dongs.h"
#include "import_rows.h"
#include "intake.h"
#include "intake_commands.h"
#include "places.h"
#include "roster.h"
#include "safety_net.h"
#include "store_fuzzy.h"
#include "survey.h"
#include "welfare/case/v1/events.pb-c.h"
#include "welfare/registry/v1/events.pb-c.h"

#include "wh/config.h"
#include "wh/log.h"

extern const wh_migration intake_migrations[];
extern const size_t intake_migrations_count;

/* Who may send each command, whether it is a query and its summary are declared once, as options on
 * its request in proto/welfare/intake/v1/commands.proto (generated into intake_commands.h). */
#define CMD(name, key, fn) WH_COMMAND(welfare__intake__v1__, name, INTAKE_##key, fn)

static const wh_command commands[] = {
    CMD(submit_referral, SUBMIT_REFERRAL, intake_handle_submit_referral),
    CMD(register_reporter, REGISTER_REPORTER, intake_handle_register_reporter),
    CMD(resolve_duplicate, RESOLVE_DUPLICATE, intake_handle_resolve_duplicate),
    CMD(get_household, GET_HOUSEHOLD, intake_handle_get_household),
    CMD(get_referral, GET_REFERRAL, intake_handle_get_referral),
    /* last, so the fuzz seeds' row numbers of the others stay */
    CMD(import_referral_block, IMPORT_REFERRAL_BLOCK, intake_handle_import_block),
    /* the roster (handle_roster.c, handle_roster_query.c) */
    CMD(import_enrolment_block, IMPORT_ENROLMENT_BLOCK, intake_handle_import_enrolments),
    CMD(record_enrolment, RECORD_ENROLMENT, intake_handle_record_enrolment),
    CMD(select_for_public_aid, SELECT_FOR_PUBLIC_AID, intake_handle_select_for_aid),
    CMD(end_enrolment, END_ENROLMENT, intake_handle_end_enrolment),
    CMD(list_enrolments, LIST_ENROLMENTS, intake_handle_list_enrolments),
    CMD(list_programmes, LIST_PROGRAMMES, intake_handle_list_programmes),
    /* the safety net (handle_safety_net.c) */
    CMD(register_member, REGISTER_MEMBER, intake_handle_register_member),
    CMD(assign_watch, ASSIGN_WATCH, intake_handle_assign_watch),
    CMD(record_check_in, RECORD_CHECK_IN, intake_handle_record_check_in),
    CMD(get_safety_net_tally, GET_SAFETY_NET_TALLY, intake_handle_safety_net_tally),
    /* survey campaigns (handle_survey.c) */
    CMD(create_survey, CREATE_SURVEY, intake_handle_create_survey),
    CMD(add_survey_households, ADD_SURVEY_HOUSEHOLDS, intake_handle_add_survey_households),
    CMD(record_survey_result, RECORD_SURVEY_RESULT, intake_handle_record_survey_result),
    CMD(get_survey_results, GET_SURVEY_RESULTS, intake_handle_get_survey_results),
    /* reversible merges (handle_household.c, store_merge.c) */
    CMD(unmerge_households, UNMERGE_HOUSEHOLDS, intake_handle_unmerge_households),
    /* a tie an operator decides (handle_tie.c, store_ties.c) */
    CMD(decide_tie, DECIDE_TIE, intake_handle_decide_tie),
};

/* Runs of SubmitReferral in a batch are attached set-wise (handle_referral_batch.c). */
static const wh_command_batch batch_handlers[] = {
    {&welfare__intake__v1__submit_referral__descriptor, intake_handle_submit_referrals},
};

/* The fills at start, a transaction a batch: the NFC rekey (store_rekey.c) and the fuzzy blocks of
 * persons stored before 0009 (store_blocks.c). */
typedef struct fill {
    int (*state)(wh_db *db, intake_rekey *b);
    int (*batch)(wh_db *db, intake_rekey *b);
    const char *failed;
    intake_rekey b;
} fill;

static int fill_state(wh_ctx *ctx, void *arg)
{
    fill *f = arg;
    return f->state(wh_ctx_db(ctx), &f->b);
}

static int fill_batch(wh_ctx *ctx, void *arg)
{
    fill *f = arg;
    return f->batch(wh_ctx_db(ctx), &f->b);
}

static int run_fill(wh_service *svc, fill *f)
{
    int rc = wh_service_run(svc, fill_state, f);
    while (rc == 0 && !f->b.done)
        rc = wh_service_run(svc, fill_batch, f);
    if (rc < 0)
        wh_log_error(f->failed, "{s:I}", "after", (json_int_t)f->b.after);
    return rc;
}

static int run_fills(wh_service *svc)
{
    fill fills[] = {
        {intake_rekey_state, intake_rekey_batch, "could not rekey matching keys to NFC text", {0}},
        {intake_blocks_state,
         intake_blocks_batch,
         "could not give fuzzy blocks to persons stored before them",
         {0}},
    };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof fills / sizeof fills[0]; i++)
        rc = run_fill(svc, &fills[i]);
    return rc;
}

/* The district's place table (places.h), when WH_INTAKE_PLACES_FILE names one: a file that cannot be
 * read or has a bad line refuses the start (addresses would be keyed without it). */
static int load_places(void)
{
    const char *file = wh_config_str("WH_INTAKE_PLACES_FILE", "");
    size_t bad_line = 0;
    if (!*file)
        return 0;
    int n = intake_places_load_file(file, &bad_line);
    if (n < 0) {
        wh_log_error("WH_INTAKE_PLACES_FILE cannot be read or has a bad line", "{s:s, s:I}", "file", file,
                     "line", (json_int_t)bad_line);
        return n;
    }
    wh_log_info("place table", "{s:s, s:i}", "file", file, "places", n);
    return 0;
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
    int64_t max_candidates;
    int rc = wh_config_int("WH_INTAKE_FUZZY_MAX_CANDIDATES", INTAKE_FUZZY_MAX_CANDIDATES_DEFAULT, 1,
                           INTAKE_FUZZY_MAX_CANDIDATES_LIMIT, &max_candidates);
    if (rc < 0)
        return rc;
    intake_fuzzy_max_candidates = (size_t)max_candidates;
    int64_t max_households;
    if ((rc = wh_config_int("WH_INTAKE_ADDRESS_MAX_HOUSEHOLDS", INTAKE_ADDRESS_MAX_HOUSEHOLDS_DEFAULT,
                            INTAKE_RESOLVE_LISTED, INTAKE_ADDRESS_MAX_HOUSEHOLDS_LIMIT, &max_households)) < 0)
        return rc;
    intake_address_max_households = (size_t)max_households;
    const char *year_near = wh_config_str("WH_INTAKE_FUZZY_BIRTH_YEAR_NEAR", "");
    if (*year_near && intake_fuzzy_set_birth_year_near(year_near) < 0) {
        wh_log_error("WH_INTAKE_FUZZY_BIRTH_YEAR_NEAR must be a number from 0 to 0.25", NULL);
        return WH_INVALID_ARGUMENT;
    }
    wh_log_info("fuzzy matching", "{s:I, s:I, s:f}", "max_candidates", (json_int_t)max_candidates,
                "address_max_households", (json_int_t)max_households, "birth_year_near",
                intake_fuzzy_default_weights.birth_year_near);
    if ((rc = load_places()) < 0)
        return rc;
    if ((rc = wh_pii_init_file(path)) < 0)
        return rc;
    if ((rc = run_fills(svc)) < 0)
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

/* Intake applies three events: routing's dongs (what a referral may name, dongs.c); a public-programme
 * linkage that started enrols the household; a case opened credits the safety-net member who reported
 * the household first. */
static const wh_subscription subscriptions[] = {
    {"routing", &welfare__routing__v1__dong_defined__descriptor, intake_apply_dong_defined},
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
        .prune = intake_prune, /* import_row ids, as long as the command records (import_rows.c) */
    };
    def.n_migrations = intake_migrations_count;
    def.statements = intake_all_statements(&def.n_statements);
    return &def;
}
