/*
 * keyring.c — the CURVE secret keys faults-proxy may act with: every *.key file of a directory (the
 * test stack's keys/), found again by public key.
 */
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus_internal.h"
#include "proxy.h"

typedef struct px_pair {
    char secret[WH_Z85_KEY_LEN + 1], public_key[WH_Z85_KEY_LEN + 1];
} px_pair;

struct px_keyring {
    px_pair *pairs;
    size_t n;
};

static bool is_key_file(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".key") == 0;
}

static int add_file(px_keyring *k, const char *dir, const char *name)
{
    char path[4096];
    px_pair *grown = realloc(k->pairs, (k->n + 1) * sizeof *k->pairs);

    if (grown == NULL)
        return -1;
    k->pairs = grown;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (wh_keys_load_secret(path, grown[k->n].secret, grown[k->n].public_key) != 0) {
        fprintf(stderr, "faults-proxy: %s is not a CURVE secret key file\n", path);
        return -1;
    }
    k->n++;
    return 0;
}

int px_keyring_load(px_keyring **out, const char *dir)
{
    px_keyring *k = calloc(1, sizeof *k);
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;

    *out = NULL;
    if (k == NULL || d == NULL) {
        fprintf(stderr, "faults-proxy: cannot read the keys in %s\n", dir);
        free(k);
        if (d != NULL)
            closedir(d);
        return -1;
    }
    while (rc == 0 && (e = readdir(d)) != NULL)
        if (is_key_file(e->d_name))
            rc = add_file(k, dir, e->d_name);
    closedir(d);
    if (rc == 0 && k->n == 0) {
        fprintf(stderr, "faults-proxy: no *.key file in %s\n", dir);
        rc = -1;
    }
    if (rc != 0) {
        px_keyring_free(&k);
        return -1;
    }
    *out = k;
    return 0;
}

void px_keyring_free(px_keyring **k)
{
    if (*k == NULL)
        return;
    sodium_memzero((*k)->pairs, (*k)->n * sizeof *(*k)->pairs);
    free((*k)->pairs);
    free(*k);
    *k = NULL;
}

const char *px_keyring_secret(const px_keyring *k, const char *public_z85)
{
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->pairs[i].public_key, public_z85) == 0)
            return k->pairs[i].secret;
    return NULL;
}

bool px_keyring_admits(void *keyring, const char *domain, const char *key, const char *address,
                       const char **why)
{
    (void)domain;
    (void)address;
    if (key != NULL && px_keyring_secret(keyring, key) != NULL)
        return true;
    if (key != NULL)
        *why = "the proxy holds no secret for this key";
    return false;
}
