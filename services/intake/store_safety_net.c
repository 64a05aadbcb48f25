/*
 * store_safety_net.c — the safety net's SQL: members (with their reporter), watches (their household
 * followed through merges), check-ins, the referral a check-in becomes, credits and the tally.
 */
#include <stdio.h>
#include <string.h>

#include "safety_net.h"
#include "wh/db_rows.h"

#define MEMBER_COLUMNS "id, reporter_id, dong_code, team, active_from::text, COALESCE(active_until::text, '')"

/* A member's work, one subquery per count: each an index probe on the member's reporter or id. */
#define TALLY_COUNTS                                                                                         \
    "(SELECT count(*) FROM referral r WHERE r.reporter_id = m.reporter_id), "                                \
    "(SELECT count(DISTINCT r.household_id) FROM referral r WHERE r.reporter_id = m.reporter_id), "          \
    "(SELECT count(*) FROM referral r WHERE r.reporter_id = m.reporter_id AND r.created_household), "        \
    "(SELECT count(*) FROM safety_net_credit c WHERE c.member_id = m.id AND c.kind = 1), "                   \
    "(SELECT count(*) FROM safety_net_credit c WHERE c.member_id = m.id AND c.kind = 2), "                   \
    "(SELECT count(*) FROM safety_net_check_in ci JOIN safety_net_watch w ON w.id = ci.watch_id "            \
    "WHERE w.member_id = m.id), "                                                                            \
    "(SELECT count(*) FROM safety_net_watch w WHERE w.member_id = m.id)"

const wh_db_statement intake_safety_net_statements[] = {
    {"intake_sn_insert_member",
     "WITH r AS (INSERT INTO reporter (name, channel) VALUES ($1, 1) RETURNING id) "
     "INSERT INTO safety_net_member (reporter_id, dong_code, team, affiliation, name_sealed, phone_sealed, "
     "active_from, active_until) SELECT r.id, $2, $3, $4, $5, $6, $7::date, NULLIF($8, '')::date FROM r "
     "RETURNING id, reporter_id"},
    {"intake_sn_member", "SELECT " MEMBER_COLUMNS " FROM safety_net_member WHERE id = $1"},
    {"intake_sn_upsert_watch",
     "INSERT INTO safety_net_watch (member_id, household_id, every_days, from_on) VALUES ($1, $2, $3, $4) "
     "ON CONFLICT (member_id, household_id) DO UPDATE SET every_days = EXCLUDED.every_days RETURNING id"},
    {"intake_sn_watch",
     /* the watch's household followed through merges (ResolveDuplicate moves referrals, not watches) */
     "WITH RECURSIVE h (id, merged_into, dong_code, depth) AS ("
     " SELECT hh.id, hh.merged_into, hh.dong_code, 0 FROM household hh JOIN safety_net_watch w "
     " ON w.household_id = hh.id WHERE w.id = $1"
     " UNION ALL SELECT n.id, n.merged_into, n.dong_code, h.depth + 1 FROM household n JOIN h "
     " ON n.id = h.merged_into WHERE h.depth < 32) "
     "SELECT w.id, w.member_id, h.id, h.dong_code, w.every_days, w.from_on::text, w.consecutive_not_seen "
     "FROM safety_net_watch w JOIN h ON h.merged_into IS NULL WHERE w.id = $1"},
    {"intake_sn_insert_check_in",
     "WITH c AS (INSERT INTO safety_net_check_in (watch_id, outcome, checked_on, referral_id) "
     "VALUES ($1, $2, $3, NULLIF($4, 0)) RETURNING id), "
     "w AS (UPDATE safety_net_watch SET last_checked_on = GREATEST(last_checked_on, $3::date), "
     "consecutive_not_seen = $5 WHERE id = $1) SELECT id FROM c"},
    {"intake_sn_refer_known",
     "WITH r AS (INSERT INTO referral (household_id, channel, reporter_id, reported_on, concern_sealed, "
     "risk_score, person_count, persons_added, created_household) "
     "VALUES ($1, $2, NULLIF($3, 0), $4, $5, 0, 0, 0, false) RETURNING id), "
     "h AS (UPDATE household SET referral_count = referral_count + 1, "
     "first_reported_on = LEAST(first_reported_on, $4::date), "
     "last_reported_on = GREATEST(last_reported_on, $4::date) WHERE id = $1 AND merged_into IS NULL "
     "RETURNING dong_code, latitude, longitude, risk_score, known_to_programme) "
     "SELECT r.id, h.dong_code, h.latitude IS NOT NULL, COALESCE(h.latitude, 0), COALESCE(h.longitude, 0), "
     "h.risk_score, h.known_to_programme FROM r, h"},
    {"intake_sn_credit",
     "WITH first AS (SELECT m.id, m.reporter_id, m.dong_code, m.team, m.active_from, m.active_until "
     " FROM referral r JOIN safety_net_member m ON m.reporter_id = r.reporter_id "
     " WHERE r.household_id = $1 AND r.reported_on <= $3::date ORDER BY r.reported_on, r.id LIMIT 1), "
     "ins AS (INSERT INTO safety_net_credit (household_id, kind, member_id, credited_on, source) "
     " SELECT $1, $2, id, $3::date, $4 FROM first ON CONFLICT DO NOTHING RETURNING member_id) "
     "SELECT f.id, f.reporter_id, f.dong_code, f.team, f.active_from::text, "
     "COALESCE(f.active_until::text, '') FROM first f JOIN ins ON ins.member_id = f.id"},
    {"intake_sn_tally",
     "SELECT m.id, m.dong_code, m.team, m.affiliation, " TALLY_COUNTS " FROM safety_net_member m "
     "WHERE ($1 = '' OR m.dong_code = $1) AND ($2 = 0 OR m.team = $2) AND ($3 = 0 OR m.id = $3) "
     "ORDER BY m.id LIMIT 10000"},
};
const size_t intake_safety_net_statements_count =
    sizeof intake_safety_net_statements / sizeof intake_safety_net_statements[0];

static void read_member(const PGresult *r, int row, intake_member *out)
{
    memset(out, 0, sizeof *out);
    out->id = wh_db_i64(r, row, 0, 0);
    out->reporter_id = wh_db_i64(r, row, 1, 0);
    snprintf(out->dong_code, sizeof out->dong_code, "%s", wh_db_text(r, row, 2));
    out->team = (int)wh_db_i64(r, row, 3, 0);
    snprintf(out->active_from, sizeof out->active_from, "%s", wh_db_text(r, row, 4));
    snprintf(out->active_until, sizeof out->active_until, "%s", wh_db_text(r, row, 5));
}

int intake_store_insert_member(wh_db *db, const intake_member_row *row, int64_t *member_id,
                               int64_t *reporter_id)
{
    const Welfare__Intake__V1__RegisterMember *m = row->m;
    char reporter_name[96]; /* no personal data: what the member is, not who */
    snprintf(reporter_name, sizeof reporter_name, "safety net: %s, %s", m->affiliation, m->dong_code);
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_text(&p, reporter_name);
    wh_params_text(&p, m->dong_code);
    wh_params_i64(&p, m->team);
    wh_params_text(&p, m->affiliation);
    wh_params_text(&p, row->name_sealed);
    wh_params_text(&p, row->phone_sealed);
    wh_params_text(&p, m->active_from);
    wh_params_text(&p, m->active_until ? m->active_until : "");
    int rc = wh_db_query_row(db, "intake_sn_insert_member", &p, &r);
    if (rc < 0 || !r)
        return rc < 0 ? rc : WH_INTERNAL;
    *member_id = wh_db_i64(r, 0, 0, 0);
    *reporter_id = wh_db_i64(r, 0, 1, 0);
    PQclear(r);
    return 0;
}

int intake_store_get_member(wh_db *db, int64_t id, intake_member *out)
{
    PGresult *r;
    int rc = wh_db_row_by_id(db, "intake_sn_member", id, &r);
    if (rc != 0)
        return rc;
    read_member(r, 0, out);
    PQclear(r);
    return 0;
}

int intake_store_upsert_watch(wh_db *db, int64_t member_id, int64_t household_id, int every_days,
                              const char *from_on, int64_t *watch_id)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, member_id);
    wh_params_i64(&p, household_id);
    wh_params_i64(&p, every_days);
    wh_params_text(&p, from_on);
    int rc = wh_db_query_row(db, "intake_sn_upsert_watch", &p, &r);
    if (rc < 0 || !r)
        return rc < 0 ? rc : WH_INTERNAL;
    *watch_id = wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return 0;
}

int intake_store_get_watch(wh_db *db, int64_t id, intake_watch *out)
{
    PGresult *r;
    int rc = wh_db_row_by_id(db, "intake_sn_watch", id, &r);
    if (rc != 0)
        return rc;
    memset(out, 0, sizeof *out);
    out->id = wh_db_i64(r, 0, 0, 0);
    out->member_id = wh_db_i64(r, 0, 1, 0);
    out->household_id = wh_db_i64(r, 0, 2, 0);
    snprintf(out->dong_code, sizeof out->dong_code, "%s", wh_db_text(r, 0, 3));
    out->every_days = (int)wh_db_i64(r, 0, 4, 1);
    snprintf(out->from_on, sizeof out->from_on, "%s", wh_db_text(r, 0, 5));
    out->consecutive_not_seen = (int)wh_db_i64(r, 0, 6, 0);
    PQclear(r);
    return 0;
}

int intake_store_insert_check_in(wh_db *db, const intake_check_in_row *row, int64_t *check_in_id)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, row->watch_id);
    wh_params_i64(&p, row->outcome);
    wh_params_text(&p, row->checked_on);
    wh_params_i64(&p, row->referral_id);
    wh_params_i64(&p, row->consecutive_not_seen);
    int rc = wh_db_query_row(db, "intake_sn_insert_check_in", &p, &r);
    if (rc < 0 || !r)
        return rc < 0 ? rc : WH_INTERNAL;
    *check_in_id = wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return 0;
}

int intake_store_refer_known(wh_db *db, const intake_known_referral *k, int64_t *referral_id,
                             intake_household_state *state)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, k->household_id);
    wh_params_i64(&p, k->channel);
    wh_params_i64(&p, k->reporter_id);
    wh_params_text(&p, k->reported_on);
    wh_params_text(&p, k->concern_sealed);
    int rc = wh_db_query_row(db, "intake_sn_refer_known", &p, &r);
    if (rc < 0)
        return rc;
    if (!r) /* merged meanwhile: the insert's referral is rolled back with the command */
        return WH_FAILED_PRECONDITION;
    memset(state, 0, sizeof *state);
    *referral_id = wh_db_i64(r, 0, 0, 0);
    state->id = k->household_id;
    snprintf(state->dong_code, sizeof state->dong_code, "%s", wh_db_text(r, 0, 1));
    const char *has = wh_db_text(r, 0, 2);
    state->has_location = has && has[0] == 't';
    state->latitude = wh_db_f64(r, 0, 3, 0);
    state->longitude = wh_db_f64(r, 0, 4, 0);
    state->risk_score = (int)wh_db_i64(r, 0, 5, 0);
    const char *known = wh_db_text(r, 0, 6);
    state->known_to_programme = known && known[0] == 't';
    PQclear(r);
    return 0;
}

int intake_store_credit(wh_db *db, int64_t household_id, int kind, const char *on, const char *source,
                        bool *credited, intake_member *member)
{
    wh_params p;
    PGresult *r;
    *credited = false;
    wh_params_reset(&p);
    wh_params_i64(&p, household_id);
    wh_params_i64(&p, kind);
    wh_params_text(&p, on);
    wh_params_text(&p, source);
    int rc = wh_db_query_row(db, "intake_sn_credit", &p, &r);
    if (rc < 0 || !r)
        return rc;
    read_member(r, 0, member);
    *credited = true;
    PQclear(r);
    return 0;
}

static bool fill_member(wh_ctx *ctx, const PGresult *r, int row, void *message)
{
    Welfare__Intake__V1__MemberTally *t = message;
    t->member_id = wh_db_i64(r, row, 0, 0);
    t->dong_code = wh_ctx_db_text(ctx, r, row, 1);
    t->team = (Welfare__Intake__V1__SafetyNetTeam)wh_db_i64(r, row, 2, 0);
    t->affiliation = wh_ctx_db_text(ctx, r, row, 3);
    t->referrals = (int32_t)wh_db_i64(r, row, 4, 0);
    t->households_reported = (int32_t)wh_db_i64(r, row, 5, 0);
    t->households_discovered = (int32_t)wh_db_i64(r, row, 6, 0);
    t->selected_for_aid = (int32_t)wh_db_i64(r, row, 7, 0);
    t->cases_opened = (int32_t)wh_db_i64(r, row, 8, 0);
    t->check_ins = (int32_t)wh_db_i64(r, row, 9, 0);
    t->watches = (int32_t)wh_db_i64(r, row, 10, 0);
    return t->dong_code && t->affiliation;
}

int intake_store_tally(wh_ctx *ctx, const Welfare__Intake__V1__GetSafetyNetTally *m,
                       Welfare__Intake__V1__GetSafetyNetTallyReply *out)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, m->dong_code ? m->dong_code : "");
    wh_params_i64(&p, m->team);
    wh_params_i64(&p, m->member_id);
    return wh_ctx_db_messages(ctx, wh_db_query(wh_ctx_db(ctx), "intake_sn_tally", &p),
                              &welfare__intake__v1__member_tally__descriptor, fill_member,
                              (void ***)&out->members, &out->n_members);
}
