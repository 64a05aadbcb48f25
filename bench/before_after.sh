# before_after.sh — sourced by the by-hand before/after benches of one intake (fuzzy_hot_block.sh,
# address_hot_key.sh): a stack of its own on the bench ports with BUILD's binaries, or BUILD's with an
# older welfare-intake first, one dong defined; then ba_after swaps in BUILD's intake on the same
# database (it applies its newer migrations on start).
#
#   ba_stack NAME VAR BEFORE_INTAKE KEEP   NAME for messages; VAR the state directory; BEFORE_INTAKE
#                                          empty or an older welfare-intake; KEEP non-empty keeps the
#                                          cluster (stopped) on exit
BUILD=${BUILD:-build}
AFTER_BIN=$PWD/$BUILD/bin
ctl=$AFTER_BIN/welfarectl
DONG=2650051000

ba_stack() {
    export WH_VAR=$2
    export WH_PG_PORT=${WH_BENCH_PG_PORT:-55540} WH_PORT_BASE=${WH_BENCH_PORT_BASE:-23101}
    export WH_HTTP_BASE=${WH_BENCH_HTTP_BASE:-23601}
    source scripts/stack.sh
    wh_pg_forget
    rm -rf "$WH_VAR"
    BA_KEEP=$4
    trap 'wh_stack_stop; [ -n "$BA_KEEP" ] || { wh_pg_forget; rm -rf "$WH_VAR" "$WH_VAR.bin"; }' EXIT
    export WH_BIN=$AFTER_BIN
    if [ -n "$3" ]; then
        mkdir -p "$WH_VAR.bin"
        ln -sf "$AFTER_BIN"/* "$WH_VAR.bin/"
        ln -sf "$3" "$WH_VAR.bin/welfare-intake"
        WH_BIN=$WH_VAR.bin
    fi
    wh_pg_place || exit 1
    wh_stack_start || { echo "$1: the stack did not start; see $WH_VAR/log" >&2; exit 1; }
    wh_dongs_define "$DONG:남천1동" || exit 1
}

ba_after() {
    wh_service_stop intake
    WH_BIN=$AFTER_BIN wh_service_start intake
    WH_BIN=$AFTER_BIN wh_service_wait_ready intake 120 || exit 1
}

now_ms() { date +%s%3N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ba_clone HOUSEHOLD N HOUSEHOLD_SET PERSON_SET: N copies of a stored household and its persons, new
# ids; HOUSEHOLD_SET and PERSON_SET are SQL assignments for the copies (hh, pp, the
# copy's number g), e.g. "address_key = address_key || convert_to('-hot-' || g, 'UTF8')".
ba_clone() {
    psql -X -q -v ON_ERROR_STOP=1 -v household="$1" -v hot="$2" "$(wh_pg_superuser_url)" <<SQL
CREATE TEMP TABLE hh AS SELECT h.*, g FROM intake.household h, generate_series(1, :hot) g WHERE h.id = :household;
CREATE TEMP TABLE pp AS SELECT p.*, g FROM intake.person p, generate_series(1, :hot) g WHERE p.household_id = :household;
UPDATE hh SET id = nextval('intake.household_id_seq')${3:+, $3};
UPDATE pp SET id = nextval('intake.person_id_seq'), household_id = hh.id, $4 FROM hh WHERE hh.g = pp.g;
ALTER TABLE hh DROP COLUMN g;
ALTER TABLE pp DROP COLUMN g;
INSERT INTO intake.household SELECT * FROM hh;
INSERT INTO intake.person SELECT * FROM pp ORDER BY id;
ANALYZE intake.household;
ANALYZE intake.person;
SQL
}
