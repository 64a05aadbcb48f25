/*
 * main.c — welfare-demo: loads a demo district modelled on Suyeong-gu, Busan into a running stack.
 *
 *   welfare-demo [--seed N] [--households N] [--force] [--quiet] [--wait SECONDS] [--print]
 *
 * The same seed always builds the same district.  A second run finds it loaded (via reporting) and
 * does nothing; an interrupted run can be run again and resumes, since every command's message id is
 * derived from the seed.  --print shows the generated district without contacting any service.
 * Connection settings come from the environment, as for welfarectl (WH_ALLOWLIST_FILE,
 * WH_SECRET_KEY_FILE, WH_<SERVICE>_BUS).
 *
 * Exit status: 0 loaded (or found loaded), 1 stopped before the district was loaded (a service
 * unreachable), 2 usage, 3 loaded but some commands were refused (each named on stderr): a script
 * that loads the demo must not take a partial district for a whole one.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: welfare-demo [--seed N] [--households N] [--force] [--quiet] [--wait SECONDS] "
            "[--print]\n"
            "Loads a demo district (Suyeong-gu, Busan: %zu dongs) into the running services.\n"
            "  --seed N        random seed (default 42); the same seed builds the same district\n"
            "  --households N  households to refer (default %d; 50 makes a tiny district for tests)\n"
            "  --force         load even when reporting shows the demo loaded already\n"
            "  --wait SECONDS  how long to wait for the event flow at each stage (default 60)\n"
            "  --print         print the generated district and exit (no services needed)\n"
            "Exit status: 0 loaded, 1 stopped (a service unreachable), 2 usage, 3 loaded with some\n"
            "commands refused (each named above).\n",
            demo_dongs_count, DEMO_DEFAULT_HOUSEHOLDS);
}

static void print_district(const demo_district *d)
{
    size_t per_dong[32] = {0}, private_ = 0;
    int64_t amount = 0;
    for (size_t i = 0; i < d->n_households; i++)
        per_dong[d->households[i].dong]++;
    for (size_t i = 0; i < d->n_staff; i++)
        private_ += d->staff[i].employment == 2;
    for (size_t i = 0; i < d->n_resources; i++)
        amount += d->resources[i].amount_krw;
    printf("seed %llu, period %s – %s\n", (unsigned long long)d->seed, DEMO_FROM, DEMO_TO);
    for (size_t i = 0; i < demo_dongs_count; i++)
        printf("  %s %s (%s), hub %s: %zu households\n", demo_dongs[i].code, demo_dongs[i].name_ko,
               demo_dongs[i].name_en, demo_dongs[i].hub_code, per_dong[i]);
    printf(
        "households %zu, referrals %zu, staff %zu (%zu private), providers %zu, resources %zu (KRW %lld)\n",
        d->n_households, d->n_referrals, d->n_staff, private_, demo_providers_count, d->n_resources,
        (long long)amount);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"seed", required_argument, NULL, 's'}, {"households", required_argument, NULL, 'n'},
        {"force", no_argument, NULL, 'f'},      {"quiet", no_argument, NULL, 'q'},
        {"wait", required_argument, NULL, 'w'}, {"print", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    demo_options opt = {.seed = 42, .households = DEMO_DEFAULT_HOUSEHOLDS, .wait_secs = 60};
    bool print_only = false;
    for (int c; (c = getopt_long(argc, argv, "s:n:fqw:ph", longopts, NULL)) != -1;) {
        char *end = NULL;
        switch (c) {
        case 's':
            opt.seed = strtoull(optarg, &end, 10);
            break;
        case 'n':
            opt.households = strtoull(optarg, &end, 10);
            break;
        case 'w':
            opt.wait_secs = (int)strtol(optarg, &end, 10);
            break;
        case 'f':
            opt.force = true;
            break;
        case 'q':
            opt.quiet = true;
            break;
        case 'p':
            print_only = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
        if (end && *end) {
            fprintf(stderr, "welfare-demo: not a number: %s\n", optarg);
            return 2;
        }
    }
    if (optind < argc || opt.households < 1 || opt.households > 1000000 || opt.wait_secs < 1) {
        usage(stderr);
        return 2;
    }
    demo_district d;
    if (demo_generate(&d, opt.seed, opt.households) != 0) {
        fprintf(stderr, "welfare-demo: out of memory\n");
        return 1;
    }
    int rc = 0;
    if (print_only)
        print_district(&d);
    else
        rc = demo_drive(&d, &opt);
    demo_district_free(&d);
    if (rc > 0)
        fprintf(stderr, "welfare-demo: the district is loaded but %d commands were refused\n", rc);
    return rc == 0 ? 0 : rc < 0 ? 1 : 3;
}
