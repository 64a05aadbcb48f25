/*
 * fuzz_csv.c — libFuzzer target for the CSV reader (cli/csv.c): any bytes must give records or a
 * clean error, never a crash, an overread or a leak; and every field is NUL-terminated inside the
 * reader's buffer.
 *
 *     make fuzz-welfarectl-csv FUZZ_SECONDS=60
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *in;
    wctl_csv *csv;
    char **fields, err[200];
    size_t n, total = 0;
    long line, last = 0;
    int rc;

    if (size == 0)
        return 0;
    in = fmemopen((void *)data, size, "r");
    if (in == NULL)
        return 0;
    csv = wctl_csv_open(in);
    while ((rc = wctl_csv_next(csv, &fields, &n, &line, err, sizeof err)) == 1) {
        if (line <= last || n == 0)
            __builtin_trap(); /* line numbers grow; a record has a field */
        last = line;
        for (size_t i = 0; i < n; i++)
            total += strlen(fields[i]);
        if (total > size)
            __builtin_trap(); /* fields never hold more than the input */
    }
    wctl_csv_close(&csv);
    fclose(in);
    return 0;
}
