/*
 * csv.c — `wh-bench csv ROWS SEED FILE`: writes the bulk-intake input, one referral a row, in the
 * column layout `welfarectl import referrals` reads.  15% of the rows re-report an earlier household
 * (dedup matters), 20% of new households carry case-level risk.  Prints rows= and duplicates=.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "referral.h"

int bench_csv_main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: wh-bench csv ROWS SEED FILE\n");
        return -1;
    }
    long rows = atol(argv[0]);
    FILE *out = fopen(argv[2], "w");
    if (rows <= 0 || !out) {
        fprintf(stderr, "wh-bench csv: bad row count or cannot write %s\n", argv[2]);
        if (out)
            fclose(out);
        return -1;
    }
    bench_mix mix = {
        .seed = strtoull(argv[1], NULL, 10), .ns = 0, .duplicate_rate = 0.15, .high_risk_rate = 0.2};
    bench_stream s;
    bench_referral r;
    long duplicates = 0;
    bench_stream_init(&s, &mix);
    bench_referral_write_csv_header(out);
    for (long i = 0; i < rows; i++) {
        bench_stream_next(&s, &r);
        duplicates += r.duplicate;
        bench_referral_write_csv(out, &r);
    }
    if (fclose(out) != 0) {
        perror("wh-bench csv");
        return -1;
    }
    printf("rows=%ld\nduplicates=%ld\nhouseholds=%llu\n", rows, duplicates, (unsigned long long)s.households);
    return 0;
}
