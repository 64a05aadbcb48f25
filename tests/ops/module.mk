# make test-ops: the ops profile's Prometheus and Alertmanager run for real outside Docker (Debian's
# packages) against a stack, an outage provoked, the alert followed to a local webhook receiver; the
# dashboard's and the alerts' metric names checked against what the services export (tests/ops/run.sh).
OPS_TEST_PACKAGES = prometheus prometheus-alertmanager python3-yaml jq curl

.PHONY: test-ops
test-ops: $(BINARIES)
	@scripts/install-deps.sh $(OPS_TEST_PACKAGES)
	@BUILD=$(BUILD) tests/ops/run.sh
