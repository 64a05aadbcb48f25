/*
 * store_numbers.h — the resident numbers a block's rows gave to stored persons without one
 * (resolve.c's give_numbers, store_numbers.c's write), so a later exact match by number hits them.
 */
#ifndef INTAKE_STORE_NUMBERS_H
#define INTAKE_STORE_NUMBERS_H

#include "resolve.h"

/* One statement for the resolver's numbered persons (none: nothing); in the caller's transaction.
 * 0 or a negative status. */
int intake_store_give_numbers(wh_db *db, const intake_resolver *s);

#endif
