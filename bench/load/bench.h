/*
 * bench.h — the drivers of `make bench` (wh-bench): each measures one row of the brief's
 * performance table against a running stack and prints its figures as `key=value` lines on stdout,
 * which bench/run.sh turns into the report.  Progress and problems go to stderr.
 */
#ifndef BENCH_H
#define BENCH_H

/* wh-bench csv ROWS SEED FILE: the bulk-intake input (duplicates, risk indicators). */
int bench_csv_main(int argc, char **argv);
/* wh-bench commands [--clients 16] [--window 16] [--seconds 20] [--warmup 3] [--seed S]:
 * SubmitReferral from concurrent clients, each its own connection, pipelined. */
int bench_commands_main(int argc, char **argv);
/* wh-bench events [--rate 1000] [--seconds 10] [--seed S]: referral ack → case opened → KPI
 * visible, polled as superuser on WH_BENCH_DB_URL. */
int bench_events_main(int argc, char **argv);
/* wh-bench kpi [--queries 2000] [--dongs 20] [--prefix 97] [--from 2016-01-01] [--days 3650]:
 * QueryKpi latency through the reporting service. */
int bench_kpi_main(int argc, char **argv);
/* wh-bench match [--dongs 100] [--resources 10000] [--queries 100000] [--window 16]: registry
 * matching (MatchNeeds) at district scale, after defining the dongs and registering the resources. */
int bench_match_main(int argc, char **argv);

/* QueryKpi for the dongs PREFIX00000000 .. PREFIX(n-1) over [from, to] through the reporting
 * connection c: the total case_households, or -1 (logged) on failure. */
typedef struct whc whc;
long long bench_kpi_case_households(whc *c, const char *prefix, int n, const char *from, const char *to);

/* Reads "--name value" options into the matching variable (a tiny shared parser): returns 0, or -1
 * with a message for an unknown option or a bad number. */
typedef struct bench_opt {
    const char *name;
    double *value;
} bench_opt;
int bench_parse_opts(int argc, char **argv, bench_opt *opts);

#endif
