/*
 * test_json.c — the day-plan format: a plan read, solved, written and read back; "HH:MM" times;
 * malformed input refused with a message and no problem.
 */
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

static const char *plan =
    "{\"travel\": {\"coordinates\": \"latlon\", \"detour\": 1.3, \"speed_kmh\": 25},"
    " \"locations\": [{\"id\": \"hub\", \"lat\": 35.1456, \"lon\": 129.1131},"
    "                 {\"id\": \"h1\", \"lat\": 35.1500, \"lon\": 129.1200},"
    "                 {\"id\": \"h2\", \"lat\": 35.1400, \"lon\": 129.1050}],"
    " \"staff\": [{\"id\": \"nurse\", \"role\": \"visiting_nurse\", \"skills\": [\"dementia\"],"
    "              \"shift\": [\"09:00\", \"18:00\"], \"start\": \"hub\","
    "              \"breaks\": [{\"window\": [\"12:00\", \"13:00\"], \"duration\": 30}]},"
    "             {\"id\": \"official\", \"role\": \"welfare_official\", \"shift\": [540, 1080], \"start\": "
    "\"hub\"}],"
    " \"visits\": [{\"id\": \"v1\", \"location\": \"h1\", \"duration\": 40, \"role\": \"visiting_nurse\","
    "               \"skills\": [\"dementia\"], \"windows\": [[\"10:00\", \"11:00\"]], \"priority\": 2},"
    "              {\"id\": \"v2\", \"location\": \"h2\", \"duration\": 60, \"sync_tolerance\": 0,"
    "               \"parts\": [{\"role\": \"visiting_nurse\"}, {\"role\": \"welfare_official\"}]},"
    "              {\"id\": \"v3\", \"location\": \"h2\", \"duration\": 30, \"role\": \"case_manager\","
    "               \"optional\": true}],"
    " \"solver\": {\"iterations\": 200, \"time_ms\": 0, \"seed\": 3}}";

static void reads_solves_and_writes(void **state)
{
    routing_problem_t *p = NULL;
    routing_solver_params_t prm;
    routing_solver_params_default(&prm);
    char err[256] = "";
    assert_int_equal(routing_json_read(plan, &p, &prm, err, sizeof(err)), 0);
    assert_int_equal(prm.max_iterations, 200);
    assert_int_equal(routing_problem_staff_count(p), 2);
    assert_int_equal(routing_problem_visit_count(p), 3);
    assert_int_equal(routing_problem_break_count(p), 1);
    th_assert_near(routing_problem_staff(p, 0)->shift_start, 540, 0);
    routing_result_t *res = NULL;
    assert_int_equal(routing_solver_solve(p, &prm, &res), 0);
    assert_int_equal(routing_solver_check(p, res, err, sizeof(err)), 0);
    char *text = routing_json_write(p, res);
    json_error_t je;
    json_t *out = json_loads(text, 0, &je);
    assert_non_null(out);
    assert_int_equal(json_array_size(json_object_get(out, "routes")), 2);
    json_t *un = json_object_get(out, "unassigned");
    assert_int_equal(json_array_size(un), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(un, 0), "visit")), "v3");
    assert_string_equal(json_string_value(json_object_get(json_array_get(un, 0), "reason")),
                        "no_skilled_staff");
    json_decref(out);
    free(text);
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

static void refuses_bad_plans(void **state)
{
    const char *bad[] = {
        "{",
        "[]",
        "{\"locations\": [], \"staff\": [], \"visits\": [{\"id\": \"v\", \"location\": \"nowhere\"}]}",
        "{\"locations\": [{\"id\": \"a\", \"x\": 0, \"y\": 0}], \"staff\": [{\"id\": \"s\", \"role\": \"r\","
        " \"shift\": [\"18:00\", \"09:00\"], \"start\": \"a\"}], \"visits\": []}",
        "{\"locations\": [{\"id\": \"a\", \"x\": 0, \"y\": 0}], \"travel\": {\"matrix\": [[0, 1]]},"
        " \"staff\": [], \"visits\": []}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        routing_problem_t *p = NULL;
        routing_solver_params_t prm;
        routing_solver_params_default(&prm);
        char err[256] = "";
        assert_true(routing_json_read(bad[i], &p, &prm, err, sizeof(err)) < 0);
        assert_null(p);
        assert_true(strlen(err) > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_solves_and_writes),
        cmocka_unit_test(refuses_bad_plans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
