/*
 * db_fixture.h — the database of intake's store tests: the PII key, a schema of WH_TEST_DB_URL
 * migrated with every statement (the roster's too) and the dongs of dongs_fixture.h, on fake_ctx.h's
 * fake.db.
 */
#ifndef INTAKE_DB_FIXTURE_H
#define INTAKE_DB_FIXTURE_H

#include "dongs_fixture.h"
#include "fake_ctx.h"
#include "roster.h"

extern const wh_migration intake_migrations[];
extern const size_t intake_migrations_count;

/* 0, also when WH_TEST_DB_URL is unset (fake.db stays NULL and the tests skip); -1 on failure. */
static inline int intake_test_db_open(const char *schema, const unsigned char key[32])
{
    if (wh_pii_init_key(key) < 0)
        return -1;
    size_t n;
    const wh_db_statement *st = intake_all_statements(&n);
    int rc = fake_db_setup(schema, intake_migrations, intake_migrations_count, st, n);
    if (rc == 0 && intake_test_define_dongs(wh_db_conn(fake.db)) < 0)
        return -1;
    return rc == -2 ? -1 : 0;
}

static inline int intake_test_db_close(void)
{
    fake_done();
    wh_pii_shutdown();
    return 0;
}

#endif
