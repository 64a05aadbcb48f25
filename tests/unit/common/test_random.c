/*
 * test_random.c — the per-thread generator of wh/random.h: one seed from the kernel for many draws
 * (and a reseed after WH_RANDOM_RESEED_BYTES), draws that never repeat, across refills and longer
 * than the pool, bytes spread evenly, a forked child and a second thread on streams of their own.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "wh/random.h"

enum { NONCE = 24, DRAWS = 20000 };

static int compare_nonce(const void *a, const void *b)
{
    return memcmp(a, b, NONCE);
}

/* Nonces as the seals draw them: 20,000 (~940 refills of the pool), none twice. */
static void nonces_never_repeat(void **state)
{
    static unsigned char nonces[DRAWS][NONCE];

    for (int i = 0; i < DRAWS; i++)
        wh_random_bytes(nonces[i], NONCE);
    qsort(nonces, DRAWS, NONCE, compare_nonce);
    for (int i = 1; i < DRAWS; i++)
        assert_int_not_equal(memcmp(nonces[i - 1], nonces[i], NONCE), 0);
}

/* A draw longer than the pool spans refills; two such draws differ, and 256 KiB of bytes fall within
 * a loose band of the 1,024 a value expected (a generator serving a stale or zeroed pool would not). */
static void long_draws_are_spread(void **state)
{
    enum { LONG = 3 * WH_RANDOM_POOL + 17, TOTAL = 256 * 1024 };
    static unsigned char a[LONG], b[LONG], bytes[TOTAL];
    unsigned counts[256] = {0};

    wh_random_bytes(a, LONG);
    wh_random_bytes(b, LONG);
    assert_int_not_equal(memcmp(a, b, LONG), 0);
    for (size_t off = 0; off < TOTAL; off += 1000)
        wh_random_bytes(bytes + off, TOTAL - off < 1000 ? TOTAL - off : 1000);
    for (size_t i = 0; i < TOTAL; i++)
        counts[bytes[i]]++;
    for (int v = 0; v < 256; v++) {
        assert_in_range(counts[v], 850, 1200);
    }
}

static void *count_seeds(void *arg)
{
    unsigned long *seeds = arg;
    unsigned char nonce[NONCE];

    for (int i = 0; i < 10000; i++)
        wh_random_bytes(nonce, sizeof nonce); /* 240,000 bytes: under the reseed bound */
    seeds[0] = wh_random_seeds();
    for (size_t served = 240000; served < WH_RANDOM_RESEED_BYTES; served += sizeof nonce)
        wh_random_bytes(nonce, sizeof nonce);
    wh_random_bytes(nonce, sizeof nonce); /* the first draw past the bound seeds again */
    seeds[1] = wh_random_seeds();
    return NULL;
}

/* The point of the module: 10,000 nonces cost the kernel one seed, not 10,000 calls; past
 * WH_RANDOM_RESEED_BYTES the thread seeds again.  (A fresh thread, so the count starts at zero.) */
static void one_seed_for_many_draws(void **state)
{
    pthread_t t;
    unsigned long seeds[2] = {0, 0};

    assert_int_equal(pthread_create(&t, NULL, count_seeds, seeds), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(seeds[0], 1);
    assert_int_equal(seeds[1], 2);
}

/* A child forked after the parent drew holds a copy of the parent's generator; it must reseed, or
 * parent and child would hand out the same nonces. */
static void forked_child_draws_its_own(void **state)
{
    unsigned char warm[NONCE], mine[32], childs[32];
    int fds[2];

    wh_random_bytes(warm, sizeof warm);
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        unsigned char out[32];
        wh_random_bytes(out, sizeof out);
        _exit(write(fds[1], out, sizeof out) == (ssize_t)sizeof out ? 0 : 1);
    }
    wh_random_bytes(mine, sizeof mine);
    assert_int_equal(read(fds[0], childs, sizeof childs), (ssize_t)sizeof childs);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(fds[0]);
    close(fds[1]);
    assert_int_not_equal(memcmp(mine, childs, sizeof mine), 0);
}

static void *draw32(void *arg)
{
    wh_random_bytes(arg, 32);
    return NULL;
}

static void threads_draw_their_own(void **state)
{
    unsigned char mine[32], theirs[32];
    pthread_t t;

    assert_int_equal(pthread_create(&t, NULL, draw32, theirs), 0);
    wh_random_bytes(mine, sizeof mine);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_not_equal(memcmp(mine, theirs, sizeof mine), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nonces_never_repeat),     cmocka_unit_test(long_draws_are_spread),
        cmocka_unit_test(one_seed_for_many_draws), cmocka_unit_test(forked_child_draws_its_own),
        cmocka_unit_test(threads_draw_their_own),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
