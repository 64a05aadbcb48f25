/*
 * kpi_defs.c — the district's KPI table, declared as data.
 *
 * One row per value of the table Suyeong-gu reported for its village welfare hubs.  The query code,
 * the dashboard, the JSON API and the README all read these rows, so adding an index starts here.
 * Two values are parts of another index: the privately employed among the visiting personnel, and
 * the KRW amount of the resource discoveries.
 */
#include "reporting.h"

const char *const reporting_fact_columns[REPORTING_FACT_COUNT] = {
    [REPORTING_FACT_TARGETS] = "targets",
    [REPORTING_FACT_BLIND_SPOTS] = "blind_spots",
    [REPORTING_FACT_CASES_OPENED] = "cases_opened",
    [REPORTING_FACT_CASES_CLOSED] = "cases_closed",
    [REPORTING_FACT_VISITS] = "site_visits",
    [REPORTING_FACT_VISITS_MISSED] = "visits_missed",
    [REPORTING_FACT_LINKAGES] = "service_linkages",
    [REPORTING_FACT_RESOURCES] = "resources_discovered",
    [REPORTING_FACT_AMOUNT_KRW] = "resource_amount_krw",
};

const reporting_kpi_def reporting_kpi_defs[REPORTING_KPI_COUNT] = {
    /* a stock: persons enrolled in any programme on the period's last day, and its change */
    {REPORTING_KPI_TARGETS, "targets", "대상자 수", "Number of targets", "persons", REPORTING_AGG_STOCK,
     REPORTING_FACT_TARGETS, -1},
    {REPORTING_KPI_TARGETS_CHANGE, "targets_change", "증감", "change over the period", "persons",
     REPORTING_AGG_DAILY_SUM, REPORTING_FACT_TARGETS, REPORTING_KPI_TARGETS},
    {REPORTING_KPI_PERSONNEL, "visiting_personnel", "방문인력", "Visiting personnel", "persons",
     REPORTING_AGG_STAFF_DISTINCT, -1, -1},
    {REPORTING_KPI_PERSONNEL_PRIVATE, "visiting_personnel_private", "민간채용", "of whom privately employed",
     "persons", REPORTING_AGG_STAFF_PRIVATE, -1, REPORTING_KPI_PERSONNEL},
    {REPORTING_KPI_CASES, "case_households", "사례관리 가구", "Households managed as cases", "households",
     REPORTING_AGG_CASES_OPEN, -1, -1},
    {REPORTING_KPI_BLIND_SPOTS, "blind_spots", "복지사각지대 발굴", "Blind spots discovered", "households",
     REPORTING_AGG_DAILY_SUM, REPORTING_FACT_BLIND_SPOTS, -1},
    {REPORTING_KPI_VISITS, "site_visits", "현장방문", "Site visits", "visits", REPORTING_AGG_DAILY_SUM,
     REPORTING_FACT_VISITS, -1},
    {REPORTING_KPI_LINKAGES, "service_linkages", "서비스 연계", "Service linkages", "linkages",
     REPORTING_AGG_DAILY_SUM, REPORTING_FACT_LINKAGES, -1},
    /* the resource ledger (registry): a resource registered (ResourceRegistered) or a donation pledged
     * (DonationPledged) is one case on its date; the amount is a resource's value on discovery plus
     * each donation's value as it is received (DonationReceived, on its date) */
    {REPORTING_KPI_RESOURCES, "resources_discovered", "자원발굴 건수", "Resource discovery cases", "cases",
     REPORTING_AGG_DAILY_SUM, REPORTING_FACT_RESOURCES, -1},
    {REPORTING_KPI_AMOUNT_KRW, "resource_amount_krw", "자원발굴 금액", "Resource discovery amount", "KRW",
     REPORTING_AGG_DAILY_SUM, REPORTING_FACT_AMOUNT_KRW, REPORTING_KPI_RESOURCES},
};
