#!/bin/bash
# tests/ops/run.sh — `make test-ops`: the ops profile's Prometheus and Alertmanager run for real, outside
# Docker (Debian's prometheus and prometheus-alertmanager packages; Grafana is not in Debian, so its
# dashboard is checked by its queries only: deploy/check-metrics.py).
#
#   1. promtool check config/rules and amtool check-config on the files compose mounts;
#   2. a stack (scripts/stack.sh) on ports of its own; Prometheus with deploy/prometheus/prometheus.yml
#      and alerts.yml — the same files, the targets rewritten from the compose names (intake:8080…) to
#      this stack's loopback ports and the scrape/evaluation interval cut from 15 s to 2 s — and
#      Alertmanager with deploy/alertmanager/alertmanager.yml, its webhook pointed at a local receiver
#      (tests/ops/receiver.py) and its group_wait cut from 30 s to 2 s;
#   3. every service scraped (up == 1), the alert rules loaded, Alertmanager discovered; every metric
#      the alerts and the dashboard query exported by the running services; nothing firing;
#   4. routing stopped: WelfareServiceDown{service="routing"} pending, then firing no sooner than its
#      `for: 1m`, and its notification at the receiver; routing started again: the resolved
#      notification arrives.
#
# Ends with `test-ops: N passed, N failed`.  WH_OPS_KEEP=1 keeps build/ops-test (logs) after the run.
set -u
cd "$(dirname "$0")/../.."
export WH_VAR=${WH_OPS_VAR:-$PWD/${BUILD:-build}/ops-test}
export WH_PG_PORT=${WH_OPS_PG_PORT:-55497} WH_PORT_BASE=${WH_OPS_PORT_BASE:-17401}
export WH_HTTP_BASE=${WH_OPS_HTTP_BASE:-18401} WH_BIN=${WH_BIN:-$PWD/${BUILD:-build}/bin}
prom_port=$((WH_HTTP_BASE + 60)) am_port=$((WH_HTTP_BASE + 61)) receiver_port=$((WH_HTTP_BASE + 62))
ops=$WH_VAR/ops
source scripts/stack.sh
extra_pids=()
CHECKS_NAME=test-ops
source tests/checks.sh

die() {
    log "FAILED: $*"
    failed=$((failed + 1))
    for f in "$ops"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done
    finish
}
cleanup() {
    local pid
    for pid in "${extra_pids[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${extra_pids[@]}"; do wait "$pid" 2>/dev/null; done
    wh_stack_stop
    [ -n "${WH_OPS_KEEP:-}" ] || { wh_pg_forget; rm -rf "$WH_VAR"; }
}

wh_pg_forget
rm -rf "$WH_VAR"
trap cleanup EXIT
mkdir -p "$ops/prometheus" "$ops/alertmanager" "$ops/tsdb" "$ops/am-data"

# --- 1. the configuration as compose mounts it ----------------------------------------------------
check "promtool check config deploy/prometheus/prometheus.yml" \
    promtool check config deploy/prometheus/prometheus.yml
check "promtool check rules deploy/prometheus/alerts.yml" promtool check rules deploy/prometheus/alerts.yml
check "amtool check-config deploy/alertmanager/alertmanager.yml" \
    amtool check-config deploy/alertmanager/alertmanager.yml

# --- 2. the stack, Prometheus, Alertmanager, the receiver -----------------------------------------
wh_stack_start || die "the stack did not start"
log "stack ready (services on HTTP $WH_HTTP_BASE…$((WH_HTTP_BASE + 40)))"

cp deploy/prometheus/alerts.yml "$ops/prometheus/alerts.yml"
python3 - deploy/prometheus/prometheus.yml "$ops/prometheus/prometheus.yml" "$prom_port" "$am_port" <<'PY' || die "rewriting prometheus.yml"
import os, sys, yaml
src, dst, prom, am = sys.argv[1:]
c = yaml.safe_load(open(src))
c["global"]["scrape_interval"] = c["global"]["evaluation_interval"] = "2s"
for job in c["scrape_configs"]:
    for sc in job["static_configs"]:
        svc = (sc.get("labels") or {}).get("service")
        if svc:
            sc["targets"] = ["127.0.0.1:%s" % os.environ["WH_%s_HTTP_PORT" % svc.upper()]]
        else:
            sc["targets"] = ["127.0.0.1:%s" % prom]
for am_cfg in c["alerting"]["alertmanagers"]:
    for sc in am_cfg["static_configs"]:
        sc["targets"] = ["127.0.0.1:%s" % am]
yaml.safe_dump(c, open(dst, "w"), sort_keys=False)
PY
python3 - deploy/alertmanager/alertmanager.yml "$ops/alertmanager/alertmanager.yml" "$receiver_port" <<'PY' || die "rewriting alertmanager.yml"
import sys, yaml
src, dst, port = sys.argv[1:]
c = yaml.safe_load(open(src))
c["route"]["group_wait"] = "2s"
c["route"]["group_interval"] = "2s"
for r in c["receivers"]:
    for w in r.get("webhook_configs", []):
        w["url"] = "http://127.0.0.1:%s/welfarehub" % port
yaml.safe_dump(c, open(dst, "w"), sort_keys=False)
PY
check "promtool check config on the test's copy (targets rewritten)" \
    promtool check config "$ops/prometheus/prometheus.yml"
check "amtool check-config on the test's copy (webhook rewritten)" \
    amtool check-config "$ops/alertmanager/alertmanager.yml"

: >"$ops/received.jsonl"
python3 tests/ops/receiver.py "$receiver_port" "$ops/received.jsonl" >"$ops/receiver.log" 2>&1 &
extra_pids+=($!)
prometheus-alertmanager --config.file="$ops/alertmanager/alertmanager.yml" --storage.path="$ops/am-data" \
    --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= >"$ops/alertmanager.log" 2>&1 &
extra_pids+=($!)
prometheus --config.file="$ops/prometheus/prometheus.yml" --storage.tsdb.path="$ops/tsdb" \
    --web.listen-address="127.0.0.1:$prom_port" >"$ops/prometheus.log" 2>&1 &
extra_pids+=($!)

ready() { curl -fsS "$1" >/dev/null 2>&1; }
wait_for 30 ready "http://127.0.0.1:$am_port/-/ready" || die "Alertmanager not ready after 30 s"
wait_for 30 ready "http://127.0.0.1:$prom_port/-/ready" || die "Prometheus not ready after 30 s"
log "Prometheus on $prom_port, Alertmanager on $am_port, receiver on $receiver_port"

prom_api() { curl -fsS "http://127.0.0.1:$prom_port/api/v1/$1"; }
prom_query() { curl -fsS --data-urlencode "query=$1" "http://127.0.0.1:$prom_port/api/v1/query"; }

# --- 3. scraped, loaded, discovered, exported, quiet ----------------------------------------------
every_service_up() {
    local up
    up=$(prom_query 'up{job="welfarehub"} == 1' | jq -r '[.data.result[].metric.service] | sort | join(" ")')
    [ "$up" = "case intake registry reporting routing" ]
}
check "Prometheus scrapes all five services (up == 1 for intake, case, registry, routing, reporting)" \
    wait_for 30 every_service_up
rules_loaded() {
    local n bad
    n=$(prom_api rules | jq '[.data.groups[].rules[]] | length')
    bad=$(prom_api rules | jq '[.data.groups[].rules[] | select(.health != "ok" and .health != "unknown")] | length')
    [ "$n" -eq "$(grep -cE '^ *- (alert|record):' deploy/prometheus/alerts.yml)" ] && [ "$bad" -eq 0 ]
}
check "every rule of alerts.yml is loaded and evaluates without error" wait_for 10 rules_loaded
alertmanager_found() { [ "$(prom_api alertmanagers | jq '.data.activeAlertmanagers | length')" -eq 1 ]; }
check "Prometheus sends to the Alertmanager of alerting: (one active)" wait_for 10 alertmanager_found
metrics_urls=()
for svc in "${WH_SERVICES[@]}"; do
    eval "metrics_urls+=(http://127.0.0.1:\$WH_${svc^^}_HTTP_PORT/metrics)"
done
check "every metric the alerts and the dashboard query is exported (deploy/check-metrics.py)" \
    deploy/check-metrics.py "${metrics_urls[@]}"
nothing_firing() { [ "$(prom_api alerts | jq '[.data.alerts[] | select(.state == "firing")] | length')" -eq 0 ]; }
check "a healthy stack fires no alert" nothing_firing

# --- 4. a real outage: routing stopped, then back -------------------------------------------------
alert_state() { # the state of WelfareServiceDown for routing in Prometheus, or "inactive"
    prom_api alerts | jq -r '[.data.alerts[] | select(.labels.alertname == "WelfareServiceDown"
        and .labels.service == "routing") | .state] | first // "inactive"'
}
received() { # received STATUS: the receiver got WelfareServiceDown{service=routing} with that status
    jq -e -s --arg s "$1" 'any(.[].body.alerts[]; .labels.alertname == "WelfareServiceDown"
        and .labels.service == "routing" and .status == $s)' "$ops/received.jsonl" >/dev/null 2>&1
}
stopped_at=$(date +%s)
wh_service_stop routing
log "routing stopped"
is_pending() { [ "$(alert_state)" = pending ]; }
check "WelfareServiceDown{service=\"routing\"} pending within 15 s" wait_for 15 is_pending
is_firing() { [ "$(alert_state)" = firing ]; }
check "WelfareServiceDown{service=\"routing\"} firing within 100 s" wait_for 100 is_firing
fired_after=$(($(date +%s) - stopped_at))
log "firing $fired_after s after the stop"
held_for_a_minute() { [ "$fired_after" -ge 60 ]; }
check "it fired no sooner than its for: 1m" held_for_a_minute
check "the receiver got the firing notification through Alertmanager (within 30 s)" wait_for 30 received firing
firing_labels_ok() {
    jq -e -s 'any(.[] | select(.body.receiver == "district-it" and .body.status == "firing") | .body.alerts[];
        .labels.alertname == "WelfareServiceDown" and .labels.severity == "critical"
        and (.annotations.summary | test("routing")))' "$ops/received.jsonl" >/dev/null
}
check "the notification names the receiver district-it, severity critical, and routing in its summary" firing_labels_ok

wh_service_start routing
wh_service_wait_ready routing || die "routing did not come back"
log "routing started again"
check "the resolved notification reaches the receiver within 60 s" wait_for 60 received resolved
check "no other alert fired during the outage (inhibition, quiet rules)" \
    jq -e -s '[.[].body.alerts[].labels.alertname] | unique == ["WelfareServiceDown"]' "$ops/received.jsonl" >/dev/null

log "notifications received: $(wc -l <"$ops/received.jsonl")"
finish
