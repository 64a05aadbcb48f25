/*
 * test_generate.c — the demo district is deterministic, realistic in shape, and its synthetic
 * resident numbers have the real format with a valid check digit.  Uses the tiny version
 * (50 households) the integration tests load.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "demo.h"

static uint64_t fingerprint(const demo_district *d)
{
    uint64_t h = 0xcbf29ce484222325ULL;
#define MIX(p, n)                                                                                            \
    for (size_t i_ = 0; i_ < (n); i_++)                                                                      \
        h = (h ^ ((const unsigned char *)(p))[i_]) * 0x100000001b3ULL;
    MIX(d->households, d->n_households * sizeof *d->households);
    MIX(d->referrals, d->n_referrals * sizeof *d->referrals);
    MIX(d->staff, d->n_staff * sizeof *d->staff);
    MIX(d->resources, d->n_resources * sizeof *d->resources);
#undef MIX
    return h;
}

static void same_seed_same_district(void **state)
{
    demo_district a, b, c;
    assert_int_equal(demo_generate(&a, 42, 50), 0);
    assert_int_equal(demo_generate(&b, 42, 50), 0);
    assert_int_equal(demo_generate(&c, 43, 50), 0);
    assert_true(fingerprint(&a) == fingerprint(&b));
    assert_true(fingerprint(&a) != fingerprint(&c));
    demo_district_free(&a);
    demo_district_free(&b);
    demo_district_free(&c);
}

static void tiny_district_has_every_part(void **state)
{
    demo_district d;
    assert_int_equal(demo_generate(&d, 42, 50), 0);
    assert_int_equal(d.n_households, 50);
    assert_true(d.n_referrals >= 50 && d.n_referrals <= 100);
    assert_true(d.n_resources >= demo_resource_kinds_count);
    int from = demo_date_days(DEMO_FROM), to = demo_date_days(DEMO_TO);
    for (size_t i = 0; i < d.n_referrals; i++) {
        int day = demo_date_days(d.referrals[i].reported_on);
        assert_true(day >= from && day <= to);
        if (i > 0)
            assert_true(strcmp(d.referrals[i - 1].reported_on, d.referrals[i].reported_on) <= 0);
        assert_true(d.referrals[i].channel >= 1 && d.referrals[i].channel <= 6);
        assert_int_not_equal(d.referrals[i].channel, 3); /* survey referrals come from the campaigns */
    }
    for (size_t i = 0; i < d.n_households; i++) {
        const demo_household *h = &d.households[i];
        assert_true(h->n_persons >= 1 && h->n_persons <= 6);
        assert_true(h->latitude > 35.1 && h->latitude < 35.2 && h->longitude > 129.05 &&
                    h->longitude < 129.15);
        for (int p = 0; p < h->n_persons; p++) {
            assert_true(demo_rrn_valid(h->persons[p].rrn));
            assert_int_equal(strncmp(h->persons[p].rrn + 8, "9", 1), 0); /* region 96..99: never issued */
        }
    }
    demo_district_free(&d);
}

static void staff_in_basic_hubs_about_a_third_private(void **state)
{
    demo_district d;
    int private_ = 0, roles[5] = {0};
    assert_int_equal(demo_generate(&d, 42, 3000), 0);
    assert_true(d.n_staff >= 40 && d.n_staff <= 80);
    for (size_t i = 0; i < d.n_staff; i++) {
        const demo_dong *hub = &demo_dongs[d.staff[i].hub];
        assert_string_equal(hub->code, hub->hub_code);
        private_ += d.staff[i].employment == 2;
        roles[d.staff[i].role]++;
    }
    assert_true(private_ * 100 / (int)d.n_staff >= 20 && private_ * 100 / (int)d.n_staff <= 45);
    for (int r = 1; r <= 4; r++)
        assert_true(roles[r] > 0);
    assert_int_equal(d.n_resources, 200);
    demo_district_free(&d);
}

static void dongs_table_is_consistent(void **state)
{
    int basic = 0;
    for (size_t i = 0; i < demo_dongs_count; i++) {
        assert_int_equal(strlen(demo_dongs[i].code), 10);
        bool found = false;
        for (size_t j = 0; j < demo_dongs_count; j++)
            found |= strcmp(demo_dongs[j].code, demo_dongs[i].hub_code) == 0 &&
                     strcmp(demo_dongs[j].code, demo_dongs[j].hub_code) == 0;
        assert_true(found); /* every dong's hub is a basic-type dong */
        basic += strcmp(demo_dongs[i].code, demo_dongs[i].hub_code) == 0;
    }
    assert_int_equal(demo_dongs_count, 10);
    assert_true(basic > 0 && basic < 10);
}

static void rrn_check_digit(void **state)
{
    /* 8·2 + 1·5 + 1·7 + 1·8 = 36; (11 - 36 % 11) % 10 = 8 */
    assert_true(demo_rrn_valid("800101-1000008"));
    assert_false(demo_rrn_valid("800101-1000007"));
    demo_rng r;
    char rrn[15];
    demo_rng_seed(&r, 1, 1);
    demo_rrn(&r, "1948-03-09", 'F', rrn);
    assert_int_equal(strncmp(rrn, "480309-2", 8), 0);
    assert_true(demo_rrn_valid(rrn));
    demo_rrn(&r, "2011-12-31", 'M', rrn);
    assert_int_equal(strncmp(rrn, "111231-3", 8), 0);
    rrn[13] = rrn[13] == '9' ? '0' : rrn[13] + 1;
    assert_false(demo_rrn_valid(rrn));
    assert_false(demo_rrn_valid("480309-2"));
}

static void dates_round_trip(void **state)
{
    char out[11];
    int d = demo_date_days("2026-02-28");
    demo_date_format(d + 1, out);
    assert_string_equal(out, "2026-03-01");
    demo_date_format(demo_date_days("2024-02-28") + 1, out);
    assert_string_equal(out, "2024-02-29");
    assert_int_equal(demo_date_weekday(demo_date_days("2026-11-22")), 6); /* a Sunday */
}

static void message_ids_are_stable_uuids(void **state)
{
    char a[37], b[37], c[37];
    demo_message_id(42, "referral", 7, a);
    demo_message_id(42, "referral", 7, b);
    demo_message_id(42, "referral", 8, c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_int_equal(strlen(a), 36);
    assert_int_equal(a[14], '4');
    assert_true(strchr("89ab", a[19]) != NULL);
}

static void outcomes_are_stable(void **state)
{
    int completed = 0, reason = 0;
    for (int64_t v = 1; v <= 1000; v++)
        completed += demo_visit_completed(42, v, &reason);
    assert_true(completed > 820 && completed < 940);
    int dom[4], sev[4], dom2[4], sev2[4];
    int n = demo_case_needs(42, 17, dom, sev);
    assert_int_equal(demo_case_needs(42, 17, dom2, sev2), n);
    assert_memory_equal(dom, dom2, sizeof(int) * (size_t)n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_same_district),
        cmocka_unit_test(tiny_district_has_every_part),
        cmocka_unit_test(staff_in_basic_hubs_about_a_third_private),
        cmocka_unit_test(dongs_table_is_consistent),
        cmocka_unit_test(rrn_check_digit),
        cmocka_unit_test(dates_round_trip),
        cmocka_unit_test(message_ids_are_stable_uuids),
        cmocka_unit_test(outcomes_are_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
