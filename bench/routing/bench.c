/*
 * bench.c — routing-bench: the visit routing benchmark.
 *
 *   routing-bench solomon DIR TIME_MS [JOBS]   all instances in DIR/instances with DIR/reference.csv:
 *                                              every solution checked; a markdown table per instance
 *                                              and per class (cost, routes, gap, time) on stdout.
 *   routing-bench gh DIR TIME_MS [JOBS [SET]]  the Gehring–Homberger instances of DIR the same way, scored
 *                                              like-for-like with DIR/reference.csv's DIMACS best-known
 *                                              costs (each leg truncated to one decimal); SET is "one"
 *                                              (default: <class>_10_2 of each class), "all", or a
 *                                              comma-separated list of instance names, solved in the
 *                                              order listed (instance_set.c).
 *   routing-bench homecare TIME_MS PATIENTS SEEDS
 *                                              the generated home-care days (homecare.c) with
 *                                              synchronized and sequential double visits and soft
 *                                              windows, seeds 1..SEEDS: cost, lateness, checked.
 *   routing-bench scale TIME_MS [SEED]         the generated hub-district case (scale.c): time to a
 *                                              feasible plan and the plan's cost, checked.
 *
 * JOBS > 1 forks that many workers; each instance still runs on one core, alone in its process.  The
 * budget is CPU time of the solving thread (so other work on the machine does not shorten the search)
 * unless BENCH_ROUTING_CLOCK=wall.  For solomon and gh, BENCH_ROUTING_ITERATIONS=N adds an iteration
 * limit (with TIME_MS 0, the only limit: the same result for a seed whatever the machine's load, which
 * is how variants are compared on a shared machine) and BENCH_ROUTING_SEED=S sets the seed (default 1;
 * homecare too: the solver's seed, beside the generator's).  With JOBS 1, each instance's result is also
 * written to stderr as it finishes, so a long run (the 54 GH instances take an hour) shows progress.
 */
#include "solver.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "homecare.h"
#include "instance_set.h"
#include "scale.h"

#define MAX_INST 128

typedef struct inst {
    char name[32];
    double ref, cost, ms, cpu_ms, best_ms;
    int routes, ok;
    long iterations;
} inst_t;

static int read_reference(const char *dir, inst_t *in)
{
    char path[1024], line[512];
    snprintf(path, sizeof(path), "%s/reference.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int n = 0;
    while (fgets(line, sizeof(line), f) && n < MAX_INST) {
        char name[32];
        double ref;
        if (sscanf(line, "%31[^,],%lf", name, &ref) == 2) {
            memset(&in[n], 0, sizeof(in[n]));
            snprintf(in[n].name, sizeof(in[n].name), "%s", name);
            in[n++].ref = ref;
        }
    }
    fclose(f);
    return n;
}

static bool dimacs_scoring; /* gh: legs truncated to one decimal, as the best-known costs are */

static bool cpu_clock(void)
{
    const char *c = getenv("BENCH_ROUTING_CLOCK");
    return !c || strcmp(c, "wall") != 0;
}

/* A whole-number setting from the environment, or def when unset or not a number >= 0. */
static long env_long(const char *name, long def)
{
    const char *v = getenv(name);
    char *end = NULL;
    long x = v ? strtol(v, &end, 10) : def;
    return v && end != v && *end == '\0' && x >= 0 ? x : def;
}

/* The result's travel with every leg truncated to one decimal (the DIMACS convention). */
static double dimacs_cost(const routing_problem_t *p, const routing_result_t *res)
{
    double total = 0;
    for (int r = 0; r < res->n_routes; r++) {
        const routing_route_t *rt = &res->routes[r];
        if (!rt->n_stops)
            continue;
        const routing_staff_t *st = routing_problem_staff(p, rt->staff);
        int at = st->start_location;
        for (int i = 0; i < rt->n_stops; i++) {
            int to = routing_problem_visit(p, rt->stops[i].index)->location;
            total += floor(10.0 * routing_problem_travel(p, at, to) + 1e-9) / 10.0;
            at = to;
        }
        total += floor(10.0 * routing_problem_travel(p, at, st->end_location) + 1e-9) / 10.0;
    }
    return total;
}

static void solve_one(const char *dir, inst_t *in, double ms)
{
    char path[1024], err[256];
    snprintf(path, sizeof(path), "%s/instances/%s.txt", dir, in->name);
    routing_problem_t *p = NULL;
    routing_result_t *res = NULL;
    routing_solver_params_t prm;
    routing_solver_params_default(&prm);
    prm.time_limit_ms = ms;
    prm.cpu_time = cpu_clock();
    prm.max_iterations = env_long("BENCH_ROUTING_ITERATIONS", 0);
    prm.seed = (unsigned long long)env_long("BENCH_ROUTING_SEED", 1);
    in->ok = 0;
    if (routing_solomon_read(path, &p, NULL, 0) == 0 && routing_solver_solve(p, &prm, &res) == 0) {
        int rc = routing_solver_check(p, res, err, sizeof(err));
        if (rc < 0)
            fprintf(stderr, "%s: checker: %s\n", in->name, err);
        in->ok = rc == 0 && res->n_unassigned == 0;
        in->cost = dimacs_scoring ? dimacs_cost(p, res) : res->travel;
        in->ms = res->elapsed_ms;
        in->cpu_ms = res->cpu_ms;
        in->best_ms = res->best_found_ms;
        in->iterations = res->iterations;
        for (int r = 0; r < res->n_routes; r++)
            in->routes += res->routes[r].n_stops > 0;
    }
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

/* Workers solve instances w, w + jobs, ... and write their rows to a pipe as binary records. */
static void run_parallel(const char *dir, inst_t *in, int n, double ms, int jobs)
{
    int fds[jobs][2];
    for (int w = 0; w < jobs; w++) {
        if (pipe(fds[w]) < 0 || fork() == 0) {
            for (int i = w; i < n; i += jobs) {
                solve_one(dir, &in[i], ms);
                if (write(fds[w][1], &in[i], sizeof(in[i])) != (ssize_t)sizeof(in[i]))
                    _exit(1);
            }
            _exit(0);
        }
        close(fds[w][1]);
    }
    for (int w = 0; w < jobs; w++) {
        for (int i = w; i < n; i += jobs)
            if (read(fds[w][0], &in[i], sizeof(in[i])) != (ssize_t)sizeof(in[i]))
                in[i].ok = 0;
        close(fds[w][0]);
    }
    while (wait(NULL) > 0)
        ;
}

static int by_gap(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* "RC101" -> "RC1", "rc2_10_4" -> "RC2". */
static void class_of(const char *name, char *out)
{
    int k = 0;
    while (k < 6 && isalpha((unsigned char)name[k]))
        out[k] = (char)toupper((unsigned char)name[k]), k++;
    out[k] = name[k];
    out[k + 1] = '\0';
}

static void print_tables(const inst_t *in, int n, double ms)
{
    printf("\n### Budget %.0f ms %s per instance%s\n\n", ms, cpu_clock() ? "CPU time" : "wall-clock",
           dimacs_scoring ? " (costs with legs truncated to 0.1, DIMACS convention)" : "");
    printf("| instance | cost | routes | reference | gap %% | time ms | CPU ms | best at ms | iterations | "
           "checked |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    double gaps[MAX_INST], sum = 0, worst = -1e9, tsum = 0, csum = 0;
    int failed = 0;
    for (int i = 0; i < n; i++) {
        gaps[i] = 100.0 * (in[i].cost - in[i].ref) / in[i].ref;
        sum += gaps[i];
        tsum += in[i].ms;
        csum += in[i].cpu_ms;
        worst = gaps[i] > worst ? gaps[i] : worst;
        failed += !in[i].ok;
        printf("| %s | %.2f | %d | %.2f | %.2f | %.0f | %.0f | %.0f | %ld | %s |\n", in[i].name, in[i].cost,
               in[i].routes, in[i].ref, gaps[i], in[i].ms, in[i].cpu_ms, in[i].best_ms, in[i].iterations,
               in[i].ok ? "ok" : "FAILED");
    }
    const char *classes[] = {"C1", "C2", "R1", "R2", "RC1", "RC2"};
    printf("\n| class | instances | avg gap %% | avg routes | avg time ms | avg CPU s |\n"
           "|---|---:|---:|---:|---:|---:|\n");
    for (int c = 0; c < 6; c++) {
        double g = 0, t = 0, cpu = 0, routes = 0;
        int k = 0;
        for (int i = 0; i < n; i++) {
            char cls[8];
            class_of(in[i].name, cls);
            if (strcmp(cls, classes[c]) == 0) {
                g += gaps[i];
                t += in[i].ms;
                cpu += in[i].cpu_ms;
                routes += in[i].routes;
                k++;
            }
        }
        if (k)
            printf("| %s | %d | %.2f | %.1f | %.0f | %.2f |\n", classes[c], k, g / k, routes / k, t / k,
                   cpu / k / 1e3);
    }
    qsort(gaps, (size_t)n, sizeof(double), by_gap);
    double median = n % 2 ? gaps[n / 2] : (gaps[n / 2 - 1] + gaps[n / 2]) / 2;
    printf("| **all** | %d | **%.2f** (median %.2f, worst %.2f) | | %.0f | %.2f |\n", n, sum / n, median,
           worst, tsum / n, csum / n / 1e3);
    printf("\nchecker: %d of %d solutions feasible with every customer served\n", n - failed, n);
}

/* Keeps the instances of the set (instance_set.c: a list in the order listed) at the front of in;
 * -1 after saying why on stderr. */
static int select_set(inst_t *in, int n, const char *set)
{
    const char *names[MAX_INST];
    int order[MAX_INST];
    char bad[64];
    static inst_t all[MAX_INST];
    for (int i = 0; i < n; i++)
        names[i] = in[i].name;
    int k = instance_set_select(names, n, set, order, bad, sizeof(bad));
    if (k < 0) {
        if (k == INSTANCE_SET_EMPTY)
            fprintf(stderr, "routing-bench: instance set \"%s\": an empty name in the list\n", set);
        else
            fprintf(stderr, "routing-bench: instance set \"%s\": \"%s\" %s\n", set, bad,
                    k == INSTANCE_SET_UNKNOWN ? "is not in reference.csv" : "is listed twice");
        return -1;
    }
    memcpy(all, in, sizeof(inst_t) * (size_t)n);
    for (int i = 0; i < k; i++)
        in[i] = all[order[i]];
    return k;
}

static int bench_solomon(const char *dir, double ms, int jobs, const char *set)
{
    static inst_t in[MAX_INST];
    int n = read_reference(dir, in);
    if (n <= 0) {
        fprintf(stderr, "routing-bench: no instances from %s/reference.csv\n", dir);
        return 1;
    }
    if ((n = select_set(in, n, set)) <= 0)
        return 1;
    if (jobs > 1)
        run_parallel(dir, in, n, ms, jobs);
    else
        for (int i = 0; i < n; i++) {
            solve_one(dir, &in[i], ms);
            fprintf(stderr, "routing-bench: %d/%d %s cost %.2f routes %d CPU ms %.0f iterations %ld %s\n",
                    i + 1, n, in[i].name, in[i].cost, in[i].routes, in[i].cpu_ms, in[i].iterations,
                    in[i].ok ? "ok" : "FAILED");
        }
    print_tables(in, n, ms);
    for (int i = 0; i < n; i++)
        if (!in[i].ok)
            return 2;
    return 0;
}

static int bench_scale(double ms, unsigned long long seed)
{
    routing_problem_t *p = scale_generate(seed);
    routing_result_t *res = NULL;
    routing_solver_params_t prm;
    routing_solver_params_default(&prm);
    prm.time_limit_ms = ms;
    prm.seed = seed;
    prm.balance_weight = 0.01;
    if (!p || routing_solver_solve(p, &prm, &res) < 0)
        return 1;
    char err[256];
    int rc = routing_solver_check(p, res, err, sizeof(err));
    int mand = 0, opt = 0, joint = 0, used = 0;
    for (int i = 0; i < res->n_unassigned; i++)
        routing_problem_visit(p, res->unassigned[i].visit)->optional ? opt++ : mand++;
    for (int i = 0; i < routing_problem_visit_count(p); i++)
        joint += routing_problem_visit(p, i)->n_parts > 1;
    for (int r = 0; r < res->n_routes; r++)
        used += res->routes[r].n_stops > 0;
    printf("\n### Scale case: %d visits (%d joint), %d staff, 4 roles, seed %llu, budget %.0f ms\n\n",
           routing_problem_visit_count(p), joint, routing_problem_staff_count(p), seed, ms);
    printf("| first feasible plan ms | its cost | final cost | final travel min | left out "
           "(mandatory/optional) | "
           "staff used | iterations | checked |\n|---:|---:|---:|---:|---|---:|---:|---|\n");
    printf("| %.0f | %.1f | %.1f | %.1f | %d / %d | %d | %ld | %s |\n", res->first_feasible_ms,
           res->first_feasible_cost, res->cost, res->travel, mand, opt, used, res->iterations,
           rc == 0 ? "ok" : err);
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
    return rc == 0 ? 0 : 2;
}

typedef struct hc_row {
    int patients, staff, sync, seq, unassigned, ok;
    double cost, travel, lateness, cpu_ms;
    long iterations;
} hc_row_t;

static void homecare_one(unsigned long long seed, int patients, double ms, hc_row_t *row)
{
    memset(row, 0, sizeof(*row));
    routing_problem_t *p = homecare_generate(seed, patients);
    routing_result_t *res = NULL;
    routing_solver_params_t prm;
    routing_solver_params_default(&prm);
    prm.time_limit_ms = ms;
    prm.cpu_time = cpu_clock();
    prm.max_iterations = env_long("BENCH_ROUTING_ITERATIONS", 0);
    prm.seed = (unsigned long long)env_long("BENCH_ROUTING_SEED", 1);
    char err[256] = "";
    if (p && routing_solver_solve(p, &prm, &res) == 0) {
        row->ok = routing_solver_check(p, res, err, sizeof(err)) == 0;
        if (!row->ok)
            fprintf(stderr, "homecare seed %llu: checker: %s\n", seed, err);
        row->patients = patients;
        row->staff = routing_problem_staff_count(p);
        for (int i = 0; i < routing_problem_visit_count(p); i++) {
            const routing_visit_t *v = routing_problem_visit(p, i);
            row->sync += v->n_parts > 1 && !v->sequential;
            row->seq += v->sequential;
        }
        row->unassigned = res->n_unassigned;
        row->cost = res->cost;
        row->travel = res->travel;
        row->lateness = res->lateness_cost;
        row->cpu_ms = res->cpu_ms;
        row->iterations = res->iterations;
    }
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

static int bench_homecare(double ms, int patients, int seeds)
{
    printf("\n### Home-care days (homecare.c), %d patients, budget %.0f ms %s\n\n", patients, ms,
           cpu_clock() ? "CPU time" : "wall-clock");
    printf(
        "| seed | caregivers | synchronized / sequential doubles | travel | lateness min | cost | left out | "
        "CPU s | iterations | checked |\n|---:|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
    int failed = 0;
    for (int seed = 1; seed <= seeds; seed++) {
        hc_row_t r;
        homecare_one((unsigned long long)seed, patients, ms, &r);
        failed += !r.ok || r.unassigned;
        printf("| %d | %d | %d / %d | %.1f | %.1f | %.1f | %d | %.2f | %ld | %s |\n", seed, r.staff, r.sync,
               r.seq, r.travel, r.lateness, r.cost, r.unassigned, r.cpu_ms / 1e3, r.iterations,
               r.ok ? "ok" : "FAILED");
    }
    printf("\nchecker: %d of %d plans feasible with every visit served\n", seeds - failed, seeds);
    return failed ? 2 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "solomon") == 0)
        return bench_solomon(argv[2], atof(argv[3]), argc > 4 ? atoi(argv[4]) : 1, argc > 5 ? argv[5] : NULL);
    if (argc >= 4 && strcmp(argv[1], "gh") == 0) {
        dimacs_scoring = true;
        return bench_solomon(argv[2], atof(argv[3]), argc > 4 ? atoi(argv[4]) : 1,
                             argc > 5 ? argv[5] : "one");
    }
    if (argc >= 5 && strcmp(argv[1], "homecare") == 0)
        return bench_homecare(atof(argv[2]), atoi(argv[3]), atoi(argv[4]));
    if (argc >= 3 && strcmp(argv[1], "scale") == 0)
        return bench_scale(atof(argv[2]), argc > 3 ? strtoull(argv[3], NULL, 10) : 1);
    fprintf(stderr, "usage: routing-bench solomon DIR TIME_MS [JOBS [SET]] | gh DIR TIME_MS [JOBS [SET]] | "
                    "homecare TIME_MS PATIENTS SEEDS | scale TIME_MS [SEED]\n");
    return 64;
}
