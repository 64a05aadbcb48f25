/*
 * main.c — wh-bench: the load drivers behind `make bench` (see bench.h and bench/README.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} DRIVERS[] = {
    {"csv", bench_csv_main}, {"commands", bench_commands_main}, {"events", bench_events_main},
    {"kpi", bench_kpi_main}, {"match", bench_match_main},
};

int bench_parse_opts(int argc, char **argv, bench_opt *opts)
{
    for (int i = 0; i < argc; i += 2) {
        bench_opt *o = opts;
        while (o->name && strcmp(o->name, argv[i]) != 0)
            o++;
        char *end = NULL;
        if (!o->name || i + 1 >= argc) {
            fprintf(stderr, "wh-bench: unknown option or missing value: %s\n", argv[i]);
            return -1;
        }
        *o->value = strtod(argv[i + 1], &end);
        if (!end || *end) {
            fprintf(stderr, "wh-bench: %s wants a number, not %s\n", argv[i], argv[i + 1]);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    for (size_t i = 0; argc > 1 && i < sizeof DRIVERS / sizeof DRIVERS[0]; i++)
        if (strcmp(argv[1], DRIVERS[i].name) == 0)
            return DRIVERS[i].run(argc - 2, argv + 2) == 0 ? 0 : 1;
    fprintf(stderr, "usage: wh-bench csv|commands|events|kpi|match [options] (see bench/README.md)\n");
    return 2;
}
