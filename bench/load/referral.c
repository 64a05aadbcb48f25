/*
 * referral.c — the seeded referral generator (see referral.h): households as pure functions of
 * their number, rows that create or re-report them, CSV and protobuf renderings.
 */
#include "referral.h"

#include <string.h>

static const char *const DONG_CODES[] = {"2650051000", "2650052000", "2650053000", "2650054000",
                                         "2650055000", "2650056000", "2650057000", "2650058000",
                                         "2650059000", "2650060000"};
static const char *const ROADS[] = {"수영로", "광안로", "남천동로", "망미로",
                                    "민락로", "연수로", "좌수영로", "황령대로"};
static const char *const SURNAMES[] = {"김", "이", "박", "최", "정", "강",
                                       "조", "윤", "장", "임", "한", "오"};
static const char *const SYLLABLES[] = {"순", "영", "민", "정", "수", "희", "호", "준", "서", "지",
                                        "현", "숙", "철", "동", "자", "경", "미", "성", "은", "태"};
static const char *const CHANNELS[] = {"",     "safety_net", "partner_agency", "survey", "national_list",
                                       "self", "outreach"};
static const char *const CONCERNS[] = {"홀로 사는 어르신, 최근 외출이 없음",
                                       "관리비와 월세가 밀려 있음",
                                       "단전 위기 통보를 받음",
                                       "실직 후 생활고, 자녀 양육",
                                       "건강이 나빠 병원에 가지 못함",
                                       "이웃이 우편물이 쌓인 것을 보고 알림"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

uint64_t bench_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double bench_uniform(uint64_t *state)
{
    return (double)(bench_rand(state) >> 11) / 9007199254740992.0;
}

static unsigned below(uint64_t *state, unsigned n)
{
    return (unsigned)(bench_rand(state) % n);
}

/* Proleptic Gregorian date of a day number counted from 1970-01-01 (Howard Hinnant's algorithm). */
static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

#define DAY_1935_01_01 (-12784L)
#define BIRTH_DAYS     25550U /* 1935-01-01 .. 2004-12-13 */
#define DAY_2026_01_01 20454L

/* A valid resident number for person number p: birth date and serial are a bijection of p. */
static void make_rrn(uint64_t p, char out[15])
{
    static const int weight[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
    unsigned day = (unsigned)((p % BIRTH_DAYS) * 7919U % BIRTH_DAYS);
    unsigned serial = (unsigned)(p / BIRTH_DAYS) % 100000U;
    int y, m, d;
    civil_from_days(DAY_1935_01_01 + (long)day, &y, &m, &d);
    int sex_century = (y < 2000 ? 1 : 3) + (int)(p & 1);
    char digits[14];
    snprintf(digits, sizeof digits, "%02d%02d%02d%d%05u", y % 100, m, d, sex_century, serial);
    int sum = 0;
    for (int i = 0; i < 12; i++)
        sum += (digits[i] - '0') * weight[i];
    snprintf(out, 15, "%.6s-%.6s%d", digits, digits + 6, (11 - sum % 11) % 10);
}

static void make_name(uint64_t *h, char *out, size_t n)
{
    snprintf(out, n, "%s%s%s", SURNAMES[below(h, COUNT(SURNAMES))], SYLLABLES[below(h, COUNT(SYLLABLES))],
             SYLLABLES[below(h, COUNT(SYLLABLES))]);
}

static void dong_of(const bench_mix *mix, uint64_t *h, char out[11])
{
    if (mix->dong_prefix)
        snprintf(out, 11, "%s%08u", mix->dong_prefix, below(h, mix->dongs ? mix->dongs : 1));
    else
        snprintf(out, 11, "%s", DONG_CODES[below(h, COUNT(DONG_CODES))]);
}

/* The household's fixed facts: everything but the channel, date and the reporter's knowledge. */
static void household(const bench_mix *mix, uint64_t k, bench_referral *r, bool *high_risk)
{
    uint64_t h = mix->seed ^ ((uint64_t)mix->ns << 56) ^ (k * 0x2545f4914f6cdd1dULL);
    bench_rand(&h);
    dong_of(mix, &h, r->dong_code);
    unsigned number = 1 + below(&h, 400);
    if (below(&h, 2))
        snprintf(r->address, sizeof r->address, "부산광역시 수영구 %s %u, %u동 %u호",
                 ROADS[below(&h, COUNT(ROADS))], number, 101 + below(&h, 9), 101 + below(&h, 1500));
    else
        snprintf(r->address, sizeof r->address, "부산광역시 수영구 %s %u", ROADS[below(&h, COUNT(ROADS))],
                 number);
    r->located = below(&h, 10) < 7;
    r->latitude = 35.13 + bench_uniform(&h) * 0.05;
    r->longitude = 129.09 + bench_uniform(&h) * 0.05;
    r->known_to_programme = below(&h, 10) < 3;
    unsigned roll = below(&h, 100);
    r->n_persons = roll < 55 ? 1 : roll < 85 ? 2 : 3;
    for (unsigned j = 0; j < r->n_persons; j++) {
        bench_person *p = &r->persons[j];
        make_rrn((uint64_t)mix->ns * 100000000ULL + k * BENCH_PERSONS_MAX + j, p->rrn);
        make_name(&h, p->name, sizeof p->name);
        if (below(&h, 2))
            snprintf(p->phone, sizeof p->phone, "010-%04u-%04u", below(&h, 10000), below(&h, 10000));
        else
            p->phone[0] = '\0';
    }
    *high_risk = bench_uniform(&h) < mix->high_risk_rate;
    if (*high_risk) { /* 24 + 24 + 12 at least: above the case threshold of 50 */
        r->utility = 4 + (int)below(&h, 4);
        r->rent = 3 + (int)below(&h, 3);
        r->lives_alone = true;
    } else {
        r->utility = below(&h, 4) == 0 ? 1 + (int)below(&h, 2) : 0;
        r->rent = below(&h, 5) == 0 ? 1 : 0;
        r->lives_alone = below(&h, 3) == 0;
    }
    r->insurance = below(&h, 4) == 0 ? (int)below(&h, 4) : 0;
    r->disability = below(&h, 10) == 0;
    r->chronic_illness = below(&h, 5) == 0;
    r->unemployed = below(&h, 5) == 0;
    r->single_parent = r->n_persons > 1 && below(&h, 8) == 0;
}

void bench_stream_init(bench_stream *s, const bench_mix *mix)
{
    memset(s, 0, sizeof *s);
    s->mix = *mix;
    s->rng = mix->seed * 0x9e3779b97f4a7c15ULL + mix->ns + 1;
}

void bench_stream_next(bench_stream *s, bench_referral *out)
{
    memset(out, 0, sizeof *out);
    out->duplicate = s->households > 0 && bench_uniform(&s->rng) < s->mix.duplicate_rate;
    uint64_t k = out->duplicate ? bench_rand(&s->rng) % s->households : s->households++;
    bool high_risk;
    household(&s->mix, k, out, &high_risk);
    if (out->duplicate) {
        /* Another channel, later: often knows only the first person, and the arrears have grown. */
        if (below(&s->rng, 2))
            out->n_persons = 1;
        out->utility += (int)below(&s->rng, 2);
    }
    out->channel = 1 + (int)below(&s->rng, 6);
    int y, m, d;
    civil_from_days(DAY_2026_01_01 + (long)below(&s->rng, 330), &y, &m, &d);
    snprintf(out->reported_on, sizeof out->reported_on, "%04d-%02d-%02d", y, m, d);
    snprintf(out->concern, sizeof out->concern, "%s", CONCERNS[below(&s->rng, COUNT(CONCERNS))]);
    s->rows++;
}

/* A cell, quoted when it holds a comma, a quote or a line break. */
static void cell(FILE *out, const char *s, bool last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
    fputc(last ? '\n' : ',', out);
}

void bench_referral_write_csv_header(FILE *out)
{
    fputs("channel,reported_on,household.dong_code,household.address,household.location.latitude,"
          "household.location.longitude,household.known_to_programme",
          out);
    for (int j = 0; j < BENCH_PERSONS_MAX; j++)
        fprintf(out, ",persons.%d.name,persons.%d.rrn,persons.%d.phone", j, j, j);
    fputs(
        ",risk.months_utility_arrears,risk.months_rent_arrears,risk.months_insurance_arrears,"
        "risk.lives_alone,risk.disability,risk.chronic_illness,risk.unemployed,risk.single_parent,concern\n",
        out);
}

static const char *tf(bool b)
{
    return b ? "true" : "false";
}

void bench_referral_write_csv(FILE *out, const bench_referral *r)
{
    char lat[24] = "", lon[24] = "", num[3][12];
    if (r->located) {
        snprintf(lat, sizeof lat, "%.5f", r->latitude);
        snprintf(lon, sizeof lon, "%.5f", r->longitude);
    }
    cell(out, CHANNELS[r->channel], false);
    cell(out, r->reported_on, false);
    cell(out, r->dong_code, false);
    cell(out, r->address, false);
    cell(out, lat, false);
    cell(out, lon, false);
    cell(out, tf(r->known_to_programme), false);
    for (unsigned j = 0; j < BENCH_PERSONS_MAX; j++) {
        const bench_person *p = &r->persons[j];
        bool used = j < r->n_persons;
        cell(out, used ? p->name : "", false);
        cell(out, used ? p->rrn : "", false);
        cell(out, used ? p->phone : "", false);
    }
    snprintf(num[0], sizeof num[0], "%d", r->utility);
    snprintf(num[1], sizeof num[1], "%d", r->rent);
    snprintf(num[2], sizeof num[2], "%d", r->insurance);
    for (int i = 0; i < 3; i++)
        cell(out, num[i], false);
    cell(out, tf(r->lives_alone), false);
    cell(out, tf(r->disability), false);
    cell(out, tf(r->chronic_illness), false);
    cell(out, tf(r->unemployed), false);
    cell(out, tf(r->single_parent), false);
    cell(out, r->concern, true);
}

void bench_referral_to_pb(bench_referral *r, bench_referral_pb *pb)
{
    Welfare__Intake__V1__SubmitReferral msg = WELFARE__INTAKE__V1__SUBMIT_REFERRAL__INIT;
    Welfare__Intake__V1__ReferredHousehold hh = WELFARE__INTAKE__V1__REFERRED_HOUSEHOLD__INIT;
    Welfare__Common__V1__GeoPoint at = WELFARE__COMMON__V1__GEO_POINT__INIT;
    Welfare__Intake__V1__RiskIndicators risk = WELFARE__INTAKE__V1__RISK_INDICATORS__INIT;
    Welfare__Intake__V1__ReferredPerson person = WELFARE__INTAKE__V1__REFERRED_PERSON__INIT;

    pb->msg = msg;
    pb->household = hh;
    pb->location = at;
    pb->risk = risk;
    pb->household.address = r->address;
    pb->household.dong_code = r->dong_code;
    pb->household.known_to_programme = r->known_to_programme;
    if (r->located) {
        pb->location.latitude = r->latitude;
        pb->location.longitude = r->longitude;
        pb->household.location = &pb->location;
    }
    for (unsigned j = 0; j < r->n_persons; j++) {
        pb->persons[j] = person;
        pb->persons[j].rrn = r->persons[j].rrn;
        pb->persons[j].name = r->persons[j].name;
        pb->persons[j].phone = r->persons[j].phone;
        pb->person_ptrs[j] = &pb->persons[j];
    }
    pb->risk.months_utility_arrears = r->utility;
    pb->risk.months_rent_arrears = r->rent;
    pb->risk.months_insurance_arrears = r->insurance;
    pb->risk.lives_alone = r->lives_alone;
    pb->risk.disability = r->disability;
    pb->risk.chronic_illness = r->chronic_illness;
    pb->risk.unemployed = r->unemployed;
    pb->risk.single_parent = r->single_parent;
    pb->msg.channel = (Welfare__Intake__V1__Channel)r->channel;
    pb->msg.household = &pb->household;
    pb->msg.n_persons = r->n_persons;
    pb->msg.persons = pb->person_ptrs;
    pb->msg.concern = r->concern;
    pb->msg.risk = &pb->risk;
    pb->msg.reported_on = r->reported_on;
}
