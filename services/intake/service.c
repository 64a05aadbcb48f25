/*
 * service.c — intake as data: its commands and who may send them, migrations, statements, the PII
 * key at start, and the service's metrics.
 */
#include <stdio.h>
#include <string.h>

#include "intake.h"
#include "roster.h"
#include "safety_net.h"
#include "survey.h"
#include "welfare/case/v1/events.pb-c.h"
#include "welfare/registry/v1/events.pb-c.h"

#include "wh/config.h"
#include "wh/log.h"
#include "wh/metrics.h"

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

/* Counters by channel (index = welfare.intake.v1.Channel), looked up once at start. */
static wh_counter *referrals_by_channel[WELFARE__INTAKE__V1__CHANNEL__CHANNEL_ROSTER + 1];
static wh_counter *households_new, *households_matched, *blind_spots, *duplicates;
static wh_counter *enrolments_added, *enrolments_changed, *targets_changed;

static void register_metrics(void)
{
    static const char *const names[] = {"unspecified",   "safety_net", "partner_agency", "survey",
                                        "national_list", "self",       "outreach",       "roster"};
    for (size_t i = 1; i < sizeof referrals_by_channel / sizeof referrals_by_channel[0]; i++) {
        char labels[64];
        snprintf(labels, sizeof labels, "channel=\"%s\"", names[i]);
        referrals_by_channel[i] =
            wh_metrics_counter("intake_referrals_total", labels, "Referrals stored, by channel");
    }
    households_new = wh_metrics_counter("intake_households_total", "result=\"new\"",
                                        "Referrals resolved to a household, new or matched");
    households_matched = wh_metrics_counter("intake_households_total", "result=\"matched\"",
                                            "Referrals resolved to a household, new or matched");
    blind_spots =
        wh_metrics_counter("intake_blind_spots_total", NULL, "Households discovered as blind spots");
    duplicates = wh_metrics_counter("intake_duplicates_suspected_total", NULL,
                                    "Pairs of households suspected to be one");
    enrolments_added = wh_metrics_counter("intake_enrolments_total", "result=\"added\"",
                                          "Roster enrolments created or changed");
    enrolments_changed = wh_metrics_counter("intake_enrolments_total", "result=\"changed\"",
                                            "Roster enrolments created or changed");
    targets_changed = wh_metrics_counter("intake_targets_changed_total", NULL,
                                         "Persons whose target spells changed (TargetsChanged events)");
}

void intake_metrics_referral(int channel, bool is_new, bool blind_spot, int suspicions)
{
    if (!households_new) /* not started (unit tests) */
        return;
    if (intake_channel_valid(channel))
        wh_counter_add(referrals_by_channel[channel], 1);
    wh_counter_add(is_new ? households_new : households_matched, 1);
    if (blind_spot)
        wh_counter_add(blind_spots, 1);
    if (suspicions > 0)
        wh_counter_add(duplicates, (uint64_t)suspicions);
}

void intake_metrics_roster(int added, int changed, int persons)
{
    if (!enrolments_added) /* not started (unit tests) */
        return;
    wh_counter_add(enrolments_added, (uint64_t)added);
    wh_counter_add(enrolments_changed, (uint64_t)changed);
    wh_counter_add(targets_changed, (uint64_t)persons);
}

/* Without the PII key nothing can be matched or stored: refuse to start. */
static int start(wh_service *svc)
{
    (void)svc;
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
    register_metrics();
    return 0;
}

static void stop(wh_service *svc)
{
    (void)svc;
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
