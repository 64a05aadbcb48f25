/*
 * fuzzy.h — Korean-aware scoring of two person descriptions (issue 16, "Referrals without a resident
 * number").  Pure: no database, no clock, no PII key; it sees plaintext only in the caller's memory.
 * The household rule uses it as its scored match kind (resolve_fuzzy.c; intake README, "Fuzzy matching").
 *
 * A description is what a neighbour knows: name, birth date or birth year, sex, address, phone digits,
 * any of them NULL or "".  intake_fuzzy_score compares two and returns a score in [0, 1] with the
 * reasons that made it; the weights and thresholds are data (intake_fuzzy_default_weights).
 *   - names: NFC, then Hangul syllables decomposed to jamo and compared by edit distance (so an NFD
 *     name, a conjoining-jamo name and a one-jamo typo are near); Latin (romanised) names lose their
 *     diacritics, are lower-cased and their words sorted, so "NGUYEN Van An", "van an nguyen" and
 *     "Nguyễn Văn An" are one name; a name all in Hangul and one all in Latin letters are compared
 *     by their transliterated keys (translit.h: 응우옌 반 안 and NGUYEN Van An), reason "transliterated";
 *   - birth: the same date, or one digit changed or two adjacent digits swapped (a typo), or only a
 *     birth year within one year (an approximate age);
 *   - address: spacing, punctuation, 번지, romanised -ro/-gil/-beon-gil and 동/dong forms normalised,
 *     and a lot-number address of a building in the district's place table (places.h) written as its
 *     road-name form; a building not in the table keeps its two forms apart;
 *   - phone: the same digits;
 *   - sex: both given and different vetoes the match (score 0); the same, with the exact name at the
 *     same address, counts (a household's members are told apart by name, sex and birth year);
 *   - birth years more than birth_far_years apart veto it (a parent and a child carrying one name).
 * Only the exact name attaches (attach_name_min), and only with a birth that agrees
 * (attach_needs_birth): a name one jamo off, or no birth at all, is at most a suspicion; a name
 * not near (below name_min) is none (suspect_needs_name).
 */
#ifndef INTAKE_FUZZY_H
#define INTAKE_FUZZY_H

#include <stddef.h>

typedef struct intake_fuzzy_person {
    const char *name;
    const char *birth_date; /* YYYY-MM-DD, or NULL */
    int birth_year;         /* 0 when unknown; used when birth_date is absent */
    char sex;               /* 'F', 'M' or 0 */
    const char *address;
    /* The address's comparable form already keyed-hashed (prepare.c's address block, what the store
     * keeps): when both persons have one, they are compared instead of address. */
    const char *address_block;
    const char *phone_digits;
} intake_fuzzy_person;

typedef struct intake_fuzzy_weights {
    double name;     /* times the name similarity when it reaches name_min */
    double name_min; /* below this similarity a name contributes nothing */
    double birth_exact;
    double birth_typo;      /* one digit changed or two adjacent digits swapped */
    double birth_year_near; /* birth years within one: the district's setting
                               WH_INTAKE_FUZZY_BIRTH_YEAR_NEAR (intake_fuzzy_set_birth_year_near) */
    double address;
    double phone;
    /* The exact name and the same sex (both given) at the same address: a member of that household —
     * name, sex and an approximate birth year tell its members apart, twins having other names. */
    double sex_at_address;
    int birth_far_years;    /* birth years further apart than this (no typo) veto the match (score 0) */
    double attach_name_min; /* a name less similar than this never attaches: 서연/서윤 are twins as
                               often as a typo, so an operator decides */
    int attach_needs_birth; /* without a birth that agrees nothing attaches: name, address and a
                               household's phone are a parent's and a child's who carry one name */
    int suspect_needs_name; /* a name below name_min is not even a suspicion: birth date, address
                               and phone alone are a twin's */
    double attach;          /* a score at least this attaches automatically */
    double suspect;         /* at least this (and below attach): a DuplicateSuspected */
} intake_fuzzy_weights;

/* The weights the resolver scores with: the defaults of fuzzy.c, birth_year_near as the district set
 * it at start (intake_fuzzy_set_birth_year_near), nothing else changes them. */
extern intake_fuzzy_weights intake_fuzzy_default_weights;

/* The heaviest birth_year_near: a year within one never weighs more than the exact date. */
#define INTAKE_FUZZY_BIRTH_YEAR_NEAR_MAX 0.25

/* Sets birth_year_near from text ("0.20"): a number from 0 to INTAKE_FUZZY_BIRTH_YEAR_NEAR_MAX, all
 * of text; 0, or -1 leaving it as it was. */
int intake_fuzzy_set_birth_year_near(const char *text);

typedef enum intake_fuzzy_verdict {
    INTAKE_FUZZY_DIFFERENT,
    INTAKE_FUZZY_SUSPECTED,
    INTAKE_FUZZY_SAME
} intake_fuzzy_verdict;

#define INTAKE_FUZZY_REASONS 160

typedef struct intake_fuzzy_result {
    double score;
    double name_similarity;
    intake_fuzzy_verdict verdict;
    char reasons[INTAKE_FUZZY_REASONS]; /* e.g. "name 0.89; birth typo; address; phone" */
} intake_fuzzy_result;

/* Jamo edit distance of two names (NFC first); *longest gets the longer jamo length. */
size_t intake_fuzzy_name_distance(const char *a, const char *b, size_t *longest);
/* 1 - distance / longest, 0 when either is empty. */
double intake_fuzzy_name_similarity(const char *a, const char *b);
/* Writes the comparable form of an address into out (cap bytes, NUL-terminated); returns its length. */
size_t intake_fuzzy_address_form(const char *address, char *out, size_t cap);
/* The same without the place table (what places.c keeps of each side of a place). */
size_t intake_fuzzy_address_plain_form(const char *address, char *out, size_t cap);
/* True when two YYYY-MM-DD dates differ by one digit or one swap of adjacent digits. */
int intake_fuzzy_birth_typo(const char *a, const char *b);

void intake_fuzzy_score(const intake_fuzzy_person *a, const intake_fuzzy_person *b,
                        const intake_fuzzy_weights *w, intake_fuzzy_result *out);

#endif
