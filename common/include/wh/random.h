/*
 * wh/random.h — random bytes for nonces and ids without a system call each.
 *
 * libsodium's randombytes_buf is one getrandom(2) per call; the bulk path asks for random bytes ~9
 * times a row (a 24-byte nonce per seal, 10 bytes per event id).  wh_random_bytes serves them from a
 * per-thread ChaCha20 generator instead, seeded from the kernel (randombytes_buf) and run as a
 * "fast-key-erasure" generator (D. J. Bernstein, 2017): each refill draws 32 + WH_RANDOM_POOL bytes
 * of keystream from the current key with a zero nonce, the first 32 become the next key (the old one
 * is overwritten), the rest are served and wiped as they are handed out.  A key encrypts one stream
 * only, so the zero nonce never repeats under a key; a copy of the state taken now reveals none of the
 * bytes served before.  Each thread reseeds from the kernel after WH_RANDOM_RESEED_BYTES, and a
 * forked child reseeds before its first draw (pthread_atfork), so parent and child never share a
 * stream.  What the callers need — nonces that never repeat and cannot be predicted, ids that do not
 * collide — holds as it did with the kernel's generator, ChaCha20 being a PRF.
 */
#ifndef WH_RANDOM_H
#define WH_RANDOM_H

#include <stddef.h>

/* Keystream bytes served between two of a thread's refills, and between two seeds from the kernel. */
#define WH_RANDOM_POOL         512
#define WH_RANDOM_RESEED_BYTES (1u << 20)

/* Fills buf with len unpredictable bytes.  Aborts only when libsodium cannot start (no entropy
 * source), as wh_uuid always has.  Thread-safe: each thread has its own generator. */
void wh_random_bytes(void *buf, size_t len);

/* How many times this thread's generator has been seeded from the kernel (tests). */
unsigned long wh_random_seeds(void);

#endif
