/*
 * pii.c — keyed hashing and authenticated encryption of personal identifiers (libsodium).
 *
 * One 32-byte master key (from WH_PII_KEY_FILE) yields two subkeys through crypto_kdf, one per
 * purpose, so the lookup hash and the ciphertext never share a key: a BLAKE2b keyed hash
 * (crypto_generichash) for exact-match lookup, and XChaCha20-Poly1305 (crypto_secretbox_xchacha20…)
 * with a random 24-byte nonce for storage, kept as base64 of nonce || ciphertext.  All three keys
 * live in one sodium_malloc'd block (guard pages, mlock'd, not in core dumps), read-only between
 * init and shutdown, and wiped when freed.  Initialize once at start, before other threads use it.
 */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wh/log.h"
#include "wh/pii.h"
#include "wh/random.h"
#include "wh/status.h"
#include "wh/util.h"

#define KDF_CONTEXT  "whpii-v1" /* crypto_kdf_CONTEXTBYTES = 8 */
#define KDF_ID_HASH  1
#define KDF_ID_SEAL  2
#define NONCE_BYTES  crypto_secretbox_xchacha20poly1305_NONCEBYTES
#define MAC_BYTES    crypto_secretbox_xchacha20poly1305_MACBYTES
#define B64_VARIANT  sodium_base64_VARIANT_ORIGINAL
#define KEY_FILE_MAX 256

typedef struct pii_keys {
    unsigned char master[crypto_kdf_KEYBYTES];
    unsigned char hash[crypto_generichash_KEYBYTES];
    unsigned char seal[crypto_secretbox_xchacha20poly1305_KEYBYTES];
} pii_keys;

static pii_keys *keys;

int wh_pii_init_key(const unsigned char key[32])
{
    pii_keys *k;

    if (sodium_init() < 0) {
        wh_log_error("could not initialize libsodium", NULL);
        return WH_INTERNAL;
    }
    k = sodium_malloc(sizeof *k);
    if (k == NULL) {
        wh_log_error("could not allocate locked memory for the PII keys", NULL);
        return WH_INTERNAL;
    }
    memcpy(k->master, key, sizeof k->master);
    if (crypto_kdf_derive_from_key(k->hash, sizeof k->hash, KDF_ID_HASH, KDF_CONTEXT, k->master) != 0 ||
        crypto_kdf_derive_from_key(k->seal, sizeof k->seal, KDF_ID_SEAL, KDF_CONTEXT, k->master) != 0) {
        sodium_free(k);
        wh_log_error("could not derive the PII keys", NULL);
        return WH_INTERNAL;
    }
    sodium_mprotect_readonly(k);
    wh_pii_shutdown();
    keys = k;
    return 0;
}

/* Reads the key file: 64 hex characters, surrounding blanks and newlines ignored. */
int wh_pii_init_file(const char *path)
{
    char *text = NULL;
    unsigned char key[32];
    size_t len = 0, key_len = 0;
    const char *end = NULL;
    FILE *f = path ? fopen(path, "r") : NULL;
    int rc = WH_INVALID_ARGUMENT;

    if (f == NULL) {
        wh_log_error("could not read the PII key file", "{s:s, s:s}", "path", path ? path : "(unset)",
                     "error", path ? strerror(errno) : "WH_PII_KEY_FILE is not set");
        return WH_INVALID_ARGUMENT;
    }
    text = sodium_malloc(KEY_FILE_MAX + 1);
    if (text != NULL) {
        len = fread(text, 1, KEY_FILE_MAX, f);
        text[len] = '\0';
    }
    fclose(f);
    if (text != NULL) {
        size_t start = strspn(text, " \t\r\n"), hex_len = strcspn(text + start, " \t\r\n");

        if (hex_len == 64 && text[start + hex_len + strspn(text + start + hex_len, " \t\r\n")] == '\0' &&
            sodium_hex2bin(key, sizeof key, text + start, hex_len, NULL, &key_len, &end) == 0 &&
            key_len == sizeof key)
            rc = wh_pii_init_key(key);
        else
            wh_log_error("bad PII key file", "{s:s, s:s}", "path", path, "error",
                         "expected 64 hex characters (a 32-byte key)");
        sodium_free(text);
    }
    sodium_memzero(key, sizeof key);
    return rc;
}

void wh_pii_shutdown(void)
{
    if (keys != NULL)
        sodium_free(keys); /* wipes the block before unmapping it */
    keys = NULL;
}

static int not_ready(const char *what)
{
    wh_log_error("PII keys not loaded", "{s:s}", "operation", what);
    return WH_FAILED_PRECONDITION;
}

int wh_pii_hash(const char *value, char out[WH_PII_HASH_HEX + 1])
{
    unsigned char h[WH_PII_HASH_HEX / 2];

    if (keys == NULL)
        return not_ready("hash");
    if (value == NULL)
        return WH_INVALID_ARGUMENT;
    crypto_generichash(h, sizeof h, (const unsigned char *)value, strlen(value), keys->hash,
                       sizeof keys->hash);
    wh_hex(h, sizeof h, out); /* stored in the clear: no constant time needed */
    return 0;
}

int wh_pii_hash_parts(const char *const *parts, size_t n, char out[WH_PII_HASH_HEX + 1])
{
    unsigned char h[WH_PII_HASH_HEX / 2];
    crypto_generichash_state state;

    if (keys == NULL)
        return not_ready("hash");
    crypto_generichash_init(&state, keys->hash, sizeof keys->hash, sizeof h);
    for (size_t i = 0; i < n; i++) {
        if (parts[i] == NULL) {
            sodium_memzero(&state, sizeof state);
            return WH_INVALID_ARGUMENT;
        }
        crypto_generichash_update(&state, (const unsigned char *)parts[i], strlen(parts[i]));
    }
    crypto_generichash_final(&state, h, sizeof h);
    wh_hex(h, sizeof h, out); /* stored in the clear: no constant time needed */
    return 0;
}

/* Standard base64 with padding, as sodium_bin2base64's ORIGINAL variant writes it (and
 * sodium_base642bin reads it), by table: libsodium's encoder is constant-time, ~55 instructions a
 * character, which a box needs none of — nonce, ciphertext and tag are what the database stores and
 * reveal nothing of the plaintext. out holds sodium_base64_encoded_len(len) bytes, its NUL included. */
static void box_base64(const unsigned char *in, size_t len, char *out)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        *out++ = alphabet[v >> 18];
        *out++ = alphabet[v >> 12 & 63];
        *out++ = alphabet[v >> 6 & 63];
        *out++ = alphabet[v & 63];
    }
    if (i < len) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0);
        *out++ = alphabet[v >> 18];
        *out++ = alphabet[v >> 12 & 63];
        *out++ = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
        *out++ = '=';
    }
    *out = '\0';
}

int wh_pii_seal(const char *plain, char **out)
{
    size_t plain_len, box_len, b64_len;
    unsigned char *box;

    *out = NULL;
    if (keys == NULL)
        return not_ready("seal");
    if (plain == NULL)
        return WH_INVALID_ARGUMENT;
    plain_len = strlen(plain);
    box_len = NONCE_BYTES + MAC_BYTES + plain_len;
    b64_len = sodium_base64_encoded_len(box_len, B64_VARIANT);
    box = malloc(box_len);
    *out = malloc(b64_len);
    if (box == NULL || *out == NULL) {
        free(box);
        free(*out);
        *out = NULL;
        return WH_INTERNAL;
    }
    wh_random_bytes(box, NONCE_BYTES);
    crypto_secretbox_xchacha20poly1305_easy(box + NONCE_BYTES, (const unsigned char *)plain, plain_len, box,
                                            keys->seal);
    box_base64(box, box_len, *out);
    free(box);
    return 0;
}

/* Decodes base64 into a new buffer; NULL when it is not base64 or too short to hold a box. */
static unsigned char *decode_box(const char *sealed, size_t *box_len)
{
    size_t text_len = strlen(sealed);
    unsigned char *box = malloc(text_len / 4 * 3 + 3);

    if (box == NULL)
        return NULL;
    if (sodium_base642bin(box, text_len / 4 * 3 + 3, sealed, text_len, NULL, box_len, NULL, B64_VARIANT) !=
            0 ||
        *box_len < NONCE_BYTES + MAC_BYTES) {
        free(box);
        return NULL;
    }
    return box;
}

int wh_pii_open(const char *sealed, char **out)
{
    unsigned char *box, *plain;
    size_t box_len, plain_len;

    *out = NULL;
    if (keys == NULL)
        return not_ready("open");
    if (sealed == NULL)
        return WH_INVALID_ARGUMENT;
    box = decode_box(sealed, &box_len);
    if (box == NULL) {
        wh_log_warn("sealed value is not valid base64 of a box", NULL);
        return WH_INVALID_ARGUMENT;
    }
    plain_len = box_len - NONCE_BYTES - MAC_BYTES;
    plain = malloc(plain_len + 1);
    if (plain == NULL) {
        free(box);
        return WH_INTERNAL;
    }
    if (crypto_secretbox_xchacha20poly1305_open_easy(plain, box + NONCE_BYTES, box_len - NONCE_BYTES, box,
                                                     keys->seal) != 0) {
        free(box);
        free(plain);
        wh_log_warn("sealed value does not authenticate", NULL);
        return WH_INVALID_ARGUMENT;
    }
    free(box);
    plain[plain_len] = '\0';
    *out = (char *)plain;
    return 0;
}
