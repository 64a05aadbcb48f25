/*
 * rrn.c — resident registration numbers: format, embedded birth date and check digit.
 *
 * "YYMMDD-SNNNNNC": S gives the century (and sex, and whether the holder is a foreign resident):
 * 9/0 the 1800s, 1/2/5/6 the 1900s, 3/4/7/8 the 2000s.  C was a check digit over the first twelve
 * until October 2020; numbers issued since have a random tail, so the check applies only to people
 * born before then (a newborn's number is issued at birth registration).
 */
#include <stdio.h>
#include <string.h>

#include "intake.h"

static const char *const CHECK_UNTIL = "2020-10-01";

static int century_of(char s)
{
    switch (s) {
    case '9':
    case '0':
        return 1800;
    case '1':
    case '2':
    case '5':
    case '6':
        return 1900;
    default: /* '3' '4' '7' '8' */
        return 2000;
    }
}

/* The check digit of the first twelve digits: weights 2..9,2..5, (11 - sum mod 11) mod 10. */
static int check_digit(const char *d)
{
    static const int weight[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
    int sum = 0;
    for (int i = 0; i < 12; i++)
        sum += (d[i] - '0') * weight[i];
    return (11 - sum % 11) % 10;
}

/* Copies the 13 digits, skipping one optional dash after the sixth.  0 or -1. */
static int collect_digits(const char *s, char *d)
{
    size_t n = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '-' && n == 6 && i == 6)
            continue;
        if (s[i] < '0' || s[i] > '9' || n == INTAKE_RRN_DIGITS)
            return -1;
        d[n++] = s[i];
    }
    d[n] = '\0';
    return n == INTAKE_RRN_DIGITS ? 0 : -1;
}

static int fail(const char **why, const char *text)
{
    if (why)
        *why = text;
    return WH_INVALID_ARGUMENT;
}

char intake_rrn_sex(const char *digits)
{
    return (digits[6] - '0') % 2 ? 'M' : 'F';
}

int intake_rrn_parse(const char *s, intake_rrn *out, const char **why)
{
    memset(out, 0, sizeof *out);
    if (!s || !*s)
        return fail(why, "resident registration number is required");
    if (collect_digits(s, out->digits) < 0)
        return fail(why, "resident registration number must be 13 digits, YYMMDD-SNNNNNC");
    const char *d = out->digits;
    int year = century_of(d[6]) + (d[0] - '0') * 10 + (d[1] - '0');
    snprintf(out->birth_date, sizeof out->birth_date, "%04d-%.2s-%.2s", year, d + 2, d + 4);
    if (!intake_date_parse(out->birth_date, NULL, NULL, NULL))
        return fail(why, "resident registration number has no valid birth date");
    if (strcmp(out->birth_date, CHECK_UNTIL) < 0 && check_digit(d) != d[12] - '0')
        return fail(why, "resident registration number has a wrong check digit");
    return 0;
}
