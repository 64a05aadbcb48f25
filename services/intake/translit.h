/*
 * translit.h — a foreign resident's name written in Hangul compared with its romanised form (issue 16,
 * "romanised variants for foreign residents"): 응우옌 반 안 and NGUYEN Van An, 존 스미스 and John Smith.
 *
 * Both sides are written in one reduced alphabet (translit.c, the mapping declared as data) and the
 * two keys compared by a weighted edit distance.  Korean loanword orthography writes several Latin
 * letters with one Hangul letter (b/p/f/v → ㅂ/ㅍ, l/r → ㄹ, j/z/ch → ㅈ/ㅊ) and writes a vowel ㅡ
 * after a consonant with none (스미스), so the alphabet has one letter for each such group:
 *   consonants  K (ㄱㄲㅋ; g k c q)  T (ㄷㄸㅌ; d t th)  P (ㅂㅃㅍ; b p f v ph)  S (ㅅㅆ; s sh)
 *               J (ㅈㅉㅊ; j z ch zh)  L (ㄹ; l r)  M  N  H  G (a final ㅇ; ng)
 *   vowels      a (ㅏㅓㅗ; a o)  i (ㅣㅔㅐ; e i y)  u (ㅜ; u w), ㅡ dropped, diphthongs as two (ㅖ → ii);
 * a run of one letter counts once (안나 = Anna), a name's words are sorted (given or family first).
 * A Latin name is read several ways (readings: Vietnamese and Chinese tr/x/q → ㅉ/ㅅ/ㅊ; Spanish
 * j → ㅎ, z → ㅅ; English: th → ㅅ, a silent final e or es and the long vowel before it (Kate 케이트,
 * Mike 마이크, James 제임스), an s before it → ㅈ (Rose 로즈), er/or/ur/ir/ar → ㅓ/ㅏ before a consonant or
 * at the end (Robert 로버트), ea/ay/ai → ㅣ/ㅔ, oo → ㅜ, ch before r/l → ㅋ, a final el → 얼 (Daniel
 * 대니얼); English with a short a → ㅐ (Jack 잭); English ch → ㅋ (Nicholas 니콜라스); English with an
 * open-syllable i or y → 아이 and ch → ㅋ (Michael 마이클, Simon 사이먼); French ch → ㅅ (Michelle 미셸)),
 * each word in the
 * reading whose key lies nearest some run of the Hangul key (José Smith: j as ㅎ, th as ㅅ), so a name
 * costs words × readings short comparisons and one whole one.
 */
#ifndef INTAKE_TRANSLIT_H
#define INTAKE_TRANSLIT_H

#include <stddef.h>

/* True when name, in NFC, is Hangul syllables and spaces only, with at least one syllable. */
int intake_translit_is_hangul(const char *name);

/* The key of a Hangul name (NFC first) into out (cap bytes, NUL-terminated); its length. */
size_t intake_translit_hangul_key(const char *name, char *out, size_t cap);

/* The key of a Latin name (ASCII letters; anything else separates words) in reading r (0 .. the
 * number of readings - 1); its length, or 0 when r is no reading. */
size_t intake_translit_latin_key(const char *name, int reading, char *out, size_t cap);

/* The key of a Latin name with each word in the reading that fits hangul_key (a key of
 * intake_translit_hangul_key) best: the cheapest distance of the word's key to a run of hangul_key,
 * the first reading among equals; its length. */
size_t intake_translit_nearest_key(const char *latin, const char *hangul_key, char *out, size_t cap);

/* Similarity in [0, 1] of a Hangul name and an ASCII Latin name: 1 - weighted edit distance of the
 * keys / the longer key's weight (a vowel weighs 1, a consonant 2), the Latin key the nearest one. */
double intake_translit_similarity(const char *hangul, const char *latin);

#endif
