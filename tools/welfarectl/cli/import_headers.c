/*
 * import_headers.c — the Korean headings of the referral import template, as data, and
 * `welfarectl import template referrals`.
 *
 * A heading ending in a number names a person's field: "성명1" is persons.0.name, "성명2" persons.1.name.
 * A column named a field path (`household.address`) is taken as it is; a column named "오류" or
 * "error" (the rejects file's) is skipped.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wctl.h"

typedef struct heading {
    const char *korean, *path, *meaning;
} heading;

/* Household and referral columns. */
static const heading referral_headings[] = {
    {"경로", "channel", "safety_net, partner_agency, survey, national_list, self"},
    {"신고기관번호", "reporter_id", "registered reporter (optional)"},
    {"신고일", "reported_on", "YYYY-MM-DD, not after today"},
    {"행정동코드", "household.dong_code", "10-digit administrative dong code"},
    {"주소", "household.address", "address"},
    {"위도", "household.location.latitude", "WGS84 degrees (optional)"},
    {"경도", "household.location.longitude", "WGS84 degrees (optional)"},
    {"기존지원여부", "household.known_to_programme", "true / false"},
    {"공과금체납개월", "risk.months_utility_arrears", "months 0..120"},
    {"월세체납개월", "risk.months_rent_arrears", "months 0..120"},
    {"건강보험료체납개월", "risk.months_insurance_arrears", "months 0..120"},
    {"독거", "risk.lives_alone", "true / false"},
    {"장애", "risk.disability", "true / false"},
    {"만성질환", "risk.chronic_illness", "true / false"},
    {"실직", "risk.unemployed", "true / false"},
    {"한부모", "risk.single_parent", "true / false"},
    {"65세이상", "risk.aged_65_or_over", "true / false"},
    {"상담내용", "concern", "free text, at most 2,000 characters"},
};

/* Person columns: heading + number (1-based). */
static const heading person_headings[] = {
    {"성명", "name", "name"},
    {"주민등록번호", "rrn", "YYMMDD-SNNNNNC"},
    {"생년월일", "birth_date", "YYYY-MM-DD (optional; must agree with the number)"},
    {"전화번호", "phone", "phone (optional)"},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

const char *wctl_referral_heading_path(const char *h, char *buf, size_t n)
{
    size_t len;

    if (strcmp(h, "오류") == 0 || strcmp(h, "error") == 0)
        return NULL;
    for (size_t i = 0; i < N_OF(referral_headings); i++)
        if (strcmp(h, referral_headings[i].korean) == 0)
            return referral_headings[i].path;
    for (size_t i = 0; i < N_OF(person_headings); i++) {
        len = strlen(person_headings[i].korean);
        if (strncmp(h, person_headings[i].korean, len) == 0 && isdigit((unsigned char)h[len])) {
            long k = strtol(h + len, NULL, 10);

            if (k >= 1 && k <= 20 && strspn(h + len, "0123456789") == strlen(h + len)) {
                snprintf(buf, n, "persons.%ld.%s", k - 1, person_headings[i].path);
                return buf;
            }
        }
    }
    return h;
}

static void template_usage(FILE *out)
{
    fputs("usage: welfarectl import template referrals [--persons N] [--list]\n"
          "  writes the header line of a referral CSV with Korean headings (UTF-8 with a BOM, so Excel\n"
          "  opens it in Korean); fill it and import it with `welfarectl import referrals FILE.csv`.\n"
          "  --persons N  person columns for N household members (default 2, at most 20)\n"
          "  --list       the headings, the field each fills and what it holds, as a table\n",
          out);
}

int wctl_cmd_import_template(int argc, char **argv)
{
    long persons = 2;
    bool list = false;

    if (argc < 1 || strcmp(argv[0], "referrals") != 0) {
        template_usage(argc > 0 && strcmp(argv[0], "--help") == 0 ? stdout : stderr);
        return argc > 0 && strcmp(argv[0], "--help") == 0 ? 0 : 2;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--persons") == 0 && i + 1 < argc)
            persons = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--list") == 0)
            list = true;
        else {
            template_usage(strcmp(argv[i], "--help") == 0 ? stdout : stderr);
            return strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
    }
    if (persons < 1 || persons > 20) {
        fputs("error: --persons must be 1..20\n", stderr);
        return 2;
    }
    if (list) {
        wctl_table *t = wctl_table_new(3);
        const char *head[] = {"heading", "field", "value"};
        char k[64], path[64];

        wctl_table_add(t, head);
        for (size_t i = 0; i < N_OF(referral_headings); i++) {
            const char *row[] = {referral_headings[i].korean, referral_headings[i].path,
                                 referral_headings[i].meaning};
            wctl_table_add(t, row);
        }
        for (size_t i = 0; i < N_OF(person_headings); i++) {
            snprintf(k, sizeof k, "%sN", person_headings[i].korean);
            snprintf(path, sizeof path, "persons.N-1.%s", person_headings[i].path);
            const char *row[] = {k, path, person_headings[i].meaning};
            wctl_table_add(t, row);
        }
        wctl_table_print(stdout, t);
        wctl_table_free(&t);
        return 0;
    }
    fputs("\xef\xbb\xbf", stdout);
    for (size_t i = 0; i < 4; i++)
        printf("%s%s", i ? "," : "", referral_headings[i].korean);
    for (long p = 1; p <= persons; p++)
        for (size_t i = 0; i < N_OF(person_headings); i++)
            printf(",%s%ld", person_headings[i].korean, p);
    for (size_t i = 4; i < N_OF(referral_headings); i++)
        printf(",%s", referral_headings[i].korean);
    printf("\r\n");
    return 0;
}
