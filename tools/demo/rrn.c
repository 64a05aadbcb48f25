/*
 * rrn.c — synthetic resident registration numbers: the real format "YYMMDD-GNNNNNC" (G: sex and
 * century, C: the check digit), with the two "region" digits after G drawn from 96..99, a range no
 * office ever issued, so a demo number can never be a real person's.
 */
#include <stdio.h>
#include <string.h>

#include "demo.h"

static const int weights[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};

static int check_digit(const char digits[12])
{
    int sum = 0;
    for (int i = 0; i < 12; i++)
        sum += (digits[i] - '0') * weights[i];
    return (11 - sum % 11) % 10;
}

void demo_rrn(demo_rng *r, const char *birth_date, char sex, char out[15])
{
    int century2000 = strncmp(birth_date, "2000", 4) >= 0;
    int g = (century2000 ? 3 : 1) + (sex == 'F');
    char digits[13];
    snprintf(digits, sizeof digits, "%.2s%.2s%.2s%d%02d%03d", birth_date + 2, birth_date + 5, birth_date + 8,
             g, (int)demo_rng_range(r, 96, 99), (int)demo_rng_range(r, 0, 999));
    snprintf(out, 15, "%.6s-%.6s%d", digits, digits + 6, check_digit(digits));
}

bool demo_rrn_valid(const char *rrn)
{
    char digits[12];
    if (!rrn || strlen(rrn) != 14 || rrn[6] != '-')
        return false;
    for (int i = 0, j = 0; i < 14; i++) {
        if (i == 6)
            continue;
        if (rrn[i] < '0' || rrn[i] > '9')
            return false;
        if (j < 12)
            digits[j++] = rrn[i];
    }
    return check_digit(digits) == rrn[13] - '0';
}
