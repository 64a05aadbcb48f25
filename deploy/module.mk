# deploy/: the district deployment (docker-compose.yml, deploy/docker, deploy/prometheus, deploy/grafana).
#
#   make test-deploy   builds the images and brings the compose stack up for real (tests/deploy/run.sh):
#                      healthchecks, the flow through the bus with welfarectl, a crash and restarts,
#                      teardown.  Needs root when no Docker engine runs (it starts dockerd itself).
#   make lint-ops      the ops profile's configuration: promtool check config / check rules / test
#                      rules, amtool check-config, and the Grafana provisioning and dashboard JSON
#                      (deploy/check-ops.sh).  `make test-ops` (tests/ops/) runs it for real.

DEPLOY_TEST_PACKAGES = docker.io docker-compose debootstrap jq curl
OPS_LINT_PACKAGES    = prometheus prometheus-alertmanager jq python3-yaml

.PHONY: test-deploy lint-ops
test-deploy:
	@scripts/install-deps.sh $(DEPLOY_TEST_PACKAGES)
	@BUILD=$(BUILD) tests/deploy/run.sh

lint-ops:
	@scripts/install-deps.sh $(OPS_LINT_PACKAGES)
	@deploy/check-ops.sh
