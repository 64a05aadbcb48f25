-- intake: the district's dongs as routing's DongDefined events describe them.  A referral, a
-- safety-net member or a survey naming a dong that is not here is refused (dongs.c): an unknown
-- dong would otherwise be stored and show up in reporting as a nameless KPI row.
CREATE TABLE dong (
    dong_code text COLLATE "C" PRIMARY KEY,
    name      text NOT NULL
);
