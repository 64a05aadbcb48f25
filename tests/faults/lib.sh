# lib.sh — the fault suite's shell parts, sourced by run.sh: the faults themselves (each records what
# it did and how long the service took to be ready again), waiting for the streams to settle, and the
# per-scenario check.  Reads run.sh's globals: OUT (the scenario's directory), PREFIX, CLIENTS, SEED.

ms_now() { date +%s%3N; }
log() { echo "  [$(date +%T)] $*"; }
figure() { echo "figure_$1 $2 $2"; } # a figure the run prints, not a check
rand_between() { echo $(($1 + RANDOM % ($2 - $1 + 1))); }
sql() { psql -X -q -v ON_ERROR_STOP=1 -tA "$(wh_pg_superuser_url)" "$@"; }
# json_path JSON '{a,b}': one value of a JSON document (PostgreSQL reads it: no jq needed).
json_path() { echo "SELECT :'doc'::jsonb #>> :'path'" | psql -X -q -tA "$(wh_pg_superuser_url)" -v doc="$1" -v path="$2"; }
# json_field FILE NAME: a number of the driver's one-line summary.
json_field() { sed -n "s/.*\"$2\": \([0-9-]*\).*/\1/p" "$1"; }
scenario_dongs() {
    local k list=""
    for k in $(seq 0 $((CLIENTS - 1))); do list+="${list:+,}8${PREFIX}$(printf %02d "$k")"; done
    echo "$list"
}

stack_up() {
    wh_stack_start || { for f in "$WH_VAR"/log/*.log; do echo "== $f"; tail -20 "$f"; done; return 1; }
    OUT=$WH_VAR/out/stack proxies_start $DOSE_LIGHT || return 1
    export WH_TEST_DB_URL="$(wh_pg_superuser_url)"
    sql -f tests/faults/setup.sql >/dev/null
}

# Starts a service and records how long it took to answer /readyz (ms) as "service NAME MS".
start_timed() {
    local svc=$1 t0 t1
    t0=$(ms_now)
    wh_service_start "$svc"
    wh_service_wait_ready "$svc" 30 || echo "service $svc never" >>"$OUT/ready.txt"
    t1=$(ms_now)
    echo "service $svc $((t1 - t0))" >>"$OUT/ready.txt"
    echo $((t1 - t0))
}

# kill -9, then an immediate restart.
fault_kill() {
    echo "$1,$(ms_now)" >>"$OUT/kills.csv"
    wh_service_stop "$1" KILL
    log "kill -9 $1: ready again in $(start_timed "$1") ms"
}

# kill -9 while PostgreSQL commits the service's batch: a deferred trigger on processed_command holds
# the COMMIT open (pg_sleep), the harness sees the backend in it and kills the service; the commit
# completes after the process died, so the effects exist and no reply was ever sent — the window
# between commit and reply, hit on purpose.  The clients' resends must get the stored replies.
fault_kill_in_commit() {
    local svc=$1 schema
    schema=$(wh_schema_of "$1")
    sql -c "CREATE CONSTRAINT TRIGGER faults_slow_commit AFTER INSERT ON $schema.processed_command
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION faults.slow_commit()" >/dev/null
    if ! wait_backend "$svc" "wait_event = 'PgSleep'" 50; then
        sql -c "DROP TRIGGER faults_slow_commit ON $schema.processed_command" >/dev/null
        log "kill -9 $svc inside a commit: no commit seen in 5 s"
        return 0
    fi
    echo "$svc,$(ms_now)" >>"$OUT/kills.csv"
    wh_service_stop "$svc" KILL
    echo "commit $svc" >>"$OUT/targeted.txt"
    sql -c "DROP TRIGGER faults_slow_commit ON $schema.processed_command" >/dev/null
    log "kill -9 $svc inside a commit: ready again in $(start_timed "$svc") ms"
}

# kill -9 while the service serves FetchEvents.  A superuser holds an exclusive lock on its outbox for
# a moment, with the load driver paused (SIGSTOP) so no command batch gets there first; an operator's
# replay of the stream from 0 (welfarectl events) arrives, the service's read of the outbox waits for
# the lock — and the service is killed right there.  Then the driver goes on.
fault_kill_serving_fetch() {
    local svc=$1 schema locker reader load_pid caught=0
    schema=$(wh_schema_of "$1")
    load_pid=$(cat "$OUT/load.pid")
    kill -STOP "$load_pid"
    sleep 0.3
    sql -c "BEGIN; LOCK TABLE $schema.outbox IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(1.5); COMMIT" >/dev/null 2>&1 &
    locker=$!
    sleep 0.2
    WH_TIMEOUT_MS=1000 WH_RETRIES=0 "$CTL" events "$svc" --from 0 >/dev/null 2>&1 &
    reader=$!
    if wait_backend "$svc" "wait_event_type = 'Lock' AND query LIKE 'SELECT sequence, message_id%'" 10; then
        echo "$svc,$(ms_now)" >>"$OUT/kills.csv"
        wh_service_stop "$svc" KILL
        echo "fetch $svc" >>"$OUT/targeted.txt"
        caught=1
    fi
    kill -CONT "$load_pid"
    wait "$locker"
    kill "$reader" 2>/dev/null
    wait "$reader" 2>/dev/null
    if [ $caught -eq 1 ]; then
        log "kill -9 $svc serving FetchEvents: ready again in $(start_timed "$svc") ms"
    else
        log "kill -9 $svc serving FetchEvents: the read was not seen"
    fi
}

# wait_backend SERVICE CONDITION TENTHS: the service's database session meets CONDITION (on
# pg_stat_activity) within TENTHS tenths of a second.
wait_backend() {
    local i
    for i in $(seq 1 "$3"); do
        [ "$(sql -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'wh_$1' AND state = 'active' AND $2")" != 0 ] &&
            return 0
        sleep 0.1
    done
    return 1
}

# pg_ctl -m immediate, down for $1 s, started again; every service must be ready within 10 s.
fault_pg_restart() {
    local t0 t1 svc
    wh_pg_stop immediate
    log "postgres stopped (immediate) for $1 s"
    sleep "$1"
    t0=$(ms_now)
    wh_pg_start || log "postgres did not start"
    for svc in "${WH_SERVICES[@]}"; do wh_service_wait_ready "$svc" 30 || echo "postgres never" >>"$OUT/ready.txt"; done
    t1=$(ms_now)
    echo "postgres all $((t1 - t0))" >>"$OUT/ready.txt"
    log "postgres restarted: every service ready in $((t1 - t0)) ms"
}

# An orderly stop (SIGTERM) for $2 seconds while the flow goes on, then a restart.
fault_stop_for() {
    wh_service_stop "$1"
    log "$1 stopped for $2 s"
    sleep "$2"
    log "$1 restarted: ready in $(start_timed "$1") ms"
}

# Slows a consumer down to about a tenth of the time for $2 seconds (SIGSTOP 0.9 s, then SIGCONT and
# a scrape of its /metrics); samples intake's RSS meanwhile.  Lines "lag N" and "rss KB" in OUT.
fault_slow() {
    local svc=$1 end=$((SECONDS + $2)) pid port up=${1^^} lag
    pid=$(wh_service_pid "$svc")
    eval "port=\$WH_${up}_HTTP_PORT"
    log "$svc slowed down for $2 s"
    while [ $SECONDS -lt $end ]; do
        kill -STOP "$pid" 2>/dev/null || break
        sleep 0.9
        kill -CONT "$pid"
        lag=$(curl -fsS -m 1 "http://127.0.0.1:$port/metrics" 2>/dev/null |
            awk '/^wh_bus_consumer_lag/ { if ($NF > m) m = $NF } END { print m + 0 }')
        echo "lag $svc $lag" >>"$OUT/lag.txt"
        echo "rss $(awk '/^VmRSS/ { print $2 }' "/proc/$(wh_service_pid intake)/status" 2>/dev/null || echo 0)" >>"$OUT/rss.txt"
    done
    kill -CONT "$pid" 2>/dev/null
}

# --- the bus proxy -----------------------------------------------------------------------------------
# faults-proxy stands in front of every service's command socket (WH_BUS_DETOUR): clients and the
# services' consumers reach each other only through it.  Each scenario starts the proxies with its
# dose of duplicated and held-back deliveries; their counts are in $OUT/proxy-<service>.<n>.json.

PROXY_GENERATION=0

proxy_pid() { cat "$WH_VAR/run/proxy-$1.pid" 2>/dev/null; }

proxy_start() {
    local svc=$1 up=${1^^} bind bus
    shift
    eval "bind=\$WH_${up}_BUS_BIND bus=\$WH_${up}_BUS"
    PROXY_GENERATION=$((PROXY_GENERATION + 1))
    mkdir -p "$OUT"
    "$PROXY" --listen "$bus" --upstream "$bind" --service-key "$WH_VAR/keys/$svc.key" --keys "$WH_VAR/keys" \
        --seed "$((SEED + PROXY_GENERATION))" --stats "$OUT/proxy-$svc.$PROXY_GENERATION.json" "$@" \
        >>"$WH_VAR/log/proxy-$svc.log" 2>&1 &
    echo $! >"$WH_VAR/run/proxy-$svc.pid"
    disown $! # the bus is cut on purpose (kill -9): no "Killed" notices from this shell
    for _ in $(seq 1 50); do [ -s "$OUT/proxy-$svc.$PROXY_GENERATION.json" ] && return 0; sleep 0.1; done
    echo "the proxy in front of $svc did not start; see $WH_VAR/log/proxy-$svc.log" >&2
    return 1
}

proxy_stop() {
    local pid
    pid=$(proxy_pid "$1") || return 0
    kill -"${2:-TERM}" "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    rm -f "$WH_VAR/run/proxy-$1.pid"
}

# proxies_start DOSE…: (re)starts the proxy of every service with these faults-proxy options.
proxies_start() {
    local svc
    for svc in "${WH_SERVICES[@]}"; do
        proxy_stop "$svc"
        proxy_start "$svc" "$@" || return 1
    done
}

proxies_stop() {
    local svc
    for svc in "${WH_SERVICES[@]}"; do proxy_stop "$svc"; done
}

# The network drops everything: one proxy killed (held messages and every connection lost), back
# with the same dose.
fault_proxy_restart() {
    local svc=$1
    shift
    proxy_stop "$svc" KILL
    proxy_start "$svc" "$@"
    log "the bus in front of $svc cut (its proxy killed and restarted)"
}

# Sums one count over this scenario's proxy files.
proxy_sum() { cat "$OUT"/proxy-*.json 2>/dev/null | json_field_sum "$1"; }
json_field_sum() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" | awk '{ s += $1 } END { print s + 0 }'; }

# What the proxies did; deliveries must really have been repeated and held back.
proxy_lines() {
    local dups held
    dups=$(($(proxy_sum duplicated_to_service) + $(proxy_sum duplicated_to_client)))
    held=$(($(proxy_sum held_to_service) + $(proxy_sum held_to_client)))
    figure proxy_forwarded $(($(proxy_sum forwarded_to_service) + $(proxy_sum forwarded_to_client)))
    figure proxy_duplicated "$dups"
    figure proxy_held_back "$held"
    figure proxy_dropped $(($(proxy_sum dropped_to_service) + $(proxy_sum dropped_to_client)))
    echo "proxy_duplicated_deliveries $([ "$dups" -gt 0 ] && echo yes || echo no) yes"
    echo "proxy_reordered_deliveries $([ "$held" -gt 0 ] && echo yes || echo no) yes"
}

# --- poison messages ---------------------------------------------------------------------------------
# Both are written, as superuser, into intake's outbox with the stream's next sequence (the same
# statement intake uses, under the same row lock), so they are well sequenced: they simulate a faulty
# producer.  Their message ids start with "poison-" so the checker knows them.

hex_of() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

# BlindSpotDiscovered{household_id 1, dong_code $1, discovered_on $2} → outbox; prints the sequence.
poison_append() {
    local payload="0801""1a$(printf %02x ${#1})$(hex_of "$1")""32$(printf %02x ${#2})$(hex_of "$2")"
    sql -c "WITH s AS (UPDATE intake.stream_head SET head = head + 1 WHERE stream = 'intake' RETURNING head)
            INSERT INTO intake.outbox (sequence, message_id, type, correlation_id, causation_id, time_ms, payload)
            SELECT head, 'poison-' || md5(random()::text), 'welfare.intake.v1.BlindSpotDiscovered', 'poison',
                   'poison', $(ms_now), decode('$payload', 'hex') FROM s RETURNING sequence"
}

# An event no handler can ever accept: its business date does not exist.
poison_inject_faulty_producer() {
    local seq
    seq=$(poison_append "8${PREFIX}98" 2026-02-30 2>/dev/null) || return 1
    echo "faulty $seq" >>"$OUT/poison.txt"
    log "poison: invalid event at intake/$seq"
}

# The faulty producer's event, and a valid event that reporting cannot store while a consumer-side
# fault lasts (a trigger refusing its dong): both parked; the second replays once the fault is fixed.
poison_inject() {
    local seq dong="8${PREFIX}97"
    poison_inject_faulty_producer || return 1
    sql -c "CREATE OR REPLACE FUNCTION faults.refuse_dong() RETURNS trigger LANGUAGE plpgsql AS
            \$\$ BEGIN IF NEW.dong_code = '$dong' THEN RAISE EXCEPTION 'faults: this dong is refused'; END IF;
            RETURN NEW; END \$\$;
            CREATE TRIGGER faults_refuse BEFORE INSERT OR UPDATE ON reporting.kpi_daily
            FOR EACH ROW EXECUTE FUNCTION faults.refuse_dong()" >/dev/null
    seq=$(poison_append "$dong" 2026-03-02) || return 1
    echo "refused $seq" >>"$OUT/poison.txt"
    log "poison: event at intake/$seq refused by reporting while the fault lasts"
}

# Checks the parked events and the operator's commands on them; prints failures, returns their count.
poison_verify() {
    local bad=0 faulty refused out
    faulty=$(awk '$1 == "faulty" { print $2 }' "$OUT/poison.txt")
    refused=$(awk '$1 == "refused" { print $2 }' "$OUT/poison.txt")
    expect() { if [ "$2" != "$3" ]; then echo "    FAIL $1: got '$2', want '$3'"; bad=$((bad + 1)); else echo "    ok   $1: $2"; fi; }
    expect "attempts before parking" \
        "$(sql -c "SELECT string_agg(attempts::text, ',') FROM reporting.dead_letter WHERE sequence IN ($faulty, $refused)")" "5,5"
    expect "faulty event's error" \
        "$(sql -c "SELECT error LIKE '%discovered_on%' FROM reporting.dead_letter WHERE sequence = $faulty")" t
    out=$("$CTL" dead-letters list reporting --stream intake 2>&1)
    expect "listed by welfarectl" "$(echo "$out" | grep -cE "^intake +($faulty|$refused) ")" 2
    "$CTL" dead-letters replay reporting intake "$faulty" >"$OUT/replay-faulty.txt" 2>&1
    expect "replay of the faulty event refused" "$? $(grep -c FAILED_PRECONDITION "$OUT/replay-faulty.txt")" "1 1"
    sql -c "DROP TRIGGER faults_refuse ON reporting.kpi_daily" >/dev/null
    "$CTL" dead-letters replay reporting intake "$refused" >"$OUT/replay-refused.txt" 2>&1
    expect "replay after the fix" "$?" 0
    out=$(json_path "$("$CTL" kpi --dong "8${PREFIX}97" --from 2026-03-01 --to 2026-03-31 --json)" '{report,total,blind_spots}')
    expect "replayed event counted once" "$out" 1
    "$CTL" dead-letters replay reporting intake "$refused" >/dev/null 2>&1
    expect "second replay refused (NOT_FOUND)" "$?" 1
    expect "still waiting" "$("$CTL" dead-letters list reporting | grep -cE "^intake +($faulty|$refused) ")" 1
    expect "listed with --all" "$("$CTL" dead-letters list reporting --all | grep -cE "^intake +($faulty|$refused) ")" 2
    return $bad
}

# --- settling and checking ---------------------------------------------------------------------------

# Waits until no consumer is behind its producer's head twice in a row, a second apart, with the
# heads unchanged (the chains case → registry → case → reporting have run out).  0, or 1 after $1 s.
wait_settled() {
    local end=$((SECONDS + $1)) last="" now
    while [ $SECONDS -lt $end ]; do
        now=$(sql -c "SELECT (SELECT count(*) FROM faults.lagging) || ':' ||
                             (SELECT sum(head) FROM (SELECT head FROM intake.stream_head UNION ALL
                              SELECT head FROM casework.stream_head UNION ALL SELECT head FROM registry.stream_head
                              UNION ALL SELECT head FROM routing.stream_head) h)" 2>/dev/null)
        [ "${now%%:*}" = 0 ] && [ "$now" = "$last" ] && return 0
        last=$now
        sleep 1
    done
    sql -c "SELECT * FROM faults.lagging" >&2
    lagging_diagnosis >&2
    return 1
}

# What a consumer that did not catch up was doing: its fetch counters and the last lines of its log
# about fetching, reconnecting and failing handlers (so a failed run in CI names its cause).
lagging_diagnosis() {
    local svc port up
    for svc in "${WH_SERVICES[@]}"; do
        up=${svc^^}
        eval "port=\$WH_${up}_HTTP_PORT"
        echo "    -- $svc: fetch counters"
        curl -fsS -m 2 "http://127.0.0.1:$port/metrics" 2>/dev/null |
            grep -E '^wh_bus_(fetches|fetches_abandoned|consumer_position|consumer_lag|event_failures)_total|^wh_bus_consumer_(position|lag)\{' |
            sed 's/^/       /'
        echo "    -- $svc: last fetch/reconnect/failure lines of its log"
        grep -E 'FetchEvents|fetch refused|reconnect|handler failed|database|cannot' "$WH_VAR/log/$svc.log" 2>/dev/null |
            tail -8 | cut -c1-400 | sed 's/^/       /'
    done
}

# "name got want" lines of check.sql, plus the driver's and the faults' own; failures counted.
judge() {
    local name got want bad=0
    while read -r name got want; do
        [ -n "$name" ] || continue
        if [ "$got" = "$want" ]; then
            case $name in figure_*) echo "    ${name#figure_}: $got" ;; *) echo "    ok   $name: $got" ;; esac
        else
            echo "    FAIL $name: got $got, want $want"
            bad=$((bad + 1))
        fi
    done
    return $bad
}

driver_lines() {
    local j=$OUT/load.json
    echo "twins_answered_differently $(json_field "$j" twins_differ) 0"
    echo "replays_answered_differently $(json_field "$j" replays_differ) 0"
    echo "commands_given_up $(json_field "$j" gave_up) 0"
    echo "figure_referrals $(json_field "$j" referrals) $(json_field "$j" referrals)"
    echo "figure_twins_same_answer $(json_field "$j" twins_same) $(json_field "$j" twins_same)"
    echo "figure_replays_same_answer $(json_field "$j" replays_same) $(json_field "$j" replays_same)"
    echo "figure_resends $(json_field "$j" resent) $(json_field "$j" resent)"
}

readiness_lines() {
    local f=$OUT/ready.txt svc pg
    [ -s "$f" ] || return 0
    svc=$(awk '$1 == "service" { if ($3 == "never") n++; else if ($3 > m) m = $3 } END { print (n ? 999999 : m + 0) }' "$f")
    pg=$(awk '$1 == "postgres" { if ($3 == "never") n++; else if ($3 > m) m = $3 } END { print (n ? 999999 : m + 0) }' "$f")
    grep -q '^service' "$f" && echo "service_ready_within_5s $([ "$svc" -le 5000 ] && echo yes || echo "no:${svc}ms") yes"
    grep -q '^postgres' "$f" && echo "all_ready_within_10s_of_postgres $([ "$pg" -le 10000 ] && echo yes || echo "no:${pg}ms") yes"
    if grep -q '^service' "$f"; then
        echo "figure_restarts $(grep -c '^service' "$f") $(grep -c '^service' "$f")"
        echo "figure_slowest_restart_ms $svc $svc"
    fi
    grep -q '^postgres' "$f" && echo "figure_slowest_postgres_recovery_ms $pg $pg"
    if grep -q '^commit' "$OUT/targeted.txt" 2>/dev/null; then
        echo "kill_between_commit_and_reply_hit $(awk '$1 == "figure_committed_before_kill_answered_after" { print ($2 > 0 ? "yes" : "no") }' "$OUT/check.txt") yes"
    fi
    grep -q '^fetch' "$OUT/targeted.txt" 2>/dev/null && echo "figure_killed_serving_fetch_events yes yes"
    return 0
}

# The slow consumer's lag rose in /metrics and fell back to 0; intake's RSS stayed within 32 MiB of
# where it started.
slow_lines() {
    local f=$OUT/lag.txt port lag_now rss0 rssmax
    [ -s "$f" ] || return 0
    echo "figure_max_lag_seen_in_metrics $(awk '{ if ($3 > m) m = $3 } END { print m + 0 }' "$f") $(awk '{ if ($3 > m) m = $3 } END { print m + 0 }' "$f")"
    # Required of the slow-consumer scenario, whose consumer is slowed under steady load for long.  In
    # the combined run a slowdown of 3-6 s may fall where nothing reaches that consumer (clients
    # resending after a PostgreSQL restart, say): its lag is a figure there, not a requirement.
    if [ "${OUT##*/}" = slow-consumer ]; then
        echo "lag_visible_in_metrics $(awk '{ if ($3 > m) m = $3 } END { print (m > 0 ? "yes" : "no") }' "$f") yes"
    fi
    port=$WH_REPORTING_HTTP_PORT
    lag_now=$(curl -fsS -m 2 "http://127.0.0.1:$port/metrics" | awk '/^wh_bus_consumer_lag/ { s += $NF } END { print s + 0 }')
    echo "reporting_lag_after_catch_up $lag_now 0"
    rss0=$(head -1 "$OUT/rss.txt" | awk '{ print $2 }')
    rssmax=$(awk '{ if ($2 > m) m = $2 } END { print m + 0 }' "$OUT/rss.txt")
    echo "figure_intake_rss_kib_first_max $rss0/$rssmax $rss0/$rssmax"
    echo "producer_memory_bounded $([ $((rssmax - rss0)) -le 32768 ] && echo yes || echo "no:+$((rssmax - rss0))KiB") yes"
}

check_scenario() {
    local kpi bad=0
    sql -c "\\copy faults.ack FROM STDIN CSV" <"$OUT/journal.csv" || return 1
    [ -s "$OUT/kills.csv" ] && { sql -c "\\copy faults.kill FROM STDIN CSV" <"$OUT/kills.csv" || return 1; }
    kpi=$("$CTL" kpi --dong "$(scenario_dongs)" --from 2026-03-01 --to 2026-03-31 --json) || return 1
    {
        psql -X -q "$(wh_pg_superuser_url)" -v dongs="8${PREFIX}__" -v kpi="$kpi" -f tests/faults/check.sql
        driver_lines
        readiness_lines
        slow_lines
        proxy_lines
    } >"$OUT/check.txt" 2>&1
    judge <"$OUT/check.txt" || bad=$?
    if [ -s "$OUT/poison.txt" ] && grep -q '^refused' "$OUT/poison.txt"; then
        poison_verify || bad=$((bad + $?))
    fi
    return $bad
}

should_run() { [ -z "${FAULTS_ONLY:-}" ] || [[ " $FAULTS_ONLY " == *" $1 "* ]]; }

# [DOSE="proxy options"] scenario NAME SECONDS SCHEDULE [driver options…]
SCENARIO_NO=0
scenario() {
    local name=$1 secs=$2 schedule=$3 started=$SECONDS sched load rc=0
    local dose=${DOSE:-$DOSE_LIGHT}
    SCENARIO_DOSE=$dose # for the schedule's proxy cuts
    shift 3
    SCENARIO_NO=$((SCENARIO_NO + 1))
    should_run "$name" || return 0
    PREFIX=$(printf '%d%06d' $((SCENARIO_NO % 10)) $((SEED % 1000000)))
    OUT=$WH_VAR/out/$name
    mkdir -p "$OUT"
    echo
    echo "== $name ($secs s of load, $CLIENTS clients, dongs 8${PREFIX}00..)"
    # shellcheck disable=SC2086 # a dose is several options
    proxies_start $dose || rc=1
    log "bus proxies: $dose"
    [ $rc -eq 0 ] && "$LOAD" setup --journal "$OUT/journal.csv" --prefix "$PREFIX" --clients "$CLIENTS" && wait_settled 60 || rc=1
    if [ $rc -eq 0 ]; then
        "$LOAD" run --journal "$OUT/journal.csv" --prefix "$PREFIX" --clients "$CLIENTS" --seconds "$secs" "$@" \
            >"$OUT/load.json" 2>"$OUT/load.err" &
        load=$!
        echo "$load" >"$OUT/load.pid"
        $schedule "$secs" &
        sched=$!
        wait "$load" || rc=1
        wait "$sched"
        log "load done: $(cat "$OUT/load.json")"
        [ -s "$OUT/load.err" ] && sed 's/^/    driver: /' "$OUT/load.err" | head -20
        wait_settled 120 || { echo "    FAIL the streams did not settle in 120 s"; rc=1; }
        check_scenario || rc=1
    fi
    {
        echo "$name: $([ $rc -eq 0 ] && echo passed || echo FAILED) in $((SECONDS - started)) s"
        grep -E '^(acked_commands_lost|referrals_stored|cases_opened|stream_gaps|consumers_behind|kpi_targets|figure_)' \
            "$OUT/check.txt" 2>/dev/null | sed 's/^figure_//' | awk '{ print "  " $1 " " $2 }'
    } >>"$FIGURES"
    if [ $rc -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=" $name"; fi
}
