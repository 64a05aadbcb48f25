/*
 * routing-solve — command-line driver for the visit routing optimizer.
 *
 *   routing-solve --solomon FILE [--time-ms N] [--cpu-time] [--iterations N] [--seed S]
 *       solves a Solomon instance; prints "Route #k: c1 c2 ..." per non-empty route and "Cost X" on
 *       standard output (the VRPLIB solution layout), and the timing on standard error.
 *   routing-solve --json FILE|- [--time-ms N] [--iterations N] [--seed S]
 *       reads a day plan (services/routing/solver/README.md), writes the planned day as JSON.
 *
 * Every solution goes through the independent checker; exit status 2 when it fails.
 */
#include "solver.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct opts {
    const char *solomon, *json;
    double time_ms;
    long iterations;
    unsigned long long seed;
    bool time_set, iter_set, seed_set, cpu_time;
} opts_t;

static void usage(FILE *f)
{
    fputs("usage: routing-solve (--solomon FILE | --json FILE|-) [--time-ms N] [--cpu-time] [--iterations N] "
          "[--seed S]\n",
          f);
}

static int parse(int argc, char **argv, opts_t *o)
{
    static const struct option longs[] = {
        {"solomon", required_argument, 0, 'S'}, {"json", required_argument, 0, 'J'},
        {"time-ms", required_argument, 0, 't'}, {"iterations", required_argument, 0, 'i'},
        {"seed", required_argument, 0, 's'},    {"cpu-time", no_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        char *end = NULL;
        errno = 0;
        switch (c) {
        case 'S':
            o->solomon = optarg;
            break;
        case 'J':
            o->json = optarg;
            break;
        case 't':
            o->time_ms = strtod(optarg, &end);
            o->time_set = true;
            break;
        case 'i':
            o->iterations = strtol(optarg, &end, 10);
            o->iter_set = true;
            break;
        case 's':
            o->seed = strtoull(optarg, &end, 10);
            o->seed_set = true;
            break;
        case 'c':
            o->cpu_time = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            return -1;
        }
        if (end && (*end || errno))
            return -1;
    }
    return (!o->solomon == !o->json) || optind != argc ? -1 : 0;
}

static void apply_opts(const opts_t *o, routing_solver_params_t *prm)
{
    if (o->time_set)
        prm->time_limit_ms = o->time_ms;
    if (o->iter_set) {
        prm->max_iterations = o->iterations;
        if (!o->time_set)
            prm->time_limit_ms = 0;
    }
    if (o->seed_set)
        prm->seed = o->seed;
    if (o->cpu_time)
        prm->cpu_time = true;
}

static int check(const routing_problem_t *p, const routing_result_t *res)
{
    char err[256];
    if (routing_solver_check(p, res, err, sizeof(err)) == 0)
        return 0;
    fprintf(stderr, "routing-solve: checker rejected the solution: %s\n", err);
    return 2;
}

static int run_solomon(const opts_t *o)
{
    routing_problem_t *p = NULL;
    routing_result_t *res = NULL;
    char name[64];
    int rc = routing_solomon_read(o->solomon, &p, name, sizeof(name));
    if (rc < 0) {
        fprintf(stderr, "routing-solve: cannot read %s (%d)\n", o->solomon, rc);
        return 1;
    }
    routing_solver_params_t prm;
    routing_solver_params_default(&prm);
    apply_opts(o, &prm);
    if (routing_solver_solve(p, &prm, &res) < 0) {
        fprintf(stderr, "routing-solve: solve failed\n");
        routing_problem_destroy(&p);
        return 1;
    }
    int status = check(p, res);
    for (int r = 0, k = 0; r < res->n_routes; r++) {
        if (!res->routes[r].n_stops)
            continue;
        printf("Route #%d:", ++k);
        for (int i = 0; i < res->routes[r].n_stops; i++)
            printf(" %s", routing_problem_visit(p, res->routes[r].stops[i].index)->id);
        printf("\n");
    }
    printf("Cost %.2f\n", res->travel);
    fprintf(stderr,
            "instance %s cost %.3f unassigned %d iterations %ld time_ms %.1f cpu_ms %.1f best_at_ms %.1f\n",
            name, res->travel, res->n_unassigned, res->iterations, res->elapsed_ms, res->cpu_ms,
            res->best_found_ms);
    if (res->n_unassigned && !status)
        status = 3;
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
    return status;
}

static char *slurp(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return NULL;
    size_t n = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *g = realloc(buf, cap *= 2);
            if (!g)
                free(buf);
            buf = g;
        }
    }
    if (f != stdin)
        fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

static int run_json(const opts_t *o)
{
    char *text = slurp(o->json), err[256] = "";
    if (!text) {
        fprintf(stderr, "routing-solve: cannot read %s\n", o->json);
        return 1;
    }
    routing_problem_t *p = NULL;
    routing_result_t *res = NULL;
    routing_solver_params_t prm;
    routing_solver_params_default(&prm);
    int rc = routing_json_read(text, &p, &prm, err, sizeof(err));
    free(text);
    if (rc < 0) {
        fprintf(stderr, "routing-solve: bad day plan: %s\n", err);
        return 1;
    }
    apply_opts(o, &prm);
    int status = 1;
    if (routing_solver_solve(p, &prm, &res) == 0) {
        status = check(p, res);
        char *out = routing_json_write(p, res);
        if (out)
            puts(out);
        free(out);
        fprintf(stderr, "travel %.3f unassigned %d iterations %ld time_ms %.1f first_feasible_ms %.1f\n",
                res->travel, res->n_unassigned, res->iterations, res->elapsed_ms, res->first_feasible_ms);
    }
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
    return status;
}

int main(int argc, char **argv)
{
    opts_t o = {.seed = 1};
    if (parse(argc, argv, &o) < 0) {
        usage(stderr);
        return 64;
    }
    return o.solomon ? run_solomon(&o) : run_json(&o);
}
