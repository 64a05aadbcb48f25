/*
 * dates.c — business dates as day numbers (days since 1970-01-01, proleptic Gregorian), so the
 * generator can spread referrals over the period and step through working days.
 */
#include <stdio.h>
#include <string.h>

#include "demo.h"

/* Howard Hinnant's days_from_civil. */
static int days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int demo_date_days(const char *date)
{
    int y = 0, m = 0, d = 0;
    if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return -1;
    return days_from_civil(y, m, d);
}

void demo_date_format(int z, char out[11])
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp + (mp < 10 ? 3 : -9);
    char tmp[40]; /* room for any int, to keep the compiler's truncation check quiet */
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y + (m <= 2), m, d);
    memcpy(out, tmp, 10);
    out[10] = 0;
}

void demo_date_plus(const char *date, int days, char out[11])
{
    demo_date_format(demo_date_days(date) + days, out);
}

int demo_date_weekday(int days)
{
    return (days + 3) % 7; /* 1970-01-01 was a Thursday */
}
