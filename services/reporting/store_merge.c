/*
 * store_merge.c — intake's merges and case's folds in the funnel and the cases KPI
 * (0008_case_merges.sql; the statements are store.c's): each once per merge, fold or reopening, so a
 * replayed event changes nothing.
 */
#include "reporting.h"

static int exec_ids(wh_db *db, const char *statement, int64_t a, int64_t b, int64_t c, int n)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, a);
    if (n > 1)
        wh_params_i64(&p, b);
    if (n > 2)
        wh_params_i64(&p, c);
    int64_t rows = wh_db_exec(db, statement, &p);
    return rows < 0 ? (int)rows : 0;
}

int reporting_store_merge_funnel(wh_db *db, int64_t merge_id, int64_t household_id,
                                 int64_t merged_household_id)
{
    return exec_ids(db, "reporting_merge_funnel", merge_id, household_id, merged_household_id, 3);
}

int reporting_store_unmerge_funnel(wh_db *db, int64_t merge_id)
{
    return exec_ids(db, "reporting_unmerge_funnel", merge_id, 0, 0, 1);
}

int reporting_store_move_case(wh_db *db, int64_t case_id, int64_t household_id)
{
    return exec_ids(db, "reporting_move_case", case_id, household_id, 0, 2);
}

static int case_day(wh_db *db, const char *statement, int64_t case_id, reporting_fact *f)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    return reporting_store_dong_day(db, statement, &p, f);
}

int reporting_store_fold_case(wh_db *db, int64_t case_id, reporting_fact *f)
{
    return case_day(db, "reporting_fold_case", case_id, f);
}

int reporting_store_reopen_case(wh_db *db, int64_t case_id, reporting_fact *f)
{
    return case_day(db, "reporting_reopen_case", case_id, f);
}
