/*
 * wh/pii.h — keyed hashing and encryption of personal identifiers (libsodium).
 *
 * Resident registration numbers and other identifiers are never stored in clear: a keyed hash
 * (BLAKE2b with a 32-byte key) serves exact-match lookup, and an authenticated encryption
 * (XChaCha20-Poly1305 secretbox with a random nonce) keeps the value at rest.  Both keys are derived
 * from one 32-byte master key read from a file (WH_PII_KEY_FILE: 64 hex characters), so rotating it
 * is one secret.  The master key is kept in locked memory and wiped at wh_pii_shutdown().
 */
#ifndef WH_PII_H
#define WH_PII_H

#include <stddef.h>

#define WH_PII_HASH_HEX 64 /* hex characters of a lookup hash */

/* Loads the master key from a file holding 64 hex characters.  0, or WH_INVALID_ARGUMENT (logged). */
int wh_pii_init_file(const char *path);
/* Same from the 32 raw bytes (tests). */
int wh_pii_init_key(const unsigned char key[32]);
void wh_pii_shutdown(void);

/* Lookup hash of a normalized value, as lower-case hex in out (WH_PII_HASH_HEX + 1 bytes). */
int wh_pii_hash(const char *value, char out[WH_PII_HASH_HEX + 1]);
/* The same hash of the n parts' concatenation, without joining them. */
int wh_pii_hash_parts(const char *const *parts, size_t n, char out[WH_PII_HASH_HEX + 1]);

/* Encrypts a value; *out is base64 text (nonce || ciphertext) the caller frees. */
int wh_pii_seal(const char *plain, char **out);
/* Decrypts what wh_pii_seal produced; *out is the caller's.  WH_INVALID_ARGUMENT when it does not
 * authenticate. */
int wh_pii_open(const char *sealed, char **out);

#endif
