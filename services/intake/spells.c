/*
 * spells.c — a person's target spells (the union of their enrolment intervals) and the steps between
 * two versions of them.  Pure: day numbers in, day numbers out.
 *
 * The union merges intervals that overlap or touch: enrolled until 31 March in one programme and
 * from 1 April in another is one spell, so moving between programmes is no step at all.  A spell
 * [from, until] is +1 on `from` and -1 on `until + 1`; the steps of a change are the spells after
 * minus the spells before, so a back-dated enrolment that fills a gap withdraws the old -1 and +1 and
 * an enrolment that arrives out of order moves exactly the steps it changes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "roster.h"
#include "wh/util.h"

int32_t intake_day_number(const char *date)
{
    int y, m, d;
    if (!intake_date_parse(date, &y, &m, &d))
        return INTAKE_DAY_INVALID;
    return wh_days_from_civil(y, m, d);
}

void intake_day_format(int32_t day, char out[INTAKE_DATE_LEN + 1])
{
    wh_date_from_days(day, out);
}

static int cmp_span(const void *a, const void *b)
{
    const intake_span *x = a, *y = b;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    return (x->until > y->until) - (x->until < y->until);
}

size_t intake_spans_union(intake_span *spans, size_t n)
{
    if (n == 0)
        return 0;
    qsort(spans, n, sizeof *spans, cmp_span);
    size_t k = 0;
    for (size_t i = 1; i < n; i++) {
        intake_span *last = &spans[k];
        /* touching: the next starts the day after the last ends */
        if (last->until == INTAKE_DAY_OPEN || spans[i].from <= last->until + 1) {
            if (spans[i].until > last->until)
                last->until = spans[i].until;
        } else
            spans[++k] = spans[i];
    }
    return k + 1;
}

static int cmp_step(const void *a, const void *b)
{
    const intake_step *x = a, *y = b;
    return (x->day > y->day) - (x->day < y->day);
}

static size_t add_steps(const intake_span *s, size_t n, int sign, intake_step *out, size_t k)
{
    for (size_t i = 0; i < n; i++) {
        out[k++] = (intake_step){s[i].from, sign};
        if (s[i].until != INTAKE_DAY_OPEN)
            out[k++] = (intake_step){s[i].until + 1, -sign};
    }
    return k;
}

size_t intake_spans_steps(const intake_span *before, size_t n_before, const intake_span *after,
                          size_t n_after, intake_step *out)
{
    size_t k = add_steps(after, n_after, 1, out, 0);
    k = add_steps(before, n_before, -1, out, k);
    qsort(out, k, sizeof *out, cmp_step);
    size_t w = 0;
    for (size_t i = 0; i < k;) {
        intake_step sum = out[i];
        for (i++; i < k && out[i].day == sum.day; i++)
            sum.delta += out[i].delta;
        if (sum.delta != 0)
            out[w++] = sum;
    }
    return w;
}
