/*
 * metrics.c — intake's own counters on /metrics (README "Metrics"), registered at start; the
 * handlers move them after they succeed.  Before registration (unit tests) they do nothing.
 */
#include <stdio.h>

#include "intake.h"
#include "roster.h"
#include "wh/metrics.h"

/* Counters by channel (index = welfare.intake.v1.Channel), looked up once at start. */
static wh_counter *referrals_by_channel[WELFARE__INTAKE__V1__CHANNEL__CHANNEL_ROSTER + 1];
static wh_counter *households_new, *households_matched, *blind_spots, *duplicates;
static wh_counter *enrolments_added, *enrolments_changed, *targets_changed, *import_rows_pruned;
static wh_counter *fuzzy_capped, *address_capped;

void intake_metrics_register(void)
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
    import_rows_pruned = wh_metrics_counter("intake_import_rows_pruned_total", NULL,
                                            "Import row ids deleted after WH_COMMAND_RETENTION_DAYS");
    fuzzy_capped = wh_metrics_counter("intake_fuzzy_candidates_capped_total", NULL,
                                      "Fuzzy look-ups (route and person) that met more persons than "
                                      "WH_INTAKE_FUZZY_MAX_CANDIDATES; the most recent were scored");
    address_capped = wh_metrics_counter("intake_address_households_capped_total", NULL,
                                        "Referrals whose address key had more live households than "
                                        "WH_INTAKE_ADDRESS_MAX_HOUSEHOLDS; the oldest were read");
}

void intake_metrics_address_capped(void)
{
    if (address_capped)
        wh_counter_add(address_capped, 1);
}

void intake_metrics_fuzzy_capped(size_t lookups)
{
    if (fuzzy_capped && lookups > 0)
        wh_counter_add(fuzzy_capped, (uint64_t)lookups);
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

void intake_metrics_import_rows_pruned(int64_t n)
{
    if (!import_rows_pruned || n <= 0) /* not started (unit tests), or nothing deleted */
        return;
    wh_counter_add(import_rows_pruned, (uint64_t)n);
}
