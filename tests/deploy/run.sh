#!/bin/bash
# run.sh — `make test-deploy`: the district deployment, built and brought up for real.
#
#   1. a Docker engine (the running one, or dockerd started here and stopped at the end);
#   2. the base images when missing (base-images.sh: debootstrap'd debian:bookworm-slim, a postgres:15
#      stand-in), then the welfarehub image from this tree (deploy/build-image.sh, --network host);
#   3. secrets with the district's own script (deploy/make-secrets.sh), the stack with the district's
#      docker-compose.yml plus compose.host.yml (host network, loopback, private ports), and a wait
#      for every healthcheck;
#   4. the flow through the bus endpoints with welfarectl (the compose file's `welfarectl` service):
#      dongs, staff and resources defined, referrals imported from CSV, the KPI table read back and
#      compared with what the referrals must add up to;
#   5. reporting killed with SIGKILL (the restart policy brings it back) while more referrals arrive,
#      intake restarted, a repeated referral and a new one: the KPI must count everything exactly once;
#      a partner agency added (deploy/keys.sh add-agency: its referral counts) and revoked (refused),
#      both taking effect in the running services without a restart;
#      every metric the alerts and the dashboard name exported by the running services;
#   6. everything torn down (containers, volumes, network, secrets); images stay as the cache.
#
# Settings: BUILD (work files under $BUILD/test-deploy), WH_DEPLOY_KEEP=1 (leave the stack up on
# failure, for a look).  Ends with "test-deploy: N passed, N failed" and prints the timings and the
# image sizes.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
here=tests/deploy
work=$root/${BUILD:-build}/test-deploy
project=whdeploytest
image=welfarehub:test-deploy
period=(--from 2026-05-01 --to 2026-05-31)
started=$(date +%s)

source "$here/engine.sh"

CHECKS_NAME=test-deploy
source "$here/../checks.sh"
die() { # a step the rest depends on failed
    log "FAILED: $*"
    failed=$((failed + 1))
    dump_logs
    finish
}

# The district's compose file with the host-network override, resolved once into $work/compose.yml.
# On the host network published ports mean nothing, and docker-compose refuses them there, so exactly
# those `ports:` are dropped from the resolved file, and so are the ops profile's services, whose images
# cannot be pulled here (`make lint-ops` checks their configuration): nothing is left on a bridge, so
# no network is created.  Everything else is the district's, unchanged.
dc_sources() {
    docker-compose -p "$project" -f docker-compose.yml -f "$here/compose.host.yml" --env-file "$work/test.env" "$@"
}
resolve_compose() {
    dc_sources config >"$work/compose.resolved.yml" &&
        python3 - "$work/compose.resolved.yml" "$work/compose.yml" <<'PY'
import sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
services = config["services"]
for name in [n for n, s in services.items() if "ops" in s.get("profiles", [])]:
    del services[name]
for service in services.values():
    if service.get("network_mode") == "host":
        service.pop("ports", None)
for name, service in services.items():
    if service.get("network_mode") != "host":
        sys.exit("compose.host.yml leaves %s off the host network" % name)
for volume in ("promdata", "grafanadata"):
    config.get("volumes", {}).pop(volume, None)
yaml.safe_dump(config, open(sys.argv[2], "w"), sort_keys=False, allow_unicode=True)
PY
}
dc() { docker-compose -p "$project" -f "$work/compose.yml" "$@"; }
ctl() { dc run --rm -T welfarectl "$@" 2>>"$work/ctl.log"; }
container_of() { # by compose's labels: much quicker than `docker-compose ps -q`
    docker ps -aq --filter "label=com.docker.compose.project=$project" \
        --filter "label=com.docker.compose.service=$1" --filter "label=com.docker.compose.oneoff=False"
}
health_of() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$(container_of "$1")" 2>/dev/null; }

dump_logs() {
    [ -f "$work/compose.yml" ] || return 0
    local svc
    for svc in postgres db-init routing intake registry case reporting; do
        echo "== last log lines of $svc"
        dc logs --no-color --tail 15 "$svc" 2>/dev/null | tail -15
    done
    [ -s "$work/ctl.log" ] && { echo "== welfarectl stderr"; tail -15 "$work/ctl.log"; }
}

teardown() {
    if [ "$failed" -gt 0 ] && [ -n "${WH_DEPLOY_KEEP:-}" ]; then
        log "WH_DEPLOY_KEEP: leaving project $project up (docker-compose -p $project … down -v to remove)"
    elif [ -f "$work/compose.yml" ]; then
        dc --profile cli down -v --remove-orphans >/dev/null 2>&1
        rm -rf "$work/secrets" "$work/import"
    fi
    wh_engine_stop
}
trap teardown EXIT

# --- 1, 2: engine and images ------------------------------------------------------------------

mkdir -p "$work"
: >"$work/ctl.log"
wh_engine_start "$work/dockerd.log" || die "a Docker engine"
t0=$(date +%s)
"$here/base-images.sh" || die "base images (debian:bookworm-slim, postgres:15)"
t1=$(date +%s)
WH_BUILD_OPTS="--network host -q" deploy/build-image.sh "$image" >"$work/build.log" 2>&1 ||
    { tail -40 "$work/build.log"; die "docker build of $image"; }
t2=$(date +%s)
log "images: base $((t1 - t0)) s, welfarehub $((t2 - t1)) s"

# --- 3: secrets and the stack -----------------------------------------------------------------

rm -rf "$work/secrets" "$work/import"
mkdir -p "$work/import"
chmod 755 "$work/import"
cat >"$work/test.env" <<ENV
WH_IMAGE=$image
WH_SECRETS_DIR=$work/secrets
WH_IMPORT_DIR=$work/import
WH_PUBLIC_BIND=127.0.0.1
WH_ADMIN_BIND=127.0.0.1
WH_LOG_LEVEL=info
ENV
resolve_compose || die "docker-compose config of docker-compose.yml + compose.host.yml"
dc --profile cli down -v --remove-orphans >/dev/null 2>&1 # what an interrupted run left
published_ports() { # beyond loopback (WH_ADMIN_BIND): intake's 7101, 7102, registry's 7121, 7122 and reporting's 7141 only
    [ "$(docker-compose -f docker-compose.yml --env-file .env.example config | python3 -c '
import sys, yaml
services = yaml.safe_load(sys.stdin)["services"]
print(" ".join(sorted(name + ":" + port.split(":")[1] for name, s in services.items()
                      for port in s.get("ports", []) if not port.startswith("127.0.0.1:"))))')" = "intake:7101 intake:7102 registry:7121 registry:7122 reporting:7141" ]
}
check "the district's compose file publishes only the agencies' bus ports beyond loopback" published_ports
WH_SECRETS_DIR=$work/secrets WH_IMAGE=$image deploy/make-secrets.sh --agency test-partner >"$work/secrets.log" 2>&1 ||
    { cat "$work/secrets.log"; die "deploy/make-secrets.sh"; }

log "docker-compose up -d (waits for each dependency's healthcheck)"
t_up=$(date +%s)
dc up -d >"$work/up.log" 2>&1 || { cat "$work/up.log"; die "docker-compose up"; }

all_healthy() {
    local svc
    for svc in postgres routing intake registry case reporting; do
        [ "$(health_of "$svc")" = healthy ] || return 1
    done
}
check "every healthcheck passes (postgres + 5 services)" wait_for 180 all_healthy
[ "$failed" -eq 0 ] || die "the stack did not become healthy"
t3=$(date +%s)
log "stack healthy $((t3 - t_up)) s after up"

db_init_done() { [ "$(docker inspect -f '{{.State.ExitCode}} {{.State.Status}}' "$(container_of db-init)")" = "0 exited" ]; }
check "db-init ran once and exited 0" db_init_done
runs_as_welfare() { [ "$(docker exec "$(container_of intake)" id -u)" = 10001 ]; }
check "services run as the non-root user 10001" runs_as_welfare
no_secret_in_env() { # no secret file's contents in the environment of any container
    local svc f
    for svc in postgres db-init routing intake registry case reporting; do
        docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$(container_of "$svc")" >"$work/env.txt"
        for f in "$work"/secrets/*_password "$work"/secrets/pii_key; do
            grep -qF "$(cat "$f")" "$work/env.txt" && { log "$svc's environment holds $(basename "$f")"; return 1; }
        done
    done
    rm -f "$work/env.txt"
}
check "no secret in any container's environment" no_secret_in_env
log_rotation() { [ "$(docker inspect -f '{{.HostConfig.LogConfig.Type}} {{index .HostConfig.LogConfig.Config "max-size"}}' "$(container_of case)")" = "json-file 20m" ]; }
check "log rotation configured (json-file, 20m)" log_rotation

# --- 4: the flow ------------------------------------------------------------------------------

district_setup() {
    ctl routing define-dong --dong_code 2650051000 --name 남천1동 --hub_type basic \
        --centre.latitude 35.142 --centre.longitude 129.113 &&
        ctl routing define-dong --dong_code 2650052000 --name 남천2동 --hub_type sphere \
            --hub_dong_code 2650051000 --centre.latitude 35.139 --centre.longitude 129.117 &&
        ctl routing register-staff --name 김민지 --role case-manager --employment public \
            --hub_dong_code 2650051000 --shift_start_minute 540 --shift_end_minute 1080 --active_from 2026-04-01 &&
        ctl routing register-staff --name 박서연 --role welfare-official --employment public \
            --hub_dong_code 2650051000 --shift_start_minute 540 --shift_end_minute 1080 --active_from 2026-04-01 &&
        ctl routing register-staff --name 이하늘 --role visiting-nurse --employment private \
            --hub_dong_code 2650051000 --shift_start_minute 540 --shift_end_minute 1080 --active_from 2026-04-01 &&
        ctl registry register-provider --name 수영구종합사회복지관 --kind private --has_mou \
            --dong_code 2650051000 --json >"$work/provider.json" &&
        provider=$(jq -r '.provider_id' "$work/provider.json") &&
        ctl registry register-resource --provider_id "$provider" --domain income --kind money \
            --dong_code 2650051000 --capacity 10 --amount_krw 500000 --discovered_on 2026-05-10 \
            --title "긴급 생계비" &&
        ctl registry register-resource --provider_id "$provider" --domain housing --kind goods \
            --dong_code 2650052000 --capacity 5 --amount_krw 250000 --discovered_on 2026-05-12 \
            --title "겨울 난방유"
} >>"$work/ctl.log"
check "district set up through the bus (2 dongs, 3 staff, 1 provider, 2 resources)" district_setup
# Intake refuses a referral naming a dong it has not applied from routing yet (services/intake/dongs.c):
# a safety-net tally of each dong succeeds once intake knows it.
intake_knows_dongs() {
    ctl intake get-safety-net-tally --dong_code 2650051000 >/dev/null &&
        ctl intake get-safety-net-tally --dong_code 2650052000 >/dev/null
}
check "intake applied routing's two dongs" wait_for 60 intake_knows_dongs

# make_csv NAME AWK-ARGS…: the CSV in the import dir; its KPI contribution in $work/NAME.adds
make_csv() {
    local name=$1
    shift
    awk "$@" -f "$here/referrals.awk" >"$work/import/$name.csv" 2>"$work/$name.adds" && chmod 644 "$work/import/$name.csv"
}
persons=0 blind=0 cases=0
count() { # count NAME: adds the rows of NAME.csv to the expected totals
    local p b c
    read -r _ p _ b _ c <"$work/$1.adds"
    persons=$((persons + p)) blind=$((blind + b)) cases=$((cases + c))
}
import() { ctl import referrals "/import/$1.csv" --jobs 16 >>"$work/ctl.log"; }

kpi_total() { ctl kpi "${period[@]}" --json | jq -c '.report.total | {targets: (.targets // 0), blind_spots: (.blind_spots // 0), case_households: (.case_households // 0), visiting_personnel: (.visiting_personnel // 0), visiting_personnel_private: (.visiting_personnel_private // 0), resources_discovered: (.resources_discovered // 0), resource_amount_krw: (.resource_amount_krw // 0)}'; }
expected_total() { # targets are the roster's stock (intake's enrolments): referrals enrol nobody
    printf '{"targets":0,"blind_spots":%d,"case_households":%d,"visiting_personnel":3,"visiting_personnel_private":1,"resources_discovered":2,"resource_amount_krw":750000}' \
        "$blind" "$cases"
}
kpi_is_expected() { [ "$(kpi_total)" = "$(expected_total)" ]; }
kpi_settles() { # kpi_settles WHAT: the KPI reaches the expected totals within a minute
    if wait_for 60 kpi_is_expected; then
        log "KPI after $1: $(kpi_total)"
        return 0
    fi
    log "KPI after $1 is $(kpi_total), expected $(expected_total)"
    return 1
}

make_csv batch-a -v first=1 -v last=40 && count batch-a
check "40 referrals imported through intake's endpoint" import batch-a
check "KPI table = what the referrals add up to" kpi_settles "40 referrals"
ctl kpi "${period[@]}" | tee "$work/kpi.txt"

# --- 5: crash and restart ---------------------------------------------------------------------

restarts_of() { docker inspect -f '{{.RestartCount}}' "$(container_of "$1")"; }
reporting_restarts=$(restarts_of reporting)
kill_reporting() { kill -KILL "$(docker inspect -f '{{.State.Pid}}' "$(container_of reporting)")"; }
check "reporting killed with SIGKILL" kill_reporting
make_csv batch-b -v first=41 -v last=100 && count batch-b
check "60 more referrals imported while reporting is down" import batch-b
ready() { curl -fsS -o /dev/null "http://127.0.0.1:$1/readyz" 2>/dev/null; }
reporting_back() { [ "$(restarts_of reporting)" -gt "$reporting_restarts" ] && ready 28141 && [ "$(health_of reporting)" = healthy ]; }
check "restart policy brought reporting back, healthy" wait_for 120 reporting_back
check "KPI counts the events reporting missed, each once" kpi_settles "the crash"

check "intake restarted (docker-compose restart)" dc restart intake
intake_healthy() { ready 28101 && [ "$(health_of intake)" = healthy ]; }
check "intake healthy again" wait_for 120 intake_healthy
make_csv again -v repeat=5 && count again
make_csv batch-c -v first=101 -v last=101 && count batch-c
import_after_restart() { import again && import batch-c; }
check "a repeated referral and a new one after the restart" import_after_restart
check "KPI: the repeat matched the stored household, the new one counted" kpi_settles "the intake restart"

# --- a partner agency, added and revoked as docs/operations.md says -------------------------------

keys() { WH_SECRETS_DIR=$work/secrets WH_IMAGE=$image deploy/keys.sh "$@" >>"$work/ctl.log" 2>&1; }
as_agency() { # as_agency NAME welfarectl-args…: welfarectl with the agency's key instead of the CLI's
    local name=$1
    shift
    dc run --rm -T -e WH_SECRET_KEY_FILE=/run/agency.key -e WH_TIMEOUT_MS=2000 -e WH_RETRIES=0 \
        -v "$work/secrets/keys/agency-$name.key:/run/agency.key:ro" welfarectl "$@" 2>>"$work/ctl.log"
}
handshakes_denied() { curl -fsS http://127.0.0.1:28101/metrics | awk '/^wh_bus_handshakes_total\{result="denied"\}/ { print $2 }'; }
# An agency files as its own reporter (services/intake/identity.c): the operator registers it and lists
# the reporter id with the agency's key (docs/operations.md, "Onboarding a partner agency").
fire_reporter=
register_fire() { fire_reporter=$(ctl intake register-reporter --name "fire-station" --channel PARTNER_AGENCY --json |
    sed -n 's/.*"reporter_id": *"\{0,1\}\([0-9][0-9]*\).*/\1/p') && [ -n "$fire_reporter" ]; }
check "the fire station's reporter registered" register_fire
add_agency() { keys add-agency fire-station --grant welfare.intake.v1.SubmitReferral --grant "reporter:$fire_reporter"; }
# No restart: the services re-read the published allow-list (secrets/access/, a directory mount)
# within a second of a change.
check "deploy/keys.sh add-agency fire-station" add_agency
sleep 2
make_csv agency-a -v first=201 -v last=201 -v reporter="$fire_reporter" && count agency-a
agency_import() { as_agency fire-station import referrals "/import/$1.csv" --jobs 1 >>"$work/ctl.log"; }
check "the new agency's referral is accepted, with no restart" agency_import agency-a
check "KPI counts the agency's referral" kpi_settles "the agency's referral"
denied_before=$(handshakes_denied)
keys revoke fire-station
sleep 2
make_csv agency-b -v first=202 -v last=202 -v reporter="$fire_reporter"
refused() { ! agency_import agency-b; }
check "2 s after deploy/keys.sh revoke, with no restart, the agency is refused" refused
more_denied() { [ "${1:-0}" -lt "$(handshakes_denied)" ]; }
check "intake counted the refused handshake (wh_bus_handshakes_total{result=\"denied\"})" more_denied "$denied_before"
check "KPI unchanged by the refused agency" kpi_settles "the revoked agency's attempt"

# Every metric the alerts and the dashboard use must be one the running services export.
metrics_exported() {
    deploy/check-metrics.py http://127.0.0.1:{28101,28111,28121,28131,28141}/metrics >"$work/metrics.txt" ||
        { grep -v ' exported ' "$work/metrics.txt"; return 1; }
}
check "every metric of the alerts and the dashboard is exported" metrics_exported

t4=$(date +%s)
log "flow and restarts $((t4 - t3)) s"

# --- the figures --------------------------------------------------------------------------------

size_of() { docker image inspect -f '{{.Size}}' "$1" 2>/dev/null | awk '{ printf "%.0f MB", $1 / 1e6 }'; }
pg_image=$(sed -n 's/.*WH_POSTGRES_IMAGE:-\([^}]*\)}.*/\1/p' docker-compose.yml)
log "image sizes: $image $(size_of "$image"), $pg_image $(size_of "$pg_image"), debian:bookworm-slim $(size_of debian:bookworm-slim)"
[ "$failed" -eq 0 ] || dump_logs
log "total $(($(date +%s) - started)) s"
finish
