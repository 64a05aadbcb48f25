/*
 * db_statements.c — a service's statements as one table, from the tables its store files declare.
 *
 * Each store file of a service keeps its own statement table (wh_db_statement_part); the service's
 * definition and any reader connection prepare them all, so they are joined once, in order, and the
 * same table is handed to whoever asks for the same parts again.  It lives as long as the process.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "wh/db.h"

/* Joined tables, one per parts array: a service asks again (its definition, a reader connection of
 * another thread, the unit tests) and gets the same table. */
#define JOINED_MAX 8
static struct {
    const wh_db_statement_part *parts;
    wh_db_statement *all;
    size_t n;
} joined[JOINED_MAX];
static size_t n_joined;
static pthread_mutex_t joined_lock = PTHREAD_MUTEX_INITIALIZER;

static wh_db_statement *join(const wh_db_statement_part *parts, size_t n_parts, size_t *n)
{
    size_t total = 0, at = 0;
    wh_db_statement *all;

    for (size_t i = 0; i < n_parts; i++)
        total += *parts[i].count;
    all = malloc((total > 0 ? total : 1) * sizeof *all);
    if (all == NULL)
        return NULL;
    for (size_t i = 0; i < n_parts; i++) {
        memcpy(all + at, parts[i].rows, *parts[i].count * sizeof *all);
        at += *parts[i].count;
    }
    *n = total;
    return all;
}

const wh_db_statement *wh_db_statements_join(const wh_db_statement_part *parts, size_t n_parts, size_t *n)
{
    const wh_db_statement *out = NULL;
    size_t i;

    pthread_mutex_lock(&joined_lock);
    for (i = 0; i < n_joined && joined[i].parts != parts; i++)
        ;
    if (i == n_joined && n_joined < JOINED_MAX &&
        (joined[i].all = join(parts, n_parts, &joined[i].n)) != NULL) {
        joined[i].parts = parts;
        n_joined++;
    }
    if (i < n_joined) {
        out = joined[i].all;
        *n = joined[i].n;
    }
    pthread_mutex_unlock(&joined_lock);
    return out;
}
