/*
 * district.c — every data choice of the demo district, as tables.
 *
 * Modelled on Suyeong-gu, Busan: its ten administrative dongs with approximate codes, positions and
 * populations; six basic-type hubs and four sphere-type dongs served by a neighbouring central hub;
 * the four professions of visiting staff (about a third privately employed, as the reform hired them);
 * local providers (churches, hospitals, firms, welfare centres — organisations, never persons) and the
 * resources they give with amounts in KRW; referral channels in the shares the district reported
 * (the human safety net first); and the kinds of household the hubs find.  Change the district here;
 * generate.c only draws from these tables.
 */
#include "demo.h"

/* Codes are the 10-digit administrative (haengjeong) codes of Busan Suyeong-gu (26500), positions
 * about each community centre, weights about the population in thousands.  Go-live after seed 004's
 * sequence moved to the demo's year: 망미1동's pilot a year before, the April expansion (수영동,
 * 망미2동, 광안1동, 민락동), the sphere-type pair 남천1·2동 from October (inside the period), 광안2·3·4동
 * not yet (the untreated dongs of the comparison). */
const demo_dong demo_dongs[] = {
    {"2650051000", "남천1동", "Namcheon 1-dong", "2650051000", 35.1365, 129.1130, 23,
     "수영로|황령대로|남천동로", "2026-10-01"},
    {"2650052000", "남천2동", "Namcheon 2-dong", "2650051000", 35.1410, 129.1080, 24,
     "수영로|남천바다로|황령대로", "2026-10-01"},
    {"2650053000", "수영동", "Suyeong-dong", "2650053000", 35.1690, 129.1140, 15, "수영성로|수영로|연수로",
     "2026-04-01"},
    {"2650054000", "망미1동", "Mangmi 1-dong", "2650054000", 35.1750, 129.1110, 20, "망미로|연수로|배산로",
     "2025-07-01"},
    {"2650055000", "망미2동", "Mangmi 2-dong", "2650054000", 35.1720, 129.1020, 13, "망미로|배산로",
     "2026-04-01"},
    {"2650056000", "광안1동", "Gwangan 1-dong", "2650056000", 35.1580, 129.1130, 16, "광안로|수영로|무학로",
     "2026-04-01"},
    {"2650057000", "광안2동", "Gwangan 2-dong", "2650057000", 35.1530, 129.1190, 22,
     "광안해변로|광남로|광안로", ""},
    {"2650058000", "광안3동", "Gwangan 3-dong", "2650056000", 35.1610, 129.1060, 17, "무학로|광서로|수영로",
     ""},
    {"2650059000", "광안4동", "Gwangan 4-dong", "2650056000", 35.1550, 129.1050, 15, "광서로|황령대로", ""},
    {"2650060000", "민락동", "Millak-dong", "2650060000", 35.1570, 129.1300, 26,
     "민락수변로|광안해변로|민락본동로", "2026-04-01"},
};
const size_t demo_dongs_count = sizeof demo_dongs / sizeof demo_dongs[0];

/* The commonest Korean surnames with about their shares (per mille). */
const char *const demo_surnames[] = {"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오",
                                     "서", "신", "권", "황", "안", "송", "류", "전", "홍", "고", "문", "양",
                                     "손", "배", "백", "허", "남", "심", "노", "하", "곽", "성", "차", "주"};
const int demo_surname_weights[] = {215, 147, 84, 47, 44, 23, 21, 20, 19, 16, 15, 15, 15, 14, 13, 13, 13, 13,
                                    12,  11,  11, 9,  9,  9,  9,  8,  8,  7,  6,  6,  6,  5,  4,  4,  4,  4};
const size_t demo_surnames_count = sizeof demo_surnames / sizeof demo_surnames[0];

const char *const demo_given_syllables[] = {
    "민", "서", "지", "현", "수", "영", "준", "은", "하", "정", "성", "진", "희", "경", "미", "숙",
    "순", "자", "옥", "춘", "철", "호", "석", "우", "재", "윤", "혜", "연", "동", "상", "태", "명",
    "광", "길", "복", "말", "분", "덕", "남", "용", "선", "주", "혁", "원", "아", "예", "도", "건"};
const size_t demo_given_syllables_count = sizeof demo_given_syllables / sizeof demo_given_syllables[0];

/* welfare.intake.v1.Channel of a household's referrals: safety net, partner agency, national list, self,
 * outreach.  The survey channel (3, a fifth of the district's referrals) is not drawn here: its referrals
 * are the needs the survey campaigns record (drive_discovery.c), so the survey report and the funnel's
 * survey row count the same referrals. */
const demo_weighted demo_channels[] = {{1, 34}, {2, 14}, {4, 22}, {5, 5}, {6, 5}};
const size_t demo_channels_count = sizeof demo_channels / sizeof demo_channels[0];

const demo_household_kind demo_household_kinds[] = {
    {"older person living alone", 34, 1, 1, 0, 65, 92, 13},
    {"older couple", 12, 2, 2, 0, 66, 90, 6},
    {"middle-aged person living alone", 20, 1, 1, 0, 40, 64, 11},
    {"single-parent family", 13, 1, 1, 3, 28, 52, 9},
    {"family with a disabled member", 9, 2, 3, 2, 35, 70, 9},
    {"young adult living alone", 7, 1, 1, 0, 19, 34, 3},
    {"grandparents raising grandchildren", 5, 1, 2, 2, 60, 80, 11},
};
const size_t demo_household_kinds_count = sizeof demo_household_kinds / sizeof demo_household_kinds[0];

/* Per basic hub: welfare officials, visiting nurses, case managers, vocational counsellors. */
const demo_weighted demo_staff_roles[] = {{1, 3}, {2, 1}, {3, 3}, {4, 1}};
const size_t demo_staff_roles_count = sizeof demo_staff_roles / sizeof demo_staff_roles[0];

const demo_provider demo_providers[] = {
    {"수영구 종합사회복지관", false, true, 0},
    {"광안종합사회복지관", false, true, 5},
    {"망미 노인복지관", false, true, 3},
    {"수영구 보건소", false, true, 2},
    {"수영구 정신건강복지센터", false, true, 2},
    {"부산광역시 고용복지플러스센터 수영분소", false, true, 6},
    {"수영소방서", false, true, 2},
    {"좋은강안병원", true, true, 5},
    {"수영 중앙교회", true, true, 6},
    {"민락 성당", true, true, 9},
    {"남천 행복나눔 푸드뱅크", true, true, 0},
    {"광안리 상인회", true, true, 6},
    {"민락 수산시장 번영회", true, false, 9},
    {"수영 로타리클럽", true, true, 2},
    {"남천 새마을금고", true, true, 1},
    {"부산은행 수영지점", true, true, 5},
    {"망미 주민자치회", true, false, 4},
    {"광안 사랑의 집수리 봉사단", true, false, 7},
    {"수영구 자원봉사센터", false, true, 2},
    {"지역 약국 협의회", true, true, 8},
    {"광안 도시락 나눔터", true, false, 5},
    {"민락 어린이 공부방", true, false, 9},
    {"수영구 장애인복지관", false, true, 3},
    {"남천 아파트 부녀회", true, false, 1},
};
const size_t demo_providers_count = sizeof demo_providers / sizeof demo_providers[0];

/* NeedDomain: 1 income 2 health 3 housing 4 employment 5 care 6 mental health 7 safety 8 education.
 * ResourceKind: 1 service 2 money 3 goods. */
const demo_resource_kind demo_resource_kinds[] = {
    {"emergency living cost grant", 1, 2, 300000, 1200000, 3, 20, false},
    {"utility arrears relief fund", 1, 2, 100000, 600000, 5, 30, true},
    {"rice and side dishes", 1, 3, 30000, 150000, 10, 60, true},
    {"winter heating oil", 3, 3, 150000, 400000, 5, 25, true},
    {"home repair and insulation", 3, 1, 0, 0, 2, 10, true},
    {"rent deposit support", 3, 2, 500000, 3000000, 1, 5, false},
    {"home nursing visits", 2, 1, 0, 0, 5, 30, false},
    {"medical expenses support", 2, 2, 200000, 2000000, 2, 15, false},
    {"free health check-up", 2, 1, 0, 0, 10, 80, false},
    {"job counselling and training", 4, 1, 0, 0, 5, 40, false},
    {"meal delivery for older people", 5, 1, 0, 0, 10, 60, false},
    {"daily-living care helper", 5, 1, 0, 0, 3, 20, false},
    {"counselling for isolation and depression", 6, 1, 0, 0, 5, 30, false},
    {"befriending phone calls", 6, 1, 0, 0, 10, 80, true},
    {"fire and gas safety check", 7, 1, 0, 0, 10, 60, false},
    {"emergency shelter", 7, 1, 0, 0, 1, 5, false},
    {"after-school study room", 8, 1, 0, 0, 5, 25, true},
    {"school supplies and uniforms", 8, 3, 50000, 300000, 5, 30, true},
    {"household appliances", 1, 3, 100000, 700000, 2, 10, true},
};
const size_t demo_resource_kinds_count = sizeof demo_resource_kinds / sizeof demo_resource_kinds[0];
