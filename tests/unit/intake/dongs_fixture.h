/*
 * dongs_fixture.h — the dongs intake's unit tests name, defined as routing's DongDefined would (intake
 * refuses a referral, member or survey naming any other: services/intake/dongs.c).
 */
#ifndef INTAKE_DONGS_FIXTURE_H
#define INTAKE_DONGS_FIXTURE_H

#include <libpq-fe.h>

static inline int intake_test_define_dongs(PGconn *c)
{
    PGresult *r = PQexec(c, "INSERT INTO dong (dong_code, name) VALUES ('2650051000', '남천1동'), "
                            "('2650052000', '망미1동'), ('2650053000', '광안1동') ON CONFLICT DO NOTHING");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 0 : -1;
}

#endif
