# roster.sh — the bench's roster step (sourced by bench/run.sh after lib.sh): a national list of
# BENCH_ROSTER_ROWS rows (default BENCH_ROWS; bench/roster.awk: half as many persons, each in two
# programmes, the second programme's rows after all of the first's) through `welfarectl import
# roster`, timed as the bulk step times `welfarectl import referrals`, so the two rates stand side by
# side on one stack: `BENCH_STEPS="bulk roster"`.
bench_roster() {
    local rows=$1 csv=$OUT/roster.csv t0 t1 before_en before_ev
    echo "bench: roster import of $rows rows" >&2
    awk -v rows="$rows" -f bench/roster.awk >"$csv" || return 1
    before_en=$(bench_count "SELECT count(*) FROM intake.enrolment")
    before_ev=$(bench_count "SELECT coalesce(max(head), 0) FROM intake.stream_head")
    t0=$(bench_now)
    "$WH_BIN/welfarectl" import roster "$csv" --jobs "${BENCH_IMPORT_JOBS:-4}" \
        --block-rows "${BENCH_BLOCK_ROWS:-2000}" >"$OUT/roster.out" 2>"$OUT/roster.err"
    local rc=$?
    t1=$(bench_now)
    bench_set roster_import_rc "$rc"
    bench_set roster_rows "$(($(wc -l <"$csv") - 1))"
    bench_set roster_import_s "$(bench_elapsed "$t0" "$t1")"
    bench_set roster_import_summary "\"$(tail -1 "$OUT/roster.out")\""
    bench_set roster_enrolments "$(($(bench_count "SELECT count(*) FROM intake.enrolment") - before_en))"
    bench_set roster_events "$(($(bench_count "SELECT coalesce(max(head), 0) FROM intake.stream_head") - before_ev))"
    head -5 "$OUT/roster.err" >&2
    rm -f "$csv"
    [ "$rc" -eq 0 ]
}
