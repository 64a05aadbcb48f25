/*
 * random.c — a per-thread fast-key-erasure ChaCha20 generator seeded from the kernel (wh/random.h).
 *
 * Why: randombytes_buf is a getrandom(2) system call per call, and the bulk path makes ~9 a row (the
 * seals' nonces, the events' ids).  Here a thread asks the kernel for 32 bytes once per
 * WH_RANDOM_RESEED_BYTES served, and otherwise runs ChaCha20 over a 544-byte block per 512 bytes.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wh/random.h"

#define KEY_BYTES crypto_stream_chacha20_KEYBYTES

typedef struct generator {
    unsigned char key[KEY_BYTES];
    unsigned char pool[WH_RANDOM_POOL];
    size_t left;       /* unserved bytes at the end of pool */
    size_t since_seed; /* bytes served since the last seed */
    unsigned fork_era; /* fork_era when seeded; a fork since makes it stale */
    bool seeded;
    unsigned long seeds;
} generator;

static _Thread_local generator gen;
static atomic_uint fork_era;
static pthread_once_t start_once = PTHREAD_ONCE_INIT;

static void after_fork_in_child(void)
{
    atomic_fetch_add(&fork_era, 1);
}

static void start(void)
{
    /* Fails only when no entropy source can be opened: nothing could be random, so stop here. */
    if (sodium_init() < 0 || pthread_atfork(NULL, NULL, after_fork_in_child) != 0)
        abort();
}

static void seed(generator *g)
{
    randombytes_buf(g->key, sizeof g->key);
    g->left = 0;
    g->since_seed = 0;
    g->fork_era = atomic_load(&fork_era);
    g->seeded = true;
    g->seeds++;
}

/* One key, one stream: 32 bytes for the next key, the rest for the pool; the old key is gone. */
static void refill(generator *g)
{
    unsigned char block[KEY_BYTES + WH_RANDOM_POOL];
    static const unsigned char zero_nonce[crypto_stream_chacha20_NONCEBYTES];

    crypto_stream_chacha20(block, sizeof block, zero_nonce, g->key);
    memcpy(g->key, block, KEY_BYTES);
    memcpy(g->pool, block + KEY_BYTES, WH_RANDOM_POOL);
    sodium_memzero(block, sizeof block);
    g->left = WH_RANDOM_POOL;
}

void wh_random_bytes(void *buf, size_t len)
{
    generator *g = &gen;
    unsigned char *out = buf;

    pthread_once(&start_once, start);
    if (!g->seeded || g->fork_era != atomic_load(&fork_era) || g->since_seed >= WH_RANDOM_RESEED_BYTES)
        seed(g);
    g->since_seed += len;
    while (len > 0) {
        if (g->left == 0)
            refill(g);
        size_t n = len < g->left ? len : g->left;
        unsigned char *from = g->pool + WH_RANDOM_POOL - g->left;
        memcpy(out, from, n);
        sodium_memzero(from, n);
        g->left -= n;
        out += n;
        len -= n;
    }
}

unsigned long wh_random_seeds(void)
{
    return gen.seeds;
}
